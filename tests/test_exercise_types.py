"""Each exercise type, driven as a learner would: set values, then check the journal,
the restored widgets and the browser-side links that work without a kernel."""

import ipywidgets as widgets
import pytest

from alliance.exercises import TYPES
from alliance.journal import Journal
from alliance.lesson import Lesson

LESSON = "01-trust-and-safety"


@pytest.fixture
def lesson(journal_path):
    return Lesson(LESSON, journal=Journal(journal_path), save_delay=0)


def of_type(lesson, name):
    return next(e for e in lesson.exercises.values() if e.name == name)


def reopen(lesson, exercise_id):
    """A fresh kernel on the same journal: build the exercise again and return it."""
    again = Lesson(LESSON, journal=Journal(lesson.journal.path), save_delay=0)
    again.exercise(exercise_id)
    return again.exercises[exercise_id]


def saved(lesson, exercise):
    return lesson.journal.values(LESSON, exercise.id)


def assert_text_round_trip(lesson, exercise, field, typed):
    """Typing saves the text, and a fresh kernel brings it back."""
    exercise.controls[field].value = typed
    assert saved(lesson, exercise) == {field: typed}
    assert reopen(lesson, exercise.id).controls[field].value == typed


def test_registry_has_one_class_per_type():
    assert sorted(TYPES) == ["checklist", "guided-practice", "rating", "reflection", "reveal", "scenario"]
    for name, cls in TYPES.items():
        assert cls.name == name and cls.without_kernel and cls.summary


def test_reflection_saves_as_typed_and_restores(lesson):
    exercise = of_type(lesson, "reflection")
    lesson.exercise(exercise.id)
    assert_text_round_trip(lesson, exercise, "text", "I felt safe with my grandmother.")


def test_text_box_has_visible_label(lesson):
    exercise = of_type(lesson, "reflection")
    lesson.exercise(exercise.id)
    assert exercise.controls["text"].description == exercise.spec.get("label", "Your reflection")


def test_rating_saves_each_statement_and_restores(lesson):
    exercise = of_type(lesson, "rating")
    lesson.exercise(exercise.id)
    controls = list(exercise.controls.values())
    assert len(controls) == len(exercise.spec["items"])
    scale = exercise.spec["scale"]
    first = controls[0]
    assert isinstance(first, widgets.RadioButtons)  # not a slider: its handle has no accessible name
    assert first.value is None
    assert first.options[0][0].endswith(scale["low"]) and first.options[-1][0].endswith(scale["high"])
    assert all(c.description for c in controls)
    legend = lesson.widgets[exercise.id].children[1].value
    assert "not a validated measure" in legend  # original scales say so plainly
    first.value = 5
    controls[-1].value = scale["min"]
    assert saved(lesson, exercise) == {"item-1": 5, f"item-{len(controls)}": scale["min"]}
    restored = reopen(lesson, exercise.id)
    assert restored.controls["item-1"].value == 5
    assert restored.controls["item-2"].value is None


def test_scenario_links_choice_to_feedback_in_the_browser(lesson):
    exercise = of_type(lesson, "scenario")
    lesson.exercise(exercise.id)
    choice = exercise.controls["choice"]
    card = lesson.widgets[exercise.id]
    feedback = next(w for w in card.children if isinstance(w, widgets.Stack))
    options = exercise.spec["options"]
    assert 3 <= len(options) <= 4
    assert feedback.selected_index is None and choice.index is None
    # One jsdlink from the choice's index to the feedback panel: it runs in the browser.
    [link] = exercise.links
    assert isinstance(link, widgets.widget_link.DirectionalLink)
    assert link.source == (choice, "index") and link.target == (feedback, "selected_index")
    # Every option has its own feedback, in the same order.
    assert len(feedback.children) == len(options)
    choice.index = 2
    assert saved(lesson, exercise) == {"choice": 2}
    assert reopen(lesson, exercise.id).controls["choice"].index == 2


