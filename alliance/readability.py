"""How long a lesson takes to read and how plain its English is, from what learners see:
the text and the exercises, without the facilitator notes."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import textstat

from .sources import LessonSource

WORDS_PER_MINUTE = 200  # a comfortable pace for reflective reading
SPEC_KEYS_NOT_READ = {"id", "type", "shape", "seconds", "benefit", "min", "max", "rows", "repeat"}


@dataclass(frozen=True)
class Readability:
    lesson: str
    words: int
    reading_minutes: int
    reading_ease: float  # Flesch reading ease: 60-70 is plain English
    grade: float  # Flesch-Kincaid grade level


def _strings(value, key: str = "") -> list[str]:
    if key in SPEC_KEYS_NOT_READ:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def learner_text(lesson: LessonSource) -> str:
    parts = []
    for block in lesson.blocks:
        if block.kind == "markdown":
            text = block.text.split("## References")[0]
            parts.append(text)
        elif block.kind == "exercise":
            parts += _strings(lesson.exercises[block.exercise].spec)
    text = "\n\n".join(parts)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the words
    return re.sub(r"[#*_`>|]", "", text)


def measure(lesson: LessonSource) -> Readability:
    text = learner_text(lesson)
    words = textstat.lexicon_count(text)
    return Readability(
        lesson=lesson.id,
        words=words,
        reading_minutes=max(1, math.ceil(words / WORDS_PER_MINUTE)),
        reading_ease=round(textstat.flesch_reading_ease(text), 1),
        grade=round(textstat.flesch_kincaid_grade(text), 1),
    )


def report(results: list[Readability]) -> str:
    lines = ["Readability (learner-facing text; Flesch reading ease 60+ is plain English):",
             f"  {'lesson':<40} {'words':>6} {'reading':>8} {'ease':>5} {'grade':>5}"]
    for r in results:
        lines.append(f"  {r.lesson:<40} {r.words:>6} {r.reading_minutes:>5} min {r.reading_ease:>5} {r.grade:>5}")
    return "\n".join(lines)
