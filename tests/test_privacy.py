"""A learner's answers never reach a notebook's saved output, and building never reads
or writes the learner's real journal."""

import json
import os
import tempfile

import nbformat
from nbclient import NotebookClient

from alliance.execute import execute
from alliance.journal import Journal
from alliance.lesson import Lesson
from alliance.notebooks import build_notebook
from alliance.paths import NOTEBOOKS_DIR, lesson_ids
from alliance.sources import load_lesson

LESSON = "01-trust-and-safety"
MARKER = "PRIVATE-MARKER-7f3a"


def seed(journal_path):
    """Answer every exercise in the lesson, with the marker in every text box."""
    lesson = Lesson(LESSON, journal=Journal(journal_path), save_delay=0)
    for ident, exercise in lesson.exercises.items():
        lesson.exercise(ident)
        for name, control in exercise.controls.items():
            if isinstance(control.value, str):
                control.value = MARKER
            elif name == "choice":
                control.index = 1
            elif control.value is False:
                control.value = True
            else:
                control.value = control.options[0][1]
    return Journal(journal_path).answers()


def outputs_text(notebook) -> str:
    return json.dumps([cell.get("outputs", []) for cell in notebook.cells])


def test_reopening_a_lesson_restores_answers_but_keeps_them_out_of_outputs(journal_path):
    seed(journal_path)
    notebook = build_notebook(load_lesson(LESSON))
    client = NotebookClient(notebook, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    client.execute(env={**os.environ, "ALLIANCE_JOURNAL": str(journal_path)})
    # The answers came back (the widgets' live state holds them) ...
    assert MARKER in json.dumps(notebook.metadata["widgets"])
    # ... but no cell output, including each widget's text/plain repr, contains them.
    assert MARKER not in outputs_text(notebook)


def test_build_uses_an_empty_isolated_journal(journal_path, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "real-home-data"))
    seeded = seed(journal_path)
    executed = execute(build_notebook(load_lesson(LESSON)))
    assert MARKER not in json.dumps(executed)  # neither outputs nor widget state
    assert Journal(journal_path).answers() == seeded  # the learner's journal is untouched
    assert not (tmp_path / "real-home-data").exists()  # and the default one was never created


def test_committed_notebooks_hold_no_answers():
    for lesson_id in lesson_ids():
        notebook = nbformat.read(NOTEBOOKS_DIR / f"{lesson_id}.ipynb", as_version=4)
        states = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        for model in states.values():
            state = model["state"]
            if model["model_name"] == "TextareaModel":
                assert state.get("value", "") == "", lesson_id
            if model["model_name"] in ("RadioButtonsModel",):
                assert state.get("index") is None, lesson_id
            if model["model_name"] == "CheckboxModel":
                assert state.get("value") is False, lesson_id


def test_answers_are_restored_only_after_the_widget_is_displayed(journal_path, monkeypatch):
    """Whatever a front end saves of the display itself (its repr, its first state) is blank."""
    seed(journal_path)
    lesson = Lesson(LESSON, journal=Journal(journal_path), save_delay=0)
    at_display = []
    monkeypatch.setattr("alliance.lesson.display", lambda widget: at_display.append(
        (repr(widget), [c.value for c in lesson.exercises[current].controls.values()])))
    for current in lesson.exercises:
        lesson.exercise(current)
    shown, values = zip(*at_display)
    assert all(MARKER not in text for text in shown)
    assert MARKER not in json.dumps(values)
    # Afterwards the answers are back in the widgets.
    assert any(MARKER == c.value for e in lesson.exercises.values() for c in e.controls.values())



def test_pytest_runs_with_an_isolated_journal():
    from alliance.journal import default_path

    assert default_path().is_relative_to(tempfile.gettempdir())
