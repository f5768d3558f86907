"""A short check of understanding at the end of a lesson: single or multiple choice and
true/false questions, aimed at misconceptions, with an explanation for every option."""

from __future__ import annotations

import ipywidgets as widgets

from .. import text
from .base import ID_PATTERN, ExerciseType, Field, NonEmpty
from .order import seeded_order

QUESTION_KINDS = ("single", "multiple", "true-false")
TRUE_FALSE = ["True", "False"]


class KnowledgeCheck(ExerciseType):
    name = "knowledge-check"
    summary = "Knowledge check: 4-6 questions (single, multiple or true/false) with an explanation for every option, and a score."
    properties = {
        "questions": {
            "type": "array",
            "minItems": 4,
            "maxItems": 6,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": ID_PATTERN, "description": "Stable id; the journal keys the answer by it."},
                    "kind": {"enum": list(QUESTION_KINDS)},
                    "question": NonEmpty,
                    "options": {
                        "type": "array", "minItems": 2, "maxItems": 5,
                        "items": {
                            "type": "object",
                            "properties": {"text": NonEmpty, "correct": {"type": "boolean"}, "explanation": NonEmpty},
                            "required": ["text", "correct", "explanation"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["id", "kind", "question", "options"],
                "additionalProperties": False,
            },
        },
    }
    required = ["questions"]
    without_kernel = (
        "Works in the browser: answers are kept, \"Check my answers\" shows the score and opens the "
        "explanations, and the score is kept with the answers."
    )

    @classmethod
    def check(cls, spec):
        problems = []
        ids = [q["id"] for q in spec["questions"]]
        problems += [(f"questions[{n}].id", f"'{i}' is used by more than one question")
                     for n, i in enumerate(ids) if i in ids[:n] or i == "score"]
        for n, q in enumerate(spec["questions"]):
            where, options = f"questions[{n}]", q["options"]
            right = sum(o["correct"] for o in options)
            texts = [o["text"] for o in options]
            if len(set(texts)) != len(texts):
                problems.append((f"{where}.options", "two options have the same text"))
            if q["kind"] == "true-false" and sorted(texts) != sorted(TRUE_FALSE):
                problems.append((f"{where}.options", "a true-false question has exactly two options, 'True' and 'False'"))
            if q["kind"] in ("single", "true-false") and right != 1:
                problems.append((f"{where}.options", f"needs exactly one correct option (found {right})"))
            if q["kind"] == "multiple" and not (1 <= right < len(options)):
                problems.append((f"{where}.options", "needs at least one correct and one incorrect option"))
            if q["kind"] != "true-false" and len(options) < 3:
                problems.append((f"{where}.options", "needs at least three options"))
        return problems

    def shown_options(self, question: dict) -> list[dict]:
        """True, then False; other questions' options in a fixed shuffled order."""
        options = question["options"]
        if question["kind"] == "true-false":
            return sorted(options, key=lambda o: TRUE_FALSE.index(o["text"]))
        return [options[i] for i in seeded_order(f"{self.id}:{question['id']}", len(options))]

    def fields(self):
        def words(q):  # a single answer is kept as its text, as the page's radio buttons give it
            values = {} if q["kind"] == "multiple" else {"values": [o["text"] for o in self.shown_options(q)]}
            return {"kind": "answer", **values}

        return [Field(q["id"], q["question"], words(q)) for q in self.spec["questions"]] + [
            Field("score", "My score (questions answered correctly)", {"kind": "scale", "max": len(self.spec["questions"])}),
        ]

    def manifest(self, position: int) -> dict:
        # The page's answer key, so "Check my answers" scores without a kernel. The
        # explanations on the same page say the same, so nothing is given away.
        key = [{"id": q["id"], "kind": q["kind"], "correct": [o["text"] for o in q["options"] if o["correct"]]}
               for q in self.spec["questions"]]
        return {**super().manifest(position), "questions": key}

    @staticmethod
    def is_correct(question: dict, answer) -> bool:
        right = [o["text"] for o in question["options"] if o["correct"]]
        if question["kind"] == "multiple":
            return isinstance(answer, list) and sorted(answer) == sorted(right)
        return answer == right[0]

    def score(self) -> int:
        return sum(self.is_correct(q, self.answer(q)) for q in self.spec["questions"])

    def answer(self, question: dict):
        control = self.controls[question["id"]]
        if question["kind"] == "multiple":
            return [box.description for box in control.children if box.value]
        return control.value

    def build(self, sink) -> widgets.Widget:
        self.sink = sink
        parts, explained = [], []
        for n, question in enumerate(self.spec["questions"], start=1):
            options = self.shown_options(question)
            if question["kind"] == "multiple":
                heading = widgets.HTML(f'<p class="alliance-question-text"><strong>{n}. {text.inline(question["question"])}</strong></p>')
                control = widgets.VBox([widgets.Checkbox(value=False, description=o["text"], indent=False,
                                                         layout=widgets.Layout(width="100%")) for o in options])
                hint = [] if "tick" in question["question"].lower() else [widgets.HTML("<p>Tick every answer that is right.</p>")]
                parts += [heading, *hint, control]
            else:
                # The question is the radio group's own label, so a screen reader names the group by it.
                control = widgets.RadioButtons(options=[o["text"] for o in options], index=None,
                                               description=f"{n}. {question['question']}", layout=widgets.Layout(width="100%"))
                parts += [control]
            control.add_class("alliance-question")
            control.add_class(f"alliance-field-{question['id']}")  # how alliance.js finds it without a kernel
            self.controls[question["id"]] = control
            items = "".join(
                f'<li><strong>{"Right" if o["correct"] else "Not right"}:</strong> “{text.inline(o["text"])}” '
                f'{text.inline(o["explanation"])}</li>' for o in options)
            explained.append(f"<p><strong>{n}. {text.inline(question['question'])}</strong></p><ul>{items}</ul>")
        # Its own width, never squeezed by the score beside it.
        self.check_button = widgets.Button(description="Check my answers", button_style="primary",
                                           layout=widgets.Layout(width="auto", flex="0 0 auto"))
        self.check_button.add_class("alliance-check-answers")
        self.result = widgets.HTML('<p class="alliance-score" role="status"></p>')
        self.result.add_class("alliance-score")  # its words show the score: never published
        self.explanations = widgets.Accordion([widgets.HTML("".join(explained))],
                                              titles=("Answers and explanations",), selected_index=None)
        self.explanations.add_class("alliance-explanations")
        for question, field in zip(self.spec["questions"], self.fields()):
            self._observe(question, field)
        self.check_button.on_click(lambda _: self.check_answers())
        return self.card(*parts, widgets.HBox([self.check_button, self.result]), self.explanations)

    def _observe(self, question: dict, field: Field) -> None:
        control = self.controls[question["id"]]
        report = lambda _: self.sink(field, self.answer(question))  # noqa: E731
        for widget in control.children if question["kind"] == "multiple" else [control]:
            widget.observe(report, names="value")

    def check_answers(self) -> None:
        score, total = self.score(), len(self.spec["questions"])
        self.result.value = (f'<p class="alliance-score" role="status">You answered {score} of {total} '
                             "questions correctly. The explanations are open below.</p>")
        self.sink(self.fields()[-1], score)
        self.explanations.selected_index = 0

    def restore(self, saved):
        for question in self.spec["questions"]:
            value = saved.get(question["id"])
            control = self.controls[question["id"]]
            if question["kind"] == "multiple" and isinstance(value, list):
                for box in control.children:
                    box.value = box.description in value
            elif isinstance(value, str) and value in control.options:
                control.value = value
        if isinstance(saved.get("score"), int):
            self.result.value = (f'<p class="alliance-score" role="status">Last time you checked, you answered '
                                 f'{saved["score"]} of {len(self.spec["questions"])} questions correctly.</p>')
