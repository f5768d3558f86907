"""Stage 5b: the printable trainer pack, from the same sources as the lessons.

Each lesson's pack (site/pack/NN-name.pdf) holds the session plan as a one-page
timetable, the facilitator notes with what to print, the learner handout, the client
cards (one a page), the observer sheet (one a page, a copy for each observer), the
answers to the scenarios and checks, and blank worksheets for the lesson's exercises. The
course pack (site/pack/course-pack.pdf) renders content/course-pack.md: the course
overview as site.py computes it, the ground rules from lesson 00's facilitator notes, how
to run a triad, a safeguarding template and a sign-posting sheet.

Every pack is HTML with its own print styles, printed to PDF by Debian's Chromium through
Playwright (one browser for the whole build, pages printed side by side). A PDF carries
its build key in its metadata, so one whose inputs are unchanged is reused, not printed.
Nothing is loaded from outside: system fonts only, and every request is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from . import text
from .decks import GRADES, LETTERS, RISK, sentences  # scenarios graded and lettered as the slides show them
from .exercises import SpecError, SpecProblem, read_source
from .notebooks import outcomes_markdown
from .paths import CONTENT_DIR, shown
from .seminars import ANCHORS, FEEDBACK_ORDER
from .sources import section

CHROMIUM = Path("/usr/bin/chromium")
# Without these, Chromium reaches for Google's services, which a trainer's machine may not reach.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Paper: (name Chromium knows, width and height of the printable area in mm inside MARGIN).
PAPERS = {"a4": ("A4", 210, 297), "letter": ("Letter", 215.9, 279.4)}
MARGIN = 14  # mm on every side: inside what office printers can reach
KEY_PREFIX = "alliance-pack-key:"
COURSE_SOURCE = "course-pack.md"
# Exercises with nothing to write on paper: a chart of the learner's own ratings, and journal buttons.
NOT_ON_PAPER = {"profile", "journal-export"}
PARALLEL_PAGES = 2  # pages printed at once in the one browser
# Chromium fills in the page numbers; the bottom margin has room for them.
FOOTER = ('<div style="width:100%;text-align:center;font:8pt Liberation Sans,DejaVu Sans,sans-serif;color:#333">'
          'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


class PackError(RuntimeError):
    """The pack cannot be printed on this machine (no Chromium)."""


def require_chromium() -> None:
    """Checked before the build writes anything, so a missing browser leaves site/ as it was."""
    try:
        import playwright  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError:
        raise PackError("printing the trainer pack needs Playwright and pypdf: install them with "
                        "`pip install -e '.[build]'` in the checkout (`make html` does this for you).") from None
    if not CHROMIUM.exists():
        raise PackError(f"printing the trainer pack needs Debian's Chromium at {CHROMIUM}: "
                        "install it with `sudo apt-get install chromium` (`make html` does this for you).")


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


# ---- Markdown: trusted text, but never raw HTML. ----

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes", "table"])
esc = html.escape


def _section(lesson, heading: str) -> str | None:
    """The Markdown under a lesson's `## heading`, without the heading; None if it has none."""
    return section("\n\n".join(b.text for b in lesson.blocks if b.kind == "markdown"), heading) or None


def _facilitator_block(lesson, title: str) -> str | None:
    return next((b.text for b in lesson.blocks if b.kind == "facilitator" and b.title == title), None)


def _block(info: str) -> tuple[str, str, str]:
    """A course-pack block's name, and for {facilitator-notes} the lesson and the notes' title:
    ```{facilitator-notes} 00-name | Title``` gives ("facilitator-notes", "00-name", "Title")."""
    name, _, argument = info.partition("}")
    lesson_id, _, title = argument.partition("|")
    return name.strip("{ "), lesson_id.strip(), title.strip()


# ---- The course pack's source: content/course-pack.md, checked with the lessons. ----

@dataclass(frozen=True)
class CourseSource:
    path: Path
    markdown: str


