"""Stage 3: execute notebooks with nbclient, against an empty, isolated journal.

The learner's real journal is never read or written while building: a temporary
journal is handed to the kernel through $ALLIANCE_JOURNAL. Several lessons share one
kernel in turn, so a build starts one kernel per core rather than one per lesson;
nbclient numbers each notebook's cells from 1 and keeps only that notebook's widgets.
"""

from __future__ import annotations

import copy
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from .journal import JOURNAL_ENV
from .paths import NOTEBOOKS_DIR


class ExecutionError(RuntimeError):
    pass


def _run_in_turn(notebooks: list[nbformat.NotebookNode], timeout: int) -> list[nbformat.NotebookNode]:
    """Run notebooks one after another in one kernel; each comes back executed."""
    NOTEBOOKS_DIR.mkdir(parents=True, exist_ok=True)  # the kernel's working directory
    done, km = [], None
    with tempfile.TemporaryDirectory(prefix="alliance-build-journal-") as tmp:
        env = {**os.environ, JOURNAL_ENV: str(Path(tmp) / "journal.sqlite3")}
        try:
            for notebook in notebooks:
                executed = copy.deepcopy(notebook)
                lesson = executed.metadata.get("alliance", {}).get("lesson", "notebook")
                client = NotebookClient(
                    executed,
                    km=km,
                    kernel_name=executed.metadata["kernelspec"]["name"],
                    timeout=timeout,
                    store_widget_state=True,
                    # Local sockets rather than TCP: nothing listens on the network while building.
                    config=Config({"KernelManager": {"transport": "ipc", "ip": str(Path(tmp) / "kernel")}}),
                    resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
                )
                try:
                    client.execute(env=env, cleanup_kc=False)
                except Exception as error:  # nbclient's CellExecutionError names the failing cell
                    raise ExecutionError(f"notebooks/{lesson}.ipynb failed to execute:\n{error}") from error
                finally:
                    km = client.km
                    if client.kc is not None:
                        client.kc.stop_channels()
                done.append(executed)
        finally:
            if km is not None and km.has_kernel:
                client._cleanup_kernel()
    return done


def reuse_outputs(fresh: nbformat.NotebookNode, previous: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """When only a lesson's text changed, its code cells are the same and so is what they
    display: carry the previous run's outputs and widgets over instead of running again.
    Returns None when the lesson must run."""
    def code(nb):
        return [c.source for c in nb.cells if c.cell_type == "code"]

    if (previous.metadata.get("alliance", {}).get("code_hash") != fresh.metadata["alliance"]["code_hash"]
            or code(previous) != code(fresh) or "widgets" not in previous.metadata):
        return None
    reused = copy.deepcopy(fresh)
    ran = iter(c for c in previous.cells if c.cell_type == "code")
    for cell in reused.cells:
        if cell.cell_type == "code":
            before = next(ran)
            cell.outputs, cell.execution_count = before.outputs, before.execution_count
    reused.metadata["widgets"] = previous.metadata["widgets"]
    reused.metadata["language_info"] = previous.metadata.get("language_info", reused.metadata["language_info"])
    return reused


def execute(notebook: nbformat.NotebookNode, timeout: int = 120) -> nbformat.NotebookNode:
    """Run every cell and keep the widget state, so exported pages can show the widgets."""
    return _run_in_turn([notebook], timeout)[0]


def execute_many(notebooks: dict[str, nbformat.NotebookNode], workers: int | None = None,
                 timeout: int = 120, progress=None) -> dict[str, nbformat.NotebookNode]:
    """Run many notebooks across `workers` kernels (one per core by default)."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(notebooks)))
    ids = list(notebooks)
    shares = [ids[n::workers] for n in range(workers)]
    results: dict[str, nbformat.NotebookNode] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(_run_in_turn, [notebooks[i] for i in share], timeout) for share in shares]
        for share, job in zip(shares, jobs):
            results.update(zip(share, job.result()))
            if progress:
                progress(len(share))
    return {i: results[i] for i in ids}
