"""The whole pipeline, left to right:
sources -> notebooks -> executed notebooks -> exported editions -> site/.

Every source is checked before anything is written, and notebooks are written only
after every lesson has executed and been exported, so a failure leaves the previous
build intact. Only what the build itself produced is reused: a notebook whose stamp
does not match its contents (run and saved in JupyterLab, say) is run again.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import nbformat
from tqdm import tqdm

from . import assets, decks, export, pack, readability, slides, sources, wheel
from .execute import execute_many, is_sealed, reuse_outputs, widget_state
from .notebooks import build_notebook
from .paths import CONTENT_DIR, EXERCISES_DIR, NOTEBOOKS_DIR, SITE_DIR
from .site import Assets, Page, overview_body, write_site


def _read(path: Path) -> nbformat.NotebookNode | None:
    """A notebook from notebooks/, or None if it is missing or is not a readable notebook."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception:  # missing or unreadable: run the lesson again and write a good one over it
        return None


def is_current(path: Path, notebook: nbformat.NotebookNode) -> bool:
    """True if the committed notebook is exactly what the build made from these sources:
    its stamp matches its contents (no one has run or edited it since), it comes from
    the same source hash, every code cell ran and its widgets were kept."""
    committed = _read(path)
    if committed is None or not is_sealed(committed):
        return False
    same_hash = committed.metadata.get("alliance", {}).get("source_hash") == notebook.metadata["alliance"]["source_hash"]
    executed = all(c.get("execution_count") for c in committed.cells if c.cell_type == "code")
    widgets = bool(widget_state(committed))
    return same_hash and executed and widgets


def write_atomically(path: Path, notebook: nbformat.NotebookNode) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".ipynb", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        nbformat.write(notebook, handle)
    os.replace(tmp, path)


def _reuse(path: Path, key: str) -> str | None:
    """The page already in site/ if it was built from exactly the same inputs."""
    try:
        body = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return body if export.page_build_key(body) == key else None


def build(
    force: bool = False,
    *,
    single_file: bool = False,
    content_dir: Path = CONTENT_DIR,
    exercises_dir: Path = EXERCISES_DIR,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    site_dir: Path = SITE_DIR,
    quiet: bool = False,
    paper: str = "a4",
) -> Path:
    bar = lambda it, **kw: tqdm(it, disable=quiet, unit="lesson", **kw)  # noqa: E731
    lessons = sources.load_all(content_dir, exercises_dir)  # raises SpecError before anything is written
    course = pack.load_course(lessons, content_dir)  # the course pack's text: SpecError too
    pack.require_chromium()  # raises PackError before anything is written
    npm_files = assets.fetch()  # pinned and checked; raises AssetError before anything is written
    package = wheel.build_wheel()  # for learners' own Jupyter; raises WheelError before anything is written
    with ThreadPoolExecutor(max_workers=1) as background:
        # Readability needs a large pronouncing dictionary the first time: measure it alongside.
        measuring = background.submit(lambda: {lesson.id: readability.measure(lesson) for lesson in lessons})
        notebooks, changed, ran = run_stale(lessons, notebooks_dir, force, quiet)
        editions, singles, exported = export_all(lessons, notebooks, site_dir, force, single_file, npm_files, bar)
        deck_pages, decks_exported = export_decks(lessons, site_dir, force, bar)
        measured = measuring.result()

    pages = [
        Page(
            lesson=lesson.id, title=lesson.title, summary=lesson.summary,
            notebook=notebooks_dir / f"{lesson.id}.ipynb", editions=editions[lesson.id],
            reading_minutes=measured[lesson.id].reading_minutes, seminar_minutes=lesson.seminar_minutes,
            single_file=singles.get(lesson.id), seminar=lesson.seminar, deck=deck_pages.get(lesson.id),
        )
        for lesson in lessons
    ]
    packs, printed = print_packs(lessons, course, pages, site_dir, force, paper, quiet)
    pages = [replace(page, pack=packs.get(page.lesson)) for page in pages]
    for lesson_id in changed:  # only now that every lesson has run, been exported and printed
        write_atomically(notebooks_dir / f"{lesson_id}.ipynb", notebooks[lesson_id])
    own = {**export.own_assets(), **slides.own_assets()}
    index = write_site(pages, Assets(npm_files, own), site_dir, course_pack=packs.get(COURSE_PACK), package=package)
    if not quiet:
        print(ran)
        print(f"{exported} page(s) exported, {len(pages) * len(export.EDITIONS) - exported} unchanged.")
        print(f"{decks_exported} slide deck(s) exported, {len(deck_pages) - decks_exported} unchanged.")
        print(f"{printed} trainer pack PDF(s) printed, {len(packs) - printed} unchanged.")
        print(readability.report(list(measured.values())))
    return index


COURSE_PACK = "course-pack"  # site/pack/course-pack.pdf, beside each lesson's NN-name.pdf


