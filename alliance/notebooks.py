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
from .paths import PACKAGE_DIR
from .seminars import ANCHORS, FEEDBACK_ORDER, Seminar
from .sources import LessonSource

# Code whose change alters what a lesson's notebook shows.
ENGINE_FILES = sorted(
    [*(PACKAGE_DIR / "exercises").glob("*.py")]
    + [PACKAGE_DIR / name for name in ("lesson.py", "text.py", "sources.py", "notebooks.py")]
    + [PACKAGE_DIR / "static" / "exercises.css"]
)

HOW_TO_START = (
    "**Before you begin:** to make the exercises work, choose **Run ▸ Run All Cells** from the menu "
    "(or the ▶▶ button in the toolbar). You do not need to read or write any code. Your answers are saved "
    "privately on this computer as you type, and they come back whenever you reopen this lesson."
)

HIDDEN = {"jupyter": {"source_hidden": True}}

#: Said in the first cell, instead of a traceback, when a downloaded notebook is opened on a
#: Jupyter without the collection's package; the site puts the package beside the notebooks.
PACKAGE_MISSING = (
    "This lesson needs the collection's alliance package, which this Jupyter does not have yet: download "
    "alliance-{version}-py3-none-any.whl from the page where you found this notebook, into the same folder, "
    "run  %pip install alliance-{version}-py3-none-any.whl  in a new cell, then choose Kernel ▸ Restart Kernel "
    "and Run All Cells."
)


def setup_code(lesson_id: str) -> str:
    """The first code cell. IPython shows an exception's `_render_traceback_` lines in place of
    a traceback, so a missing package is one plain sentence, and Run All stops there."""
    from . import __version__

    return (
        "# Sets up this lesson's exercises and your private journal.\n"
        "try:\n"
        "    from alliance.lesson import Lesson\n"
        "except ModuleNotFoundError as missing:\n"
        "    if missing.name != 'alliance':\n"
        "        raise\n"
        "    class PackageMissing(Exception):\n"
        "        def _render_traceback_(self):\n"
        "            return [str(self)]\n"
        f"    raise PackageMissing({PACKAGE_MISSING.format(version=__version__)!r}) from None\n"
        f'lesson = Lesson("{lesson_id}")'
    )


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
    return _digest([lesson.files[0], *lesson.files[2:]]) + (code or code_hash(lesson))[:16]


# ---- The seminar, rendered as Markdown: outcomes for everyone, the rest for facilitators. ----

def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")  # one table cell


def outcomes_markdown(seminar: Seminar) -> str:
    items = "\n".join(f"- {o['can']};" for o in seminar.outcomes)
    return f"**By the end of this lesson you can:**\n\n{items.rstrip(';')}."


def plan_markdown(seminar: Seminar, names: dict[str, str] | None = None) -> str:
    """The plan as a timetable; `names` words what a segment uses (an exercise's title, say)."""
    names = {**{f"card:{c['id']}": f"card: {c['client']}" for c in seminar.cards},
             f"sheet:{seminar.sheet['id']}": seminar.sheet["title"], **(names or {})}
    rows = ["| Minutes | What happens | Uses |", "| --- | --- | --- |"]
    for start, end, segment in seminar.timetable():
        kind = segment["kind"].replace("-", " ").capitalize()
        topics = f" Teaches: {'; '.join(segment['topics'])}." if segment.get("topics") else ""
        uses = "; ".join(names.get(u, u) for u in segment.get("uses", []))
        rows.append(f"| {start}–{end} | **{kind}.** {_cell(segment['activity'] + topics)} | {_cell(uses)} |")
    mapping = ["| By the end you can… | SCoPEd themes | Humanistic competence domains (Roth, Hill and Pilling) |",
               "| --- | --- | --- |"]
    mapping += [f"| {_cell(o['can'])} | {', '.join(o['scoped'])} | {', '.join(o['humanistic'])} |" for o in seminar.outcomes]
    return ("\n".join(rows) + f"\n\nIn all: {seminar.minutes} minutes. On their own, learners need about "
            f"{seminar.self_study_minutes} minutes for the exercises, besides the reading.\n\n"
            "**Learning outcomes and how they map** (by name, in this collection's own words):\n\n" + "\n".join(mapping))


def materials_markdown(seminar: Seminar) -> str:
    parts = []
    for card in seminar.cards:
        parts.append(
            f"**Client card: {card['client']}** (a fictional client, for role-play only)\n\n"
            f"- *Background:* {card['background']}\n- *What they say first:* \"{card['opening']}\"\n"
            f"- *What they hold back:* {card['holding_back']}\n- *When they feel heard:* {card['good_listening']}\n"
            f"- *When they don't:* {card['poor_listening']}"
        )
    sheet = seminar.sheet
    rows = ["| Watch for | " + " | ".join(ANCHORS) + " |", "| --- |" + " --- |" * len(ANCHORS)]
    for b in sheet["behaviours"]:
        boxes = " | ".join("☐" for _ in ANCHORS[1:-1])
        rows.append(f"| {_cell(b['watch_for'])} | ☐ {_cell(b['not_yet'])} | {boxes} | ☐ {_cell(b['consistently'])} |")
    order = ", then the ".join(FEEDBACK_ORDER)
    parts.append(f"**{sheet['title']}**\n\n" + "\n".join(rows) +
                 f"\n\nWhat the counsellor said, word for word, and what the client did next: "
                 "______________________________________________\n\n"
                 f"Feedback, in this order: the {order}. Describe what you saw and heard; keep to the counsellor's skills, "
                 "not the client's story.")
    return "\n\n".join(parts)


def facilitator_cell(title: str, text: str, quoted: bool = True) -> nbformat.NotebookNode:
    """A quote block sets the notes apart in JupyterLab, where no page style applies; tables
    stay unquoted, since nbconvert renders no table inside a quote."""
    heading = "For facilitators" + (f": {title}" if title else "")
    body = f"**{heading}**\n\n{text}"
    if quoted:
        body = "\n".join(f"> {line}".rstrip() for line in body.splitlines())
    return new_markdown_cell(body, metadata={"tags": ["facilitator"]})


def build_notebook(lesson: LessonSource) -> nbformat.NotebookNode:
    code = code_hash(lesson)
    cells = [
        new_markdown_cell(HOW_TO_START, metadata={"tags": ["notebook-only"]}),
        new_code_cell(setup_code(lesson.id), metadata={**HIDDEN, "tags": ["setup"]}),
    ]
    for block in lesson.blocks:
        if block.kind == "markdown":
            cells.append(new_markdown_cell(block.text))
        elif block.kind == "facilitator":
            cells.append(facilitator_cell(block.title, block.text))
        elif block.kind == "outcomes":
            cells.append(new_markdown_cell(outcomes_markdown(lesson.seminar)))
        elif block.kind == "session-plan":
            titles = {ident: f"“{e.title}”" for ident, e in lesson.exercises.items()}
            cells.append(facilitator_cell(f"Session plan ({lesson.seminar.minutes} minutes)",
                                          plan_markdown(lesson.seminar, titles), quoted=False))
        elif block.kind == "practice-materials":
            cells.append(facilitator_cell("Client cards and observer sheet", materials_markdown(lesson.seminar), quoted=False))
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
