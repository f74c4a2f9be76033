"""Exercises with immediate feedback (students) and batch grading (instructors).

Students call, inside a notebook::

    from im_research.teaching.exercises import start
    ex = start("ex01_measurement", student_id="s1234")   # per-student data, same every time
    ex.data.head()
    ex.q1.check(0.71)       # immediate feedback
    ex.q1.hint()

Every student gets a different dataset: the seed is a hash of (course salt, student id,
exercise), so the checker and the grader regenerate exactly the same data. Expected
answers are computed from that data with library functions at check time; nothing in
the package holds a per-student answer key. Worked solutions for instructors live in
``exercises/solutions/`` and are never copied into a student release
(:func:`release_for_students`).

Instructors grade a folder of submitted notebooks with :func:`grade_notebooks` (or
``im-research exercise grade``): each notebook is executed in a fresh kernel, the
answers given to ``check()`` are collected and re-scored against data regenerated in the
grader's process, so edited verdicts (``ex.results``) earn nothing and are flagged.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..validation import show

__all__ = ["start", "student_seed", "check_student_id", "list_exercises", "release_for_students",
           "grade_notebooks", "Exercise", "Question"]

RESULT_MARKER = "IM-RESEARCH-EXERCISE-RESULTS:"

# ids that every careless student would share (the template's placeholder, None as text)
_PLACEHOLDER_IDS = {"yourstudentid", "studentid", "yourid", "id", "none", "null", "nan",
                    "xxx", "todo"}


def check_student_id(student_id) -> str:
    """The student id as text; None, an empty id and the template's placeholder
    (``"YOUR-STUDENT-ID"``) are refused, as they would give many students the same data."""
    if student_id is None or isinstance(student_id, bool) or not isinstance(
            student_id, (str, int, np.integer)):
        raise ArgumentError(f"student_id={show(student_id)}: give the id your instructor gave "
                            "you, as text (e.g. student_id='s1234567')")
    sid = str(student_id).strip()
    if not sid:
        raise ArgumentError("student_id is empty; use the id your instructor gave you")
    if re.sub(r"[^a-z0-9]", "", sid.lower()) in _PLACEHOLDER_IDS:
        raise ArgumentError(f"student_id={sid!r} is a placeholder; replace it with the id "
                            "your instructor gave you (everyone using the placeholder would "
                            "get the same data)")
    return sid


def student_seed(exercise: str, student_id: str, course_salt: str = "") -> int:
    """A reproducible 63-bit seed from (course salt, student id, exercise)."""
    student_id = check_student_id(student_id)
    digest = hashlib.sha256(f"{course_salt}|{student_id}|{exercise}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass
class Question:
    """One question: ``check(answer)`` compares with the value computed from the data."""

    name: str
    prompt: str
    expected: Callable[[Exercise], object]
    hint_text: str
    tolerance: float = 0.01
    _exercise: Exercise = field(default=None, repr=False)

    def _normalise(self, answer):
        """The answer as a JSON-safe number or text, or an explanation of why it is not one.

        Natural forms are unwrapped: numpy scalars, and a one-element Series, array or list
        (``p.loc[mask, "std_all"]`` is a Series of one value).
        """
        if answer is None or isinstance(answer, str):
            return answer, None
        if isinstance(answer, pd.DataFrame):
            return None, (f"a whole DataFrame ({answer.shape[0]} x {answer.shape[1]}); pick the "
                          "one cell that answers the question, e.g. df.loc[row, column]")
        if isinstance(answer, (pd.Series, np.ndarray, list, tuple)):
            values = np.asarray(answer, dtype=object).ravel()
            if values.size != 1:
                return None, (f"{values.size} values; select the single value that answers "
                              "the question")
            answer = values[0]
        if isinstance(answer, np.generic):
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
            return None, f"a {type(answer).__name__}"
        if isinstance(answer, float) and not np.isfinite(answer):
            return None, f"{answer!r}"
        return answer, None

    def _compare(self, answer):
        """(correct, expected) for an already normalised answer."""
        want = self.expected(self._exercise)
        if answer is None:
            return False, want
        if isinstance(want, str):
            return str(answer).strip().lower() == want.lower(), want
        if isinstance(answer, str):
            return False, want
        return abs(float(answer) - float(want)) <= self.tolerance, want

    def check(self, answer):
        """Print immediate feedback and record the answer; returns True if correct.

        The answer itself is recorded (the grader re-scores it from regenerated data); a
        later wrong answer does not replace an earlier right one.
        """
        value, problem = self._normalise(answer)
        want_kind = "text" if isinstance(self.expected(self._exercise), str) else "a number"
        if problem is None and want_kind == "a number" and isinstance(value, str):
            problem = f"text ({value!r})"
        if problem is not None:
            print(f"Not yet: {self.name} expected {want_kind}, got {problem}. {self.prompt}")
            return False
        ok, _ = self._compare(value)
        ex = self._exercise
        # lesson tasks (teaching.tasks) own only ``results``, where the last answer counts
        keep = getattr(ex, "keep_right_answers", False) and ex.results.get(self.name, False)
        if ok or not keep:
            vars(ex).setdefault("answers", {})[self.name] = value
            ex.results[self.name] = bool(ok)
        if ok:
            print(f"Correct: {self.name}.")
        elif value is None:
            print(f"{self.name}: no answer yet. {self.prompt}")
        else:
            kept = " (your earlier right answer is kept)" if ex.results[self.name] else ""
            print(f"Not yet: {self.name} = {value!r} is not right{kept}. Try again, or call "
                  f".hint().")
        return bool(ok)

    def hint(self):
        print(self.hint_text)


class Exercise:
    """A per-student exercise: ``data``, ``truth`` (for instructors) and questions."""

    def __init__(self, name, student_id, course_salt, title, make_data, questions):
        self.name = name
        self.student_id = student_id
        self.title = title
        self.seed = student_seed(name, student_id, course_salt)
        self.data, self._truth = make_data(np.random.default_rng(self.seed))
        self.results: dict[str, bool] = {}
        self.answers: dict[str, object] = {}
        # a later wrong re-check does not erase a right answer; an instructor may set False
        self.keep_right_answers = True
        self.questions = []
        for q in questions:
            q = Question(q.name, q.prompt, q.expected, q.hint_text, q.tolerance, self)
            setattr(self, q.name, q)
            self.questions.append(q)
            self.results[q.name] = False
            self.answers[q.name] = None

    def report(self) -> str:
        """The answers and verdicts as a marked JSON line (read by the batch grader, which
        re-scores the answers itself and only compares the verdicts)."""
        line = RESULT_MARKER + json.dumps({"exercise": self.name, "student": self.student_id,
                                           "answers": self.answers, "results": self.results})
        print(line)
        return line

    def __repr__(self):
        done = sum(self.results.values())
        return f"<Exercise {self.name}: {done}/{len(self.questions)} correct>"


# ---------------------------------------------------------------------------------------
# exercise definitions
# ---------------------------------------------------------------------------------------
def _ex01_data(rng):
    """Two internal-marketing constructs (training, job satisfaction), 4 items each.

    train3 and train4 share some wording (a residual covariance of random size that the
    two-factor model omits), so the fit - chi-square, CFI - differs between students
    instead of being perfect for half of them.
    """
    n = int(rng.integers(250, 400))
    # train3, train4 load a little lower: with the wording factor their unique variance
    # stays >= 0.19, which keeps the misspecified fit away from Heywood cases
    lam_t = rng.uniform(0.6, [0.85, 0.85, 0.75, 0.75])
    lam_s = rng.uniform(0.6, 0.85, size=4)
    r = rng.uniform(0.3, 0.6)
    wording = rng.uniform(0.35, 0.5)  # loading of train3, train4 on the shared-wording factor
    eta = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=n)
    shared = rng.normal(size=n)
    cols = {}
    for i, lam in enumerate(lam_t, start=1):
        extra = wording if i in (3, 4) else 0.0
        cols[f"train{i}"] = (lam * eta[:, 0] + extra * shared
                             + rng.normal(scale=np.sqrt(1 - lam ** 2 - extra ** 2), size=n))
    for i, lam in enumerate(lam_s, start=1):
        cols[f"js{i}"] = lam * eta[:, 1] + rng.normal(scale=np.sqrt(1 - lam ** 2), size=n)
    data = pd.DataFrame(cols).round(4)
    return data, {"n": n, "loadings_training": lam_t, "loadings_js": lam_s, "r": r,
                  "wording": wording}


_EX01_MODEL = "training =~ train1 + train2 + train3 + train4\njs =~ js1 + js2 + js3 + js4"


def _ex01_fit(ex):
    if not hasattr(ex, "_fit_cache"):
        from ..sem.estimate import fit
        ex._fit_cache = fit(_EX01_MODEL, data=ex.data)
    return ex._fit_cache


def _ex01_std(ex, lhs, op, rhs):
    p = _ex01_fit(ex).params
    return float(p.loc[(p.lhs == lhs) & (p.op == op) & (p.rhs == rhs), "std_all"].iloc[0])


_EXERCISES = {
    "ex01_measurement": dict(
        title="A two-factor measurement model of training and job satisfaction",
        make_data=_ex01_data,
        questions=[
            Question("q1", "How many respondents are in your data?",
                     lambda ex: len(ex.data), "len(ex.data) counts the rows.", 0.0),
            Question("q2", "Fit the two-factor CFA. What is its chi-square statistic "
                     "(2 decimals)?",
                     lambda ex: _ex01_fit(ex).fit_measures["chisq"],
                     "res.fit_measures['chisq'] after ir.fit(model, data=ex.data); its df "
                     "is 36 variances and covariances minus 17 free parameters = 19.", 0.01),
            Question("q3", "What is the CFI of the model (3 decimals)?",
                     lambda ex: _ex01_fit(ex).fit_measures["cfi"],
                     "res.fit_measures['cfi'] after ir.fit(model, data=ex.data).", 0.001),
            Question("q4", "What is the standardized loading of train2 (std_all, 2 decimals)?",
                     lambda ex: _ex01_std(ex, "training", "=~", "train2"),
                     "Look at res.params, row training =~ train2, column std_all.", 0.005),
            Question("q5", "What is the correlation between the two factors (2 decimals)?",
                     lambda ex: _ex01_std(ex, "training", "~~", "js"),
                     "The std_all value of the row training ~~ js is a correlation.", 0.005),
        ]),
}


def list_exercises() -> pd.DataFrame:
    """The available exercises (``name, title, n_questions``)."""
    return pd.DataFrame([{"name": k, "title": v["title"], "n_questions": len(v["questions"])}
                         for k, v in _EXERCISES.items()])


def start(exercise: str, student_id: str, course_salt: str = "") -> Exercise:
    """Start an exercise with this student's own dataset.

    Examples
    --------
    >>> from im_research.teaching.exercises import start
    >>> ex = start("ex01_measurement", student_id="demo")
    >>> ex.q1.check(len(ex.data))
    Correct: q1.
    True
    """
    if not isinstance(exercise, str) or exercise not in _EXERCISES:
        raise ArgumentError(f"unknown exercise {exercise!r}; available: "
                            f"{sorted(_EXERCISES)}")
    if not isinstance(course_salt, str):
        raise ArgumentError(f"course_salt={show(course_salt)} must be text")
    spec = _EXERCISES[exercise]
    return Exercise(exercise, check_student_id(student_id), course_salt, spec["title"],
                    spec["make_data"], spec["questions"])


def release_for_students(source: Path, target: Path) -> list[Path]:
    """Copy the student-facing exercise notebooks from ``source`` to ``target``.

    The ``solutions/`` folder and any cell tagged ``solution`` are left out; the copied
    notebooks are stripped of outputs. Returns the written files.
    """
    import nbformat

    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for nb_path in sorted(source.glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells = [c for c in nb.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
        out = target / nb_path.name
        nbformat.write(nb, out)
        written.append(out)
    for extra in ("README.md",):
        if (source / extra).exists():
            shutil.copy(source / extra, target / extra)
            written.append(target / extra)
    return written


def _regrade(payload, course_salt):
    """Score the reported answers against data regenerated here, outside the student's kernel."""
    ex = start(payload["exercise"], payload["student"], course_salt=course_salt)
    answers, reported = payload.get("answers") or {}, payload.get("results") or {}
    row, forged = {}, []
    for q in ex.questions:
        value, problem = q._normalise(answers.get(q.name))
        ok = problem is None and bool(q._compare(value)[0])
        row[q.name] = int(ok)
        if bool(reported.get(q.name, False)) != ok:
            forged.append(q.name)
    row.update(score=sum(row[q.name] for q in ex.questions), n_questions=len(ex.questions),
               forged=bool(forged),
               flags=(f"reported verdicts disagree with the recomputed ones: "
                      f"{', '.join(forged)}") if forged else "")
    return row


