import ipywidgets as widgets

from .base import ID_PATTERN, ExerciseType, Field, NonEmpty, text_box


class Worksheet(ExerciseType):
    """Several labelled boxes answered together, such as goal, tasks and bond."""

    name = "worksheet"
    summary = "Worksheet: several labelled text boxes answered together."
    properties = {
        "boxes": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": ID_PATTERN, "description": "Stable id; the journal keys the box's answer by it."},
                    "label": {**NonEmpty, "description": "The box's visible question."},
                    "rows": {"type": "integer", "minimum": 2, "maximum": 10},
                },
                "required": ["id", "label"],
                "additionalProperties": False,
            },
        },
    }
    required = ["boxes"]
    without_kernel = "Every box works; the answers are kept only by the browser."

    def fields(self):
        return [Field(box["id"], box["label"]) for box in self.spec["boxes"]]

    def build(self, sink) -> widgets.Widget:
        for box in self.spec["boxes"]:
            self.controls[box["id"]] = text_box(box["label"], rows=box.get("rows", 3))
        self.connect(sink)
        return self.card(*self.controls.values())

    @classmethod
    def check(cls, spec):
        ids = [box["id"] for box in spec["boxes"]]
        return [
            (f"boxes[{n}].id", f"'{ident}' is used by more than one box")
            for n, ident in enumerate(ids) if ident in ids[:n]
        ]
