"""The practice types, driven as a learner would: the scenario's graded, shuffled options,
the drill's attempts and self-ratings, and the knowledge check's answers and score."""

import copy

import ipywidgets as widgets
import pytest

from alliance.exercises import SpecError, TYPES, check_exercise
from alliance.exercises.order import seeded_order

LEVELS = ["beginner"] * 2 + ["intermediate"] * 2 + ["advanced"] * 2
DRILL = {
    "id": "test-drill", "type": "drill", "title": "Practice", "prompt": "Respond, then check.",
    "skill": "reflecting feeling", "criteria": ["Names the feeling", "Stays with the client"],
    "statements": [{"id": f"s{n}", "level": level, "client": f"Statement {n}", "examples": [f"Example {n}"]}
                   for n, level in enumerate(LEVELS)],
}


def option(text, value, correct):
    return {"text": text, "correct": correct, "explanation": f"Because {value}."}


CHECK = {
    "id": "test-check", "type": "knowledge-check", "title": "Check", "prompt": "Answer.",
    "questions": [
        {"id": "q1", "kind": "true-false", "question": "Asking about suicide plants the idea.",
         "options": [option("True", "no", False), option("False", "yes", True)]},
        {"id": "q2", "kind": "single", "question": "Pick one.",
         "options": [option("A", "a", False), option("B", "b", True), option("C", "c", False)]},
        {"id": "q3", "kind": "multiple", "question": "Tick all.",
         "options": [option("D", "d", True), option("E", "e", True), option("F", "f", False)]},
        {"id": "q4", "kind": "single", "question": "Pick another.",
         "options": [option("G", "g", True), option("H", "h", False), option("I", "i", False)]},
    ],
}
SCENARIO = {
    "id": "test-scenario", "type": "scenario", "title": "Scenario", "prompt": "Choose.",
    "client": "I don't know why I'm here.", "question": "Which would you say?",
    "options": [
        {"response": "You are not sure yet what brought you.", "kind": "best", "feedback": "Stays with them."},
        {"response": "Lots of people feel that way at first.", "kind": "partly", "feedback": "Kind, but general."},
        {"response": "Your GP must have had a reason.", "kind": "unhelpful", "feedback": "Moves away."},
        {"response": "Tell me about your history first.", "kind": "unhelpful", "feedback": "Too soon."},
    ],
}


class Recorder:
    def __init__(self):
        self.saved = {}

    def __call__(self, field, value):
        self.saved[field.name] = copy.deepcopy(value)


def built(spec):
    exercise, sink = TYPES[spec["type"]](spec), Recorder()
    exercise.build(sink)
    return exercise, sink


def problems(spec):
    return [(p.field, p.message) for p in check_exercise(spec, 1, "exercises/test.yaml")]


# ---- Scenario ----

def test_scenario_order_is_fixed_per_id_and_differs_between_ids():
    assert seeded_order("test-scenario", 4) == seeded_order("test-scenario", 4)
    assert len({tuple(seeded_order(f"id-{n}", 4)) for n in range(20)}) > 5


def test_scenario_keeps_the_response_itself_and_the_learners_own():
    scenario, sink = built(SCENARIO)
    shown = [o["response"] for o in scenario.shown_options()]
    assert [label for label, _ in scenario.controls["choice"].options] == shown  # the order the page shows too
    assert scenario.fields()[0].words["values"] == shown
    scenario.controls["choice"].value = "Your GP must have had a reason."
    assert sink.saved["choice"] == "Your GP must have had a reason."
    assert scenario.fields()[0].shown(sink.saved["choice"]) == "Your GP must have had a reason."
    scenario.controls["instead"].value = "What would you like from today?"
    assert sink.saved["instead"] == "What would you like from today?"


def test_scenario_feedback_names_the_kind_of_the_chosen_option():
    scenario = TYPES["scenario"](SCENARIO)
    card = scenario.build(Recorder())
    [stack] = [w for w in card.children if isinstance(w, widgets.Stack)]
    kinds = {"best": "The strongest response.", "partly": "Partly helpful.", "unhelpful": "Less helpful."}
    for n, o in enumerate(scenario.shown_options()):
        html = stack.children[n].value
        assert o["response"] in html and o["feedback"] in html and kinds[o["kind"]] in html


def test_scenario_restores_by_response_and_ignores_an_old_position():
    scenario, _ = built(SCENARIO)
    scenario.restore({"choice": "Lots of people feel that way at first.", "instead": "Mine"})
    assert scenario.controls["choice"].value == "Lots of people feel that way at first."
    assert scenario.controls["instead"].value == "Mine"
    again, _ = built(SCENARIO)
    again.restore({"choice": 2})
    assert again.controls["choice"].value is None


def test_scenario_rejects_a_strongest_response_that_length_gives_away():
    spec = copy.deepcopy(SCENARIO)
    spec["options"][0]["response"] = "You are not sure yet what brought you.here, and that's fine; we can find out together."
    [(field, message)] = problems(spec)
    assert field == "options[0].response" and "1.3 times the median" in message


