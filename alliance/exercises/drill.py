"""Deliberate practice: one skill, short client statements of rising difficulty. For each
statement the learner writes a response, opens the criteria and examples, rates their own
response against each criterion, and may try again. Every attempt is kept."""

from __future__ import annotations

import ipywidgets as widgets

from .. import text
from .base import ID_PATTERN, ExerciseType, Field, NonEmpty, attempt_is_blank, text_box

LEVELS = {"beginner": "Beginner", "intermediate": "Intermediate", "advanced": "Advanced"}
RATINGS = ["Not yet", "Partly", "Yes"]
PER_LEVEL = 2


class Drill(ExerciseType):
    name = "drill"
    summary = "Practice drill: client statements from beginner to advanced; respond, check against the criteria, rate yourself, try again."
    properties = {
        "skill": {**NonEmpty, "description": "The one skill the drill trains, in plain words."},
        "criteria": {
            "type": "array", "minItems": 2, "maxItems": 3, "items": NonEmpty,
            "description": "What a good response does, in plain words; the learner rates their response against each.",
        },
        "statements": {
            "type": "array",
            "minItems": 3 * PER_LEVEL,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": ID_PATTERN, "description": "Stable id; the journal keys the attempts by it."},
                    "level": {"enum": list(LEVELS)},
                    "client": {**NonEmpty, "description": "What the (fictional) client says."},
                    "examples": {"type": "array", "minItems": 1, "maxItems": 2, "items": NonEmpty},
                },
                "required": ["id", "level", "client", "examples"],
                "additionalProperties": False,
            },
        },
    }
    required = ["skill", "criteria", "statements"]
    without_kernel = (
        "Works in the browser: the criteria and examples open, the self-ratings and text are kept, "
        "and \"Save this attempt and try again\" keeps every attempt in the browser."
    )

    @classmethod
    def check(cls, spec):
        statements = spec["statements"]
        problems = []
        ids = [s["id"] for s in statements]
        problems += [(f"statements[{n}].id", f"'{i}' is used by more than one statement")
                     for n, i in enumerate(ids) if i in ids[:n]]
        for level in LEVELS:
            found = sum(1 for s in statements if s["level"] == level)
            if found < PER_LEVEL:
                problems.append(("statements", f"needs at least {PER_LEVEL} {level} statements (found {found})"))
        order = [list(LEVELS).index(s["level"]) for s in statements]
        if order != sorted(order):
            problems.append(("statements", "list the statements from beginner to intermediate to advanced"))
        return problems

    def fields(self):
        words = {"kind": "attempts", "criteria": self.spec["criteria"], "ratings": RATINGS}
        return [Field(s["id"], f"{LEVELS[s['level']]}: {s['client']}", words) for s in self.spec["statements"]]

    def manifest(self, position: int) -> dict:
        # The page counts the statements practised at each level, as the kernel does.
        return {**super().manifest(position), "levels": [s["level"] for s in self.spec["statements"]]}

    def build(self, sink) -> widgets.Widget:
        self.sink = sink
        self.kept: dict[str, list[dict]] = {}  # earlier attempts, by statement
        self.parts: dict[str, dict] = {}
        self._clearing = False
        criteria = "".join(f"<li>{text.inline(c)}</li>" for c in self.spec["criteria"])
        self.progress = widgets.HTML()
        self.progress.add_class("alliance-drill-progress")
        boxes = []
        for n, (statement, field) in enumerate(zip(self.spec["statements"], self.fields()), start=1):
            examples = "".join(f"<li>{text.inline(e)}</li>" for e in statement["examples"])
            response = text_box("Your response (write it, or say it aloud and note it down)", rows=3)
            response.add_class("alliance-drill-text")
            guide = widgets.Accordion(
                [widgets.HTML(f'<p><strong>A good response:</strong></p><ul>{criteria}</ul>'
                              f'<p><strong>Example responses:</strong></p><ul class="alliance-examples">{examples}</ul>')],
                titles=("Open the criteria and example responses",), selected_index=None,
            )
            ratings = []
            for criterion in self.spec["criteria"]:
                rating = widgets.RadioButtons(options=RATINGS, index=None, orientation="horizontal",
                                              description=f"My response: {criterion}", layout=widgets.Layout(width="100%"))
                rating.add_class("alliance-drill-rating")
                ratings.append(rating)
            again = widgets.Button(description="Save this attempt and try again", layout=widgets.Layout(width="auto", flex="0 0 auto"))
            again.add_class("alliance-drill-again")
            count = widgets.HTML('<p class="alliance-drill-count" role="status"></p>')
            box = widgets.VBox([
                widgets.HTML(f'<p class="alliance-drill-level"><strong>{LEVELS[statement["level"]]}</strong> · '
                             f'statement {n} of {len(self.spec["statements"])}</p>'
                             f'<blockquote class="alliance-client">{text.inline(statement["client"])}</blockquote>'),
                response, widgets.HTML("<p>Respond first, then open the criteria and rate your response.</p>"),
                guide, *ratings, widgets.HBox([again, count]),
            ])
            box.add_class("alliance-drill-statement")
            box.add_class(f"alliance-field-{field.name}")  # how alliance.js finds it without a kernel
            self.parts[field.name] = {"text": response, "ratings": ratings, "count": count, "again": again}
            self.kept[field.name] = []
            for control in (response, *ratings):
                control.observe(lambda _, field=field: self._changed(field), names="value")
            again.on_click(lambda _, field=field: self._again(field))
            boxes.append(box)
        self._show_progress()
        return self.card(widgets.HTML(f'<p class="alliance-drill-skill">Skill: {text.inline(self.spec["skill"])}</p>'),
                         self.progress, *boxes)

    def current(self, name: str) -> dict:
        part = self.parts[name]
        return {"text": part["text"].value,
                "ratings": [RATINGS.index(r.value) if r.value in RATINGS else None for r in part["ratings"]]}

    def attempts(self, name: str) -> list[dict]:
        """Earlier attempts and the one in the boxes: the value the journal keeps."""
        return [*self.kept[name], self.current(name)]

    def _changed(self, field: Field) -> None:
        if not self._clearing:
            self.sink(field, self.attempts(field.name))
            self._show_progress()

    def _again(self, field: Field) -> None:
        current = self.current(field.name)
        if attempt_is_blank(current):
            return
        self.kept[field.name].append(current)
        self._clearing = True
        try:
            part = self.parts[field.name]
            part["text"].value = ""
            for rating in part["ratings"]:
                rating.index = None
        finally:
            self._clearing = False
        self.sink(field, self.attempts(field.name))
        self._show_progress()

    def _show_progress(self) -> None:
        practised = {level: 0 for level in LEVELS}
        totals = {level: 0 for level in LEVELS}
        for statement in self.spec["statements"]:
            name, level = statement["id"], statement["level"]
            totals[level] += 1
            kept = [a for a in self.attempts(name) if not attempt_is_blank(a)]
            practised[level] += bool(kept)
            self.parts[name]["count"].value = (
                f'<p class="alliance-drill-count" role="status">Attempts kept: {len(kept)}</p>')
        self.progress.value = "<p>Practised so far: " + " · ".join(
            f"{LEVELS[level].lower()} {practised[level]} of {totals[level]}" for level in LEVELS) + "</p>"

    def restore(self, saved):
        self._clearing = True
        try:
            for name, attempts in saved.items():
                if name not in self.parts or not isinstance(attempts, list) or not attempts:
                    continue
                attempts = [a for a in attempts if isinstance(a, dict)]
                self.kept[name] = [a for a in attempts[:-1] if not attempt_is_blank(a)]
                last = attempts[-1] if attempts else {}
                self.parts[name]["text"].value = str(last.get("text") or "")
                for rating, value in zip(self.parts[name]["ratings"], last.get("ratings") or []):
                    rating.index = value if isinstance(value, int) and 0 <= value < len(RATINGS) else None
        finally:
            self._clearing = False
        self._show_progress()
