"""Exercises: per-student data, immediate feedback, releases without solutions, grading."""

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
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


def test_check_gives_feedback_and_records_the_answer(capsys):
    ex = start("ex01_measurement", "carol")
    assert ex.q1.check(len(ex.data) + 1) is False
    assert "Not yet" in capsys.readouterr().out
    assert ex.answers["q1"] == len(ex.data) + 1 and ex.results["q1"] is False
    assert ex.q1.check(len(ex.data)) is True
    res = ir_fit(ex)
    assert ex.q2.check(round(res.fit_measures["chisq"], 2)) is True
    assert ex.q2.check(res.fit_measures["chisq"] + 1.0) is False
    # a later wrong re-check keeps the earlier right answer (and says so)
    assert "earlier right answer is kept" in capsys.readouterr().out
    assert ex.results["q2"] is True
    assert ex.answers["q2"] == round(res.fit_measures["chisq"], 2)
    json.dumps(ex.answers)  # the grader reads the answers as JSON


def ir_fit(ex):
    from im_research import fit
    return fit("training =~ train1 + train2 + train3 + train4\n"
               "js =~ js1 + js2 + js3 + js4", data=ex.data)


def test_check_accepts_natural_forms():
    ex = start("ex01_measurement", "erin")
    p = ir_fit(ex).params
    loading = p.loc[(p.lhs == "training") & (p.op == "=~") & (p.rhs == "train2"), "std_all"]
    assert isinstance(loading, pd.Series) and len(loading) == 1
    assert ex.q4.check(loading) is True
    assert ex.q4.check(loading.to_numpy()) is True
    assert ex.q1.check(np.int64(len(ex.data))) is True
    corr = p.loc[(p.lhs == "training") & (p.op == "~~") & (p.rhs == "js"), "std_all"]
    assert ex.q5.check(np.float64(corr.iloc[0])) is True
    assert all(type(v) in (int, float) for v in ex.answers.values() if v is not None)
    json.dumps(ex.answers)


def test_check_says_what_it_expected_for_the_wrong_type(capsys):
    ex = start("ex01_measurement", "frank")
    assert ex.q3.check("0.95") is False
    assert "expected a number, got text ('0.95')" in capsys.readouterr().out
    assert ex.q1.check(ex.data) is False
    out = capsys.readouterr().out
    assert "expected a number, got a whole DataFrame" in out and "df.loc[row, column]" in out
    assert ex.q1.check(ex.data["train1"]) is False
    assert f"{len(ex.data)} values" in capsys.readouterr().out
    assert ex.answers["q1"] is None and ex.results["q1"] is False


def test_every_numeric_answer_varies_across_students():
    """No question has the same answer (to its tolerance) for more than 20 % of 50 students."""
    answers = []
    for i in range(50):
        ex = start("ex01_measurement", f"stu{i:03d}", course_salt="MKT-501")
        answers.append([float(q.expected(ex)) for q in ex.questions])
        tolerances = [q.tolerance for q in ex.questions]
    answers = np.array(answers)
    for j, tol in enumerate(tolerances):
        col = answers[:, j]
        shared = max(np.mean(np.abs(col - x) <= tol + 1e-12) for x in col)
        assert shared <= 0.20, (f"q{j + 1}: {shared:.0%} of students share an answer")


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


def _notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
@pytest.mark.kernels
def test_grading_recomputes_the_answers(tmp_path):
    sol = ROOT / "exercises" / "solutions" / "ex01_measurement_solution.ipynb"
    student = ROOT / "exercises" / "ex01_measurement.ipynb"
    forged = _notebook(tmp_path / "forged.ipynb", (
        "from im_research.teaching.exercises import start\n"
        "ex = start('ex01_measurement', student_id='mallory')\n"
        "ex.results = {q.name: True for q in ex.questions}"))
    # answers computed for another student's data, submitted under one's own id
    copied = _notebook(tmp_path / "copied.ipynb", (
        "from im_research.teaching.exercises import start\n"
        "ex = start('ex01_measurement', student_id='trudy')\n"
        "other = start('ex01_measurement', student_id='solution-demo')\n"
        "for q, q_other in zip(ex.questions, other.questions):\n"
        "    ex.results[q.name] = q_other.check(q_other.expected(other))\n"
        "    ex.answers[q.name] = other.answers[q.name]"))
    table = grade_notebooks([sol, student, forged, copied], timeout=120).set_index("notebook")
    assert table.loc[sol.name, "score"] == 5 and table.loc[sol.name, "error"] == ""
    assert not table.loc[sol.name, "forged"]
    # the blank template is refused: its placeholder id would give everyone the same data
    assert "YOUR-STUDENT-ID" in table.loc[student.name, "error"]
    assert table.loc["forged.ipynb", "score"] == 0 and table.loc["forged.ipynb", "forged"]
    assert "q1, q2, q3, q4, q5" in table.loc["forged.ipynb", "flags"]
    assert table.loc["copied.ipynb", "student"] == "trudy"
    assert table.loc["copied.ipynb", "score"] == 0 and table.loc["copied.ipynb", "forged"]
    # the same answers score for the student whose data they came from
    assert table.loc[sol.name, "student"] == "solution-demo"


def test_cli_release_and_student_data(tmp_path, capsys):
    from im_research.cli import main
    assert main(["exercise", "release", "--source", str(ROOT / "exercises"),
                 "--out", str(tmp_path / "rel")]) == 0
    assert (tmp_path / "rel" / "ex01_measurement.ipynb").exists()
    out = tmp_path / "dave.csv"
    assert main(["exercise", "data", "--student", "dave", "--out", str(out)]) == 0
    assert out.read_text().startswith("train1,")
