"""The build runs only what it must: a text-only change reuses the lesson's last run, an
exercise change runs that lesson alone, and lessons that share a kernel stay separate."""

import shutil

import nbformat
import pytest

from alliance import build as build_module
from alliance.build import build, is_current
from alliance.execute import execute_many
from alliance.notebooks import build_notebook
from alliance.paths import CONTENT_DIR, EXERCISES_DIR, NOTEBOOKS_DIR
from alliance.sources import load_lesson

LESSON = "02-empathy-and-validation"
WIDGETS = "application/vnd.jupyter.widget-state+json"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    for name, src in (("content", CONTENT_DIR), ("exercises", EXERCISES_DIR), ("notebooks", NOTEBOOKS_DIR)):
        shutil.copytree(src, tmp_path / name)
    runs = []

    def recording(notebooks, **kwargs):
        runs.append(sorted(notebooks))
        return {i: nb for i, nb in notebooks.items()}  # stands in for the kernel: the decision is under test

    monkeypatch.setattr(build_module, "execute_many", recording)
    dirs = {"content_dir": tmp_path / "content", "exercises_dir": tmp_path / "exercises",
            "notebooks_dir": tmp_path / "notebooks", "site_dir": tmp_path / "site"}
    return dirs, runs


def code_outputs(notebook):
    return [(c.source, c.outputs, c.execution_count) for c in notebook.cells if c.cell_type == "code"]


def test_a_text_change_updates_the_notebook_without_running_it(workspace):
    dirs, runs = workspace
    path = dirs["notebooks_dir"] / f"{LESSON}.ipynb"
    before = nbformat.read(path, as_version=4)
    text = dirs["content_dir"] / f"{LESSON}.md"
    text.write_text(text.read_text().replace("## Key points", "A new closing sentence.\n\n## Key points"))
    build(quiet=True, **dirs)
    assert runs == []
    after = nbformat.read(path, as_version=4)
    assert any("A new closing sentence." in c.source for c in after.cells if c.cell_type == "markdown")
    assert code_outputs(after) == code_outputs(before)
    assert after.metadata["widgets"] == before.metadata["widgets"]
    assert is_current(path, build_notebook(load_lesson(LESSON, dirs["content_dir"], dirs["exercises_dir"])))


def test_an_exercise_change_runs_that_lesson_alone(workspace):
    dirs, runs = workspace
    specs = dirs["exercises_dir"] / f"{LESSON}.yaml"
    specs.write_text(specs.read_text().replace("title: ", "title: Revised ", 1))
    build(quiet=True, **dirs)
    assert runs == [[LESSON]]


def test_lessons_that_share_a_kernel_keep_their_own_numbering_and_widgets():
    lessons = {i: build_notebook(load_lesson(i)) for i in ("00-the-relationship-as-foundation", "06-bringing-it-together")}
    ran = execute_many(lessons, workers=1)
    states = []
    for notebook in ran.values():
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
        states.append(set(notebook.metadata["widgets"][WIDGETS]["state"]))
        shown = {o.data["application/vnd.jupyter.widget-view+json"]["model_id"]
                 for c in code for o in c.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})}
        assert shown <= states[-1]  # every widget a cell shows is in its own notebook's state
    assert not states[0] & states[1]
