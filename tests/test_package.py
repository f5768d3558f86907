"""The collection as a real package, in a learner's own Jupyter: a fresh virtual
environment with only JupyterLab, the notebook and the wheel downloaded from the built
site, the page's one pip line, then the lesson run with nbclient from a folder far from
any checkout. The same environment then builds nothing but checks a checkout."""

import html
import re
import shlex
import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest

from alliance.notebooks import PACKAGE_MISSING
from alliance.paths import ROOT

LESSON = "01-trust-and-safety"
RUN = """
import sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
notebook = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(notebook, timeout=180, kernel_name="python3").execute()
    print("ran every cell")
except CellExecutionError:
    print("stopped at an error")
nbformat.write(notebook, sys.argv[2])
"""


def pinned(name: str) -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return next(d for d in project["dependencies"] if d.startswith(f"{name}=="))


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    """A learner's own Jupyter: a new virtual environment with JupyterLab and nothing of ours."""
    home = tmp_path_factory.mktemp("learner")
    venv = home / "jupyter"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    pinned("jupyterlab")], check=True)
    assert subprocess.run([venv / "bin/python", "-c", "import alliance"], cwd=home, capture_output=True).returncode != 0
    return home, venv


def run(venv, folder, notebook, journal):
    """Run a notebook with nbclient inside the learner's environment, in `folder`."""
    ran = folder / f"ran-{notebook.name}"
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([venv / "bin/python", "-c", RUN, str(notebook), str(ran)], cwd=folder,
                            env={**env, "ALLIANCE_JOURNAL": str(journal)}, capture_output=True, text=True, timeout=300)
    return result.stdout.strip(), nbformat.read(ran, as_version=4)


def test_a_downloaded_notebook_says_what_to_install_then_runs_after_the_pages_pip_line(built_site, learner):
    home, venv = learner
    downloads = home / "Downloads"
    downloads.mkdir()
    index = (built_site / "index.html").read_text(encoding="utf-8")
    [link] = set(re.findall(r'href="(notebooks/[^"]+\.whl)"', index))
    [line] = re.findall(r"<code>(pip install [^<]+)</code>", index)
    shutil.copy(built_site / "notebooks" / f"{LESSON}.ipynb", downloads)
    notebook = downloads / f"{LESSON}.ipynb"

    # Without the package: the first cell says, in one sentence, what to do; no traceback.
    said, ran = run(venv, downloads, notebook, home / "journal.sqlite3")
    assert said == "stopped at an error"
    setup = next(c for c in ran.cells if c.cell_type == "code")
    [error] = [o for o in setup.outputs if o.output_type == "error"]
    assert error.traceback == [PACKAGE_MISSING.format(version=__import__("alliance").__version__)]
    assert line in error.traceback[0]  # the same instruction as the page

    # The page's instruction, as written: download the wheel beside the notebook, run its pip line there.
    shutil.copy(built_site / html.unescape(link), downloads)
    subprocess.run([venv / "bin/python", "-m", *shlex.split(line), "--quiet", "--disable-pip-version-check"],
                   cwd=downloads, check=True)
    said, ran = run(venv, downloads, notebook, home / "journal.sqlite3")
    assert said == "ran every cell"
    exercises = [c for c in ran.cells if c.cell_type == "code" and "exercise" in c.metadata.get("tags", [])]
    assert exercises and all(c.outputs for c in exercises)
    assert not any(o.output_type == "error" for c in ran.cells if c.cell_type == "code" for o in c.outputs)


def test_the_installed_wheel_runs_every_lesson_from_a_copy_of_notebooks_and_checks_a_checkout(learner, tmp_path):
    home, venv = learner
    if subprocess.run([venv / "bin/python", "-c", "import alliance"], cwd=home, capture_output=True).returncode != 0:
        pytest.fail("the previous test installs the wheel from the site")
    where = subprocess.run([venv / "bin/python", "-c", "import alliance.paths as p; print(p.PACKAGE_DIR, p.CHECKOUT)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert where[0].startswith(str(venv)) and where[1] == "None"  # the wheel, not this checkout
    copy = tmp_path / "lessons"
    shutil.copytree(ROOT / "notebooks", copy)
    for notebook in sorted(copy.glob("*.ipynb"))[:2] + sorted(copy.glob("*.ipynb"))[-1:]:
        said, _ = run(venv, copy, notebook, tmp_path / "journal.sqlite3")
        assert said == "ran every cell", notebook.name

    # In a checkout, the installed command works on the checkout's own sources.
    checked = subprocess.run([venv / "bin/alliance", "check"], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    outside = subprocess.run([venv / "bin/alliance", "build"], cwd=tmp_path, capture_output=True, text=True)
    assert outside.returncode == 2 and "copy of the collection's repository" in outside.stderr
