"""A lesson served by Voilà without a hub: one server, many anonymous visitors.

Voilà starts a kernel for each page visit, so each visit gets a journal of its own: a
private file (0700 folder, 0600 file) that only that kernel knows and that is removed
when the kernel ends (closed page, culled or stopped server). One visitor can never see,
export or delete another's answers. Answers leave the server only as a download through
the visitor's own browser. Behind a hub, Voilà runs as the signed-in user, who keeps
their own journal as in JupyterLab.
"""

from __future__ import annotations

import atexit
import base64
import html
import os
import shutil
import tempfile
from pathlib import Path

from .journal import Answer, to_markdown
from .paths import sweep_stale_folders

VISIT_FOLDER = "alliance-visit-"
KEPT_FOR_THE_VISIT = ("Your answers on this page are kept only while it is open, and no one else can see them. "
                      "Before you leave, use \"Download my answers\" to keep them.")


def shared_voila() -> bool:
    """Voilà sets SERVER_SOFTWARE=voila/<version> in every kernel it starts; a hub sets
    JUPYTERHUB_USER in the signed-in user's own server."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila/") and not os.environ.get("JUPYTERHUB_USER")


def visit_journal_path() -> Path:
    """A new, private journal file for this kernel only, removed when the kernel ends. A
    killed kernel's folder is swept by the next visit."""
    sweep_stale_folders(VISIT_FOLDER)
    folder = Path(tempfile.mkdtemp(prefix=f"{VISIT_FOLDER}{os.getpid()}-"))  # mode 0700
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder / "journal.sqlite3"


def download_link(answers: list[Answer], file_name: str) -> str:
    """The answers as a Markdown file the browser saves: nothing is written on the server."""
    data = base64.b64encode(to_markdown(answers).encode("utf-8")).decode("ascii")
    return (f'<a class="alliance-download-link" download="{html.escape(file_name)}" '
            f'href="data:text/markdown;charset=utf-8;base64,{data}">Download my answers ({len(answers)}) '
            f'as {html.escape(file_name)}</a>')
