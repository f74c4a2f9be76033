"""Build hook: copy the top-level datasets/, notebooks/ and exercises/ folders into the
wheel as package data (``im_research/_bundled/``), leaving out exercise solutions. All
other metadata is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FOLDERS = ("datasets", "notebooks", "exercises")
NEVER_SHIPPED = ("solutions", ".ipynb_checkpoints", "__pycache__")


class BuildWithBundledFolders(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "im_research" / "_bundled"
        for name in FOLDERS:
            src = root / name
            if not src.is_dir():
                raise SystemExit(f"cannot build: the {name}/ folder is missing")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns(*NEVER_SHIPPED))


setup(cmdclass={"build_py": BuildWithBundledFolders})
