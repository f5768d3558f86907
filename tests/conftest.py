import pytest


@pytest.fixture
def journal_path(tmp_path, monkeypatch):
    """A fresh journal for one test, also seen by kernels the test starts."""
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("ALLIANCE_JOURNAL", str(path))
    return path
