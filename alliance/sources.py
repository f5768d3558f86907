"""Stage 1: read a lesson's sources, its text in content/ and its exercises in exercises/.

The text is MyST Markdown read by jupytext. Besides `+++` cell breaks, each `#`/`##`
heading starts a section, ```` ```{exercise} id ```` places an exercise, and
`:::{facilitator} Title` ... `:::` marks a block for facilitators only. The lesson's
seminar (content/seminars/NN-name.yaml, read by seminars.py) is placed the same way:
```` ```{outcomes} ````, ```` ```{session-plan} ```` and ```` ```{practice-materials} ````.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jupytext
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from .exercises import ExerciseType, SpecError, SpecProblem, load_exercise_file, load_yaml, read_source
from .paths import CONTENT_DIR, EXERCISES_DIR, LESSON_FILE, lesson_ids, shown
from .seminars import Seminar, load_seminar

_parser = MarkdownIt("commonmark").use(colon_fence_plugin)


@dataclass(frozen=True)
class Block:
    kind: str  # "markdown", "exercise", "facilitator", or one of SEMINAR_PLACES
    text: str = ""
    exercise: str = ""
    title: str = ""


# Where the seminar's parts go: the outcomes (for everyone), the plan and the role-play
# materials (for facilitators only).
SEMINAR_PLACES = ("outcomes", "session-plan", "practice-materials")


@dataclass
class LessonSource:
    id: str
    title: str
    summary: str
    seminar_minutes: int | None
    blocks: list[Block]
    exercises: dict[str, ExerciseType]
    files: list[Path] = field(default_factory=list)
    seminar: Seminar | None = None


def section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    found = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return found.group(1).strip() if found else ""


def bullets(markdown: str) -> list[str]:
    """Top-level list items, each joined onto one line."""
    items: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def key_points(markdown: str) -> list[str]:
    """The lesson's "Key points" list, which the seminar's inputs refer to by number."""
    return bullets(section(markdown, "Key points"))


def _closed(token, lines: list[str]) -> bool:
    """Whether a fence has its closing line: markdown-it runs an unclosed one to the end."""
    first, last = token.map
    if last - first < 2 or last > len(lines):
        return False
    marker = token.markup[0]
    closing = lines[last - 1].strip()
    return len(closing) >= len(token.markup) and set(closing) == {marker}


def _split(markdown: str, unclosed: list[tuple[int, str]] | None = None) -> list[Block]:
    """Split one markdown cell into sections, exercise places and facilitator blocks.
    Fences left open are added to `unclosed` as (line in the cell, the opening line)."""
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
            continue
        if token.type == "fence" and info.strip("{} ") in SEMINAR_PLACES and info.startswith("{"):
            block = Block(info.strip("{} "))
        elif token.type == "fence" and info.startswith("{exercise}"):
            block = Block("exercise", exercise=info.removeprefix("{exercise}").strip())
        elif token.type == "colon_fence" and info.startswith("{facilitator}"):
            block = Block("facilitator", text=token.content.strip(), title=info.removeprefix("{facilitator}").strip())
        else:
            continue
        # A placed block: the text before it is a section of its own, and its fence must close.
        if unclosed is not None and not _closed(token, lines):
            unclosed.append((first, lines[first].strip()))
        flush(first)
        blocks.append(block)
        start = last
    flush(len(lines))
    return blocks


# Unsafe markup. Authors are trusted, but a snippet pasted from the web should not run
# script in every learner's browser: pages show lesson Markdown, raw HTML included, as is.
UNSAFE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link"}
UNSAFE_URL = re.compile(r"(?<![a-z0-9+.-])(?:java|vb|live)script:|(?<![a-z0-9+.-])data:text/html")


def _squeezed(text: str) -> str:
    """Text as a browser reads a URL: entities decoded, Markdown escapes, spaces and control characters dropped."""
    return re.sub(r"[\x00-\x20\x7f\\]+", "", html.unescape(text)).lower()


class _MarkupScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag in UNSAFE_TAGS:
            self.found.append((line, f"has {'an' if tag[0] in 'aeio' else 'a'} <{tag}> element"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((line, f"has an event-handler attribute '{name}' on <{tag}>"))
            elif name == "srcdoc" or (value and UNSAFE_URL.search(_squeezed(value))):
                self.found.append((line, f"has a script URL in the '{name}' attribute of <{tag}>"))


def unsafe_markup(text: str) -> list[tuple[int, str]]:
    """(line, what) for script, event-handler attributes and script URLs anywhere in a lesson."""
    scanner = _MarkupScanner()
    scanner.feed(text)
    scanner.close()
    found = scanner.found
    for n, line in enumerate(text.splitlines(), start=1):
        if UNSAFE_URL.search(_squeezed(line)) and not any(at == n for at, _ in found):
            found.append((n, "has a script URL (javascript:, vbscript: or data:text/html)"))
    return sorted(set(found))


def _front_matter_problems(text: str, file: str) -> list[SpecProblem]:
    """Keys the front matter gives twice: YAML would keep the last one without a word."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return []
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == "---"), None)
    if end is None:
        return [SpecProblem(file, "", "", "the front matter that opens at line 1 is never closed with '---'")]
    try:
        _, duplicates = load_yaml("\n".join(lines[1:end]), file)
    except SpecError:
        return []  # jupytext reports malformed front matter itself
    return [SpecProblem(file, "", key, f"is given twice in the front matter (lines {first + 1} and {again + 1}); keep one")
            for _, key, first, again in duplicates]


def _line_of(text: str, cell_source: str, line_in_cell: int) -> int | None:
    at = text.find(cell_source)
    return None if at < 0 else text.count("\n", 0, at) + line_in_cell + 1


