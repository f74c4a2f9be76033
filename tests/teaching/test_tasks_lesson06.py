"""Lesson 06's "your turn" checks: a student's own route passes, the lesson's worked
example and typical slips fail."""

import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson06 import (
    BONUS_ITEM,
    GROUP,
    MODEL,
    bank_as_bundled,
    bonus_bank,
)
from im_research.teaching.widgets import InvarianceExplorer

STEPS = ("configural", "metric", "scalar")


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def _im_mean(tab):
    p = tab.attrs["fits"]["scalar"].params
    return p.loc[(p.lhs == "im") & (p.op == "~1") & (p.group == "back office"), "est"].item()


def test_the_planted_bonus_moves_only_frontline_answers_to_im3():
    raw, bonus = bank_as_bundled(), bonus_bank()
    changed = (raw != bonus).any()
    assert list(changed[changed].index) == [BONUS_ITEM]
    front = raw[GROUP] == "frontline"
    assert (raw.loc[~front, BONUS_ITEM] == bonus.loc[~front, BONUS_ITEM]).all()
    assert bonus[BONUS_ITEM].max() == 7


def test_q1_releasing_the_loading_with_the_explorer(capsys):
    ex = InvarianceExplorer(MODEL, bonus_bank(), GROUP)
    ex.boxes["im =~ im3"].value = True
    answer = ex.table.loc["scalar", "delta_cfi"]
    t = lesson_tasks("06")
    assert _checked(t.q1, round(answer, 3), capsys)[0]
    # the lesson's worked example (the intercept released) is a different answer
    ex.boxes["im =~ im3"].value = False
    ex.boxes["im3 ~1"].value = True
    ok, out = _checked(t.q1, round(ex.table.loc["scalar", "delta_cfi"], 3), capsys)
    assert not ok and "Not yet" in out


def test_q2_latent_mean_in_the_bundled_data(capsys):
    tab = ir.invariance(MODEL, bank_as_bundled(), GROUP, steps=STEPS)
    assert "scalar invariance supported" in tab.loc["scalar", "verdict"]
    answer = _im_mean(tab)
    t = lesson_tasks("06")
    assert _checked(t.q2, round(answer, 3), capsys)[0]
    # the partial model on the bonus data recovers nearly the same mean ...
    partial = ir.invariance(MODEL, bonus_bank(), GROUP, steps=STEPS,
                            partial={"scalar": ["im3 ~1"]})
    assert _im_mean(partial) == pytest.approx(answer, abs=0.02)
    # ... the full scalar model on the bonus data does not, and is rejected
    full = ir.invariance(MODEL, bonus_bank(), GROUP, steps=STEPS)
    assert not _checked(t.q2, round(_im_mean(full), 3), capsys)[0]


def test_q3_raw_difference_without_the_biased_item(capsys):
    bonus = bonus_bank()
    means = bonus.assign(s=bonus[["im1", "im2", "im4"]].mean(axis=1)).groupby(GROUP)["s"].mean()
    t = lesson_tasks("06")
    assert _checked(t.q3, round(means["back office"] - means["frontline"], 3), capsys)[0]
    # with all four items the frontline bonus reverses the sign: a typical slip
    four = bonus.assign(s=bonus[["im1", "im2", "im3", "im4"]].mean(axis=1)).groupby(GROUP)["s"]
    slip = four.mean()["back office"] - four.mean()["frontline"]
    assert slip < 0
    assert not _checked(t.q3, round(slip, 3), capsys)[0]
    t.q3.hint()
    assert "im4" in capsys.readouterr().out
