"""Stage 3: execute notebooks with nbclient, against an empty, isolated journal.

The learner's real journal is never read or written while building: a temporary
journal is handed to the kernel through $ALLIANCE_JOURNAL. Several lessons share one
kernel in turn, so a build starts one kernel per core rather than one per lesson;
nbclient numbers each notebook's cells from 1 and keeps only that notebook's widgets.

What comes out is settled and stamped. Settled: widget model ids are derived from the
lesson and each model's place, and no run time is kept, so the same sources give the same
bytes. Stamped: a digest of the whole notebook, outputs and widget state included, kept in
its metadata. The build reuses a notebook only while its stamp matches, so a lesson run
and saved in JupyterLab, with a learner's answers in it, is never mistaken for a build's.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets.config import Config

from .journal import JOURNAL_ENV
from .paths import NOTEBOOKS_DIR, sweep_stale_folders

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STAMP = "output_stamp"
JOURNAL_FOLDER = "alliance-build-journal-"  # then the build's process id
_MODEL_IDS = uuid.UUID("5a0b6c1e-3f0e-4c55-9d1c-a111a2ce0001")  # the namespace of derived widget ids


class ExecutionError(RuntimeError):
    pass


def widget_state(notebook: nbformat.NotebookNode) -> dict:
    """The notebook's saved widget models by id (empty if none were saved)."""
    return notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


# Stamps.

