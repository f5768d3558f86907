"""The build runs only what it must: a text-only change reuses the lesson's last run, an
exercise change runs that lesson alone, and lessons that share a kernel stay separate.
It writes nothing partial, refuses a content/ folder it cannot build whole, gives the
same bytes for the same sources, and leaves no temporary folder behind."""

import copy
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from alliance import build as build_module
from alliance import cli, sources
from alliance.build import build, is_current
from alliance.execute import WIDGET_STATE, ExecutionError, execute_many, seal
from alliance.exercises import SpecError
from alliance.export import AnswerError
from alliance.notebooks import build_notebook
from alliance.paths import CONTENT_DIR, EXERCISES_DIR, ROOT, shown
from alliance.sources import load_lesson

LESSON = "02-empathy-and-validation"
WIDGETS = WIDGET_STATE


def stand_in_run(notebook):
    """What a run gives, without a kernel: every code cell numbered, a widget state, and
    the build's stamp."""
    ran = copy.deepcopy(notebook)
    for n, cell in enumerate([c for c in ran.cells if c.cell_type == "code"], start=1):
        cell.execution_count = n
    ran.metadata["widgets"] = {WIDGETS: {"state": {f"{ran.metadata.alliance.lesson}-0": {
        "model_name": "HTMLModel", "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
        "state": {"value": ""}}}, "version_major": 2, "version_minor": 0}}
    return seal(ran)


