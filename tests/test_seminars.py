"""Seminars a trainer can run as written: each lesson's plan, outcomes, client cards and
observer sheet are data (content/seminars/NN-name.yaml), checked by the build and rendered
for facilitators only; the outcomes are for everyone."""

import copy

import pytest

from alliance.notebooks import build_notebook, materials_markdown, plan_markdown
from alliance.paths import CONTENT_DIR, lesson_ids
from alliance.seminars import Seminar, check_seminar
from alliance.sources import load_all

LESSONS = {lesson.id: lesson for lesson in load_all()}
OPENING, *BENEFIT_LESSONS, CLOSING = lesson_ids()

PLAN = {
    "lesson": "01-trust-and-safety", "self_study_minutes": 40,
    "outcomes": [{"id": f"x-o{n}", "can": f"do thing {n}", "scoped": ["assessment"],
                  "humanistic": ["metacompetences"]} for n in range(3)],
    "plan": [
        {"minutes": 2, "kind": "check-in", "activity": "One word each.", "slide": ["One word each: how do you arrive?"]},
        {"minutes": 18, "kind": "input", "activity": "Felt safety and risk.", "topics": ["risk"], "uses": ["ts-scenario-low"]},
        {"minutes": 10, "kind": "break", "activity": "Break"},
        {"minutes": 55, "kind": "practice", "activity": "Triads", "uses": ["card:x-card", "sheet:x-sheet"],
         "slide": ["Read your card (1 min)", "Counsellor (6 min)"]},
        {"minutes": 5, "kind": "check-out", "activity": "One thing to try.", "slide": ["Name one thing you will try."]},
    ],
    "cards": [{"id": "x-card", "client": "Nadia, 29", "background": "b", "opening": "o", "holding_back": "h",
               "good_listening": "g", "poor_listening": "p"}],
    "sheet": {"id": "x-sheet", "title": "Observer sheet", "behaviours": [
        {"watch_for": f"w{n}", "not_yet": "n", "consistently": "c"} for n in range(3)]},
}


def seminar(data) -> Seminar:
    return Seminar(data["lesson"], data["self_study_minutes"], data["outcomes"], data["plan"], data["cards"],
                   data["sheet"], CONTENT_DIR / "seminars" / "x.yaml")


def problems(change=None, minutes=90):
    data = copy.deepcopy(PLAN)
    if change:
        change(data)
    return [field + ": " + message for field, message in
            check_seminar(seminar(data), "01-trust-and-safety", minutes, {"ts-scenario-low"})]


def test_a_plan_that_keeps_the_rules_passes():
    assert problems() == []


@pytest.mark.parametrize("change, minutes, expected", [
    (None, 75, "adds up to 90 minutes, but the lesson's seminar_minutes is 75"),
    (lambda d: d["plan"].pop(2) and d["plan"][2].update(minutes=65), 90, "a plan of 90 minutes needs a break"),
    (lambda d: d["plan"][1].update(minutes=8, topics=["risk", "scales"]) or d["plan"][3].update(minutes=65), 90,
     "a 8-minute segment can teach one topic, not 2"),
    (lambda d: d["plan"][1].update(uses=["ts-missing"]), 90, "'ts-missing' is not an exercise of this lesson"),
    (lambda d: d["plan"][3].update(uses=["sheet:x-sheet"]), 90, "a practice round uses a client card"),
    (lambda d: d["plan"][1].pop("topics"), 90, "an input names what it teaches"),
    (lambda d: d["plan"][3].pop("slide"), 90, "plan[3].slide: a practice needs the lines its slide shows the group"),
    (lambda d: d["plan"][4].update(key_points=[1]), 90, "plan[4].key_points: only an input teaches key points"),
])
def test_a_plan_that_breaks_a_rule_is_refused_with_its_field(change, minutes, expected):
    found = problems(change, minutes)
    assert any(expected in p for p in found), found


def test_the_plan_renders_as_a_timetable_with_the_outcome_mapping():
    text = plan_markdown(seminar(PLAN))
    assert "| 0–2 | **Check in.** One word each. |" in text and "| 20–30 | **Break.** Break |" in text
    assert "| do thing 0 | assessment | metacompetences |" in text


def test_cards_and_the_observer_sheet_render_with_the_feedback_order():
    text = materials_markdown(seminar(PLAN))
    assert "**Client card: Nadia, 29**" in text and "*What they say first:* \"o\"" in text
    assert "| Watch for | Not yet | Sometimes | Mostly | Consistently |" in text
    assert "Feedback, in this order: the counsellor, then the client, then the observer." in text


# ---- The collection's own seminars. ----

@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_every_lesson_has_its_seminar_placed(lesson_id):
    lesson = LESSONS[lesson_id]
    assert lesson.seminar is not None, f"content/seminars/{lesson_id}.yaml"
    assert 3 <= len(lesson.seminar.outcomes) <= 5


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_plans_open_and_pause_as_a_course_does(lesson_id):
    plan = LESSONS[lesson_id].seminar.plan
    if lesson_id == OPENING:
        rules = [s for s in plan if s["kind"] == "ground-rules"]
        assert rules and 15 <= sum(s["minutes"] for s in rules) + sum(
            s["minutes"] for s in plan if s["kind"] == "welcome") <= 20
    else:
        assert plan[0]["kind"] == "check-in" and plan[0]["minutes"] == 2
        assert not any(s["kind"] == "ground-rules" for s in plan)
    if LESSONS[lesson_id].seminar.minutes == 90:
        assert [s["minutes"] for s in plan if s["kind"] == "break"] == [10]


def test_practice_grows_longer_across_the_course():
    longest = [max((s["minutes"] for s in LESSONS[i].seminar.plan if s["kind"] == "practice"), default=0)
               for i in [*BENEFIT_LESSONS, CLOSING]]
    assert all(minutes >= 10 for minutes in longest)
    assert longest == sorted(longest), longest


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_cards_and_sheets_are_for_facilitators_only(lesson_id):
    notebook = build_notebook(LESSONS[lesson_id])
    sheet_title = LESSONS[lesson_id].seminar.sheet["title"]
    for cell in notebook.cells:
        if "Client card:" in cell.source or sheet_title in cell.source or "Session plan (" in cell.source:
            assert "facilitator" in cell.metadata.get("tags", []), cell.source[:80]
    assert any("By the end of this lesson you can" in c.source and "facilitator" not in c.metadata.get("tags", [])
               for c in notebook.cells)


def test_the_course_overview_lists_every_outcome_and_the_hours():
    from alliance.site import Page, overview_html

    pages = [Page(lesson=i, title=lesson.title, summary="", editions={}, notebook=CONTENT_DIR, reading_minutes=30,
                  seminar_minutes=lesson.seminar_minutes, seminar=lesson.seminar) for i, lesson in LESSONS.items()]
    text = overview_html(pages)
    for lesson in LESSONS.values():
        for outcome in lesson.seminar.outcomes:
            assert outcome["can"].replace("'", "&#x27;") in text
    reading = 30 * len(pages)
    exercises = sum(lesson.seminar.self_study_minutes for lesson in LESSONS.values())
    seminars = sum(lesson.seminar.minutes for lesson in LESSONS.values())
    assert f"<td>{reading} min</td><td>{exercises} min</td><td>{seminars} min</td>" in text