def grade_notebooks(paths, timeout: int = 300, course_salt: str = "") -> pd.DataFrame:
    """Execute submitted notebooks and re-score the answers they gave.

    Each notebook runs in a fresh kernel (IPC transport, ``timeout`` seconds per cell) and
    must create an exercise object named ``ex``; the grader appends ``ex.report()`` and
    reads the student id and the *answers* from the marked line. It then regenerates that
    student's data with ``course_salt`` in its own process and scores the answers; the
    kernel's verdicts are only compared with the recomputed ones, and a disagreement (e.g.
    an edited ``ex.results``) sets ``forged`` and is explained in ``flags``.

    Returns one row per notebook with ``notebook, exercise, student, score, n_questions,
    forged, flags, error`` and one column per question (1 = right, 0 = not).

    Examples
    --------
    >>> from im_research.teaching.exercises import grade_notebooks
    >>> grade_notebooks([]).empty
    True
    """
    import os
    import tempfile

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    rows = []
    for path in map(Path, paths):
        row = {"notebook": path.name, "error": ""}
        try:
            nb = nbformat.read(path, as_version=4)
            nb.cells.append(nbformat.v4.new_code_cell("ex.report()"))
            with tempfile.TemporaryDirectory() as tmp:
                # IPC sockets where available: no TCP port races when grading in parallel
                km = KernelManager(kernel_name="python3", **(
                    {"transport": "ipc", "ip": os.path.join(tmp, "kernel")}
                    if os.name == "posix" else {}))
                try:
                    NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                   resources={"metadata": {"path": str(path.parent)}}).execute()
                finally:  # nbclient leaves a kernel it was given running
                    if km.has_kernel:
                        km.shutdown_kernel(now=True)
            text = "".join(o.get("text", "") for o in nb.cells[-1].outputs
                           if o.get("output_type") == "stream")
            if RESULT_MARKER not in text:
                errors = [f"{o['ename']}: {o['evalue']}" for c in nb.cells if
                          c.cell_type == "code" for o in c.outputs
                          if o.get("output_type") == "error"]
                raise RuntimeError("the notebook did not create the exercise object `ex`" +
                                   (f" (first error: {errors[0]})" if errors else ""))
            payload = json.loads(text.split(RESULT_MARKER, 1)[1].splitlines()[0])
            row.update(exercise=payload["exercise"], student=payload["student"])
            row.update(_regrade(payload, course_salt))
        except Exception as exc:  # noqa: BLE001 - report every failure in the table
            row["error"] = f"{type(exc).__name__}: {exc}"
        rows.append(row)
    return pd.DataFrame(rows)
