"""Part of stage 1: a lesson's seminar as data, content/seminars/NN-name.yaml.

It holds the lesson's learning outcomes and their mapping to competence frameworks, the
session plan as timed segments, the client cards for role-play and the observer sheet.
Everything is checked here, with the file and field named; notebooks.py renders it (the
outcomes for everyone, the rest in the facilitator edition only) and site.py gathers the
course overview from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
from .exercises import SpecError, SpecProblem, field_path, load_yaml, read_source
from .paths import shown

# The five themes of the SCoPEd framework (January 2022), by name only.
SCOPED_THEMES = ["professional framework", "assessment", "therapeutic relationship", "knowledge and skills",
                 "self-awareness and reflection"]
# Domains of Roth, Hill & Pilling's humanistic competence framework used here, by name only.
HUMANISTIC_DOMAINS = ["generic therapeutic competences", "basic humanistic competences",
                      "specific humanistic competences", "metacompetences"]
KINDS = ["welcome", "ground-rules", "check-in", "input", "discussion", "exercise", "practice", "break", "check-out"]
FEEDBACK_ORDER = ["counsellor", "client", "observer"]
ANCHORS = ["Not yet", "Sometimes", "Mostly", "Consistently"]
SHORT_SEGMENT = 10  # minutes: a shorter segment may teach one topic at most
BREAK_FROM = 75  # minutes: a plan this long has a break
SLIDE_LINE = 170  # characters: a line on a slide, read from the back of a room
NEEDS_SLIDE = ("check-in", "exercise", "practice", "check-out")  # segments whose slide the author writes

_text = {"type": "string", "minLength": 1}
_id = {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}
SCHEMA = {
    "type": "object",
    "properties": {
        "lesson": {"type": "string"},
        "self_study_minutes": {"type": "integer", "minimum": 0, "maximum": 600},
        "outcomes": {
            "type": "array", "minItems": 3, "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "id": _id, "can": _text,
                    "scoped": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"enum": SCOPED_THEMES}},
                    "humanistic": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"enum": HUMANISTIC_DOMAINS}},
                },
                "required": ["id", "can", "scoped", "humanistic"],
                "additionalProperties": False,
            },
        },
        "plan": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "minutes": {"type": "integer", "minimum": 1, "maximum": 90},
                    "kind": {"enum": KINDS},
                    "activity": _text,
                    "topics": {"type": "array", "items": _text},
                    "uses": {"type": "array", "items": {"type": "string", "pattern": "^((card|sheet):)?[a-z][a-z0-9-]*$"}},
                    # What the group sees on the segment's slide, a short line each (steps, for a practice).
                    "slide": {"type": "array", "minItems": 1, "maxItems": 6,
                              "items": {"type": "string", "minLength": 1, "maxLength": SLIDE_LINE}},
                    # Which of the lesson's "Key points" (numbered from 1) this input teaches: its slides follow.
                    "key_points": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1}},
                },
                "required": ["minutes", "kind", "activity"],
                "additionalProperties": False,
            },
        },
        "cards": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "properties": {key: _text for key in
                               ("client", "background", "opening", "holding_back", "good_listening", "poor_listening")}
                | {"id": _id},
                "required": ["id", "client", "background", "opening", "holding_back", "good_listening", "poor_listening"],
                "additionalProperties": False,
            },
        },
        "sheet": {
            "type": "object",
            "properties": {
                "id": _id, "title": _text,
                "behaviours": {
                    "type": "array", "minItems": 3, "maxItems": 5,
                    "items": {
                        "type": "object",
                        "properties": {"watch_for": _text, "not_yet": _text, "consistently": _text},
                        "required": ["watch_for", "not_yet", "consistently"],
                        "additionalProperties": False,
                    },
                },
            },
            "required": ["id", "title", "behaviours"],
            "additionalProperties": False,
        },
    },
    "required": ["lesson", "self_study_minutes", "outcomes", "plan", "cards", "sheet"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Seminar:
    lesson: str
    self_study_minutes: int
    outcomes: list[dict]
    plan: list[dict]
    cards: list[dict]
    sheet: dict
    path: Path

    @property
    def minutes(self) -> int:
        return sum(segment["minutes"] for segment in self.plan)

    def timetable(self) -> list[tuple[int, int, dict]]:
        """Each segment with the minute it starts and ends."""
        rows, start = [], 0
        for segment in self.plan:
            rows.append((start, start + segment["minutes"], segment))
            start += segment["minutes"]
        return rows


def load_seminar(path: Path, lesson_id: str, seminar_minutes: int | None, exercise_ids: set[str],
                 key_points: int | None = None) -> Seminar:
    """Read and check one seminar file; raises SpecError naming the file and field."""
    file = shown(path)
    try:
        data, duplicates = load_yaml(read_source(path), file)
    except FileNotFoundError:
        raise SpecError([SpecProblem(file, "", "", f"is missing: every lesson has its seminar in {file}")]) from None
    if duplicates:
        raise SpecError([SpecProblem(file, "", field_path([*where, key]), f"is given twice (lines {first} and {again}); keep one")
                         for where, key, first, again in duplicates])
    problems = [SpecProblem(file, "", field_path(e.absolute_path) or "(file)", e.message)
                for e in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))]
    if problems:
        raise SpecError(problems)
    seminar = Seminar(data["lesson"], data["self_study_minutes"], data["outcomes"], data["plan"],
                      data["cards"], data["sheet"], path)
    problems += [SpecProblem(file, "", field, message) for field, message in
                 check_seminar(seminar, lesson_id, seminar_minutes, exercise_ids, key_points)]
    if problems:
        raise SpecError(problems)
    return seminar


def check_seminar(seminar: Seminar, lesson_id: str, seminar_minutes: int | None,
                  exercise_ids: set[str], key_points: int | None = None) -> list[tuple[str, str]]:
    """The rules a plan a trainer can run as written keeps, as (field, message) pairs;
    `key_points` is how many the lesson's "Key points" list holds."""
    problems = []
    placed: list[int] = []
    for n, segment in enumerate(seminar.plan):
        if segment["kind"] in NEEDS_SLIDE and "slide" not in segment:
            problems.append((f"plan[{n}].slide", f"a {segment['kind']} needs the lines its slide shows the group"))
        if "key_points" in segment and segment["kind"] != "input":
            problems.append((f"plan[{n}].key_points", "only an input teaches key points"))
        for point in segment.get("key_points", []):
            if key_points is not None and point > key_points:
                problems.append((f"plan[{n}].key_points", f"the lesson has {key_points} key points, so there is no point {point}"))
            elif point in placed:
                problems.append((f"plan[{n}].key_points", f"key point {point} is taught by an earlier input too"))
            placed.append(point)
    if seminar.lesson != lesson_id:
        problems.append(("lesson", f"must be '{lesson_id}', the file's name"))
    if seminar_minutes is not None and seminar.minutes != seminar_minutes:
        problems.append(("plan", f"adds up to {seminar.minutes} minutes, but the lesson's seminar_minutes is {seminar_minutes}"))
    if seminar.minutes >= BREAK_FROM and not any(s["kind"] == "break" for s in seminar.plan):
        problems.append(("plan", f"a plan of {seminar.minutes} minutes needs a break"))
    known = exercise_ids | {f"card:{c['id']}" for c in seminar.cards} | {f"sheet:{seminar.sheet['id']}"}
    for n, segment in enumerate(seminar.plan):
        topics = segment.get("topics", [])
        if segment["kind"] == "input" and not topics:
            problems.append((f"plan[{n}].topics", "an input names what it teaches"))
        if segment["minutes"] < SHORT_SEGMENT and len(topics) > 1:
            problems.append((f"plan[{n}].topics", f"a {segment['minutes']}-minute segment can teach one topic, not {len(topics)}: "
                             "split it, or move the rest to self-study"))
        for used in segment.get("uses", []):
            if used not in known:
                problems.append((f"plan[{n}].uses", f"'{used}' is not an exercise of this lesson, nor one of its cards or its sheet"))
    ids = [o["id"] for o in seminar.outcomes] + [c["id"] for c in seminar.cards]
    problems += [("outcomes", f"'{i}' is used twice") for n, i in enumerate(ids) if i in ids[:n]]
    practice = [s for s in seminar.plan if s["kind"] == "practice"]
    if practice and not any(u.startswith("card:") for s in practice for u in s.get("uses", [])) and lesson_id[:2] != "00":
        problems.append(("plan", "a practice round uses a client card, so trainees play a role rather than bring their own material"))
    return problems
