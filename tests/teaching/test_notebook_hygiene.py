"""Notebooks are stored without outputs and open with their learning goals.

(Execution of every notebook in notebooks/ is tested in tests/test_notebooks.py.)
"""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks").glob("*/*.ipynb")) + sorted((ROOT / "exercises").rglob("*.ipynb"))
# the goals heading in the language of a translation (notebooks/<lang>/)
GOALS = {"fa": "اهداف یادگیری"}


def test_there_are_notebooks():
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS)


def test_translations_are_checked_too():
    assert any(p.parent.name == "fa" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {i} has output"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_opens_with_learning_goals(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    goals = GOALS.get(path.parent.name, "learning goals")
    assert first.cell_type == "markdown" and goals in first.source.lower()
