"""The "your turn" tasks inside the lessons, with immediate feedback.

In a lesson notebook::

    from im_research.teaching.tasks import lesson_tasks
    tasks = lesson_tasks("01")
    tasks.q1.check(0.5)     # "Correct: q1." or "Not yet: ..."
    tasks.q1.hint()

Each lesson's tasks live in a module of this package named after the lesson
(``lesson01``, ``lesson03``, ...) with a ``QUESTIONS`` list and the constants its
notebook and widgets share (e.g. ``lesson01.CANDIDATE_PATHS``). Every ``check()``
recomputes the expected answer from the lesson's bundled data with the library's own
functions (the same calls a student makes); no answer is stored in the
package. Unlike :mod:`im_research.teaching.exercises`, every student works on the same
data: the lesson's text discusses its numbers.

Examples
--------
>>> from im_research.teaching.tasks import lesson_tasks
>>> tasks = lesson_tasks("01")
>>> tasks.q2.check(0.0)
Not yet: q2 = 0.0 is not right. Try again, or call .hint().
>>> tasks.results["q2"]
False
"""

from __future__ import annotations

from ...errors import ArgumentError
from ..exercises import Question

__all__ = ["lesson_tasks", "LessonTasks", "Task"]


class Task(Question):
    """One task: :class:`~im_research.teaching.exercises.Question`'s ``check`` and
    ``hint``, except that ``check`` returns nothing, so a notebook cell shows the feedback
    and no bare ``True``/``False`` (the outcome is kept in ``LessonTasks.results``)."""

    def check(self, answer) -> None:
        """Print feedback on ``answer`` and record whether it is correct."""
        super().check(answer)


class LessonTasks:
    """The tasks of one lesson: ``q1``, ``q2``, ... each with ``check(answer)`` and
    ``hint()``; ``results`` records which were answered correctly."""

    def __init__(self, lesson: str, questions):
        self.lesson = lesson
        self.results: dict[str, bool] = {}
        self._cache: dict[str, object] = {}
        self.questions = []
        for q in questions:
            q = Task(q.name, q.prompt, q.expected, q.hint_text, q.tolerance, self)
            setattr(self, q.name, q)
            self.questions.append(q)
            self.results[q.name] = False

    def cached(self, key, compute):
        """``compute()`` once per lesson session (refits are not repeated per check)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def __repr__(self):
        done = sum(self.results.values())
        return f"<Lesson {self.lesson} tasks: {done}/{len(self.questions)} correct>"


def _available() -> list[str]:
    import pkgutil

    return sorted(m.name[len("lesson"):] for m in pkgutil.iter_modules(__path__)
                  if m.name.startswith("lesson"))


def lesson_tasks(lesson: str) -> LessonTasks:
    """The "your turn" tasks of a lesson (``"01"``, ...), ready to ``check()``.

    Parameters
    ----------
    lesson : str
        The lesson number as in the notebook's file name, e.g. ``"01"``.

    Returns
    -------
    LessonTasks
        With attributes ``q1``, ``q2``, ... (each with ``check(answer)`` and ``hint()``).

    Examples
    --------
    >>> from im_research.teaching.tasks import lesson_tasks
    >>> lesson_tasks("01")
    <Lesson 01 tasks: 0/4 correct>
    """
    import importlib

    key = str(lesson).zfill(2)
    if key not in _available():
        raise ArgumentError(f"lesson={lesson!r} has no tasks; lessons with tasks: "
                            f"{_available()}")
    return LessonTasks(key, importlib.import_module(f"{__name__}.lesson{key}").QUESTIONS)
