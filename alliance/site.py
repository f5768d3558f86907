"""Stage 5: write site/ from the exported pages, all at once or not at all.

site/
  index.html                  the collection: a card per lesson
  overview.html               the course: outcomes, how they map, and the hours each lesson takes
  learner/NN-name.html        each lesson without facilitator notes
  facilitator/NN-name.html    each lesson with them, marked
  notebooks/NN-name.ipynb     the notebook to download
  notebooks/alliance-….whl    the package a downloaded notebook needs in the learner's own Jupyter
  slides/NN-name.html         each lesson's slide deck for a seminar (reveal.js, offline)
  pack/NN-name.pdf            each lesson's printable trainer pack: plan, handout, cards, sheets, worksheets
  pack/course-pack.pdf        the course pack: overview, ground rules, triads, safeguarding, sign-posting
  assets/                     one shared copy of require.js, reveal.js, the widget renderer, styles and scripts
  single-file/NN-name.html    with `alliance build --single-file`: self-contained learner pages
"""

from __future__ import annotations

import html
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .paths import SITE_DIR


@dataclass(frozen=True)
class Page:
    lesson: str
    title: str
    summary: str
    editions: dict[str, str]  # edition name -> HTML
    notebook: Path
    reading_minutes: int = 0
    seminar_minutes: int | None = None
    single_file: str | None = None
    seminar: object | None = None  # the lesson's Seminar: outcomes, plan, self-study minutes
    deck: str | None = None  # the slide deck's HTML, for site/slides/
    pack: bytes | None = None  # the printable trainer pack's PDF, for site/pack/


@dataclass(frozen=True)
class Assets:
    npm: dict[str, Path]  # file name -> cached file from the npm registry
    own: dict[str, str] = field(default_factory=dict)  # file name -> text from this package


HOW_TO_USE = """
<section aria-labelledby="how">
<h2 id="how">How to use these lessons</h2>
<ul class="how">
<li><strong>On your own.</strong> Open a lesson and work through it at your own pace. Type your answers straight into the exercises: there is no code to write.</li>
<li><strong>Your answers stay here.</strong> They are kept only in this browser, on this computer, and are never sent anywhere. They come back when you reopen a lesson. Use <em>Download my answers</em> on any lesson page to save them all as one file for supervision or a portfolio, and <em>Clear my answers</em> to remove them, for example on a shared computer.</li>
<li><strong>In a seminar.</strong> Trainers use the facilitator edition: the same lesson, with session plans, timings, discussion questions and pair or triad activities in marked boxes.</li>
<li><strong>In JupyterLab.</strong> Download a lesson's notebook to keep answers in your private journal on your own computer instead. {package}</li>
<li><strong>Offline.</strong> Everything here works with no internet connection.</li>
</ul>
<p>These lessons are for learning. They are not therapy and do not replace supervision. If you are struggling, please talk to your tutor, supervisor or GP. In a crisis, contact your local crisis service or emergency number (in the UK, Samaritans on 116 123, or 999).</p>
</section>
"""

INDEX_STYLE = (
    "body{font:1.05rem/1.6 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d2733}"
    "ol.lessons{list-style:none;padding:0}ol.lessons>li{border:1px solid #c8d3de;border-radius:6px;padding:.25rem 1.25rem;margin:1rem 0}"
    ".meta{color:#4a5a6a;font-size:.95rem}a{color:#1f5a8c}h2{font-size:1.3rem}.number{display:block;font-size:.9rem;color:#4a5a6a}"
)


PACKAGE_HOW = ('Your Jupyter needs the lessons\' package once: download <a href="notebooks/{name}" download>{name}</a> '
               'into the folder with the notebook, and in a terminal there run <code>pip install {name}</code>. '
               'This one step needs the internet, to fetch what the package uses, and it brings its own JupyterLab: '
               'so install it into a new environment of its own (for example <code>python3 -m venv lessons</code>), '
               'not into one you use for other work.')


