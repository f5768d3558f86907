"""The learner's journal: every answer, kept in a local SQLite database.

SQLite in WAL mode lets two lesson kernels write at once, and a kernel killed in the
middle of a write leaves the last committed state intact.
"""

from __future__ import annotations

import atexit
import datetime as dt
import html
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

JOURNAL_ENV = "ALLIANCE_JOURNAL"
APP_NAME = "therapeutic-relationship"

SCHEMA_VERSION = 1  # PRAGMA user_version, for migrating older journals later
SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    lesson          TEXT NOT NULL,
    exercise        TEXT NOT NULL,
    field           TEXT NOT NULL,
    value           TEXT NOT NULL,  -- JSON, used to restore the widget
    shown           TEXT NOT NULL,  -- the answer in words, used by the export
    label           TEXT NOT NULL,  -- the prompt the answer belongs to
    lesson_title    TEXT NOT NULL,
    exercise_title  TEXT NOT NULL,
    position        INTEGER NOT NULL,  -- exercise order within the lesson
    field_position  INTEGER NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (lesson, exercise, field)
);
"""


def default_path() -> Path:
    """The journal in use: $ALLIANCE_JOURNAL if set, else the user's data directory."""
    override = os.environ.get(JOURNAL_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "journal.sqlite3"


@dataclass(frozen=True)
class Answer:
    lesson: str
    exercise: str
    field: str
    value: Any
    shown: str
    label: str
    lesson_title: str
    exercise_title: str
    position: int
    field_position: int
    updated_at: str = ""


class Journal:
    """A thread-safe handle on one journal file."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        with self._lock:
            self._db.executescript(SCHEMA)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path} was written by a newer version of this collection; please update it.")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def save(self, answer: Answer) -> None:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        row = (
            answer.lesson, answer.exercise, answer.field, json.dumps(answer.value), answer.shown,
            answer.label, answer.lesson_title, answer.exercise_title, answer.position,
            answer.field_position, stamp,
        )
        with self._lock:
            # BEGIN IMMEDIATE takes the write lock up front, so a second kernel waits
            # (busy_timeout) instead of failing half-way through.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (lesson, exercise, field) DO UPDATE SET "
                    "value=excluded.value, shown=excluded.shown, label=excluded.label, "
                    "lesson_title=excluded.lesson_title, exercise_title=excluded.exercise_title, "
                    "position=excluded.position, field_position=excluded.field_position, "
                    "updated_at=excluded.updated_at",
                    row,
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def values(self, lesson: str, exercise: str) -> dict[str, Any]:
        """Saved values of one exercise, by field, for restoring its widget."""
        with self._lock:
            rows = self._db.execute(
                "SELECT field, value FROM answers WHERE lesson=? AND exercise=?", (lesson, exercise)
            ).fetchall()
        return {field: json.loads(value) for field, value in rows}

    def answers(self) -> list[Answer]:
        """Every answer, in lesson order, then exercise and field order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT lesson, exercise, field, value, shown, label, lesson_title, exercise_title, "
                "position, field_position, updated_at FROM answers "
                "ORDER BY lesson, position, exercise, field_position, field"
            ).fetchall()
        return [Answer(*row[:3], json.loads(row[3]), *row[4:]) for row in rows]


    def clear(self) -> int:
        """Delete every answer, overwriting the freed space; returns how many there were."""
        with self._lock:
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                count = self._db.execute("DELETE FROM answers").rowcount
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count


class DebouncedWriter:
    """Saves an answer once the learner pauses, rather than on every keystroke."""

    def __init__(self, journal: Journal, delay: float = 0.4):
        self.journal = journal
        self.delay = delay
        self._pending: dict[tuple[str, str, str], Answer] = {}
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        atexit.register(self.flush)

    def submit(self, answer: Answer) -> None:
        if self.delay <= 0:
            self.journal.save(answer)
            return
        with self._lock:
            self._pending[(answer.lesson, answer.exercise, answer.field)] = answer
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        for answer in pending:
            self.journal.save(answer)


# --- export ----------------------------------------------------------------------------

JOURNAL_TITLE = "My reflective journal: the therapeutic relationship"
PRIVACY_LINE = (
    "These are my own reflections, exported from my private journal. "
    "I choose whether and with whom to share them."
)


def _grouped(answers: list[Answer]):
    lessons: dict[str, dict] = {}
    for a in answers:
        lesson = lessons.setdefault(a.lesson, {"title": a.lesson_title, "exercises": {}})
        exercise = lesson["exercises"].setdefault(a.exercise, {"title": a.exercise_title, "answers": []})
        exercise["answers"].append(a)
    return lessons


def _is_blank(a: Answer) -> bool:
    return a.shown.strip() == ""


