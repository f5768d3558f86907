"""The slide decks: built from the seminar plan, the key points, the scenarios and the
facilitator notes, so each holds every scenario as a vote, every skills practice with its
steps, a check-out, and speaker notes; and they load nothing from outside the site."""

import re

import pytest

from alliance import decks, slides
from alliance.paths import CONTENT_DIR, EXERCISES_DIR
from alliance.seminars import NEEDS_SLIDE, check_seminar
from alliance.sources import key_points, load_all

LESSONS = [lesson for lesson in load_all(CONTENT_DIR, EXERCISES_DIR) if lesson.seminar]


def cells_of(deck, *kinds):
    return [c.source for c in deck.cells if c.metadata["slideshow"]["slide_type"] in kinds]


def markdown_of(lesson):
    return "\n\n".join(b.text for b in lesson.blocks if b.kind == "markdown")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_deck_follows_the_session_with_every_scenario_practice_and_note(lesson):
    deck = decks.build_deck(lesson)
    slides_, notes = cells_of(deck, "slide"), "\n".join(cells_of(deck, "notes"))
    shown = "\n".join(cells_of(deck, "slide", "fragment"))
    assert slides_[0].startswith(f"# {lesson.title}") and "Samaritans" in slides_[0]
    for outcome in lesson.seminar.outcomes:
        assert outcome["can"][1:] in shown
    for point in key_points(markdown_of(lesson)):
        assert point in shown
    scenarios = [e for e in lesson.exercises.values() if e.name == "scenario"]
    headings = [s.splitlines()[0] for s in slides_ if re.match(r"## Scenario \d+$", s.splitlines()[0])]
    assert headings == [f"## Scenario {n}" for n in range(1, len(scenarios) + 1)]  # in the order shown
    for exercise in scenarios:
        n = int(re.search(rf'Scenario (\d+) is "{re.escape(exercise.title)}"', notes).group(1))
        vote = next(s for s in slides_ if s.startswith(f"## Scenario {n}: which would you say?"))
        assert [line[4] for line in vote.splitlines() if line.startswith("- **")] == list("ABCD"[:len(exercise.spec["options"])])
        for option in exercise.spec["options"]:
            assert option["response"] in vote and option["feedback"] in notes
        assert exercise.title not in vote  # a title can give the answer away
    for start, end, segment in lesson.seminar.timetable():
        slide = next(s for s in slides_ if s.startswith(f"## {decks.KIND_TITLES[segment['kind']]} · {start}–{end} min"))
        for line in segment.get("slide", []):
            assert line in slide
        assert segment["activity"] in notes
    for block in lesson.blocks:
        if block.kind == "facilitator":
            assert block.title in notes, f"{block.title} is in no speaker note"
    timed = [s for s in slides_ if s.startswith("## ") and re.search(r" · \d+–\d+ min", s.splitlines()[0])]
    assert timed[-1].startswith("## Check-out")
    after = slides_[slides_.index(timed[-1]) + 1:]
    assert not after or after[0].startswith("## If there is time")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_the_author_writes_what_the_group_sees_and_where_key_points_are_taught(lesson):
    for segment in lesson.seminar.plan:
        if segment["kind"] in NEEDS_SLIDE:
            assert segment.get("slide"), segment["activity"][:60]
    assert any(s.get("key_points") for s in lesson.seminar.plan if s["kind"] == "input")


def test_key_points_must_exist_and_be_taught_once():
    lesson = LESSONS[1]
    plan = [dict(s) for s in lesson.seminar.plan]
    inputs = [s for s in plan if s["kind"] == "input"]
    inputs[0]["key_points"] = [1, 99]
    inputs[1]["key_points"] = [1]
    plan[0]["key_points"] = [2]
    seminar = type(lesson.seminar)(**{**lesson.seminar.__dict__, "plan": plan})
    problems = dict.fromkeys(m for _, m in check_seminar(seminar, lesson.id, None, set(lesson.exercises), 11))
    assert "the lesson has 11 key points, so there is no point 99" in problems
    assert "key point 1 is taught by an earlier input too" in problems
    assert "only an input teaches key points" in problems


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_slide_holds_more_than_fits(lesson):
    for source in cells_of(decks.build_deck(lesson), "slide"):
        assert len([line for line in source.splitlines() if line.startswith("- ")]) <= decks.SLIDE_ITEMS


def test_a_deck_loads_only_the_sites_own_files_and_carries_its_build_key():
    deck = decks.build_deck(LESSONS[1])
    page = slides.export_deck(deck)
    assert set(re.findall(r'(?:src|href)="([^"#]+)"', page)) == {
        "../assets/reveal.js", "../assets/notes.js", "../assets/reveal.css", "../assets/deck.css"}
    for absent in ("MathJax", "jquery", "mermaid", "require.js", "fonts.googleapis", "cdn"):
        assert absent.lower() not in page.lower()
    assert slides.page_build_key(page) == slides.deck_build_key(deck)
    assert page.count('<aside class="notes">') >= len(LESSONS[1].seminar.plan)


def test_worked_example_questions_go_with_the_worked_example_discussion():
    deck = cells_of(decks.build_deck(LESSONS[1]), "slide")
    titles = [s.splitlines()[0] for s in deck]
    discussion = next(n for n, s in enumerate(deck) if s.startswith("## Discussion") and "worked example" in s)
    assert titles[discussion + 1].startswith("## Discussion questions on the worked example")


def test_a_scenario_about_risk_says_anyone_may_sit_it_out():
    deck = "\n".join(cells_of(decks.build_deck(LESSONS[1]), "slide"))
    assert "This scenario is about suicide or self-harm. Anyone may sit it out." in deck


def test_each_deck_but_the_last_sets_the_next_sessions_reading_after_the_check_out():
    for lesson, following in zip(LESSONS, LESSONS[1:]):
        slides_ = cells_of(decks.build_deck(lesson, following), "slide")
        check_out = next(n for n, s in enumerate(slides_) if s.startswith("## Check-out"))
        reading = slides_[check_out + 1]
        assert reading.startswith("## Before the next session") and following.title in reading
        assert decks.pre_reading(following) in reading and "worked example" in reading
    assert not any("Before the next session" in s for s in cells_of(decks.build_deck(LESSONS[-1]), "slide"))
