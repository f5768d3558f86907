"""Where the collection's sources and outputs live.

The package is installed in editable mode from the repository, so every folder is
found relative to the repository root rather than the current directory.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = ROOT / "content"
EXERCISES_DIR = ROOT / "exercises"
NOTEBOOKS_DIR = ROOT / "notebooks"
SITE_DIR = ROOT / "site"
SCHEMA_PATH = EXERCISES_DIR / "exercises.schema.json"


def lesson_ids(content_dir: Path = CONTENT_DIR) -> list[str]:
    """Lesson ids in reading order: the names of `content/NN-name.md`."""
    return sorted(p.stem for p in content_dir.glob("[0-9][0-9]-*.md"))


def shown(path: Path) -> str:
    """A path as a trainer would recognise it in a message: relative to the repository."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
