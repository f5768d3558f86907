"""Stage 3: execute a notebook with nbclient, against an empty, isolated journal.

The learner's real journal is never read or written while building: a temporary
journal is handed to the kernel through $ALLIANCE_JOURNAL.
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from .journal import JOURNAL_ENV
from .paths import NOTEBOOKS_DIR


class ExecutionError(RuntimeError):
    pass


def execute(notebook: nbformat.NotebookNode, timeout: int = 120) -> nbformat.NotebookNode:
    """Run every cell and keep the widget state, so exported pages can show the widgets."""
    executed = copy.deepcopy(notebook)
    lesson = executed.metadata.get("alliance", {}).get("lesson", "notebook")
    NOTEBOOKS_DIR.mkdir(parents=True, exist_ok=True)  # the kernel's working directory
    with tempfile.TemporaryDirectory(prefix="alliance-build-journal-") as tmp:
        env = {**os.environ, JOURNAL_ENV: str(Path(tmp) / "journal.sqlite3")}
        client = NotebookClient(
            executed,
            kernel_name=executed.metadata["kernelspec"]["name"],
            timeout=timeout,
            store_widget_state=True,
            # Local sockets rather than TCP: nothing listens on the network while building.
            config=Config({"KernelManager": {"transport": "ipc", "ip": str(Path(tmp) / "kernel")}}),
            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
        )
        try:
            client.execute(env=env)
        except Exception as error:  # nbclient's CellExecutionError names the failing cell
            raise ExecutionError(f"notebooks/{lesson}.ipynb failed to execute:\n{error}") from error
    return executed
