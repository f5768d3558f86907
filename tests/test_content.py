"""The content standards of issue 3, checked on every lesson: the coverage map, the
references and figures, spelling, readability, and what every benefit lesson holds."""

import shutil
import subprocess
import sys

import pytest

from alliance import coverage, readability, references
from alliance.paths import CONTENT_DIR, EXERCISES_DIR, ROOT, lesson_ids
from alliance.sources import load_all

LESSONS = {lesson.id: lesson for lesson in load_all()}
BENEFIT_LESSONS = {
    "01-trust-and-safety": "trust-and-safety",
    "02-empathy-and-validation": "empathy-and-validation",
    "03-collaboration-and-co-creation": "collaboration-and-co-creation",
    "04-emotional-regulation-and-coping": "emotional-regulation-and-coping",
    "05-personal-growth-and-self-discovery": "personal-growth-and-self-discovery",
}
OPENING, CLOSING = "00-the-relationship-as-foundation", "06-bringing-it-together"

# The ideas each lesson must teach, as the collection's brief lists them.
REQUIRED_IDEAS = {
    OPENING: ["what the alliance is: Bordin's goals, tasks and bond", "Rogers' conditions",
              "what research says about the alliance and outcome", "the five benefits at a glance",
              "how to use the collection: self-study, a seminar, or the exported pages",
              "how answers are kept private", "looking after yourself"],
    "01-trust-and-safety": ["what trust and safety are", "a confidential, non-judgemental space",
                            "making it safe to share fears and vulnerabilities",
                            "safety helps a client reflect and explore emotions",
                            "working through painful experiences", "growth and resilience"],
    "02-empathy-and-validation": ["active listening", "empathic responses that show the client has been understood",
                                  "validating emotions, experiences and perspective", "feeling heard and less alone",
                                  "self-esteem and self-acceptance growing from being understood",
                                  "insight into one's emotional landscape"],
    "03-collaboration-and-co-creation": ["partnership", "agreeing goals", "shared responsibility",
                                         "co-creating treatment plans and exploring strategies together",
                                         "agency and ownership", "self-confidence and self-efficacy"],
    "04-emotional-regulation-and-coping": ["coping skills learned within the relationship", "relaxation exercises",
                                           "identifying and understanding triggers",
                                           "managing stress, anxiety and other emotional challenges",
                                           "skills that last beyond the therapy room"],
    "05-personal-growth-and-self-discovery": ["exploration and reflection",
                                              "insight into patterns of behaviour, beliefs and relationships",
                                              "the therapist offering guidance, challenging assumptions and suggesting other perspectives",
                                              "self-awareness", "healthier ways of relating to oneself and others",
                                              "strengths", "resilience", "reaching one's potential"],
    CLOSING: ["the learner's profile across the five benefits", "ruptures and repair", "a personal action plan",
              "how to export the journal"],
}


def test_lessons_are_numbered_in_reading_order():
    assert lesson_ids() == [OPENING, *BENEFIT_LESSONS, CLOSING]


# The coverage map.

def test_every_idea_has_a_section_and_an_exercise():
    assert coverage.check(list(LESSONS.values()), coverage.load()) == []


def test_every_lesson_has_its_required_ideas_listed():
    """Otherwise a lesson's coverage check silently never runs."""
    assert sorted(REQUIRED_IDEAS) == lesson_ids()


@pytest.mark.parametrize("lesson_id", REQUIRED_IDEAS)
def test_the_map_lists_every_required_idea(lesson_id):
    mapped = [entry["idea"] for entry in coverage.load()[lesson_id]]
    missing = [idea for idea in REQUIRED_IDEAS[lesson_id] if idea not in mapped]
    assert not missing, f"content/coverage.yaml, lesson '{lesson_id}' lacks: {missing}"


