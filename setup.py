"""The wheel carries the lessons' sources, so a lesson notebook runs with no checkout:
content/ and exercises/ are copied into the package as alliance/lessons/. An editable
install reads them from the repository instead. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LESSON_SOURCES = ("content", "exercises")


class BuildPyWithLessons(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "alliance" / "lessons"
        shutil.rmtree(target, ignore_errors=True)  # setuptools reuses build/: drop files deleted since
        for folder in LESSON_SOURCES:
            shutil.copytree(folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithLessons})
