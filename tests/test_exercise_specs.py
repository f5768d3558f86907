"""Bad exercise specs stop the build before anything is written, with an error that
names the file, the exercise id and the field."""

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from alliance import cli, paths
from alliance.build import build
from alliance.exercises import SpecError, file_schema, load_exercise_file

LESSON = "01-trust-and-safety"


@pytest.fixture
def sources(tmp_path):
    """A copy of the real sources that a test may break."""
    for name in ("content", "exercises"):
        shutil.copytree(paths.ROOT / name, tmp_path / name)
    return tmp_path


def spec_file(sources) -> Path:
    return sources / "exercises" / f"{LESSON}.yaml"


def edit(sources, change):
    path = spec_file(sources)
    data = yaml.safe_load(path.read_text())
    change(data["exercises"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def problems(sources) -> list[str]:
    with pytest.raises(SpecError) as caught:
        build(content_dir=sources / "content", exercises_dir=sources / "exercises",
              notebooks_dir=sources / "notebooks", site_dir=sources / "site", quiet=True)
    # Nothing was written.
    assert not (sources / "notebooks").exists() and not (sources / "site").exists()
    return [str(p) for p in caught.value.problems]


def test_invalid_yaml_names_the_file_and_line(sources):
    spec_file(sources).write_text("lesson: x\nexercises:\n  - id: a\n   type: [\n")
    [message] = problems(sources)
    assert message.startswith(f"{LESSON}.yaml") or f"exercises/{LESSON}.yaml" in message
    assert "not valid YAML at line" in message


def test_unknown_type(sources):
    edit(sources, lambda ex: ex[0].update(type="journaling"))
    [message] = problems(sources)
    assert f"{LESSON}.yaml, exercise '{'ts-safe-space'}', field 'type'" in message
    assert "'journaling' is not a known exercise type" in message and "reflection" in message


def test_missing_field(sources):
    def drop_feedback(ex):
        scenario = next(e for e in ex if e["type"] == "scenario")
        del scenario["options"][1]["feedback"]
    edit(sources, drop_feedback)
    [message] = problems(sources)
    assert "exercise 'ts-scenario', field 'options[1].feedback': is required but missing" in message


def test_missing_top_level_field(sources):
    edit(sources, lambda ex: ex[0].pop("prompt"))
    [message] = problems(sources)
    assert "exercise 'ts-safe-space', field 'prompt': is required but missing" in message


def test_duplicate_id(sources):
    edit(sources, lambda ex: ex[1].update(id=ex[0]["id"]))
    messages = problems(sources)
    assert any("exercise 'ts-safe-space', field 'id': is used by more than one exercise" in m for m in messages)


def test_unknown_field_and_wrong_value(sources):
    def spoil(ex):
        ex[0]["colour"] = "blue"
        rating = next(e for e in ex if e["type"] == "rating")
        rating["scale"]["max"] = "seven"
    edit(sources, spoil)
    messages = problems(sources)
    assert any("field 'colour': is not a known field" in m for m in messages)
    assert any("exercise 'ts-rating', field 'scale.max'" in m for m in messages)


def test_exercise_placed_but_not_defined(sources):
    content = sources / "content" / f"{LESSON}.md"
    content.write_text(content.read_text() + "\n```{exercise} ts-missing\n```\n")
    [message] = problems(sources)
    assert f"content/{LESSON}.md" in message or f"{LESSON}.md" in message
    assert "exercise 'ts-missing', field 'exercise': is placed in the text but not defined" in message


def test_errors_from_every_file_are_reported_together(sources):
    edit(sources, lambda ex: ex[0].update(type="nope"))
    other = sources / "exercises" / "99-other.yaml"
    other.write_text("lesson: 99-other\nexercises: []\n")
    (sources / "content" / "99-other.md").write_text("---\ntitle: Other\n---\n# Other\n")
    messages = problems(sources)
    assert any("99-other.yaml, field 'exercises'" in m for m in messages)
    assert any("field 'type'" in m for m in messages)


def test_cli_prints_each_problem_and_exits_non_zero(sources, monkeypatch, capsys):
    edit(sources, lambda ex: ex[0].update(type="nope"))
    import alliance.build as build_module

    real = build_module.build
    monkeypatch.setattr(build_module, "build", lambda force=False, **options: real(
        force, **options, content_dir=sources / "content", exercises_dir=sources / "exercises",
        notebooks_dir=sources / "notebooks", site_dir=sources / "site", quiet=True))
    assert cli.main(["build"]) == 2
    err = capsys.readouterr().err
    assert "stopped before writing anything" in err and "exercise 'ts-safe-space', field 'type'" in err


def test_a_failed_build_leaves_the_previous_site_untouched(sources):
    site = sources / "site"
    site.mkdir()
    (site / "index.html").write_text("previous build")
    edit(sources, lambda ex: ex[0].update(type="nope"))
    with pytest.raises(SpecError):
        build(content_dir=sources / "content", exercises_dir=sources / "exercises",
              notebooks_dir=sources / "notebooks", site_dir=site, quiet=True)
    assert (site / "index.html").read_text() == "previous build"


def test_published_schema_is_current():
    assert json.loads(paths.SCHEMA_PATH.read_text()) == file_schema(), "run `alliance schema`"


def test_every_exercise_file_meets_the_published_schema():
    schema = json.loads(paths.SCHEMA_PATH.read_text())
    for path in sorted(paths.EXERCISES_DIR.glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
        load_exercise_file(path)


def test_published_schema_rejects_an_unknown_type():
    schema = json.loads(paths.SCHEMA_PATH.read_text())
    bad = {"lesson": "01-x", "exercises": [{"id": "a", "type": "nope", "title": "t", "prompt": "p"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# Every failure names the file, the exercise and the field.

def insert_after(path: Path, anchor: str, line: str, before: bool = False) -> int:
    """Put `line` after (or before) the first line holding `anchor`, with the same indent; its line number."""
    lines = path.read_text().splitlines(keepends=True)
    at = next(n for n, text in enumerate(lines) if text.lstrip().startswith(anchor))  # a key, not words in a prompt
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + (0 if before else 1), indent + line + "\n")
    path.write_text("".join(lines))
    return at + (1 if before else 2)


def test_a_duplicate_key_in_an_exercise_is_an_error(sources):
    inserted = insert_after(spec_file(sources), "title: A time you felt safe", "prompt: Write something else.")
    [message] = problems(sources)
    assert message.endswith(f"exercises/{LESSON}.yaml, exercise 'ts-safe-space', field 'prompt': "
                            f"is given twice (lines {inserted} and {inserted + 1}); keep one")


def test_a_duplicate_key_nested_in_an_option_names_its_path(sources):
    edit(sources, lambda ex: None)  # the file as yaml.safe_dump writes it: one key a line
    # Before the first feedback, whose long text may run on to the next line.
    insert_after(spec_file(sources), "feedback:", "feedback: A second feedback.", before=True)
    [message] = problems(sources)
    assert "exercise 'ts-scenario', field 'options[0].feedback': is given twice" in message


def test_a_duplicate_key_in_a_lesson_front_matter_is_an_error(sources):
    content = sources / "content" / f"{LESSON}.md"
    insert_after(content, "title: Trust and safety", "title: Trust and safety, again")
    [message] = problems(sources)
    assert f"content/{LESSON}.md, field 'title': is given twice in the front matter (lines 2 and 3)" in message


def test_an_unclosed_facilitator_block_is_an_error(sources):
    content = sources / "content" / f"{LESSON}.md"
    text = content.read_text()
    lines = text.splitlines()
    content.write_text(text + "\n:::{facilitator} A last note\nRemember the break.\n")
    [message] = problems(sources)
    assert f"content/{LESSON}.md: line {len(lines) + 2} opens ':::{{facilitator}} A last note' but it is never closed" in message


def test_exercises_that_are_not_mappings_get_one_message_each(sources):
    spec_file(sources).write_text(f"lesson: {LESSON}\nexercises:\n  - ts-safe-space\n  - ts-rating\n")
    messages = problems(sources)
    assert len(messages) == 2, messages
    for n, message in enumerate(messages, start=1):
        assert message.endswith(f"exercises/{LESSON}.yaml, exercise '#{n}': each exercise must be a mapping of fields")


def test_an_unknown_field_inside_an_option_keeps_its_path(sources):
    def spoil(ex):
        scenario = next(e for e in ex if e["type"] == "scenario")
        scenario["options"][1]["colour"] = "blue"
        scenario["options"][2]["size"] = "large"
        scenario["options"][2]["shape"] = "round"
    edit(sources, spoil)
    messages = problems(sources)
    for field in ("options[1].colour", "options[2].size", "options[2].shape"):
        assert any(m.endswith(f"exercise 'ts-scenario', field '{field}': is not a known field for this exercise type")
                   for m in messages), messages


# Unsafe markup in a lesson.

@pytest.mark.parametrize("snippet, what", [
    ("<script>alert('hi')</script>", "has a <script> element"),
    ('<img src="x.png" onerror="alert(1)">', "has an event-handler attribute 'onerror' on <img>"),
    ("<p>Read <a href='https://example.org' onclick='steal()'>this</a>.</p>", "has an event-handler attribute 'onclick' on <a>"),
    ("[Open the form](javascript:alert(document.cookie))", "has a script URL"),
    ("[Open the form](JaVa&#115;cript:alert(1))", "has a script URL"),
    ('<a href="  javascript:alert(1)">x</a>', "has a script URL in the 'href' attribute of <a>"),
    ('<iframe src="https://example.org"></iframe>', "has an <iframe> element"),
])
def test_script_in_a_lesson_is_refused_with_the_file_and_line(sources, snippet, what):
    content = sources / "content" / f"{LESSON}.md"
    line = insert_after(content, "# Trust and safety", snippet)
    [message] = problems(sources)
    assert f"content/{LESSON}.md: line {line} {what}" in message, message
    assert "would run in every reader's browser" in message
