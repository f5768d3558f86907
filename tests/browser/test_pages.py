"""The exported pages in Debian's Chromium, with no kernel and no network: every request
that would leave the site is blocked and recorded; the exercises work; answers survive a
reload and download as one file; axe finds no serious problems; the keyboard is enough."""

import datetime as dt
import functools
import html
import http.server
import importlib.util
import io
import json
import re
import threading
import unicodedata
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from alliance import text
from alliance.exercises import TYPES
from alliance.exercises.guided_practice import GuidedPractice
from alliance.journal import Answer, to_markdown
from alliance.paths import EXERCISES_DIR, lesson_ids
from site_browser import READY, Offline, axe_violations

LESSONS = lesson_ids()
PAGES = ["index.html", "overview.html"] + [f"{edition}/{lesson}.html" for edition in ("learner", "facilitator") for lesson in LESSONS]


@pytest.fixture(scope="module")
def server(built_site):
    """Any static web server will do; this is Python's own."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture
def offline(browser, built_site):
    session = Offline(browser, built_site.as_uri() + "/")
    yield session
    session.close()
    assert session.leaving == [], f"requests left the site: {session.leaving}"
    assert session.errors == []


@pytest.mark.parametrize("path", PAGES)
def test_page_works_offline_from_file_and_passes_axe(offline, path):
    page = offline.open(path, ready=path not in ("index.html", "overview.html"))  # no exercises there
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


# ---- Each exercise type without a kernel, checked against its spec in exercises/. ----

LESSON_01 = "learner/01-trust-and-safety.html"


def spec(lesson: str, exercise_id: str) -> dict:
    exercises = yaml.safe_load((EXERCISES_DIR / f"{lesson}.yaml").read_text(encoding="utf-8"))["exercises"]
    return next(e for e in exercises if e["id"] == exercise_id)


def words(value: str) -> str:
    return " ".join(value.split())


def as_text(rendered_html: str) -> str:
    """The visible words of HTML the build rendered (smart quotes and all)."""
    return words(html.unescape(re.sub(r"<[^>]+>", " ", rendered_html)))


def test_choosing_a_response_shows_the_feedback_for_that_response(offline):
    page = offline.open(LESSON_01)
    scenario = page.locator(".alliance-id-ts-scenario")
    assert scenario.locator(".alliance-feedback:visible").count() == 0
    for option in reversed(spec("01-trust-and-safety", "ts-scenario")["options"]):  # by its words, wherever it is
        scenario.get_by_label(option["response"], exact=True).check()
        feedback = scenario.locator(".alliance-feedback:visible")
        feedback.wait_for()
        assert feedback.count() == 1
        kind = {"best": "The strongest response.", "partly": "Partly helpful.", "unhelpful": "Less helpful."}[option["kind"]]
        expected = f"You chose: {as_text(text.inline(option['response']))} {kind} {as_text(text.block(option['feedback']))}"
        assert words(feedback.inner_text()) == expected


def pacer_frames() -> list[str]:
    practice = GuidedPractice(spec("01-trust-and-safety", "ts-breathing"))
    return [f"{say} … {left}" for say, left, _ in practice.frames()]


def test_reveal_opens_and_pacer_runs(offline):
    page = offline.open(LESSON_01)
    reveal = page.locator(".alliance-reveal")
    assert not reveal.locator(".alliance-examples").is_visible()
    reveal.locator(".jupyter-widget-Collapse-header").click()
    reveal.locator(".alliance-examples").wait_for()
    pacer = page.locator(".alliance-guided-practice")
    frames = pacer_frames()
    shown_frame = lambda: words(pacer.locator(".alliance-pacer:visible").inner_text())  # noqa: E731
    circle = lambda: pacer.locator(".alliance-pacer:visible .alliance-circle").bounding_box()["width"]  # noqa: E731
    assert shown_frame() == frames[0] and circle() < 60  # "Breathe in … 4", a small circle
    page.wait_for_timeout(1100)
    assert shown_frame() == frames[0]  # nothing moves before the learner starts it
    pacer.get_by_role("button", name="Start the guided practice").click()
    page.wait_for_timeout(1300)
    moved = shown_frame()
    assert moved in frames and frames.index(moved) >= 2, moved  # two or more frames on, in the spec's order
    assert circle() > 60  # breathing in: the circle has grown
    pause = pacer.get_by_role("button", name="Pause the guided practice")  # the same button, now pausing
    assert pause.inner_text() == "Pause"
    pause.click()
    pacer.get_by_role("button", name="Start the guided practice").wait_for()
    paused = shown_frame()
    page.wait_for_timeout(1100)
    assert shown_frame() == paused  # and it stops when paused


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


SLOW_SETTLING = """
const setTimeoutAsUsual = window.setTimeout;
window.setTimeout = (callback, ms, ...rest) => setTimeoutAsUsual(callback, ms === 0 ? 400 : ms, ...rest);
"""


def test_an_answer_typed_just_before_a_reload_is_kept(offline):
    """The save waits for the widget to settle (slowed down here, as on a busy machine);
    leaving the page in that moment must not drop it."""
    offline.context.add_init_script(SLOW_SETTLING)
    page = offline.open(LESSON_01)
    for n in range(3):
        box = page.locator(".alliance-id-ts-safe-space textarea")
        box.fill(f"typed {n}")
        page.reload()  # at once: no pause for the save
        page.wait_for_selector(READY, state="attached")
        assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == f"typed {n}"


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


def hostile_inputs() -> list[str]:
    """The hostile answers tests/test_journal_markdown.py renders, and a few more for the browser."""
    path = Path(__file__).parents[1] / "test_journal_markdown.py"
    module_spec = importlib.util.spec_from_file_location("journal_markdown_cases", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.HOSTILE + [
        "a\r\nb\rc\x1cd\u2028e\x85f", "tab\tinside and\u00a0no-break", "emoji 🙂 then *star*",
        " 3. indented number", "  \t  ", "", "12345678901) long number", "a.b:c@d. e: f@ g.",
    ]


def test_the_page_escapes_answers_exactly_as_the_journal_export_does(offline):
    page = offline.open(LESSON_01)
    answers = [Answer("01-trust-and-safety", f"ts-{n:03d}", "text", typed, typed, f"Label {typed}",
                      "Trust <and> safety", f"Exercise {typed}", n, 0) for n, typed in enumerate(hostile_inputs())]
    day = dt.date.today()
    made = page.evaluate("([answers, day]) => window.allianceJournal.markdown(answers, day)",
                         [[a.__dict__ for a in answers], day.isoformat()])
    assert made == to_markdown(answers, day)


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


def journal_entry(question: str, response: str) -> str:
    """How one answer reads in the journal export."""
    answer = Answer("l", "e", "f", response, response, question, "L", "E", 0, 0)
    return to_markdown([answer]).split("### E\n\n")[1].rstrip("\n")


def test_download_writes_the_chosen_scenario_response_as_the_spec_words_it(offline):
    page = offline.open(LESSON_01)
    scenario = spec("01-trust-and-safety", "ts-scenario")
    chosen = scenario["options"][2]
    page.locator(".alliance-id-ts-scenario").get_by_label(chosen["response"], exact=True).check()
    page.wait_for_timeout(100)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my answers").first.click()
    downloaded = Path(info.value.path()).read_text(encoding="utf-8")
    assert journal_entry(scenario["question"], chosen["response"]) in downloaded
    assert "> 2\n" not in downloaded and "> undefined" not in downloaded


def download_text(page) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my answers").first.click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def clear_all(page):
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Clear my answers").first.click()
    page.wait_for_selector(READY, state="attached")


def test_clear_leaves_nothing_typed_before_the_click(offline):
    """The answer being typed when Clear is pressed must not be written back afterwards."""
    page = offline.open(LESSON_01)
    for attempt in range(3):
        page.locator(".alliance-id-ts-safe-space textarea").fill(f"typed just before clearing {attempt}")
        clear_all(page)
        page.wait_for_timeout(300)
        assert stored_answers(page) == [], attempt
        assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == ""


def test_clear_deletes_every_lesson_and_empties_other_open_lessons(offline):
    first = offline.open(LESSON_01)
    first.locator(".alliance-id-ts-safe-space textarea").fill("lesson one, private")
    first.locator(".alliance-id-ts-rating .alliance-field-item-2").get_by_label("6", exact=True).check()
    second = offline.open("learner/02-empathy-and-validation.html")
    second.locator(".alliance-reflection textarea").first.fill("lesson two, private")
    second.wait_for_timeout(100)
    assert {a.lesson for a in stored_answers(second)} == {"01-trust-and-safety", "02-empathy-and-validation"}
    with first.expect_navigation():  # the other open lesson empties itself too
        clear_all(second)
    first.wait_for_selector(READY, state="attached")
    first.wait_for_timeout(200)
    assert stored_answers(second) == [] and stored_answers(first) == []
    assert first.locator(".alliance-id-ts-safe-space textarea").input_value() == ""
    again = offline.open(LESSON_01)
    assert again.locator(".alliance-id-ts-safe-space textarea").input_value() == ""
    assert again.locator(".alliance-id-ts-rating input:checked").count() == 0
    assert "Deleted 3 answers" in second.locator(".alliance-answers-status").inner_text()


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
        scenario = spec("01-trust-and-safety", "ts-scenario")
        page.locator(".alliance-id-ts-scenario").get_by_label(scenario["options"][1]["response"], exact=True).check()
        page.locator(".alliance-id-ts-scenario .alliance-feedback:visible").wait_for()
        page.locator(".alliance-id-ts-safe-space textarea").fill("still works <b>here</b>")
        page.locator(".alliance-id-ts-rating .alliance-field-item-3").get_by_label("5", exact=True).check()
        # The download holds what is on the page, though the browser keeps nothing.
        downloaded = download_text(page)
        assert "> still works &lt;b&gt;here&lt;/b&gt;" in downloaded and "> 5 of 7" in downloaded
        assert journal_entry(scenario["question"], scenario["options"][1]["response"]) in downloaded
        assert "_No answers yet._" not in downloaded
        assert "only the answers on this page" in page.locator(".alliance-answers-status").inner_text()
        clear_all(page)  # asks, then empties the page, with no error
        assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == ""
        assert session.errors == [] and session.leaving == []
    finally:
        session.close()


# ---- Nothing lost silently: a full storage, a huge answer, damaged entries. ----

FULL_AT = 4000  # characters; beyond this the simulated storage is full
FULL_STORAGE = """
  (() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (String(key).length + String(value).length > %d) {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return setItem.call(this, key, value);
    };
  })();
