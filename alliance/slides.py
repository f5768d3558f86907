"""Stage 4, for seminars: export each lesson's deck (decks.py) to a reveal.js page with
nbconvert's SlidesExporter, using the site's own copy of reveal.js and the `deck` template.

A deck is exported again only when something that shapes it changes: its notebook, the
template, the styles or this module. Its build key sits in the page, as a lesson page's does.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

from .export import ASSETS, STATIC, TEMPLATES, page_build_key

__all__ = ["export_deck", "deck_build_key", "page_build_key", "own_assets"]


@cache
def exporter() -> SlidesExporter:
    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = "deck"
    config.SlidesExporter.exclude_anchor_links = True
    config.TemplateExporter.exclude_input_prompt = True
    config.CSSHTMLHeaderPreprocessor.enabled = False  # no code on a slide, so no highlighting styles
    return SlidesExporter(config=config)


@cache
def _engine_digest() -> str:
    parts = [p.read_bytes() for p in sorted((TEMPLATES / "deck").rglob("*")) if p.is_file()]
    parts += [(STATIC / "deck.css").read_bytes(), Path(__file__).read_bytes()]
    return hashlib.sha256(b"".join(parts)).hexdigest()


def deck_build_key(deck: nbformat.NotebookNode) -> str:
    digest = hashlib.sha256(json.dumps(deck, sort_keys=True).encode()).hexdigest()
    return hashlib.sha256(f"{digest}\n{_engine_digest()}".encode()).hexdigest()[:16]


def export_deck(deck: nbformat.NotebookNode, key: str | None = None) -> str:
    meta = deck.metadata.get("alliance", {})
    resources = {
        "metadata": {"name": meta.get("title", "Slides")},
        "alliance": {"title": meta.get("title", ""), "assets": ASSETS, "build_key": key or deck_build_key(deck)},
    }
    body, _ = exporter().from_notebook_node(deck, resources=resources)
    return re.sub(r"\n{3,}", "\n\n", body)


def own_assets() -> dict[str, str]:
    return {"deck.css": (STATIC / "deck.css").read_text(encoding="utf-8")}
