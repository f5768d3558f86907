"""The journal: a real SQLite file that survives concurrent kernels and killed writers,
exports as Markdown and HTML, and is deleted only after confirmation."""

import datetime as dt
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from alliance import cli
from alliance.journal import Answer, Journal, default_path, to_html, to_markdown

MARKER = "<script>alert('hi')</script> & \"quotes\""


def answer(lesson="01-trust-and-safety", exercise="ts-a", field="text", value="x", position=0, **kw):
    return Answer(
        lesson=lesson, exercise=exercise, field=field, value=value, shown=kw.pop("shown", str(value)),
        label=kw.pop("label", "What helped you feel safe?"), lesson_title=kw.pop("lesson_title", "Trust and safety"),
        exercise_title=kw.pop("exercise_title", "A time you felt safe"), position=position,
        field_position=kw.pop("field_position", 0),
    )


def test_default_path_is_in_the_user_data_dir_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("ALLIANCE_JOURNAL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "therapeutic-relationship" / "journal.sqlite3"
    monkeypatch.setenv("ALLIANCE_JOURNAL", str(tmp_path / "elsewhere.db"))
    assert default_path() == tmp_path / "elsewhere.db"


def test_save_overwrites_the_same_answer(journal_path):
    journal = Journal(journal_path)
    journal.save(answer(value="first"))
    journal.save(answer(value="second"))
    assert journal.values("01-trust-and-safety", "ts-a") == {"text": "second"}
    assert len(journal.answers()) == 1


def test_exports_group_by_lesson_in_order_and_label_each_answer():
    answers = [
        answer(lesson="02-empathy", lesson_title="Empathy", exercise="em-a", exercise_title="Listening", value="B"),
        answer(value="A", position=0),
        answer(exercise="ts-b", exercise_title="Rating", field="item-1", value=5, shown="5 of 7", label="I slow down.", position=1),
        answer(exercise="ts-c", exercise_title="Unanswered", value="", shown="", position=2),
    ]
    ordered = sorted(answers, key=lambda a: (a.lesson, a.position))
    md = to_markdown(ordered, dt.date(2026, 1, 2))
    assert md.index("## Trust and safety") < md.index("### A time you felt safe") < md.index("### Rating") < md.index("## Empathy")
    assert "**I slow down.**\n\n> 5 of 7" in md
    assert "Unanswered" not in md  # blank answers are left out
    assert "Exported on 2026-01-02" in md
    page = to_html(ordered)
    assert page.index("<h2>Trust and safety</h2>") < page.index("<h2>Empathy</h2>")
    assert '<p class="label">I slow down.</p><blockquote>5 of 7</blockquote>' in page


def test_exports_escape_everything_the_learner_typed():
    typed = answer(value=MARKER, label="<b>label</b>", exercise_title="<i>t</i>")
    page = to_html([typed])
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    assert "<b>label</b>" not in page
    md = to_markdown([typed])
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_multiline_answers_stay_in_one_quote():
    md = to_markdown([answer(value="line one\n\nline three")])
    assert "> line one\n>\n> line three" in md


def _writer(path, name, count):
    journal = Journal(path)
    for n in range(count):
        journal.save(answer(lesson=name, exercise=f"ex-{n}", value=f"{name}-{n}"))


def test_two_processes_writing_at_once_lose_nothing(journal_path):
    Journal(journal_path).close()
    procs = [multiprocessing.get_context("spawn").Process(target=_writer, args=(journal_path, name, 150))
             for name in ("01-a", "02-b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    answers = Journal(journal_path).answers()
    assert len(answers) == 300
    assert {a.value for a in answers} == {f"{n}-{i}" for n in ("01-a", "02-b") for i in range(150)}


def test_a_writer_killed_mid_write_leaves_the_journal_readable(journal_path):
    script = textwrap.dedent(f"""
        from alliance.journal import Journal, Answer
        j = Journal({str(journal_path)!r})
        n = 0
        while True:
            j.save(Answer("01-x", f"ex-{{n % 500}}", "text", "x" * 5000 + str(n), "s", "l", "T", "E", n % 500, 0))
            n += 1
            if n == 50:
                print("writing", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with sqlite3.connect(journal_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    answers = Journal(journal_path).answers()
    assert len(answers) >= 50
    assert all(a.value.startswith("x" * 5000) for a in answers)


def test_cli_export_writes_markdown_and_html(journal_path, tmp_path, capsys):
    Journal(journal_path).save(answer(value=MARKER))
    assert cli.main(["journal", "export", "--output-dir", str(tmp_path / "out")]) == 0
    [md] = (tmp_path / "out").glob("reflective-journal-*.md")
    [page] = (tmp_path / "out").glob("reflective-journal-*.html")
    assert "&lt;script&gt;" in md.read_text() and "<script>" not in page.read_text()
    assert "Exported 1 answer" in capsys.readouterr().out


def test_cli_export_without_a_journal_says_so(journal_path, tmp_path, capsys):
    assert cli.main(["journal", "export", "--output-dir", str(tmp_path)]) == 1
    assert "no journal yet" in capsys.readouterr().err


def test_cli_delete_needs_confirmation(journal_path, monkeypatch, capsys):
    Journal(journal_path).save(answer())
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert cli.main(["journal", "delete"]) == 1
    assert journal_path.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "delete")
    assert cli.main(["journal", "delete"]) == 0
    assert not journal_path.exists() and not journal_path.with_name(journal_path.name + "-wal").exists()


def test_cli_delete_refuses_without_a_terminal(journal_path, monkeypatch, capsys):
    Journal(journal_path).save(answer())
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["journal", "delete"]) == 1
    assert journal_path.exists()
    assert cli.main(["journal", "delete", "--yes"]) == 0
    assert not journal_path.exists()


def test_a_journal_from_a_newer_version_is_refused_not_damaged(journal_path):
    Journal(journal_path).save(answer())
    with sqlite3.connect(journal_path) as db:
        db.execute("PRAGMA user_version=99")
    before = journal_path.read_bytes()
    journal = Journal(journal_path)  # refused with a plain sentence, not an exception
    assert journal.state == "newer" and "newer version" in journal.problem
    journal.save(answer(value="kept in memory only"))
    assert journal_path.read_bytes() == before
    with sqlite3.connect(journal_path) as db:
        assert db.execute("SELECT count(*) FROM answers").fetchone() == (1,)
