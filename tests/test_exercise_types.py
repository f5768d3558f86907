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
    assert sorted(TYPES) == [
        "checklist", "drill", "guided-practice", "journal-export", "knowledge-check", "profile", "rating", "reflection",
        "reveal", "scenario", "worksheet",
    ]
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
    chosen = exercise.shown_options()[2]["response"]
    assert saved(lesson, exercise) == {"choice": chosen}  # the response itself, not its place
    assert reopen(lesson, exercise.id).controls["choice"].index == 2


def test_scenario_feedback_text_matches_each_option(lesson):
    from alliance import text

    exercise = of_type(lesson, "scenario")
    lesson.exercise(exercise.id)
    feedback = next(w for w in lesson.widgets[exercise.id].children if isinstance(w, widgets.Stack))
    for option, panel in zip(exercise.shown_options(), feedback.children, strict=True):
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


def add_exercise(lesson, spec):
    """Show an exercise from a spec written here, as if it were in the lesson's file."""
    lesson.exercises[spec["id"]] = TYPES[spec["type"]](spec)
    lesson.exercise(spec["id"])
    return lesson.exercises[spec["id"]]


WORKSHEET = {"id": "x-goals", "type": "worksheet", "title": "Goals", "prompt": "Fill in each box.",
             "boxes": [{"id": "goal", "label": "The goal"}, {"id": "tasks", "label": "The tasks", "rows": 4}]}


def test_worksheet_keys_each_box_by_its_id_and_restores(lesson):
    exercise = add_exercise(lesson, WORKSHEET)
    assert [c.description for c in exercise.controls.values()] == ["The goal", "The tasks"]
    exercise.controls["tasks"].value = "Weekly walks"
    assert saved(lesson, exercise) == {"tasks": "Weekly walks"}
    again = Lesson(LESSON, journal=Journal(lesson.journal.path), save_delay=0)
    restored = add_exercise(again, WORKSHEET)
    assert restored.controls["tasks"].value == "Weekly walks" and restored.controls["goal"].value == ""


def test_worksheet_rejects_two_boxes_with_one_id():
    from alliance.exercises import check_exercise

    spec = {**WORKSHEET, "boxes": [{"id": "goal", "label": "a"}, {"id": "goal", "label": "b"}]}
    [problem] = check_exercise(spec, 1, "exercises/x.yaml")
    assert str(problem) == "exercises/x.yaml, exercise 'x-goals', field 'boxes[1].id': 'goal' is used by more than one box"


def test_grounding_runs_once_when_repeat_is_off():
    spec = {"id": "x", "type": "guided-practice", "title": "t", "prompt": "p", "repeat": False,
            "steps": [{"say": "Settle", "seconds": 15}, {"say": "Notice five things you can see", "seconds": 20}]}
    card = TYPES["guided-practice"](spec).build(lambda field, value: None)
    play = next(w for w in card.children if isinstance(w, widgets.Play))
    frames = next(w for w in card.children if isinstance(w, widgets.Stack))
    assert play.repeat is False
    # A countdown that only changes every 5 seconds needs a frame every 5 seconds: 3 + 4 frames.
    assert play.interval == 5000 and len(frames.children) == 7
    assert "Settle … 15" in frames.children[0].value and "… 5" in frames.children[-1].value


PROFILE = {"id": "x-profile", "type": "profile", "title": "Your profile", "prompt": "Look at your ratings."}


def test_profile_charts_each_lessons_skills_ratings_from_the_journal(lesson):
    rating = of_type(lesson, "rating")
    assert rating.spec["kind"] == "skill"
    lesson.exercise(rating.id)
    rating.controls["item-1"].value = 4
    rating.controls["item-2"].value = 7
    profile = add_exercise(lesson, PROFILE)
    rows = profile.chart.value.split("<tr data-row=")[1:]
    assert len(rows) == 5 and "Lesson 01: " in rows[0] and "Lesson 04: " in rows[3]
    assert "5.5 out of 7 (2 of 5 statements rated)" in rows[0] and 'style="width:75%"' in rows[0]
    assert all("Not rated yet" in row for row in rows[1:])
    # A later rating shows after "Refresh my chart".
    rating.controls["item-3"].value = 1
    profile.refresh.click()
    assert "4.0 out of 7 (3 of 5 statements rated)" in profile.chart.value


def test_profile_keeps_wellbeing_ratings_out_of_the_chart_and_says_why(lesson):
    profile = add_exercise(lesson, PROFILE)
    assert "er-coping-confidence" not in profile.chart.value and "er-coping-confidence" not in profile.source.value
    assert "not skills" in lesson.widgets[PROFILE["id"]].children[-1].value
    assert "Samaritans" in lesson.widgets[PROFILE["id"]].children[-1].value


def test_profile_carries_its_rating_map_for_pages_without_a_kernel(lesson):
    import html
    import json

    profile = add_exercise(lesson, PROFILE)
    encoded = profile.source.value.split('data-ratings="')[1].split('"')[0]
    ratings = json.loads(html.unescape(encoded))
    trust = ratings[0]
    assert trust["row"] == f"{LESSON}:ts-rating"
    assert trust["lesson"] == LESSON and trust["fields"][0] == "item-1" and (trust["min"], trust["max"]) == (1, 7)


def test_profile_keeps_nothing_of_its_own(lesson):
    assert TYPES["profile"](PROFILE).fields() == []


EXPORT = {"id": "x-export", "type": "journal-export", "title": "Save your journal", "prompt": "Press the button."}


def test_save_my_journal_writes_markdown_and_html(lesson, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_EXPORT_DIR", str(tmp_path / "exports"))
    reflection = of_type(lesson, "reflection")
    lesson.exercise(reflection.id)
    reflection.controls["text"].value = "My aunt <b>listened</b>."
    button = add_exercise(lesson, EXPORT)
    button.button.click()
    written = sorted((tmp_path / "exports").iterdir())
    assert [p.suffix for p in written] == [".html", ".md"]
    assert "My aunt &lt;b&gt;listened&lt;/b&gt;." in written[0].read_text()
    assert "Saved 1 answer(s)" in button.status.value and str(written[1]) in button.status.value


def test_save_my_journal_reports_a_folder_it_cannot_write(lesson, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("ALLIANCE_EXPORT_DIR", str(blocked))
    button = add_exercise(lesson, EXPORT)
    button.button.click()
    assert "could not be saved" in button.status.value and "Nothing was lost" in button.status.value


def test_delete_my_journal_asks_first_then_deletes_every_answer(lesson):
    reflection = of_type(lesson, "reflection")
    lesson.exercise(reflection.id)
    reflection.controls["text"].value = "Something private"
    panel = add_exercise(lesson, EXPORT)
    panel.delete.click()
    assert panel.confirmation.layout.display == "flex" and lesson.journal.answers()  # asked, nothing gone yet
    panel.keep.click()
    assert "Nothing was deleted" in panel.status.value and len(lesson.journal.answers()) == 1
    panel.delete.click()
    panel.confirm.click()
    assert lesson.journal.answers() == [] and "Deleted 1 answer(s)" in panel.status.value
    assert b"Something private" not in lesson.journal.path.read_bytes()  # overwritten, not just unlinked