def to_markdown(answers: list[Answer], exported_on: dt.date | None = None) -> str:
    """The journal as Markdown, in which everything the learner typed reads as typed.

    A viewer that renders Markdown must never turn an answer into a link, heading, rule,
    list, code, table or HTML. So each line is escaped: < > & as HTML entities; backslash
    before every character Markdown acts on anywhere (\\ ` * _ [ ] { } # + = | ~ $ ^); before
    any punctuation that starts a line, and the . or ) of a number starting one (a list);
    before . : @ when text follows them (bare web and e-mail addresses); indentation kept as
    &#32; and &#9; (not a code block); trailing spaces dropped (not a line break). Common
    writing (. , ; : ! ? ' " ( ) -) stays as it is. alliance.js's journalMarkdown() does the
    same, byte for byte.
    """
    punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    always, soft = "\\`*_[]{}#+=|~$^<>&", ".:@"
    entities = {"<": "&lt;", ">": "&gt;", "&": "&amp;", " ": "&#32;", "\t": "&#9;"}

    def line_text(line: str) -> str:
        line = line.rstrip(" \t")
        rest = line.lstrip(" \t")
        out = [entities[c] for c in line[: len(line) - len(rest)]]
        digits = len(rest) - len(rest.lstrip("0123456789"))
        marker = digits if digits and rest[digits:digits + 1] in (".", ")") else -1  # "1." or "1)"
        for n, c in enumerate(rest):
            following = rest[n + 1] if n + 1 < len(rest) else ""
            if (c in always or (n == 0 and c in punctuation) or n == marker
                    or (c in soft and following not in ("", " ", "\t"))):
                out.append(entities.get(c, "\\" + c))
            else:
                out.append(c)
        return "".join(out)

    def esc(text: str) -> str:  # a title or a label: one line
        return " ".join(line_text(line) for line in text.splitlines())

    day = (exported_on or dt.date.today()).isoformat()
    out = [f"# {JOURNAL_TITLE}", "", f"Exported on {day}. {PRIVACY_LINE}", ""]
    for lesson_id, lesson in _grouped([a for a in answers if not _is_blank(a)]).items():
        out += [f"## {esc(lesson['title'])}", ""]
        for exercise in lesson["exercises"].values():
            out += [f"### {esc(exercise['title'])}", ""]
            for a in exercise["answers"]:
                out += [f"**{esc(a.label)}**", ""]
                out += ["> " + text if text else ">" for text in map(line_text, a.shown.splitlines())] + [""]
    if len(out) == 4:
        out += ["_No answers yet._", ""]
    return "\n".join(out)


def to_html(answers: list[Answer], exported_on: dt.date | None = None) -> str:
    """The journal as a standalone HTML page; everything the learner typed is escaped."""
    esc = html.escape
    day = (exported_on or dt.date.today()).isoformat()
    body = [f"<h1>{esc(JOURNAL_TITLE)}</h1>", f"<p>Exported on {day}. {esc(PRIVACY_LINE)}</p>"]
    grouped = _grouped([a for a in answers if not _is_blank(a)])
    for lesson in grouped.values():
        body.append(f"<section><h2>{esc(lesson['title'])}</h2>")
        for exercise in lesson["exercises"].values():
            body.append(f"<h3>{esc(exercise['title'])}</h3>")
            for a in exercise["answers"]:
                body.append(f"<p class=\"label\">{esc(a.label)}</p><blockquote>{esc(a.shown)}</blockquote>")
        body.append("</section>")
    if not grouped:
        body.append("<p><em>No answers yet.</em></p>")
    style = (
        "body{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#222}"
        ".label{font-weight:bold;margin-bottom:.2rem}"
        "blockquote{white-space:pre-wrap;margin:0 0 1rem;padding:.5rem 1rem;border-left:4px solid #6a8caf;background:#f4f7fa}"
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(JOURNAL_TITLE)}</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


EXPORT_DIR_ENV = "ALLIANCE_EXPORT_DIR"


def default_export_dir() -> Path:
    """Where "Save my journal" writes: $ALLIANCE_EXPORT_DIR, else a folder in Documents."""
    override = os.environ.get(EXPORT_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_documents_dir()) / "Therapeutic relationship journal"


def export_files(answers: list[Answer], out_dir: Path, day: dt.date | None = None) -> list[Path]:
    """Write the journal as Markdown and HTML into out_dir; returns the two files."""
    day = day or dt.date.today()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"reflective-journal-{day.isoformat()}"
    written = []
    for suffix, render in ((".md", to_markdown), (".html", to_html)):
        target = out_dir / (stem + suffix)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(render(answers, day), encoding="utf-8")
        tmp.replace(target)  # a half-written export never replaces a good one
        written.append(target)
    return written