def index_html(pages: list[Page], package: str | None = None, course_pack: bool = False) -> str:
    esc = html.escape
    cards = []
    for n, p in enumerate(pages):
        seminar = f" · a {p.seminar_minutes}-minute seminar" if p.seminar_minutes else ""
        single = f' · <a href="single-file/{p.lesson}.html">Single-file page</a>' if p.single_file else ""
        trainer = "".join([
            f' · <a href="slides/{p.lesson}.html" aria-label="Slides: {esc(p.title)}">Slides</a>' if p.deck else "",
            f' · <a href="pack/{p.lesson}.pdf" aria-label="Trainer pack to print: {esc(p.title)}">Trainer pack (PDF)</a>'
            if p.pack else ""])
        cards.append(
            f'<li><h2><a href="learner/{p.lesson}.html"><span class="number">Lesson {p.lesson[:2]}</span> {esc(p.title)}</a></h2>'
            f'<p>{esc(p.summary)}</p>'
            f'<p class="meta">About {p.reading_minutes} minutes\' reading, plus time for the exercises{seminar}</p>'
            f'<p><a href="learner/{p.lesson}.html" aria-label="Open the lesson: {esc(p.title)}">Open the lesson</a> · '
            f'<a href="facilitator/{p.lesson}.html" aria-label="Facilitator edition: {esc(p.title)}">Facilitator edition</a> · '
            f'<a href="notebooks/{p.lesson}.ipynb" download aria-label="Download the notebook: {esc(p.title)}">Download the notebook</a>{single}{trainer}</p></li>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>The therapeutic relationship</title><style>{INDEX_STYLE}</style></head><body>\n<main>\n"
        "<h1>The therapeutic relationship</h1>\n"
        "<p>Reflective lessons on the alliance between clients and their therapists, for counselling "
        "trainees and the trainers who teach them. Each lesson teaches one benefit of the relationship, "
        "with reflection exercises beside the ideas.</p>\n"
        + HOW_TO_USE.format(package=PACKAGE_HOW.format(name=esc(package)) if package else "")
        + ('<p><a href="overview.html">Course overview</a>: what each lesson teaches, how its outcomes map to '
           'SCoPEd and the humanistic competences, and the hours each lesson takes, for course records or CPD.</p>\n'
           if any(p.seminar for p in pages) else "")
        + trainers_html(pages, course_pack)
        + '<h2 id="lessons">The lessons</h2>\n<ol class="lessons" aria-labelledby="lessons">\n'
        + "\n".join(cards)
        + "\n</ol>\n</main>\n</body></html>\n"
    )


def trainers_html(pages: list[Page], course_pack: bool = False) -> str:
    """Where a trainer finds what they put in front of a group, and how to use and print it."""
    esc = html.escape
    if not any(p.deck or p.pack for p in pages):
        return ""
    rows = []
    for p in pages:
        links = [f'<a href="slides/{p.lesson}.html" aria-label="Slides: {esc(p.title)}">Slides</a>' if p.deck else "",
                 f'<a href="pack/{p.lesson}.pdf" aria-label="Trainer pack to print: {esc(p.title)}">Trainer pack (PDF)</a>'
                 if p.pack else ""]
        if any(links):
            rows.append(f"<li>Lesson {p.lesson[:2]}, {esc(p.title)}: {' · '.join(filter(None, links))}</li>")
    course = ('<p>The <a href="pack/course-pack.pdf">course pack (PDF)</a> holds the course overview, the ground rules, '
              "how to run a triad, a safeguarding template to adapt and a sheet of support services.</p>\n" if course_pack else "")
    return (
        '<section aria-labelledby="trainers">\n<h2 id="trainers">For trainers</h2>\n'
        "<p><strong>Slides.</strong> Each seminar has a slide deck that follows its session plan: the outcomes, the key "
        "ideas, each scenario as a group vote, the skills practice step by step with its timings, the discussion "
        "questions and a check-out. Open a deck in a browser; it works offline, from a USB stick too, if you copy this "
        "whole folder. Use the arrow keys or Space to move on (a vote's grades appear on the next press), F for full "
        "screen, and S for the speaker view, which shows the facilitator notes for each slide beside a timer.</p>\n"
        "<p><strong>A pack to print.</strong> Each lesson's trainer pack holds, in this order, the session plan on "
        "one page, the facilitator notes with a list of what to print and how many, the learner handout, the client "
        "cards (one a page), the observer sheet (a copy for each observer in each round), the answers to the scenarios "
        "and checks, and blank worksheets. Print single-sided at 100% (actual size), so that no card lands on the back "
        "of another; "
        "the PDFs are A4 (a build with <code>make html PAPER=letter</code> gives US Letter).</p>\n"
        + course
        + f'<ul class="trainer-files">{"".join(rows)}</ul>\n</section>\n'
    )


def _hours(minutes: int) -> str:
    """Minutes as hours a learner can log, to the nearest quarter hour."""
    quarters = round(minutes / 15)
    return f"{quarters / 4:g} hour{'' if quarters == 4 else 's'}"


