"""Exporting the committed notebooks into site/: both editions, no code, nothing partial."""

import re
import shutil

import pytest

from alliance import export
from alliance.build import build
from alliance.paths import NOTEBOOKS_DIR, lesson_ids


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    shutil.copytree(NOTEBOOKS_DIR, out / "notebooks")  # the build must not touch the repository
    site_dir = out / "site"
    index = build(site_dir=site_dir, notebooks_dir=out / "notebooks", quiet=True)
    assert index == site_dir / "index.html"
    return site_dir


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
    for page in site.glob("*/*.html"):
        html = page.read_text()
        assert "lesson.exercise(" not in html and "from alliance" not in html
        assert not re.search(r'class="[^"]*jp-(InputPrompt|OutputPrompt|CodeMirrorEditor)|class="highlight', html)


def test_pages_carry_widget_state_for_kernel_free_use(site):
    for page in site.glob("*/*.html"):
        html = page.read_text()
        assert "application/vnd.jupyter.widget-state+json" in html
        assert "DirectionalLinkModel" in html  # the scenario and pacer links run in the browser