def test_scenario_feedback_text_matches_each_option(lesson):
    from alliance import text

    exercise = of_type(lesson, "scenario")
    lesson.exercise(exercise.id)
    feedback = next(w for w in lesson.widgets[exercise.id].children if isinstance(w, widgets.Stack))
    for option, panel in zip(exercise.spec["options"], feedback.children, strict=True):
        assert text.block(option["feedback"]) in panel.value
        assert text.inline(option["response"]) in panel.value


def test_checklist_saves_ticks_and_restores(lesson):
    exercise = of_type(lesson, "checklist")
    lesson.exercise(exercise.id)
    boxes = list(exercise.controls.values())
    assert [b.description for b in boxes] == exercise.spec["items"]
    boxes[1].value = True
    boxes[2].value = True
    boxes[2].value = False
    assert saved(lesson, exercise) == {"item-2": True, "item-3": False}
    restored = reopen(lesson, exercise.id)
    assert [c.value for c in restored.controls.values()][:3] == [False, True, False]


def test_guided_practice_runs_from_a_play_widget_linked_in_the_browser(lesson):
    exercise = of_type(lesson, "guided-practice")
    lesson.exercise(exercise.id)
    card = lesson.widgets[exercise.id]
    play = next(w for w in card.children if isinstance(w, widgets.Play))
    frames = next(w for w in card.children if isinstance(w, widgets.Stack))
    [link] = exercise.links
    assert link.source == (play, "value") and link.target == (frames, "selected_index")
    seconds = sum(step["seconds"] for step in exercise.spec["steps"])
    assert play.max == len(frames.children) - 1 == seconds * 2 - 1  # a frame every half second
    assert play.interval == 500 and play.repeat
    words = [step["say"] for step in exercise.spec["steps"]]
    assert words[0] in frames.children[0].value and words[-1] in frames.children[-1].value
    if "note" in exercise.controls:
        assert_text_round_trip(lesson, exercise, "note", "calmer")


def test_guided_practice_circle_grows_then_shrinks():
    cls = TYPES["guided-practice"]
    spec = {"id": "x", "type": "guided-practice", "title": "t", "prompt": "p",
            "steps": [{"say": "In", "seconds": 2, "shape": "grow"}, {"say": "Out", "seconds": 2, "shape": "shrink"}]}
    sizes = [size for _, _, size in cls(spec).frames()]
    assert sizes == sorted(sizes[:4]) + sorted(sizes[4:], reverse=True)
    assert sizes[3] > sizes[0] and sizes[-1] < sizes[3]


def test_reveal_keeps_examples_closed_until_opened(lesson):
    from alliance import text

    exercise = of_type(lesson, "reveal")
    lesson.exercise(exercise.id)
    card = lesson.widgets[exercise.id]
    panel = next(w for w in card.children if isinstance(w, widgets.Accordion))
    assert panel.selected_index is None  # closed; the browser opens it, no kernel needed
    assert panel.titles[0]
    for example in exercise.spec["examples"]:
        assert text.block(example) in panel.children[0].value
    assert_text_round_trip(lesson, exercise, "text", "Take your time.")


def test_restoring_does_not_rewrite_the_journal(lesson):
    exercise = of_type(lesson, "reflection")
    lesson.exercise(exercise.id)
    exercise.controls["text"].value = "first"
    before = lesson.journal.answers()[0].updated_at
    again = Lesson(LESSON, journal=Journal(lesson.journal.path), save_delay=0)
    calls = []
    again.writer.submit = calls.append
    again.exercise(exercise.id)
    assert calls == [] and again.journal.answers()[0].updated_at == before


def test_debounced_saving_writes_once_after_a_pause(journal_path):
    import time

    lesson = Lesson(LESSON, journal=Journal(journal_path), save_delay=0.2)
    exercise = of_type(lesson, "reflection")
    lesson.exercise(exercise.id)
    saves = []
    original = lesson.journal.save
    lesson.journal.save = lambda answer: (saves.append(answer.value), original(answer))
    for typed in ("I", "I f", "I felt", "I felt heard"):
        exercise.controls["text"].value = typed
    assert saves == []
    time.sleep(0.6)
    assert saves == ["I felt heard"]
    assert lesson.journal.values(LESSON, exercise.id) == {"text": "I felt heard"}