def overview_body(pages: list[Page]) -> str:
    """The course at a glance: every lesson's outcomes and their mapping, and the hours.
    The overview page shows it, and the course pack prints it."""
    esc = html.escape
    sections, rows = [], []
    totals = {"reading": 0, "exercises": 0, "seminar": 0}
    for p in pages:
        if not p.seminar:
            continue
        s = p.seminar
        study = p.reading_minutes + s.self_study_minutes
        totals["reading"] += p.reading_minutes
        totals["exercises"] += s.self_study_minutes
        totals["seminar"] += s.minutes
        rows.append(f"<tr><th scope=\"row\">{esc(p.lesson[:2])} {esc(p.title)}</th><td>{p.reading_minutes} min</td>"
                    f"<td>{s.self_study_minutes} min</td><td>{s.minutes} min</td><td>{_hours(study)}</td>"
                    f"<td>{_hours(study + s.minutes)}</td></tr>")
        outcomes = "".join(
            f"<tr><td>{esc(o['can'])}</td><td>{esc(', '.join(o['scoped']))}</td><td>{esc(', '.join(o['humanistic']))}</td></tr>"
            for o in s.outcomes)
        sections.append(
            f'<section><h3>Lesson {esc(p.lesson[:2])}: <a href="learner/{p.lesson}.html">{esc(p.title)}</a></h3>'
            f"<table><caption>By the end of the lesson you can…</caption><thead><tr><th scope=\"col\">Outcome</th>"
            f"<th scope=\"col\">SCoPEd themes</th><th scope=\"col\">Humanistic competence domains</th></tr></thead>"
            f"<tbody>{outcomes}</tbody></table></section>")
    study = totals["reading"] + totals["exercises"]
    rows.append(f"<tr><th scope=\"row\">The whole course</th><td>{totals['reading']} min</td><td>{totals['exercises']} min</td>"
                f"<td>{totals['seminar']} min</td><td>{_hours(study)}</td><td>{_hours(study + totals['seminar'])}</td></tr>")
    return (
        "<p>What each lesson teaches, in outcomes a tutor can assess, and how each outcome maps to the themes of the "
        "SCoPEd framework and to the domains of Roth, Hill and Pilling's competences for humanistic psychological "
        "therapies. The mapping names themes and domains only, in this collection's own words; check it against the "
        "current versions of both frameworks for your course.</p>\n"
        '<h2 id="hours">Hours and CPD</h2>\n<table aria-labelledby="hours"><thead><tr><th scope="col">Lesson</th>'
        '<th scope="col">Reading</th><th scope="col">Exercises</th><th scope="col">Seminar</th>'
        '<th scope="col">Hours on your own</th><th scope="col">Hours with the seminar</th></tr></thead><tbody>'
        + "".join(rows) + "</tbody></table>\n"
        "<p>Times are estimates: reading at about 200 words a minute, and the authors' estimate for the exercises. Hours are "
        "rounded to the nearest quarter hour, each row on its own, so the rows may not add up exactly to the total. "
        "On a course, these are course hours. A qualified counsellor working through the lessons may log the time "
        "they actually spent as CPD, where their professional body allows it.</p>\n"
        '<h2 id="outcomes">Learning outcomes and how they map</h2>\n' + "\n".join(sections)
    )


def overview_html(pages: list[Page]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Course overview: the therapeutic relationship</title><style>{INDEX_STYLE}"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{text-align:left;vertical-align:top;"
        "padding:.35rem .5rem;border-bottom:1px solid #c8d3de}caption{text-align:left;font-weight:600}</style></head><body>\n<main>\n"
        '<p><a href="index.html">The lessons</a></p>\n<h1>Course overview</h1>\n'
        + overview_body(pages) + "\n</main>\n</body></html>\n"
    )


def write_site(pages: list[Page], assets: Assets, site_dir: Path = SITE_DIR, course_pack: bytes | None = None,
               package: Path | None = None) -> Path:
    """Build the whole site in a temporary folder beside site/, then swap it in."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    try:
        (staging / "assets").mkdir()
        for name, path in assets.npm.items():
            shutil.copyfile(path, staging / "assets" / name)
        for name, text in assets.own.items():
            (staging / "assets" / name).write_text(text, encoding="utf-8")
        for page in pages:
            for edition, body in page.editions.items():
                (staging / edition).mkdir(exist_ok=True)
                (staging / edition / f"{page.lesson}.html").write_text(body, encoding="utf-8")
            if page.single_file:
                (staging / "single-file").mkdir(exist_ok=True)
                (staging / "single-file" / f"{page.lesson}.html").write_text(page.single_file, encoding="utf-8")
            (staging / "notebooks").mkdir(exist_ok=True)
            shutil.copyfile(page.notebook, staging / "notebooks" / page.notebook.name)
            if page.deck:
                (staging / "slides").mkdir(exist_ok=True)
                (staging / "slides" / f"{page.lesson}.html").write_text(page.deck, encoding="utf-8")
            if page.pack:
                (staging / "pack").mkdir(exist_ok=True)
                (staging / "pack" / f"{page.lesson}.pdf").write_bytes(page.pack)
        if course_pack:
            (staging / "pack").mkdir(exist_ok=True)
            (staging / "pack" / "course-pack.pdf").write_bytes(course_pack)
        if package:
            (staging / "notebooks").mkdir(exist_ok=True)
            shutil.copyfile(package, staging / "notebooks" / package.name)
        (staging / "index.html").write_text(index_html(pages, package.name if package else None, bool(course_pack)),
                                            encoding="utf-8")
        if any(p.seminar for p in pages):
            (staging / "overview.html").write_text(overview_html(pages), encoding="utf-8")
        old = site_dir.with_name(f".{site_dir.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if site_dir.exists():
            site_dir.rename(old)
        staging.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return site_dir / "index.html"
