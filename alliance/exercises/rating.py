import ipywidgets as widgets

from .. import text
from .base import ExerciseType, Field, NonEmpty


class Rating(ExerciseType):
    """Uses radio buttons, not a slider: a slider handle has no accessible name."""

    name = "rating"
    summary = "Self-rating scale: statements rated on one scale with worded anchors."
    properties = {
        "scale": {
            "type": "object",
            "properties": {
                "min": {"type": "integer", "minimum": 0, "maximum": 1},
                "max": {"type": "integer", "minimum": 3, "maximum": 10},
                "low": {**NonEmpty, "description": "Words for the lowest point."},
                "high": {**NonEmpty, "description": "Words for the highest point."},
            },
            "required": ["min", "max", "low", "high"],
            "additionalProperties": False,
        },
        "items": {"type": "array", "items": NonEmpty, "minItems": 1},
        "kind": {
            "enum": ["skill", "wellbeing"],
            "description": "What the statements rate: the learner's relationship skills (charted in the closing "
                           "lesson) or their own wellbeing (kept out of the chart).",
        },
    }
    required = ["scale", "items"]
    without_kernel = "The choices work; the ratings are kept only by the browser."

    def fields(self):
        scale = self.spec["scale"]
        return [
            Field(f"item-{n}", item, {"kind": "scale", "max": scale["max"],
                                      "values": list(range(scale["min"], scale["max"] + 1))})
            for n, item in enumerate(self.spec["items"], start=1)
        ]

    def options(self) -> list[tuple[str, int]]:
        scale = self.spec["scale"]
        points = range(scale["min"], scale["max"] + 1)
        label = {scale["min"]: f" · {scale['low']}", scale["max"]: f" · {scale['high']}"}
        return [(f"{p}{label.get(p, '')}", p) for p in points]

    def build(self, sink) -> widgets.Widget:
        for field in self.fields():
            # The statement is the control's own, visible label.
            choice = widgets.RadioButtons(
                options=self.options(), index=None, orientation="horizontal",
                description=field.label, layout=widgets.Layout(width="100%"),
            )
            choice.add_class("alliance-scale")
            self.controls[field.name] = choice
        scale = self.spec["scale"]
        legend = widgets.HTML(
            f'<p class="alliance-legend">{scale["min"]} = {text.inline(scale["low"])}; '
            f'{scale["max"]} = {text.inline(scale["high"])}. '
            "This scale was written for this course to support your own reflection. "
            "It is not a validated measure and should not be used with clients.</p>"
        )
        self.connect(sink)
        return self.card(legend, *self.controls.values())

    @classmethod
    def check(cls, spec):
        scale = spec["scale"]
        return [] if scale["min"] < scale["max"] else [("scale.max", "must be greater than scale.min")]
