import ipywidgets as widgets

from .base import ExerciseType, Field, NonEmpty


class Checklist(ExerciseType):
    name = "checklist"
    summary = "Checklist: tick the statements that apply."
    properties = {"items": {"type": "array", "items": NonEmpty, "minItems": 2}}
    required = ["items"]
    without_kernel = "The tick boxes work; the ticks are kept only by the browser."

    def fields(self):
        return [
            Field(f"item-{n}", item, {"kind": "tick"})
            for n, item in enumerate(self.spec["items"], start=1)
        ]

    def build(self, sink) -> widgets.Widget:
        for field in self.fields():
            self.controls[field.name] = widgets.Checkbox(
                value=False, description=field.label, indent=False, layout=widgets.Layout(width="100%")
            )
        self.connect(sink)
        return self.card(*self.controls.values())