""" % FULL_AT
SAFE_SPACE = "alliance:answer:01-trust-and-safety:ts-safe-space:text"


def stored(page, key: str):
    return page.evaluate("k => localStorage.getItem(k)", key)


def test_a_full_storage_is_told_beside_the_exercise_and_never_brings_back_an_older_answer(offline):
    offline.context.add_init_script(FULL_STORAGE)
    page = offline.open(LESSON_01)
    card = page.locator(".alliance-id-ts-safe-space")
    card.locator("textarea").fill("An older, shorter answer.")
    page.wait_for_timeout(100)
    assert json.loads(stored(page, SAFE_SPACE))["value"] == "An older, shorter answer."
    assert card.get_by_role("status").inner_text() == ""
    long_answer = "A much longer answer that no longer fits. " * 200
    card.locator("textarea").fill(long_answer)
    message = card.get_by_role("status")
    message.wait_for()
    said = message.inner_text()
    assert "could not be kept" in said and "storage is full" in said and "Download your answers" in said
    assert said.count(".") <= 3 and "Quota" not in said  # plain words, no error names
    assert stored(page, SAFE_SPACE) is None  # the older answer is gone, not waiting to come back
    assert long_answer.strip() in download_text(page)  # nothing lost: the download holds what is on the page
    card.locator("textarea").fill("Short again.")  # once it fits, it is kept and the message goes
    page.wait_for_timeout(100)
    assert json.loads(stored(page, SAFE_SPACE))["value"] == "Short again."
    assert message.inner_text() == ""
    card.locator("textarea").fill(long_answer)
    message.get_by_text("could not be kept").wait_for()
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert page.locator(".alliance-id-ts-safe-space textarea").input_value() == ""  # never "Short again."


def test_a_five_megabyte_answer_is_told_not_thrown(offline):
    page = offline.open(LESSON_01)
    huge = "I kept writing. " * (5_000_000 // 16)
    card = page.locator(".alliance-id-ts-safe-space")
    card.locator("textarea").fill("A first answer.")
    page.wait_for_timeout(100)
    card.locator("textarea").fill(huge)
    card.get_by_role("status").get_by_text("storage is full").wait_for(timeout=30_000)
    assert stored(page, SAFE_SPACE) is None
    page.locator(".alliance-id-ts-reveal textarea").fill("A later, short answer.")  # the rest still saves
    page.wait_for_timeout(100)
    assert any(a.value == "A later, short answer." for a in stored_answers(page))
    assert huge.strip() in download_text(page)
    # offline's teardown checks that nothing was thrown: no uncaught QuotaExceededError


DAMAGED = {
    "alliance:answer:02-empathy-and-validation:ev-x:text": "null",
    "alliance:answer:03-collaboration-and-co-creation:cc-x:text": json.dumps(  # no "shown"
        {"lesson": "03-collaboration-and-co-creation", "exercise": "cc-x", "field": "text", "value": "v",
         "label": "l", "lesson_title": "t", "exercise_title": "e", "position": 0, "field_position": 0,
         "updated_at": ""}),
    SAFE_SPACE: "{not json",
    "alliance:answer:01-trust-and-safety:ts-rating:item-1": "[1, 2]",
}


def test_damaged_entries_are_skipped_counted_and_reported(offline):
    page = offline.open(LESSON_01)
    page.evaluate("entries => Object.entries(entries).forEach(([k, v]) => localStorage.setItem(k, v))", DAMAGED)
    page.reload()
    page.wait_for_selector(READY, state="attached")
    page.locator(".alliance-id-ts-reveal textarea").fill("Take your time, Ruth.")
    page.locator(".alliance-id-ts-rating .alliance-field-item-2").get_by_label("6", exact=True).check()
    page.wait_for_timeout(100)
    assert page.evaluate("window.allianceJournal.kept().damaged") == 4
    closing = offline.open("learner/06-bringing-it-together.html")  # loads without an error
    trust = closing.locator('.alliance-profile-chart tr[data-row="01-trust-and-safety:ts-rating"]')
    assert trust.locator(".alliance-bar-words").inner_text() == "6.0 out of 7 (1 of 5 statements rated)"
    downloaded = download_text(closing)
    assert downloaded == to_markdown(stored_answers(closing), dt.date.today())
    assert "> Take your time, Ruth." in downloaded and "> 6 of 7" in downloaded
    assert "4 damaged entries in this browser could not be read and were left out." in closing.locator(
        ".alliance-answers-status").inner_text()
    clear_all(closing)
    assert closing.locator(".alliance-answers-status").inner_text() == "Deleted 6 answers from this browser, 4 of them damaged."
    assert closing.evaluate("Object.keys(localStorage).filter(k => k.startsWith('alliance:answer:'))") == []


def test_closing_profile_is_drawn_from_ratings_kept_in_the_browser(offline):
    page = offline.open(LESSON_01)
    rating = page.locator(".alliance-id-ts-rating")
    rating.locator(".alliance-field-item-1").get_by_label("3", exact=True).check()
    rating.locator(".alliance-field-item-2").get_by_label("6", exact=True).check()
    page.wait_for_timeout(100)
    closing = offline.open("learner/06-bringing-it-together.html")
    trust = closing.locator('.alliance-profile-chart tr[data-row="01-trust-and-safety:ts-rating"]')
    assert trust.locator(".alliance-bar-words").inner_text() == "4.5 out of 7 (2 of 5 statements rated)"
    assert trust.locator(".alliance-bar").get_attribute("style") == "width: 58%;"
    empathy = closing.locator('.alliance-profile-chart tr[data-row="02-empathy-and-validation:ev-listening-rating"]')
    assert empathy.locator(".alliance-bar-words").inner_text() == "Not rated yet"
    # A rating of the learner's own wellbeing is not charted among their skills.
    assert closing.locator('.alliance-profile-chart tr[data-row*="er-coping-confidence"]').count() == 0
    assert "not skills" in closing.locator(".alliance-wellbeing-note").inner_text()
    # The closing lesson offers the page's own download and clear buttons in place of the kernel's.
    export_card = closing.locator(".alliance-journal-export")
    assert export_card.get_by_role("button", name="Download my answers").is_visible()
    assert not export_card.get_by_role("button", name="Save my journal").is_visible()


# ---- Practice: the scenario's own response, drills and knowledge checks. ----

def as_python_words(lesson: str, exercise_id: str, answers: list[Answer]) -> None:
    """What the page kept reads, word for word, as the kernel's journal would write it."""
    exercise = TYPES[spec(lesson, exercise_id)["type"]](spec(lesson, exercise_id))
    fields = {f.name: f for f in exercise.fields()}
    mine = [a for a in answers if a.exercise == exercise_id]
    assert mine
    for a in mine:
        assert a.shown == fields[a.field].shown(a.value), a.field


