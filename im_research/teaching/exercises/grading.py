"""Grading: run each submitted notebook, collect the answers, re-score them here.

:func:`collect_answers` executes every notebook in a fresh kernel (IPC transport, a
timeout per cell) and reads the answers the student gave. :func:`grade_submissions`
regenerates each student's data from the course secret *in this process* and scores
those answers, so a verdict edited in the student's kernel (``ex.results``) earns
nothing and is flagged. :func:`grade_notebooks` does both. The result,
:class:`Grading`, holds the gradebook (student x question: points, feedback), the
scores, a per-question summary and the roster issues, and writes them with
:meth:`Grading.write`. Grading the same notebooks twice gives the same files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from ...errors import ArgumentError
from . import course
from .catalog import generate, get_spec
from .framework import AUTOSAVE_ENV, RESULT_MARKER, Exercise, Verdict, check_student_id

__all__ = ["collect_answers", "grade_submissions", "grade_notebooks", "Grading"]

_REPORT_CELL = "ex.report()"
_SCORE_COLUMNS = ["notebook", "exercise", "student", "score", "out_of", "manual_pending",
                  "forged", "flags", "error"]


def _code_digest(nb, student_id: str | None) -> str:
    """A digest of the code the student wrote (their id blanked): equal for copied code."""
    code = "\n".join(c.source.strip() for c in nb.cells if c.cell_type == "code")
    if student_id:
        code = code.replace(student_id, "<id>")
    return hashlib.sha256(code.encode()).hexdigest()


def _cell_errors(nb, timeout) -> list[dict]:
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        for o in c.get("outputs", []):
            if o.get("output_type") == "error":
                # the grader's interrupt of a cell that ran too long
                error = (f"Timeout: the cell ran longer than {timeout} s"
                         if o["ename"] == "KeyboardInterrupt" else
                         f"{o['ename']}: {o['evalue']}")
                out.append({"cell": i + 1, "source": c.source, "error": error})
    return out


def _last_started_cell(nb) -> int:
    """The index of the last code cell the kernel started (the one that hung)."""
    started = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.get("execution_count") is not None]
    return started[-1] if started else 0


def collect_answers(paths, *, course_secret=None, timeout: int = 300) -> list[dict]:
    """Run each notebook in a fresh kernel and read the answers it gave.

    The kernel gets the course secret (so ``start()`` draws the student's data as the
    grader does) and the notebook's folder as working directory. Returns one dict per
    notebook: ``notebook, payload`` (the answers, or None), ``error``, ``cell_errors``
    and ``code_digest``.
    """
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    secret = course.course_secret(course_secret, required=True)
    env = {**os.environ, course.SECRET_ENV: secret}
    out = []
    for path in map(Path, paths):
        sub = {"notebook": str(path), "payload": None, "error": "", "cell_errors": [],
               "code_digest": ""}
        try:
            nb = nbformat.read(path, as_version=4)
            n_cells = len(nb.cells)
            nb.cells.append(nbformat.v4.new_code_cell(_REPORT_CELL))
            with tempfile.TemporaryDirectory() as tmp:
                saved = Path(tmp) / "answers.json"
                # the async manager: with a blocking one nbclient's cell timeout is not
                # enforced (jupyter_client 8, jupyter/jupyter_client#938)
                km = AsyncKernelManager(kernel_name="python3", **(
                    {"transport": "ipc", "ip": os.path.join(tmp, "kernel")}
                    if os.name == "posix" else {}))
                stopped = None
                try:
                    # a cell running longer than `timeout` is interrupted (reported as a
                    # timeout) and the cells after it still run
                    NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                   interrupt_on_timeout=True, error_on_timeout={
                                       "ename": "Timeout", "traceback": [],
                                       "evalue": f"the cell ran longer than {timeout} s"},
                                   resources={"metadata": {"path": str(path.parent)}}
                                   ).execute(env={**env, AUTOSAVE_ENV: str(saved)})
                except (CellTimeoutError, DeadKernelError) as exc:
                    # the kernel hung or died: the answers checked so far were saved
                    stopped = (_last_started_cell(nb), type(exc).__name__)
                finally:  # nbclient leaves a kernel it was given running
                    if km.has_kernel:
                        run_sync(km.shutdown_kernel)(now=True)
                text = "".join(o.get("text", "") for o in nb.cells[-1].outputs
                               if o.get("output_type") == "stream")
                if RESULT_MARKER not in text and saved.is_file():
                    text = RESULT_MARKER + saved.read_text(encoding="utf-8")
            nb.cells = nb.cells[:n_cells]
            sub["cell_errors"] = _cell_errors(nb, timeout)
            if stopped is not None:
                sub["cell_errors"].append({
                    "cell": stopped[0] + 1, "source": nb.cells[stopped[0]].source,
                    "error": f"{stopped[1]}: the kernel stopped in this cell"})
                sub["cell_errors"].sort(key=lambda e: e["cell"])
            if RESULT_MARKER not in text:
                first = sub["cell_errors"][0] if sub["cell_errors"] else None
                raise RuntimeError("the notebook did not create the exercise object `ex`" + (
                    f" (cell {first['cell']}: {first['error']})" if first else ""))
            sub["payload"] = json.loads(text.split(RESULT_MARKER, 1)[1].splitlines()[0])
            sub["code_digest"] = _code_digest(nb, sub["payload"].get("student"))
        except Exception as exc:  # noqa: BLE001 - every failure is reported in the table
            sub["error"] = f"{type(exc).__name__}: {exc}"
        out.append(sub)
    return out


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _why_missing(q, cell_errors) -> str:
    """Why a question has no answer: the error in the cell that checks it, if any."""
    for e in cell_errors:
        if re.search(rf"\.{re.escape(q.name)}\.check\(", e["source"]):
            return f"not attempted: the cell that checks it (cell {e['cell']}) failed: " \
                   f"{e['error']}"
    if cell_errors:
        e = cell_errors[0]
        return f"not attempted (the notebook had an error in cell {e['cell']}: {e['error']})"
    return "not attempted"


@dataclass
class Grading:
    """The outcome of grading: ``gradebook`` (one row per submission and question),
    ``scores`` (one row per submission), ``summary`` (one row per question) and
    ``issues`` (roster, duplicates, forged verdicts, copied answers)."""

    gradebook: pd.DataFrame
    scores: pd.DataFrame
    summary: pd.DataFrame
    issues: pd.DataFrame
    rubrics: dict

    def write(self, out) -> list[Path]:
        """Write ``gradebook.csv``, ``scores.csv``, ``summary.csv``, ``issues.csv``,
        ``written_answers.html`` (for manual grading, with the rubrics) and one
        ``feedback/<student>_<exercise>.html`` per submission into the folder ``out``."""
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ArgumentError(f"out={str(out)!r} is a file; give a folder for the grades")
        (out / "feedback").mkdir(parents=True, exist_ok=True)
        files = []
        for name, table in (("gradebook", self.gradebook), ("scores", self.scores),
                            ("summary", self.summary), ("issues", self.issues)):
            table.to_csv(out / f"{name}.csv", index=False)
            files.append(out / f"{name}.csv")
        for (student, exercise, notebook), rows in self.gradebook.groupby(
                ["student", "exercise", "notebook"], sort=True):
            path = out / "feedback" / f"{_safe(student)}_{exercise}.html"
            if path in files:  # a duplicate submission: keep both, named by notebook
                path = path.with_name(f"{_safe(student)}_{exercise}_{_safe(notebook)}.html")
            path.write_text(_feedback_html(student, exercise, rows), encoding="utf-8")
            files.append(path)
        (out / "written_answers.html").write_text(self._written_html(), encoding="utf-8")
        files.append(out / "written_answers.html")
        # the instructor fills in points (and feedback) and passes the file back with
        # `exercise grade --manual` / Grading.with_manual_grades()
        written = self.gradebook[self.gradebook["kind"] == "written"]
        written[["exercise", "student", "notebook", "question", "answer", "out_of", "points",
                 "feedback"]].assign(
            points=[p if s != "manual" else None for p, s in zip(written["points"],
                                                                 written["status"])],
            feedback=[f if s != "manual" else "" for f, s in zip(written["feedback"],
                                                                 written["status"])]
        ).to_csv(out / "manual_grades.csv", index=False)
        files.append(out / "manual_grades.csv")
        return files

    def with_manual_grades(self, manual) -> Grading:
        """The grading with the instructor's points for written answers.

        ``manual`` is ``manual_grades.csv`` (written by :meth:`write`) after the
        instructor filled in ``points`` (and optionally ``feedback``), or a DataFrame with
        the columns ``exercise, student, question, points`` (``notebook`` tells apart
        duplicate submissions). Blank points leave a question pending; applying the same
        grades twice gives the same result.

        Examples
        --------
        >>> import pandas as pd
        >>> from im_research.teaching.exercises import grade_submissions
        >>> g = grade_submissions([], course_secret="doc")
        >>> g.with_manual_grades(pd.DataFrame(columns=["exercise", "student", "question",
        ...                                            "points"])).scores.empty
        True
        """
        table = _read_manual(manual)
        book = self.gradebook.copy()
        written = book["kind"] == "written"
        for k, row in table.iterrows():
            where = f"manual grades row {k + 2}"  # the CSV line (after the header)
            if pd.isna(row["points"]) or str(row["points"]).strip() == "":
                continue
            match = written & (book["exercise"] == str(row["exercise"])) & (
                book["student"] == str(row["student"])) & (
                book["question"] == str(row["question"]))
            if "notebook" in table.columns and not pd.isna(row.get("notebook")):
                match &= book["notebook"] == str(row["notebook"])
            if match.sum() != 1:
                raise ArgumentError(
                    f"{where}: {row['exercise']} {row['student']} {row['question']} matches "
                    f"{int(match.sum())} written answers in the gradebook"
                    + (" (add the notebook column to pick one)" if match.sum() > 1 else
                       " (check the exercise, student and question)"))
            i = book.index[match][0]
            try:
                points = float(row["points"])
            except (TypeError, ValueError):
                raise ArgumentError(f"{where}: points={row['points']!r} is not a number") \
                    from None
            out_of = float(book.at[i, "out_of"])
            if not 0 <= points <= out_of:
                raise ArgumentError(f"{where}: points={points:g} must lie between 0 and "
                                    f"{out_of:g} (the question's points)")
            feedback = row.get("feedback")
            book.at[i, "points"] = points
            book.at[i, "status"] = ("correct" if points == out_of else
                                    "partial" if points > 0 else "wrong")
            book.at[i, "mistake"] = ""
            book.at[i, "feedback"] = ("graded by your instructor" if feedback is None or
                                      pd.isna(feedback) or not str(feedback).strip()
                                      else str(feedback))
        scores = self.scores.copy()
        for i, r in scores.iterrows():
            rows = book[(book["exercise"] == r["exercise"]) & (book["student"] == r["student"])
                        & (book["notebook"] == r["notebook"])]
            if rows.empty:
                continue
            scores.at[i, "score"] = round(float(rows["points"].sum()), 4)
            scores.at[i, "manual_pending"] = int((rows["status"] == "manual").sum())
            for q, pts in zip(rows["question"], rows["points"]):
                scores.at[i, q] = pts
        return Grading(book, scores, _summary(book), self.issues, self.rubrics)

    def _written_html(self) -> str:
        parts = ["<html><body><h1>Written answers to grade</h1>"]
        book = self.gradebook[self.gradebook["kind"] == "written"]
        for (exercise, question), rows in book.groupby(["exercise", "question"], sort=True):
            rubric = "".join(f"<li>{html.escape(r)}</li>" for r in
                             self.rubrics.get((exercise, question), []))
            parts.append(f"<h2>{exercise} {question}</h2><p>Rubric:</p><ul>{rubric}</ul>"
                         "<table border=1><tr><th>student</th><th>answer</th></tr>")
            for r in rows.itertuples():
                parts.append(f"<tr><td>{html.escape(r.student)}</td>"
                             f"<td>{html.escape(r.answer)}</td></tr>")
            parts.append("</table>")
        return "".join(parts) + "</body></html>"


def _read_manual(manual) -> pd.DataFrame:
    """The instructor's manual grades as a table (a CSV path or a DataFrame), checked."""
    if isinstance(manual, pd.DataFrame):
        table = manual.reset_index(drop=True)
    else:
        path = Path(manual)
        if not path.is_file():
            raise ArgumentError(f"manual={str(manual)!r} is not a file; give the "
                                "manual_grades.csv the grader wrote, with points filled in")
        table = pd.read_csv(path, dtype={"student": str})
    need = [c for c in ("exercise", "student", "question", "points") if c not in table.columns]
    if need:
        raise ArgumentError(f"the manual grades lack the column(s) {need}; start from the "
                            "manual_grades.csv the grader wrote")
    return table


