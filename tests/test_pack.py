"""The printable trainer pack (site/pack/): real PDFs printed by Debian's Chromium through
Playwright, read back with pypdf. One build of the site is shared by the read-only tests;
the tests that rebuild work on a copy of it."""

from __future__ import annotations

import asyncio
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest
from pypdf import PdfReader

from alliance import pack
from alliance.build import COURSE_PACK, build
from alliance.exercises import SpecError
from alliance.journal import Answer, Journal
from alliance.paths import CONTENT_DIR, EXERCISES_DIR, NOTEBOOKS_DIR
from alliance.sources import load_all

LESSONS = load_all()
A4 = (595, 842)  # points, rounded
LETTER = (612, 792)
MARKER = "PACK-PRIVATE-MARKER-5e1d"


def squeezed(text: str) -> str:
    """Text without any white space, and with plain quotes: pypdf may break a line, or join two,
    where the page wraps, and the pack prints curly quotes."""
    return re.sub(r"\s+", "", text).translate(str.maketrans("‘’“”", "''\"\""))


@cache
def _read_text(path, mtime: float) -> tuple[str, ...]:
    """Without the page-number footer, so a page holding nothing else still counts as blank."""
    return tuple(re.sub(r"Page \d+ of \d+\s*$", "", page.extract_text()) for page in PdfReader(path).pages)


def pages_text(path) -> tuple[str, ...]:
    """Each page's text, read once for each version of the file (text extraction is slow)."""
    return _read_text(path, path.stat().st_mtime)


