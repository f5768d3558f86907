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


def _wanted(tarball: Path, spec: dict) -> dict[str, bytes]:
    """The files the lock names, by plain file name, read from the (checked) tarball."""
    wanted: dict[str, bytes] = {}
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and any(fnmatch.fnmatch(member.name.removeprefix("package/"), pattern)
                                       for pattern in spec["files"]):
                with archive.extractfile(member) as src:
                    wanted[Path(member.name).name] = src.read()
    return wanted


def _unpacked_matches(unpacked: Path, wanted: dict[str, bytes]) -> bool:
    try:
        present = {p.name for p in unpacked.iterdir()}
        return present == set(wanted) and all((unpacked / n).read_bytes() == data for n, data in wanted.items())
    except OSError:
        return False


def fetch(cache_dir: Path = CACHE_DIR, *, tests: bool = False) -> dict[str, Path]:
    """Every asset file by its plain file name, extracted into the cache. On every build the
    tarball is checked against its integrity hash and the unpacked files against the
    tarball; anything changed in the cache is unpacked again from the checked tarball."""
    files: dict[str, Path] = {}
    for name, spec in packages().items():
        if spec.get("tests_only") and not tests:
            continue
        unpacked = cache_dir / f"{name.replace('/', '__')}-{spec['version']}"
        wanted = _wanted(_tarball(name, spec, cache_dir), spec)
        if not _unpacked_matches(unpacked, wanted):
            staging = Path(tempfile.mkdtemp(dir=cache_dir))
            for file_name, data in wanted.items():
                (staging / file_name).write_bytes(data)
            if unpacked.exists():
                shutil.rmtree(unpacked, ignore_errors=True)
            try:
                staging.rename(unpacked)
            except OSError:  # another build unpacked it at the same moment
                shutil.rmtree(staging, ignore_errors=True)
                if not _unpacked_matches(unpacked, wanted):
                    raise AssetError(f"the cached files of {name}@{spec['version']} in {unpacked} could not be "
                                     "replaced: delete that folder and build again") from None
        for path in sorted(unpacked.iterdir()):
            files[path.name] = path
    return files


def asset_path(name: str) -> Path:
    """One asset file by name, for example "axe.min.js" in the browser tests."""
    return fetch(tests=True)[name]
