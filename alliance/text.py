"""Trainer-written Markdown turned into safe HTML for widgets (raw HTML is not passed through)."""

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["replacements", "smartquotes"])


def block(markdown: str) -> str:
    return _md.render(markdown).strip()


def inline(markdown: str) -> str:
    return _md.renderInline(markdown).strip()