# Files in content/ that are data about the lessons, not lessons: the map of ideas, the register of
# clients and the course pack's own text (read by pack.py).
CONTENT_DATA = {"coverage.yaml", "clients.yaml", "course-pack.md"}


def folder_problems(content_dir: Path = CONTENT_DIR, exercises_dir: Path = EXERCISES_DIR) -> list[SpecProblem]:
    """What in content/ and exercises/ would not become part of a lesson. `alliance build`
    and `alliance check` both ask this, so neither lets a file silently drop out."""
    if not content_dir.is_dir():
        return [SpecProblem(shown(content_dir), "", "", "was not found, so there are no lessons to build")]
    ids = lesson_ids(content_dir)
    problems = []
    for entry in sorted(content_dir.iterdir()):
        if entry.name.startswith(".") or entry.name in CONTENT_DATA or (entry.is_file() and LESSON_FILE.match(entry.name)):
            continue
        if entry.name == "seminars" and entry.is_dir():
            problems += [SpecProblem(shown(s), "", "", f"has no lesson: there is no content/{s.stem}.md")
                         for s in sorted(entry.iterdir()) if not s.name.startswith(".") and s.stem not in ids]
            continue
        problems.append(SpecProblem(shown(entry), "", "", "is not a lesson: a lesson is named NN-name.md, with two "
                                    "digits, a hyphen and lower-case letters, digits and hyphens"))
    if not ids:
        problems.append(SpecProblem(shown(content_dir), "", "", "holds no lessons (NN-name.md), so there is nothing to build"))
    if exercises_dir.is_dir():
        for entry in sorted(exercises_dir.iterdir()):
            if entry.name.startswith(".") or entry.name == "exercises.schema.json":
                continue
            if entry.suffix != ".yaml" or not entry.is_file():
                problems.append(SpecProblem(shown(entry), "", "", "is not an exercise file: exercises are in NN-name.yaml, "
                                            "beside content/NN-name.md"))
            elif entry.stem not in ids:
                problems.append(SpecProblem(shown(entry), "", "", f"has no lesson: there is no content/{entry.stem}.md"))
    return problems


def load_lesson(lesson_id: str, content_dir: Path = CONTENT_DIR, exercises_dir: Path = EXERCISES_DIR) -> LessonSource:
    content_path = content_dir / f"{lesson_id}.md"
    exercises_path = exercises_dir / f"{lesson_id}.yaml"
    file = shown(content_path)
    problems: list[SpecProblem] = []
    try:
        exercises = load_exercise_file(exercises_path)
    except SpecError as error:
        problems += error.problems
        exercises = None
    try:
        text = read_source(content_path)
    except FileNotFoundError:
        raise SpecError([*problems, SpecProblem(file, "", "", "file not found")]) from None
    except SpecError as error:
        raise SpecError([*problems, *error.problems]) from None
    problems += _front_matter_problems(text, file)
    problems += [SpecProblem(file, "", "", f"line {line} {what}, which would run in every reader's browser: remove it")
                 for line, what in unsafe_markup(text)]
    if problems and exercises is None:
        raise SpecError(problems)
    exercises = exercises or {}
    notebook = jupytext.reads(text, fmt="md:myst")
    meta = notebook.metadata
    if not meta.get("title"):
        problems.append(SpecProblem(file, "", "title", "the front matter needs a title"))

    blocks = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        unclosed: list[tuple[int, str]] = []
        blocks += _split(cell.source, unclosed)
        for line_in_cell, opening in unclosed:
            line = _line_of(text, cell.source, line_in_cell)
            where = f"line {line}" if line else "a line"
            problems.append(SpecProblem(file, "", "", f"{where} opens '{opening}' but it is never closed: "
                                        f"add a closing '{opening[:3]}' line after the block"))
    placed = [b.exercise for b in blocks if b.kind == "exercise"]
    for ident in placed:
        if ident not in exercises:
            problems.append(SpecProblem(file, ident, "exercise", f"is placed in the text but not defined in {shown(exercises_path)}"))
        elif placed.count(ident) > 1:
            problems.append(SpecProblem(file, ident, "exercise", "is placed more than once"))
    for ident in exercises:
        if ident not in placed:
            problems.append(SpecProblem(file, ident, "exercise", "is defined but never placed in the text"))
    seminar = None
    seminar_path = content_dir / "seminars" / f"{lesson_id}.yaml"
    places = [b.kind for b in blocks if b.kind in SEMINAR_PLACES]
    if places or seminar_path.exists():
        try:
            markdown = "\n\n".join(b.text for b in blocks if b.kind == "markdown")
            seminar = load_seminar(seminar_path, lesson_id, meta.get("seminar_minutes"), set(exercises),
                                   len(key_points(markdown)))
        except SpecError as error:
            problems += error.problems
        for place in SEMINAR_PLACES:
            if places.count(place) != 1:
                problems.append(SpecProblem(file, "", place, f"place the lesson's {place} once, with a "
                                            f"```{{{place}}}``` block (found {places.count(place)})"))
    if problems:
        raise SpecError(sorted(set(problems), key=str))
    return LessonSource(
        id=lesson_id,
        title=meta["title"],
        summary=meta.get("summary", ""),
        seminar_minutes=meta.get("seminar_minutes"),
        blocks=blocks,
        exercises=exercises,
        files=[content_path, exercises_path, *([seminar_path] if seminar else [])],
        seminar=seminar,
    )


def load_all(content_dir: Path = CONTENT_DIR, exercises_dir: Path = EXERCISES_DIR) -> list[LessonSource]:
    """Every lesson, checked as a whole: any problem anywhere stops the build before it writes."""
    lessons, problems = [], folder_problems(content_dir, exercises_dir)
    if not content_dir.is_dir():
        raise SpecError(problems)
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