def test_the_scenario_keeps_the_learners_own_response(offline):
    page = offline.open(LESSON_01)
    scenario = page.locator(".alliance-id-ts-scenario")
    scenario.locator(".alliance-field-instead textarea").fill("What would help you feel safe to go on?")
    page.wait_for_timeout(100)
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert scenario.locator(".alliance-field-instead textarea").input_value() == "What would help you feel safe to go on?"


def test_a_drill_done_by_keyboard_keeps_every_attempt_through_a_reload(offline):
    page = offline.open(LESSON_01)
    drill = page.locator(".alliance-id-ts-drill")
    first = drill.locator(".alliance-drill-statement").first
    tab_to(page, ".alliance-id-ts-drill .alliance-drill-text textarea")
    page.keyboard.type("It stays in this room, mostly.")
    tab_to(page, ".alliance-id-ts-drill .alliance-drill-rating input[type=radio]")
    page.keyboard.press("Space")  # "Not yet" for the first criterion
    tab_to(page, ".alliance-id-ts-drill .alliance-drill-again")
    page.keyboard.press("Enter")
    assert first.locator("textarea").input_value() == ""  # ready for the next attempt
    first.locator("textarea").focus()
    page.keyboard.type("What you say stays between us, unless I'm worried about your safety or someone else's.")
    page.wait_for_timeout(100)
    assert first.locator(".alliance-drill-count").inner_text() == "Attempts kept: 2"
    assert "beginner 1 of 2" in drill.locator(".alliance-drill-progress").inner_text()
    page.reload()
    page.wait_for_selector(READY, state="attached")
    first = page.locator(".alliance-id-ts-drill .alliance-drill-statement").first
    assert first.locator("textarea").input_value().startswith("What you say stays between us")
    assert first.locator(".alliance-drill-count").inner_text() == "Attempts kept: 2"
    kept = stored_answers(page)
    as_python_words("01-trust-and-safety", "ts-drill", kept)
    [attempts] = [a.value for a in kept if a.exercise == "ts-drill"]
    assert attempts[0] == {"text": "It stays in this room, mostly.", "ratings": [0, None, None]}
    text = download_text(page)
    assert text == to_markdown(kept, dt.date.today())
    assert "> Attempt 1: It stays in this room, mostly.\n> My rating: " in text


