import ipywidgets as widgets

from .base import ExerciseType, Field, NonEmpty, text_box


class Reflection(ExerciseType):
    name = "reflection"
    summary = "Reflection prompt: free writing in a multi-line box."
    properties = {
        "label": {**NonEmpty, "description": "The text box's visible label.", "default": "Your reflection"},
        "placeholder": NonEmpty,
        "rows": {"type": "integer", "minimum": 2, "maximum": 20},
    }
    without_kernel = "The text box works; the answer is kept only by the browser."

    def fields(self):
        return [Field("text", self.spec["prompt"])]

    def build(self, sink) -> widgets.Widget:
        self.controls["text"] = text_box(
            self.spec.get("label", "Your reflection"),
            self.spec.get("placeholder", "Write here…"),
            self.spec.get("rows", 6),
        )
        self.connect(sink)
        return self.card(self.controls["text"])