def outline(path) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks (one per sheet, from its heading) and the page each starts on."""
    reader = PdfReader(path)
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)]


@pytest.fixture(scope="module")
def site(built_site):
    if not pack.CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium).")
    return built_site


@pytest.fixture(scope="module")
def workspace(site, tmp_path_factory):
    """A copy of the sources, notebooks and built site, for tests that change and rebuild them.
    The isolated journal holds an answer with a marker, which must never reach a PDF."""
    import os

    root = tmp_path_factory.mktemp("pack")
    for name, src in (("content", CONTENT_DIR), ("exercises", EXERCISES_DIR), ("notebooks", NOTEBOOKS_DIR),
                      ("site", site)):
        shutil.copytree(src, root / name)
    journal = Journal(os.environ["ALLIANCE_JOURNAL"])
    lesson = LESSONS[1]
    exercise = next(iter(lesson.exercises.values()))
    journal.save(Answer(lesson.id, exercise.id, "text", MARKER, MARKER, "Your reflection", lesson.title,
                        exercise.title, 0, 0))
    journal.close()
    return {name: root / name for name in ("content", "exercises", "notebooks", "site")}


def rebuild(dirs, monkeypatch, **options) -> list[str]:
    """Build the workspace again; the names of the PDFs printed (not reused)."""
    printed: list[str] = []
    real = pack.print_pdfs

    def spy(jobs, paper, done=lambda: None):
        printed.extend(job.name for job in jobs)
        return real(jobs, paper, done)

    monkeypatch.setattr(pack, "print_pdfs", spy)
    build(quiet=True, content_dir=dirs["content"], exercises_dir=dirs["exercises"], notebooks_dir=dirs["notebooks"],
          site_dir=dirs["site"], **options)
    return printed


def test_every_lesson_and_the_course_have_a_pack_linked_from_the_index(site):
    names = sorted(p.name for p in (site / "pack").iterdir())
    assert names == sorted([f"{lesson.id}.pdf" for lesson in LESSONS] + [f"{COURSE_PACK}.pdf"])
    index = (site / "index.html").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f'href="pack/{lesson.id}.pdf"' in index
    assert 'href="pack/course-pack.pdf"' in index and "Print single-sided at 100%" in index


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_lesson_pack_holds_its_title_cards_and_sheet_with_no_blank_page(site, lesson):
    path = site / "pack" / f"{lesson.id}.pdf"
    texts = pages_text(path)  # also proves pypdf can read every page
    blank = [n + 1 for n, text in enumerate(texts) if not text.strip()]
    assert blank == [], f"blank pages: {blank}"
    whole = squeezed("".join(texts))
    assert squeezed(lesson.title) in whole
    for card in lesson.seminar.cards:
        assert squeezed(f"Client card: {card['client']}") in whole
    assert squeezed(lesson.seminar.sheet["title"]) in whole
    assert MARKER not in whole


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_each_part_of_a_lesson_pack_takes_the_pages_it_should(site, lesson):
    """Plan: one page, then the facilitator notes it refers to. Handout: one or two. One page per
    client card, one for the observer sheet, then the worksheets, each part starting on a page of its own."""
    path = site / "pack" / f"{lesson.id}.pdf"
    cards = [f"Client card: {card['client']}" for card in lesson.seminar.cards]
    parts = outline(path)
    titles = [title for title, _ in parts]
    answers = ["Answers for the facilitator"] if any(e.name in ("scenario", "knowledge-check")
                                                     for e in lesson.exercises.values()) else []
    assert titles == [f"Session plan ({lesson.seminar.minutes} minutes)", "Facilitator notes", "Learner handout", *cards,
                      lesson.seminar.sheet["title"], *answers, "Worksheets"]
    starts = [start for _, start in parts] + [len(PdfReader(path).pages)]
    lengths = dict(zip(titles, (b - a for a, b in zip(starts, starts[1:]))))
    assert starts[0] == 0 and lengths[titles[0]] == 1
    assert 1 <= lengths["Learner handout"] <= 2
    assert all(lengths[card] == 1 for card in cards)
    assert lengths[lesson.seminar.sheet["title"]] == 1
    assert lengths["Worksheets"] >= 1
    notes = squeezed("".join(pages_text(path)[starts[1]:starts[2]]))
    for block in lesson.blocks:
        if block.kind == "facilitator":
            assert squeezed(block.title) in notes
    plan = pages_text(path)[0]
    assert "Materials checklist" in plan and "Print one copy for each observer" in pages_text(path)[starts[titles.index(lesson.seminar.sheet["title"])]]
    texts = pages_text(path)
    assert all(re.search(rf"Page {n} of {len(texts)}", PdfReader(path).pages[n - 1].extract_text()) for n in range(1, len(texts) + 1))
    assert squeezed("What to print for a group") in notes and squeezed("Print single-sided") in notes


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_worksheets_are_blank_no_answer_feedback_or_example_is_printed(site, lesson):
    """The answers have a sheet of their own, for the facilitator; the worksheets hold none."""
    path = site / "pack" / f"{lesson.id}.pdf"
    worksheets = dict(outline(path))["Worksheets"]
    whole = squeezed("".join(pages_text(path)[worksheets:]))
    hidden = []
    for exercise in lesson.exercises.values():
        spec = exercise.spec
        hidden += [o["feedback"] for o in spec.get("options", [])]
        hidden += [o["explanation"] for q in spec.get("questions", []) for o in q["options"]]
        hidden += [e for s in spec.get("statements", []) for e in s.get("examples", [])]
        hidden += spec.get("examples", [])
        if exercise.name not in pack.NOT_ON_PAPER:
            assert squeezed(exercise.title.replace("*", "")) in whole, exercise.id
    assert hidden, "the lesson has feedback and examples to keep off paper"
    for screen_only in ("pressplay", "openthe", "attemptiskept", "followthecircle"):  # paper has no buttons
        assert screen_only not in whole.lower(), screen_only
    for text in hidden:
        assert squeezed(text)[:60] not in whole, text


def test_every_font_on_every_page_is_embedded(site):
    def fonts_of(resources):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            yield font.get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                yield from fonts_of(xobject.get("/Resources"))

    checked = 0
    for path in sorted((site / "pack").glob("*.pdf")):
        for n, page in enumerate(PdfReader(path).pages, start=1):
            for font in fonts_of(page.get("/Resources")):
                described = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
                for each in described:
                    descriptor = each.get("/FontDescriptor")
                    assert descriptor is not None, (path.name, n, each.get("/BaseFont"))
                    descriptor = descriptor.get_object()
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (path.name, n, each.get("/BaseFont"))
                    checked += 1
    assert checked > 0


def test_the_pack_is_a4_by_default(site):
    for path in sorted((site / "pack").glob("*.pdf")):
        box = PdfReader(path).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4, path.name


def test_the_course_pack_holds_its_sections_and_what_they_reuse(site):
    path = site / "pack" / f"{COURSE_PACK}.pdf"
    texts = pages_text(path)
    assert all(text.strip() for text in texts), "a blank page"
    titles = [title for title, _ in outline(path)]
    assert titles == ["Course pack", "The course at a glance", "Ground rules", "How to run a triad",
                      "Safeguarding procedure: a template", "Where to find support"]
    whole = squeezed("".join(texts))
    for lesson in LESSONS:
        assert squeezed(lesson.title) in whole
        for outcome in lesson.seminar.outcomes:
            assert squeezed(outcome["can"])[:60] in whole
    assert squeezed("The whole course") in whole  # the hours, as the overview page computes them
    ground_rules = next(b.text for b in LESSONS[0].blocks if b.kind == "facilitator" and "ground rules" in b.title)
    assert squeezed("confidentiality is never absolute") in whole and "confidentiality is never absolute" in ground_rules
    assert squeezed("TEMPLATE: adapt this to your course") in whole
    assert squeezed("Designated safeguarding lead") in whole
    for number in ("116 123", "999", "85258", "111"):
        assert squeezed(number) in whole


def test_nothing_changed_prints_nothing_and_one_changed_seminar_reprints_only_its_pack(workspace, monkeypatch):
    assert rebuild(workspace, monkeypatch) == []
    lesson = LESSONS[2]
    seminar = workspace["content"] / "seminars" / f"{lesson.id}.yaml"
    card = lesson.seminar.cards[0]
    seminar.write_text(seminar.read_text(encoding="utf-8").replace(card["opening"], card["opening"] + " Anyway."),
                       encoding="utf-8")
    assert rebuild(workspace, monkeypatch) == [lesson.id]
    assert squeezed(card["opening"] + " Anyway.") in squeezed("".join(pages_text(workspace["site"] / "pack" / f"{lesson.id}.pdf")))


def test_a_pdf_not_from_this_build_is_printed_again(workspace, monkeypatch):
    target = workspace["site"] / "pack" / f"{LESSONS[0].id}.pdf"
    target.write_bytes(b"%PDF-1.4 not one of ours")
    assert rebuild(workspace, monkeypatch) == [LESSONS[0].id]


def test_letter_paper_reprints_every_pdf_on_letter_and_no_journal_answer_reaches_one(workspace, monkeypatch, tmp_path):
    workspace = {name: shutil.copytree(path, tmp_path / name) for name, path in workspace.items()}  # A4 stays for others
    printed = rebuild(workspace, monkeypatch, paper="letter")
    assert sorted(printed) == sorted([lesson.id for lesson in LESSONS] + [COURSE_PACK])
    for path in sorted((workspace["site"] / "pack").glob("*.pdf")):
        reader = PdfReader(path)
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == LETTER, path.name
        assert MARKER not in "".join(pages_text(path))
        assert MARKER.encode() not in path.read_bytes()
    plan = outline(workspace["site"] / "pack" / f"{LESSONS[1].id}.pdf")
    assert plan[1][1] == 1, "the session plan still fits one page on Letter"


def test_without_chromium_the_build_says_what_to_install_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from alliance.cli import main

    monkeypatch.setattr(pack, "CHROMIUM", tmp_path / "no-chromium")
    site_dir = tmp_path / "site"
    with pytest.raises(pack.PackError, match=r"apt-get install chromium"):
        build(quiet=True, notebooks_dir=tmp_path / "notebooks", site_dir=site_dir)
    assert not site_dir.exists() and not (tmp_path / "notebooks").exists()
    assert main(["build"]) == 7  # stops before it would write the repository's site/
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sudo apt-get install chromium" in err and "stopped before writing anything" in err


def test_a_course_pack_block_that_does_not_exist_is_named_with_its_file(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    text = (CONTENT_DIR / "course-pack.md").read_text(encoding="utf-8")
    (content / "course-pack.md").write_text(
        text.replace("Introductions, ground rules and disclosure", "No such notes") + "\n```{agenda}\n```\n",
        encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        pack.load_course(LESSONS, content)
    messages = [str(p) for p in caught.value.problems]
    assert any("course-pack.md, field 'facilitator-notes'" in m and "'No such notes'" in m for m in messages), messages
    assert any("course-pack.md, field 'agenda'" in m for m in messages), messages


def test_the_pack_prints_from_inside_a_running_event_loop(site):
    """As in the browser tests (Playwright's sync API) or a notebook, where asyncio.run() cannot nest."""
    async def inside_a_loop():
        return pack.print_pdfs([pack.PrintJob("plan", pack.lesson_html(LESSONS[0], "a4"), "key")], "a4")

    # A thread of its own, free of any loop the session's browser fixture may be running.
    with ThreadPoolExecutor(max_workers=1) as thread:
        pdf = thread.submit(asyncio.run, inside_a_loop()).result()["plan"]
    assert pack.key_of(pdf) == "key"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_the_answer_sheet_names_each_best_response_by_its_worksheet_letter(site, lesson):
    path = site / "pack" / f"{lesson.id}.pdf"
    parts = dict(outline(path))
    answers = squeezed("".join(pages_text(path)[parts["Answers for the facilitator"]:parts["Worksheets"]]))
    for exercise in lesson.exercises.values():
        if exercise.name == "scenario":
            best = "ABCD"[[o["kind"] for o in exercise.shown_options()].index("best")]
            assert squeezed(f"{exercise.title}Most helpful: {best};") in answers