def test_scenario_rejects_a_long_model_answer_and_missing_grades():
    spec = copy.deepcopy(SCENARIO)
    spec["options"][0]["response"] = "Not sure. Fine. Go on."
    assert any("one or two sentences" in m for _, m in problems(spec))
    spec = copy.deepcopy(SCENARIO)
    spec["options"][1]["kind"] = "unhelpful"
    assert any("kind 'partly'" in m for _, m in problems(spec))
    spec["options"][1]["kind"] = "best"
    assert any("exactly one option of kind 'best'" in m for _, m in problems(spec))


# ---- Drill ----

def test_drill_keeps_every_attempt_and_its_self_ratings():
    drill, sink = built(DRILL)
    part = drill.parts["s0"]
    part["text"].value = "You sound worn out."
    part["ratings"][0].value = "Partly"
    assert sink.saved["s0"] == [{"text": "You sound worn out.", "ratings": [1, None]}]
    drill._again(drill.fields()[0])
    assert part["text"].value == "" and part["ratings"][0].value is None
    part["text"].value = "Exhausted, and maybe a bit alone with it?"
    part["ratings"][1].value = "Yes"
    assert sink.saved["s0"] == [{"text": "You sound worn out.", "ratings": [1, None]},
                                {"text": "Exhausted, and maybe a bit alone with it?", "ratings": [None, 2]}]
    words = drill.fields()[0].shown(sink.saved["s0"])
    assert words == ("Attempt 1: You sound worn out.\nMy rating: Names the feeling: Partly.\n\n"
                     "Attempt 2: Exhausted, and maybe a bit alone with it?\nMy rating: Stays with the client: Yes.")


def test_drill_counts_the_statements_practised_at_each_level():
    drill, _ = built(DRILL)
    assert "beginner 0 of 2 · intermediate 0 of 2 · advanced 0 of 2" in drill.progress.value
    drill.parts["s0"]["text"].value = "First"
    drill.parts["s5"]["text"].value = "Last"
    assert "beginner 1 of 2 · intermediate 0 of 2 · advanced 1 of 2" in drill.progress.value


def test_drill_restores_earlier_attempts_and_the_one_in_progress():
    drill, sink = built(DRILL)
    saved = [{"text": "One", "ratings": [2, 2]}, {"text": "Two", "ratings": [0, None]}]
    drill.restore({"s2": saved})
    assert sink.saved == {}  # restoring writes nothing back
    assert drill.parts["s2"]["text"].value == "Two"
    assert drill.parts["s2"]["ratings"][0].value == "Not yet"
    assert drill.attempts("s2") == saved


def test_drill_needs_two_statements_per_level_in_rising_order():
    spec = copy.deepcopy(DRILL)
    spec["statements"][4]["level"] = "intermediate"
    assert ("statements", "needs at least 2 advanced statements (found 1)") in problems(spec)
    spec = copy.deepcopy(DRILL)
    spec["statements"].reverse()
    assert any("from beginner to intermediate to advanced" in m for _, m in problems(spec))


# ---- Knowledge check ----

def test_knowledge_check_saves_answers_and_the_score():
    check, sink = built(CHECK)
    check.controls["q1"].value = "False"
    check.controls["q2"].value = "C"
    for box in check.controls["q3"].children:
        box.value = box.description in ("D", "E")
    assert sink.saved["q1"] == "False" and sink.saved["q2"] == "C" and sorted(sink.saved["q3"]) == ["D", "E"]
    check.check_answers()
    assert sink.saved["score"] == 2
    assert "2 of 4" in check.result.value
    assert check.explanations.selected_index == 0  # the explanations open


def test_knowledge_check_explains_every_option():
    check, _ = built(CHECK)
    panel = check.explanations.children[0].value
    for question in CHECK["questions"]:
        for o in question["options"]:
            assert o["explanation"] in panel


def test_knowledge_check_keeps_true_before_false_and_shuffles_the_rest():
    check, _ = built(CHECK)
    assert list(check.controls["q1"].options) == ["True", "False"]
    shuffled = [[o["text"] for o in check.shown_options(q)] for q in CHECK["questions"][1:]]
    assert shuffled != [[o["text"] for o in q["options"]] for q in CHECK["questions"][1:]]


def test_knowledge_check_restores_answers():
    check, sink = built(CHECK)
    check.restore({"q2": "B", "q3": ["E"], "score": 3})
    assert check.controls["q2"].value == "B"
    assert [b.description for b in check.controls["q3"].children if b.value] == ["E"]
    assert "3 of 4" in check.result.value


@pytest.mark.parametrize("change, message", [
    (lambda s: s["questions"][1]["options"][0].update(correct=True), "needs exactly one correct option (found 2)"),
    (lambda s: [o.update(correct=True) for o in s["questions"][2]["options"]], "at least one correct and one incorrect"),
    (lambda s: s["questions"][0]["options"][0].update(text="Yes"), "exactly two options, 'True' and 'False'"),
    (lambda s: s["questions"][3].update(id="q1"), "'q1' is used by more than one question"),
])
def test_knowledge_check_rejects_unclear_questions(change, message):
    spec = copy.deepcopy(CHECK)
    change(spec)
    assert any(message in m for _, m in problems(spec)), problems(spec)
