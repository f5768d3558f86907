"""A learner's answers never reach a notebook's saved output, and building never reads
or writes the learner's real journal."""

import json
import os
import re
import shutil
import tempfile

import ipywidgets as widgets
import nbformat
import pytest
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
    for ident in lesson.exercises:
        lesson.exercise(ident)
        for control in controls_in(lesson.widgets[ident]):  # every box a learner can fill in, drills' too
            if isinstance(control, widgets.Textarea):
                control.value = MARKER
            elif isinstance(control, widgets.RadioButtons):
                control.index = 1
            elif isinstance(control, widgets.Checkbox):
                control.value = True
    return Journal(journal_path).answers()


def controls_in(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from controls_in(child)


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
    def values_of(widget):
        return [getattr(c, "value", None) for c in controls_in(widget)]

    monkeypatch.setattr("alliance.lesson.display", lambda widget: at_display.append((repr(widget), values_of(widget))))
    for current in lesson.exercises:
        lesson.exercise(current)
    shown, values = zip(*at_display)
    assert all(MARKER not in text for text in shown)
    assert MARKER not in json.dumps(values, default=str)
    # Afterwards the answers are back in the widgets, the drills' too.
    assert MARKER in json.dumps(values_of(lesson.widgets["ts-drill"]), default=str)
    assert any(MARKER == c.value for e in lesson.exercises.values() for c in e.controls.values())



def test_pytest_runs_with_an_isolated_journal():
    from alliance.journal import default_path

    assert default_path().is_relative_to(tempfile.gettempdir())


# A lesson run and saved in JupyterLab is never published.

JUPYTERLAB_MARKER = "TYPED-IN-JUPYTERLAB-4c1d"
ANSWER_EVERYTHING = f'''
import ipywidgets

def controls_in(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from controls_in(child)

for card in lesson.widgets.values():  # every box a learner can fill in, drills' and checks' too
    for control in controls_in(card):
        if isinstance(control, (ipywidgets.Text, ipywidgets.Textarea)):
            control.value = "{JUPYTERLAB_MARKER}"
        elif isinstance(control, ipywidgets.RadioButtons):
            control.index = 1  # a chosen option or a rating
        elif isinstance(control, ipywidgets.Checkbox):
            control.value = True  # a tick
'''


def lesson_workspace(root, lesson_id=LESSON):
    from alliance.paths import ROOT

    for path in load_lesson(lesson_id).files:  # its text, exercises and seminar
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return {"content_dir": root / "content", "exercises_dir": root / "exercises",
            "notebooks_dir": root / "notebooks", "site_dir": root / "site"}


@pytest.fixture(scope="module")
def built_lesson(tmp_path_factory):
    """One lesson built for real, as `make html` builds it."""
    from alliance.build import build

    root = tmp_path_factory.mktemp("jupyterlab")
    build(quiet=True, **lesson_workspace(root / "template"))
    return root / "template"


def run_as_jupyterlab(path, journal_path, keep_widget_state: bool) -> None:
    """What a learner does in `make lab`: run all cells, answer every exercise, save."""
    notebook = nbformat.read(path, as_version=4)
    typing = nbformat.v4.new_code_cell(ANSWER_EVERYTHING)
    notebook.cells.append(typing)
    NotebookClient(notebook, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute(
        env={**os.environ, "ALLIANCE_JOURNAL": str(journal_path)})
    notebook.cells.remove(typing)  # the learner typed into the widgets, not into a cell
    if not keep_widget_state:
        del notebook.metadata["widgets"]
    nbformat.write(notebook, path)


@pytest.mark.parametrize("keep_widget_state", [True, False], ids=["widget-state-saved", "widget-state-not-saved"])
def test_a_lesson_run_and_saved_in_jupyterlab_is_never_published(built_lesson, tmp_path, journal_path, keep_widget_state):
    from alliance import export
    from alliance.build import build, is_current

    shutil.copytree(built_lesson, tmp_path / "ws")
    dirs = {k: tmp_path / "ws" / v.name for k, v in lesson_workspace(tmp_path / "unused").items()}
    path = dirs["notebooks_dir"] / f"{LESSON}.ipynb"
    run_as_jupyterlab(path, journal_path, keep_widget_state)
    saved = path.read_text(encoding="utf-8")
    assert (JUPYTERLAB_MARKER in saved) == keep_widget_state  # the learner's answers are in the file
    lesson = load_lesson(LESSON, dirs["content_dir"], dirs["exercises_dir"])
    assert not is_current(path, build_notebook(lesson))  # `alliance check` says so too

    build(quiet=True, **dirs)

    for folder in (dirs["notebooks_dir"], dirs["site_dir"]):
        for file in folder.rglob("*"):
            if file.is_file():
                assert JUPYTERLAB_MARKER.encode() not in file.read_bytes(), file
    rebuilt = nbformat.read(path, as_version=4)
    assert export.answers_in(rebuilt) == []  # no choice, tick or rating either
    assert nbformat.read(dirs["site_dir"] / "notebooks" / path.name, as_version=4) == rebuilt
    for edition in export.EDITIONS:
        page = (dirs["site_dir"] / edition / f"{LESSON}.html").read_text(encoding="utf-8")
        for ident in lesson.exercises:
            assert f"alliance-id-{ident}" in page, (edition, ident)  # every exercise is still on the page


def widget_models(notebook):
    return notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]


@pytest.mark.parametrize("answer", ["typed text", "a chosen option", "a tick", "a rating"])
def test_export_refuses_a_widget_state_holding_an_answer(built_lesson, answer):
    from alliance import export

    notebook = nbformat.read(built_lesson / "notebooks" / f"{LESSON}.ipynb", as_version=4)
    assert export.answers_in(notebook) == []
    kinds = {"typed text": ("TextareaModel", "value", "my answer"), "a chosen option": ("RadioButtonsModel", "index", 1),
             "a tick": ("CheckboxModel", "value", True), "a rating": ("RadioButtonsModel", "index", 0)}
    model_name, key, value = kinds[answer]
    scale = answer == "a rating"
    model = next(m for m in widget_models(notebook).values() if m["model_name"] == model_name
                 and any(c.startswith("alliance-field-") for c in m["state"].get("_dom_classes", []))
                 and ("alliance-scale" in m["state"]["_dom_classes"]) == scale)
    model["state"][key] = value
    field = next(c for c in model["state"]["_dom_classes"] if c.startswith("alliance-field-")).removeprefix("alliance-field-")
    with pytest.raises(export.AnswerError) as caught:
        export.export(notebook, "learner")
    message = str(caught.value)
    named = re.match(rf"notebooks/{LESSON}\.ipynb, exercise '([^']+)', field '{field}': ", message)
    assert named and "\n" not in message, message
    exercise = load_lesson(LESSON).exercises[named.group(1)]  # the exercise the answer belongs to
    assert field in [f.name for f in exercise.fields()]
    assert exercise.name == {"a rating": "rating", "a tick": "checklist"}.get(answer, exercise.name)
