"""Exercises that make the learner produce and check a response, and that cannot be
guessed: where the strongest scenario response sits, and how long it is, gives nothing away."""

import statistics

import pytest

from alliance.exercises.scenario import MAX_LENGTH_RATIO
from alliance.paths import lesson_ids
from alliance.sources import load_all

LESSONS = {lesson.id: lesson for lesson in load_all()}
OPENING, *BENEFIT_LESSONS, CLOSING = lesson_ids()
SCENARIOS = [e for lesson in LESSONS.values() for e in lesson.exercises.values() if e.name == "scenario"]


def of_type(lesson_id, name):
    return [e for e in LESSONS[lesson_id].exercises.values() if e.name == name]


def best_position(scenario) -> int:
    return [o["kind"] for o in scenario.shown_options()].index("best")


def strategy_hits(pick) -> float:
    """How often a strategy that ignores the content finds the strongest response."""
    hits = [scenario.shown_options()[pick(scenario.shown_options())]["kind"] == "best" for scenario in SCENARIOS]
    return sum(hits) / len(hits)


CHANCE = statistics.mean(1 / len(s.spec["options"]) for s in SCENARIOS)
LENGTH = lambda options: [len(o["response"]) for o in options]  # noqa: E731


@pytest.mark.parametrize("strategy, pick", [
    ("always the first", lambda options: 0),
    ("always the longest", lambda options: LENGTH(options).index(max(LENGTH(options)))),
    ("always the shortest", lambda options: LENGTH(options).index(min(LENGTH(options)))),
    ("always the last", lambda options: len(options) - 1),
])
def test_no_blind_strategy_beats_chance_by_more_than_ten_points(strategy, pick):
    assert strategy_hits(pick) <= CHANCE + 0.10, f"'{strategy}' finds the strongest response too often"


def test_the_strongest_response_appears_in_every_position():
    assert {best_position(s) for s in SCENARIOS} >= set(range(3))
    assert any(best_position(s) == 3 for s in SCENARIOS if len(s.spec["options"]) == 4)


def test_every_scenario_is_balanced_and_graded():
    for scenario in SCENARIOS:
        options = scenario.spec["options"]
        best = next(o for o in options if o["kind"] == "best")
        others = [len(o["response"]) for o in options if o is not best]
        assert len(best["response"]) <= MAX_LENGTH_RATIO * statistics.median(others), scenario.id
        assert any(o["kind"] == "partly" for o in options), scenario.id
        assert all(o["feedback"].strip() for o in options), scenario.id


@pytest.mark.parametrize("lesson_id", BENEFIT_LESSONS)
def test_each_benefit_lesson_has_three_scenarios_a_drill_and_a_check(lesson_id):
    assert len(of_type(lesson_id, "scenario")) >= 3
    assert len(of_type(lesson_id, "drill")) == 1
    assert len(of_type(lesson_id, "knowledge-check")) == 1


def test_the_opening_lesson_has_a_check_and_the_closing_lesson_a_drill_and_a_check():
    assert len(of_type(OPENING, "knowledge-check")) == 1
    assert len(of_type(CLOSING, "drill")) == 1 and len(of_type(CLOSING, "knowledge-check")) == 1


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_the_knowledge_check_ends_the_lesson(lesson_id):
    """Placed after every other exercise: it checks what the lesson taught."""
    placed = [b.exercise for b in LESSONS[lesson_id].blocks if b.kind == "exercise"]
    check = [e.id for e in of_type(lesson_id, "knowledge-check")]
    assert check and placed.index(check[0]) >= len(placed) - 2  # the journal buttons may follow it


def test_every_drill_has_two_statements_per_level_and_examples():
    drills = [e for lesson in LESSONS.values() for e in lesson.exercises.values() if e.name == "drill"]
    for drill in drills:
        levels = [s["level"] for s in drill.spec["statements"]]
        assert all(levels.count(level) >= 2 for level in ("beginner", "intermediate", "advanced")), drill.id
        assert 2 <= len(drill.spec["criteria"]) <= 3, drill.id


def test_true_false_answers_are_balanced():
    """Otherwise "always False" becomes a strategy too."""
    answers = [next(o["text"] for o in q["options"] if o["correct"]) for lesson in LESSONS.values()
               for e in lesson.exercises.values() if e.name == "knowledge-check"
               for q in e.spec["questions"] if q["kind"] == "true-false"]
    assert max(answers.count("True"), answers.count("False")) <= 0.6 * len(answers)


def test_no_blind_strategy_finds_the_right_answer_to_a_single_choice_question():
    questions = [(e, q) for lesson in LESSONS.values() for e in lesson.exercises.values()
                 if e.name == "knowledge-check" for q in e.spec["questions"] if q["kind"] == "single"]
    chance = statistics.mean(1 / len(q["options"]) for _, q in questions)
    for pick in (lambda lengths: 0, lambda lengths: lengths.index(max(lengths)), lambda lengths: lengths.index(min(lengths))):
        hits = 0
        for exercise, question in questions:
            options = exercise.shown_options(question)
            hits += options[pick([len(o["text"]) for o in options])]["correct"]
        assert hits / len(questions) <= chance + 0.10
