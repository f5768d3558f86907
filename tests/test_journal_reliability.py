"""The journal when things go wrong: it stays private on a shared machine, a failed save
loses nothing else and names the real cause, a journal that can't be used never stops a
lesson and is never written to, a deleted journal is noticed, a signal flushes the last
edit, and the command line answers every failure with one plain line.

Real failures where this machine allows them: as root, a full disk is a tiny tmpfs and a
read-only folder a tmpfs remounted read-only; "another user" is `nobody`, via setpriv.
"""

import contextlib
import errno
import html
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path

import pytest

from alliance import cli
from alliance import journal as journal_module
from alliance.journal import Answer, DebouncedWriter, Journal, JournalError, companions, export_files
from alliance.lesson import Lesson
from alliance.paths import ROOT

LESSON = "01-trust-and-safety"
EXERCISE = "ts-safe-space"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def answer(exercise="ts-a", value="x", field="text"):
    return Answer(LESSON, exercise, field, value, str(value), "What helped?", "Trust and safety", "A time", 0, 0)


@pytest.fixture(autouse=True)
def forget_writers():
    """Lessons opened here don't outlive their test: their exit flush would otherwise
    recreate folders the test has already removed."""
    with journal_module._writers_lock:
        before = len(journal_module._writers)
    yield
    with journal_module._writers_lock:
        del journal_module._writers[before:]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def as_nobody(*command: str) -> subprocess.CompletedProcess | None:
    """Run a command as another, unprivileged user, if this machine can."""
    if not IS_ROOT or not shutil.which("setpriv"):
        return None
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command],
                          capture_output=True, text=True, timeout=60)


def python_for_nobody() -> list[str] | None:
    """A command that runs this project's Python as `nobody`. This interpreter may sit where
    only root can reach it (pyenv under /root, say); then the system's python3 of the same
    version runs instead, with this environment's packages and the project on its path."""
    probe = "import alliance.lesson"
    # Through env, as the tests run it: setpriv's own exec can reach where a child's cannot.
    if (ran := as_nobody("env", sys.executable, "-c", probe)) is None:
        return None
    if ran.returncode == 0:
        return [sys.executable]
    system = shutil.which("python3", path="/usr/bin:/bin")
    paths = os.pathsep.join([*{sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}, str(ROOT)])
    same = system and subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                                     text=True).stdout.strip() == str(sys.version_info[:2])
    if same:
        command = ["env", f"PYTHONPATH={paths}", system]
        if as_nobody(*command, "-c", probe).returncode == 0:
            return command
    return None


@contextlib.contextmanager
def tmpfs(size: str = "1m"):
    """A small, real file system of its own, or None where this machine can't mount one."""
    if not IS_ROOT or not shutil.which("mount"):
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="alliance-tmpfs-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        folder.rmdir()
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        folder.rmdir()


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


