"""The coverage map (content/coverage.yaml): each idea a lesson must teach, the section
that teaches it and the exercise that reflects on it."""

from __future__ import annotations

import re
from pathlib import Path

from .paths import CONTENT_DIR, shown
from .sources import LessonSource

COVERAGE_PATH = CONTENT_DIR / "coverage.yaml"


def load(path: Path = COVERAGE_PATH) -> dict[str, list[dict]]:
    """The map; a SpecError names the file if it is unreadable, gives a key twice or is not a mapping."""
    from .exercises import SpecError, SpecProblem, field_path, load_yaml, read_source

    file = shown(path)
    try:
        data, duplicates = load_yaml(read_source(path), file)
    except FileNotFoundError:
        raise SpecError([SpecProblem(file, "", "", "file not found")]) from None
    problems = [SpecProblem(file, "", field_path([*parts, key]), f"is given twice (lines {first} and {again}); keep one")
                for parts, key, first, again in duplicates]
    if not isinstance(data or {}, dict):
        problems.append(SpecProblem(file, "", "", "must map each lesson id to a list of ideas"))
    if problems:
        raise SpecError(problems)
    return data or {}


def headings(lesson: LessonSource) -> set[str]:
    text = "\n".join(b.text for b in lesson.blocks if b.kind == "markdown")
    return {m.strip() for m in re.findall(r"^#{1,4} (.+)$", text, flags=re.M)}


def check(lessons: list[LessonSource], coverage: dict[str, list[dict]], path: Path = COVERAGE_PATH) -> list[str]:
    """Problems, each naming the file, the lesson and the idea."""
    file = shown(path)
    by_id = {lesson.id: lesson for lesson in lessons}
    problems = [f"{file}: lesson '{i}' has no content/{i}.md" for i in coverage if i not in by_id]
    problems += [f"{file}: lesson '{i}' is missing from the map" for i in by_id if i not in coverage]
    for lesson_id, ideas in coverage.items():
        lesson = by_id.get(lesson_id)
        if lesson is None:
            continue
        sections = headings(lesson)
        if not isinstance(ideas or [], list):
            problems.append(f"{file}: lesson '{lesson_id}': must list its ideas")
            continue
        for entry in ideas or []:
            if not isinstance(entry, dict):
                problems.append(f"{file}: lesson '{lesson_id}': each idea needs 'idea', 'section' and 'exercise' fields")
                continue
            idea = entry.get("idea", "?")
            where = f"{file}: lesson '{lesson_id}', idea '{idea}'"
            if not entry.get("section"):
                problems.append(f"{where}: has no section")
            elif entry["section"] not in sections:
                problems.append(f"{where}: section '{entry['section']}' is not a heading in content/{lesson_id}.md")
            if not entry.get("exercise"):
                problems.append(f"{where}: has no exercise")
            elif entry["exercise"] not in lesson.exercises:
                problems.append(f"{where}: exercise '{entry['exercise']}' is not in exercises/{lesson_id}.yaml")
    return problems
