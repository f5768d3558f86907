"""The collection's own package as a wheel, shipped on the site beside the notebooks: a
learner who downloads a lesson installs it into their own Jupyter with one pip line, and
the notebook then runs with no checkout (the wheel carries the lessons' sources)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import __version__
from .assets import AssetError
from .paths import ROOT

WHEEL_NAME = f"alliance-{__version__}-py3-none-any.whl"
CACHE_DIR = ROOT / ".cache" / "wheel"
#: What goes into the wheel (see setup.py and pyproject.toml).
INPUTS = ("alliance", "content", "exercises", "pyproject.toml", "setup.py", "MANIFEST.in")


class WheelError(AssetError):
    """The package could not be built: the build stops, like a missing page asset."""


def inputs_digest(checkout: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        top = checkout / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(checkout)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_wheel(checkout: Path = ROOT, cache_dir: Path = CACHE_DIR) -> Path:
    """The wheel for these sources, built with pip once and cached by a hash of its inputs."""
    cached = cache_dir / inputs_digest(checkout)[:16] / WHEEL_NAME
    if cached.exists():
        return cached
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
             "--wheel-dir", tmp, str(checkout)],
            capture_output=True, text=True, timeout=600,
        )
        built = Path(tmp) / WHEEL_NAME
        if result.returncode != 0 or not built.exists():
            errors = [line for line in result.stderr.splitlines() if "error" in line.lower()][-3:]
            raise WheelError("the lessons' package (the wheel learners download) could not be built with pip"
                             + (": " + " ".join(errors) if errors else ""))
        for old in cache_dir.iterdir():  # keep only the newest wheel
            if old.is_dir() and old.name != Path(tmp).name:
                shutil.rmtree(old, ignore_errors=True)
        cached.parent.mkdir(parents=True, exist_ok=True)
        built.replace(cached)
    return cached
