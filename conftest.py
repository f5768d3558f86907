"""Loaded for every pytest run here, including `pytest notebooks/` alone: every test, and
every kernel nbval starts, uses an empty, isolated journal, never the learner's own."""

import os
import shutil
import tempfile
from pathlib import Path

from alliance.paths import sweep_stale_folders

# Named after this process, so a later session can tell a killed session's folder from a
# running one's; removed when the session ends.
TEST_FOLDER = "alliance-test-"
sweep_stale_folders(TEST_FOLDER)
_ISOLATED = Path(tempfile.mkdtemp(prefix=f"{TEST_FOLDER}{os.getpid()}-"))


def pytest_configure(config):
    # Set before any kernel starts, so nbval's kernels inherit it too.
    os.environ["ALLIANCE_JOURNAL"] = str(_ISOLATED / "session-journal.sqlite3")
    os.environ["XDG_DATA_HOME"] = str(_ISOLATED / "xdg-data")  # never the real home either
    os.environ["ALLIANCE_SAVE_DELAY"] = "0"
    os.environ["ALLIANCE_EXPORT_DIR"] = str(_ISOLATED / "exports")  # "Save my journal" never writes to Documents


# In CI (`.ci/run` sets CI=1) a skipped browser test fails the run: the offline pages and
# their accessibility are only proven if the browser tests really ran.
_skipped_browser_tests: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and report.nodeid.startswith("tests/browser/"):
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped_browser_tests and os.environ.get("CI"):
        print(f"\nCI: {len(_skipped_browser_tests)} browser test(s) were skipped:", *_skipped_browser_tests, sep="\n  ")
        session.exitstatus = 1


def pytest_unconfigure(config):
    shutil.rmtree(_ISOLATED, ignore_errors=True)
