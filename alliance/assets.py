"""Front-end files for the exported pages: fetched from the npm registry at build time by
the pinned versions and integrity hashes in site-assets.lock.json, cached, never committed."""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .paths import ROOT

LOCK_PATH = ROOT / "site-assets.lock.json"
CACHE_DIR = ROOT / ".cache" / "npm-assets"


class AssetError(RuntimeError):
    pass


def packages() -> dict[str, dict]:
    return json.loads(LOCK_PATH.read_text(encoding="utf-8"))["packages"]


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _tarball(name: str, spec: dict, cache_dir: Path) -> Path:
    """The package's tarball, fetched with `npm pack` once, and always checked."""
    tarball = cache_dir / f"{name.replace('@', '').replace('/', '-')}-{spec['version']}.tgz"
    if not tarball.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
            try:
                result = subprocess.run(
                    ["npm", "pack", "--silent", "--json", f"{name}@{spec['version']}", "--pack-destination", tmp],
                    capture_output=True, text=True, timeout=300,
                )
            except FileNotFoundError:
                raise AssetError("npm is needed once, to fetch the pages' widget renderer: please install Node.js and npm.") from None
            if result.returncode != 0:
                raise AssetError(f"could not fetch {name}@{spec['version']} from the npm registry:\n{result.stderr.strip()}")
            [fetched] = Path(tmp).glob("*.tgz")
            fetched.replace(tarball)
    found = _integrity(tarball)
    if found != spec["integrity"]:
        tarball.unlink()
        raise AssetError(f"{name}@{spec['version']} does not match site-assets.lock.json (got {found[:20]}…); it was deleted, nothing was used")
    return tarball


def fetch(cache_dir: Path = CACHE_DIR, *, tests: bool = False) -> dict[str, Path]:
    """Every asset file by its plain file name, extracted into the cache."""
    files: dict[str, Path] = {}
    for name, spec in packages().items():
        if spec.get("tests_only") and not tests:
            continue
        unpacked = cache_dir / f"{name.replace('/', '__')}-{spec['version']}"
        if not unpacked.exists():
            tarball = _tarball(name, spec, cache_dir)
            staging = Path(tempfile.mkdtemp(dir=cache_dir))
            with tarfile.open(tarball) as archive:
                members = [m for m in archive.getmembers() if m.isfile() and any(
                    fnmatch.fnmatch(m.name.removeprefix("package/"), pattern) for pattern in spec["files"])]
                for member in members:
                    target = staging / Path(member.name).name
                    with archive.extractfile(member) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
            staging.rename(unpacked)
        for path in sorted(unpacked.iterdir()):
            files[path.name] = path
    return files


def asset_path(name: str) -> Path:
    """One asset file by name, for example "axe.min.js" in the browser tests."""
    return fetch(tests=True)[name]
