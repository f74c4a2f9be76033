"""Lesson 05's "your turn" checks: a student's own route passes, the lesson's worked
example and typical slips fail."""

import warnings

import pytest

import im_research as ir
from im_research.errors import DataWarning
from im_research.teaching.flagship import load_flagship_data
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson05 import (
    EMPLOYEE_MODEL,
    MERGED_MODEL,
    PLANTED,
    planted_bank,
)


@pytest.fixture(scope="module")
def bank():
    return load_flagship_data()


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_q1_robust_cfi_of_the_merged_model(bank, capsys):
    merged = ir.fit(MERGED_MODEL, data=bank, ordered=True).fit_measures
    t = lesson_tasks("05")
    assert _checked(t.q1, round(merged["cfi_robust"], 3), capsys)[0]
    # the naive DWLS CFI and the scaled one look better: both are the slips
    assert merged["cfi"] > merged["cfi_robust"] + 0.01
    ok, out = _checked(t.q1, round(merged["cfi"], 3), capsys)
    assert not ok and "Not yet" in out
    assert not _checked(t.q1, round(merged["cfi_scaled"], 3), capsys)[0]
    # the lesson's worked model (two factors) fits better
    good = ir.fit(EMPLOYEE_MODEL, data=bank, ordered=True).fit_measures["cfi_robust"]
    assert good > merged["cfi_robust"]
    assert not _checked(t.q1, round(good, 3), capsys)[0]


def test_q2_fiml_mean_of_oc1(bank, capsys):
    data = planted_bank()
    assert data[PLANTED["items"]].isna().any(axis=1).sum() > 100
    model = bank.attrs["codebook"]["model_syntax"]
    p = ir.fit(model, data=data, missing="fiml").params
    fiml = p.loc[(p.lhs == "oc1") & (p.op == "~1"), "est"].item()
    t = lesson_tasks("05")
    assert _checked(t.q2, round(fiml, 3), capsys)[0]
    # FIML lands nearer the complete data's mean than the answers that were given
    given = data["oc1"].mean()
    assert abs(fiml - bank["oc1"].mean()) < abs(given - bank["oc1"].mean())
    assert not _checked(t.q2, round(given, 3), capsys)[0]


def test_q3_complete_rows_under_mcar_are_a_random_subset(bank, capsys):
    mcar = planted_bank(mcar=0.15, seed=6)
    complete = mcar[PLANTED["items"]].notna().all(axis=1)
    answer = mcar.loc[complete, "js1"].mean()
    t = lesson_tasks("05")
    assert _checked(t.q3, round(answer, 3), capsys)[0]
    # under MAR the complete rows are the satisfied employees: the lesson's case fails
    mar = planted_bank()
    mar_mean = mar.loc[mar[PLANTED["items"]].notna().all(axis=1), "js1"].mean()
    assert mar_mean > answer + 0.2
    assert not _checked(t.q3, round(mar_mean, 3), capsys)[0]
    assert abs(answer - bank["js1"].mean()) < 0.15


def test_hint_and_no_answer(capsys):
    t = lesson_tasks("05")
    t.q1.hint()
    assert "cfi_robust" in capsys.readouterr().out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        assert not _checked(t.q2, None, capsys)[0]