def load_course(lessons, content_dir: Path = CONTENT_DIR) -> CourseSource | None:
    """Read and check content/course-pack.md (None if there is none: then no course pack),
    and that every lesson with a seminar has what its handout prints. Raises SpecError
    naming the file and what is wrong."""
    problems = []
    for lesson in lessons:
        for heading in ("Key points", "References"):
            if lesson.seminar and _section(lesson, heading) is None:
                problems.append(SpecProblem(shown(lesson.files[0]), "", f"## {heading}",
                                            "is missing: the learner handout in the trainer pack prints it"))
    path = content_dir / COURSE_SOURCE
    file = shown(path)
    try:
        markdown = read_source(path)
    except FileNotFoundError:
        markdown = None
    by_id = {lesson.id: lesson for lesson in lessons}
    for token in _md.parse(markdown or ""):
        if token.type != "fence" or not token.info.startswith("{"):
            continue
        name, lesson_id, title = _block(token.info)
        if name == "facilitator-notes":
            if lesson_id not in by_id:
                problems.append(SpecProblem(file, "", "facilitator-notes", f"'{lesson_id}' is not a lesson"))
            elif _facilitator_block(by_id[lesson_id], title) is None:
                problems.append(SpecProblem(file, "", "facilitator-notes",
                                            f"content/{lesson_id}.md has no facilitator block titled '{title}'"))
        elif name not in ("overview", "triad-rounds"):
            problems.append(SpecProblem(file, "", name, "is not a block the course pack knows: use {overview}, "
                                        "{triad-rounds} or {facilitator-notes} lesson-id | block title"))
    if problems:
        raise SpecError(problems)
    return CourseSource(path, markdown) if markdown is not None else None


# ---- Print styles: one page per sheet, shrunk to fit if a sheet runs long. ----

def _css(paper: str) -> str:
    name, width, height = PAPERS[paper]
    return f"""
@page {{ size: {name}; margin: {MARGIN}mm; }}
html {{ font: 10.5pt/1.4 "Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; }}
body {{ margin: 0; }}
.sheet {{ width: {width - 2 * MARGIN}mm; break-after: page; }}
.sheet:last-child {{ break-after: auto; }}
.running {{ font-size: 8.5pt; color: #333; border-bottom: 0.5pt solid #666; padding-bottom: 1mm; margin-bottom: 3mm; }}
h1 {{ font-size: 17pt; margin: 0 0 2mm; }}
h2 {{ font-size: 12.5pt; margin: 4mm 0 1.5mm; }}
h3 {{ font-size: 11pt; margin: 3mm 0 1mm; }}
p, ul, ol {{ margin: 0 0 2mm; }}
ul, ol {{ padding-left: 5mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; break-inside: auto; }}
th, td {{ border: 0.5pt solid #555; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
thead th {{ background: #e6e6e6; }}
tr {{ break-inside: avoid; }}
td:empty {{ width: 22%; height: 8mm; }}  /* a blank to fill in by hand */
a {{ color: inherit; text-decoration: none; }}
.note {{ font-size: 9pt; color: #222; }}
.box {{ font-family: "DejaVu Sans", sans-serif; }}
.checklist {{ list-style: none; padding-left: 0; }}
.checklist li {{ padding-left: 6mm; text-indent: -6mm; }}
.blank {{ display: inline-block; min-width: 40mm; border-bottom: 0.5pt solid #000; }}
.lines {{ margin: 1mm 0 3mm; }}
.lines div {{ height: 8mm; border-bottom: 0.5pt solid #888; }}
.card {{ border: 1pt dashed #000; padding: 5mm; box-sizing: border-box; }}
.card h1 {{ font-size: 20pt; }}
.card .opening {{ font-size: 14pt; margin: 2mm 0 3mm; padding-left: 4mm; border-left: 2pt solid #000; }}
.worksheet {{ break-inside: avoid-page; margin-bottom: 6mm; }}
.template {{ border: 1.5pt solid #000; padding: 2mm 3mm; font-weight: bold; }}
"""


# Shrink a sheet's text in small steps until it fits the pages it may take (data-pages), or,
# for a sheet that runs on, until a last page holding only a few lines is no longer needed.
FIT_SCRIPT = """
([heightMm]) => {
  const room = heightMm * 96 / 25.4 * 0.97;
  for (const sheet of document.querySelectorAll('.sheet')) {
    const pages = Math.ceil(sheet.scrollHeight / room);
    const fixed = Number(sheet.dataset.pages || 0);
    const nearlyEmpty = pages > 1 && sheet.scrollHeight - (pages - 1) * room < room / 4;
    const target = Math.min(fixed || pages, nearlyEmpty ? pages - 1 : pages);
    let size = 10.5;
    const smallest = fixed && pages > fixed ? 6.5 : 9;  // only a sheet over its pages shrinks further
    while (sheet.scrollHeight > target * room && size > smallest) {
      size -= 0.25;
      sheet.style.fontSize = size + 'pt';
    }
  }
}
"""