def test_a_knowledge_check_done_by_keyboard_is_scored_and_kept(offline):
    page = offline.open(LESSON_01)
    check = spec("01-trust-and-safety", "ts-check")
    card = page.locator(".alliance-id-ts-check")
    for question in check["questions"]:  # the right answer to each, found by its words
        right = [o["text"] for o in question["options"] if o["correct"]]
        field = card.locator(f".alliance-field-{question['id']}")
        for words_of_option in right:
            field.get_by_label(words_of_option, exact=True).focus()
            page.keyboard.press("Space")
    wrong = check["questions"][0]
    card.locator(f".alliance-field-{wrong['id']}").get_by_label(
        next(o["text"] for o in wrong["options"] if not o["correct"]), exact=True).check()
    tab_to(page, ".alliance-id-ts-check .alliance-check-answers")
    page.keyboard.press("Enter")
    total = len(check["questions"])
    assert card.locator(".alliance-score p").inner_text() == (
        f"You answered {total - 1} of {total} questions correctly. The explanations are open below.")
    assert card.locator(".alliance-explanations .alliance-explanations, .jupyter-widget-Collapse-open").count() >= 1
    page.reload()
    page.wait_for_selector(READY, state="attached")
    card = page.locator(".alliance-id-ts-check")
    assert card.locator(".alliance-score p").inner_text() == (
        f"Last time you checked, you answered {total - 1} of {total} questions correctly.")
    kept = stored_answers(page)
    as_python_words("01-trust-and-safety", "ts-check", kept)
    assert next(a.value for a in kept if a.exercise == "ts-check" and a.field == "score") == total - 1
    for question in check["questions"][1:]:
        for o in question["options"]:
            assert card.locator(f".alliance-field-{question['id']}").get_by_label(o["text"], exact=True).is_checked() == o["correct"]
    assert download_text(page) == to_markdown(kept, dt.date.today())


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
    assert not page.locator(".alliance-id-ts-safe-space textarea").is_visible()  # not the answer...
    box = page.locator(".alliance-id-ts-safe-space .widget-textarea")
    assert box.evaluate("el => getComputedStyle(el, '::after').borderTopStyle") == "solid"
    assert box.bounding_box()["height"] >= 100  # ...but room to write
    assert page.locator(".alliance-id-ts-rating input[type=radio]").first.is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf()))
    assert len(pdf.pages) > 1
    printed = words(unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages)))  # no ligatures
    assert "Trust and safety" in printed
    lesson = yaml.safe_load((EXERCISES_DIR / "01-trust-and-safety.yaml").read_text(encoding="utf-8"))
    for exercise in lesson["exercises"]:
        assert as_text(text.inline(exercise["title"])) in printed, exercise["title"]
    assert "private words" not in printed  # the typed answer is not on paper, not even invisibly
