"""The Trust and Safety lesson in real JupyterLab, as a learner uses it: run the lesson,
answer, see feedback, then reopen it in a fresh kernel and find the answers back."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from alliance.journal import Journal
from alliance.paths import EXERCISES_DIR, NOTEBOOKS_DIR

LESSON = "01-trust-and-safety"
TOKEN = "alliance-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on loopback, serving a copy of the notebooks with an isolated journal."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOKS_DIR / f"{LESSON}.ipynb", root)
    journal = root / "journal.sqlite3"
    port = free_port()
    env = {**__import__("os").environ, "ALLIANCE_JOURNAL": str(journal), "ALLIANCE_SAVE_DELAY": "0.3"}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root",
         f"--LabApp.workspaces_dir={root / 'workspaces'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start")
    yield base, journal
    server.terminate()
    server.wait(20)


def api(base, path, method="GET"):
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        body = reply.read()
    return json.loads(body) if body else None


def open_and_run(browser, base, url=None):
    """Open the lesson (at `url`, if given, in `browser`, which may be a signed-in context) and run it."""
    sized = {"viewport": {"width": 1280, "height": 900}} if hasattr(browser, "new_context") else {}  # a context has its own
    page = browser.new_page(**sized)
    page.goto(url or f"{base}/lab/tree/{LESSON}.ipynb?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Wait for the kernel, as a learner would, before running the lesson.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()
    expected = len(yaml.safe_load((EXERCISES_DIR / f"{LESSON}.yaml").read_text())["exercises"])
    shown = f"document.querySelectorAll('.jp-OutputArea .alliance-exercise').length === {expected}"
    for attempt in range(3):  # a menu click can land while the notebook is still settling
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.get_by_role("menuitem", name="Run All Cells").first.click()
        try:
            page.wait_for_function(shown, timeout=20_000)
            return page
        except Exception:
            ran = page.locator(".jp-InputPrompt:has-text('[1]')").count()
            print(f"Run All attempt {attempt + 1}: exercises not shown yet (setup cell ran: {bool(ran)})", file=sys.stderr)
            page.keyboard.press("Escape")
    pytest.fail("the lesson's exercises did not appear after Run All Cells")


def answers(url: str) -> bool:
    """True once a server answers at url."""
    try:
        urllib.request.urlopen(url, timeout=1)
        return True
    except OSError:
        return False


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_answers_save_feedback_shows_and_answers_return(browser, lab):
    base, journal_path = lab
    spec = {e["id"]: e for e in yaml.safe_load((EXERCISES_DIR / f"{LESSON}.yaml").read_text())["exercises"]}
    page = open_and_run(browser, base)

    # Scenario: choosing a response shows its feedback, and only its feedback.
    scenario = page.locator(".alliance-id-ts-scenario")
    chosen = spec["ts-scenario"]["options"][2]  # by its words: the options are shown shuffled
    scenario.get_by_label(chosen["response"], exact=True).check()
    feedback = scenario.locator(".alliance-feedback:visible")
    feedback.wait_for()
    assert feedback.count() == 1
    first_words = " ".join(chosen["feedback"].split()[:4])
    assert first_words in feedback.inner_text()

    # Reflection: typing saves to the journal without pressing anything.
    page.locator(".alliance-reflection textarea").first.fill("I felt safe with my nan.")
    # Rating: choose 5 for the first statement.
    page.locator(".alliance-rating .widget-radio").first.get_by_label("5", exact=True).check()
    # Reveal: the examples open on request.
    reveal = page.locator(".alliance-reveal")
    assert not reveal.locator(".alliance-examples").is_visible()
    reveal.locator(".jupyter-widget-Collapse-header").first.click()
    reveal.locator(".alliance-examples").wait_for()

    # Checklist: ticking a box saves it.
    page.locator(".alliance-checklist input[type=checkbox]").nth(1).check()
    # Guided practice: the pacer moves on its own once started.
    pacer = page.locator(".alliance-guided-practice")
    pacer.scroll_into_view_if_needed()
    first_frame = pacer.locator(".alliance-pacer:visible").inner_text()
    pacer.locator("button").first.click()
    page.wait_for_timeout(1600)
    assert pacer.locator(".alliance-pacer:visible").inner_text() != first_frame
    pacer.locator("button").first.click()  # pause

    journal = Journal(journal_path)
    assert wait_for(lambda: journal.values(LESSON, "ts-checklist") == {"item-2": True})
    assert wait_for(lambda: journal.values(LESSON, "ts-safe-space") == {"text": "I felt safe with my nan."})
    assert wait_for(lambda: journal.values(LESSON, "ts-rating") == {"item-1": 5})
    assert journal.values(LESSON, "ts-scenario") == {"choice": chosen["response"]}  # the response, not its place
    page.close()

    # Reopen the lesson in a new kernel: the answers come back.
    for kernel in api(base, "/api/kernels"):
        api(base, f"/api/kernels/{kernel['id']}", method="DELETE")
    page = open_and_run(browser, base)
    text = page.locator(".alliance-reflection textarea").first
    page.wait_for_function("document.querySelector('.alliance-reflection textarea').value !== ''", timeout=20_000)
    assert text.input_value() == "I felt safe with my nan."
    assert page.locator(".alliance-rating .widget-radio").first.get_by_label("5", exact=True).is_checked()
    assert page.locator(".alliance-id-ts-scenario .alliance-feedback:visible").count() == 1
    assert page.locator(".alliance-checklist input[type=checkbox]").nth(1).is_checked()
    page.close()
