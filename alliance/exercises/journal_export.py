"""A button that saves the whole journal as files the learner can keep or share."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..journal import JournalError, cause, default_export_dir, export_files
from ..visit import download_link, shared_voila
from .base import ExerciseType


def fitted() -> widgets.Layout:
    return widgets.Layout(width="auto")  # a button as wide as its words, not cut off


OWN_WORDS = {
    "save": "Save my journal", "save_tip": "Save every answer from every lesson as files on this computer",
    "delete": "Delete my journal…", "delete_tip": "Delete every answer on this computer, after you confirm",
    "confirm": "Yes, delete every answer",
    "question": "<p><strong>Delete every answer, from every lesson, on this computer?</strong> "
                "This cannot be undone. Files you saved with \"Save my journal\" are not touched.</p>",
}
VISIT_WORDS = {
    "save": "Download my answers", "save_tip": "Download the answers you gave on this page, through your browser",
    "delete": "Clear my answers…", "delete_tip": "Clear the answers you gave on this page, after you confirm",
    "confirm": "Yes, clear my answers",
    "question": "<p><strong>Clear every answer you gave on this page?</strong> This cannot be undone. "
                "Files you downloaded are not touched.</p>",
}


class JournalExport(ExerciseType):
    name = "journal-export"
    summary = "Journal export: saves every answer as Markdown and HTML files, or deletes them after confirmation."
    without_kernel = "Becomes the page's \"Download my answers\" button, reading the answers the browser has kept."

    def fields(self):
        return []

    def build(self, sink) -> widgets.Widget:
        # Under Voilà without a hub the answers are this visit's, and leave only through the browser.
        self.visit = shared_voila()
        words = VISIT_WORDS if self.visit else OWN_WORDS
        self.button = widgets.Button(description=words["save"], icon="download", button_style="primary",
                                     tooltip=words["save_tip"], layout=fitted())
        self.delete = widgets.Button(description=words["delete"], icon="trash", tooltip=words["delete_tip"],
                                     layout=fitted())
        self.confirm = widgets.Button(description=words["confirm"], button_style="danger", layout=fitted())
        self.keep = widgets.Button(description="Keep my answers", layout=fitted())
        self.confirmation = widgets.VBox([
            widgets.HTML(words["question"]),
            widgets.HBox([self.keep, self.confirm]),
        ], layout=widgets.Layout(display="none"))
        self.status = widgets.HTML('<p class="alliance-status" role="status"></p>')
        return self.card(widgets.HBox([self.button, self.delete]), self.confirmation, self.status)

    def connect_journal(self, journal, flush) -> None:
        def say(sentence: str, extra: str = "") -> None:
            self.status.value = f'<p class="alliance-status" role="status">{html.escape(sentence)}</p>{extra}'

        def save(_):
            if self.visit:
                flush()
                say("Your answers from this page, ready to keep:",
                    download_link(journal.answers(), "reflective-journal.md"))
                return
            folder = default_export_dir()
            try:
                flush()
                answers = journal.answers()
                files = export_files(answers, folder)
            except JournalError as error:
                say(f"Your journal could not be saved as files: {error}")
                return
            except OSError as error:
                say(f"Your journal could not be saved to {folder}, because {cause(error)}. "
                    "Nothing was lost; your answers are still in the journal.")
                return
            listed = "".join(f"<li><code>{html.escape(str(f))}</code></li>" for f in files)
            kept = ""
            if journal.problem or journal.unsaved:
                kept = (" Some of these answers are kept only in this lesson, not in your journal, "
                        "so these files are your copy of them.")
            say(f"Saved {len(answers)} answer(s).{kept} Your journal is in these files, ready to keep or to share "
                "if you choose:", f"<ul>{listed}</ul>")

        def ask(_):
            self.confirmation.layout.display = "flex"

        def keep(_):
            self.confirmation.layout.display = "none"
            say("Nothing was deleted.")

        def delete(_):
            self.confirmation.layout.display = "none"
            flush()
            try:
                count = journal.clear()
            except JournalError as error:
                say(f"Nothing was deleted: {error}")
                return
            if self.visit:
                say(f"Cleared {count} answer(s) from this page. The exercises still show them until you reload it.")
                return
            say(f"Deleted {count} answer(s) from this computer. Lessons that are still open show your old answers "
                "until you close them; close them without typing, or those answers will be saved again.")

        self.button.on_click(save)
        self.delete.on_click(ask)
        self.keep.on_click(keep)
        self.confirm.on_click(delete)
