"""Stage 5: write site/ from the exported pages, all at once or not at all.

site/
  index.html                  the collection overview: a card per lesson
  learner/NN-name.html        each lesson without facilitator notes
  facilitator/NN-name.html    each lesson with them, marked
  notebooks/NN-name.ipynb     the notebook to download
  assets/                     one shared copy of require.js, the widget renderer, styles and scripts
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
<li><strong>In JupyterLab.</strong> Download a lesson's notebook to keep answers in your private journal on your own computer instead.</li>
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


def index_html(pages: list[Page]) -> str:
    esc = html.escape
    cards = []
    for n, p in enumerate(pages):
        seminar = f" · a {p.seminar_minutes}-minute seminar" if p.seminar_minutes else ""
        single = f' · <a href="single-file/{p.lesson}.html">Single-file page</a>' if p.single_file else ""
        cards.append(
            f'<li><h2><a href="learner/{p.lesson}.html"><span class="number">Lesson {p.lesson[:2]}</span> {esc(p.title)}</a></h2>'
            f'<p>{esc(p.summary)}</p>'
            f'<p class="meta">About {p.reading_minutes} minutes\' reading, plus time for the exercises{seminar}</p>'
            f'<p><a href="learner/{p.lesson}.html" aria-label="Open the lesson: {esc(p.title)}">Open the lesson</a> · '
            f'<a href="facilitator/{p.lesson}.html" aria-label="Facilitator edition: {esc(p.title)}">Facilitator edition</a> · '
            f'<a href="notebooks/{p.lesson}.ipynb" download aria-label="Download the notebook: {esc(p.title)}">Download the notebook</a>{single}</p></li>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>The therapeutic relationship</title><style>{INDEX_STYLE}</style></head><body>\n<main>\n"
        "<h1>The therapeutic relationship</h1>\n"
        "<p>Reflective lessons on the alliance between clients and their therapists, for counselling "
        "trainees and the trainers who teach them. Each lesson teaches one benefit of the relationship, "
        "with reflection exercises beside the ideas.</p>\n"
        + HOW_TO_USE
        + '<h2 id="lessons">The lessons</h2>\n<ol class="lessons" aria-labelledby="lessons">\n'
        + "\n".join(cards)
        + "\n</ol>\n</main>\n</body></html>\n"
    )


def write_site(pages: list[Page], assets: Assets, site_dir: Path = SITE_DIR) -> Path:
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
        (staging / "index.html").write_text(index_html(pages), encoding="utf-8")
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
