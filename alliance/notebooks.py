"""Stage 2: turn a lesson's sources into an (unexecuted) notebook.

Learners never need to read code, so each code cell is one short call with its input
collapsed. A hash of the sources, and of the code that draws the exercises, is kept in
the notebook so a stale notebook can be detected without executing it.
"""

from __future__ import annotations

import hashlib
import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .exercises.profile import skill_ratings
from .paths import ROOT
from .sources import LessonSource

# Code whose change alters what a lesson's notebook shows.
ENGINE_FILES = sorted(
    [*(ROOT / "alliance" / "exercises").glob("*.py")]
    + [ROOT / "alliance" / name for name in ("lesson.py", "text.py", "sources.py", "notebooks.py")]
    + [ROOT / "alliance" / "static" / "exercises.css"]
)

HOW_TO_START = (
    "**Before you begin:** to make the exercises work, choose **Run ▸ Run All Cells** from the menu "
    "(or the ▶▶ button in the toolbar). You do not need to read or write any code. Your answers are saved "
    "privately on this computer as you type, and they come back whenever you reopen this lesson."
)

HIDDEN = {"jupyter": {"source_hidden": True}}


def _digest(paths: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_hash(lesson: LessonSource) -> str:
    """Everything that shapes what the lesson's code cells display: its exercises and the engine."""
    extra = ""
    if any(e.name == "profile" for e in lesson.exercises.values()):
        # The profile draws on every lesson's skill ratings, so those shape it too.
        extra = json.dumps(skill_ratings(lesson.files[1].parent), sort_keys=True)
    return _digest([lesson.files[1], *ENGINE_FILES], extra)


def source_hash(lesson: LessonSource, code: str | None = None) -> str:
    """Everything the notebook is built from: the text as well as the code."""
    return _digest([lesson.files[0]]) + (code or code_hash(lesson))[:16]


def build_notebook(lesson: LessonSource) -> nbformat.NotebookNode:
    code = code_hash(lesson)
    cells = [
        new_markdown_cell(HOW_TO_START, metadata={"tags": ["notebook-only"]}),
        new_code_cell(
            f'# Sets up this lesson\'s exercises and your private journal.\n'
            f'from alliance.lesson import Lesson\nlesson = Lesson("{lesson.id}")',
            metadata={**HIDDEN, "tags": ["setup"]},
        ),
    ]
    for block in lesson.blocks:
        if block.kind == "markdown":
            cells.append(new_markdown_cell(block.text))
        elif block.kind == "facilitator":
            # A quote block sets the notes apart in JupyterLab, where no page style applies.
            heading = "For facilitators" + (f": {block.title}" if block.title else "")
            quoted = "\n".join(f"> {line}".rstrip() for line in f"**{heading}**\n\n{block.text}".splitlines())
            cells.append(new_markdown_cell(quoted, metadata={"tags": ["facilitator"]}))
        else:
            cells.append(
                new_code_cell(
                    # JupyterLab shows a collapsed cell's first line, so make it a readable one.
                    f'# Exercise: {lesson.exercises[block.exercise].title}\nlesson.exercise("{block.exercise}")',
                    metadata={**HIDDEN, "tags": ["exercise"], "alliance": {"exercise": block.exercise}},
                )
            )
    for n, cell in enumerate(cells):
        cell["id"] = f"{lesson.id}-{n:03d}"  # stable ids keep diffs small
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python"},
            "alliance": {
                "lesson": lesson.id,
                "title": lesson.title,
                "summary": lesson.summary,
                "seminar_minutes": lesson.seminar_minutes,
                "source_hash": source_hash(lesson, code),
                "code_hash": code,
                # For pages without a kernel: how to keep and export each exercise's answers.
                "exercises": [e.manifest(n) for n, e in enumerate(lesson.exercises.values())],
            },
        },
    )
    nbformat.validate(notebook)
    return notebook
