"""Stage 4: export an executed notebook to HTML, once per edition.

Editions differ only in which tagged cells nbconvert's TagRemovePreprocessor drops;
each exporter is configured once and reused for every lesson. A page either links the
site's shared assets (require.js, the widget renderer, styles and alliance.js in
site/assets/) or, as a single file, carries them inline.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
from jupyter_core.paths import jupyter_path
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from .execute import WIDGET_STATE, WIDGET_VIEW, widget_state  # noqa: F401 (WIDGET_STATE: part of this stage's interface)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

EDITIONS = {
    "learner": {
        "remove": {"facilitator", "notebook-only", "setup"},
        "note": "Learner edition.",
    },
    "facilitator": {
        "remove": {"notebook-only", "setup"},
        "note": "Facilitator edition: notes for facilitators are shown in shaded boxes marked \"For facilitators\".",
    },
}
ASSETS = "../assets/"  # pages sit one folder below site/, beside assets/
PAGE_IDS = uuid.UUID("5a0b6c1e-3f0e-4c55-9d1c-a111a2ce0002")  # the namespace of the pages' element ids


@dataclass(frozen=True)
class Link:
    href: str
    title: str


@dataclass(frozen=True)
class Navigation:
    index_url: str = ""
    notebook_url: str = ""
    previous: Link | None = None
    next: Link | None = None
    other_edition: Link | None = None
    trainer: tuple[Link, ...] = ()  # the facilitator edition's links to the lesson's slides and pack


def lab_css() -> str:
    """JupyterLab's own styles for exported notebooks, from nbconvert's lab template."""
    for base in jupyter_path("nbconvert", "templates", "lab", "static"):
        if Path(base, "index.css").exists():
            return "\n".join(Path(base, name).read_text(encoding="utf-8") for name in ("index.css", "theme-light.css"))
    raise FileNotFoundError("nbconvert's lab template styles were not found")


def page_css() -> str:
    return (STATIC / "exercises.css").read_text(encoding="utf-8") + "\n" + (STATIC / "page.css").read_text(encoding="utf-8")


def page_js() -> str:
    """The page script: the core, then one small part per exercise type that needs one."""
    parts = [STATIC / "alliance.js", *sorted((STATIC / "types").glob("*.js"))]
    return "\n".join(path.read_text(encoding="utf-8") for path in parts)


def own_assets() -> dict[str, str]:
    """The site's shared files that come from this package (the rest come from npm)."""
    return {"lab.css": lab_css(), "alliance.css": page_css(), "alliance.js": page_js()}


def _escaped(text: str, tag: str) -> str:
    return re.sub(f"</({tag})", r"<\\/\1", text, flags=re.I)


def inline_assets(npm_files: dict[str, Path]) -> dict[str, str]:
    inline = {name: _escaped(text, "style" if name.endswith(".css") else "script") for name, text in own_assets().items()}
    for name in ("require.js", "embed-amd.js"):
        inline[name] = _escaped(npm_files[name].read_text(encoding="utf-8"), "script")
    return inline




class AnswerError(ValueError):
    """A notebook about to be published holds a learner's answer in its widget state."""


# The controls a learner fills in: their value must be empty in anything published.
INPUT_MODELS = {"TextareaModel", "TextModel", "RadioButtonsModel", "CheckboxModel", "DropdownModel",
                "ToggleButtonsModel", "SelectModel", "SelectMultipleModel"}


