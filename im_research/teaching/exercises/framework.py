"""Question types, the per-student :class:`Exercise` and how answers are scored.

A question scores an answer into a :class:`Verdict` (status, points, message). The
same ``score()`` runs in the student's notebook (``check()``, immediate feedback) and in
the grader's own process (which regenerates the student's data), so a verdict the
student's kernel reports is never trusted.

Question types: :class:`Numeric` (a number within a tolerance), :class:`Choice` (one
option), :class:`MultiChoice` (a set of options, partial credit), :class:`ModelSyntax`
(fitted on the student's data and compared with the intended model: same parameters,
df and chi-square) and :class:`Written` (collected for manual grading with a rubric).
Each may list typical :class:`Mistake` s: an answer a known error produces, recognised
with a targeted message and (optionally) partial credit.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import ArgumentError
from ...validation import show

__all__ = ["Mistake", "Verdict", "Question", "Numeric", "Choice", "MultiChoice",
           "ModelSyntax", "Written", "Exercise", "ExerciseSpec", "check_student_id",
           "student_seed", "RESULT_MARKER", "AUTOSAVE_ENV"]

RESULT_MARKER = "IM-RESEARCH-EXERCISE-RESULTS:"
# set by the grader in the kernel it starts: every check() saves the answers there, so a
# notebook that hangs or dies part-way still gets credit for the checks that ran
AUTOSAVE_ENV = "IM_RESEARCH_GRADER_ANSWERS"

# ids that every careless student would share (the template's placeholder, None as text)
_PLACEHOLDER_IDS = {"yourstudentid", "studentid", "yourid", "id", "none", "null", "nan",
                    "xxx", "todo"}


def check_student_id(student_id, roster=None) -> str:
    """The student id as text.

    None, an empty id and the template's placeholder (``"YOUR-STUDENT-ID"``) are refused,
    as they would give many students the same data; with a ``roster`` (ids), an id not in
    it is refused too.

    Examples
    --------
    >>> check_student_id(" s1234 ")
    's1234'
    """
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
    if roster is not None and sid not in set(roster):
        raise ArgumentError(f"student_id={sid!r} is not in the course roster; check the id "
                            "(ask your instructor if it is right)")
    return sid


def student_seed(exercise: str, student_id, course_secret: str = "") -> int:
    """A reproducible 63-bit seed from (course secret, student id, exercise).

    Examples
    --------
    >>> student_seed("ex03_measurement", "s1", "a") == student_seed("ex03_measurement", "s1", "a")
    True
    """
    student_id = check_student_id(student_id)
    digest = hashlib.sha256(f"{course_secret}|{student_id}|{exercise}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True)
class Mistake:
    """A typical mistake: ``answer(exercise)`` is what it produces; an answer equal to it
    (to the question's tolerance) gets ``message`` and ``credit`` (a share of the points)."""

    name: str
    answer: Callable
    message: str
    credit: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of scoring one answer.

    ``status`` is ``"correct"``, ``"partial"``, ``"wrong"``, ``"not attempted"`` or
    ``"manual"`` (a written answer waiting for the instructor)."""

    status: str
    points: float
    out_of: float
    message: str = ""
    mistake: str = ""

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _json_number(value):
    """A Python int/float for a numpy scalar; other values unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def _unwrap_single(answer):
    """The one value inside a one-element Series/array/list, or an explanation."""
    if isinstance(answer, pd.DataFrame):
        return None, (f"a whole DataFrame ({answer.shape[0]} x {answer.shape[1]}); pick the "
                      "one cell that answers the question, e.g. df.loc[row, column]")
    if isinstance(answer, (pd.Series, np.ndarray, list, tuple)):
        values = np.asarray(answer, dtype=object).ravel()
        if values.size != 1:
            return None, (f"{values.size} values; select the single value that answers "
                          "the question")
        answer = values[0]
    return _json_number(answer), None


class Question:
    """A question whose answer is a number (within ``tolerance``) or a word.

    ``expected(owner)`` computes the right answer from the owner's data (an
    :class:`Exercise`, or a lesson's tasks); ``hint_text`` is one hint or a list of graded
    hints; ``mistakes`` are typical wrong answers recognised with a message.
    """

    kind = "numeric"

    def __init__(self, name, prompt, expected, hint_text="", tolerance=0.01, _exercise=None,
                 *, points=1.0, mistakes=(), solution=""):
        self.name = name
        self.prompt = prompt
        self.expected = expected
        self.hint_text = hint_text
        self.tolerance = tolerance
        self._exercise = _exercise
        self.points = float(points)
        self.mistakes = tuple(mistakes)
        self.solution_text = solution

    def bind(self, owner) -> Question:
        """A copy of this question that reads its data from ``owner``."""
        q = copy.copy(self)
        q._exercise = owner
        return q

    # --- answers -------------------------------------------------------------------------
    def expects(self) -> str:
        """What kind of answer the question wants, in words."""
        return "text" if isinstance(self._target(), str) else "a number"

    def normalise(self, answer):
        """``(value, problem)``: the answer as a JSON-safe value, or why it cannot be one.

        Natural forms are unwrapped: numpy scalars, a one-element Series, array or list
        (``p.loc[mask, "std_all"]`` is a Series of one value), and a percentage ``"45%"``.
        """
        if answer is None:
            return None, None
        answer, problem = _unwrap_single(answer)
        if problem:
            return None, problem
        wants_text = self.expects() == "text"
        if isinstance(answer, str):
            if wants_text:
                return answer, None
            m = re.fullmatch(r"\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*%\s*", answer)
            if m:
                return float(m.group(1)) / 100, None
            return None, (f"text ({answer!r}); give the number itself, without quotes")
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            return None, f"a {type(answer).__name__}"
        if isinstance(answer, float) and not np.isfinite(answer):
            return None, f"{answer!r}"
        return answer, None

    def _target(self):
        cache = vars(self).setdefault("_target_cache", {})
        if "value" not in cache:
            cache["value"] = _json_number(self.expected(self._exercise))
        return cache["value"]

    def _matches(self, value, target) -> bool:
        if isinstance(target, str):
            return isinstance(value, str) and value.strip().lower() == target.lower()
        if isinstance(value, str) or value is None or target is None:
            return False
        return abs(float(value) - float(target)) <= self.tolerance + 1e-12

    def _partial(self, value, target):
        """Partial credit beyond the listed mistakes (MultiChoice): ``(share, message)``."""
        return 0.0, ""

    def score(self, value) -> Verdict:
        """The verdict on an already normalised answer (``None``: not attempted)."""
        if value is None:
            return Verdict("not attempted", 0.0, self.points, "no answer yet")
        target = self._target()
        if self._matches(value, target):
            return Verdict("correct", self.points, self.points, "correct")
        for m in self.mistakes:
            try:
                produced = _json_number(m.answer(self._exercise))
            except Exception:  # noqa: BLE001 - a mistake that cannot arise here is skipped
                continue
            if self._matches(value, produced):
                status = "partial" if m.credit > 0 else "wrong"
                return Verdict(status, round(self.points * m.credit, 4), self.points,
                               m.message, m.name)
        share, message = self._partial(value, target)
        if share > 0:
            return Verdict("partial", round(self.points * share, 4), self.points, message)
        return Verdict("wrong", 0.0, self.points, message or "not right")

    # --- what the student calls ------------------------------------------------------------
    def check(self, answer):
        """Print immediate feedback and record the answer; returns True if correct.

        The answer itself is recorded (the grader re-scores it from regenerated data); a
        later, worse answer does not replace an earlier better one unless the owner's
        ``keep_right_answers`` is False.
        """
        value, problem = self.normalise(answer)
        if problem is not None:
            print(f"Not yet: {self.name} expected {self.expects()}, got {problem}. "
                  f"{self.prompt}")
            return False
        verdict = self.score(value)
        owner = self._exercise
        points = vars(owner).setdefault("_points", {})
        keep = (getattr(owner, "keep_right_answers", False)
                and points.get(self.name, 0.0) > verdict.points)
        if not keep:
            vars(owner).setdefault("answers", {})[self.name] = value
            owner.results[self.name] = verdict.status in ("correct", "manual")
            points[self.name] = verdict.points
        print(self._feedback(value, verdict, kept=keep))
        if isinstance(owner, Exercise):
            owner._autosave()
        return verdict.correct

    def _feedback(self, value, v: Verdict, kept=False) -> str:
        kept_note = " (your earlier, better answer is kept)" if kept else ""
        if v.status == "correct":
            return f"Correct: {self.name}."
        if v.status == "not attempted":
            return f"{self.name}: no answer yet. {self.prompt}"
        if v.status == "partial":
            return (f"Partly right: {self.name} = {value!r}. {v.message} "
                    f"({v.points:g} of {v.out_of:g} points){kept_note}")
        if v.mistake or v.message != "not right":
            return f"Not yet: {self.name} = {value!r}. {v.message}{kept_note}"
        return (f"Not yet: {self.name} = {value!r} is not right{kept_note}. Try again, or "
                f"call .hint().")

    def hint(self, level: int = 1):
        """Print hint number ``level`` (1 = gentlest); ``hint(2)`` gives more away."""
        hints = [self.hint_text] if isinstance(self.hint_text, str) else list(self.hint_text)
        if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 1:
            raise ArgumentError(f"level={show(level)}: give a hint number 1, 2, ...")
        level = int(level)
        used = getattr(self._exercise, "hints_used", None)
        if isinstance(used, dict):
            used[self.name] = max(used.get(self.name, 0), min(level, len(hints)))
        more = (f" (hint {level} of {len(hints)}; .hint({level + 1}) tells more)"
                if level < len(hints) and len(hints) > 1 else "")
        if level > len(hints):
            more = f" (there are only {len(hints)} hints)"
        print(hints[min(level, len(hints)) - 1] + more)

    def solution(self):
        """Print the worked solution, if the instructor enabled solutions for the release."""
        if not getattr(self._exercise, "solutions_enabled", False):
            print("Solutions are not enabled in this release; your instructor can enable "
                  "them.")
            return
        print(f"{self.solution_text}\nAnswer: {self._target()!r}")


class Numeric(Question):
    """A number within an absolute ``tolerance`` (numpy scalars, one-element Series or
    arrays and ``"45%"`` are accepted)."""

    def expects(self) -> str:
        return "a number"


class Choice(Question):
    """One option out of ``options`` (a dict key -> label); the answer may be the key (any
    case) or the full label."""

    kind = "choice"

    def __init__(self, name, prompt, options, expected, hint_text="", _exercise=None, *,
                 points=1.0, mistakes=(), solution=""):
        super().__init__(name, prompt, expected, hint_text, 0.0, _exercise, points=points,
                         mistakes=mistakes, solution=solution)
        self.options = dict(options)

    def expects(self) -> str:
        return "one of the options " + ", ".join(repr(k) for k in self.options)

    def _key(self, text):
        t = str(text).strip().lower()
        for key, label in self.options.items():
            if t in (str(key).lower(), str(label).strip().lower()):
                return key
        return None

    def normalise(self, answer):
        if answer is None:
            return None, None
        answer, problem = _unwrap_single(answer)
        if problem:
            return None, problem
        if not isinstance(answer, str):
            return None, f"{type(answer).__name__} {answer!r}"
        key = self._key(answer)
        return (key, None) if key is not None else (None, f"{answer!r}")

    def _matches(self, value, target) -> bool:
        return value is not None and value == target


class MultiChoice(Choice):
    """A set of options (a list, or text separated by commas); partial credit for each
    right option chosen, less one for each wrong one."""

    kind = "set"

    def expects(self) -> str:
        return "a list of options out of " + ", ".join(repr(k) for k in self.options)

    def normalise(self, answer):
        if answer is None:
            return None, None
        if isinstance(answer, str):
            answer = [a for a in re.split(r"[,;]", answer) if a.strip()]
        if isinstance(answer, (pd.Series, np.ndarray, pd.Index)):
            answer = list(np.asarray(answer, dtype=object).ravel())
        if not isinstance(answer, (list, tuple, set, frozenset)):
            return None, f"a {type(answer).__name__}"
        keys, unknown = set(), []
        for a in answer:
            key = self._key(a) if isinstance(a, str) else None
            (unknown.append(repr(a)) if key is None else keys.add(key))
        if unknown:
            return None, f"unknown option(s) {', '.join(unknown)}"
        return sorted(keys), None

    def _target(self):
        cache = vars(self).setdefault("_target_cache", {})
        if "value" not in cache:
            cache["value"] = sorted(self.expected(self._exercise))
        return cache["value"]

    def _matches(self, value, target) -> bool:
        return value is not None and sorted(value) == sorted(target)

    def _partial(self, value, target):
        right = len(set(value) & set(target))
        wrong = len(set(value) - set(target))
        n = max(len(target), 1)
        share = max(0.0, (right - wrong) / n)
        missed = len(set(target) - set(value))
        return round(share, 4), (f"{right} right, {wrong} that should not be there, "
                                 f"{missed} missing")


def _param_key(row) -> tuple:
    """A parameter's identity, with the two sides of a (co)variance in a fixed order."""
    lhs, op, rhs = row
    return (op, *sorted((lhs, rhs))) if op == "~~" else (op, lhs, rhs)


class ModelSyntax(Question):
    """A model in lavaan syntax, checked by fitting it to the student's data and comparing
    with the intended model: the same parameters (a ~~ b = b ~~ a), df and chi-square.

    ``expected(owner)`` returns the intended syntax; a :class:`Mistake` returns the syntax
    the mistake produces. ``data(owner)`` gives the data to fit (default ``owner.data``
    before any student edits, with the exercise's derived columns).
    """

    kind = "model"

    def __init__(self, name, prompt, expected, hint_text="", _exercise=None, *, points=1.0,
                 mistakes=(), solution="", chisq_tolerance=1e-3):
        super().__init__(name, prompt, expected, hint_text, chisq_tolerance, _exercise,
                         points=points, mistakes=mistakes, solution=solution)

    def expects(self) -> str:
        return "model syntax as text"

    def normalise(self, answer):
        if answer is None:
            return None, None
        if not isinstance(answer, str):
            return None, f"a {type(answer).__name__}; give the model as a text string"
        if not answer.strip():
            return None, "an empty model"
        return answer.strip() + "\n", None

    def _signature(self, syntax):
        """(parameter set, df, chi-square) of the model fitted to the owner's data."""
        from ...sem.estimate import fit

        owner = self._exercise
        return owner.cached(("model", syntax), lambda: _fit_signature(
            fit(syntax, data=owner.model_data())))

    def _matches(self, value, target) -> bool:
        if value is None:
            return False
        a, b = self._signature(value), self._signature(target)
        return (a[0] == b[0] and a[1] == b[1]
                and abs(a[2] - b[2]) <= self.tolerance * max(1.0, abs(b[2])))

    def score(self, value) -> Verdict:
        if value is not None:
            try:
                self._signature(value)
            except Exception as exc:  # noqa: BLE001 - the student's model error is feedback
                return Verdict("wrong", 0.0, self.points,
                               f"the model could not be fitted: {type(exc).__name__}: {exc}")
        return super().score(value)


def _fit_signature(res):
    p = res.params
    p = p[p["op"].isin(["=~", "~", "~~", "~1"])]
    params = frozenset(_param_key(r) for r in p[["lhs", "op", "rhs"]].itertuples(index=False))
    fm = res.fit_measures
    return params, int(fm["df"]), float(fm["chisq"])


class Written(Question):
    """A short written answer, collected for the instructor, who grades it with ``rubric``
    (a list of what a good answer contains); ``check()`` records it."""

    kind = "written"

    def __init__(self, name, prompt, rubric, hint_text="", _exercise=None, *, points=1.0,
                 min_words=8, solution=""):
        super().__init__(name, prompt, None, hint_text, 0.0, _exercise, points=points,
                         solution=solution)
        self.rubric = list(rubric)
        self.min_words = min_words

    def expects(self) -> str:
        return f"a sentence or two (at least {self.min_words} words)"

    def normalise(self, answer):
        if answer is None:
            return None, None
        if not isinstance(answer, str):
            return None, f"a {type(answer).__name__}"
        words = answer.split()
        if len(words) < self.min_words:
            return None, f"{len(words)} word(s)"
        return answer.strip(), None

    def _target(self):
        return None

    def score(self, value) -> Verdict:
        if value is None:
            return Verdict("not attempted", 0.0, self.points, "no answer yet")
        return Verdict("manual", 0.0, self.points,
                       "recorded; your instructor grades it with a rubric")

    def _feedback(self, value, v, kept=False):
        if v.status == "manual":
            return (f"Recorded: {self.name} ({len(value.split())} words). Your instructor "
                    "grades written answers.")
        return super()._feedback(value, v, kept)

    def solution(self):
        if not getattr(self._exercise, "solutions_enabled", False):
            super().solution()
            return
        print(self.solution_text + "\nA good answer: " + "; ".join(self.rubric))


@dataclass(frozen=True)
class ExerciseSpec:
    """An exercise: its questions and how a student's data are drawn.

    ``make_data(rng)`` returns the student's DataFrame; ``model_data(exercise)``
    (optional) adds derived columns that model-syntax questions may use.
    """

    name: str
    title: str
    lesson: str
    make_data: Callable
    questions: tuple
    model_data: Callable | None = None
    intro: str = ""

    def __post_init__(self):
        names = [q.name for q in self.questions]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: question names repeat: {names}")


@dataclass(eq=False)
class Exercise:
    """One student's exercise: ``data`` (theirs to edit), the questions as attributes
    (``ex.q1.check(...)``), ``answers``, ``results`` and ``hints_used``."""

    spec: ExerciseSpec
    student_id: str
    data: pd.DataFrame
    source: str = "course"
    solutions_enabled: bool = False
    keep_right_answers: bool = True
    questions: list = field(default_factory=list)

    def __post_init__(self):
        self.name, self.title = self.spec.name, self.spec.title
        # the questions compute from an untouched copy: students may add columns to data
        self._source_data = self.data.copy()
        self.data = self.data.copy()
        self.results: dict[str, bool] = {}
        self.answers: dict[str, object] = {}
        self.hints_used: dict[str, int] = {}
        self._points: dict[str, float] = {}
        self._cache: dict = {}
        self.questions = []
        for q in self.spec.questions:
            q = q.bind(self)
            setattr(self, q.name, q)
            self.questions.append(q)
            self.results[q.name] = False
            self.answers[q.name] = None

    def source_data(self) -> pd.DataFrame:
        """The student's data as generated (a copy)."""
        return self._source_data.copy()

    def model_data(self) -> pd.DataFrame:
        """The data model-syntax answers are fitted to (with derived columns)."""
        if "model_data" not in self._cache:
            d = self.source_data()
            self._cache["model_data"] = (self.spec.model_data(d) if self.spec.model_data
                                         else d)
        return self._cache["model_data"]

    def cached(self, key, compute):
        """``compute()`` once per exercise (fits are not repeated for every check)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _payload(self) -> str:
        return json.dumps({"exercise": self.name, "student": self.student_id,
                           "answers": self.answers, "results": self.results,
                           "hints": self.hints_used})

    def _autosave(self):
        path = os.environ.get(AUTOSAVE_ENV)
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self._payload())

    def report(self) -> str:
        """The answers and verdicts as a marked JSON line (read by the batch grader, which
        re-scores the answers itself and only compares the verdicts)."""
        line = RESULT_MARKER + self._payload()
        print(line)
        return line

    def __repr__(self):
        done = sum(self.results.values())
        note = " (practice data)" if self.source == "practice" else ""
        return (f"<Exercise {self.name} for {self.student_id}: {done}/{len(self.questions)} "
                f"done{note}>")