def _document(title: str, paper: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{_css(paper)}</style></head><body>\n{body}\n</body></html>\n")


def _sheet(running: str, heading: str, body: str, pages: int | None = 1, css_class: str = "") -> str:
    fit = f' data-pages="{pages}"' if pages else ""
    return (f'<section class="sheet {css_class}"{fit}><p class="running">{esc(running)}</p>'
            f"<h1>{esc(heading)}</h1>\n{body}</section>")


def _lines(count: int) -> str:
    return '<div class="lines">' + "<div></div>" * count + "</div>"


def _boxes(labels: list[str]) -> str:
    return '<ul class="checklist">' + "".join(f'<li><span class="box">☐</span> {label}</li>' for label in labels) + "</ul>"


# ---- A lesson's pack ----

def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _used_name(lesson, used: str) -> str:
    seminar = lesson.seminar
    if used.startswith("card:"):
        card = next(c for c in seminar.cards if f"card:{c['id']}" == used)
        return f"Client card: {esc(card['client'])} (one for the client in that round)"
    if used.startswith("sheet:"):
        return f"{esc(seminar.sheet['title'])} (one copy for each observer)"
    exercise = lesson.exercises[used]
    paper = "" if exercise.name in NOT_ON_PAPER else " (blank worksheet in this pack)"
    return f"Exercise: “{text.inline(exercise.title)}”{paper}"


def plan_html(lesson, running: str) -> str:
    seminar = lesson.seminar
    rows, used_at, self_study = [], {}, []
    for start, end, segment in seminar.timetable():
        kind = segment["kind"].replace("-", " ").capitalize()
        topics = f" <em>Teaches: {esc('; '.join(segment['topics']))}.</em>" if segment.get("topics") else ""
        rows.append(f"<tr><td>{_clock(start)}</td><td>{segment['minutes']}</td>"
                    f"<td><strong>{esc(kind)}.</strong> {text.inline(segment['activity'])}{topics}</td></tr>")
        for used in segment.get("uses", []):
            # What the check-out sets as self-study goes on one line, not one line each.
            (self_study if segment["kind"] == "check-out" else used_at.setdefault(used, [])).append(
                used if segment["kind"] == "check-out" else _clock(start))
    materials = ["The learner handout from this pack, one for each learner"]
    materials += [f"{_used_name(lesson, used)}: at {', '.join(times)}" for used, times in used_at.items()]
    on_paper = [f"“{text.inline(lesson.exercises[u].title)}”" for u in self_study
                if u not in used_at and lesson.exercises[u].name not in NOT_ON_PAPER]
    if on_paper:
        materials.append(f"Set as self-study at the check-out (blank worksheets in this pack, if learners want paper): "
                         f"{', '.join(on_paper)}")
    body = (f"<p>{seminar.minutes} minutes in all. Session starts at <span class=\"blank\"></span> "
            "(times below are from the start).</p>"
            '<table><thead><tr><th scope="col">From</th><th scope="col">Min</th><th scope="col">What happens</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table><h2>Materials checklist</h2>{_boxes(materials)}")
    return _sheet(running, f"Session plan ({seminar.minutes} minutes)", body)


def notes_html(lesson, running: str) -> str:
    """Every facilitator note of the lesson, in its order: the plan names them, so the pack carries them."""
    notes = [f"<h2>{esc(b.title)}</h2>{_md.render(b.text)}" for b in lesson.blocks if b.kind == "facilitator"]
    body = ('<p class="note">For the facilitator, not for handing out: the notes the session plan refers to by name, '
            f"as the facilitator edition shows them. The session's slides are <strong>slides/{esc(lesson.id)}.html</strong> on the "
            "course's copy of the site: S opens the speaker view with these notes beside each slide.</p>"
            + printing_html(lesson) + "".join(notes))
    return _sheet(running, "Facilitator notes", body, pages=None, css_class="notes")


RISK_NOTE = ('<p class="note"><strong>This scenario is about suicide or self-harm.</strong> You may skip it, '
             "or stop at any time. If it stirs things up, talk to your tutor; Samaritans are free on 116 123.</p>")


def answers_html(lesson, running: str) -> str | None:
    """The answers to the worksheets' scenarios and checks, lettered as the worksheets print them:
    for the facilitator, since the paper worksheets carry no feedback."""
    parts = []
    for exercise in lesson.exercises.values():
        if exercise.name == "scenario":
            options = exercise.shown_options()
            grades = "; ".join(f"{GRADES[kind].lower()}: {', '.join(LETTERS[n] for n, o in enumerate(options) if o['kind'] == kind)}"
                               for kind in GRADES if any(o["kind"] == kind for o in options))
            best = next(o for o in options if o["kind"] == "best")
            parts.append(f"<h2>{text.inline(exercise.title)}</h2><p>{_capital(grades)}.</p>"
                         f"<p class=\"note\">{text.inline(best['feedback'])}</p>")
        elif exercise.name == "knowledge-check":
            rows = []
            for n, question in enumerate(exercise.spec["questions"], start=1):
                shown = exercise.shown_options(question)
                right = ", ".join(LETTERS[k] for k, o in enumerate(shown) if o["correct"])
                why = " ".join(text.inline(o["explanation"]) for o in shown if o["correct"])
                rows.append(f"<li><strong>{n}: {right}.</strong> {why}</li>")
            parts.append(f"<h2>{text.inline(exercise.title)}</h2><ol class=\"note\">{''.join(rows)}</ol>")
    if not parts:
        return None
    return _sheet(running, "Answers for the facilitator", "<p class=\"note\">The worksheets carry no feedback, "
                  "so that learners choose for themselves: go through these together afterwards.</p>" + "".join(parts),
                  pages=None)


def printing_html(lesson) -> str:
    """What to print, and how many, for a group: the plan's materials in copies."""
    practice = [s for s in lesson.seminar.plan if s["kind"] == "practice"]
    rounds = sum(max(1, len([u for u in s.get("uses", []) if u.startswith("card:")])) for s in practice)
    return ("<h2>What to print for a group</h2><ul>"
            "<li>This plan and these notes: one for each facilitator.</li>"
            "<li>The learner handout: one for each learner.</li>"
            "<li>The client cards: one set for each three (a card a round; the client reads it, then hands it back).</li>"
            f"<li>The observer sheet: one for each observer in each round ({rounds} round{'s' if rounds != 1 else ''} "
            "today), so about as many as there are learners.</li>"
            "<li>The worksheets: only if learners want paper; the lesson itself works on screen.</li>"
            "<li>The course pack's sign-posting sheet, for anyone who wants it.</li></ul>"
            "<p>Print single-sided at 100% (actual size): every card and sheet starts a page of its own, "
            "so double-sided printing would put one card on the back of another.</p>")


def handout_html(lesson, running: str) -> str:
    body = (f"<p>{text.inline(lesson.summary)}</p>"
            f"{text.block(outcomes_markdown(lesson.seminar))}"
            f"<h2>Key points</h2>{_md.render(_section(lesson, 'Key points'))}"
            f"<h2>References</h2><div class=\"note\">{_md.render(_section(lesson, 'References'))}</div>"
            "<h2>Where to find the lesson</h2>"
            f"<p>On the course's copy of the site: <strong>learner/{esc(lesson.id)}.html</strong> (open "
            f"<strong>index.html</strong> and choose the lesson). In JupyterLab: <strong>notebooks/{esc(lesson.id)}.ipynb</strong>, "
            "then <em>Run ▸ Run All Cells</em>. Your answers stay on your own computer.</p>"
            '<p class="note">This is for learning, not therapy. If the lesson stirs things up, talk to your tutor, '
            "supervisor or GP; in the UK, Samaritans are free on 116 123, any time, or call 999 in an emergency.</p>")
    return _sheet(running, "Learner handout", body, pages=2)


def card_html(card: dict, running: str) -> str:
    body = (f"<p><em>A fictional client, for role-play only. Play the card as written; say “pause” to step out at any time.</em></p>"
            f"<h2>Background</h2><p>{text.inline(card['background'])}</p>"
            f"<h2>What they say first</h2><p class=\"opening\">“{text.inline(card['opening'])}”</p>"
            f"<h2>What they hold back</h2><p>{text.inline(card['holding_back'])}</p>"
            f"<h2>When they feel heard</h2><p>{text.inline(card['good_listening'])}</p>"
            f"<h2>When they don't</h2><p>{text.inline(card['poor_listening'])}</p>"
            "<p class=\"note\">After the round, step out of role: say your own name and one ordinary thing about your "
            "day, then give feedback as yourself.</p>")
    return _sheet(running, f"Client card: {card['client']}", body, css_class="card")


def sheet_html(sheet: dict, running: str) -> str:
    head = "".join(f'<th scope="col">{esc(a)}</th>' for a in ANCHORS)
    rows = "".join(
        f"<tr><td>{text.inline(b['watch_for'])}</td><td><span class=\"box\">☐</span> {text.inline(b['not_yet'])}</td>"
        + '<td><span class="box">☐</span></td>' * (len(ANCHORS) - 2)
        + f"<td><span class=\"box\">☐</span> {text.inline(b['consistently'])}</td></tr>"
        for b in sheet["behaviours"])
    order = ", then the ".join(FEEDBACK_ORDER)
    body = ("<p><strong>Print one copy for each observer</strong> (a fresh copy for each round).</p>"
            "<p>Round <span class=\"blank\" style=\"min-width:12mm\"></span> Counsellor "
            "<span class=\"blank\"></span> Client card <span class=\"blank\"></span></p>"
            f'<table><thead><tr><th scope="col">Watch for</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
            "<h2>What the counsellor said, word for word, and what the client did next</h2>" + _lines(6)
            + f"<p><strong>Feedback, in this order:</strong> the {order}. Describe what you saw and heard; keep to the "
            "counsellor's skills, not the client's story.</p>")
    return _sheet(running, sheet["title"], body)


# Sentences of a prompt that speak of the screen (buttons, panels, the pacer): paper leaves them out.
SCREEN = re.compile(r"\b(press|open the|button|click|follow the circle|appears? below|redraw|refresh|attempt is kept)", re.I)
PAPER_AFTER = {
    "drill": "Write your response to each statement, then check it against the criteria. The lesson has "
             "example responses to compare with afterwards.",
    "reveal": "The lesson has example responses to compare with afterwards.",
}


def paper_prompt(prompt: str, kind: str) -> str:
    """The exercise's prompt for paper: without its directions for the screen, and saying where
    the examples are instead."""
    kept = [s for s in sentences(prompt) if not SCREEN.search(s)]
    if len(kept) < len(sentences(prompt)):
        kept += [PAPER_AFTER[kind]] if kind in PAPER_AFTER else []
    return " ".join(kept)


PAPER_CHECK_PROMPT = ("<p>Tick the answer you think is right for each question (or every answer that applies, "
                      "where it says so). The lesson explains each answer.</p>")


def worksheet_html(exercise) -> str:
    """A blank worksheet: the exercise's words and room to write, never an answer or feedback."""
    spec, kind = exercise.spec, exercise.name
    parts = [f"<h2>{text.inline(exercise.title)}</h2>"]
    if kind == "scenario":
        parts.append(f"<p>{text.inline(spec['context'])}</p>" if spec.get("context") else "")
        parts.append(f"<p class=\"opening\"><strong>The client:</strong> “{text.inline(spec['client'])}”</p>")
        parts.append(f"<p>{text.inline(spec['question'])}</p>")
        parts.append(RISK_NOTE if RISK.search(" ".join([spec.get("context", ""), spec["client"]])) else "")
        parts.append(_boxes([f"{LETTERS[n]}. {text.inline(o['response'])}" for n, o in enumerate(exercise.shown_options())]))
        parts.append("<h3>What would you say instead?</h3>" + _lines(4))
        return '<article class="worksheet">' + "".join(parts) + "</article>"
    # A knowledge check's prompt speaks of its button; on paper the trainer goes through the answers.
    parts.append(PAPER_CHECK_PROMPT if kind == "knowledge-check" else text.block(paper_prompt(spec["prompt"], kind)))
    if kind == "rating":
        scale = spec["scale"]
        points = range(scale["min"], scale["max"] + 1)
        head = "".join(f'<th scope="col">{n}</th>' for n in points)
        rows = "".join(f"<tr><td>{text.inline(item)}</td>" + '<td class="box">☐</td>' * len(points) + "</tr>"
                       for item in spec["items"])
        parts.append(f"<p class=\"note\">{scale['min']} = {esc(scale['low'])}; {scale['max']} = {esc(scale['high'])}</p>"
                     f'<table><thead><tr><th scope="col">Statement</th>{head}</tr></thead><tbody>{rows}</tbody></table>')
    elif kind == "drill":
        parts.append(f"<p><strong>The skill:</strong> {esc(spec['skill'])}. <strong>Check your response against:</strong> "
                     f"{esc('; '.join(spec['criteria']))}.</p>")
        for statement in spec["statements"]:
            parts.append(f"<h3>{esc(statement['level'].capitalize())}: “{text.inline(statement['client'])}”</h3>" + _lines(2))
    elif kind == "knowledge-check":
        for n, question in enumerate(spec["questions"], start=1):
            parts.append(f"<h3>{n}. {text.inline(question['question'])}</h3>")
            parts.append(_boxes([f"{LETTERS[k]}. {text.inline(o['text'])}" for k, o in enumerate(exercise.shown_options(question))]))
    elif kind == "checklist":
        parts.append(_boxes([text.inline(item) for item in spec["items"]]))
    elif kind == "guided-practice":
        parts.append("<ol>" + "".join(f"<li>{text.inline(s['say'])} ({s['seconds']:g} seconds)</li>" for s in spec["steps"]) + "</ol>")
        if spec.get("follow_up"):
            parts.append(f"<h3>{text.inline(spec['follow_up'])}</h3>" + _lines(4))
    elif kind == "worksheet":
        for box in spec["boxes"]:
            parts.append(f"<h3>{text.inline(box['label'])}</h3>" + _lines(box.get("rows", 3)))
    else:  # reflection, reveal and any free-writing type: the box's label and lines
        label = spec.get("label", "Your response")
        parts.append(f"<h3>{esc(label)}</h3>" + _lines(spec.get("rows", 8)))
    return '<article class="worksheet">' + "".join(parts) + "</article>"


def lesson_html(lesson, paper: str) -> str:
    running = f"Lesson {lesson.id[:2]} · {lesson.title} · Trainer pack"
    sheets = [plan_html(lesson, running), notes_html(lesson, running), handout_html(lesson, running)]
    sheets += [card_html(card, running) for card in lesson.seminar.cards]
    sheets.append(sheet_html(lesson.seminar.sheet, running))
    answers = answers_html(lesson, running)
    sheets += [answers] if answers else []
    worksheets = "".join(worksheet_html(e) for e in lesson.exercises.values() if e.name not in NOT_ON_PAPER)
    sheets.append(_sheet(running, "Worksheets", "<p>Blank, to write on by hand. They are the lesson's exercises; "
                         "answers typed in the lesson stay on the learner's own computer.</p>" + worksheets, pages=None,
                         css_class="worksheets"))
    return _document(f"Trainer pack: Lesson {lesson.id[:2]}, {lesson.title}", paper, "\n".join(sheets))


# ---- The course pack ----

def triad_rounds_html(lessons) -> str:
    """Each lesson's practice rounds, from its session plan: the timings live there, not here."""
    rows = []
    for lesson in (lesson for lesson in lessons if lesson.seminar):
        for start, _, segment in lesson.seminar.timetable():
            if segment["kind"] != "practice":
                continue
            cards = [c["client"] for c in lesson.seminar.cards if f"card:{c['id']}" in segment.get("uses", [])]
            rows.append(f"<tr><td>{esc(lesson.id[:2])} {esc(lesson.title)}</td><td>{_clock(start)}</td>"
                        f"<td>{segment['minutes']}</td><td>{esc(', '.join(cards)) or '(none: own light topics)'}</td></tr>")
    return ('<table><thead><tr><th scope="col">Lesson</th><th scope="col">From</th><th scope="col">Min</th>'
            f'<th scope="col">Client cards</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _course_block(renderer, tokens, idx, options, env) -> str:
    """A course-pack block, filled from what `env` holds: the lessons and the overview."""
    name, lesson_id, title = _block(tokens[idx].info)
    if name == "overview":
        return env["overview"]
    if name == "triad-rounds":
        return triad_rounds_html(env["lessons"])
    if name == "facilitator-notes":
        lesson = next(lesson for lesson in env["lessons"] if lesson.id == lesson_id)
        return (f'<div class="from-lesson"><p class="note">From the facilitator notes of lesson {esc(lesson_id[:2])}, '
                f"“{esc(title)}”:</p>{_md.render(_facilitator_block(lesson, title))}</div>")
    return renderer.fence(tokens, idx, options, env)


_md.add_render_rule("fence", _course_block)  # only course-pack.md has {blocks}; other fences render as code


def course_html(source: CourseSource, lessons, overview: str, paper: str) -> str:
    """content/course-pack.md, each `##` section a sheet; its blocks filled from the lessons."""
    env = {"lessons": lessons, "overview": overview}
    title, _, rest = source.markdown.strip().partition("\n")
    intro, *sections = ("\n" + rest).split("\n## ")
    running = "The therapeutic relationship · Course pack"
    sheets = [_sheet(running, title.removeprefix("# ").strip(), _md.render(intro, env), pages=None)]
    for section in sections:
        heading, _, body = section.partition("\n")
        sheets.append(_sheet(running, heading.strip(), _md.render(body, env), pages=None))
    return _document("Course pack: the therapeutic relationship", paper, "\n".join(sheets))


# ---- Printing, and reuse of what an earlier build printed ----

def pack_key(html_text: str, paper: str) -> str:
    """Changes whenever what a PDF is printed from changes: its HTML (made from the lesson's
    sources and seminar), the paper, and this module (styles and print settings)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(paper.encode())
    digest.update(html_text.encode())
    return digest.hexdigest()[:16]


def key_of(pdf: bytes) -> str | None:
    """The build key a PDF from an earlier build carries, or None if it is not one of ours or unreadable."""
    from pypdf import PdfReader

    try:
        keywords = str((PdfReader(io.BytesIO(pdf)).metadata or {}).get("/Keywords", ""))
    except Exception:  # damaged or not a PDF: print it again
        return None
    return keywords.removeprefix(KEY_PREFIX) if keywords.startswith(KEY_PREFIX) else None


def reuse(path: Path, key: str) -> bytes | None:
    try:
        pdf = path.read_bytes()
    except FileNotFoundError:
        return None
    return pdf if key_of(pdf) == key else None


# Chromium numbers a tagged PDF's structure elements (node00000017) from a counter that two pages
# printed side by side can shift. Renumbered by rank, in the same number of bytes, the same
# inputs give the same file, and the ids keep their order (the PDF's tree of ids is sorted by them).
STRUCTURE_ID = re.compile(rb"node(\d{8})")


def _steady_ids(pdf: bytes) -> bytes:
    rank = {old: n for n, old in enumerate(sorted(set(STRUCTURE_ID.findall(pdf)), key=int), start=1)}
    return STRUCTURE_ID.sub(lambda found: b"node%08d" % rank[found.group(1)], pdf)


def _stamped(pdf: bytes, key: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(_steady_ids(pdf)))
    writer = PdfWriter(clone_from=reader)
    # Without the printing time, the same inputs give the same bytes, as the site's pages do.
    kept = {name: value for name, value in (reader.metadata or {}).items() if name not in ("/CreationDate", "/ModDate")}
    writer.metadata = {**kept, "/Keywords": KEY_PREFIX + key, "/Author": "The therapeutic relationship (trainer pack)"}
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class PrintJob:
    name: str  # the file's name in site/pack/, without .pdf
    html: str
    key: str


async def _print_all(jobs: list[PrintJob], paper: str, done: Callable[[], None]) -> dict[str, bytes]:
    from playwright.async_api import async_playwright

    name, _, height = PAPERS[paper]
    slots = asyncio.Semaphore(PARALLEL_PAGES)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(offline=True)
            await context.route("**/*", lambda route: route.abort())  # nothing from outside, ever

            async def one(job: PrintJob) -> tuple[str, bytes]:
                async with slots:
                    page = await context.new_page()
                    await page.emulate_media(media="print")
                    await page.set_content(job.html, wait_until="load")
                    await page.evaluate(FIT_SCRIPT, [height - 2 * MARGIN])
                    pdf = await page.pdf(format=name, prefer_css_page_size=True, print_background=True,
                                         tagged=True, outline=True, display_header_footer=True,
                                         header_template="<span></span>", footer_template=FOOTER)
                    await page.close()
                stamped = await asyncio.to_thread(_stamped, pdf, job.key)  # while Chromium prints the next
                done()
                return job.name, stamped

            return dict(await asyncio.gather(*(one(job) for job in jobs)))
        finally:
            await browser.close()


def print_pdfs(jobs: list[PrintJob], paper: str, done: Callable[[], None] = lambda: None) -> dict[str, bytes]:
    """Every job printed in one browser; `done` is called as each PDF is finished."""
    if not jobs:
        return {}
    require_chromium()
    # In a thread of its own: the caller may be running an event loop already (Playwright's
    # sync API in the browser tests, or a notebook), and asyncio.run() refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as printer:
        return printer.submit(asyncio.run, _print_all(jobs, paper, done)).result()
