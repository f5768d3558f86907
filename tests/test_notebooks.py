"""The committed notebooks: current with their sources, fully executed, and free of code
a learner would have to read."""

import nbformat
import pytest

from alliance.build import is_current
from alliance.references import DOI_OR_ISBN
from alliance.notebooks import build_notebook
from alliance.paths import NOTEBOOKS_DIR, lesson_ids
from alliance.sources import load_lesson

LESSONS = lesson_ids()


def committed(lesson_id):
    return nbformat.read(NOTEBOOKS_DIR / f"{lesson_id}.ipynb", as_version=4)


def test_every_lesson_has_a_notebook():
    assert LESSONS and sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")) == LESSONS


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_notebook_is_up_to_date_with_its_sources(lesson_id):
    fresh = build_notebook(load_lesson(lesson_id))
    assert is_current(NOTEBOOKS_DIR / f"{lesson_id}.ipynb", fresh), "out of date: run `make html`"
    old = committed(lesson_id)
    assert [(c.cell_type, c.source, c.metadata.get("tags")) for c in old.cells] == [
        (c.cell_type, c.source, c.metadata.get("tags")) for c in fresh.cells
    ]


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_code_cell_is_executed_without_errors(lesson_id):
    code = [c for c in committed(lesson_id).cells if c.cell_type == "code"]
    assert code
    for n, cell in enumerate(code, start=1):
        assert cell.execution_count == n, f"cell {cell.id} not executed in order"
        assert not [o for o in cell.outputs if o.output_type in ("error", "stream")], cell.id


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_code_stays_out_of_the_learners_way(lesson_id):
    notebook = committed(lesson_id)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.metadata["jupyter"]["source_hidden"] is True
    setup, *exercises = code
    assert "setup" in setup.metadata["tags"]
    for cell in exercises:
        ident = cell.metadata["alliance"]["exercise"]
        assert cell.source.splitlines()[-1] == f'lesson.exercise("{ident}")'  # one short call
        assert len(cell.source.splitlines()) == 2 and cell.source.startswith("# Exercise: ")
        [output] = cell.outputs
        assert "application/vnd.jupyter.widget-view+json" in output.data


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_opens_with_self_care_and_privacy_and_ends_with_references(lesson_id):
    markdown = [c.source for c in committed(lesson_id).cells if c.cell_type == "markdown"
                and "facilitator" not in c.metadata.get("tags", [])]
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Looking after yourself"
    care = next(t for t in markdown if t.startswith("## Looking after yourself"))
    for needed in ("private", "crisis", "not therapy"):
        assert needed in care.lower(), needed
    if headings[-1] == "## Professional guidance":  # codes of practice, with no DOI or ISBN, come last
        headings = headings[:-1]
    assert headings[-2:] == ["## Key points", "## References"]
    references = next(t for t in markdown if t.startswith("## References"))
    entries = [line for line in references.splitlines() if line.strip() and not line.startswith("#")]
    assert entries and all(DOI_OR_ISBN.search(e) for e in entries)
