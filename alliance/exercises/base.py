"""What every exercise type shares: its schema, its journal fields and its card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, ClassVar

import ipywidgets as widgets

from .. import text

ID_PATTERN = "^[a-z][a-z0-9-]*$"

# Fields every exercise has, whatever its type.
COMMON_PROPERTIES: dict[str, dict] = {
    "id": {"type": "string", "pattern": ID_PATTERN, "description": "Stable id; the journal keys answers by it."},
    "type": {"type": "string", "description": "The exercise type."},
    "title": {"type": "string", "minLength": 1, "description": "Short heading shown above the exercise."},
    "prompt": {"type": "string", "minLength": 1, "description": "What the learner is asked to do (Markdown)."},
}
COMMON_REQUIRED = ["id", "type", "title", "prompt"]

NonEmpty = {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Field:
    """One answer an exercise keeps in the journal.

    `words` says how an answer reads in the exported journal: as typed ("text"), as
    "5 of 7" ("scale"), as "Ticked" ("tick"), as the chosen response ("choice"), as the
    chosen option or options of a question ("answer"), or as a drill's attempts ("attempts").
    alliance/static/alliance.js reads the same rule, so both exports read alike.
    """

    name: str
    label: str
    words: dict = dataclass_field(default_factory=lambda: {"kind": "text"})

    def shown(self, value: Any) -> str:
        kind = self.words["kind"]
        if value is None:
            return ""
        if kind == "scale":
            return f"{value} of {self.words['max']}"
        if kind == "tick":
            return "Ticked" if value else "Not ticked"
        if kind == "choice":  # older journals kept the option's position
            return value if isinstance(value, str) else self.words["options"][value]
        if kind == "answer":  # one option's text, or the ticked options' texts
            return "; ".join(value) if isinstance(value, list) else str(value)
        if kind == "attempts":
            return attempts_shown(value, self.words["criteria"], self.words["ratings"])
        return str(value)


def attempt_is_blank(attempt: dict) -> bool:
    return not str(attempt.get("text") or "").strip() and not any(isinstance(r, int) for r in attempt.get("ratings") or [])


def attempts_shown(attempts: list, criteria: list[str], ratings: list[str]) -> str:
    """A drill's attempts at one statement in words; alliance.js writes the same."""
    parts = []
    kept = [a for a in attempts if isinstance(a, dict) and not attempt_is_blank(a)]
    for n, attempt in enumerate(kept):
        rated = [f"{c}: {ratings[r]}" for c, r in zip(criteria, attempt.get("ratings") or [])
                 if isinstance(r, int) and 0 <= r < len(ratings)]
        lines = [f"Attempt {n + 1}: {attempt.get('text', '')}"]
        if rated:
            lines.append("My rating: " + "; ".join(rated) + ".")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


Sink = Callable[[Field, Any], None]


class ExerciseType:
    """One kind of reflection exercise. Subclasses set the class variables and build()."""

    name: ClassVar[str]
    summary: ClassVar[str]
    properties: ClassVar[dict[str, dict]] = {}
    required: ClassVar[list[str]] = []
    #: How the exercise behaves in an exported page, where no kernel runs.
    without_kernel: ClassVar[str]

    def __init__(self, spec: dict):
        self.spec = spec
        self.id: str = spec["id"]
        self.title: str = spec["title"]
        self.controls: dict[str, widgets.ValueWidget] = {}
        #: Links that run in the browser, so the exercise responds without a kernel.
        self.links: list[widgets.widget_link.Link] = []

    @classmethod
    def schema(cls) -> dict:
        return {
            "type": "object",
            "title": cls.summary,
            "properties": {**COMMON_PROPERTIES, "type": {"const": cls.name}, **cls.properties},
            "required": COMMON_REQUIRED + cls.required,
            "additionalProperties": False,
        }

    @classmethod
    def check(cls, spec: dict) -> list[tuple[str, str]]:
        """Rules a JSON Schema cannot express, as (field, message) pairs."""
        return []

    def fields(self) -> list[Field]:
        raise NotImplementedError

    def build(self, sink: Sink) -> widgets.Widget:
        """The exercise's widget. Each control in self.controls, keyed by field name,
        reports its value through `sink` whenever the learner changes it."""
        raise NotImplementedError

    def connect_journal(self, journal, flush: Callable[[], None]) -> None:
        """Called once the exercise is shown. Types that read the whole journal (the
        profile, the export button) override it; `flush` writes answers still pending."""

    # Shared by the types.

    def connect(self, sink: Sink) -> None:
        for field in self.fields():
            control = self.controls[field.name]
            control.observe(lambda change, field=field: sink(field, change["new"]), names="value")
            control.add_class(f"alliance-field-{field.name}")  # how alliance.js finds it without a kernel

    def manifest(self, position: int) -> dict:
        """What a page without a kernel needs to keep and export this exercise's answers."""
        return {
            "id": self.id, "type": self.name, "title": self.title, "position": position,
            "fields": [{"name": f.name, "label": f.label, "position": n, "words": f.words}
                       for n, f in enumerate(self.fields())],
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Put saved answers back into the controls; called after display so the answers
        never reach the notebook's saved output."""
        for name, value in saved.items():
            control = self.controls.get(name)
            if control is not None and value is not None:
                try:
                    control.value = value
                except Exception:  # an answer to an option the trainer has since removed
                    pass

    def card(self, *children: widgets.Widget) -> widgets.VBox:
        heading = widgets.HTML(
            f'<h3 class="alliance-exercise-title">{text.inline(self.title)}</h3>'
            f'<div class="alliance-prompt">{text.block(self.spec["prompt"])}</div>'
        )
        box = widgets.VBox(
            [heading, *children],
            layout=widgets.Layout(border="1px solid #9db3c8", padding="0.5em 1em 1em", margin="1em 0", width="auto"),
        )
        box.add_class("alliance-exercise")
        box.add_class(f"alliance-{self.name}")
        box.add_class(f"alliance-id-{self.id}")
        return box


def text_box(label: str, placeholder: str = "Write here…", rows: int = 5) -> widgets.Textarea:
    """A multi-line box with its label visible above it."""
    return widgets.Textarea(
        value="",
        placeholder=placeholder,
        description=label,
        rows=rows,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="100%", flex_flow="column", align_items="stretch"),
    )
