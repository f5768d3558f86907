"""The slide decks: built from the seminar plan, the key points, the scenarios and the
facilitator notes, so each holds every scenario as a vote, every skills practice with its
timings, a check-out, and speaker notes; and they load nothing from outside the site."""

import re

import pytest

from alliance import decks, slides
from alliance.paths import CONTENT_DIR, EXERCISES_DIR
from alliance.sources import load_all

LESSONS = [lesson for lesson in load_all(CONTENT_DIR, EXERCISES_DIR) if lesson.seminar]


def cells_of(deck, kind):
    return [c.source for c in deck.cells if c.metadata["slideshow"]["slide_type"] == kind]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_deck_follows_the_session_with_every_scenario_practice_and_note(lesson):
    deck = decks.build_deck(lesson)
    shown, notes = "\n".join(cells_of(deck, "slide") + cells_of(deck, "fragment")), "\n".join(cells_of(deck, "notes"))
    assert cells_of(deck, "slide")[0].startswith(f"# {lesson.title}")
    assert "Samaritans" in cells_of(deck, "slide")[0]  # every deck opens with looking after yourself
    for outcome in lesson.seminar.outcomes:
        assert outcome["can"][1:] in shown
    for exercise in lesson.exercises.values():
        if exercise.name == "scenario":
            assert f"## Scenario: {exercise.title}" in shown
            vote = next(s for s in cells_of(deck, "slide") if s.startswith(f"## {exercise.title}:"))
            assert [line[4] for line in vote.splitlines() if line.startswith("- **")] == list("ABCD"[:len(exercise.spec["options"])])
            for option in exercise.spec["options"]:
                assert option["response"] in vote and option["feedback"] in notes
    for start, end, segment in lesson.seminar.timetable():
        assert f"· {start}–{end} min" in shown
        if segment["kind"] in ("practice", "exercise"):  # every step and timing, for the group
            assert re.findall(r"\(\d+ min\)", segment["activity"]) == re.findall(r"\(\d+ min\)", shown.split(f"· {start}–{end} min")[1].split("\n## ")[0])
        assert segment["activity"] in notes
    for block in lesson.blocks:
        if block.kind == "facilitator":
            assert block.title in notes, f"{block.title} is in no speaker note"
    assert cells_of(deck, "slide")[-1].startswith("## Check-out")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_slide_holds_more_than_fits(lesson):
    for source in cells_of(decks.build_deck(lesson), "slide"):
        items = [line for line in source.splitlines() if line.startswith("- ")]
        assert len(items) <= decks.SLIDE_ITEMS


def test_a_deck_loads_only_the_sites_own_files_and_carries_its_build_key():
    deck = decks.build_deck(LESSONS[1])
    page = slides.export_deck(deck)
    assert set(re.findall(r'(?:src|href)="([^"#]+)"', page)) == {
        "../assets/reveal.js", "../assets/notes.js", "../assets/reveal.css", "../assets/deck.css"}
    for absent in ("MathJax", "jquery", "mermaid", "require.js", "fonts.googleapis", "cdn"):
        assert absent.lower() not in page.lower()
    assert slides.page_build_key(page) == slides.deck_build_key(deck)
    assert page.count('<aside class="notes">') >= len(LESSONS[1].seminar.plan)
