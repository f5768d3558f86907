"""A client's words and three or four responses to weigh. The options are graded in the
spec (one strongest, at least one partly helpful), shown in a fixed shuffled order, and
kept in length balance, so the strongest cannot be found by its place or its size."""

import statistics

import ipywidgets as widgets

from .. import text
from .base import ExerciseType, Field, NonEmpty, text_box
from .order import seeded_order, sentences

KINDS = {
    "best": "The strongest response.",
    "partly": "Partly helpful.",
    "unhelpful": "Less helpful.",
}
MAX_LENGTH_RATIO = 1.3  # the strongest response against the median length of the others
MAX_SENTENCES = 2
INSTEAD = "What would you say instead? Write it in your own words."


class Scenario(ExerciseType):
    name = "scenario"
    summary = "Scenario choice: a client's words, 3-4 graded responses in a fixed shuffled order, feedback on each, and the learner's own response."
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
                "properties": {
                    "response": NonEmpty,
                    "kind": {"enum": list(KINDS), "description": "best (exactly one), partly (at least one) or unhelpful."},
                    "feedback": NonEmpty,
                },
                "required": ["response", "kind", "feedback"],
                "additionalProperties": False,
            },
        },
        "instead": {**NonEmpty, "description": "The label of the box for the learner's own response."},
    }
    required = ["client", "question", "options"]
    without_kernel = (
        "The feedback still appears: the choice is linked to the feedback panel in the browser "
        "(jsdlink from the radio buttons' index to a Stack's selected_index); the chosen response "
        "and the learner's own are kept by the browser."
    )

    @classmethod
    def check(cls, spec):
        options = spec["options"]
        kinds = [o["kind"] for o in options]
        problems = []
        if kinds.count("best") != 1:
            problems.append(("options", f"needs exactly one option of kind 'best' (found {kinds.count('best')})"))
        if "partly" not in kinds:
            problems.append(("options", "needs at least one option of kind 'partly': a defensible choice that is half right"))
        if kinds.count("best") == 1:
            n = kinds.index("best")
            best = options[n]["response"]
            median = statistics.median(len(o["response"]) for o in options if o is not options[n])
            if len(best) > MAX_LENGTH_RATIO * median:
                problems.append((f"options[{n}].response", (
                    f"the strongest response is {len(best)} characters, more than {MAX_LENGTH_RATIO} times the "
                    f"median of the others ({median:g}): shorten it or lengthen the others, so length gives nothing away")))
            if sentences(best) > MAX_SENTENCES:
                problems.append((f"options[{n}].response", f"a model answer is one or two sentences (found {sentences(best)})"))
        return problems

    def shown_options(self) -> list[dict]:
        """The options in the order the learner sees them."""
        options = self.spec["options"]
        return [options[i] for i in seeded_order(self.id, len(options))]

    def fields(self):
        responses = [o["response"] for o in self.shown_options()]
        return [
            # The value kept is the response itself, not its place in the list.
            Field("choice", self.spec["question"], {"kind": "choice", "options": responses, "values": responses}),
            Field("instead", self.spec.get("instead", INSTEAD)),
        ]

    def build(self, sink) -> widgets.Widget:
        options = self.shown_options()
        context = self.spec.get("context")
        situation = widgets.HTML(
            (f'<div class="alliance-context">{text.block(context)}</div>' if context else "")
            + f'<blockquote class="alliance-client">{text.inline(self.spec["client"])}</blockquote>'
            + f'<p class="alliance-question"><strong>{text.inline(self.spec["question"])}</strong></p>'
        )
        choice = widgets.RadioButtons(
            options=[(o["response"], o["response"]) for o in options],
            index=None, description="Your choice", layout=widgets.Layout(width="100%"),
        )
        choice.add_class("alliance-choice")
        # The index, not the value: Stack.selected_index takes a position.
        feedback = widgets.Stack(
            [
                widgets.HTML(
                    f'<div class="alliance-feedback alliance-feedback-{o["kind"]}" role="status">'
                    f'<p><strong>You chose:</strong> {text.inline(o["response"])}</p>'
                    f'<p class="alliance-feedback-kind"><strong>{KINDS[o["kind"]]}</strong></p>'
                    f'{text.block(o["feedback"])}</div>'
                )
                for o in options
            ],
            selected_index=None,
        )
        self.links.append(widgets.jsdlink((choice, "index"), (feedback, "selected_index")))
        self.controls["choice"] = choice
        self.controls["instead"] = text_box(self.spec.get("instead", INSTEAD), rows=3)
        self.connect(sink)
        return self.card(situation, choice, feedback, self.controls["instead"])

    def restore(self, saved):
        saved = dict(saved)
        choice = saved.pop("choice", None)
        # An older journal kept a position; the order has changed since, so it is not restored.
        if isinstance(choice, str) and choice in [o["response"] for o in self.spec["options"]]:
            self.controls["choice"].value = choice
        super().restore(saved)
