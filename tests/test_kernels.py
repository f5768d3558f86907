"""Real kernels: two lessons open at once lose nothing, and a kernel killed in the middle
of writing leaves the journal readable."""

import os
import signal
import sqlite3
import time

import pytest
from jupyter_client.manager import start_new_kernel

from alliance.journal import Journal
from alliance.paths import NOTEBOOKS_DIR

SETUP = """
from alliance.lesson import Lesson
lesson = Lesson("01-trust-and-safety", save_delay=0)
lesson.exercise({exercise!r})
box = lesson.exercises[{exercise!r}].controls["text"]
"""


@pytest.fixture
def kernels(journal_path):
    started = []

    def start():
        env_journal = {"ALLIANCE_JOURNAL": str(journal_path)}
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS_DIR), env={**os.environ, **env_journal})
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


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
