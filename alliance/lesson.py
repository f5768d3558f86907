"""What runs inside a lesson notebook: one call shows an exercise and keeps its answers.

    lesson = Lesson("01-trust-and-safety")
    lesson.exercise("ts-safe-space")
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from IPython.display import HTML, display

from .exercises import ExerciseType
from .journal import Answer, DebouncedWriter, Journal
from .sources import load_lesson

SAVE_DELAY_ENV = "ALLIANCE_SAVE_DELAY"
STYLESHEET = Path(__file__).parent / "static" / "exercises.css"


class Lesson:
    def __init__(self, lesson_id: str, journal: Journal | None = None, save_delay: float | None = None):
        source = load_lesson(lesson_id)
        self.id = lesson_id
        self.title = source.title
        self.exercises = source.exercises
        self.journal = journal or Journal()
        if save_delay is None:
            save_delay = float(os.environ.get(SAVE_DELAY_ENV, "0.4"))
        self.writer = DebouncedWriter(self.journal, save_delay)
        self._restoring = False
        self.widgets: dict[str, Any] = {}
        # JupyterLab has no page template to style the exercises, so the lesson brings its own.
        display(HTML(f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"))

    def exercise(self, exercise_id: str) -> None:
        """Display an exercise, then bring back the learner's saved answers."""
        exercise = self.exercises[exercise_id]
        widget = exercise.build(lambda field, value: self._save(exercise, field, value))
        display(widget)
        # Restore after display, so answers never enter the notebook's saved output.
        self._restoring = True
        try:
            exercise.restore(self.journal.values(self.id, exercise_id))
        finally:
            self._restoring = False
        exercise.connect_journal(self.journal, self.flush)
        self.widgets[exercise_id] = widget

    def _save(self, exercise: ExerciseType, field, value: Any) -> None:
        if self._restoring:
            return
        position = list(self.exercises).index(exercise.id)
        field_position = [f.name for f in exercise.fields()].index(field.name)
        self.writer.submit(
            Answer(
                lesson=self.id, exercise=exercise.id, field=field.name, value=value,
                shown=field.shown(value) if value is not None else "", label=field.label,
                lesson_title=self.title, exercise_title=exercise.title,
                position=position, field_position=field_position,
            )
        )

    def flush(self) -> None:
        """Write any answer still waiting for the learner to pause."""
        self.writer.flush()
