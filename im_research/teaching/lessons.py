"""The learning path as files a student opens: the lesson notebooks and the exercises.

``copy_lessons(target)`` writes ``target/notebooks/`` (the lessons, outputs cleared) and
``target/exercises/`` (the student release: no solutions folder, no cells tagged
``solution``). It works the same from a checkout and from an installed wheel.

>>> import tempfile, im_research.teaching.lessons as lessons
>>> "01_service_profit_chain" in lessons.list_lessons()["lesson"].tolist()
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..resources import resource_dir
from .exercises import release_for_students

__all__ = ["list_lessons", "copy_lessons"]


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def _lesson_files() -> list[Path]:
    """The lessons (paths relative to the notebooks folder): the English ones, then the
    translations in their language folders (``fa/01_...``)."""
    root = resource_dir("notebooks")
    return ([p.relative_to(root) for p in sorted(root.glob("*.ipynb"))]
            + [p.relative_to(root) for p in sorted(root.glob("*/*.ipynb"))
               if not p.parent.name.startswith(".")])


def list_lessons() -> pd.DataFrame:
    """The lesson notebooks in order: ``lesson`` (path without ``.ipynb``, e.g.
    ``fa/01_service_profit_chain`` for a translation) and ``title``."""
    import nbformat

    root = resource_dir("notebooks")
    rows = [{"lesson": p.with_suffix("").as_posix(),
             "title": _title(nbformat.read(root / p, as_version=4))} for p in _lesson_files()]
    return pd.DataFrame(rows, columns=["lesson", "title"])


def copy_lessons(target, overwrite: bool = False) -> list[Path]:
    """Copy the lessons and the student exercises into ``target``; returns the files.

    Refuses to overwrite existing notebooks unless ``overwrite=True`` (a student's own
    work may be in them).
    """
    import nbformat

    target = Path(target)
    out_nb = target / "notebooks"
    clashes = [out_nb / p for p in _lesson_files() if (out_nb / p).exists()]
    clashes += [target / "exercises" / p.name for p in resource_dir("exercises").glob("*.ipynb")
                if (target / "exercises" / p.name).exists()]
    if clashes and not overwrite:
        raise FileExistsError(f"{len(clashes)} notebook(s) already exist in {target} (e.g. "
                              f"{clashes[0]}); choose an empty folder or pass overwrite=True "
                              "(--overwrite)")
    out_nb.mkdir(parents=True, exist_ok=True)
    written = []
    for rel in _lesson_files():
        nb = nbformat.read(resource_dir("notebooks") / rel, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        (out_nb / rel).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out_nb / rel)
        written.append(out_nb / rel)
    written += release_for_students(resource_dir("exercises"), target / "exercises")
    return written
