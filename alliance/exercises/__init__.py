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


def field_path(parts) -> str:
    """A field's path as an author writes it: options[1].feedback."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _named_fields(error: jsonschema.ValidationError) -> list[str]:
    """The fields a `required` or `additionalProperties` error is about, each on its own:
    the schema and the instance say which, whatever the message's wording."""
    if not isinstance(error.instance, dict):
        return []
    if error.validator == "required":
        return [name for name in error.validator_value if name not in error.instance]
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        return [name for name in error.instance if name not in known]
    return []


def _order(error: jsonschema.ValidationError) -> list[tuple]:
    return [(0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path]


def _problems(error: jsonschema.ValidationError, file: str, name: str) -> list[SpecProblem]:
    parts = list(error.absolute_path)
    named = _named_fields(error)
    if error.validator == "required" and named:
        return [SpecProblem(file, name, field_path([*parts, f]), "is required but missing") for f in named]
    if error.validator == "additionalProperties" and named:
        return [SpecProblem(file, name, field_path([*parts, f]), "is not a known field for this exercise type")
                for f in named]
    return [SpecProblem(file, name, field_path(parts), error.message)]


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
        problem
        for e in sorted(validator.iter_errors(spec), key=_order)
        for problem in _problems(e, file, name)
    ]
    if not problems:
        problems = [SpecProblem(file, name, field, message) for field, message in cls.check(spec)]
    return problems


def read_source(path: Path) -> str:
    """A source file's text. Sources are UTF-8: anything else (UTF-16 from a word processor,
    Windows-1252 from an old editor) is an error naming the file and where the first bad byte is."""
    file = shown(path)
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw:
        line = raw[: max(raw.find(b"\x00"), 0)].count(b"\n") + 1
        raise SpecError([SpecProblem(file, "", "", f"is saved as UTF-16, not UTF-8 (from line {line}); "
                                     "save the file as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw[:line_start].count(b"\n") + 1
        column = len(raw[line_start:error.start].decode("utf-8", errors="replace")) + 1
        raise SpecError([SpecProblem(file, "", "", f"is not UTF-8 text: line {line}, column {column} holds a byte "
                                     f"(0x{raw[error.start]:02x}) that UTF-8 cannot read; save the file as UTF-8")]) from None


def _duplicates(node: yaml.Node, path: list) -> list[tuple[list, str, int, int]]:
    """(path, key, first line, repeated line) for each key a mapping gives twice, at any depth."""
    found = []
    if isinstance(node, yaml.MappingNode):
        lines: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in lines:
                found.append((path, name, lines[name], key.start_mark.line + 1))
            else:
                lines[name] = key.start_mark.line + 1
            found += _duplicates(value, [*path, name])
    elif isinstance(node, yaml.SequenceNode):
        for n, item in enumerate(node.value):
            found += _duplicates(item, [*path, n])
    return found


def load_yaml(text: str, file: str) -> tuple[object, list[tuple[list, str, int, int]]]:
    """YAML with its duplicate keys, which PyYAML would otherwise drop silently (the last one wins)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        duplicates = _duplicates(node, []) if node is not None else []
        return loader.construct_document(node) if node is not None else None, duplicates
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecProblem(file, "", "", f"is not valid YAML{where}: {reason}")]) from None
    finally:
        loader.dispose()


def _duplicate_problems(duplicates, specs: object, file: str) -> list[SpecProblem]:
    problems = []
    for path, key, first, again in duplicates:
        exercise = ""
        if len(path) >= 2 and path[0] == "exercises" and isinstance(specs, list) and isinstance(path[1], int):
            spec = specs[path[1]] if path[1] < len(specs) else None
            exercise = str(spec.get("id") or f"#{path[1] + 1}") if isinstance(spec, dict) else f"#{path[1] + 1}"
            path = path[2:]
        problems.append(SpecProblem(file, exercise, field_path([*path, key]),
                                    f"is given twice (lines {first} and {again}); keep one"))
    return problems


def load_exercise_file(path: Path) -> dict[str, ExerciseType]:
    """Read, check and instantiate a lesson's exercises, in file order, keyed by id."""
    file = shown(path)
    try:
        text = read_source(path)
    except FileNotFoundError:
        raise SpecError([SpecProblem(file, "", "", "file not found")]) from None
    data, duplicates = load_yaml(text, file)

    if not isinstance(data, dict):
        raise SpecError([SpecProblem(file, "", "", "must be a mapping with 'lesson' and 'exercises'")])
    problems: list[SpecProblem] = _duplicate_problems(duplicates, data.get("exercises"), file)
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
        if not isinstance(ident, str):
            continue  # already reported: not a mapping, or an id that is missing or not text
        if ident in seen:
            problems.append(SpecProblem(file, ident, "id", "is used by more than one exercise"))
        seen.add(ident)
    if problems:
        raise SpecError(problems)
    return {spec["id"]: TYPES[spec["type"]](spec) for spec in specs}


def write_schema(path: Path) -> None:
    path.write_text(json.dumps(file_schema(), indent=2) + "\n", encoding="utf-8")
