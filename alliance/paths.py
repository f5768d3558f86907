"""Where the collection's sources and outputs live.

In a checkout (an editable install, or `alliance build` run inside one) every folder is
found relative to the repository root. An installed wheel carries the lessons' sources
itself (`alliance/lessons/content`, `…/exercises`, copied in by setup.py), so a lesson
notebook runs anywhere on disk with no checkout.
"""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The lessons' sources as the wheel carries them.
PACKAGED_LESSONS = PACKAGE_DIR / "lessons"


def is_checkout(folder: Path) -> bool:
    """A clone of this collection, with its sources and the pages' asset lock."""
    return all((folder / name).exists() for name in ("content", "exercises", "site-assets.lock.json"))


def find_checkout() -> Path | None:
    """The repository this package was installed from (editable), else the checkout the
    current folder is in (a lesson kernel runs in its notebooks/), else None."""
    here = Path.cwd()
    return next((folder for folder in (PACKAGE_DIR.parent, here, *here.parents) if is_checkout(folder)), None)


CHECKOUT = find_checkout()
ROOT = CHECKOUT or PACKAGED_LESSONS
CONTENT_DIR = ROOT / "content"
EXERCISES_DIR = ROOT / "exercises"
NOTEBOOKS_DIR = ROOT / "notebooks"
SITE_DIR = ROOT / "site"
SCHEMA_PATH = EXERCISES_DIR / "exercises.schema.json"

#: A lesson's file name: two digits, a hyphen, then lower-case letters, digits and hyphens.
LESSON_FILE = re.compile(r"^[0-9]{2}-[a-z0-9-]+\.md$")


def lesson_ids(content_dir: Path = CONTENT_DIR) -> list[str]:
    """Lesson ids in reading order: the names of `content/NN-name.md`. Anything else in
    content/ is reported by `sources.folder_problems`, so it cannot silently drop out."""
    return sorted(p.stem for p in content_dir.glob("[0-9][0-9]-*.md") if LESSON_FILE.match(p.name) and p.is_file())


def shown(path: Path) -> str:
    """A path as a trainer would recognise it in a message: relative to the repository."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_stale_folders(prefix: str, older_than: float = 86400) -> None:
    """Remove temporary folders named `<prefix><pid>-…` whose process has gone (a killed
    build or test session) and, from before the process id was in the name, any `<prefix>…`
    folder more than a day old."""
    for path in Path(tempfile.gettempdir()).glob(prefix + "*"):
        found = re.match(re.escape(prefix) + r"(\d+)-", path.name)
        try:
            if found:
                stale = int(found.group(1)) != os.getpid() and not _alive(int(found.group(1)))
            else:
                stale = time.time() - path.stat().st_mtime > older_than
        except OSError:
            continue
        if stale and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
