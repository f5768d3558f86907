"""Every test, and every kernel nbval starts, uses an empty, isolated journal."""

import os
import tempfile
from pathlib import Path

import pytest

_ISOLATED = Path(tempfile.mkdtemp(prefix="alliance-test-"))


def pytest_configure(config):
    # Set before any kernel starts, so nbval's kernels inherit it too.
    os.environ["ALLIANCE_JOURNAL"] = str(_ISOLATED / "session-journal.sqlite3")
    os.environ["XDG_DATA_HOME"] = str(_ISOLATED / "xdg-data")  # belt and braces: never the real home
    os.environ["ALLIANCE_SAVE_DELAY"] = "0"


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("ALLIANCE_JOURNAL", str(path))
    return path
