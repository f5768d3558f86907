"""Every lesson's slide deck in Debian's Chromium at a projector's 1280×720, with no network:
nothing leaves the site, nothing overflows a slide, body text is at least 24 px, the keyboard
moves through slides and fragments, the speaker view opens, and axe finds no serious problems."""

import pytest

from alliance.paths import lesson_ids
from site_browser import Offline, axe_violations

DECKS = [f"slides/{lesson}.html" for lesson in lesson_ids()]
PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture
def offline(browser, built_site):
    session = Offline(browser, built_site.as_uri() + "/", viewport=PROJECTOR)
    yield session
    session.close()
    assert session.leaving == [], f"requests left the site: {session.leaving}"
    assert session.errors == []


def open_deck(offline, path):
    page = offline.open(path, ready=False)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page


@pytest.mark.parametrize("path", DECKS)
def test_every_slide_fits_a_projector_with_large_text(offline, path):
    page = open_deck(offline, path)
    assert page.evaluate("[Reveal.getConfig().width, Reveal.getConfig().height]") == [1280, 720]
    # Each slide shown in turn with all its fragments, measured at the deck's own size.
    problems = page.evaluate("""() => Reveal.getSlides().flatMap((slide, n) => {
        const {h, v} = Reveal.getIndices(slide);
        Reveal.slide(h, v, 1e6);
        const found = [];
        if (slide.scrollHeight > 720 || slide.scrollWidth > 1280)
            found.push(`slide ${n + 1} is ${slide.scrollWidth}×${slide.scrollHeight}`);
        for (const el of slide.querySelectorAll('p, li, blockquote, td, th')) {
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (el.closest('aside.notes') === null && el.textContent.trim() && size < 24)
                found.push(`slide ${n + 1}: ${size}px text "${el.textContent.trim().slice(0, 40)}"`);
        }
        return found;
    })""")
    assert problems == []
    assert axe_violations(page) == []


def test_the_keyboard_moves_through_slides_and_reveals_feedback_last(offline):
    page = open_deck(offline, "slides/01-trust-and-safety.html")
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 1
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("Reveal.getIndices().h") == 0
    # Find a vote: its grades are hidden until the next key press.
    vote = page.evaluate("""() => Reveal.getSlides().findIndex(s => s.querySelector('.fragment'))""")
    page.evaluate(f"Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[{vote}])).slice(0, 2))")
    fragment = page.locator("section.present .fragment").first
    assert "Most helpful" in fragment.text_content()
    assert "visible" not in fragment.get_attribute("class")
    page.keyboard.press("Space")
    assert "visible" in fragment.get_attribute("class")


def test_speaker_notes_open_in_their_own_window(offline):
    page = open_deck(offline, "slides/01-trust-and-safety.html")
    with offline.context.expect_page() as speaker:
        page.keyboard.press("s")
    view = speaker.value
    view.wait_for_selector(".speaker-controls-notes", state="attached")
    view.wait_for_function("document.querySelector('.speaker-controls-notes .value').textContent.includes('Handling disclosure')")
