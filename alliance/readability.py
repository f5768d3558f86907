"""How long a lesson takes to read and how plain its English is, from what learners see:
the text and the exercises, without the facilitator notes."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import textstat

from .paths import ROOT
from .sources import LessonSource

CACHE_PATH = ROOT / ".cache" / "readability.json"

WORDS_PER_MINUTE = 200  # a comfortable pace for reflective reading
SPEC_KEYS_NOT_READ = {"id", "type", "shape", "seconds", "kind", "min", "max", "rows", "repeat"}


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
            if block.text.startswith("## Professional guidance"):  # a list of documents, like References
                continue
            text = block.text.split("## References")[0]
            parts.append(text)
        elif block.kind == "exercise":
            parts += _strings(lesson.exercises[block.exercise].spec)
    text = "\n\n".join(parts)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the words
    return re.sub(r"[#*_`>|]", "", text)


def measure(lesson: LessonSource, cache_path: Path | None = CACHE_PATH) -> Readability:
    """Measured once per version of the text: counting syllables loads a large
    pronouncing dictionary (about 3 s), so results are cached by the text's hash."""
    text = learner_text(lesson)
    digest = hashlib.sha256(text.encode()).hexdigest()
    cached = _load(cache_path).get(digest)
    if cached is None:
        words = textstat.lexicon_count(text)
        cached = {
            "words": words,
            "reading_minutes": max(1, math.ceil(words / WORDS_PER_MINUTE)),
            "reading_ease": round(textstat.flesch_reading_ease(text), 1),
            "grade": round(textstat.flesch_kincaid_grade(text), 1),
        }
        _save(cache_path, digest, cached)
    return Readability(lesson=lesson.id, **cached)


def _load(path: Path | None) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}


def _save(path: Path | None, digest: str, result: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({**_load(path), digest: result}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def report(results: list[Readability]) -> str:
    lines = ["Readability (learner-facing text; Flesch reading ease 60+ is plain English):",
             f"  {'lesson':<40} {'words':>6} {'reading':>8} {'ease':>5} {'grade':>5}"]
    for r in results:
        lines.append(f"  {r.lesson:<40} {r.words:>6} {r.reading_minutes:>5} min {r.reading_ease:>5} {r.grade:>5}")
    return "\n".join(lines)