def dirs_in(root):
    return {"content_dir": root / "content", "exercises_dir": root / "exercises",
            "notebooks_dir": root / "notebooks", "site_dir": root / "site"}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The sources and a whole build of them, made once with the stand-in for the kernel."""
    root = tmp_path_factory.mktemp("built")
    for name, src in (("content", CONTENT_DIR), ("exercises", EXERCISES_DIR)):
        shutil.copytree(src, root / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build_module, "execute_many", lambda notebooks, **kw: {i: stand_in_run(nb) for i, nb in notebooks.items()})
        build(quiet=True, **dirs_in(root))
    return root


@pytest.fixture
def workspace(built_once, tmp_path, monkeypatch):
    for name in ("content", "exercises", "notebooks", "site"):
        shutil.copytree(built_once / name, tmp_path / name)
    runs = []

    def recording(notebooks, **kwargs):
        runs.append(sorted(notebooks))
        return {i: stand_in_run(nb) for i, nb in notebooks.items()}  # the decision is under test

    monkeypatch.setattr(build_module, "execute_many", recording)
    return dirs_in(tmp_path), runs


def code_outputs(notebook):
    return [(c.source, c.outputs, c.execution_count) for c in notebook.cells if c.cell_type == "code"]


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
    # Not the lesson's skills rating: its title is a row of the closing lesson's chart, which would run too.
    specs.write_text(specs.read_text().replace('title: "Practice', 'title: "Revised practice', 1))
    build(quiet=True, **dirs)
    assert runs == [[LESSON]]


def test_a_seminar_change_exports_that_lessons_slides_alone(workspace, monkeypatch):
    dirs, runs = workspace
    exported = []
    export_deck = build_module.slides.export_deck
    monkeypatch.setattr(build_module.slides, "export_deck", lambda deck, key=None: exported.append(
        deck.metadata.alliance.lesson) or export_deck(deck, key))
    build(quiet=True, **dirs)
    assert exported == []
    plan = dirs["content_dir"] / "seminars" / f"{LESSON}.yaml"
    plan.write_text(plan.read_text().replace("kind: break\n    activity: Break", "kind: break\n    activity: Tea break", 1))
    build(quiet=True, **dirs)
    assert exported == [LESSON]
    assert "Tea break" in (dirs["site_dir"] / "slides" / f"{LESSON}.html").read_text()


@pytest.mark.parametrize("change", ["outputs", "widget state", "no widget state", "a markdown cell"])
def test_a_notebook_changed_since_the_build_made_it_is_run_again(workspace, change):
    """Only what the build itself produced is reused, even when the sources are unchanged."""
    dirs, runs = workspace
    path = dirs["notebooks_dir"] / f"{LESSON}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    if change == "outputs":
        next(c for c in notebook.cells if c.cell_type == "code").outputs.append(
            nbformat.v4.new_output("stream", name="stdout", text="my notes"))
    elif change == "widget state":
        next(iter(notebook.metadata.widgets[WIDGETS]["state"].values()))["state"]["value"] = "my notes"
    elif change == "no widget state":
        del notebook.metadata["widgets"]
    else:
        next(c for c in notebook.cells if c.cell_type == "markdown").source += "\n\nMy own notes."
    nbformat.write(notebook, path)
    assert not is_current(path, build_notebook(load_lesson(LESSON, dirs["content_dir"], dirs["exercises_dir"])))
    build(quiet=True, **dirs)
    assert runs == [[LESSON]]
    assert "my notes" not in path.read_text().lower() and "my own notes" not in path.read_text().lower()


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


# Nothing partial.

def test_a_lesson_that_fails_to_run_stops_the_build_with_one_sentence_and_writes_nothing(workspace, monkeypatch):
    """The real executor, with one of two lessons to run failing, and a third lesson's last run
    reused: no notebook and nothing in site/ changes."""
    dirs, _ = workspace
    stale = ["00-the-relationship-as-foundation", "01-trust-and-safety"]
    for lesson_id in stale:
        specs = dirs["exercises_dir"] / f"{lesson_id}.yaml"
        # Not the lesson's skills rating: its title is a row of the closing lesson's chart, which would run too.
    specs.write_text(specs.read_text().replace('title: "Practice', 'title: "Revised practice', 1))
    text = dirs["content_dir"] / f"{LESSON}.md"  # and one lesson whose last run is reused
    text.write_text(text.read_text().replace("## Key points", "A new closing sentence.\n\n## Key points"))
    notebooks, site = snapshot(dirs["notebooks_dir"]), snapshot(dirs["site_dir"])

    def failing_second(notebooks, **kwargs):
        broken = copy.deepcopy(notebooks)
        cell = next(c for c in broken[stale[1]].cells if c.metadata.get("alliance", {}).get("exercise"))
        cell.source += '\nraise RuntimeError("the exercise could not be drawn")'
        return execute_many(broken, **kwargs)

    monkeypatch.setattr(build_module, "execute_many", failing_second)
    with pytest.raises(ExecutionError) as caught:
        build(quiet=True, **dirs)
    message = str(caught.value)
    assert message.startswith(f"notebooks/{stale[1]}.ipynb failed to execute in exercise '")
    assert message.endswith("RuntimeError: the exercise could not be drawn.")
    assert "\n" not in message and "Traceback" not in message and "\x1b" not in message
    assert snapshot(dirs["notebooks_dir"]) == notebooks
    assert snapshot(dirs["site_dir"]) == site


def test_a_lesson_refused_at_export_leaves_every_notebook_as_it_was(workspace, monkeypatch):
    """Notebooks are written only after every lesson has run and been exported."""
    dirs, _ = workspace
    for lesson_id in ("00-the-relationship-as-foundation", "01-trust-and-safety"):
        specs = dirs["exercises_dir"] / f"{lesson_id}.yaml"
        # Not the lesson's skills rating: its title is a row of the closing lesson's chart, which would run too.
    specs.write_text(specs.read_text().replace('title: "Practice', 'title: "Revised practice', 1))
    notebooks, site = snapshot(dirs["notebooks_dir"]), snapshot(dirs["site_dir"])

    def with_an_answer(notebooks, **kwargs):
        ran = {i: stand_in_run(nb) for i, nb in notebooks.items()}
        model = next(iter(ran["01-trust-and-safety"].metadata.widgets[WIDGETS]["state"].values()))
        model["state"].update(_dom_classes=["alliance-field-text"], value="an answer")
        return ran

    monkeypatch.setattr(build_module, "execute_many", with_an_answer)
    with pytest.raises(AnswerError):
        build(quiet=True, **dirs)
    assert snapshot(dirs["notebooks_dir"]) == notebooks
    assert snapshot(dirs["site_dir"]) == site


# A content/ folder the build cannot build whole.

@pytest.mark.parametrize("state", ["empty", "missing"])
def test_an_empty_or_missing_content_folder_stops_the_build_and_keeps_the_site(workspace, state, monkeypatch, capsys):
    dirs, runs = workspace
    shutil.rmtree(dirs["content_dir"])
    if state == "empty":
        dirs["content_dir"].mkdir()
    site = snapshot(dirs["site_dir"])
    with pytest.raises(SpecError) as caught:
        build(quiet=True, **dirs)
    [message] = [str(p) for p in caught.value.problems if "content" in p.file and not p.file.endswith(".yaml")]
    assert ("holds no lessons" if state == "empty" else "was not found") in message
    assert snapshot(dirs["site_dir"]) == site

    real = build_module.build
    monkeypatch.setattr(build_module, "build", lambda force=False, **options: real(force, quiet=True, **options, **dirs))
    assert cli.main(["build"]) == 2
    out = capsys.readouterr()
    assert "Done" not in out.out and "stopped before writing anything" in out.err


@pytest.mark.parametrize("name", ["01-trust-and-safety.markdown", "01-Trust-and-safety.md", "01-trust-and-safety.md.txt"])
def test_a_lesson_file_the_build_would_skip_stops_it(workspace, name, monkeypatch, capsys):
    """`alliance build` notices what `alliance check` notices: both list content/ the same way."""
    dirs, _ = workspace
    (dirs["content_dir"] / "01-trust-and-safety.md").rename(dirs["content_dir"] / name)
    site = snapshot(dirs["site_dir"])
    with pytest.raises(SpecError) as caught:
        build(quiet=True, **dirs)
    messages = [str(p) for p in caught.value.problems]
    not_a_lesson = (f"{name}: is not a lesson: a lesson is named NN-name.md, with two digits, a hyphen "
                    "and lower-case letters, digits and hyphens")
    no_lesson = "01-trust-and-safety.yaml: has no lesson: there is no content/01-trust-and-safety.md"
    assert any(m.endswith(not_a_lesson) for m in messages), messages
    assert any(m.endswith(no_lesson) for m in messages), messages
    assert snapshot(dirs["site_dir"]) == site

    real = sources.load_all
    monkeypatch.setattr(sources, "load_all", lambda: real(dirs["content_dir"], dirs["exercises_dir"]))
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert not_a_lesson in err and no_lesson in err


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-16-le"])
@pytest.mark.parametrize("kind", ["content", "exercises"])
def test_a_source_that_is_not_utf8_is_named_with_the_position(workspace, encoding, kind):
    dirs, _ = workspace
    path = dirs[f"{kind}_dir"] / ("01-trust-and-safety.md" if kind == "content" else "01-trust-and-safety.yaml")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if "title: " in line)
    lines[at] = lines[at].replace("title: ", "title: Café ", 1)
    path.write_bytes("".join(lines).encode(encoding, errors="replace"))
    with pytest.raises(SpecError) as caught:
        build(quiet=True, **dirs)
    [message] = [str(p) for p in caught.value.problems]
    assert message.startswith(f"{shown(path)}: ")
    assert "save the file as UTF-8" in message and "\n" not in message
    where = f"line {at + 1}" if encoding == "cp1252" else "line 1"
    assert where in message, message


# The same sources give the same bytes.

def test_a_forced_rebuild_from_the_same_sources_gives_byte_identical_notebooks_and_pages(tmp_path):
    """Two lessons run for real (one of them twice in one kernel in turn with another)."""
    for lesson_id in ("00-the-relationship-as-foundation", "01-trust-and-safety"):
        for path in load_lesson(lesson_id).files:  # its text, exercises and seminar
            target = tmp_path / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    dirs = dirs_in(tmp_path)
    build(force=True, quiet=True, **dirs)
    first = snapshot(dirs["notebooks_dir"]), snapshot(dirs["site_dir"])
    build(force=True, quiet=True, **dirs)
    second = snapshot(dirs["notebooks_dir"]), snapshot(dirs["site_dir"])
    assert first[0] == second[0]
    assert first[1] == second[1]
    assert b'"execution"' not in b"".join(first[0].values())  # no run times


# Temporary folders.

@pytest.fixture
def short_tmp():
    """A temporary folder with a short path: kernels talk over sockets named inside it."""
    folder = Path(tempfile.mkdtemp(prefix="akt-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_killed_build_leaves_no_journal_folder_behind(short_tmp, monkeypatch):
    """A build killed while a lesson runs leaves its folder; the next build removes it."""
    tmp_path = short_tmp
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    code = ("from alliance.execute import execute; from alliance.notebooks import build_notebook; "
            "from alliance.sources import load_lesson; execute(build_notebook(load_lesson('01-trust-and-safety')))")
    killed = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("alliance-build-journal-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    assert list(tmp_path.glob("alliance-build-journal-*")), "the build never started"

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    from alliance.execute import execute

    execute(build_notebook(load_lesson("00-the-relationship-as-foundation")))
    assert list(tmp_path.glob("alliance-build-journal-*")) == []


def test_a_test_session_leaves_no_folder_behind(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_privacy.py::test_pytest_runs_with_an_isolated_journal"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.glob("alliance-test-*")) == []
