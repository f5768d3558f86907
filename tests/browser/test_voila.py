"""Lessons served by real Voilà (`alliance voila`, as `make voila` runs it), to two
visitors at once in separate browser contexts: neither ever sees the other's answers,
answers leave only as a download through the browser, learners see no "Run All Cells"
note and no facilitator notes, nothing loads from outside, and kernels are shut down."""

import shutil
import subprocess
import urllib.parse

import pytest

from alliance.cli import voila_command
from alliance.paths import NOTEBOOKS_DIR

from test_jupyterlab import answers, free_port, wait_for

LESSON = "01-trust-and-safety"
CLOSING = "06-bringing-it-together"


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Real Voilà on loopback, serving copies of two lessons."""
    root = tmp_path_factory.mktemp("voila")
    for lesson in (LESSON, CLOSING):
        shutil.copy(NOTEBOOKS_DIR / f"{lesson}.ipynb", root)
    port = free_port()
    command, env = voila_command(str(root), port)
    env.pop("ALLIANCE_JOURNAL", None)  # a shared server: each visit must get its own journal by itself
    log = root / "voila.log"
    with open(log, "w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: answers(f"{base}/voila/tree"), timeout=60):
        server.kill()
        pytest.fail(f"Voilà did not start:\n{log.read_text()}")
    yield base, log, server
    server.terminate()
    server.wait(20)


class Visitor:
    """One browser context: its own cookies and storage, as a second person's browser."""

    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.base = base

    def _route(self, route):
        host = urllib.parse.urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, lesson=LESSON):
        page = self.context.new_page()
        page.goto(f"{self.base}/voila/render/{lesson}.ipynb", timeout=60_000)
        page.locator(".alliance-reflection textarea").first.wait_for(timeout=60_000)
        return page


def kernel_pids(server_pid: int) -> list[int]:
    """The kernels a server is running: its ipykernel child processes (Voilà has no kernels API)."""
    from pathlib import Path

    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == server_pid and b"ipykernel" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


def kernels(server: subprocess.Popen) -> int:
    return len(kernel_pids(server.pid))


def test_two_visitors_never_see_each_others_answers(browser, voila):
    base, *_ = voila
    first, second = Visitor(browser, base), Visitor(browser, base)
    page_a = first.open()
    page_a.locator(".alliance-reflection textarea").first.fill("first visitor's marker 7351")
    page_a.wait_for_timeout(800)  # past the journal's typing pause
    page_b = second.open()
    assert page_b.locator(".alliance-reflection textarea").first.input_value() == ""
    page_b.locator(".alliance-reflection textarea").first.fill("second visitor's marker 9462")
    page_b.wait_for_timeout(800)

    # Each visitor's download holds their own answer only, and comes through the browser.
    for page, mine, theirs in ((page_a, "7351", "9462"), (page_b, "9462", "7351")):
        visit = page.locator(".alliance-visit")
        visit.get_by_role("button", name="Download my answers").click()
        link = visit.locator("a.alliance-download-link")
        link.wait_for(timeout=10_000)
        with page.expect_download() as download:
            link.click()
        text = open(download.value.path(), encoding="utf-8").read()
        assert mine in text and theirs not in text

    # A third visit, in the first visitor's own browser, starts empty: nothing is shared.
    again = first.open()
    assert again.locator(".alliance-reflection textarea").first.input_value() == ""
    assert first.outside == [] and second.outside == []
    for context in (first.context, second.context):
        context.close()


def test_learners_see_no_run_all_note_no_facilitator_notes_and_nothing_external(browser, voila):
    base, *_ = voila
    visitor = Visitor(browser, base)
    page = visitor.open(CLOSING)
    text = page.locator("body").inner_text()
    assert "Run All Cells" not in text
    assert "For facilitators" not in text
    assert "Session plan" not in text
    # The closing lesson's journal button downloads through the browser; nothing is written on the server.
    card = page.locator(".alliance-journal-export")
    card.get_by_role("button", name="Download my answers").click()
    card.locator("a.alliance-download-link").wait_for(timeout=10_000)
    assert card.get_by_role("button", name="Clear my answers…").count() == 1  # this page's answers, not a journal
    # Icons come from Voilà's own bundle, not a CDN.
    glyph = page.evaluate("""() => getComputedStyle(document.querySelector('.alliance-journal-export .fa'), '::before').fontFamily""")
    assert "Font Awesome" in glyph
    assert visitor.outside == []
    visitor.context.close()


def test_a_closed_or_reloaded_page_shuts_its_kernel_down(browser, voila):
    base, log, server = voila
    before = kernels(server)
    visitor = Visitor(browser, base)
    page = visitor.open()
    assert wait_for(lambda: kernels(server) == before + 1)
    page.reload()
    page.locator(".alliance-reflection textarea").first.wait_for(timeout=60_000)
    assert wait_for(lambda: kernels(server) == before + 1), "a reload left the old kernel running"
    page.goto(f"{base}/voila/tree")  # leaving the lesson for the list of lessons
    assert wait_for(lambda: kernels(server) == before), "a page that was left kept its kernel running"
    visitor.context.close()
    assert "_xsrf" not in log.read_text()
