"""The register of fictional clients (content/clients.yaml): every client a lesson
introduces is in it, and the collection's diversity does not fall into a formula: no
occupation or health condition repeats, and no two clients in a lesson present alike."""

import re
from collections import Counter

import jsonschema
import pytest
import yaml

from alliance.paths import CONTENT_DIR, EXERCISES_DIR, lesson_ids

REGISTER = CONTENT_DIR / "clients.yaml"
KEYS = ["name", "age", "identity", "occupation", "health", "lesson", "presenting", "pattern"]
SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            **{key: {"type": "string"} for key in KEYS},
            "age": {"type": ["integer", "null"]},
            "name": {"type": "string", "minLength": 1},
            "lesson": {"enum": lesson_ids()},
            "presenting": {"type": "string", "minLength": 1},
            "pattern": {"type": "string", "minLength": 1},
        },
        "required": KEYS,
        "additionalProperties": False,
    },
}
INTRODUCED = re.compile(r"((?:(?:Mr|Mrs|Ms|Dr) )?[A-Z][\w'’-]+) \(a fictional client")


def clients() -> list[dict]:
    return yaml.safe_load(REGISTER.read_text(encoding="utf-8"))


def lesson_text(lesson_id: str) -> str:
    return (CONTENT_DIR / f"{lesson_id}.md").read_text(encoding="utf-8") + (
        EXERCISES_DIR / f"{lesson_id}.yaml").read_text(encoding="utf-8")


def repeated(values) -> list[str]:
    counts = Counter(v.strip().lower() for v in values if v and v.strip())
    return sorted(v for v, n in counts.items() if n > 1)


def test_the_register_is_well_formed():
    jsonschema.validate(clients(), SCHEMA)


def test_no_occupation_or_health_condition_repeats():
    register = clients()
    assert repeated(c["occupation"] for c in register) == []
    assert repeated(c["health"] for c in register) == []


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_a_lessons_clients_do_not_share_a_pattern(lesson_id):
    assert repeated(c["pattern"] for c in clients() if c["lesson"] == lesson_id) == []


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_every_client_a_lesson_introduces_is_in_the_register_and_back(lesson_id):
    text = lesson_text(lesson_id)
    registered = {c["name"] for c in clients() if c["lesson"] == lesson_id}
    introduced = set(INTRODUCED.findall(text))
    assert introduced <= registered, f"not in content/clients.yaml: {sorted(introduced - registered)}"
    assert all(name in text for name in registered)


def test_the_checks_catch_a_repeat():
    """The register's own checks can fail: a second bus driver is caught."""
    register = clients() + [dict(clients()[0], name="Zed")]
    assert repeated(c["occupation"] for c in register) or repeated(c["health"] for c in register) or \
        repeated(c["pattern"] for c in register if c["lesson"] == register[0]["lesson"])
