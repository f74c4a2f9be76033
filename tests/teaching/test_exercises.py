"""Exercises: per-student data, feedback, hints, releases without solutions, grading.

Every exercise is tested the same way: its solution notebook (run in-process with the
course secret) earns full marks, the blank student notebook earns nothing, each
recognised mistake gets its message and partial credit, forged verdicts earn nothing
and are flagged, and no numeric answer is shared by more than 20 % of 50 students.
"""

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from im_research.errors import ArgumentError
from im_research.teaching.exercises import (
    EXERCISES,
    SECRET_ENV,
    grade_submissions,
    list_exercises,
    read_roster,
    release_for_students,
    start,
    student_seed,
)
from im_research.teaching.exercises.catalog import generate

ROOT = Path(__file__).resolve().parents[2]
SECRET = "MKT-501-test-secret"
NAMES = sorted(EXERCISES)


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


def _run_notebook_here(path, student_id, monkeypatch):
    """Execute a notebook's code cells in this process (as a kernel would); its ``ex``."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    nb = nbformat.read(path, as_version=4)
    ns = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source.replace("YOUR-STUDENT-ID", student_id), ns)  # noqa: S102
    return ns["ex"]


def _submission(ex, name="nb.ipynb", results=None, answers=None):
    payload = json.loads(ex.report().split(":", 1)[1])
    if results is not None:
        payload["results"] = results
    if answers is not None:
        payload["answers"] = answers
    return {"notebook": name, "payload": payload, "error": "", "cell_errors": [],
            "code_digest": name}


def _graded(sub):
    return grade_submissions([sub], course_secret=SECRET).gradebook.set_index("question")


# --- per-student data and the secret ---------------------------------------------------------
def test_per_student_data_is_reproducible_and_distinct(secret):
    a1 = start("ex03_measurement", "alice")
    a2 = start("ex03_measurement", "alice")
    b = start("ex03_measurement", "bob")
    assert a1.data.equals(a2.data) and not a1.data.equals(b.data)
    assert student_seed("ex03_measurement", "alice", SECRET) != student_seed(
        "ex03_measurement", "alice", "another course")
    other = start("ex03_measurement", "alice", course_secret="another course")
    assert not other.data.equals(a1.data)


def test_without_secret_or_release_it_is_practice_data(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    ex = start("ex03_measurement", "alice")
    assert ex.source == "practice" and "Practice data" in capsys.readouterr().out
    assert "(practice data)" in repr(ex)


def test_secret_from_the_config_file(monkeypatch, tmp_path):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "im-research.toml").write_text('[course]\nsecret = "from-file"\n')
    assert start("ex03_measurement", "s1").data.equals(
        start("ex03_measurement", "s1", course_secret="from-file").data)
    (tmp_path / "im-research.toml").write_text("[course]\n")
    with pytest.raises(ValueError, match=r"has no \[course\] secret"):
        start("ex03_measurement", "s1")


@pytest.mark.parametrize("name", NAMES)
def test_every_numeric_answer_varies_across_students(name):
    """No question has the same answer (to its tolerance) for more than 20 % of 50 ids."""
    answers = {}
    for i in range(50):
        ex = start(name, f"stu{i:03d}", course_secret=SECRET)
        for q in ex.questions:
            if q.kind == "numeric":
                answers.setdefault(q.name, (q.tolerance, []))[1].append(q._target())
    assert answers
    for qname, (tol, values) in answers.items():
        v = np.asarray(values, dtype=float)
        shared = max(np.mean(np.abs(v - x) <= tol + 1e-12) for x in v)
        assert shared <= 0.20, f"{name} {qname}: {shared:.0%} of students share an answer"


def test_roster_is_read_and_checked(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name\ns1,Ana\ns2,Bo\n")
    assert read_roster(path) == ["s1", "s2"]
    path.write_text("student_id\ns1\nYOUR-STUDENT-ID\n")
    with pytest.raises(ValueError, match="roster row 3: .*placeholder"):
        read_roster(path)
    path.write_text("student_id\ns1\ns1\n")
    with pytest.raises(ValueError, match="rows 2 and 3 both have id 's1'"):
        read_roster(path)
    path.write_text("name\nAna\n")
    with pytest.raises(ValueError, match="column 'student_id'"):
        read_roster(path)


# --- checking answers ------------------------------------------------------------------------
def test_check_accepts_natural_forms_and_explains_wrong_types(secret, capsys):
    from im_research import fit

    ex = start("ex03_measurement", "erin")
    res = fit(ex.q1.expected(ex), data=ex.model_data())
    p = res.params
    loading = p.loc[(p.lhs == "satisfaction") & (p.op == "=~") & (p.rhs == "js2"), "std_all"]
    assert isinstance(loading, pd.Series) and len(loading) == 1
    assert ex.q3.check(loading) is True
    assert ex.q3.check(loading.to_numpy()) is True
    assert ex.q3.check(np.float64(loading.iloc[0])) is True
    assert ex.q3.check(f"{loading.iloc[0] * 100:.2f}%") is True
    capsys.readouterr()
    assert ex.q3.check("0.7") is False
    assert "expected a number, got text ('0.7'); give the number itself" in (
        capsys.readouterr().out)
    assert ex.q3.check(p) is False
    assert "expected a number, got a whole DataFrame" in capsys.readouterr().out
    assert ex.q3.check(p["std_all"]) is False
    assert f"{len(p)} values" in capsys.readouterr().out
    assert ex.q6.check("perhaps") is False
    assert "expected one of the options 'yes', 'no'" in capsys.readouterr().out
    assert ex.q1.check(3) is False
    assert "model syntax as text" in capsys.readouterr().out
    assert all(type(v) in (int, float, str) for v in ex.answers.values() if v is not None)
    json.dumps(ex.answers)


def test_not_attempted_keep_best_answer_hints_and_solution(secret, capsys):
    ex = start("ex03_measurement", "carol")
    assert ex.q4.check(None) is False
    assert "no answer yet" in capsys.readouterr().out and ex.answers["q4"] is None
    right = ex.q4.expected(ex)
    assert ex.q4.check(round(right, 3)) is True
    assert ex.q4.check(right + 0.2) is False
    assert "earlier, better answer is kept" in capsys.readouterr().out
    assert ex.results["q4"] is True and ex.answers["q4"] == round(right, 3)
    ex.keep_right_answers = False  # the instructor's --last-answer-counts
    ex.q4.check(right + 0.2)
    assert ex.results["q4"] is False
    capsys.readouterr()
    ex.q4.hint()
    first = capsys.readouterr().out
    ex.q4.hint(2)
    second = capsys.readouterr().out
    assert "hint 1 of 2" in first and "reliability" in second and first != second
    assert ex.hints_used["q4"] == 2
    ex.q4.solution()
    assert "not enabled" in capsys.readouterr().out
    ex.solutions_enabled = True
    ex.q4.solution()
    assert "Answer:" in capsys.readouterr().out


def test_model_syntax_is_checked_by_fitting_not_by_text(secret, capsys):
    ex = start("ex01_service_profit_chain", "dana")
    # the same model written differently: other labels, lines in another order, a ~~ b
    variant = ex.q1.expected(ex).replace("a*im", "im").replace("ind := a*b*c*d\n", "")
    lines = variant.strip().splitlines()
    assert ex.q1.check("\n".join(reversed(lines))) is True
    assert ex.q1.check("im =~ im1 + im2 + im3\n") is False
    assert ex.q1.check("js ~ nonsense_item\n") is False
    assert "could not be fitted" in capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_solution_notebook_full_marks_blank_notebook_zero(name, monkeypatch):
    sol = _run_notebook_here(ROOT / "exercises" / "solutions" / f"{name}_solution.ipynb",
                             "solution-demo", monkeypatch)
    blank = _run_notebook_here(ROOT / "exercises" / f"{name}.ipynb", "s-blank", monkeypatch)
    table = grade_submissions([_submission(sol, "sol.ipynb"), _submission(blank, "b.ipynb")],
                              course_secret=SECRET).scores.set_index("notebook")
    auto = sum(q.points for q in EXERCISES[name].questions if q.kind != "written")
    assert table.loc["sol.ipynb", "score"] == auto
    assert table.loc["sol.ipynb", "manual_pending"] == sum(
        q.kind == "written" for q in EXERCISES[name].questions)
    assert table.loc["b.ipynb", "score"] == 0 and not table.loc["b.ipynb", "forged"]


def _mistake_cases():
    for name in NAMES:
        for q in EXERCISES[name].questions:
            for m in q.mistakes:
                yield pytest.param(name, q.name, m.name, id=f"{name}-{q.name}-{m.name}")


@pytest.mark.parametrize(("name", "qname", "mistake"), list(_mistake_cases()))
def test_each_typical_mistake_gets_its_message(name, qname, mistake, secret, capsys):
    # the first of a few students for whom the mistake gives another answer than the right one
    for i in range(10):
        ex = start(name, f"m{i}")
        q = getattr(ex, qname)
        m = next(m for m in q.mistakes if m.name == mistake)
        wrong = m.answer(ex)
        if not q._matches(q.normalise(wrong)[0], q._target()):
            break
    else:
        pytest.fail(f"{mistake} gives the right answer for 10 students")
    capsys.readouterr()
    assert q.check(wrong) is False
    out = capsys.readouterr().out
    assert m.message in out
    row = _graded(_submission(ex))
    assert row.loc[qname, "mistake"] == mistake and row.loc[qname, "feedback"] == m.message
    assert row.loc[qname, "points"] == pytest.approx(q.points * m.credit)
    assert row.loc[qname, "status"] == ("partial" if m.credit else "wrong")


def test_exercises_recognise_at_least_three_mistakes():
    for spec in EXERCISES.values():
        assert sum(len(q.mistakes) for q in spec.questions) >= 3, spec.name
        kinds = {q.kind for q in spec.questions}
        assert {"numeric", "written"} <= kinds and len(kinds) >= 3, spec.name
        assert 4 <= len(spec.questions) <= 8


def test_set_question_gives_partial_credit(secret):
    ex = start("ex14_replication", "sam")
    right = ex.q6._target()
    assert ex.q6.check(right) is True
    v = ex.q6.score(ex.q6.normalise(right[:-1])[0])
    assert v.status == "partial" and 0 < v.points < 1 and "1 missing" in v.message


@pytest.mark.parametrize("name", NAMES)
def test_forged_verdicts_earn_nothing_and_are_flagged(name, secret):
    ex = start(name, "mallory")
    forged = _submission(ex, "forged.ipynb", results={q.name: True for q in ex.questions})
    row = grade_submissions([forged], course_secret=SECRET).scores.iloc[0]
    assert row["score"] == 0 and row["forged"]
    assert "reported verdicts disagree" in row["flags"]


# --- the grader on many submissions ---------------------------------------------------------
def _class_submissions():
    """30 submissions of ex03: right, partly right, blank, forged, copied, duplicate."""
    subs = []
    for i in range(30):
        ex = start("ex03_measurement", f"s{i:02d}", course_secret=SECRET)
        for q in ex.questions[: 1 + i % len(ex.questions)]:
            if q.kind == "written":
                q.check("The scale is reliable because alpha is above 0.70 and AVE is fine.")
            elif i % 3 == 1 and q.mistakes:
                q.check(q.mistakes[0].answer(ex))
            else:
                q.check(q._target())
        subs.append(_submission(ex, f"s{i:02d}.ipynb"))
    other = start("ex03_measurement", "s00", course_secret=SECRET)
    thief = start("ex03_measurement", "s29", course_secret=SECRET)
    subs.append(_submission(thief, "copied.ipynb",
                            answers={**thief.answers, "q2": other.q2._target()}))
    subs.append(_submission(start("ex03_measurement", "s03", course_secret=SECRET),
                            "s03-again.ipynb"))
    subs.append(_submission(start("ex03_measurement", "stranger", course_secret=SECRET),
                            "stranger.ipynb"))
    subs.append({"notebook": "broken.ipynb", "payload": None, "cell_errors": [],
                 "error": "RuntimeError: the notebook did not create `ex`", "code_digest": ""})
    return subs


def test_grading_a_class(tmp_path, capsys):
    roster = [f"s{i:02d}" for i in range(32)]
    grading = grade_submissions(_class_submissions(), course_secret=SECRET, roster=roster)
    capsys.readouterr()
    scores = grading.scores.set_index("notebook", drop=False)
    assert scores.loc["s06.ipynb", "score"] == 7  # all right: 2 + 5 points, q7 manual
    assert scores.loc["s01.ipynb", "score"] == 1.0  # q1 with the reverse-keyed mistake, q2
    kinds = grading.issues.groupby("kind")["student"].apply(list).to_dict()
    assert sorted(kinds["missing"]) == ["s30", "s31"]
    assert kinds["unknown id"] == ["stranger"]
    assert kinds["duplicate id"] == ["s03", "s29"] and kinds["error"] == [""]
    assert "q2 (= s00's answer)" in scores.loc["copied.ipynb", "flags"]
    book = grading.gradebook
    assert len(book) == 33 * 7 and set(book["status"]) >= {"correct", "partial", "wrong",
                                                         "not attempted", "manual"}
    summary = grading.summary.set_index("question")
    assert summary.loc["q1", "partial"] == 10 and "reverse-keyed item (10)" in summary.loc[
        "q1", "common_mistakes"]
    assert summary.loc["q7", "manual"] > 0
    files = grading.write(tmp_path / "grades")
    first = {f: f.read_bytes() for f in files}
    again = grade_submissions(_class_submissions(), course_secret=SECRET, roster=roster)
    again.write(tmp_path / "grades")
    assert {f: f.read_bytes() for f in files} == first  # idempotent re-grading
    html = (tmp_path / "grades" / "feedback" / "s01_ex03_measurement.html").read_text()
    assert "reverse-score it" in html
    written = (tmp_path / "grades" / "written_answers.html").read_text()
    assert "Rubric" in written and "0.70, 0.50" in written
    assert pd.read_csv(tmp_path / "grades" / "gradebook.csv").shape[0] == len(book)


def test_manual_grades_of_written_answers_enter_the_gradebook(tmp_path):
    roster = [f"s{i:02d}" for i in range(32)]
    grading = grade_submissions(_class_submissions(), course_secret=SECRET, roster=roster)
    grading.write(tmp_path / "grades")
    manual = pd.read_csv(tmp_path / "grades" / "manual_grades.csv", dtype={"student": str})
    pending = grading.gradebook[grading.gradebook["status"] == "manual"]
    assert len(manual) == (grading.gradebook["kind"] == "written").sum()
    assert manual["points"].isna().sum() == len(pending)  # blank: for the instructor
    first = pending.iloc[0]
    row = manual.index[(manual["notebook"] == first["notebook"])
                       & (manual["question"] == first["question"])][0]
    manual.loc[row, ["points", "feedback"]] = [first["out_of"] / 2, "names one lever only"]
    manual.to_csv(tmp_path / "filled.csv", index=False)
    graded = grading.with_manual_grades(tmp_path / "filled.csv")
    book = graded.gradebook.set_index(["notebook", "question"])
    cell = book.loc[(first["notebook"], first["question"])]
    assert cell["points"] == first["out_of"] / 2 and cell["status"] == "partial"
    assert cell["feedback"] == "names one lever only"
    before = grading.scores.set_index("notebook").loc[first["notebook"]]
    after = graded.scores.set_index("notebook").loc[first["notebook"]]
    assert after["score"] == before["score"] + first["out_of"] / 2
    assert after["manual_pending"] == before["manual_pending"] - 1
    # applying the same grades again changes nothing; blank rows stay pending
    again = graded.with_manual_grades(tmp_path / "filled.csv")
    assert again.scores.equals(graded.scores) and again.gradebook.equals(graded.gradebook)
    assert (graded.gradebook["status"] == "manual").sum() == len(pending) - 1
    # mistakes in the file are named with their line
    manual.loc[row, "points"] = first["out_of"] + 1
    with pytest.raises(ArgumentError, match=r"row \d+: points=.* between 0 and"):
        grading.with_manual_grades(manual)
    manual.loc[row, ["points", "question"]] = [1, "q99"]
    with pytest.raises(ArgumentError, match="matches 0 written answers"):
        grading.with_manual_grades(manual)
    with pytest.raises(ArgumentError, match=r"lack the column\(s\) \['points'\]"):
        grading.with_manual_grades(manual.drop(columns="points"))


# --- releases ------------------------------------------------------------------------------
def _solution_lines():
    """Distinctive code of the worked solutions (lines absent from the student notebooks)."""
    lines = set()
    for path in (ROOT / "exercises" / "solutions").glob("*.ipynb"):
        student = (ROOT / "exercises" / path.name.replace("_solution", "")).read_text()
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                lines |= {ln.strip() for ln in cell.source.splitlines()
                          if len(ln.strip()) > 25 and ln.strip() not in student}
    return lines


def test_release_without_roster_has_no_solutions_and_a_kernelspec(tmp_path):
    files = release_for_students(ROOT / "exercises", tmp_path / "rel")
    names = {f.name for f in files}
    assert {f"{n}.ipynb" for n in NAMES} <= names
    assert not list((tmp_path / "rel").rglob("*solution*"))
    solution_code = _solution_lines()
    assert len(solution_code) > 10
    for f in (tmp_path / "rel").rglob("*"):
        text = f.read_text(encoding="utf-8")
        assert not [ln for ln in solution_code if ln in text], f
        assert "grade" not in text.lower() or f.suffix == ".ipynb", f  # no instructor README
        if f.suffix == ".ipynb":
            assert nbformat.read(f, as_version=4).metadata["kernelspec"]["name"] == "python3"


def test_release_with_roster_gives_each_student_their_data(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    release_for_students(ROOT / "exercises", tmp_path / "rel", roster=["s1", "s2"],
                         course_secret=SECRET)
    folder = tmp_path / "rel" / "s1"
    nb = (folder / "ex03_measurement.ipynb").read_text()
    assert 'student_id=\\"s1\\"' in nb and "YOUR-STUDENT-ID" not in nb
    monkeypatch.chdir(folder)  # a kernel's working folder is the notebook's
    ex = start("ex03_measurement", "s1")
    assert ex.source == "release"
    assert ex.data.equals(generate("ex03_measurement", "s1", SECRET))
    right = {q.name: q._target() for q in ex.questions if q.kind == "numeric"}
    assert right == {q.name: q._target() for q in start(
        "ex03_measurement", "s1", course_secret=SECRET).questions if q.kind == "numeric"}
    # answers do not leak into the release
    text = "".join(p.read_text() for p in folder.glob("*.ipynb"))
    assert not [v for v in right.values() if f"{v:.3f}" in text]
    with pytest.raises(ValueError, match="belong to student 's1', not 's2'"):
        start("ex03_measurement", "s2")
    csv = folder / "data" / "ex03_measurement.csv"
    csv.write_text(csv.read_text().replace("\n1,", "\n2,", 1))
    with pytest.raises(ValueError, match="was changed after the release"):
        start("ex03_measurement", "s1")
    assert ex.q1.solution() is None and "not enabled" in capsys.readouterr().out


def test_release_refuses_a_missing_source_and_needs_the_secret_for_a_roster(tmp_path,
                                                                           monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="is not a folder"):
        release_for_students(tmp_path / "nope", tmp_path / "rel")
    with pytest.raises(ValueError, match="no course secret"):
        release_for_students(ROOT / "exercises", tmp_path / "rel", roster=["s1"])


def test_list_exercises():
    table = list_exercises()
    assert {"ex01_service_profit_chain", "ex03_measurement", "ex04_mediation",
            "ex06_invariance", "ex14_replication"} <= set(table["name"])
    assert (table["n_questions"].between(4, 8)).all()


# --- the command line -------------------------------------------------------------------------
def test_cli_traps(tmp_path, monkeypatch, capsys):
    from im_research.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(SECRET_ENV, SECRET)
    (tmp_path / "release").mkdir()
    assert main(["exercise", "grade"]) != 0
    assert "no notebooks to grade" in capsys.readouterr().err
    assert main(["exercise", "grade", "missing.ipynb"]) != 0
    assert "no such notebook" in capsys.readouterr().err
    assert main(["exercise", "release", "--source", "nowhere", "--out", "rel"]) != 0
    assert "is not a folder" in capsys.readouterr().err
    (tmp_path / "roster.csv").write_text("student_id\ns1\n\n")
    assert main(["exercise", "release", "--roster", "roster.csv", "--out", "rel"]) == 0
    assert (tmp_path / "rel" / "s1" / "data" / "ex03_measurement.csv").is_file()
    assert main(["exercise", "data", "--exercise", "ex03_measurement", "--student", "s1",
                 "--out", "s1.csv"]) == 0
    assert (tmp_path / "s1.csv").read_text() == (
        tmp_path / "rel" / "s1" / "data" / "ex03_measurement.csv").read_text()
    assert main(["exercise", "data", "--exercise", "ex03_measurement", "--student",
                 "YOUR-STUDENT-ID", "--out", "x.csv"]) != 0
    assert main(["exercise", "data", "--exercise", "ex03_measurement", "--student", "s9",
                 "--roster", "roster.csv", "--out", "x.csv"]) != 0
    assert "'s9' is not in the course roster" in capsys.readouterr().err
    monkeypatch.delenv(SECRET_ENV)
    assert main(["exercise", "data", "--exercise", "ex03_measurement", "--student", "s1",
                 "--out", "s1.csv"]) != 0
    assert "no course secret" in capsys.readouterr().err
    assert main(["exercise", "list"]) == 0
    assert "ex14_replication" in capsys.readouterr().out


@pytest.mark.kernels
def test_grader_runs_notebooks_in_fresh_kernels(tmp_path, monkeypatch, capsys):
    """The CLI end to end: the solution, a forged and a half-broken notebook, a roster."""
    from im_research.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(SECRET_ENV, SECRET)
    (tmp_path / "release").mkdir()  # `grade` without --out must not touch it
    sub = tmp_path / "submitted"
    sub.mkdir()
    sol = nbformat.read(ROOT / "exercises" / "solutions" / "ex03_measurement_solution.ipynb",
                        as_version=4)
    nbformat.write(sol, sub / "solution.ipynb")
    forged = nbformat.v4.new_notebook()
    forged.cells = [nbformat.v4.new_code_cell(
        "from im_research.teaching.exercises import start\n"
        "ex = start('ex03_measurement', student_id='mallory')\n"
        "ex.results = {q.name: True for q in ex.questions}")]
    nbformat.write(forged, sub / "forged.ipynb")
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_code_cell(
        "from im_research.teaching.exercises import start\n"
        "ex = start('ex03_measurement', student_id='s-broken')\n"
        "ex.q6.check('yes' if 0 else 'no')"),
        nbformat.v4.new_code_cell("ex.q3.check(undefined_name)")]
    nbformat.write(broken, sub / "broken.ipynb")
    (tmp_path / "roster.csv").write_text("student_id\nsolution-demo\nmallory\ns-broken\ns-gone\n")
    assert main(["exercise", "grade", "submitted", "--roster", "roster.csv",
                 "--timeout", "120"]) == 0
    assert not list((tmp_path / "release").iterdir())
    scores = pd.read_csv(tmp_path / "grades" / "scores.csv").set_index("notebook")
    assert scores.loc["solution.ipynb", "score"] == 7
    assert scores.loc["forged.ipynb", "score"] == 0 and scores.loc["forged.ipynb", "forged"]
    book = pd.read_csv(tmp_path / "grades" / "gradebook.csv", keep_default_na=False)
    q3 = book[(book.notebook == "broken.ipynb") & (book.question == "q3")].iloc[0]
    assert q3["status"] == "not attempted"
    assert re.search(r"cell 2\) failed: NameError", q3["feedback"])
    issues = pd.read_csv(tmp_path / "grades" / "issues.csv")
    assert "s-gone" in set(issues.loc[issues.kind == "missing", "student"])


@pytest.mark.kernels
def test_a_cell_that_runs_too_long_costs_only_its_own_question(tmp_path, capsys):
    from im_research.teaching.exercises import grade_notebooks

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from im_research.teaching.exercises import start\n"
        "ex = start('ex03_measurement', student_id='slow')\n"
        "ex.q4.check(ex.q4.expected(ex))"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(600)\nex.q5.check(0.5)"),
        nbformat.v4.new_code_cell("ex.q6.check('no')")]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    grading = grade_notebooks([tmp_path / "slow.ipynb"], course_secret=SECRET, timeout=8)
    book = grading.gradebook.set_index("question")
    assert book.loc["q4", "status"] == "correct"  # checked before the cell that hung
    assert "cell 2) failed: Timeout: the cell ran longer than 8 s" in book.loc["q5",
                                                                                "feedback"]
    assert book.loc["q6", "status"] in ("correct", "wrong")  # the cell after it still ran
