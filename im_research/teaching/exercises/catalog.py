"""The exercises, and :func:`start`, which gives a student their own exercise."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ArgumentError
from ...validation import show
from . import (
    course,
    ex01_service_profit_chain,
    ex02_survey_data,
    ex03_measurement,
    ex04_mediation,
    ex05_likert_missing,
    ex06_invariance,
    ex07_ski_resort,
    ex08_airline,
    ex09_clinic,
    ex10_linkage,
    ex11_pls,
    ex12_higher_order,
    ex13_power,
    ex14_replication,
)
from .framework import Exercise, ExerciseSpec, check_student_id, student_seed

__all__ = ["EXERCISES", "get_spec", "list_exercises", "start", "generate", "RELEASE_INFO"]

EXERCISES: dict[str, ExerciseSpec] = {m.SPEC.name: m.SPEC for m in (
    ex01_service_profit_chain, ex02_survey_data, ex03_measurement, ex04_mediation,
    ex05_likert_missing, ex06_invariance, ex07_ski_resort, ex08_airline, ex09_clinic,
    ex10_linkage, ex11_pls, ex12_higher_order, ex13_power, ex14_replication)}
RELEASE_INFO = "release.json"  # written next to a student's data files by a release


def get_spec(exercise) -> ExerciseSpec:
    """The exercise called ``exercise`` (an :class:`ArgumentError` names the others)."""
    if not isinstance(exercise, str) or exercise not in EXERCISES:
        raise ArgumentError(f"unknown exercise {show(exercise)}; available: "
                            f"{sorted(EXERCISES)}")
    return EXERCISES[exercise]


def list_exercises() -> pd.DataFrame:
    """The exercises: ``name, lesson, title, n_questions, kinds``.

    Examples
    --------
    >>> "ex03_measurement" in list_exercises()["name"].tolist()
    True
    """
    return pd.DataFrame([{"name": s.name, "lesson": s.lesson, "title": s.title,
                          "n_questions": len(s.questions),
                          "kinds": ", ".join(q.kind for q in s.questions)}
                         for s in EXERCISES.values()])


def generate(exercise: str, student_id, secret: str) -> pd.DataFrame:
    """The student's data, drawn from (course secret, student id, exercise)."""
    spec = get_spec(exercise)
    seed = student_seed(exercise, student_id, secret)
    return spec.make_data(np.random.default_rng(seed))


def file_digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _release_data(exercise, sid, data_dir):
    """(data, settings) from a release folder, or None if there is none here."""
    folder = Path(data_dir) if data_dir is not None else Path.cwd() / "data"
    info_path = folder / RELEASE_INFO
    if not info_path.is_file():
        if data_dir is not None:
            raise ArgumentError(f"data_dir={str(folder)!r} holds no {RELEASE_INFO}; give the "
                                "data folder of your release")
        return None
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("student_id") != sid:
        raise ArgumentError(f"the data in {folder} belong to student "
                            f"{info.get('student_id')!r}, not {sid!r}; use the id of this "
                            "release folder, or open your own")
    entry = info.get("exercises", {}).get(exercise)
    path = folder / f"{exercise}.csv"
    if entry is None or not path.is_file():
        raise ArgumentError(f"{folder} has no data for {exercise}; ask your instructor for "
                            "the release of this exercise")
    if file_digest(path) != entry["sha256"]:
        raise ArgumentError(f"{path} was changed after the release; restore the original "
                            "file (your answers are graded on the original data)")
    return pd.read_csv(path), info.get("settings", {})


def start(exercise: str, student_id, course_secret: str | None = None, *,
          data_dir=None) -> Exercise:
    """Start an exercise with this student's own dataset.

    The data come, first found first used, from the course secret (argument, environment
    variable ``IM_RESEARCH_COURSE_SECRET`` or ``im-research.toml``: the instructor's and
    the grader's side), or the student's release folder (``data/`` beside the notebook,
    or ``data_dir``), or else practice data that no grader will use (a note says so).

    Parameters
    ----------
    exercise : str
        The exercise's name (see :func:`list_exercises`).
    student_id : str
        The id the instructor gave; empty ids and the template's placeholder are refused.
    course_secret : str, optional
        The instructor's course secret.
    data_dir : path, optional
        The folder with the release's ``release.json`` and data files.

    Examples
    --------
    >>> from im_research.teaching.exercises import start
    >>> ex = start("ex03_measurement", student_id="demo", course_secret="doc-example")
    >>> ex
    <Exercise ex03_measurement for demo: 0/7 done>
    """
    spec = get_spec(exercise)
    sid = check_student_id(student_id)
    secret = course.course_secret(course_secret)
    settings = {}
    if secret is not None:
        data, source = generate(exercise, sid, secret), "course"
    else:
        found = _release_data(exercise, sid, data_dir)
        if found is not None:
            (data, settings), source = found, "release"
        else:
            data, source = generate(exercise, sid, ""), "practice"
            print(f"Practice data for {sid}: no course secret and no release data folder "
                  "here. Open the notebook from the release your instructor gave you, or "
                  "your answers will not match the grader's.")
    return Exercise(spec, sid, data, source=source,
                    solutions_enabled=bool(settings.get("solutions", False)),
                    keep_right_answers=bool(settings.get("keep_right_answers", True)))
