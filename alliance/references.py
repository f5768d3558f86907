"""Checks on a lesson's evidence: every reference gives a DOI or ISBN, every citation
is in the references and every reference is cited, and every figure quoted sits
beside a citation that the references list resolves."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .paths import shown

YEAR = r"(?:1[89]\d\d|20\d\d)"
PARTICLE = r"(?:(?:[dD]e|[vV]an(?: [dD]e[rn])?|[vV]on|[dD]i|[dD]a|[dD]u|[lL][ae])\s)?"  # de Jong, van der Berg
NAME = PARTICLE + r"[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’-]+"
NARRATIVE = re.compile(
    rf"({NAME})(?:(?:,? {NAME})*,? (?:and|&) {NAME}| et al\.| and colleagues)?(?:’s|'s)? \(({YEAR})(?:/({YEAR}))?[a-z]?[,;)]"
)
PARENTHESES = re.compile(r"\(([^()]*\d{4}[^()]*)\)")
CITED_PART = re.compile(rf"^\s*(?:e\.g\.,?\s*|see\s+(?:also\s+)?|cited in\s+)?({NAME})[^;]*?\b({YEAR})(?:/({YEAR}))?")
FIGURE = re.compile(
    r"(?<![A-Za-z])(?:r|d|g|k|N|CI)\s?[=≈<>]\s?[−–-]?\s?\d*\.?\d+"
    r"|\b\d+(?:\.\d+)?\s?%"
    r"|\b\d[\d,]*\s+(?:studies|samples|clients|patients|people|adults|trials|participants)\b"
)
DOI_OR_ISBN = re.compile(r"(?:doi\.org/|doi:\s?)10\.\d{4,9}/\S+|ISBN[-\s:]*(?:97[89][-\s]?)?[\d-]{9,}[\dX]", re.I)


@dataclass(frozen=True)
class Reference:
    text: str
    surname: str
    years: frozenset[str]


def _plain(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace("’", "'")


def split_references(markdown: str) -> tuple[str, list[str]]:
    """The lesson's text without its References section, and that section's entries."""
    parts = re.split(r"^## References[ \t]*$", markdown, maxsplit=1, flags=re.M)
    if len(parts) == 1:
        return markdown, []
    body, tail = parts
    section = re.split(r"^#{1,2} ", tail, maxsplit=1, flags=re.M)[0]
    entries = [re.sub(r"^[-*]\s+", "", line).strip() for line in section.splitlines()]
    return body, [e for e in entries if e]


def parse_reference(entry: str) -> Reference:
    surname = entry.split(",", 1)[0].strip().lstrip("*")
    return Reference(entry, surname, frozenset(re.findall(rf"\b({YEAR})\b", entry)))


def citations(text: str) -> list[tuple[str, str, str]]:
    """(surname, year, the words as written) for each author-year citation."""
    found = []
    for m in NARRATIVE.finditer(text):
        surname = re.sub(r"['’]s$", "", m.group(1))  # Bandura's (1977): the name takes the apostrophe
        for year in filter(None, m.group(2, 3)):
            found.append((surname, year, m.group(0).rstrip(",;)") + ")"))
    for m in PARENTHESES.finditer(text):
        for part in m.group(1).split(";"):
            cited = CITED_PART.match(part)
            if cited:
                for year in filter(None, cited.group(2, 3)):
                    found.append((cited.group(1), year, f"({part.strip()})"))
    return found


def units(text: str) -> list[str]:
    """Paragraphs, with each list item on its own: the span a figure's citation must share."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        items = re.split(r"\n(?=\s*(?:[-*]|\d+\.)\s)", paragraph)
        out += [item.strip() for item in items if item.strip()]
    return out


def _exercise_texts(path: Path):
    """(exercise id, field path, text) for every piece of text in a lesson's exercise file."""
    from .exercises import field_path, load_exercise_file

    def walk(value, parts):
        if isinstance(value, str):
            yield parts, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, [*parts, key])
        elif isinstance(value, list):
            for n, item in enumerate(value):
                yield from walk(item, [*parts, n])

    for exercise in load_exercise_file(path).values():
        for parts, text in walk(exercise.spec, []):
            if parts not in (["id"], ["type"]):
                yield exercise.id, field_path(parts), text


def check_lesson(path: Path, exercises_path: Path | None = None) -> list[str]:
    """Problems with one lesson's references, each naming the file. With `exercises_path`,
    the exercises' text is held to the same rules against the lesson's References."""
    from .exercises import read_source

    file = shown(path)
    body, entries = split_references(read_source(path))
    problems = []
    if not entries:
        return [f"{file}: has no '## References' section with entries"]
    references = [parse_reference(e) for e in entries]
    for ref in references:
        if not DOI_OR_ISBN.search(ref.text):
            problems.append(f"{file}: reference '{ref.text[:70]}…' gives no DOI or ISBN")

    def resolves(surname: str, year: str) -> bool:
        return any(_plain(r.surname) == _plain(surname) and year in r.years for r in references)

    # Where each text comes from, and how a message names it.
    texts = [(f"{file}", body)]
    if exercises_path is not None:
        texts += [(f"{shown(exercises_path)}, exercise '{ident}', field '{field}'", text)
                  for ident, field, text in _exercise_texts(exercises_path)]
    cited = []
    for where, text in texts:
        found = citations(text)
        cited += found
        for surname, year, words in found:
            if not resolves(surname, year):
                problems.append(f"{where}: the citation {words} is not in the lesson's References")
        for unit in units(text):
            figures = FIGURE.findall(unit)
            if figures and not any(resolves(s, y) for s, y, _ in citations(unit)):
                problems.append(
                    f"{where}: the figure '{figures[0]}' in \"{unit[:70]}…\" has no citation beside it "
                    "that the lesson's References resolve"
                )
    for ref in references:
        if not any(_plain(s) == _plain(ref.surname) and y in ref.years for s, y, _ in cited):
            problems.append(f"{file}: reference '{ref.text[:60]}…' is never cited in the lesson")
    return problems
