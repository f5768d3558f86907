"""Stage 1: read a lesson's sources, its text in content/ and its exercises in exercises/.

The text is MyST Markdown read by jupytext. Besides `+++` cell breaks, each `#`/`##`
heading starts a section, ```` ```{exercise} id ```` places an exercise, and
`:::{facilitator} Title` ... `:::` marks a block for facilitators only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jupytext
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from .exercises import ExerciseType, SpecError, SpecProblem, load_exercise_file
from .paths import CONTENT_DIR, EXERCISES_DIR, lesson_ids, shown

_parser = MarkdownIt("commonmark").use(colon_fence_plugin)


@dataclass(frozen=True)
class Block:
    kind: str  # "markdown", "exercise" or "facilitator"
    text: str = ""
    exercise: str = ""
    title: str = ""


@dataclass
class LessonSource:
    id: str
    title: str
    summary: str
    seminar_minutes: int | None
    blocks: list[Block]
    exercises: dict[str, ExerciseType]
    files: list[Path] = field(default_factory=list)


def _split(markdown: str) -> list[Block]:
    """Split one markdown cell into sections, exercise places and facilitator blocks."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    start = 0

    def flush(upto: int) -> None:
        chunk = "\n".join(lines[start:upto]).strip()
        if chunk:
            blocks.append(Block("markdown", chunk))

    for token in _parser.parse(markdown):
        if token.level != 0 or not token.map or token.nesting == -1:
            continue
        first, last = token.map
        info = token.info.strip()
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            flush(first)
            start = first
        elif token.type == "fence" and info.startswith("{exercise}"):
            flush(first)
            blocks.append(Block("exercise", exercise=info.removeprefix("{exercise}").strip()))
            start = last
        elif token.type == "colon_fence" and info.startswith("{facilitator}"):
            flush(first)
            title = info.removeprefix("{facilitator}").strip()
            blocks.append(Block("facilitator", text=token.content.strip(), title=title))
            start = last
    flush(len(lines))
    return blocks


def load_lesson(lesson_id: str, content_dir: Path = CONTENT_DIR, exercises_dir: Path = EXERCISES_DIR) -> LessonSource:
    content_path = content_dir / f"{lesson_id}.md"
    exercises_path = exercises_dir / f"{lesson_id}.yaml"
    exercises = load_exercise_file(exercises_path)
    notebook = jupytext.reads(content_path.read_text(encoding="utf-8"), fmt="md:myst")
    meta = notebook.metadata
    file = shown(content_path)
    problems: list[SpecProblem] = []
    if not meta.get("title"):
        problems.append(SpecProblem(file, "", "title", "the front matter needs a title"))

    blocks = [b for cell in notebook.cells if cell.cell_type == "markdown" for b in _split(cell.source)]
    placed = [b.exercise for b in blocks if b.kind == "exercise"]
    for ident in placed:
        if ident not in exercises:
            problems.append(SpecProblem(file, ident, "exercise", f"is placed in the text but not defined in {shown(exercises_path)}"))
        elif placed.count(ident) > 1:
            problems.append(SpecProblem(file, ident, "exercise", "is placed more than once"))
    for ident in exercises:
        if ident not in placed:
            problems.append(SpecProblem(file, ident, "exercise", "is defined but never placed in the text"))
    if problems:
        raise SpecError(sorted(set(problems), key=str))
    return LessonSource(
        id=lesson_id,
        title=meta["title"],
        summary=meta.get("summary", ""),
        seminar_minutes=meta.get("seminar_minutes"),
        blocks=blocks,
        exercises=exercises,
        files=[content_path, exercises_path],
    )


def load_all(content_dir: Path = CONTENT_DIR, exercises_dir: Path = EXERCISES_DIR) -> list[LessonSource]:
    """Every lesson, checked as a whole: any problem anywhere stops the build before it writes."""
    lessons, problems = [], []
    for lesson_id in lesson_ids(content_dir):
        try:
            lessons.append(load_lesson(lesson_id, content_dir, exercises_dir))
        except SpecError as error:
            problems += error.problems
    owners: dict[str, str] = {}
    for lesson in lessons:
        for ident in lesson.exercises:
            if ident in owners:
                problems.append(SpecProblem(f"exercises/{lesson.id}.yaml", ident, "id", f"is also used in lesson {owners[ident]}"))
            owners[ident] = lesson.id
    if problems:
        raise SpecError(problems)
    return lessons
