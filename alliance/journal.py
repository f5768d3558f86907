"""The learner's journal: every answer, kept in a local SQLite database.

SQLite in WAL mode lets two lesson kernels write at once, and a kernel killed in the
middle of a write leaves the last committed state intact.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import errno
import functools
import html
import json
import os
import signal
import sqlite3
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

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


def data_dir() -> Path:
    """The collection's own folder in the user's data directory."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_path() -> Path:
    """The journal in use: $ALLIANCE_JOURNAL if set, else the user's data directory."""
    override = os.environ.get(JOURNAL_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / "journal.sqlite3"


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


class JournalError(Exception):
    """A journal problem, said in one plain sentence a learner can act on."""


# --- privacy and plain causes ------------------------------------------------------------

def make_private(path: Path) -> None:
    """Only the learner may read it: no permission at all for the group or others.
    Best effort: a file someone else owns is left as it is."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
    except OSError:
        pass


def companions(path: Path) -> list[Path]:
    """The journal file and the two files SQLite keeps beside it in WAL mode."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def cause(error: BaseException) -> str:
    """The real cause of a failed read or write, in plain words."""
    if isinstance(error, sqlite3.Error):
        name, text = getattr(error, "sqlite_errorname", "") or "", str(error)
        if name.startswith("SQLITE_FULL") or "disk is full" in text:
            return "the disk is full"
        if name.startswith("SQLITE_READONLY") or "readonly" in text:
            return "the journal file is read-only"
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
            return "the file is damaged"
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return "another program kept the journal locked for too long"
        if name.startswith("SQLITE_CANTOPEN"):
            return "the file can't be opened"
        if name.startswith("SQLITE_IOERR"):
            return "the disk could not be read or written"
        return text
    if isinstance(error, OSError):
        plain = {
            errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk is full (your quota is used up)",
            errno.EROFS: "the disk is read-only", errno.EACCES: "you don't have permission",
            errno.EPERM: "you don't have permission", errno.ENOTDIR: "it is a file, not a folder",
            errno.EISDIR: "it is a folder, not a file", errno.EEXIST: "it is a file, not a folder",
        }
        if error.errno in plain:
            return plain[error.errno]
        words = error.strerror or str(error)
        return words[:1].lower() + words[1:]
    return str(error)


def _advice(reason: str) -> str:
    if "full" in reason:
        return "free some space on the disk"
    if "read-only" in reason or "permission" in reason:
        return "make the journal and its folder writable"
    if "damaged" in reason:
        return "run `alliance journal reset` in a terminal"
    return "check the journal with `alliance journal path`"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _uri(path: Path, query: str) -> str:
    return f"file:{quote(str(path.absolute()))}?{query}"


_SQLITE_HEADER = b"SQLite format 3\x00"


class _Unusable(Exception):
    def __init__(self, state: str, sentence: str):
        super().__init__(sentence)
        self.state, self.sentence = state, sentence


# --- the journal ---------------------------------------------------------------------------

class Journal:
    """A thread-safe handle on one journal file.

    Opening never raises because of the file. A journal that is damaged, unreadable,
    read-only, from a newer version or impossible to create gets a `problem`: one plain
    sentence saying why answers can't be saved and what to do. Its answers are then kept
    in memory only, and nothing is ever written to a file that could not be read. The
    journal, its folder and SQLite's companion files are private to the learner (0600,
    0700), and older journals are made private when opened.

    If the file is deleted or replaced while open (`alliance journal delete`, `alliance
    journal reset`), the next save notices and carries on in the new file.
    """

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._companions: dict[Path, tuple[int, int] | None] = {}
        self._unsaved: dict[tuple[str, str, str], Answer] = {}
        #: "ok", "missing", "read-only", "damaged", "unreadable", "newer" or "cannot-create"
        self.state = "ok"
        self.problem: str | None = None
        with self._lock:
            self._open()

    # Opening.

    @property
    def writable(self) -> bool:
        return self._db is not None and self.state == "ok" and not self.read_only

    @property
    def unsaved(self) -> int:
        """How many answers are kept in memory only, not (yet) in the file."""
        with self._lock:
            return len(self._unsaved)

    def _open(self) -> None:
        self._db, self.state, self.problem = None, "ok", None
        try:
            self._db, self.state, self.problem = self._connect()
        except _Unusable as unusable:
            self.state, self.problem = unusable.state, unusable.sentence
        self._identity = _identity(self.path)
        # Only a connection that writes keeps the -wal and -shm open as its own.
        self._companions = {p: _identity(p) if self.writable else None for p in companions(self.path)[1:]}

    def _connect(self) -> tuple[sqlite3.Connection, str, str | None]:
        path = self.path
        if path.is_dir():
            raise _Unusable("unreadable", f"Your journal at {path} is a folder, not a file, so answers can't be "
                                          f"saved to it; set ALLIANCE_JOURNAL to a file, or move that folder away.")
        exists = path.exists()
        if exists:
            try:
                with open(path, "rb") as f:
                    header = f.read(len(_SQLITE_HEADER))
            except OSError as error:
                raise self._unreadable(error) from error
            if header and header != _SQLITE_HEADER:
                raise self._damaged("it is not a journal file")
            if header:
                db = self._inspect()
                if self.read_only:
                    return db, "ok", None
                db.close()
        if self.read_only:
            if not exists:
                raise _Unusable("missing", f"There is no journal yet at {path}: answer an exercise first.")
            return self._connect_read_only(), "ok", None  # an empty file: nothing to read
        try:
            self._prepare(exists)
            return self._connect_read_write(), "ok", None
        except (sqlite3.Error, OSError) as error:
            if not exists:
                raise _Unusable("cannot-create", f"Your journal can't be created at {path} ({cause(error)}), so answers "
                                                  "can't be saved; check that you can write to that folder, or set "
                                                  "ALLIANCE_JOURNAL to a file you can write.") from error
            try:
                db = self._connect_read_only()
            except sqlite3.Error:
                raise self._unreadable(error) from error
            return db, "read-only", (
                f"Your journal at {path} can't be written to ({cause(error)}), so new answers can't be saved to it; "
                "make the file and its folder writable to save again (your earlier answers are still shown "
                "and can be exported).")

    def _damaged(self, why: str) -> _Unusable:
        return _Unusable("damaged", f"Your journal at {self.path} is damaged ({why}), so answers can't be saved to it; "
                                    "run `alliance journal reset` in a terminal to keep it as a backup and start a new one.")

    def _unreadable(self, error: BaseException) -> _Unusable:
        return _Unusable("unreadable", f"Your journal at {self.path} can't be read ({cause(error)}), so answers can't be "
                                       "saved to it; check that the file is yours, or run `alliance journal reset` "
                                       "in a terminal to set it aside and start a new one.")

    def _inspect(self) -> sqlite3.Connection:
        """Open read-only and check the journal before anything is written to it."""
        try:
            db = self._connect_read_only()
        except sqlite3.DatabaseError as error:
            if cause(error) == "the file is damaged":
                raise self._damaged(str(error)) from error
            raise self._unreadable(error) from error
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Unusable("newer", f"Your journal at {self.path} was written by a newer version of this "
                                         "collection, so this version leaves it untouched and answers can't be saved to it; "
                                         "update your copy of the collection (for example with `git pull`) to use it.")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "answers" not in tables:
                raise self._damaged("it holds no answers table, so it is not a journal of this collection")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise self._damaged(check)
        except sqlite3.DatabaseError as error:
            db.close()
            raise self._damaged(str(error)) from error
        except _Unusable:
            db.close()
            raise
        return db

    def _prepare(self, exists: bool) -> None:
        """A private folder and file before SQLite opens it: SQLite gives its -wal and
        -shm files the journal's own permissions."""
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        elif folder.resolve() == data_dir().resolve():
            make_private(folder)  # the collection's own folder; never a folder the learner chose
        if not exists:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        for p in companions(self.path):
            if p.exists():
                make_private(p)

    def _connect_read_only(self) -> sqlite3.Connection:
        """A connection that can never write. On a read-only disk SQLite can't make the
        -shm file a WAL journal needs, so it reads the file as it is, if no -wal holds more."""
        def attempt(query: str) -> sqlite3.Connection:
            db = sqlite3.connect(_uri(self.path, query), uri=True, timeout=30, check_same_thread=False,
                                 isolation_level=None)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except BaseException:
                db.close()
                raise
            return db

        try:
            return attempt("mode=ro")
        except sqlite3.OperationalError as error:
            wal = self.path.with_name(self.path.name + "-wal")
            if not ((getattr(error, "sqlite_errorname", "") or "").startswith("SQLITE_CANTOPEN")
                    and (not wal.exists() or wal.stat().st_size == 0)):
                raise
        return attempt("mode=ro&immutable=1")

    def _connect_read_write(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:  # written by a newer version since it was inspected
                    raise sqlite3.OperationalError("attempt to write a readonly database")
                db.execute(SCHEMA)
                if version != SCHEMA_VERSION:
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
        except BaseException:
            db.close()
            raise
        return db

    def _follow_file(self) -> None:
        """Carry on in the journal's file even if it was deleted or replaced since it was opened.

        SQLite leaves the old file's -wal and -shm behind when the file is replaced under
        it, and would read them as the new file's: those are removed first. A journal that
        was read-only, or could not be created, is tried again: the learner may have fixed it."""
        if self.read_only:
            return
        if _identity(self.path) == self._identity and self.state not in ("read-only", "cannot-create"):
            return
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        for companion, identity in self._companions.items():
            if identity is not None and _identity(companion) == identity:
                try:
                    companion.unlink()
                except OSError:
                    pass
        self._open()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()

    # Writing.

    def save(self, answer: Answer) -> None:
        """Save one answer. If the journal can't be used, the answer is kept in memory (as
        `problem` says); if writing fails, it is kept in memory, tried again with the next
        save, and JournalError says the real cause."""
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self._lock:
            self._unsaved[(answer.lesson, answer.exercise, answer.field)] = dataclasses.replace(answer, updated_at=stamp)
            if self.read_only:
                raise JournalError(f"Your journal at {self.path} was opened read-only, so nothing can be saved to it.")
            self._follow_file()
            if self.writable:
                self._write_unsaved()

    def retry(self) -> None:
        """Try again to save answers an earlier save could not write."""
        with self._lock:
            if self._unsaved and not self.read_only:
                self._follow_file()
                if self.writable:
                    self._write_unsaved()

    def _write_unsaved(self) -> None:
        failures = []
        for key, answer in list(self._unsaved.items()):
            try:
                self._write(answer)
            except sqlite3.Error as error:
                failures.append(error)
            else:
                del self._unsaved[key]
        if failures:
            reason = cause(failures[0])
            raise JournalError(f"{len(self._unsaved)} answer(s) could not be saved to your journal at {self.path}, "
                               f"because {reason}: {_advice(reason)}.") from failures[0]

    def _write(self, answer: Answer) -> None:
        row = (
            answer.lesson, answer.exercise, answer.field, json.dumps(answer.value), answer.shown,
            answer.label, answer.lesson_title, answer.exercise_title, answer.position,
            answer.field_position, answer.updated_at,
        )
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
            _rollback(self._db)
            raise

    # Reading.

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        self._follow_file()
        if self._db is None:
            return []
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise JournalError(f"Your journal at {self.path} could not be read, because {cause(error)}.") from error

    def values(self, lesson: str, exercise: str) -> dict[str, Any]:
        """Saved values of one exercise, by field, for restoring its widget."""
        with self._lock:
            rows = self._rows("SELECT field, value FROM answers WHERE lesson=? AND exercise=?", (lesson, exercise))
            saved = {field: json.loads(value) for field, value in rows}
            saved.update({a.field: a.value for a in self._unsaved.values() if (a.lesson, a.exercise) == (lesson, exercise)})
        return saved

    def answers(self) -> list[Answer]:
        """Every answer, in lesson order, then exercise and field order; answers kept in
        memory only are included."""
        with self._lock:
            rows = self._rows(
                "SELECT lesson, exercise, field, value, shown, label, lesson_title, exercise_title, "
                "position, field_position, updated_at FROM answers "
                "ORDER BY lesson, position, exercise, field_position, field"
            )
            unsaved = dict(self._unsaved)
        answers = [Answer(*row[:3], json.loads(row[3]), *row[4:]) for row in rows]
        if not unsaved:
            return answers
        merged = {(a.lesson, a.exercise, a.field): a for a in answers} | unsaved
        return sorted(merged.values(), key=lambda a: (a.lesson, a.position, a.exercise, a.field_position, a.field))

    def clear(self) -> int:
        """Delete every answer, overwriting the freed space; returns how many there were."""
        with self._lock:
            self._follow_file()
            if not self.writable:
                raise JournalError(self.problem or f"Your journal at {self.path} was opened read-only.")
            try:
                self._db.execute("PRAGMA secure_delete=ON")
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    count = self._db.execute("DELETE FROM answers").rowcount
                    self._db.execute("COMMIT")
                except BaseException:
                    _rollback(self._db)
                    raise
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:
                raise JournalError(f"Your journal at {self.path} could not be cleared, because {cause(error)}.") from error
            count += len(self._unsaved)
            self._unsaved.clear()
        return count


def _rollback(db: sqlite3.Connection) -> None:
    """Undo a failed transaction, if SQLite has not already (it does for a full disk),
    without hiding the error that made it fail."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def reset(path: Path | None = None) -> Path:
    """Move a damaged or unreadable journal aside, beside it, and start a new one;
    returns where the old one now is. Raises JournalError, changing nothing, for a
    journal that can be read, is read-only or is from a newer version."""
    path = path or default_path()
    journal = Journal(path, read_only=True)
    journal.close()
    if journal.state == "missing":
        raise JournalError(f"There is no journal at {path} yet, so there is nothing to reset.")
    if journal.state == "ok":
        raise JournalError(f"Your journal at {path} can be read, so it was left as it is "
                           "(to delete it, use `alliance journal delete`).")
    if journal.state not in ("damaged", "unreadable") or path.is_dir():
        raise JournalError(journal.problem or f"Your journal at {path} was left as it is.")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}-damaged-{stamp}{path.suffix}")
    n = 1
    while any(p.exists() for p in companions(backup)):
        backup = path.with_name(f"{path.stem}-damaged-{stamp}-{n}{path.suffix}")
        n += 1
    try:
        for old, new in zip(companions(path), companions(backup)):
            if old.exists():
                old.rename(new)
                make_private(new)
    except OSError as error:
        raise JournalError(f"Your journal at {path} could not be moved aside, because {cause(error)}.") from error
    fresh = Journal(path)
    fresh.close()
    if fresh.problem:
        raise JournalError(f"Your damaged journal was moved to {backup}, but a new one could not be started: {fresh.problem}")
    return backup


# --- saving as the learner types ----------------------------------------------------------

class DebouncedWriter:
    """Saves an answer once the learner pauses, rather than on every keystroke.

    Answers still waiting are saved when the process exits, and when it is told to stop
    with SIGTERM or SIGHUP (closing the terminal that runs JupyterLab).
    `on_flush(error)` hears how each background save went: None, or a JournalError."""

    def __init__(self, journal: Journal, delay: float = 0.4,
                 on_flush: Callable[[JournalError | None], None] | None = None):
        self.journal = journal
        self.delay = delay
        self.on_flush = on_flush
        self._pending: dict[tuple[str, str, str], Answer] = {}
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        with _writers_lock:
            _writers.append(self)
        _flush_on_signals()

    def submit(self, answer: Answer) -> None:
        if self.delay <= 0:
            self.journal.save(answer)
            return
        with self._lock:
            self._pending[(answer.lesson, answer.exercise, answer.field)] = answer
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._flush_in_background)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        """Save every answer still waiting. One that fails never stops the others: it
        stays in the journal's memory, and JournalError says why once all were tried."""
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        failed = None
        for answer in pending:
            try:
                self.journal.save(answer)
            except JournalError as error:
                failed = failed or error
        if failed:
            raise failed
        if not pending:
            self.journal.retry()

    def _flush_in_background(self) -> None:
        try:
            self.flush()
        except JournalError as error:
            self._tell(error)
        else:
            self._tell(None)

    def _tell(self, error: JournalError | None) -> None:
        if self.on_flush is not None:
            self.on_flush(error)
        elif error is not None:
            print(error, file=sys.stderr)


_writers: list[DebouncedWriter] = []
_writers_lock = threading.Lock()


def flush_all() -> None:
    """Save what every writer in this process still holds; problems are one line each."""
    with _writers_lock:
        writers = list(_writers)
    for writer in writers:
        try:
            writer.flush()
        except Exception as error:  # at exit, a plain line is all that can still be done
            print(error if isinstance(error, JournalError) else f"Your last answers could not be saved: {error}",
                  file=sys.stderr)


atexit.register(flush_all)

_FLUSH_SIGNALS = ("SIGTERM", "SIGHUP")  # ipykernel handles SIGINT itself: left alone
_signals_hooked = False


def _flush_on_signals() -> None:
    global _signals_hooked
    if _signals_hooked or threading.current_thread() is not threading.main_thread():
        return  # handlers can only be installed from the main thread; a later writer may
    _signals_hooked = True
    for name in _FLUSH_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous = signal.getsignal(signum)
            signal.signal(signum, functools.partial(_flush_then_chain, previous))
        except (OSError, ValueError):
            pass


def _flush_then_chain(previous, signum, frame) -> None:
    """Save what is waiting, then let the signal do what it did before. The save runs in
    its own thread, so a lock the interrupted code holds can't deadlock it for ever."""
    saver = threading.Thread(target=flush_all, name="alliance-flush-on-signal", daemon=True)
    saver.start()
    saver.join(5)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:  # the default (or one set outside Python): end as the signal would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


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
    """Write the journal as Markdown and HTML into out_dir; returns the two files.

    The files are private to the learner (0600; a folder made here is 0700). Both are
    written in full before either replaces an earlier export, and a failed export leaves
    no half-written file behind. Raises OSError, whose `cause` is plain."""
    day = day or dt.date.today()
    if out_dir.exists() and not out_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = f"reflective-journal-{day.isoformat()}"
    staged: list[tuple[Path, Path]] = []
    try:
        for suffix, render in ((".md", to_markdown), (".html", to_html)):
            target = out_dir / (stem + suffix)
            tmp = target.with_name(target.name + ".tmp")
            staged.append((tmp, target))
            _write_private(tmp, render(answers, day))
        for tmp, target in staged:
            tmp.replace(target)  # a half-written export never replaces a good one
    finally:
        for tmp, _ in staged:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
    return [target for _, target in staged]


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, never through a link someone left in its place."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
