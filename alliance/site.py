"""Stage 5: write site/ from the exported pages, all at once or not at all."""

from __future__ import annotations

import html
import shutil
import tempfile
from dataclasses import dataclass
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


def index_html(pages: list[Page]) -> str:
    esc = html.escape
    cards = "\n".join(
        f'<li><h2>{esc(p.title)}</h2><p>{esc(p.summary)}</p><p>About {p.reading_minutes} minutes\' reading.</p>'
        f'<p><a href="learner/{p.lesson}.html">Open the lesson</a> · '
        f'<a href="facilitator/{p.lesson}.html">Facilitator edition</a> · '
        f'<a href="notebooks/{p.lesson}.ipynb" download>Download the notebook</a></p></li>'
        for p in pages
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>The therapeutic relationship</title>"
        "<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d2733}"
        "ul{list-style:none;padding:0}li{border:1px solid #c8d3de;border-radius:6px;padding:.25rem 1.25rem;margin:1rem 0}"
        "a{color:#1f5a8c}</style></head><body>\n"
        "<h1>The therapeutic relationship</h1>\n"
        "<p>Reflective lessons on the alliance between clients and their therapists, for counselling "
        "trainees and the trainers who teach them.</p>\n"
        f"<ul>\n{cards}\n</ul>\n</body></html>\n"
    )


def write_site(pages: list[Page], site_dir: Path = SITE_DIR) -> Path:
    """Build the whole site in a temporary folder beside site/, then swap it in."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    try:
        for page in pages:
            for edition, body in page.editions.items():
                (staging / edition).mkdir(exist_ok=True)
                (staging / edition / f"{page.lesson}.html").write_text(body, encoding="utf-8")
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