def test_the_map_names_a_missing_section_and_exercise():
    lesson = LESSONS["01-trust-and-safety"]
    broken = {lesson.id: [{"idea": "trust", "section": "No such heading", "exercise": "no-such-exercise"},
                          {"idea": "safety"}]}
    others = {i: [] for i in LESSONS if i != lesson.id}
    problems = coverage.check(list(LESSONS.values()), {**broken, **others})
    assert problems == [
        "content/coverage.yaml: lesson '01-trust-and-safety', idea 'trust': section 'No such heading' is not a heading in content/01-trust-and-safety.md",
        "content/coverage.yaml: lesson '01-trust-and-safety', idea 'trust': exercise 'no-such-exercise' is not in exercises/01-trust-and-safety.yaml",
        "content/coverage.yaml: lesson '01-trust-and-safety', idea 'safety': has no section",
        "content/coverage.yaml: lesson '01-trust-and-safety', idea 'safety': has no exercise",
    ]


# References and figures.

@pytest.mark.parametrize("lesson_id", LESSONS)
def test_references_have_doi_or_isbn_and_every_figure_is_cited(lesson_id):
    assert references.check_lesson(CONTENT_DIR / f"{lesson_id}.md", EXERCISES_DIR / f"{lesson_id}.yaml") == []


def test_a_figure_in_an_exercise_needs_its_citation_too(tmp_path):
    lesson = OPENING
    original = (EXERCISES_DIR / f"{lesson}.yaml").read_text(encoding="utf-8")
    assert " (Flückiger et al., 2018)" in original
    changed = tmp_path / f"{lesson}.yaml"
    changed.write_text(original.replace(" (Flückiger et al., 2018)", "", 1), encoding="utf-8")
    problems = references.check_lesson(CONTENT_DIR / f"{lesson}.md", changed)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{changed}, exercise 'rf-reading-research', field 'examples[0]': the figure ")
    assert "has no citation beside it that the lesson's References resolve" in problems[0]


def test_citations_are_found_in_their_usual_forms():
    text = ("Bordin (1979) said so. Rogers (1957/2007) agreed. Fonagy and Allison (2014) framed it. "
            "Safran, Muran and Eubanks-Carter (2011) named ruptures (Flückiger et al., 2018; Norcross & Lambert, 2018). "
            "Feedback helps a little (de Jong et al., 2021), as van der Berg (2020) found. "
            "Bandura's (1977) four sources, and O'Brien’s (2019) view.")
    found = {(name, year) for name, year, _ in references.citations(text)}
    assert found == {("Bordin", "1979"), ("Rogers", "1957"), ("Rogers", "2007"), ("Fonagy", "2014"),
                     ("Safran", "2011"), ("Flückiger", "2018"), ("Norcross", "2018"),
                     ("de Jong", "2021"), ("van der Berg", "2020"), ("Bandura", "1977"), ("O'Brien", "2019")}


def test_an_uncited_figure_a_stray_citation_and_a_bare_reference_are_reported(tmp_path):
    lesson = tmp_path / "09-example.md"
    lesson.write_text(
        "# Example\n\nThe link was r = .31 across 40 studies.\n\nAs Smith (2020) showed.\n\n"
        "## References\n\n- Jones, A. (2019). A book. Publisher.\n",
        encoding="utf-8",
    )
    problems = " | ".join(references.check_lesson(lesson))
    assert "the figure 'r = .31'" in problems
    assert "the citation Smith (2020) is not in the lesson's References" in problems
    assert "'Jones, A. (2019). A book. Publisher.…' gives no DOI or ISBN" in problems
    assert "is never cited" in problems


# Spelling and readability.

def codespell(*paths):
    exe = shutil.which("codespell", path=str(ROOT / ".venv" / "bin")) or shutil.which("codespell")
    assert exe, "codespell is a test dependency; run `make test`"
    return subprocess.run([exe, *map(str, paths)], capture_output=True, text=True)


def test_spelling_is_clean_in_content_and_exercises():
    result = codespell(CONTENT_DIR, EXERCISES_DIR)
    assert result.returncode == 0, result.stdout


