import math

import ipywidgets as widgets

from .. import text
from .base import ExerciseType, Field, NonEmpty, text_box

TICK_SECONDS = 0.5  # smooth enough for a growing or shrinking circle

SMALL, LARGE = 40, 140  # circle diameter in pixels


class GuidedPractice(ExerciseType):
    """A paced animation: a Play widget jsdlinked to a Stack of frames, so it runs in the
    browser with or without a kernel."""

    name = "guided-practice"
    summary = "Guided practice: timed steps, such as paced breathing or a grounding sequence."
    properties = {
        "steps": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "say": NonEmpty,
                    "seconds": {"type": "number", "minimum": 1, "maximum": 60},
                    "shape": {"enum": ["grow", "shrink", "hold"], "default": "hold"},
                },
                "required": ["say", "seconds"],
                "additionalProperties": False,
            },
        },
        "follow_up": {**NonEmpty, "description": "Optional question answered after the practice."},
        "repeat": {"type": "boolean", "default": True, "description": "Loop the steps (breathing) or run them once (grounding)."},
    }
    required = ["steps"]
    without_kernel = "The pacer runs in the browser (Play jsdlinked to the frames); the follow-up box works too."

    def fields(self):
        follow_up = self.spec.get("follow_up")
        return [Field("note", follow_up)] if follow_up else []

    def tick(self) -> float:
        """Seconds per frame. Steps that only count down (a grounding sequence) need a frame
        only as often as the countdown changes: every few seconds, not every half second."""
        steps = self.spec["steps"]
        if any(step.get("shape", "hold") != "hold" for step in steps):
            return TICK_SECONDS
        seconds = [step["seconds"] for step in steps]
        return float(math.gcd(*map(int, seconds))) if all(float(s).is_integer() for s in seconds) else 1.0

    def frames(self) -> list[tuple[str, int, int]]:
        """(words, seconds left in the step, circle size) for each tick of one cycle."""
        frames, size, tick = [], SMALL, self.tick()
        for step in self.spec["steps"]:
            ticks = max(1, round(step["seconds"] / tick))
            start = size
            end = {"grow": LARGE, "shrink": SMALL}.get(step.get("shape", "hold"), start)
            for t in range(ticks):
                left = math.ceil((ticks - t) * tick)
                size = round(start + (end - start) * (t + 1) / ticks)
                frames.append((step["say"], left, size))
        return frames

    def build(self, sink) -> widgets.Widget:
        frames = self.frames()
        stack = widgets.Stack(
            [
                widgets.HTML(
                    # Kept short: a practice can have a hundred frames, and each travels in the page.
                    f'<div class="alliance-pacer"><div class="alliance-circle" aria-hidden="true" '
                    f'style="width:{size}px;height:{size}px;margin:0 {(LARGE - size) // 2}px"></div>'
                    f"<p>{text.inline(words)} … {left}</p></div>"
                )
                for words, left, size in frames
            ],
            selected_index=0,
        )
        play = widgets.Play(
            value=0, min=0, max=len(frames) - 1, step=1, interval=int(self.tick() * 1000),
            repeat=self.spec.get("repeat", True), show_repeat=False, description="Pacer",
        )
        self.links.append(widgets.jsdlink((play, "value"), (stack, "selected_index")))
        hint = widgets.HTML("<p>Press the play button to start, and press it again to pause. Stop whenever you like.</p>")
        children = [hint, play, stack]
        if self.fields():
            self.controls["note"] = text_box(self.spec["follow_up"], rows=3)
            children.append(self.controls["note"])
        self.connect(sink)
        return self.card(*children)