def print_packs(lessons, course, pages: list[Page], site_dir: Path, force: bool, paper: str, quiet: bool
                ) -> tuple[dict[str, bytes], int]:
    """Each lesson's trainer pack and the course pack as PDFs, keyed by their name in site/pack/,
    printing only those whose print HTML or paper changed since the PDF in site/pack/."""
    documents = {lesson.id: pack.lesson_html(lesson, paper) for lesson in lessons if lesson.seminar}
    if course:
        documents[COURSE_PACK] = pack.course_html(course, lessons, overview_body(pages), paper)
    pdfs, jobs = {}, []
    for name, document in documents.items():
        key = pack.pack_key(document, paper)
        reused = None if force else pack.reuse(site_dir / "pack" / f"{name}.pdf", key)
        if reused is None:
            jobs.append(pack.PrintJob(name, document, key))
        else:
            pdfs[name] = reused
    with tqdm(total=len(jobs), disable=quiet or not jobs, unit="pdf", desc="Printing the trainer pack") as progress:
        pdfs.update(pack.print_pdfs(jobs, paper, done=lambda: progress.update()))
    return pdfs, len(jobs)


def run_stale(lessons, notebooks_dir: Path, force: bool, quiet: bool) -> tuple[dict, list[str], str]:
    """Every lesson's executed notebook, running only those whose code changed, and the ids
    of those to write. Nothing is written here: the caller writes once every lesson is done."""
    built = {lesson.id: build_notebook(lesson) for lesson in lessons}
    paths = {lesson_id: notebooks_dir / f"{lesson_id}.ipynb" for lesson_id in built}
    previous = {i: _read(paths[i]) for i in built}
    current = {i for i in built if not force and is_current(paths[i], built[i])}
    stale = [i for i in built if i not in current]
    executed: dict[str, nbformat.NotebookNode] = {}
    for i in [] if force else stale:  # only the text changed: no need to run the lesson again
        if previous[i] is not None:
            reused = reuse_outputs(built[i], previous[i])
            if reused is not None:
                executed[i] = reused
    to_run = [i for i in stale if i not in executed]
    if to_run:
        with tqdm(total=len(to_run), disable=quiet, unit="lesson", desc="Running lessons") as progress:
            executed.update(execute_many({i: built[i] for i in to_run}, progress=progress.update))
    notebooks = {i: executed[i] if i in executed else previous[i] for i in built}
    summary = (f"{len(to_run)} lesson(s) executed, {len(stale) - len(to_run)} with only text changes updated "
               f"without running, {len(built) - len(stale)} already up to date.")
    return notebooks, stale, summary


def export_all(lessons, notebooks: dict, site_dir: Path, force: bool, single_file: bool, npm_files, bar):
    """Both editions of every lesson, reusing pages in site/ whose inputs are unchanged."""
    inline = export.inline_assets(npm_files) if single_file else None
    editions: dict[str, dict[str, str]] = {}
    singles: dict[str, str] = {}
    exported = 0
    for n, lesson in enumerate(bar(lessons, desc="Exporting pages")):
        notebook = notebooks[lesson.id]
        export.refuse_answers(notebook)  # also for pages reused from site/: they publish this notebook
        digest = export.notebook_digest(notebook)
        editions[lesson.id] = {}
        for edition in export.EDITIONS:
            nav = navigation(lessons, n, edition)
            key = export.build_key(digest, edition, nav, False)
            page = None if force else _reuse(site_dir / edition / f"{lesson.id}.html", key)
            if page is None:
                page, exported = export.export(notebook, edition, nav, key=key), exported + 1
            editions[lesson.id][edition] = page
        if single_file:
            singles[lesson.id] = export.export(notebook, "learner", navigation(lessons, n, "learner", single=True), inline)
    return editions, singles, exported


def export_decks(lessons, site_dir: Path, force: bool, bar) -> tuple[dict[str, str], int]:
    """Every seminar's slide deck, reusing decks in site/ whose inputs are unchanged."""
    pages: dict[str, str] = {}
    exported = 0
    seminars = [lesson for lesson in lessons if lesson.seminar]
    for n, lesson in enumerate(bar(seminars, desc="Exporting slides")):
        deck = decks.build_deck(lesson, seminars[n + 1] if n + 1 < len(seminars) else None)
        key = slides.deck_build_key(deck)
        page = None if force else _reuse(site_dir / "slides" / f"{lesson.id}.html", key)
        if page is None:
            page, exported = slides.export_deck(deck, key), exported + 1
        pages[lesson.id] = page
    return pages, exported


def navigation(lessons: list, n: int, edition: str, single: bool = False) -> export.Navigation:
    """Links from lesson n to the collection, its notebook and its neighbours in the same edition."""
    folder = "../single-file/" if single else ""
    other = "facilitator" if edition == "learner" else "learner"
    link = lambda i: export.Link(f"{folder}{lessons[i].id}.html", lessons[i].title)  # noqa: E731
    return export.Navigation(
        index_url="" if single else "../index.html",
        notebook_url="" if single else f"../notebooks/{lessons[n].id}.ipynb",
        previous=None if single or n == 0 else link(n - 1),
        next=None if single or n == len(lessons) - 1 else link(n + 1),
        other_edition=None if single else export.Link(
            f"../{other}/{lessons[n].id}.html", f"{other.capitalize()} edition of this lesson"),
        trainer=(export.Link(f"../slides/{lessons[n].id}.html", "Slides for the seminar"),
                 export.Link(f"../pack/{lessons[n].id}.pdf", "Trainer pack to print (PDF)"))
        if edition == "facilitator" and not single and lessons[n].seminar else (),
    )