def _safe(text) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", str(text))


def _feedback_html(student, exercise, rows) -> str:
    total, out_of = rows["points"].sum(), rows["out_of"].sum()
    body = "".join(
        f"<tr><td>{r.question}</td><td>{html.escape(r.answer)}</td><td>{r.points:g} / "
        f"{r.out_of:g}</td><td>{html.escape(r.feedback)}</td></tr>" for r in rows.itertuples())
    return (f"<html><body><h1>{html.escape(exercise)}: feedback for "
            f"{html.escape(student)}</h1><p>Points so far: {total:g} of {out_of:g} (written "
            "answers are graded by your instructor).</p><table border=1><tr><th>question"
            "</th><th>your answer</th><th>points</th><th>feedback</th></tr>"
            f"{body}</table></body></html>")


def _score_one(sub, secret, cache):
    """The gradebook rows of one submission, its exercise and the questions it forged."""
    payload = sub["payload"]
    spec = get_spec(payload["exercise"])
    sid = check_student_id(payload["student"])
    key = (spec.name, sid)
    if key not in cache:
        cache[key] = Exercise(spec, sid, generate(spec.name, sid, secret))
    ex = cache[key]
    answers, reported = payload.get("answers") or {}, payload.get("results") or {}
    rows, forged = [], []
    for q in ex.questions:
        value, problem = q.normalise(answers.get(q.name))
        if problem is not None:
            v = Verdict("wrong", 0.0, q.points, f"the answer is {problem}, not "
                                                 f"{q.expects()}")
        else:
            v = q.score(value)
        if v.status == "not attempted":
            v = Verdict("not attempted", 0.0, q.points, _why_missing(q, sub["cell_errors"]))
        if bool(reported.get(q.name, False)) and v.status not in ("correct", "manual"):
            forged.append(q.name)
        rows.append({"notebook": Path(sub["notebook"]).name, "exercise": spec.name,
                     "student": sid, "question": q.name, "kind": q.kind,
                     "answer": _show(value if problem is None else answers.get(q.name)),
                     "status": v.status, "points": v.points, "out_of": v.out_of,
                     "mistake": v.mistake, "feedback": v.message,
                     "_value": value if problem is None else None})
    return rows, ex, forged


