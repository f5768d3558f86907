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


def test_binders_lean_environment_has_the_lessons_dependencies_and_no_test_tools():
    env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert pins([line for line in pip_section if line != "."]) == pins(runtime)
    assert "." in pip_section and "-e ." not in pip_section  # a real install: lessons run wherever notebooks are


def test_lock_file_agrees_with_pyproject():
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    for name, version in project_pins().items():
        assert lock.get(name) == version, name


def supported_versions():
    """The Python versions pyproject.toml claims, with Debian 12's own python3 as the floor."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: "
    versions = [c.removeprefix(prefix) for c in project["classifiers"] if c.startswith(prefix)]
    return versions, project["requires-python"]


def test_requires_python_matches_the_versions_claimed():
    versions, requires = supported_versions()
    lowest = min(versions, key=lambda v: tuple(map(int, v.split("."))))
    assert requires == f">={lowest}", "requires-python and the classifiers disagree"


def test_the_lock_installs_on_every_supported_python(tmp_path):
    """pip resolves requirements.lock from binary wheels for each claimed version, as a new
    user's machine would: Debian 12's python3 is 3.11.2, Debian 13's 3.13.5."""
    import subprocess
    import sys

    versions, _ = supported_versions()
    versions = ["3.11.2" if v == "3.11" else "3.13.5" if v == "3.13" else v for v in versions]
    runs = {
        v: subprocess.Popen(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
             "--disable-pip-version-check", "--python-version", v, "--only-binary=:all:",
             "--target", str(tmp_path / v), "-r", str(ROOT / "requirements.lock")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for v in versions
    }
    failures = {}
    for v, run in runs.items():
        _, err = run.communicate(timeout=600)
        if run.returncode != 0:
            failures[v] = [line for line in err.splitlines() if line.startswith("ERROR")]
    assert failures == {}
