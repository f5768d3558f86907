"""Stage 4: export an executed notebook to HTML, once per edition.

Editions differ only in which tagged cells nbconvert's TagRemovePreprocessor drops;
each exporter is configured once and reused for every lesson.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

TEMPLATES = Path(__file__).parent / "templates"
EXERCISE_CSS = (Path(__file__).parent / "static" / "exercises.css").read_text(encoding="utf-8")

EDITIONS = {
    "learner": {
        "remove": {"facilitator", "notebook-only", "setup"},
        "note": "Learner edition.",
    },
    "facilitator": {
        "remove": {"notebook-only", "setup"},
        "note": "Facilitator edition: notes for facilitators are shown in shaded boxes.",
    },
}


@cache
def exporter(edition: str) -> HTMLExporter:
    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.template_name = "lesson"
    # Learners do not code: no inputs, no prompts.
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(EDITIONS[edition]["remove"])
    return HTMLExporter(config=config)


def export(notebook: nbformat.NotebookNode, edition: str) -> str:
    meta = notebook.metadata.get("alliance", {})
    resources = {
        "metadata": {"name": meta.get("title", "Lesson")},
        "alliance": {"edition": edition, "edition_note": EDITIONS[edition]["note"], "exercise_css": EXERCISE_CSS},
    }
    body, _ = exporter(edition).from_notebook_node(notebook, resources=resources)
    return body
