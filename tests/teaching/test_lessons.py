"""Lessons for a student to open: listing and copying (the wheel test repeats the copy
from an installed package)."""

import nbformat
import pytest

from im_research.cli import main
from im_research.resources import resource_dir
from im_research.teaching.lessons import copy_lessons, list_lessons


def test_list_lessons_names_every_notebook_in_order_with_its_title():
    table = list_lessons()
    root = resource_dir("notebooks")
    stems = sorted(p.stem for p in root.glob("*.ipynb"))
    translations = sorted(p.relative_to(root).with_suffix("").as_posix()
                          for p in root.glob("*/*.ipynb"))
    assert translations  # the Persian edition of the flagship lesson
    assert table["lesson"].tolist() == stems + translations
    assert table["title"].str.len().gt(10).all()


def test_copy_lessons_writes_clean_notebooks_and_the_student_release(tmp_path):
    written = copy_lessons(tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert "notebooks/01_service_profit_chain.ipynb" in names
    assert "notebooks/fa/01_service_profit_chain.ipynb" in names
    assert "exercises/ex03_measurement.ipynb" in names
    assert not [n for n in names if "solution" in n]
    for p in written:
        if p.suffix == ".ipynb":
            nb = nbformat.read(p, as_version=4)
            assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
            assert all("solution" not in c.get("metadata", {}).get("tags", [])
                       for c in nb.cells)


def test_copy_lessons_never_overwrites_a_students_work_unasked(tmp_path, capsys):
    copy_lessons(tmp_path)
    mine = tmp_path / "notebooks" / "01_service_profit_chain.ipynb"
    mine.write_text(mine.read_text().replace("service-profit chain", "MY NOTES", 1))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        copy_lessons(tmp_path)
    assert "MY NOTES" in mine.read_text()
    assert main(["lessons", "--copy", str(tmp_path)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["lessons", "--copy", str(tmp_path), "--overwrite"]) == 0
    assert "MY NOTES" not in mine.read_text()
