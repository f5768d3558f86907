"""The closing lesson's profile: the learner's own benefit ratings, as a bar chart."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

from ..paths import EXERCISES_DIR
from .base import ExerciseType
from .benefits import BENEFITS


@dataclass(frozen=True)
class BenefitScore:
    benefit: str
    title: str
    rated: int  # statements the learner has rated
    statements: int  # statements there are to rate
    mean: float | None  # on the rating's own scale
    fraction: float | None  # 0 at the lowest point, 1 at the highest
    scale_max: int | None


def benefit_ratings(exercises_dir: Path = EXERCISES_DIR) -> dict[str, list[dict]]:
    """For each benefit, the rating exercises that describe it, from every lesson."""
    from . import load_exercise_file  # the registry imports this module

    found: dict[str, list[dict]] = {benefit: [] for benefit in BENEFITS}
    for path in sorted(exercises_dir.glob("*.yaml")):
        for exercise in load_exercise_file(path).values():
            benefit = exercise.spec.get("benefit") if exercise.name == "rating" else None
            if benefit:
                found[benefit].append({
                    "lesson": path.stem,
                    "exercise": exercise.id,
                    "fields": [field.name for field in exercise.fields()],
                    "min": exercise.spec["scale"]["min"],
                    "max": exercise.spec["scale"]["max"],
                })
    return found


def benefit_scores(values: dict[tuple[str, str, str], object], ratings: dict[str, list[dict]]) -> list[BenefitScore]:
    """Average each benefit's ratings; `values` maps (lesson, exercise, field) to an answer."""
    scores = []
    for benefit, title in BENEFITS.items():
        raw, fractions, tops = [], [], set()
        statements = sum(len(r["fields"]) for r in ratings.get(benefit, []))
        for rating in ratings.get(benefit, []):
            for field in rating["fields"]:
                value = values.get((rating["lesson"], rating["exercise"], field))
                if isinstance(value, int) and rating["min"] <= value <= rating["max"]:
                    raw.append(value)
                    fractions.append((value - rating["min"]) / (rating["max"] - rating["min"]))
                    tops.add(rating["max"])
        if raw:
            scores.append(BenefitScore(benefit, title, len(raw), statements, sum(raw) / len(raw),
                                       sum(fractions) / len(fractions), tops.pop() if len(tops) == 1 else None))
        else:
            scores.append(BenefitScore(benefit, title, 0, statements, None, None, None))
    return scores


def chart_html(scores: list[BenefitScore]) -> str:
    """A table of bars: every value is also written in words, for screen readers and print."""
    rows = []
    for s in scores:
        if s.mean is None:
            bar, words = "", "Not rated yet"
        else:
            bar = f'<span class="alliance-bar" style="width:{round(100 * s.fraction)}%"></span>'
            level = f"{s.mean:.1f} out of {s.scale_max}" if s.scale_max else f"{round(100 * s.fraction)}% of the scale"
            words = f"{level} ({s.rated} of {s.statements} statements rated)"
        rows.append(
            f'<tr data-benefit="{s.benefit}"><th scope="row">{html.escape(s.title)}</th>'
            f'<td class="alliance-bar-cell" aria-hidden="true">{bar}</td><td class="alliance-bar-words">{words}</td></tr>'
        )
    return (
        '<table class="alliance-profile-chart"><caption>Your average self-rating for each benefit</caption>'
        '<thead><tr><th scope="col">Benefit</th><th scope="col"><span class="alliance-visually-hidden">Bar</span></th>'
        '<th scope="col">Your ratings</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


class Profile(ExerciseType):
    name = "profile"
    summary = "Profile: a bar chart of the learner's own benefit ratings from every lesson."
    without_kernel = "Drawn in the browser from the ratings the browser has kept."

    def fields(self):
        return []  # it shows answers; it keeps none of its own

    def build(self, sink) -> widgets.Widget:
        self.ratings = benefit_ratings()
        # The rating map travels with the page, so a browser without a kernel can draw the same chart.
        self.chart = widgets.HTML(chart_html(benefit_scores({}, self.ratings)))
        self.chart.add_class("alliance-profile")
        self.source = widgets.HTML(
            f'<div class="alliance-profile-source" hidden data-ratings="{html.escape(json.dumps(self.ratings))}"></div>'
        )
        self.refresh = widgets.Button(description="Refresh my profile", icon="refresh",
                                      tooltip="Draw the chart again from your latest ratings",
                                      layout=widgets.Layout(width="auto"))  # room for the whole label
        return self.card(self.source, self.chart, self.refresh)

    def connect_journal(self, journal, flush) -> None:
        def draw(_=None):
            flush()
            values = {(a.lesson, a.exercise, a.field): a.value for a in journal.answers()}
            self.chart.value = chart_html(benefit_scores(values, self.ratings))

        self.refresh.on_click(draw)
        draw()
