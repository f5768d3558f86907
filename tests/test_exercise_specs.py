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
    monkeypatch.setattr(build_module, "build", lambda force=False, single_file=False: real(
        force, single_file=single_file, content_dir=sources / "content", exercises_dir=sources / "exercises",
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
