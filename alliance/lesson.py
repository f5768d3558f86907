"""What runs inside a lesson notebook: one call shows an exercise and keeps its answers.

    lesson = Lesson("01-trust-and-safety")
    lesson.exercise("ts-safe-space")

A journal that can't be used never stops a lesson: its exercises still work, their
answers are kept in memory while the lesson is open, and one plain notice says why and
what to do.
"""

from __future__ import annotations

import html
import os
import threading
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from .exercises import ExerciseType
from .journal import Answer, DebouncedWriter, Journal, JournalError
from .sources import load_lesson
from .visit import KEPT_FOR_THE_VISIT, download_link, shared_voila, visit_journal_path

SAVE_DELAY_ENV = "ALLIANCE_SAVE_DELAY"
STYLESHEET = Path(__file__).parent / "static" / "exercises.css"
KEPT_IN_MEMORY = "Until then, the answers you give in this lesson are kept only while it is open."
SAVING_AGAIN = "Your journal works again: your answers are being saved."


def notice_html(sentence: str) -> str:
    return ('<p class="alliance-notice" role="alert" style="border-left:4px solid #b45309;'
            f'background:#fff7ed;padding:.5em 1em;margin:.5em 0">{html.escape(sentence)}</p>')


class Lesson:
    def __init__(self, lesson_id: str, journal: Journal | None = None, save_delay: float | None = None):
        source = load_lesson(lesson_id)
        self.id = lesson_id
        self.title = source.title
        self.exercises = source.exercises
        #: Under Voilà without a hub, many visitors share one server: each visit keeps its own journal.
        self.visit = journal is None and shared_voila()
        self.journal = journal or Journal(visit_journal_path() if self.visit else None)
        if save_delay is None:
            save_delay = float(os.environ.get(SAVE_DELAY_ENV, "0.4"))
        self.writer = DebouncedWriter(self.journal, save_delay, on_flush=self._after_flush)
        self._restoring = False
        self.widgets: dict[str, Any] = {}
        #: One notice, shown only when answers can't be saved: in the set-up cell if the
        #: journal can't be used from the start, else in each exercise shown.
        #: Made only when needed, so a lesson whose journal works adds no widget at all.
        self.notice: widgets.HTML | None = None
        self._notice_lock = threading.Lock()
        self._notice_said: str | None = None
        self._notice_in_cards = False
        # JupyterLab has no page template to style the exercises, so the lesson brings its own.
        display(HTML(f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"))
        if self.visit:
            display(self._visit_download())
        if self.journal.problem:
            self._tell(f"{self.journal.problem} {KEPT_IN_MEMORY}", place=lambda: display(self.notice))

    def exercise(self, exercise_id: str) -> None:
        """Display an exercise, then bring back the learner's saved answers."""
        exercise = self.exercises[exercise_id]
        widget = exercise.build(lambda field, value: self._save(exercise, field, value))
        with self._notice_lock:
            if self._notice_in_cards:
                widget.children += (self.notice,)
            self.widgets[exercise_id] = widget
        display(widget)
        # Restore after display, so answers never enter the notebook's saved output.
        self._restoring = True
        try:
            exercise.restore(self.journal.values(self.id, exercise_id))
        except JournalError as error:
            self._tell(str(error))
        finally:
            self._restoring = False
        try:
            exercise.connect_journal(self.journal, self.flush)
        except JournalError as error:
            self._tell(str(error))

    def _visit_download(self) -> widgets.Widget:
        """What a Voilà visitor gets instead of a journal on their own computer: their answers,
        downloaded through their browser."""
        button = widgets.Button(description="Download my answers", icon="download", layout=widgets.Layout(width="auto"))
        link = widgets.HTML()

        def offer(_):
            self.flush()
            link.value = download_link(self.journal.answers(), f"my-answers-{self.id}.md")

        button.on_click(offer)
        return widgets.VBox([widgets.HTML(notice_html(KEPT_FOR_THE_VISIT)), widgets.HBox([button, link])],
                            _dom_classes=["alliance-visit"])

    def _save(self, exercise: ExerciseType, field, value: Any) -> None:
        if self._restoring:
            return
        position = list(self.exercises).index(exercise.id)
        field_position = [f.name for f in exercise.fields()].index(field.name)
        answer = Answer(
            lesson=self.id, exercise=exercise.id, field=field.name, value=value,
            shown=field.shown(value) if value is not None else "", label=field.label,
            lesson_title=self.title, exercise_title=exercise.title,
            position=position, field_position=field_position,
        )
        try:
            self.writer.submit(answer)
        except JournalError as error:
            self._after_flush(error)
        else:
            if self.writer.delay <= 0:
                self._after_flush(None)

    def flush(self) -> None:
        """Write any answer still waiting for the learner to pause. A problem is shown in
        the lesson's notice, never raised into an exercise."""
        try:
            self.writer.flush()
        except JournalError as error:
            self._after_flush(error)
        else:
            self._after_flush(None)

    # The notice.

    def _after_flush(self, error: JournalError | None) -> None:
        if error is not None:
            self._tell(f"{error} They are kept while this lesson is open, and saving is tried again as you type.")
        elif self.journal.problem:
            self._tell(f"{self.journal.problem} {KEPT_IN_MEMORY}")
        elif self._notice_said is not None and not self.journal.unsaved:
            self._tell(SAVING_AGAIN)

    def _tell(self, sentence: str, place=None) -> None:
        with self._notice_lock:
            if sentence == self._notice_said:
                return
            self._notice_said = sentence
            if self.notice is None:
                self.notice = widgets.HTML()
            self.notice.value = notice_html(sentence)
            if place is not None:
                place()
            elif not self._notice_in_cards and sentence != SAVING_AGAIN:
                # Shown after the set-up cell ran: add it where the learner is working.
                self._notice_in_cards = True
                for card in self.widgets.values():
                    card.children += (self.notice,)