def _copied(rows, ex, exercises) -> list[str]:
    """Wrong numeric answers that are another student's right ones."""
    found = []
    for r in rows:
        q = getattr(ex, r["question"])
        value = r["_value"]
        if r["kind"] != "numeric" or r["status"] == "correct" or value is None:
            continue
        for (name, other_id), other in sorted(exercises.items()):
            if name == ex.name and other_id != ex.student_id and getattr(
                    other, q.name)._matches(value, getattr(other, q.name)._target()):
                found.append(f"{q.name} (= {other_id}'s answer)")
                break
    return found


def grade_submissions(submissions, *, course_secret=None, roster=None) -> Grading:
    """Score collected answers (:func:`collect_answers`) against regenerated data.

    ``roster`` (student ids) adds the missing students and flags unknown ids.
    """
    secret = course.course_secret(course_secret, required=True)
    book, scores, issues, cache, forged_by, per_sub = [], [], [], {}, {}, []
    for sub in submissions:
        name = Path(sub["notebook"]).name
        base = {"notebook": name, "exercise": "", "student": "", "score": 0.0, "out_of": 0.0,
                "manual_pending": 0, "forged": False, "flags": "", "error": sub["error"]}
        if sub["payload"] is None:
            scores.append(base)
            issues.append({"kind": "error", "student": "", "notebook": name,
                           "detail": sub["error"]})
            continue
        try:
            # the expected answers refit small models: one BLAS thread is faster, and
            # several times faster on a busy machine (the grader runs beside kernels)
            with threadpool_limits(1):
                rows, ex, forged = _score_one(sub, secret, cache)
        except ArgumentError as exc:
            scores.append({**base, "student": str(sub["payload"].get("student")),
                           "error": f"ArgumentError: {exc}"})
            issues.append({"kind": "error", "student": str(sub["payload"].get("student")),
                           "notebook": name, "detail": str(exc)})
            continue
        per_sub.append((sub, rows, ex, forged))
    for sub, rows, ex, forged in per_sub:
        name = Path(sub["notebook"]).name
        flags = []
        if forged:
            flags.append("reported verdicts disagree with the recomputed ones: "
                         + ", ".join(forged))
        copied = _copied(rows, ex, cache)
        if copied:
            flags.append("answers that are another student's: " + ", ".join(copied))
        if roster is not None and ex.student_id not in roster:
            flags.append("id not in the roster")
            issues.append({"kind": "unknown id", "student": ex.student_id, "notebook": name,
                           "detail": "not in the roster"})
        for f in flags[:2]:
            issues.append({"kind": "forged" if f.startswith("reported") else "copied",
                           "student": ex.student_id, "notebook": name, "detail": f})
        book += rows
        scores.append({"notebook": name, "exercise": ex.name, "student": ex.student_id,
                       "score": round(sum(r["points"] for r in rows), 4),
                       "out_of": sum(r["out_of"] for r in rows),
                       "manual_pending": sum(r["status"] == "manual" for r in rows),
                       "forged": bool(forged), "flags": "; ".join(flags), "error": "",
                       **{r["question"]: r["points"] for r in rows}})
        forged_by[name] = forged
    issues += _duplicates(per_sub)
    seen = {(r["exercise"], r["student"]) for r in scores if r["exercise"]}
    if roster is not None:
        for exercise in sorted({e for e, _ in seen}):
            for sid in roster:
                if (exercise, sid) not in seen:
                    issues.append({"kind": "missing", "student": sid, "notebook": "",
                                   "detail": f"no submission for {exercise}"})
                    scores.append({"notebook": "", "exercise": exercise, "student": sid,
                                   "score": 0.0, "out_of": float(sum(
                                       q.points for q in get_spec(exercise).questions)),
                                   "manual_pending": 0, "forged": False, "flags": "",
                                   "error": "no submission"})
    gradebook = pd.DataFrame(book, columns=["notebook", "exercise", "student", "question",
                                            "kind", "answer", "status", "points", "out_of",
                                            "mistake", "feedback"])
    gradebook = gradebook.sort_values(["exercise", "student", "notebook", "question"],
                                      kind="stable").reset_index(drop=True)
    columns = list(dict.fromkeys([*_SCORE_COLUMNS, *(k for r in scores for k in r)]))
    scores = pd.DataFrame(scores, columns=columns).sort_values(
        ["exercise", "student", "notebook"], kind="stable").reset_index(drop=True)
    issues = pd.DataFrame(issues, columns=["kind", "student", "notebook", "detail"])
    issues = issues.sort_values(["kind", "student", "notebook"], kind="stable").reset_index(
        drop=True)
    rubrics = {(s.name, q.name): q.rubric for s in map(get_spec, {e for e, _ in seen})
               for q in s.questions if q.kind == "written"}
    return Grading(gradebook, scores, _summary(gradebook), issues, rubrics)


