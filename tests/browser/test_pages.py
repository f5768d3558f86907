"""The exported pages in Debian's Chromium, with no kernel and no network: every request
that would leave the site is blocked and recorded; the exercises work; answers survive a
reload and download as one file; axe finds no serious problems; the keyboard is enough."""

import datetime as dt
import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from alliance.assets import asset_path
from alliance.journal import Answer, to_markdown
from alliance.paths import lesson_ids

LESSONS = lesson_ids()
PAGES = ["index.html"] + [f"{edition}/{lesson}.html" for edition in ("learner", "facilitator") for lesson in LESSONS]
READY = "body[data-alliance-ready]"


@pytest.fixture(scope="module")
def server(built_site):
    """Any static web server will do; this is Python's own."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class Offline:
    """A browser context that lets through only requests for the site itself."""

    def __init__(self, browser, base: str, **options):
        self.base = base
        self.leaving: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(accept_downloads=True, **options)
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("blob:") or url.startswith("data:"):
            route.continue_()
        else:
            self.leaving.append(url)
            route.abort()

    def open(self, path: str, ready: bool = True):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.base + path)
        if ready:
            page.wait_for_selector(READY, state="attached", timeout=30_000)
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def offline(browser, built_site):
    session = Offline(browser, built_site.as_uri() + "/")
    yield session
    session.close()
    assert session.leaving == [], f"requests left the site: {session.leaving}"
    assert session.errors == []


def axe_violations(page):
    page.add_script_tag(path=str(asset_path("axe.min.js")))
    return page.evaluate(
        """axe.run(document, {resultTypes: ['violations'], preload: false}).then(r => r.violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"""
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_works_offline_from_file_and_passes_axe(offline, path):
    page = offline.open(path, ready=path != "index.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_only_controls_take_the_keyboard_focus_and_contents_list_the_notes(offline):
    learner = offline.open(LESSON_01)
    assert learner.locator("main .jp-Cell-inputWrapper[tabindex], main .jp-OutputArea-output[tabindex]").count() == 0
    assert learner.locator(".alliance-contents li").count() >= 5
    assert learner.locator(".alliance-contents-note").count() == 0
    facilitator = offline.open("facilitator/01-trust-and-safety.html")
    notes = facilitator.locator(".alliance-contents-note a")
    assert notes.count() == facilitator.locator(".celltag_facilitator").count() >= 3
    notes.first.click()
    assert facilitator.evaluate("location.hash").startswith("#facilitator-note-")


@pytest.mark.parametrize("lesson", LESSONS)
def test_single_file_page_works_offline(offline, lesson):
    page = offline.open(f"single-file/{lesson}.html")
    assert page.locator(".alliance-exercise").count() >= 4


def test_pages_work_offline_from_a_web_server(browser, server):
    session = Offline(browser, server)
    try:
        for path in ("index.html", "learner/04-emotional-regulation-and-coping.html", "facilitator/06-bringing-it-together.html"):
            session.open(path, ready=path != "index.html").close()
        assert session.leaving == [] and session.errors == []
    finally:
        session.close()


# ---- Each exercise type without a kernel. ----

LESSON_01 = "learner/01-trust-and-safety.html"


def test_choosing_a_response_shows_its_feedback(offline):
    page = offline.open(LESSON_01)
    scenario = page.locator(".alliance-scenario")
    assert scenario.locator(".alliance-feedback:visible").count() == 0
    scenario.locator("input[type=radio]").nth(2).check()
    feedback = scenario.locator(".alliance-feedback:visible")
    feedback.wait_for()
    assert "You chose:" in feedback.inner_text()


def test_reveal_opens_and_pacer_runs(offline):
    page = offline.open(LESSON_01)
    reveal = page.locator(".alliance-reveal")
    assert not reveal.locator(".alliance-examples").is_visible()
    reveal.locator(".jupyter-widget-Collapse-header").click()
    reveal.locator(".alliance-examples").wait_for()
    pacer = page.locator(".alliance-guided-practice")
    first = pacer.locator(".alliance-pacer:visible").inner_text()
    pacer.get_by_role("button", name="Start the guided practice").click()
    page.wait_for_timeout(1300)
    assert pacer.locator(".alliance-pacer:visible").inner_text() != first
    pause = pacer.get_by_role("button", name="Pause the guided practice")  # the same button, now pausing
    assert pause.inner_text() == "Pause"
    pause.click()
    pacer.get_by_role("button", name="Start the guided practice").wait_for()


def answer_everything(page):
    """One answer of every kind on lesson 01, as a learner would give them."""
    page.locator(".alliance-id-ts-safe-space textarea").fill("My nan <b>listened</b> & never judged.\nShe made tea.")
    page.locator(".alliance-id-ts-rating .alliance-field-item-2").get_by_label("6", exact=True).check()
    page.locator(".alliance-id-ts-checklist input[type=checkbox]").nth(1).check()
    page.locator(".alliance-id-ts-scenario input[type=radio]").nth(0).check()
    page.locator(".alliance-id-ts-reveal textarea").fill("Take your time, Ruth.")
    page.locator(".alliance-id-ts-breathing textarea").fill("calmer")


def test_every_kind_of_answer_survives_a_reload(offline):
    page = offline.open(LESSON_01)
    answer_everything(page)
    page.wait_for_timeout(100)
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert page.locator(".alliance-id-ts-safe-space textarea").input_value().startswith("My nan <b>listened</b>")
    assert page.locator(".alliance-id-ts-rating .alliance-field-item-2").get_by_label("6", exact=True).is_checked()
    assert page.locator(".alliance-id-ts-checklist input[type=checkbox]").nth(1).is_checked()
    assert page.locator(".alliance-id-ts-scenario .alliance-feedback:visible").count() == 1  # restored, and linked
    assert page.locator(".alliance-id-ts-reveal textarea").input_value() == "Take your time, Ruth."
    assert page.locator(".alliance-id-ts-breathing textarea").input_value() == "calmer"
    assert page.locator("b", has_text="listened").count() == 0  # the learner's text never became markup


def test_worksheet_boxes_survive_a_reload(offline):
    page = offline.open("learner/03-collaboration-and-co-creation.html")
    boxes = page.locator(".alliance-worksheet").first.locator("textarea")
    boxes.nth(0).fill("Sleep better")
    boxes.nth(2).fill("A wind-down routine")
    page.reload()
    page.wait_for_selector(READY, state="attached")
    boxes = page.locator(".alliance-worksheet").first.locator("textarea")
    assert [boxes.nth(0).input_value(), boxes.nth(1).input_value(), boxes.nth(2).input_value()] == [
        "Sleep better", "", "A wind-down routine"]


def stored_answers(page) -> list[Answer]:
    entries = page.evaluate("window.allianceJournal.answers()")
    return [Answer(**{k: e[k] for k in Answer.__dataclass_fields__}) for e in entries]


def test_download_holds_every_answer_from_every_lesson_as_the_journal_export_does(offline):
    page = offline.open(LESSON_01)
    answer_everything(page)
    other = offline.open("learner/02-empathy-and-validation.html")
    other.locator(".alliance-reflection textarea").first.fill("Being heard by my tutor.")
    other.wait_for_timeout(100)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my answers").first.click()
    download = info.value
    assert download.suggested_filename == f"reflective-journal-{dt.date.today().isoformat()}.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    # The same Markdown, byte for byte, as `alliance journal export` makes of the same answers.
    assert text == to_markdown(stored_answers(page), dt.date.today())
    assert "Being heard by my tutor." in text and "> My nan &lt;b&gt;listened&lt;/b&gt; &amp; never judged." in text
    assert "**Rate how much each statement" not in text and "6 of 7" in text and "Ticked" in text


def test_clear_my_answers_asks_first(offline):
    page = offline.open(LESSON_01)
    answer_everything(page)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Clear my answers").first.click()
    assert page.locator(".alliance-answers-status").inner_text() == "Nothing was deleted."
    assert stored_answers(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear my answers").first.click()
    page.wait_for_selector(READY, state="attached")
    assert stored_answers(page) == []
    assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == ""
    assert "Deleted" in page.locator(".alliance-answers-status").inner_text()


def test_without_browser_storage_the_exercises_work_and_a_notice_says_so(browser, built_site):
    session = Offline(browser, built_site.as_uri() + "/")
    session.context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('blocked', 'SecurityError'); }});")
    try:
        page = session.open(LESSON_01)
        assert page.locator(".alliance-storage-notice").is_visible()
        page.locator(".alliance-id-ts-scenario input[type=radio]").nth(1).check()
        page.locator(".alliance-id-ts-scenario .alliance-feedback:visible").wait_for()
        page.locator(".alliance-id-ts-safe-space textarea").fill("still works")
        assert session.errors == [] and session.leaving == []
    finally:
        session.close()


def test_closing_profile_is_drawn_from_ratings_kept_in_the_browser(offline):
    page = offline.open(LESSON_01)
    rating = page.locator(".alliance-id-ts-rating")
    rating.locator(".alliance-field-item-1").get_by_label("3", exact=True).check()
    rating.locator(".alliance-field-item-2").get_by_label("6", exact=True).check()
    page.wait_for_timeout(100)
    closing = offline.open("learner/06-bringing-it-together.html")
    trust = closing.locator('.alliance-profile-chart tr[data-benefit="trust-and-safety"]')
    assert trust.locator(".alliance-bar-words").inner_text() == "4.5 out of 7 (2 of 5 statements rated)"
    assert trust.locator(".alliance-bar").get_attribute("style") == "width: 58%;"
    empathy = closing.locator('.alliance-profile-chart tr[data-benefit="empathy-and-validation"]')
    assert empathy.locator(".alliance-bar-words").inner_text() == "Not rated yet"
    # The closing lesson offers the page's own download and clear buttons in place of the kernel's.
    export_card = closing.locator(".alliance-journal-export")
    assert export_card.get_by_role("button", name="Download my answers").is_visible()
    assert not export_card.get_by_role("button", name="Save my journal").is_visible()


# ---- Keyboard alone, and print. ----

def tab_to(page, selector, limit=400):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest({json.dumps(selector)})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_every_exercise_can_be_done_by_keyboard(offline):
    page = offline.open(LESSON_01)
    tab_to(page, ".alliance-id-ts-safe-space textarea")
    page.keyboard.type("Typed by keyboard")
    tab_to(page, ".alliance-id-ts-rating input[type=radio]")
    for _ in range(9):  # past the end of the scale: arrows stay within the first statement
        page.keyboard.press("ArrowRight")
    rating = page.locator(".alliance-id-ts-rating")
    assert rating.locator(".alliance-field-item-1 input:checked").count() == 1
    assert rating.locator("input:checked").count() == 1
    tab_to(page, ".alliance-id-ts-scenario input[type=radio]")
    page.keyboard.press("Space")
    page.locator(".alliance-id-ts-scenario .alliance-feedback:visible").wait_for()
    tab_to(page, ".alliance-id-ts-reveal .jupyter-widget-Collapse-header")
    page.keyboard.press("Enter")
    page.locator(".alliance-id-ts-reveal .alliance-examples").wait_for()
    tab_to(page, ".alliance-id-ts-breathing button")
    page.keyboard.press("Enter")
    tab_to(page, ".alliance-id-ts-checklist input[type=checkbox]")
    page.keyboard.press("Space")
    assert page.locator(".alliance-id-ts-checklist input:checked").count() == 1
    page.wait_for_timeout(100)
    assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == "Typed by keyboard"
    assert len(stored_answers(page)) >= 4


def test_a_lesson_prints_as_blank_worksheets(offline):
    page = offline.open(LESSON_01)
    page.locator(".alliance-id-ts-safe-space textarea").fill("private words")
    page.emulate_media(media="print")
    assert not page.locator(".alliance-header").is_visible() and not page.locator(".widget-play").first.is_visible()
    box = page.locator(".alliance-id-ts-safe-space textarea")
    assert box.evaluate("el => getComputedStyle(el).color") == "rgba(0, 0, 0, 0)"  # room to write, not the answer
    assert box.bounding_box()["height"] >= 100
    assert page.locator(".alliance-id-ts-rating input[type=radio]").first.is_visible()
    assert page.pdf()[:4] == b"%PDF"