def fill(folder: Path) -> None:
    """Use up every byte of a small file system."""
    with open(folder / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def snapshot(path: Path):
    st = os.stat(path)
    return path.read_bytes(), st.st_mtime_ns, st.st_mode


def one_plain_line(text: str) -> str:
    assert "Traceback" not in text and text.count("\n") == 1 and text.strip(), text
    return text


def notice_text(lesson) -> str:
    return html.unescape(lesson.notice.value)


def open_lesson(monkeypatch, journal=None, save_delay=0):
    """A lesson as the set-up cell opens it; returns it and what the cell displayed."""
    shown = []
    monkeypatch.setattr("alliance.lesson.display", shown.append)
    lesson = Lesson(LESSON, journal=journal, save_delay=save_delay)
    lesson.exercise(EXERCISE)
    return lesson, shown


# --- privacy on a shared machine ---------------------------------------------------------

@pytest.fixture
def shared_home(monkeypatch):
    """A home folder others can enter (0755, as on many JupyterHub servers), with the
    journal in its default place inside."""
    base = Path(tempfile.mkdtemp(prefix="alliance-home-"))
    os.chmod(base, 0o755)
    monkeypatch.delenv("ALLIANCE_JOURNAL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(base / ".local" / "share"))
    yield base
    shutil.rmtree(base)


def test_the_journal_its_folder_and_wal_files_are_private(shared_home):
    journal = Journal()
    journal.save(answer(value="my supervisor's name"))
    folder = shared_home / ".local" / "share" / "therapeutic-relationship"
    assert journal.path.parent == folder
    assert mode(folder) == 0o700
    files = [p for p in companions(journal.path) if p.exists()]
    assert len(files) == 3  # the -wal and -shm exist while the journal is open
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    other = as_nobody("cat", str(journal.path))
    if other is not None:  # another user can't read it, nor list the folder
        assert other.returncode != 0 and "Permission denied" in other.stderr
        assert as_nobody("ls", str(folder)).returncode != 0


def test_an_existing_journal_is_made_private_when_it_is_opened(shared_home):
    folder = shared_home / ".local" / "share" / "therapeutic-relationship"
    folder.mkdir(parents=True)
    path = folder / "journal.sqlite3"
    saved(path, answer())
    earlier = sqlite3.connect(path)  # keeps -wal and -shm on disk, as an open lesson does
    earlier.execute("INSERT INTO answers VALUES ('l','e','f','1','1','l','L','E',0,0,'')")
    earlier.commit()
    for p in [folder, *companions(path)]:  # as an earlier version left them
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    Journal(path).close()
    assert mode(folder) == 0o700
    assert {p.name: mode(p) for p in companions(path)} == {p.name: 0o600 for p in companions(path)}
    earlier.close()


def test_a_folder_the_learner_chose_is_not_changed(tmp_path, monkeypatch):
    os.chmod(tmp_path, 0o755)
    monkeypatch.setenv("ALLIANCE_JOURNAL", str(tmp_path / "mine.sqlite3"))
    Journal().save(answer())
    assert mode(tmp_path) == 0o755 and mode(tmp_path / "mine.sqlite3") == 0o600


def test_exported_files_and_their_new_folder_are_private(shared_home, capsys):
    Journal().save(answer(value="private words"))
    out = shared_home / "exports"
    assert cli.main(["journal", "export", "--output-dir", str(out)]) == 0
    assert mode(out) == 0o700
    written = sorted(out.iterdir())
    assert [p.suffix for p in written] == [".html", ".md"]
    assert all(mode(p) == 0o600 for p in written)
    # An export into a folder that already exists (here, shared) is private too.
    os.chmod(out, 0o755)
    again = export_files(Journal().answers(), out)
    assert all(mode(p) == 0o600 for p in again)
    other = as_nobody("cat", str(again[0]))
    if other is not None:
        assert other.returncode != 0 and "Permission denied" in other.stderr


# --- a failed save -------------------------------------------------------------------------

def disk_full(journal: Journal) -> None:
    """SQLite's own SQLITE_FULL: the file may not grow by another page."""
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count={pages}")


def test_one_failed_save_keeps_every_other_answer_and_names_the_real_cause(journal_path):
    journal = Journal(journal_path)
    journal.save(answer("ts-first", "first"))
    disk_full(journal)
    writer = DebouncedWriter(journal, delay=60)
    for a in (answer("ts-a", "small before"), answer("ts-b", "x" * 50000), answer("ts-c", "small after")):
        writer.submit(a)
    with pytest.raises(JournalError) as failed:
        writer.flush()
    assert "disk is full" in str(failed.value) and "rollback" not in str(failed.value)
    assert "1 answer(s) could not be saved" in str(failed.value)
    on_disk = {a.exercise: a.value for a in Journal(journal_path).answers()}
    assert on_disk == {"ts-first": "first", "ts-a": "small before", "ts-c": "small after"}
    assert journal.unsaved == 1 and journal.values(LESSON, "ts-b") == {"text": "x" * 50000}  # kept in memory
    journal._db.execute("PRAGMA max_page_count=1073741823")  # room again
    writer.flush()  # nothing pending: tries the kept answer again
    assert journal.unsaved == 0 and Journal(journal_path).values(LESSON, "ts-b") == {"text": "x" * 50000}


def test_a_full_disk_in_a_lesson_shows_a_notice_and_saves_once_there_is_room(journal_path, monkeypatch):
    lesson, _ = open_lesson(monkeypatch, Journal(journal_path))
    disk_full(lesson.journal)
    box = lesson.exercises[EXERCISE].controls["text"]
    box.value = "y" * 50000  # no exception reaches the widget
    card = lesson.widgets[EXERCISE]
    assert lesson.notice in card.children and "disk is full" in lesson.notice.value
    lesson.journal._db.execute("PRAGMA max_page_count=1073741823")
    box.value = "y" * 50000 + " and more"
    assert Journal(journal_path).values(LESSON, EXERCISE) == {"text": "y" * 50000 + " and more"}
    assert "works again" in lesson.notice.value


# --- a journal that can't be used ------------------------------------------------------------

def saved(path: Path, *answers: Answer) -> None:
    """Save answers and close the journal, as a kernel that has ended leaves it."""
    journal = Journal(path)
    for a in answers:
        journal.save(a)
    journal.close()


def damage(path: Path, how: str) -> None:
    saved(path, answer(value="written before the damage"))
    if how == "garbage":
        path.write_bytes(b"this is not a journal at all " * 200)
    elif how == "torn":  # the header survives, the pages don't
        data = bytearray(path.read_bytes())
        data[100:] = b"\xff" * (len(data) - 100)
        path.write_bytes(bytes(data))
    elif how == "not-a-journal":
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE recipes(name)")
    elif how == "newer":
        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE entries_v9(x)")
            db.execute("PRAGMA user_version=99")


@pytest.mark.parametrize("how", ["garbage", "torn", "not-a-journal", "newer"])
def test_a_lesson_opens_on_a_journal_it_cant_use_and_never_writes_to_it(journal_path, monkeypatch, how):
    damage(journal_path, how)
    before = snapshot(journal_path)
    lesson, shown = open_lesson(monkeypatch)  # no exception: the set-up cell works
    assert [w for w in shown if w is lesson.notice] == [lesson.notice]  # one notice, in the set-up cell
    said = notice_text(lesson)
    assert "answers can't be saved" in said and "kept only while it is open" in said
    assert ("newer version" if how == "newer" else "alliance journal reset") in said
    box = lesson.exercises[EXERCISE].controls["text"]
    box.value = "typed anyway"  # the exercise works, in memory
    assert lesson.journal.values(LESSON, EXERCISE) == {"text": "typed anyway"}
    lesson.flush()
    assert snapshot(journal_path) == before  # byte for byte, same mtime, same mode
    wal = companions(journal_path)[1]
    assert not wal.exists() or wal.stat().st_size == 0  # SQLite may make an empty one to read


def test_a_journal_path_that_is_a_folder_is_reported_not_raised(journal_path, monkeypatch):
    journal_path.mkdir()
    lesson, shown = open_lesson(monkeypatch)
    assert lesson.notice in shown and "is a folder" in notice_text(lesson)
    assert journal_path.is_dir() and list(journal_path.iterdir()) == []


def test_a_journal_another_user_cant_read_gives_a_notice_not_a_traceback(tmp_path):
    shared = Path(tempfile.mkdtemp(prefix="alliance-shared-"))
    try:
        os.chmod(shared, 0o777)
        path = shared / "journal.sqlite3"
        saved(path, answer())  # root's, 0600: `nobody` can't read it
        script = textwrap.dedent(f"""
            from unittest import mock
            import alliance.lesson
            shown = []
            with mock.patch.object(alliance.lesson, "display", shown.append):
                lesson = alliance.lesson.Lesson({LESSON!r}, save_delay=0)
                lesson.exercise({EXERCISE!r})
                lesson.exercises[{EXERCISE!r}].controls["text"].value = "typed"
            print(lesson.notice.value)
            print(lesson.journal.values({LESSON!r}, {EXERCISE!r}))
        """)
        python = python_for_nobody()
        if python is None:
            pytest.skip("needs root, setpriv and a Python that another user can run")
        env = f"ALLIANCE_JOURNAL={path}"
        ran = as_nobody("env", env, f"HOME={shared}", "XDG_DATA_HOME=" + str(shared), *python, "-c", script)
        assert ran.returncode == 0, ran.stderr
        assert "can't be read (you don't have permission)" in html.unescape(ran.stdout)
        assert "{'text': 'typed'}" in ran.stdout
    finally:
        shutil.rmtree(shared)


@pytest.fixture
def read_only_journal(monkeypatch):
    """A journal with one answer, on a disk (as root) or in a folder it can't write to."""
    with tmpfs() as disk:
        folder = disk or Path(tempfile.mkdtemp(prefix="alliance-ro-"))
        path = folder / "journal.sqlite3"
        monkeypatch.setenv("ALLIANCE_JOURNAL", str(path))
        saved(path, answer(EXERCISE, "saved earlier"))
        if disk:
            remount_read_only(disk)
        elif IS_ROOT:
            pytest.skip("root can write anywhere, and no tmpfs to make read-only")
        else:
            os.chmod(path, 0o400)
            os.chmod(folder, 0o500)
        yield path
        if not disk:
            os.chmod(folder, 0o700)
            shutil.rmtree(folder)


def test_a_read_only_journal_is_shown_and_exported_but_not_written(read_only_journal, monkeypatch, tmp_path, capsys):
    before = snapshot(read_only_journal)
    lesson, shown = open_lesson(monkeypatch)
    assert lesson.notice in shown and "can't be written to" in notice_text(lesson)
    box = lesson.exercises[EXERCISE].controls["text"]
    assert box.value == "saved earlier"  # restored from the read-only file
    box.value = "new words"
    assert snapshot(read_only_journal) == before
    assert cli.main(["journal", "export", "--output-dir", str(tmp_path)]) == 0
    [md] = tmp_path.glob("*.md")
    assert "saved earlier" in md.read_text()


# --- resetting a damaged journal -------------------------------------------------------------

def test_reset_keeps_a_damaged_journal_as_a_backup_and_starts_a_new_one(journal_path, monkeypatch, capsys, tmp_path):
    damage(journal_path, "garbage")
    damaged = journal_path.read_bytes()
    lesson, _ = open_lesson(monkeypatch)
    box = lesson.exercises[EXERCISE].controls["text"]
    box.value = "typed before the reset"  # kept in memory
    capsys.readouterr()
    assert cli.main(["journal", "export", "--output-dir", str(tmp_path / "out")]) == 1
    assert "damaged" in one_plain_line(capsys.readouterr().err) and not (tmp_path / "out").exists()
    assert cli.main(["journal", "reset"]) == 0
    said = capsys.readouterr().out
    [backup] = journal_path.parent.glob("journal-damaged-*.sqlite3")
    assert str(backup) in said and backup.read_bytes() == damaged and mode(backup) == 0o600
    fresh = Journal(journal_path)
    assert fresh.state == "ok" and mode(journal_path) == 0o600
    # The open lesson notices the new journal and saves what it kept in memory.
    box.value = "typed after the reset"
    assert Journal(journal_path).values(LESSON, EXERCISE) == {"text": "typed after the reset"}
    assert "works again" in lesson.notice.value
    # A readable journal is never reset.
    assert cli.main(["journal", "reset"]) == 1
    assert "left as it is" in one_plain_line(capsys.readouterr().err)
    assert len(list(journal_path.parent.glob("journal-damaged-*"))) == 1


# --- a journal deleted or replaced while a lesson is open --------------------------------------

def test_a_journal_deleted_while_a_lesson_is_open_carries_on_in_a_new_file(journal_path, monkeypatch, capsys):
    lesson, _ = open_lesson(monkeypatch, Journal(journal_path))
    box = lesson.exercises[EXERCISE].controls["text"]
    box.value = "before the delete"
    assert cli.main(["journal", "delete", "--yes"]) == 0 and not journal_path.exists()
    box.value = "after the delete"
    assert Journal(journal_path).values(LESSON, EXERCISE) == {"text": "after the delete"}
    assert mode(journal_path) == 0o600
    # Replaced by another file (say, restored from a backup): answers go into that one.
    other = journal_path.with_name("restored.sqlite3")
    saved(other, answer("ts-other", "from the backup"))
    os.replace(other, journal_path)
    box.value = "after the restore"
    assert {a.exercise: a.value for a in Journal(journal_path).answers()} == {
        "ts-other": "from the backup", EXERCISE: "after the restore"}


# --- signals -------------------------------------------------------------------------------------

def test_a_signal_flushes_then_reaches_the_handler_that_was_there_before(journal_path):
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        signal.signal(signal.SIGTERM, lambda n, f: (print("previous handler ran", flush=True), os._exit(3)))
        from alliance.journal import Answer, DebouncedWriter, Journal
        writer = DebouncedWriter(Journal({str(journal_path)!r}), delay=60)
        writer.submit(Answer("l", "e", "text", "typed just now", "s", "l", "T", "E", 0, 0))
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        print("signal was swallowed", flush=True)
    """)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 3 and ran.stdout == "previous handler ran\n", ran
    assert Journal(journal_path).values("l", "e") == {"text": "typed just now"}


# --- the command line --------------------------------------------------------------------------

@pytest.fixture
def saved_journal(journal_path):
    saved(journal_path, answer(value="an answer"))
    return journal_path


def test_cli_export_to_a_file_says_so_in_one_line(saved_journal, tmp_path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("mine")
    assert cli.main(["journal", "export", "--output-dir", str(blocked)]) == 1
    assert "is a file, not a folder" in one_plain_line(capsys.readouterr().err)
    assert blocked.read_text() == "mine"


def test_cli_export_to_a_read_only_folder_says_so_in_one_line(saved_journal, capsys):
    with tmpfs() as disk:
        if disk is None:
            pytest.skip("needs root to mount a read-only tmpfs")
        remount_read_only(disk)
        assert cli.main(["journal", "export", "--output-dir", str(disk / "out")]) == 1
        assert "the disk is read-only" in one_plain_line(capsys.readouterr().err)
        assert cli.main(["journal", "export", "--output-dir", str(disk)]) == 1
        assert "read-only" in one_plain_line(capsys.readouterr().err)
        assert list(disk.iterdir()) == []


def test_cli_export_to_a_full_disk_says_so_and_leaves_no_temporary_file(saved_journal, capsys, monkeypatch):
    saved(saved_journal, answer("ts-long", "z" * 200_000))  # bigger than what is left
    with tmpfs("64k") as disk:
        if disk is None:  # a write that fails the way a full disk does
            disk = saved_journal.parent / "full"
            disk.mkdir()
            real = os.fdopen

            def full(fd, *args, **kwargs):
                f = real(fd, *args, **kwargs)
                f.write = lambda text: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device"))
                return f

            monkeypatch.setattr("alliance.journal.os.fdopen", full)
        fill(disk)
        before = sorted(p.name for p in disk.iterdir())
        assert cli.main(["journal", "export", "--output-dir", str(disk)]) == 1
        assert "the disk is full" in one_plain_line(capsys.readouterr().err)
        assert sorted(p.name for p in disk.iterdir()) == before  # no *.md.tmp left behind


def test_cli_delete_when_the_journal_path_is_a_folder_says_so_in_one_line(journal_path, capsys):
    journal_path.mkdir()
    (journal_path / "something").write_text("kept")
    assert cli.main(["journal", "delete", "--yes"]) == 1
    assert "is a folder" in one_plain_line(capsys.readouterr().err)
    assert (journal_path / "something").read_text() == "kept"


def test_a_read_only_journal_saves_again_once_it_is_writable(monkeypatch):
    with tmpfs() as disk:
        if disk is None:
            pytest.skip("needs root to mount a tmpfs read-only, then writable again")
        path = disk / "journal.sqlite3"
        monkeypatch.setenv("ALLIANCE_JOURNAL", str(path))
        saved(path, answer(EXERCISE, "saved earlier"))
        remount_read_only(disk)
        lesson, _ = open_lesson(monkeypatch)
        box = lesson.exercises[EXERCISE].controls["text"]
        box.value = "typed while read-only"
        assert "can't be written to" in notice_text(lesson)
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        box.value = "typed once it was writable"
        assert Journal(path).values(LESSON, EXERCISE) == {"text": "typed once it was writable"}
        assert "works again" in notice_text(lesson)
        lesson.journal.close()
