import ipywidgets as widgets

from .. import text
from .base import ExerciseType, Field, NonEmpty, text_box


class Reveal(ExerciseType):
    """The examples sit in a closed Accordion: opening it is handled in the browser."""

    name = "reveal"
    summary = "Reveal: the learner writes first, then opens example responses."
    properties = {
        "label": NonEmpty,
        "examples": {"type": "array", "items": NonEmpty, "minItems": 1},
        "reveal_label": {**NonEmpty, "default": "Show example responses"},
    }
    required = ["examples"]
    without_kernel = "The example panel opens in the browser; the text box works too."

    def fields(self):
        return [Field("text", self.spec["prompt"])]

    def build(self, sink) -> widgets.Widget:
        self.controls["text"] = text_box(self.spec.get("label", "Your response"))
        examples = "".join(f"<li>{text.block(e)}</li>" for e in self.spec["examples"])
        panel = widgets.Accordion(
            [widgets.HTML(f'<ul class="alliance-examples">{examples}</ul>')],
            titles=(self.spec.get("reveal_label", "Show example responses"),),
            selected_index=None,
        )
        self.connect(sink)
        return self.card(self.controls["text"], widgets.HTML("<p>Write your own first, then open the examples.</p>"), panel)
