"""Memory and CPU for each learner, for docs/cohorts.md: what a hub's user server and each
open lesson cost, and what each Voilà visitor costs.

    .venv/bin/python tools/cohort_footprint.py

1. JupyterLab, as each user's server on a hub runs it (jupyterhub-singleuser is this
   server with the hub's login): the server, then one lesson opened in Chromium and run
   with Run All Cells, then a second lesson open beside it.
2. Voilà (`alliance voila`): the server, then each visitor's lesson page.

Memory is each process's PSS (proportional set size: shared library pages divided among
the processes sharing them) and RSS, from /proc/PID/smaps_rollup, read once the page is
ready and the process has been idle for 5 s. CPU is the process's user + system time
from /proc/PID/stat over the whole step. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from test_jupyterlab import TOKEN, free_port, open_and_run  # noqa: E402
from test_voila import kernel_pids  # noqa: E402

from alliance.cli import voila_command  # noqa: E402
from alliance.paths import NOTEBOOKS_DIR  # noqa: E402

LESSONS = ["01-trust-and-safety", "02-empathy-and-validation"]
TICK = os.sysconf("SC_CLK_TCK")


def memory(pid: int) -> tuple[float, float]:
    """(PSS, RSS) in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return fields["Pss"], fields["Rss"]


def cpu(pid: int) -> float:
    """User + system CPU seconds so far."""
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK


def wait_until_up(url: str) -> None:
    import urllib.request

    for _ in range(240):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def report(name: str, pid: int, cpu_before: float = 0.0) -> None:
    time.sleep(5)
    pss, rss = memory(pid)
    print(f"{name:<48} PSS {pss:6.0f} MB   RSS {rss:6.0f} MB   CPU {cpu(pid) - cpu_before:5.1f} s")


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], ready_url: str):
    """A server started for one measurement, and stopped after it."""
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(ready_url)
        yield server
    finally:
        server.terminate()
        server.wait(20)


def jupyterlab(browser, root: Path) -> None:
    import test_jupyterlab

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root",
               f"--LabApp.workspaces_dir={root / 'workspaces'}"]
    env = {**os.environ, "ALLIANCE_JOURNAL": str(root / "journal.sqlite3")}
    with serving(command, env, f"{base}/api/status?token={TOKEN}") as server:
        report("JupyterLab server, started", server.pid)
        pages = []
        for n, lesson in enumerate(LESSONS):
            test_jupyterlab.LESSON = lesson
            pages.append(open_and_run(browser, base))
            [*_, kernel] = kernel_pids(server.pid)
            report(f"  lesson kernel {n + 1} ({lesson}), after Run All", kernel)
        report("JupyterLab server, with both lessons open", server.pid)


def voila(browser, root: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command, env = voila_command(str(root), port)
    env["ALLIANCE_JOURNAL"] = ""  # as on a shared server: each visit makes its own
    with serving(command, env, f"{base}/voila/tree") as server:
        report("Voilà server, started", server.pid)
        for n in range(2):
            page = browser.new_context().new_page()
            page.goto(f"{base}/voila/render/{LESSONS[0]}.ipynb", timeout=60_000)
            page.locator(".alliance-reflection textarea").first.wait_for(timeout=60_000)
            [*_, kernel] = kernel_pids(server.pid)
            report(f"  visitor {n + 1}'s lesson kernel", kernel)
        report("Voilà server, with two visitors", server.pid)


def main() -> None:
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="alliance-footprint-"))
    for lesson in LESSONS:
        shutil.copy(NOTEBOOKS_DIR / f"{lesson}.ipynb", root)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            jupyterlab(browser, root)
            voila(browser, root)
            browser.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
