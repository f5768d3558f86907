import ipywidgets as widgets

from .. import text
from .base import ExerciseType, Field, NonEmpty


class Scenario(ExerciseType):
    name = "scenario"
    summary = "Scenario choice: a client's words, 3-4 responses, and feedback on each."
    properties = {
        "context": {**NonEmpty, "description": "Who the (fictional) client is and where we are."},
        "client": {**NonEmpty, "description": "What the client says."},
        "question": NonEmpty,
        "options": {
            "type": "array",
            "minItems": 3,
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {"response": NonEmpty, "feedback": NonEmpty},
                "required": ["response", "feedback"],
                "additionalProperties": False,
            },
        },
    }
    required = ["client", "question", "options"]
    without_kernel = (
        "The feedback still appears: the choice is linked to the feedback panel in the browser "
        "(jsdlink from the radio buttons' index to a Stack's selected_index)."
    )

    def fields(self):
        responses = [o["response"] for o in self.spec["options"]]
        return [Field("choice", self.spec["question"], {"kind": "choice", "options": responses})]

    def build(self, sink) -> widgets.Widget:
        options = self.spec["options"]
        context = self.spec.get("context")
        situation = widgets.HTML(
            (f'<div class="alliance-context">{text.block(context)}</div>' if context else "")
            + f'<blockquote class="alliance-client">{text.inline(self.spec["client"])}</blockquote>'
            + f'<p class="alliance-question"><strong>{text.inline(self.spec["question"])}</strong></p>'
        )
        choice = widgets.RadioButtons(
            options=[(o["response"], i) for i, o in enumerate(options)],
            index=None, description="Your choice", layout=widgets.Layout(width="100%"),
        )
        choice.add_class("alliance-choice")
        # The index, not the value: Stack.selected_index takes a position.
        feedback = widgets.Stack(
            [
                widgets.HTML(
                    f'<div class="alliance-feedback" role="status"><p><strong>You chose:</strong> '
                    f'{text.inline(o["response"])}</p>{text.block(o["feedback"])}</div>'
                )
                for o in options
            ],
            selected_index=None,
        )
        self.links.append(widgets.jsdlink((choice, "index"), (feedback, "selected_index")))
        self.controls["choice"] = choice
        self.connect(sink)
        return self.card(situation, choice, feedback)

    def connect(self, sink):
        field = self.fields()[0]
        self.controls["choice"].observe(lambda change: sink(field, change["new"]), names="index")
        self.controls["choice"].add_class("alliance-field-choice")

    def restore(self, saved):
        index = saved.get("choice")
        if isinstance(index, int) and 0 <= index < len(self.spec["options"]):
            self.controls["choice"].index = index
