"""Loaded for every pytest run here, including `pytest notebooks/` alone: every test, and
every kernel nbval starts, uses an empty, isolated journal, never the learner's own."""

import os
import tempfile
from pathlib import Path

_ISOLATED = Path(tempfile.mkdtemp(prefix="alliance-test-"))


def pytest_configure(config):
    # Set before any kernel starts, so nbval's kernels inherit it too.
    os.environ["ALLIANCE_JOURNAL"] = str(_ISOLATED / "session-journal.sqlite3")
    os.environ["XDG_DATA_HOME"] = str(_ISOLATED / "xdg-data")  # never the real home either
    os.environ["ALLIANCE_SAVE_DELAY"] = "0"
    os.environ["ALLIANCE_EXPORT_DIR"] = str(_ISOLATED / "exports")  # "Save my journal" never writes to Documents
