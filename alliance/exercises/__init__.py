"""The exercise registry and the loader that checks a lesson's exercise file.

One class per type; to add a type, write a class in its own module and list it in TYPES.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from ..paths import shown
from .base import ID_PATTERN, ExerciseType
from .checklist import Checklist
from .drill import Drill
from .guided_practice import GuidedPractice
from .journal_export import JournalExport
from .knowledge_check import KnowledgeCheck
from .profile import Profile
from .rating import Rating
from .reflection import Reflection
from .reveal import Reveal
from .scenario import Scenario
from .worksheet import Worksheet

TYPES: dict[str, type[ExerciseType]] = {
    cls.name: cls
    for cls in (Reflection, Rating, Scenario, Drill, KnowledgeCheck, Checklist, Worksheet, GuidedPractice, Reveal, Profile,
                JournalExport)
}


@dataclass(frozen=True)
class SpecProblem:
    file: str
    exercise: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.exercise:
            where += f", exercise '{self.exercise}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class SpecError(ValueError):
    """One or more problems in exercise files; nothing is built while any remain."""

    def __init__(self, problems: list[SpecProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def file_schema() -> dict:
    """The JSON Schema of an exercise file, published as exercises/exercises.schema.json."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "A lesson's reflection exercises",
        "type": "object",
        "properties": {
            "lesson": {"type": "string", "pattern": "^[0-9]{2}-[a-z0-9-]+$"},
            "exercises": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type"],
                    "properties": {"id": {"type": "string", "pattern": ID_PATTERN}, "type": {"enum": sorted(TYPES)}},
                    "allOf": [
                        {"if": {"properties": {"type": {"const": name}}}, "then": {"$ref": f"#/$defs/{name}"}}
                        for name in TYPES
                    ],
                },
            },
        },
        "required": ["lesson", "exercises"],
        "additionalProperties": False,
        "$defs": {name: cls.schema() for name, cls in TYPES.items()},
    }


def _field_path(error: jsonschema.ValidationError) -> str:
    path = ""
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"{path}.{missing}" if path else missing
    if error.validator == "additionalProperties":
        extra = error.message.split("'")[1]
        return f"{path}.{extra}" if path else extra
    return path


def _messages(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return "is required but missing"
    if error.validator == "additionalProperties":
        return "is not a known field for this exercise type"
    return error.message


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(TYPES[kind].schema())


def check_exercise(spec: object, position: int, file: str) -> list[SpecProblem]:
    """Problems with one exercise spec: its type, its fields, and type-specific rules."""
    if not isinstance(spec, dict):
        return [SpecProblem(file, f"#{position}", "", "each exercise must be a mapping of fields")]
    name = str(spec.get("id") or f"#{position}")
    kind = spec.get("type")
    if kind not in TYPES:
        known = ", ".join(sorted(TYPES))
        message = "is missing" if kind is None else f"'{kind}' is not a known exercise type"
        return [SpecProblem(file, name, "type", f"{message} (known types: {known})")]
    cls = TYPES[kind]
    validator = _validator(kind)
    problems = [
        SpecProblem(file, name, _field_path(e), _messages(e))
        for e in sorted(validator.iter_errors(spec), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = [SpecProblem(file, name, field, message) for field, message in cls.check(spec)]
    return problems


def load_exercise_file(path: Path) -> dict[str, ExerciseType]:
    """Read, check and instantiate a lesson's exercises, in file order, keyed by id."""
    file = shown(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([SpecProblem(file, "", "", "file not found")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecProblem(file, "", "", f"is not valid YAML{where}: {reason}")]) from None

    if not isinstance(data, dict):
        raise SpecError([SpecProblem(file, "", "", "must be a mapping with 'lesson' and 'exercises'")])
    problems: list[SpecProblem] = []
    if data.get("lesson") != path.stem:
        problems.append(SpecProblem(file, "", "lesson", f"must be '{path.stem}', the file's name"))
    for key in sorted(set(data) - {"lesson", "exercises", "$schema"}):
        problems.append(SpecProblem(file, "", key, "is not a known top-level field"))
    specs = data.get("exercises")
    if not isinstance(specs, list) or not specs:
        problems.append(SpecProblem(file, "", "exercises", "must be a non-empty list"))
        raise SpecError(problems)

    seen: set[str] = set()
    for position, spec in enumerate(specs, start=1):
        problems += check_exercise(spec, position, file)
        ident = spec.get("id") if isinstance(spec, dict) else None
        if ident in seen:
            problems.append(SpecProblem(file, ident, "id", "is used by more than one exercise"))
        seen.add(ident)
    if problems:
        raise SpecError(problems)
    return {spec["id"]: TYPES[spec["type"]](spec) for spec in specs}


def write_schema(path: Path) -> None:
    path.write_text(json.dumps(file_schema(), indent=2) + "\n", encoding="utf-8")