def _blank(value) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _exercise_of(state: dict, notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Each widget model's exercise id: the exercise cell whose output shows it, or its card's class."""
    owner: dict[str, str] = {}
    for cell in notebook.cells:
        ident = cell.get("metadata", {}).get("alliance", {}).get("exercise")
        for output in cell.get("outputs", []) if ident else []:
            view = output.get("data", {}).get(WIDGET_VIEW)
            stack = [view["model_id"]] if view and view.get("model_id") else []
            while stack:
                model_id = stack.pop()
                if model_id in owner or model_id not in state:
                    continue
                owner[model_id] = ident
                stack += [ref for ref in re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(state[model_id].get("state", {})))]
    for model_id, model in state.items():
        ident = next((c.removeprefix("alliance-id-") for c in model.get("state", {}).get("_dom_classes", [])
                      if c.startswith("alliance-id-")), None)
        if ident and model_id not in owner:
            owner[model_id] = ident
    return owner


def answers_in(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(exercise id, field) for every answer the notebook's saved widget state holds: typed
    text, a chosen option, a tick or a rating, and what the profile and journal buttons show
    of the learner's journal. A notebook the build made from an empty journal holds none."""
    state = widget_state(notebook)
    owner = _exercise_of(state, notebook)
    found = []
    for model_id, model in state.items():
        values = model.get("state", {})
        classes = values.get("_dom_classes", []) or []
        ident = owner.get(model_id, "?")
        answered = not (_blank(values.get("value")) and _blank(values.get("index")))
        fields = [c.removeprefix("alliance-field-") for c in classes if c.startswith("alliance-field-")]
        if answered and (fields or model.get("model_name") in INPUT_MODELS):
            # Any control a learner can fill in, whether or not it is a field of its own (a drill's boxes).
            found.append((ident, fields[0] if fields else str(values.get("description") or model["model_name"])))
        shown = str(values.get("value") or "")
        if "alliance-score" in classes and re.search(r">\s*[^<\s]", shown):
            found.append((ident, "score"))
        if "alliance-profile" in classes and 'class="alliance-bar"' in shown:
            found.append((ident, "profile"))
        if re.search(r'class="alliance-status"[^>]*>\s*[^<\s]', shown):
            found.append((ident, "status"))
    return found


def refuse_answers(notebook: nbformat.NotebookNode) -> None:
    """The last line of defence: never publish a notebook whose widget state holds an answer."""
    found = answers_in(notebook)
    if found:
        lesson = notebook.metadata.get("alliance", {}).get("lesson", "?")
        ident, field = found[0]
        raise AnswerError(
            f"notebooks/{lesson}.ipynb, exercise '{ident}', field '{field}': the saved widget state holds a "
            "learner's answer, so nothing was published; run `alliance build --force` to run the lesson afresh."
        )


NULL_BY_DEFAULT = ("_view_count", "tabbable", "tooltip")  # null in every widget model's browser defaults


class CompactWidgetState(Preprocessor):
    """Every widget carries its own layout and style model, mostly empty. Drop their null
    settings (the browser's defaults are null too) and let identical ones share one model:
    a page's own bytes shrink several-fold and nothing renders differently."""

    def preprocess(self, nb, resources):
        state = widget_state(nb)
        if not state:
            return nb, resources
        first: dict[str, str] = {}
        alias: dict[str, str] = {}
        for model_id, model in state.items():
            for name in NULL_BY_DEFAULT:
                if model["state"].get(name, "") is None:
                    del model["state"][name]
            if model["model_name"] == "LayoutModel" or model["model_name"].endswith("StyleModel"):
                model["state"] = {k: v for k, v in model["state"].items() if v is not None}
                alias[model_id] = first.setdefault(json.dumps(model, sort_keys=True), model_id)
        for model_id, kept in alias.items():
            if kept != model_id:
                del state[model_id]
        refs = {f"IPY_MODEL_{old}": f"IPY_MODEL_{new}" for old, new in alias.items() if old != new}
        for model in state.values():
            for name, value in model["state"].items():
                if isinstance(value, str) and value in refs:
                    model["state"][name] = refs[value]
        return nb, resources


@cache
def exporter(edition: str) -> HTMLExporter:
    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.template_name = "lesson"
    config.HTMLExporter.widget_renderer_url = ASSETS + "embed-amd.js"
    # Learners do not code: no inputs, no prompts.
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(EDITIONS[edition]["remove"])
    config.HTMLExporter.preprocessors = [CompactWidgetState]
    config.CSSHTMLHeaderPreprocessor.enabled = False  # code highlighting styles, and no code is shown
    return HTMLExporter(config=config)


def _markdown(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@cache
def _template_digest() -> str:
    parts = [p.read_bytes() for p in sorted(TEMPLATES.rglob("*")) if p.is_file()] + [Path(__file__).read_bytes()]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def notebook_digest(notebook: nbformat.NotebookNode) -> str:
    return hashlib.sha256(json.dumps(notebook, sort_keys=True).encode()).hexdigest()


def build_key(notebook_digest: str, edition: str, nav: Navigation, single_file: bool) -> str:
    """Changes whenever anything that shapes the page changes, so an unchanged page is reused."""
    parts = (notebook_digest, edition, repr(nav), str(single_file), _template_digest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def page_build_key(page: str) -> str | None:
    """The build key an exported page was made with (nbconvert may reorder attributes)."""
    tag = re.search(r'<meta[^>]*name="alliance-build"[^>]*>', page)
    key = tag and re.search(r'content="([0-9a-f]+)"', tag.group(0))
    return key.group(1) if key else None


def export(notebook: nbformat.NotebookNode, edition: str, nav: Navigation = Navigation(),
           inline: dict[str, str] | None = None, key: str | None = None) -> str:
    """One edition of one lesson; `key` is its build_key, if the caller already has it.
    Raises AnswerError if the notebook's widget state holds an answer."""
    refuse_answers(notebook)
    meta = notebook.metadata.get("alliance", {})
    markdown = _markdown(notebook)
    lesson = {"lesson": meta.get("lesson", ""), "title": meta.get("title", ""), "exercises": meta.get("exercises", [])}
    resources = {
        "metadata": {"name": meta.get("title", "Lesson")},
        "alliance": {
            "edition": edition,
            "edition_note": EDITIONS[edition]["note"],
            "assets": ASSETS,
            "inline": inline,
            "index_url": nav.index_url,
            "notebook_url": nav.notebook_url,
            "previous": nav.previous,
            "next": nav.next,
            "other_edition": nav.other_edition,
            "trainer": nav.trainer,
            "lesson_json": _escaped(json.dumps(lesson, ensure_ascii=False), "script"),
            "uses_math": bool(re.search(r"\$[^$\n]+\$|\\\(|\\\[", markdown)),
            "uses_mermaid": "```mermaid" in markdown,
            "build_key": key or build_key(notebook_digest(notebook), edition, nav, inline is not None),
        },
    }
    html_exporter = exporter(edition)
    # nbconvert gives each widget output a random element id (uuid4); derive it from the page
    # and the output's place instead, so the same notebook always gives the same page.
    ids = itertools.count()
    page = f"{lesson['lesson']}/{edition}/{'single' if inline is not None else 'site'}"
    html_exporter.environment.globals["uuid4"] = lambda: uuid.uuid5(PAGE_IDS, f"{page}/{next(ids)}")
    body, _ = html_exporter.from_notebook_node(notebook, resources=resources)
    return body
