"""Real kernels: two lessons open at once lose nothing, and a kernel killed in the middle
of writing leaves the journal readable."""

import os
import signal
import sqlite3
import time

import pytest

from alliance.journal import Journal
from alliance.paths import NOTEBOOKS_DIR

SETUP = """
from alliance.lesson import Lesson
lesson = Lesson("01-trust-and-safety", save_delay=0)
lesson.exercise({exercise!r})
box = lesson.exercises[{exercise!r}].controls["text"]
"""


def run(kc, code, timeout=60):
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
    assert reply["content"]["status"] == "ok", reply["content"]


def test_two_kernels_then_one_killed_mid_write(kernels, journal_path):
    _, first = kernels()
    second_km, second = kernels()
    run(first, SETUP.format(exercise="ts-safe-space"))
    run(second, SETUP.format(exercise="ts-reveal"))

    # Both lessons type at the same time.
    first.execute("for n in range(300): box.value = f'first {n}'")
    run(second, "for n in range(300): box.value = f'second {n}'")
    run(first, "lesson.flush()")
    journal = Journal(journal_path)
    assert journal.values("01-trust-and-safety", "ts-safe-space") == {"text": "first 299"}
    assert journal.values("01-trust-and-safety", "ts-reveal") == {"text": "second 299"}

    # The second kernel is killed while it writes as fast as it can.
    second.execute("n = 0\nwhile True:\n    n += 1\n    box.value = 'x' * 20000 + str(n)")
    time.sleep(1.0)
    os.kill(second_km.provisioner.process.pid, signal.SIGKILL)
    second_km.provisioner.process.wait(10)
    run(first, "box.value = 'still here'")

    with sqlite3.connect(journal_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert journal.values("01-trust-and-safety", "ts-safe-space") == {"text": "still here"}
    killed = journal.values("01-trust-and-safety", "ts-reveal")["text"]
    assert killed.startswith("x" * 20000)  # the last committed write, whole


# --- the last edit, when the kernel ends inside the 0.4 s typing pause ---------------------------

TYPING = """
from alliance.lesson import Lesson
lesson = Lesson("01-trust-and-safety", save_delay=60)  # the pause never ends on its own
lesson.exercise("ts-safe-space")
lesson.exercises["ts-safe-space"].controls["text"].value = "the last words I typed"
assert lesson.writer._pending  # typed, and waiting for the pause
"""


def typed_then_saved(journal_path) -> dict:
    return Journal(journal_path).values("01-trust-and-safety", "ts-safe-space")


def test_the_last_answer_is_saved_when_a_kernel_shuts_down_normally(kernels, journal_path):
    km, kc = kernels()
    run(kc, TYPING)
    assert typed_then_saved(journal_path) == {}  # still waiting for the pause
    process = km.provisioner.process
    kc.stop_channels()
    km.shutdown_kernel(now=False)  # a shutdown request, as JupyterLab sends on closing a notebook
    assert process.wait(20) == 0  # it ended by itself: neither signalled nor killed
    assert typed_then_saved(journal_path) == {"text": "the last words I typed"}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_in_the_typing_pause_saves_the_last_edit_then_ends_the_kernel(kernels, journal_path, signum):
    km, kc = kernels()
    run(kc, TYPING)
    process = km.provisioner.process
    os.kill(process.pid, signum)
    assert process.wait(20) == -signum  # the signal still ends the kernel, as before
    assert typed_then_saved(journal_path) == {"text": "the last words I typed"}


def test_a_lesson_notebook_runs_whole_on_a_damaged_journal(journal_path):
    """No traceback in the set-up cell, no NameError in the exercises: one notice instead."""
    import nbformat
    from nbclient import NotebookClient

    journal_path.write_bytes(b"not a journal " * 100)
    before = journal_path.read_bytes()
    notebook = nbformat.read(NOTEBOOKS_DIR / "01-trust-and-safety.ipynb", as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    client.execute(env={**os.environ, "ALLIANCE_JOURNAL": str(journal_path)})  # raises on any cell error
    setup = next(c for c in notebook.cells if "setup" in c.metadata.get("tags", []))
    [notice] = [o.data["application/vnd.jupyter.widget-view+json"]["model_id"] for o in setup.outputs
                if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert "alliance journal reset" in state[notice]["state"]["value"]
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == [] and journal_path.read_bytes() == before