def _duplicates(per_sub) -> list[dict]:
    out = []
    by_id, by_code = {}, {}
    for sub, rows, ex, _ in per_sub:
        name = Path(sub["notebook"]).name
        by_id.setdefault((ex.name, ex.student_id), []).append(name)
        if any(r["status"] != "not attempted" for r in rows):  # blank templates are alike
            by_code.setdefault((ex.name, sub["code_digest"]), []).append((ex.student_id, name))
    for (exercise, sid), names in sorted(by_id.items()):
        if len(names) > 1:
            out.append({"kind": "duplicate id", "student": sid, "notebook": ", ".join(names),
                        "detail": f"{len(names)} submissions of {exercise}"})
    for (exercise, digest), subs in sorted(by_code.items()):
        ids = sorted({s for s, _ in subs})
        if digest and len(ids) > 1:
            out.append({"kind": "identical code", "student": ", ".join(ids),
                        "notebook": ", ".join(sorted(n for _, n in subs)),
                        "detail": f"the same code in {exercise} (ids blanked)"})
    return out


def _summary(book: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (exercise, question), g in book.groupby(["exercise", "question"], sort=True):
        wrong = g[g["status"].isin(["wrong", "partial"])]
        common = Counter(wrong["answer"]).most_common(3)
        mistakes = Counter(m for m in wrong["mistake"] if m).most_common()
        rows.append({"exercise": exercise, "question": question, "kind": g["kind"].iloc[0],
                     "n": len(g), "correct": int((g["status"] == "correct").sum()),
                     "partial": int((g["status"] == "partial").sum()),
                     "wrong": int((g["status"] == "wrong").sum()),
                     "not_attempted": int((g["status"] == "not attempted").sum()),
                     "manual": int((g["status"] == "manual").sum()),
                     "mean_points": round(float(g["points"].mean()), 4),
                     "out_of": float(g["out_of"].iloc[0]),
                     "common_mistakes": "; ".join(f"{m} ({k})" for m, k in mistakes),
                     "common_wrong_answers": "; ".join(f"{a} ({k})" for a, k in common)})
    return pd.DataFrame(rows, columns=["exercise", "question", "kind", "n", "correct",
                                       "partial", "wrong", "not_attempted", "manual",
                                       "mean_points", "out_of", "common_mistakes",
                                       "common_wrong_answers"])


def grade_notebooks(paths, *, course_secret=None, roster=None, timeout: int = 300,
                    manual=None) -> Grading:
    """Execute submitted notebooks and score the answers they gave (see the module notes).

    Parameters
    ----------
    paths : list of path
        The submitted notebooks.
    course_secret : str, optional
        Default: the environment or ``im-research.toml`` (required).
    roster : list of str, optional
        The course's student ids: missing students and unknown ids are reported.
    timeout : int
        Seconds per cell.
    manual : path or DataFrame, optional
        The instructor's points for written answers (see
        :meth:`Grading.with_manual_grades`).

    Returns
    -------
    Grading

    Examples
    --------
    >>> from im_research.teaching.exercises import grade_notebooks
    >>> grade_notebooks([], course_secret="doc").scores.empty
    True
    """
    secret = course.course_secret(course_secret, required=True)
    subs = collect_answers(paths, course_secret=secret, timeout=timeout)
    grading = grade_submissions(subs, course_secret=secret, roster=roster)
    return grading if manual is None else grading.with_manual_grades(manual)
