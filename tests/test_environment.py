"""environment.yml (conda, Binder), pyproject.toml and requirements.lock agree on every pin."""

import tomllib

import yaml
from packaging.requirements import Requirement

from alliance.paths import ROOT


def pins(lines):
    found = {}
    for line in lines:
        if line.startswith("-") or line.startswith("#") or not line.strip():
            continue
        req = Requirement(line)
        [spec] = req.specifier
        assert spec.operator == "==", f"{line} is not pinned"
        found[req.name.lower()] = spec.version
    return found


def project_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + [d for group in project["optional-dependencies"].values() for d in group]
    return pins(deps)


def test_environment_yml_lists_the_same_pins_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == project_pins()


def test_lock_file_agrees_with_pyproject():
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    for name, version in project_pins().items():
        assert lock.get(name) == version, name