def test_codespell_does_catch_a_misspelling(tmp_path):
    (tmp_path / "lesson.md").write_text("Clients recieve our full attention.\n")
    assert "recieve ==> receive" in codespell(tmp_path).stdout


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lessons_read_as_plain_english(lesson_id):
    measured = readability.measure(LESSONS[lesson_id])
    assert measured.reading_ease >= 55, measured  # 60-70 is plain English; below 50 is hard going
    assert 5 <= measured.reading_minutes <= 40, measured


# What every lesson holds.

@pytest.mark.parametrize("lesson_id", BENEFIT_LESSONS)
def test_benefit_lesson_has_the_exercises_a_seminar_needs(lesson_id):
    lesson = LESSONS[lesson_id]
    kinds = [e.name for e in lesson.exercises.values()]
    assert len(kinds) >= 4 and len(set(kinds)) >= 3 and "scenario" in kinds
    ratings = [e for e in lesson.exercises.values() if e.spec.get("kind") == "skill"]
    assert len(ratings) == 1  # one row of the closing lesson's chart of skills self-ratings
    scale = ratings[0].spec["scale"]
    assert (scale["min"], scale["max"]) == (1, 7)  # the chart compares like with like


def test_ratings_of_wellbeing_are_kept_apart_from_skills():
    """A learner who is struggling must not see their own coping charted among their skills."""
    kinds = {e.id: e.spec.get("kind") for lesson in LESSONS.values() for e in lesson.exercises.values() if e.name == "rating"}
    assert kinds["er-coping-confidence"] == "wellbeing"
    assert set(kinds.values()) <= {"skill", "wellbeing"}


@pytest.mark.parametrize("lesson_id", [*BENEFIT_LESSONS, OPENING, CLOSING])
def test_lesson_has_facilitator_timings_discussion_and_group_work(lesson_id):
    lesson = LESSONS[lesson_id]
    notes = "\n".join(b.title + "\n" + b.text for b in lesson.blocks if b.kind == "facilitator").lower()
    assert lesson.seminar_minutes and 60 <= lesson.seminar_minutes <= 90
    assert "min" in notes and "discussion" in notes
    assert any(word in notes for word in ("pair", "triad", "threes")), "needs a pair or triad activity"


@pytest.mark.parametrize("lesson_id", BENEFIT_LESSONS)
def test_vignettes_say_the_client_is_fictional(lesson_id):
    text = "\n".join(b.text for b in LESSONS[lesson_id].blocks if b.kind == "markdown")
    specs = str([e.spec for e in LESSONS[lesson_id].exercises.values()])
    assert "fictional" in text and "fictional" in specs


def test_closing_lesson_draws_the_profile_and_exports_the_journal():
    kinds = {e.name for e in LESSONS[CLOSING].exercises.values()}
    assert {"profile", "journal-export", "worksheet", "scenario"} <= kinds


def test_lesson_01_teaches_risk_apart_from_felt_safety():
    """Feeling safe is not being safe: lesson 01 teaches asking about suicide, why risk
    scores do not predict, the limits of confidentiality and what to do next, with practice."""
    source = (CONTENT_DIR / "01-trust-and-safety.md").read_text(encoding="utf-8")
    section = source.split("### Feeling safe and being safe", 1)[1].split("\n## ", 1)[0]
    for needed in ("suicide", "NICE", "confidentiality", "supervisor", "999"):
        assert needed in section, needed
    assert "(Dazzi et al., 2014" in section or "Dazzi et al. (2014)" in section
    assert "```{exercise} ts-scenario-low" in section
    assert "how low" in source.split("## A worked example: Tomasz", 1)[1].split("\n## ", 1)[0].lower()


def test_ground_rules_never_claim_a_single_exception():
    """On a training course confidentiality has several limits: safeguarding, the tutor team's
    concerns about readiness to practise, and work that is assessed."""
    for lesson_id in LESSONS:
        source = (CONTENT_DIR / f"{lesson_id}.md").read_text(encoding="utf-8").lower()
        assert "one exception" not in source and "only exception" not in source, lesson_id
