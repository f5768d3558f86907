"""Stage 2, for seminars: each lesson's slide deck as a notebook of Markdown cells whose
slide metadata (`slideshow.slide_type`) says what is a slide, a fragment or a speaker note.

A deck follows the session plan, not the lesson text. It is built from what authors mark
in the sources: the title and learning outcomes; each plan segment with its timings and
the lines its `slide` shows the group; the lesson's "Key points" after the input that
teaches them (`key_points`); the scenarios as group votes; the discussion questions; and
the facilitator notes as speaker notes. What has no time in the plan follows the check-out,
as material for when there is time. slides.py exports the deck with nbconvert.
"""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from .sources import LessonSource, bullets, key_points

# What fits on a 1280×720 slide at 26 px: tests/browser/test_slides.py checks nothing overflows.
SLIDE_CHARACTERS = 560
SLIDE_ITEMS = 4
SUPPORT = ("Look after yourself: you may pass, or step out of any activity, without saying why. "
           "Support: your tutor or GP; Samaritans, free, any time, on 116 123; 999 in an emergency.")
KEYS = ("Keys: → or Space for the next slide (a vote's grades come on the next press), ← to go back, "
        "S for this speaker view, F for full screen, Esc for an overview of every slide.")
KIND_TITLES = {
    "welcome": "Welcome", "ground-rules": "Ground rules", "check-in": "Check-in", "input": "Input",
    "discussion": "Discussion", "exercise": "Exercise", "practice": "Skills practice", "break": "Break",
    "check-out": "Check-out",
}
GRADES = {"best": "Most helpful", "partly": "Partly helpful", "unhelpful": "Less helpful"}
LETTERS = "ABCDEFGH"
RISK = re.compile(r"suicid|self-harm|ending (?:your|my|their) life|end it all|kill (?:myself|yourself)", re.I)


def _slide(text: str, kind: str = "slide") -> nbformat.NotebookNode:
    return new_markdown_cell(text, metadata={"slideshow": {"slide_type": kind}})


def _notes(*parts: str) -> nbformat.NotebookNode:
    return _slide("\n\n".join(p for p in parts if p), "notes")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _chunks(items: list[str]) -> list[list[str]]:
    """Items in groups that fit on one slide each."""
    groups: list[list[str]] = [[]]
    for item in items:
        group = groups[-1]
        if group and (len(group) == SLIDE_ITEMS or sum(map(len, group)) + len(item) > SLIDE_CHARACTERS):
            groups.append(group := [])
        group.append(item)
    return [g for g in groups if g]


def _list_slides(title: str, items: list[str]) -> list[nbformat.NotebookNode]:
    groups = _chunks(items)
    return [_slide(f"## {title if len(groups) == 1 else f'{title} ({n} of {len(groups)})'}\n\n"
                   + "\n".join(f"- {item}" for item in group))
            for n, group in enumerate(groups, 1)]


def _question_only(item: str) -> str:
    """A discussion question without the answer written for the facilitator."""
    return re.split(r"\s*\*An answer for the facilitator", item)[0].strip()


