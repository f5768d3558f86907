"""Exporting the committed notebooks into site/: both editions, shared assets from the
site itself, single-file pages, navigation, no code, and nothing partial."""

import json
import re
import shutil

import pytest

from alliance import assets, export
from alliance.build import build
from alliance.paths import NOTEBOOKS_DIR, lesson_ids

LESSONS = lesson_ids()
OUTSIDE = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


def lesson_pages(site):
    return sorted(site.glob("learner/*.html")) + sorted(site.glob("facilitator/*.html"))


def test_index_links_every_lesson_in_both_editions(site):
    index = (site / "index.html").read_text()
    for lesson in lesson_ids():
        for edition in export.EDITIONS:
            assert f'href="{edition}/{lesson}.html"' in index
            assert (site / edition / f"{lesson}.html").exists()
        assert (site / "notebooks" / f"{lesson}.ipynb").exists()


def test_learner_edition_leaves_out_facilitator_notes(site):
    for lesson in lesson_ids():
        learner = (site / "learner" / f"{lesson}.html").read_text()
        facilitator = (site / "facilitator" / f"{lesson}.html").read_text()
        marked = re.compile(r'class="[^"]*celltag_facilitator')
        assert not marked.search(learner) and "For facilitators" not in learner
        assert len(marked.findall(facilitator)) >= 3 and "For facilitators" in facilitator


def test_pages_show_no_code(site):
    for page in [*lesson_pages(site), *site.glob("single-file/*.html"), *site.glob("slides/*.html")]:
        html = page.read_text()
        assert "lesson.exercise(" not in html and "from alliance" not in html
        assert not re.search(r'class="[^"]*jp-(InputPrompt|OutputPrompt|CodeMirrorEditor)|class="highlight', html)


def test_pages_carry_widget_state_for_kernel_free_use(site):
    for page in [*lesson_pages(site), *site.glob("single-file/*.html")]:
        html = page.read_text()
        assert "application/vnd.jupyter.widget-state+json" in html
        assert "DirectionalLinkModel" in html  # the scenario and pacer links run in the browser


