"""Lesson 13's tasks (power and sample size): each accepts the answer a student computes
with the public API and rejects the lesson's own numbers, which answer another question."""

from pathlib import Path

import nbformat

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson13 import (
    INDIRECT,
    N_GRID,
    REPS,
    SEED,
    model_df,
    population,
)


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_the_notebook_uses_the_plan_the_tasks_use():
    nb = Path(__file__).resolve().parents[2] / "notebooks/13_power_and_sample_size.ipynb"
    source = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
    assert "ir.power(pop, n=list(N_GRID), reps=REPS, seed=SEED, indirect=INDIRECT)" in source
    assert REPS < 1000 and len(N_GRID) >= 4  # small for the lesson; the prose says so
    assert population().paths == {"oc": {"ic": 0.3}, "sq": {"oc": 0.25, "ic": 0.1}}


def test_q1_indirect_power_with_a_weaker_second_link(capsys):
    weak = ir.power(population(b=0.15), n=400, reps=REPS, seed=SEED, indirect=INDIRECT)
    answer = weak.loc[weak["lhs"] == "ind", "power"].item()
    lesson = ir.power(population(), n=400, reps=REPS, seed=SEED, indirect=INDIRECT)
    at_lesson_b = lesson.loc[lesson["lhs"] == "ind", "power"].item()
    assert answer < at_lesson_b - 0.1  # a weaker link starves the indirect effect
    t = lesson_tasks("13")
    assert not _checked(t.q1, at_lesson_b, capsys)[0]
    assert _checked(t.q1, round(answer, 2), capsys) == (True, "Correct: q1.\n")


def test_q2_close_fit_needs_fewer_than_not_close_fit(capsys):
    df = model_df()
    assert df == 9 * 10 // 2 - 21
    close = ir.rmsea_sample_size(df, rmsea0=0.05, rmsea1=0.08, power=0.8)
    not_close = ir.rmsea_sample_size(df, rmsea0=0.05, rmsea1=0.01, power=0.8)
    assert close < not_close
    t = lesson_tasks("13")
    assert not _checked(t.q2, not_close, capsys)[0]  # the lesson's own number
    assert _checked(t.q2, close, capsys)[0]
    t.q2.hint()
    assert "rmsea_sample_size" in capsys.readouterr().out


def test_q3_effective_n_uses_kish_not_the_parameters_design_effect(capsys):
    n, m, icc = 40 * 12, 12, 0.15
    t = lesson_tasks("13")
    assert not _checked(t.q3, n / (1 + (m - 1) * icc ** 2), capsys)[0]
    assert not _checked(t.q3, n * ir.design_effect(icc, m), capsys)[0]
    assert _checked(t.q3, round(n / ir.design_effect(icc, m), 1), capsys)[0]
    assert repr(t) == "<Lesson 13 tasks: 1/3 correct>"