def _short_title(title: str) -> str:
    return title.split(" (")[0].strip()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?)])\s+(?=[A-Z'\"])", text) if s.strip()]


def _scenario(exercise, number: int) -> list[nbformat.NotebookNode]:
    """A group vote: the situation, then the options; the grades come on the next key press.
    The exercise's own title and question stay in the notes: they can hint at the answer."""
    spec = exercise.spec
    options = exercise.shown_options()
    letter = {id(o): LETTERS[n] for n, o in enumerate(options)}
    context = f"{spec['context']}\n\n" if spec.get("context") else ""
    risk = ("\n\n*This scenario is about suicide or self-harm. Anyone may sit it out.*"
            if RISK.search(" ".join([spec.get("context", ""), spec["client"], *(o["response"] for o in options)])) else "")
    lettered = "\n".join(f"- **{letter[id(o)]}.** {o['response']}" for o in options)
    grades = " ".join(
        f"{GRADES[kind]}: {', '.join(letter[id(o)] for o in options if o['kind'] == kind)}."
        for kind in GRADES if any(o["kind"] == kind for o in options))
    best = next(o for o in options if o["kind"] == "best")
    why = sentences(best["feedback"])[0]
    feedback = "\n".join(f"- **{letter[id(o)]}** ({GRADES[o['kind']].lower()}): {o['feedback']}" for o in options)
    return [
        _slide(f"## Scenario {number}\n\n{context}> {spec['client']}{risk}"),
        _notes(f"Scenario {number} is \"{exercise.title}\" in the lesson, with the same options in the same order. "
               "The client is fictional.",
               "Read the situation aloud. On the next slide, let pairs or the whole group settle on the response "
               "closest to what they would say (the plan says which) before you press on: the next press shows "
               "the grades."),
        _slide(f"## Scenario {number}: which would you say?\n\n{lettered}"),
        _notes(f"The lesson asks: {spec['question']}", "Ask someone who chose each response what drew them to it.",
               "Feedback on each response, as the lesson gives it:", feedback),
        _slide(f"{grades}\n\n**Why {letter[id(best)]}?** {why}", "fragment"),
    ]


def _guided(exercise) -> list[nbformat.NotebookNode]:
    """A guided practice the group does together: its steps on screen, its full words in the notes."""
    spec = exercise.spec
    steps = "\n".join(f"{n}. {step['say']}" for n, step in enumerate(spec["steps"], 1))
    return [_slide(f"## {exercise.title}\n\n*Optional: keep your eyes open if you like, and skip or stop any "
                   f"step at any time.*\n\n{steps}"),
            _notes(f"Read the steps slowly. The lesson's own words: {spec['prompt']}", spec.get("follow_up", ""))]


def _segment(segment: dict, start: int, end: int, names: dict[str, str]) -> str:
    """A plan segment's slide: its kind and minutes, and what the group needs to see."""
    kind = segment["kind"]
    lines = segment.get("slide")
    if lines and kind in ("practice", "exercise"):
        body = "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))
    elif lines:
        body = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    elif kind == "input" and segment.get("topics"):
        body = "\n".join(f"- {_capital(topic)}" for topic in segment["topics"])
    elif kind == "break":
        body = f"Back in {segment['minutes']} minutes."
    else:  # a plan written before slides: the activity's first sentence, without pointers to notes
        body = re.sub(r"\s*\(see '[^']+'\)", "", sentences(segment["activity"])[0])
    if kind in ("welcome", "break", "check-out"):
        body += f"\n\n{SUPPORT}"
    materials = [names[u] for u in segment.get("uses", []) if u.startswith(("card:", "sheet:"))]
    if materials:
        body += "\n\n*Materials:* " + "; ".join(materials) + "."
    return f"## {KIND_TITLES[kind]} · {start}–{end} min\n\n{body}"


PRE_READING = re.compile(r"Before the session, (read [^.]*)\.|\b(read [^.;]*? before the session)")


def pre_reading(lesson: LessonSource) -> str | None:
    """What the lesson asks a seminar group to read beforehand, from its own opening words."""
    for block in lesson.blocks:
        found = block.kind == "markdown" and PRE_READING.search(block.text)
        if found:
            return _capital(found.group(1) or found.group(2).removesuffix(" before the session")) + "."
    return None


def build_deck(lesson: LessonSource, following: LessonSource | None = None) -> nbformat.NotebookNode:
    """The deck's notebook: Markdown cells, each marked slide, fragment or notes. `following`
    is the next lesson, whose pre-reading the group is asked to do after the check-out."""
    seminar = lesson.seminar
    points = key_points("\n\n".join(b.text for b in lesson.blocks if b.kind == "markdown"))
    facilitator = [b for b in lesson.blocks if b.kind == "facilitator"]
    discussions = [b for b in facilitator if b.title.startswith("Discussion questions")]
    others = [b for b in facilitator if b not in discussions]
    scenarios = {i: e for i, e in lesson.exercises.items() if e.name == "scenario"}
    # Numbered in the order the deck shows them: those the plan times, then the rest.
    timed = [u for s in seminar.plan if s["kind"] != "check-out" for u in s.get("uses", []) if u in scenarios]
    numbers = {i: n for n, i in enumerate(dict.fromkeys(timed + list(scenarios)), 1)}
    names = {f"card:{c['id']}": f"client card: {c['client']}" for c in seminar.cards}
    names[f"sheet:{seminar.sheet['id']}"] = seminar.sheet["title"]
    timetable = seminar.timetable()

    def notes_for(segment: dict) -> nbformat.NotebookNode:
        """The segment's own instructions and any facilitator note it names."""
        named = [b for b in others if f"'{_short_title(b.title)}'" in segment["activity"]]
        for block in named:
            others.remove(block)
        activity = "" if segment["activity"] == KIND_TITLES[segment["kind"]] else f" {segment['activity']}"
        return _notes(f"**{KIND_TITLES[segment['kind']]}, {segment['minutes']} minutes.**{activity}",
                      *(f"**{b.title}**\n\n{b.text}" for b in named))

    # Each set of discussion questions goes with the discussion it serves; the rest wait for time.
    discussion_at: dict[int, list] = {}
    spare_discussions = []
    segments = [i for i, (_, _, s) in enumerate(timetable) if s["kind"] == "discussion"]
    # Questions on the worked example go first, so general ones never take the example's discussion;
    # a debrief of the rounds takes no questions unless it asks for them.
    for block in sorted(discussions, key=lambda b: "worked example" not in b.title):
        about_example = "worked example" in block.title
        matching = [i for i in segments if i not in discussion_at and (
            "worked example" in timetable[i][2]["activity"] if about_example else
            "discussion questions" in timetable[i][2]["activity"] and "worked example" not in timetable[i][2]["activity"])]
        if matching:
            discussion_at[matching[0]] = [block]
        else:
            spare_discussions.append(block)

    cells = [_slide(f"# {lesson.title}\n\n{lesson.summary}\n\n"
                    f"*Lesson {lesson.id[:2]} · a {seminar.minutes}-minute seminar*\n\n{SUPPORT}")]
    opening_notes = len(cells)
    cells += _list_slides("By the end of this session you can", [_capital(o["can"]) for o in seminar.outcomes])
    taught: set[int] = set()
    shown: set[str] = set()
    for i, (start, end, segment) in enumerate(timetable):
        if segment["kind"] == "check-out":
            untaught = [p for n, p in enumerate(points, 1) if n not in taught]
            cells += _list_slides("Key points to take away" if taught else "Key ideas", untaught) if untaught else []
        cells += [_slide(_segment(segment, start, end, names)), notes_for(segment)]
        if segment.get("key_points"):
            cells += _list_slides("Key ideas", [points[n - 1] for n in segment["key_points"]])
            taught.update(segment["key_points"])
        for exercise_id in segment.get("uses", []):
            if exercise_id in shown or segment["kind"] == "check-out":
                continue
            if exercise_id in scenarios:
                cells += _scenario(scenarios[exercise_id], numbers[exercise_id])
            elif exercise_id in lesson.exercises and lesson.exercises[exercise_id].name == "guided-practice":
                cells += _guided(lesson.exercises[exercise_id])
            shown.add(exercise_id)
        for block in discussion_at.get(i, []):
            cells += _discussion(block)
    reading = following and pre_reading(following)
    if reading:
        cells += [_slide(f"## Before the next session\n\nLesson {following.id[:2]}, {following.title}: {reading}\n\n"
                         f"It is in the lesson on the course's site (learner/{following.id}.html) or its notebook."),
                  _notes("The next session is mostly practice, so it relies on this reading.")]
    spare = [e for i, e in scenarios.items() if i not in shown]
    if spare or spare_discussions:
        cells.append(_slide("## If there is time\n\nNot timed in the plan: for another session, or for learners "
                            "to take on their own."))
        for exercise in spare:
            cells += _scenario(exercise, numbers[exercise.id])
        for block in spare_discussions:
            cells += _discussion(block)
    # Notes no segment names, such as handling disclosure in the group, go with the title slide.
    cells.insert(opening_notes, _notes(KEYS, *(f"**{b.title}**\n\n{b.text}" for b in others)))
    for n, cell in enumerate(cells):  # nbformat's ids are random; the same sources give the same deck
        cell.id = f"{lesson.id[:2]}-{n}"
    deck = new_notebook(cells=cells)
    deck.metadata["title"] = f"{lesson.title}: slides"
    deck.metadata["alliance"] = {"lesson": lesson.id, "title": lesson.title}
    return deck


def _discussion(block) -> list[nbformat.NotebookNode]:
    questions = [_question_only(item) for item in bullets(block.text)]
    return [*_list_slides(block.title, questions), _notes(f"**{block.title}**\n\n{block.text}")]
