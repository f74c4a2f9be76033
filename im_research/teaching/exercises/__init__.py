"""Exercises an instructor can assign and trust: per-student data, feedback, grading.

Students call, inside a notebook::

    from im_research.teaching.exercises import start
    ex = start("ex03_measurement", student_id="s1234")   # their own data
    ex.data.head()
    ex.q2.check(0.81)       # immediate, targeted feedback
    ex.q2.hint()            # graded hints: hint(2) tells more
    ex.q2.solution()        # only if the instructor enabled solutions

Every student gets different data: the seed is a hash of (course secret, student id,
exercise). The secret stays with the instructor (:mod:`.course`); a release with a
roster writes each student's data next to their notebook (:mod:`.release`). The grader
(:mod:`.grading`) runs each submitted notebook in a fresh kernel, collects the answers
and re-scores them against data it regenerates itself. Question types and scoring are in
:mod:`.framework`; one module per exercise (``ex01_service_profit_chain``,
``ex03_measurement``, ``ex14_replication``).
"""

from .catalog import EXERCISES, get_spec, list_exercises, start
from .course import SECRET_ENV, course_secret, read_roster
from .framework import (
    Choice,
    Exercise,
    ExerciseSpec,
    Mistake,
    ModelSyntax,
    MultiChoice,
    Numeric,
    Question,
    Verdict,
    Written,
    check_student_id,
    student_seed,
)
from .grading import Grading, collect_answers, grade_notebooks, grade_submissions
from .release import release_for_students

__all__ = ["start", "list_exercises", "get_spec", "EXERCISES", "student_seed",
           "check_student_id", "course_secret", "read_roster", "SECRET_ENV",
           "release_for_students", "collect_answers", "grade_submissions", "grade_notebooks",
           "Grading", "Exercise", "ExerciseSpec", "Question", "Numeric", "Choice",
           "MultiChoice", "ModelSyntax", "Written", "Mistake", "Verdict"]
