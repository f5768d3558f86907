"""The Markdown journal, rendered by the kinds of Markdown viewer a learner or tutor might
open it in: whatever a learner typed reads as typed, and never becomes a link, heading,
rule, list, code, table or HTML. The browser's copy of `to_markdown` (alliance.js) is held
to the same bytes by tests/browser/test_pages.py."""

import datetime as dt
import html
from html.parser import HTMLParser

import mistune
import pytest
from markdown_it import MarkdownIt

from alliance.journal import Answer, to_markdown

MISTUNE_PLUGINS = [
    "strikethrough", "mark", "insert", "superscript", "subscript", "footnotes", "table", "url",
    "abbr", "def_list", "math", "ruby", "task_lists", "spoiler",
]

RENDERERS = {
    # CommonMark as specified, raw HTML passed through: the most trusting viewer.
    "markdown-it commonmark": MarkdownIt("commonmark").render,
    "markdown-it default": MarkdownIt("default").render,  # tables and strikethrough
    "mistune default": mistune.html,
    # Raw HTML passed through, bare web addresses made into links, and every extension.
    "mistune every plugin": mistune.create_markdown(escape=False, plugins=MISTUNE_PLUGINS),
}

HOSTILE = [
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- hidden -->",
    "# heading",
    "###### small heading",
    "---",
    "***",
    "___",
    "- - -",
    "1. item",
    "2) item",
    "- item",
    "+ item",
    "* item",
    "- [ ] a task",
    "> quote",
    ">> deeper",
    "`code` and ``more code``",
    "```\nfenced\n```",
    "~~~\nfenced\n~~~",
    "![i](x)",
    "<http://x>",
    "http://x",
    "https://example.com/a_b?c=d",
    "www.example.com",
    "write to me@example.com",
    "javascript:alert(1)",
    "two spaces at the end  \nof a line",
    "\ta tab at the start",
    "    four spaces at the start",
    "  two spaces, then\n      six",
    "|a|b|\n|-|-|\n|1|2|",
    "a | b\n--|--\n1 | 2",
    "ends with a backslash \\\nnext line",
    "\\# an escape typed on purpose \\*",
    "*emphasis* and _emphasis_ and **strong** and __strong__",
    "Title\n=====",
    "Title\n-----",
    "&amp; &#106; &copy; &lt;",
    "~~struck~~ and ==marked== and ^^inserted^^ and ^sup^ and ~sub~",
    "$x^2$ and $$y$$",
    "[^1] a footnote\n\n[^1]: the note",
    "term\n: a definition",
    "[ref] a reference\n\n[ref]: http://x",
    "*[HTML]: an abbreviation",
    "[漢字(かんじ)] and >!a spoiler!<",
    "{#id .class} attributes",
    "Don't stop: it's fine (really). 3.5 out of 7... well-being, 100% sure?",
    "1986. A fine year.",
    "line one\n\nline three",
    "trailing tab\t",
]


class Tags(HTMLParser):
    """The tags and visible text inside each <blockquote>, and every heading outside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.inside: list[str] = []
        self.text: list[str] = []
        self.quotes = 0
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "blockquote":
            self.quotes += 1
            if self.depth:
                self.inside.append(tag)
            self.depth += 1
        elif self.depth:
            self.inside.append(tag)
        else:
            self.outside.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "blockquote":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)

    def handle_comment(self, data):
        (self.inside if self.depth else self.outside).append("<!--")


def words(text: str) -> str:
    return " ".join(text.split())


def answer(value: str, **kw) -> Answer:
    return Answer(
        lesson="01-trust-and-safety", exercise="ts-safe-space", field="text", value=value, shown=value,
        label=kw.get("label", "Your reflection"), lesson_title=kw.get("lesson_title", "Trust and safety"),
        exercise_title=kw.get("exercise_title", "A time you felt safe"), position=0, field_position=0,
    )


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("typed", HOSTILE)
def test_what_a_learner_typed_reads_as_typed_and_is_never_markup(renderer, typed):
    rendered = RENDERERS[renderer](to_markdown([answer(typed)], dt.date(2026, 1, 2)))
    tags = Tags()
    tags.feed(rendered)
    tags.close()
    assert tags.quotes == 1, rendered
    assert set(tags.inside) <= {"p"}, rendered  # no link, heading, rule, list, code, table, image, HTML, break
    assert tags.outside == ["h1", "p", "h2", "h3", "p", "strong"], rendered
    assert words("".join(tags.text)) == words(typed), rendered


@pytest.mark.parametrize("renderer", RENDERERS)
def test_titles_and_labels_are_text_too(renderer):
    hostile = answer("fine", label="[x](javascript:alert(1)) <b>", lesson_title="# Trust",
                     exercise_title="*Safe* <i>place</i> http://x")
    rendered = RENDERERS[renderer](to_markdown([hostile], dt.date(2026, 1, 2)))
    tags = Tags()
    tags.feed(rendered)
    assert tags.outside == ["h1", "p", "h2", "h3", "p", "strong"], rendered
    assert "<h2>" + html.escape("# Trust", quote=False) + "</h2>" in rendered
    assert html.escape("*Safe* <i>place</i> http://x", quote=False) + "</h3>" in rendered
    assert "<strong>" + html.escape("[x](javascript:alert(1)) <b>", quote=False) + "</strong>" in rendered


def test_ordinary_writing_stays_readable_in_the_file():
    """Escaping is kept to what Markdown would act on, so the file still reads well as plain text."""
    typed = "She listened, made tea and never judged. It helped (a lot): I felt safe! Don't rush?"
    assert f"> {typed}\n" in to_markdown([answer(typed)])