def output_stamp(notebook: nbformat.NotebookNode) -> str:
    """A digest of everything in the notebook but the stamp itself, as it is written to disk."""
    bare = copy.deepcopy(notebook)
    bare.metadata.get("alliance", {}).pop(STAMP, None)
    written = nbformat.reads(nbformat.writes(bare), as_version=4)  # the form a reader sees
    return hashlib.sha256(json.dumps(written, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def seal(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook.metadata.setdefault("alliance", {})[STAMP] = output_stamp(notebook)
    return notebook


def is_sealed(notebook: nbformat.NotebookNode) -> bool:
    """True only for a notebook exactly as this build wrote it: its stamp matches its contents."""
    stamp = notebook.metadata.get("alliance", {}).get(STAMP)
    return bool(stamp) and stamp == output_stamp(notebook)


# Settling: the same sources give the same bytes.

def _references(value):
    """Model ids a widget's state refers to, in order."""
    if isinstance(value, str):
        if value.startswith("IPY_MODEL_"):
            yield value.removeprefix("IPY_MODEL_")
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _references(value[key])
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _references(item)


def _first_appearance(notebook: nbformat.NotebookNode) -> list[str]:
    """Every widget model id: those the cells show in cell order, each followed by the models
    it refers to, then any left over (links between widgets) in the kernel's order."""
    state = widget_state(notebook)
    order: dict[str, None] = {}

    def visit(model_id: str) -> None:
        stack = [model_id]
        while stack:
            current = stack.pop()
            if current in order:
                continue
            order[current] = None
            model = state.get(current, {})
            stack.extend(reversed(list(_references(model.get("state", {})))))

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id"):
                visit(view["model_id"])
    for model_id in state:
        visit(model_id)
    return list(order)


def settle(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Rename every widget model to an id derived from the lesson and its order of first
    appearance, and drop run times: a rebuild from the same sources gives the same bytes,
    so a reviewer's diff shows only real changes."""
    lesson = notebook.metadata.get("alliance", {}).get("lesson", "notebook")
    renamed = {old: uuid.uuid5(_MODEL_IDS, f"{lesson}/{n}").hex for n, old in enumerate(_first_appearance(notebook))}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    if not renamed:
        return notebook
    pattern = re.compile(r"(?<![0-9A-Za-z_-])(?:" + "|".join(map(re.escape, renamed)) + r")(?![0-9A-Za-z_-])")
    # Through the JSON text, so an id is renamed wherever it appears: state keys, IPY_MODEL_
    # references, and model_id in the cells' outputs.
    text = json.dumps(notebook, ensure_ascii=False)
    text = re.sub(r"IPY_MODEL_([0-9a-f]+)", lambda m: "IPY_MODEL_" + renamed.get(m.group(1), m.group(1)), text)
    text = pattern.sub(lambda m: renamed[m.group(0)], text)
    settled = nbformat.from_dict(json.loads(text))
    state = widget_state(settled)
    if state:  # in the same order as the ids, for readers that keep it
        settled.metadata["widgets"][WIDGET_STATE]["state"] = {
            renamed[old]: state[renamed[old]] for old in renamed if renamed[old] in state}
    return settled


# Running.

def _failure(lesson: str, executed: nbformat.NotebookNode, error: Exception, timeout: int) -> str:
    """One plain sentence: which lesson, which cell or exercise, and what went wrong."""
    failed = next((c for c in executed.cells if c.cell_type == "code"
                   and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    where = ""
    if failed is not None:
        exercise = failed.metadata.get("alliance", {}).get("exercise")
        where = f" in exercise '{exercise}'" if exercise else f" in cell '{failed.get('id', '?')}'"
    if isinstance(error, CellTimeoutError):
        reason = f"a cell took longer than {timeout} seconds"
    elif isinstance(error, DeadKernelError):
        reason = "the kernel stopped unexpectedly"
    elif isinstance(error, CellExecutionError):
        reason = f"{error.ename}: {error.evalue}".strip().rstrip(":")
    else:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[-1]
    return f"notebooks/{lesson}.ipynb failed to execute{where}: {reason}."


def _run_in_turn(notebooks: list[nbformat.NotebookNode], timeout: int) -> list[nbformat.NotebookNode]:
    """Run notebooks one after another in one kernel; each comes back executed, settled and stamped."""
    NOTEBOOKS_DIR.mkdir(parents=True, exist_ok=True)  # the kernel's working directory
    sweep_stale_folders(JOURNAL_FOLDER)
    done, km, client = [], None, None
    with tempfile.TemporaryDirectory(prefix=f"{JOURNAL_FOLDER}{os.getpid()}-") as tmp:
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
                    record_timing=False,  # run times would differ on every build
                    # Local sockets rather than TCP: nothing listens on the network while building.
                    config=Config({"KernelManager": {"transport": "ipc", "ip": str(Path(tmp) / "kernel")}}),
                    resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
                )
                try:
                    client.execute(env=env, cleanup_kc=False)
                except Exception as error:
                    raise ExecutionError(_failure(lesson, executed, error, timeout)) from error
                finally:
                    km = client.km
                    if client.kc is not None:
                        client.kc.stop_channels()
                done.append(seal(settle(executed)))
        finally:
            if km is not None and km.has_kernel:
                client._cleanup_kernel()
    return done


def reuse_outputs(fresh: nbformat.NotebookNode, previous: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """When only a lesson's text changed, its code cells are the same and so is what they
    display: carry the previous run's outputs and widgets over instead of running again.
    Only a notebook the build itself produced (its stamp matches) is reused.
    Returns None when the lesson must run."""
    def code(nb):
        return [c.source for c in nb.cells if c.cell_type == "code"]

    if (previous.metadata.get("alliance", {}).get("code_hash") != fresh.metadata["alliance"]["code_hash"]
            or code(previous) != code(fresh) or "widgets" not in previous.metadata or not is_sealed(previous)):
        return None
    reused = copy.deepcopy(fresh)
    ran = iter(c for c in previous.cells if c.cell_type == "code")
    for cell in reused.cells:
        if cell.cell_type == "code":
            before = next(ran)
            cell.outputs, cell.execution_count = before.outputs, before.execution_count
    reused.metadata["widgets"] = previous.metadata["widgets"]
    reused.metadata["language_info"] = previous.metadata.get("language_info", reused.metadata["language_info"])
    return seal(reused)


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
