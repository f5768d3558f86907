"""The closing lesson's chart of the learner's relationship-skills self-ratings, one row per
lesson. Ratings of the learner's own wellbeing are not skills: they stay out of the chart."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

from ..paths import EXERCISES_DIR
from .base import ExerciseType

WELLBEING_NOTE = (
    "Ratings about your own wellbeing, such as how confident you feel in your own coping, are not skills, "
    "so they are not in this chart. They are yours to reflect on. If they were low, please be kind to yourself, "
    "and think about talking to your tutor, supervisor or GP. In a crisis, call Samaritans on 116 123 or, in an "
    "emergency, 999."
)


@dataclass(frozen=True)
class RowScore:
    row: str  # "lesson:exercise"
    title: str
    rated: int  # statements the learner has rated
    statements: int  # statements there are to rate
    mean: float | None  # on the rating's own scale
    fraction: float | None  # 0 at the lowest point, 1 at the highest
    scale_max: int | None


def skill_ratings(exercises_dir: Path = EXERCISES_DIR) -> list[dict]:
    """Every rating of relationship skills, in lesson order: the chart's rows."""
    from . import load_exercise_file  # the registry imports this module

    rows = []
    for path in sorted(exercises_dir.glob("[0-9][0-9]-*.yaml")):
        for exercise in load_exercise_file(path).values():
            if exercise.name == "rating" and exercise.spec.get("kind") == "skill":
                rows.append({
                    "row": f"{path.stem}:{exercise.id}",
                    "lesson": path.stem,
                    "exercise": exercise.id,
                    "title": f"Lesson {path.stem[:2]}: {exercise.title}",
                    "fields": [field.name for field in exercise.fields()],
                    "min": exercise.spec["scale"]["min"],
                    "max": exercise.spec["scale"]["max"],
                })
    return rows


def row_scores(values: dict[tuple[str, str, str], object], ratings: list[dict]) -> list[RowScore]:
    """Average each rating's statements; `values` maps (lesson, exercise, field) to an answer."""
    scores = []
    for rating in ratings:
        raw = [v for f in rating["fields"] if isinstance(v := values.get((rating["lesson"], rating["exercise"], f)), int)
               and rating["min"] <= v <= rating["max"]]
        statements = len(rating["fields"])
        if raw:
            mean = sum(raw) / len(raw)
            fraction = (mean - rating["min"]) / (rating["max"] - rating["min"])
            scores.append(RowScore(rating["row"], rating["title"], len(raw), statements, mean, fraction, rating["max"]))
        else:
            scores.append(RowScore(rating["row"], rating["title"], 0, statements, None, None, None))
    return scores


def chart_html(scores: list[RowScore]) -> str:
    """A table of bars: every value is also written in words, for screen readers and print."""
    rows = []
    for s in scores:
        if s.mean is None:
            bar, words = "", "Not rated yet"
        else:
            bar = f'<span class="alliance-bar" style="width:{round(100 * s.fraction)}%"></span>'
            words = f"{s.mean:.1f} out of {s.scale_max} ({s.rated} of {s.statements} statements rated)"
        rows.append(
            f'<tr data-row="{html.escape(s.row)}"><th scope="row">{html.escape(s.title)}</th>'
            f'<td class="alliance-bar-cell" aria-hidden="true">{bar}</td><td class="alliance-bar-words">{words}</td></tr>'
        )
    return (
        '<table class="alliance-profile-chart"><caption>Your relationship-skills self-ratings, lesson by lesson</caption>'
        '<thead><tr><th scope="col">Self-rating</th><th scope="col"><span class="alliance-visually-hidden">Bar</span></th>'
        '<th scope="col">Your average</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


class Profile(ExerciseType):
    name = "profile"
    summary = "Profile: a chart of the learner's relationship-skills self-ratings from every lesson (wellbeing ratings kept out)."
    without_kernel = "Drawn in the browser from the ratings the browser has kept."

    def fields(self):
        return []  # it shows answers; it keeps none of its own

    def build(self, sink) -> widgets.Widget:
        self.ratings = skill_ratings()
        # The rating map travels with the page, so a browser without a kernel can draw the same chart.
        self.chart = widgets.HTML(chart_html(row_scores({}, self.ratings)))
        self.chart.add_class("alliance-profile")
        self.source = widgets.HTML(
            f'<div class="alliance-profile-source" hidden data-ratings="{html.escape(json.dumps(self.ratings))}"></div>'
        )
        self.refresh = widgets.Button(description="Refresh my chart", icon="refresh",
                                      tooltip="Draw the chart again from your latest ratings",
                                      layout=widgets.Layout(width="auto"))  # room for the whole label
        note = widgets.HTML(f'<p class="alliance-wellbeing-note">{html.escape(WELLBEING_NOTE)}</p>')
        return self.card(self.source, self.chart, self.refresh, note)

    def connect_journal(self, journal, flush) -> None:
        def draw(_=None):
            flush()
            values = {(a.lesson, a.exercise, a.field): a.value for a in journal.answers()}
            self.chart.value = chart_html(row_scores(values, self.ratings))

        self.refresh.on_click(draw)
        draw()
