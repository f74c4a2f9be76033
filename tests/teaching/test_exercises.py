"""Exercises: per-student data, immediate feedback, releases without solutions, grading."""

from pathlib import Path

import pytest

from im_research.teaching.exercises import (
    grade_notebooks,
    list_exercises,
    release_for_students,
    start,
    student_seed,
)

ROOT = Path(__file__).resolve().parents[2]


def test_per_student_data_is_reproducible_and_distinct():
    a1 = start("ex01_measurement", "alice", course_salt="MKT-501")
    a2 = start("ex01_measurement", "alice", course_salt="MKT-501")
    b = start("ex01_measurement", "bob", course_salt="MKT-501")
    assert a1.data.equals(a2.data)
    assert not a1.data.equals(b.data)
    assert student_seed("ex01_measurement", "alice", "MKT-501") != student_seed(
        "ex01_measurement", "alice", "other-course")


def test_check_gives_feedback(capsys):
    ex = start("ex01_measurement", "carol")
    assert ex.q1.check(len(ex.data)) is True
    assert ex.q1.check(len(ex.data) + 1) is False
    assert "Not yet" in capsys.readouterr().out
    assert ex.q2.check(19) is True  # 36 moments - 17 free parameters
    assert ex.results["q1"] is False and ex.results["q2"] is True  # last answer counts


def test_unknown_exercise_and_empty_id():
    with pytest.raises(ValueError, match="unknown exercise"):
        start("ex99", "x")
    with pytest.raises(ValueError, match="student_id is empty"):
        start("ex01_measurement", " ")
    assert "ex01_measurement" in set(list_exercises()["name"])


def test_release_contains_no_solutions(tmp_path):
    files = release_for_students(ROOT / "exercises", tmp_path / "release")
    names = {f.name for f in files}
    assert "ex01_measurement.ipynb" in names
    assert not (tmp_path / "release" / "solutions").exists()
    for f in (tmp_path / "release").rglob("*"):
        if f.is_file():
            text = f.read_text(encoding="utf-8")
            assert "SOLUTION" not in text and "solution-demo" not in text


@pytest.mark.slow
@pytest.mark.kernels
def test_grading_executes_notebooks(tmp_path):
    sol = ROOT / "exercises" / "solutions" / "ex01_measurement_solution.ipynb"
    student = ROOT / "exercises" / "ex01_measurement.ipynb"
    table = grade_notebooks([sol, student], timeout=120).set_index("notebook")
    assert table.loc[sol.name, "score"] == 5 and table.loc[sol.name, "error"] == ""
    # the blank template is refused: its placeholder id would give everyone the same data
    assert "YOUR-STUDENT-ID" in table.loc[student.name, "error"]


def test_cli_release_and_student_data(tmp_path, capsys):
    from im_research.cli import main
    assert main(["exercise", "release", "--source", str(ROOT / "exercises"),
                 "--out", str(tmp_path / "rel")]) == 0
    assert (tmp_path / "rel" / "ex01_measurement.ipynb").exists()
    out = tmp_path / "dave.csv"
    assert main(["exercise", "data", "--student", "dave", "--out", str(out)]) == 0
    assert out.read_text().startswith("train1,")