def test_pages_load_nothing_from_outside_the_site(site):
    for page in [*lesson_pages(site), *site.glob("single-file/*.html")]:
        html = page.read_text()
        # Links in the text (the references' DOIs) are fine; nothing may be loaded from elsewhere.
        loaded = re.findall(r"""<(?:script|link)[^>]*(?:src|href)=["']([^"']+)""", html)
        assert all(not re.match(r"(https?:)?//", url) for url in loaded), (page, loaded)
    for page in lesson_pages(site):  # single-file pages hold the renderer's code, which names its CDN fallback
        for cdn in ("unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "mathjax", "mermaid.min.js"):
            assert cdn not in page.read_text().lower(), (page, cdn)


def test_site_holds_one_shared_copy_of_the_assets(site):
    shared = {p.name for p in (site / "assets").iterdir()}
    assert {"embed-amd.js", "require.js", "lab.css", "alliance.css", "alliance.js"} <= shared
    assert "axe.min.js" not in shared  # a test tool, not part of the site
    for page in lesson_pages(site):
        html = page.read_text()
        assert '<script src="../assets/require.js">' in html and "'../assets/embed-amd.js'" in html
        assert len(html) < len((site / "assets" / "embed-amd.js").read_text())  # linked, not copied in


def lesson_text(html: str) -> str:
    """The words of a page's lesson, as a reader sees them: no scripts, styles or navigation."""
    main = html.split('<main id="alliance-lesson">', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|nav)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def learner_edition_problems(html: str, learner_page: str) -> list[str]:
    """Why a page is not the learner edition of the lesson whose learner page is given."""
    problems = []
    body = re.search(r"<body[^>]*>", html).group(0)
    if "alliance-learner" not in body or "alliance-facilitator" in body:
        problems.append(f"not marked as the learner edition: {body}")
    if re.search(r'class="[^"]*celltag_facilitator', html) or "For facilitators" in html:
        problems.append("holds notes for facilitators")
    if '<p class="alliance-edition">Learner edition.</p>' not in html:
        problems.append("does not say it is the learner edition")
    if lesson_text(html) != lesson_text(learner_page):
        problems.append("its lesson reads differently from the learner page")
    return problems


def test_single_file_pages_carry_everything_inline(site):
    pages = sorted((site / "single-file").glob("*.html"))
    assert [p.stem for p in pages] == LESSONS
    for page in pages:
        html = page.read_text()
        assert not re.findall(r"""<script[^>]*\ssrc=|<link[^>]*stylesheet""", html), page
        assert 'id="alliance-widget-renderer"' in html


def test_single_file_pages_are_the_learner_edition_throughout(site):
    for lesson in LESSONS:
        learner = (site / "learner" / f"{lesson}.html").read_text()
        single = (site / "single-file" / f"{lesson}.html").read_text()
        assert learner_edition_problems(single, learner) == [], lesson
        # The check can see a facilitator page: without this, it would prove nothing.
        facilitator = (site / "facilitator" / f"{lesson}.html").read_text()
        assert len(learner_edition_problems(facilitator, learner)) == 4, lesson


def test_index_shows_reading_time_and_how_to_use(site):
    index = (site / "index.html").read_text()
    assert index.count("minutes' reading") == len(LESSONS)
    for needed in ("How to use these lessons", "Download my answers", "Clear my answers", "not therapy", "116 123"):
        assert needed in index, needed
    assert index.count("<h1") == 1 and '<html lang="en">' in index


def test_each_page_has_one_h1_a_language_contents_and_neighbours(site):
    for edition in export.EDITIONS:
        for n, lesson in enumerate(LESSONS):
            html = (site / edition / f"{lesson}.html").read_text()
            assert html.count("<h1") == 1 and '<html lang="en">' in html
            assert 'aria-label="Contents"' in html and 'href="../index.html"' in html
            assert f'<a download="" href="../notebooks/{lesson}.ipynb">' in html
            other = "facilitator" if edition == "learner" else "learner"
            assert f'<a href="../{other}/{lesson}.html">' in html
            if n > 0:
                assert f'<a href="{LESSONS[n - 1]}.html" rel="prev">' in html
            if n < len(LESSONS) - 1:
                assert f'<a href="{LESSONS[n + 1]}.html" rel="next">' in html
            assert html.count('rel="prev"') == (n > 0) and html.count('rel="next"') == (n < len(LESSONS) - 1)


def test_page_knows_how_to_keep_each_answer(site):
    html = (site / "learner" / "01-trust-and-safety.html").read_text()
    data = json.loads(re.search(r'<script id="alliance-lesson" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert data["lesson"] == "01-trust-and-safety" and data["title"] == "Trust and safety"
    rating = next(e for e in data["exercises"] if e["type"] == "rating")
    assert rating["fields"][0]["words"] == {"kind": "scale", "max": 7, "values": [1, 2, 3, 4, 5, 6, 7]}
    for exercise in data["exercises"]:
        assert f"alliance-id-{exercise['id']}" in html


def test_a_rebuild_with_nothing_changed_exports_nothing(site, tmp_path, monkeypatch):
    calls = []
    original = export.export
    monkeypatch.setattr(export, "export", lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    again = tmp_path / "site"
    shutil.copytree(site, again)
    build(site_dir=again, notebooks_dir=site.parent / "notebooks", quiet=True)
    assert calls == []
    page = again / "learner" / "01-trust-and-safety.html"
    page.write_text(page.read_text().replace(export.page_build_key(page.read_text()), "0" * 16))
    build(site_dir=again, notebooks_dir=site.parent / "notebooks", quiet=True)
    assert calls == ["learner"]  # only the page whose inputs differ


def test_an_asset_that_fails_its_integrity_check_stops_the_build(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(assets._tarball("requirejs", assets.packages()["requirejs"], assets.CACHE_DIR), cache)
    lock = json.loads(assets.LOCK_PATH.read_text())
    lock["packages"]["requirejs"]["integrity"] = "sha512-" + "A" * 86 + "=="
    bad_lock = tmp_path / "lock.json"
    bad_lock.write_text(json.dumps(lock))
    monkeypatch.setattr(assets, "LOCK_PATH", bad_lock)
    with pytest.raises(assets.AssetError, match="does not match site-assets.lock.json"):
        assets._tarball("requirejs", assets.packages()["requirejs"], cache)
    assert not list(cache.glob("*.tgz"))  # the mismatched file is deleted, never used


def test_identical_layouts_are_shared_and_references_follow():
    import nbformat

    def layout(width=None):
        return {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base", "model_module_version": "2.0.0",
                "state": {"_model_name": "LayoutModel", "width": width, "height": None, "_view_count": None}}

    def html(layout_id):
        return {"model_name": "HTMLModel", "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
                "state": {"layout": f"IPY_MODEL_{layout_id}", "value": "<p>hi</p>", "tooltip": None, "index": None}}

    state = {"a": layout(), "b": layout(), "c": layout("50%"), "h1": html("a"), "h2": html("b"), "h3": html("c")}
    nb = nbformat.v4.new_notebook(metadata={"widgets": {export.WIDGET_STATE: {"state": state}}})
    export.CompactWidgetState().preprocess(nb, {})
    state = nb.metadata["widgets"][export.WIDGET_STATE]["state"]
    assert sorted(state) == ["a", "c", "h1", "h2", "h3"]  # "b" was the same as "a"
    assert state["a"]["state"] == {"_model_name": "LayoutModel"} and state["c"]["state"]["width"] == "50%"
    assert state["h2"]["state"]["layout"] == "IPY_MODEL_a" and state["h3"]["state"]["layout"] == "IPY_MODEL_c"
    assert state["h1"]["state"]["index"] is None and "tooltip" not in state["h1"]["state"]  # only known-null settings go


def test_trainers_find_each_deck_and_pack_from_the_index_and_the_facilitator_edition(site):
    index = (site / "index.html").read_text()
    assert 'id="trainers"' in index and "speaker view" in index
    for lesson in lesson_ids():
        assert (site / "slides" / f"{lesson}.html").exists()
        assert index.count(f'href="slides/{lesson}.html"') == 2  # the trainers' list and the lesson's card
        facilitator = (site / "facilitator" / f"{lesson}.html").read_text()
        assert f'href="../slides/{lesson}.html"' in facilitator and f'href="../pack/{lesson}.pdf"' in facilitator
        assert (site / "pack" / f"{lesson}.pdf").exists()
        learner = (site / "learner" / f"{lesson}.html").read_text()
        assert "slides/" not in learner and "pack/" not in learner
