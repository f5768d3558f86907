"""Stage 2, for seminars: each lesson's slide deck as a notebook of Markdown cells whose
slide metadata (`slideshow.slide_type`) says what is a slide, a fragment or a speaker note.

A deck follows the session plan, not the lesson text. It is built from what authors already
mark in the sources: the title and learning outcomes, the lesson's "Key points", each plan
segment with its timings, the scenarios as group votes, the facilitator notes (as speaker
notes) and the discussion questions. slides.py exports it with nbconvert's SlidesExporter.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from .sources import LessonSource

# What fits on a 1280×720 slide at 26 px: tests/browser/test_slides.py checks nothing overflows.
SLIDE_CHARACTERS = 560
SLIDE_ITEMS = 4
SUPPORT = ("Look after yourself: you may pass, or step out of any activity, without saying why. "
           "Support: your tutor or GP; Samaritans, free, any time, on 116 123; 999 in an emergency.")
KIND_TITLES = {
    "welcome": "Welcome", "ground-rules": "Ground rules", "check-in": "Check-in", "input": "Input",
    "discussion": "Discussion", "exercise": "Exercise", "practice": "Skills practice", "break": "Break",
    "check-out": "Check-out",
}
# What the group sees for segments whose activity is written for the facilitator alone.
GROUP_TEXT = {
    "welcome": "Welcome. We meet for one lesson each session, and each session is mostly practice.",
    "ground-rules": ("Introductions: your name, how you would like to be addressed, and one thing you hope to learn. "
                     "You may pass.\n\nThen we agree our ground rules for the whole course, including the honest "
                     "limits of confidentiality on a training course."),
    "check-in": "One word or one line each: how are you arriving today? Anyone may pass.",
    "break": "Back in {minutes} minutes.",
    "check-out": "Each person names one thing they will try before the next session.",
}
GRADES = {"best": "Most helpful", "partly": "Partly helpful", "unhelpful": "Less helpful"}
LETTERS = "ABCDEFGH"


def _slide(text: str, kind: str = "slide") -> nbformat.NotebookNode:
    return new_markdown_cell(text, metadata={"slideshow": {"slide_type": kind}})


def _notes(*parts: str) -> nbformat.NotebookNode:
    return _slide("\n\n".join(p for p in parts if p), "notes")


def _chunks(items: list[str]) -> list[list[str]]:
    """Items in groups that fit on one slide each."""
    groups: list[list[str]] = [[]]
    for item in items:
        group = groups[-1]
        if group and (len(group) == SLIDE_ITEMS or sum(map(len, group)) + len(item) > SLIDE_CHARACTERS):
            groups.append(group := [])
        group.append(item)
    return [g for g in groups if g]


def _list_slides(title: str, items: list[str], lead: str = "") -> list[nbformat.NotebookNode]:
    groups = _chunks(items)
    cells = []
    for n, group in enumerate(groups, 1):
        heading = title if len(groups) == 1 else f"{title} ({n} of {len(groups)})"
        bullets = "\n".join(f"- {item}" for item in group)
        cells.append(_slide(f"## {heading}\n\n{lead + chr(10) * 2 if lead and n == 1 else ''}{bullets}"))
    return cells


def _section(markdown: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    found = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return found.group(1).strip() if found else ""


def _bullets(markdown: str) -> list[str]:
    """Top-level list items, each joined onto one line."""
    items: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def _question_only(item: str) -> str:
    """A discussion question without the answer written for the facilitator."""
    return re.split(r"\s*\*An answer for the facilitator", item)[0].strip()


def _short_title(title: str) -> str:
    return title.split(" (")[0].strip()


def _scenario(exercise, segment_minutes: str = "") -> list[nbformat.NotebookNode]:
    spec = exercise.spec
    options = exercise.shown_options()
    letter = {id(o): LETTERS[n] for n, o in enumerate(options)}
    context = f"{spec['context']}\n\n" if spec.get("context") else ""
    lettered = "\n".join(f"- **{letter[id(o)]}.** {o['response']}" for o in options)
    grades = " ".join(
        f"{GRADES[kind]}: {', '.join(letter[id(o)] for o in options if o['kind'] == kind)}."
        for kind in GRADES if any(o["kind"] == kind for o in options))
    best = next(o for o in options if o["kind"] == "best")
    why = re.split(r"(?<=[.!?])\s", best["feedback"], maxsplit=1)[0]
    feedback = "\n".join(f"- **{letter[id(o)]}** ({GRADES[o['kind']].lower()}): {o['feedback']}" for o in options)
    return [
        _slide(f"## Scenario: {exercise.title}{segment_minutes}\n\n{context}> {spec['client']}"),
        _notes("Read the situation aloud, or let the group read it. The client is fictional.",
               f"Then move on: the group votes for the response closest to what they would say ({exercise.title}, "
               "in the lesson, has the same options)."),
        _slide(f"## {exercise.title}: {spec['question'][0].lower()}{spec['question'][1:]}\n\n{lettered}"),
        _notes("Ask for a show of hands for each letter before revealing the grades. Ask someone who chose each "
               "response what drew them to it.", "Feedback on each response, as the lesson gives it:", feedback),
        _slide(f"{grades}\n\n**Why {letter[id(best)]}?** {why}", "fragment"),
    ]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?)])\s+(?=[A-Z'\"])", text) if s.strip()]


def _steps(activity: str) -> str:
    """A practice's instructions as numbered steps for the group, without the pointers to
    facilitator notes, which the speaker notes carry."""
    plain = re.sub(r"\s*\(see '[^']+'\)", "", activity)
    return "\n".join(f"{n}. {step}" for n, step in enumerate(_sentences(plain), 1))


def _segment(segment: dict, start: int, end: int, names: dict[str, str]) -> str:
    kind = segment["kind"]
    title = f"## {KIND_TITLES[kind]} · {start}–{end} min"
    if kind in GROUP_TEXT:
        body = GROUP_TEXT[kind].format(minutes=segment["minutes"])
        if kind in ("welcome", "check-out"):
            body += f"\n\n{SUPPORT}"
    elif kind == "input" and segment.get("topics"):
        body = "\n".join(f"- {topic[0].upper()}{topic[1:]}" for topic in segment["topics"])
    elif kind in ("practice", "exercise"):
        body = _steps(segment["activity"])
    elif kind == "discussion":  # the question for the group; the rest is for the facilitator
        body = _sentences(segment["activity"])[0]
    else:
        body = segment["activity"]
    materials = [names[u] for u in segment.get("uses", []) if u.startswith(("card:", "sheet:"))]
    if materials:
        body += "\n\n*Materials:* " + "; ".join(materials) + "."
    return f"{title}\n\n{body}"


def build_deck(lesson: LessonSource) -> nbformat.NotebookNode:
    """The deck's notebook: Markdown cells, each marked slide, fragment or notes."""
    seminar = lesson.seminar
    markdown = "\n\n".join(b.text for b in lesson.blocks if b.kind == "markdown")
    facilitator = [b for b in lesson.blocks if b.kind == "facilitator"]
    discussions = [b for b in facilitator if b.title.startswith("Discussion questions")]
    others = [b for b in facilitator if b not in discussions]
    scenarios = {i: e for i, e in lesson.exercises.items() if e.name == "scenario"}
    names = {f"card:{c['id']}": f"client card: {c['client']}" for c in seminar.cards}
    names[f"sheet:{seminar.sheet['id']}"] = seminar.sheet["title"]

    def notes_for(segment: dict) -> list[nbformat.NotebookNode]:
        """The segment's own instructions and any facilitator note it names."""
        named = [b for b in others if f"'{_short_title(b.title)}'" in segment["activity"]]
        for block in named:
            others.remove(block)
        return [_notes(f"**{KIND_TITLES[segment['kind']]}, {segment['minutes']} minutes.** {segment['activity']}",
                       *(f"**{b.title}**\n\n{b.text}" for b in named))]

    cells = [
        _slide(f"# {lesson.title}\n\n{lesson.summary}\n\n*Lesson {lesson.id[:2]} · a {seminar.minutes}-minute seminar*"
               f"\n\n{SUPPORT}"),
        *_list_slides("By the end of this session you can", [o["can"][0].upper() + o["can"][1:] for o in seminar.outcomes]),
    ]
    opening = len(cells)
    timetable = seminar.timetable()
    taught_key_points = False
    discussion_segments = [i for i, (_, _, s) in enumerate(timetable) if s["kind"] == "discussion"]
    placed: dict[int, list] = {i: [] for i in range(len(timetable))}
    for block in discussions:  # each set of questions goes with the discussion it serves
        about_example = "worked example" in block.title
        matching = [i for i in discussion_segments if ("worked example" in timetable[i][2]["activity"]) == about_example]
        target = (matching or discussion_segments or [len(timetable) - 1])[0]
        placed[target].append(block)
    used: set[str] = set()
    for i, (start, end, segment) in enumerate(timetable):
        if segment["kind"] == "check-out":
            unused = [e for sid, e in scenarios.items() if sid not in used]
            for exercise in unused:  # every scenario gets its vote, if there is time
                cells += _scenario(exercise, " (if there is time)")
                used.add(exercise.id)
            for block in placed[i]:
                cells += _discussion(block)
            placed[i] = []
        cells.append(_slide(_segment(segment, start, end, names)))
        cells += notes_for(segment)
        if segment["kind"] == "input" and not taught_key_points:
            cells += _list_slides("Key ideas", _bullets(_section(markdown, "Key points")))
            taught_key_points = True
        for exercise_id in segment.get("uses", []):
            if exercise_id in scenarios and exercise_id not in used and segment["kind"] != "check-out":
                cells += _scenario(scenarios[exercise_id])
                used.add(exercise_id)
        for block in placed[i]:
            cells += _discussion(block)
    if not taught_key_points:
        cells[opening:opening] = _list_slides("Key ideas", _bullets(_section(markdown, "Key points")))
    if others:  # notes no segment names, such as handling disclosure: with the title slide
        cells.insert(1, _notes(*(f"**{b.title}**\n\n{b.text}" for b in others)))
    for n, cell in enumerate(cells):  # nbformat's ids are random; the same sources give the same deck
        cell.id = f"{lesson.id[:2]}-{n}"
    deck = new_notebook(cells=cells)
    deck.metadata["title"] = f"{lesson.title}: slides"
    deck.metadata["alliance"] = {"lesson": lesson.id, "title": lesson.title}
    return deck


def _discussion(block) -> list[nbformat.NotebookNode]:
    questions = [_question_only(item) for item in _bullets(block.text)]
    return [*_list_slides(block.title, questions), _notes(f"**{block.title}**\n\n{block.text}")]
