"""Lesson 04's tasks: the right answer passes, the lesson's worked example or a typical
slip fails."""

import pytest

import im_research as ir
from im_research.teaching.flagship import fit_flagship, load_flagship_data
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson04 import BOOT_SEED, IND_IM_SQ, N_BOOT
from im_research.teaching.widgets import SimulationLab


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_q1_bca_lower_limit_of_the_indirect_effect_on_service_quality(capsys):
    bank = load_flagship_data()
    res = ir.fit(bank.attrs["codebook"]["model_syntax"] + IND_IM_SQ + "\n", data=bank)
    bca = ir.bootstrap(res, n_boot=N_BOOT, seed=BOOT_SEED, ci="bca").table.set_index("lhs")
    answer = bca.loc["ind_im_sq", "ci_lower"]
    est = bca.loc["ind_im_sq", "est"]
    assert 0 < answer < est
    t = lesson_tasks("04")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    # the delta-method limit, the slip the lesson warns about, is rejected
    delta = res.params.set_index("lhs").loc["ind_im_sq", "ci_lower"]
    assert abs(delta - answer) > 0.001
    assert not _checked(t.q1, round(delta, 3), capsys)[0]


def test_q2_share_of_the_total_effect_through_satisfaction(capsys):
    p = ir.report.paths_table(fit_flagship()).round(3)
    std = {(r.lhs, r.rhs): r.std_all for r in p.itertuples()}
    indirect = std[("js", "im")] * std[("oc", "js")]
    answer = indirect / (indirect + std[("oc", "im")])
    t = lesson_tasks("04")
    assert _checked(t.q2, round(answer, 2), capsys)[0]
    assert not _checked(t.q2, round(1 - answer, 2), capsys)[0]  # the direct share


def test_q3_skewness_read_from_the_lab(capsys):
    lab = SimulationLab(a=0.4, b=0.25, c=0.1, n=100, reps=100, seed=1)  # as in the lesson
    start = lab.sampling.loc["ind", "skewness"]
    lab.a.value, lab.b.value, lab.c.value = 0.3, 0.3, 0.0
    answer = lab.sampling.loc["ind", "skewness"]
    assert answer > 0.3
    lab.n.value = 1000
    assert lab.sampling.loc["ind", "skewness"] < answer  # the point of the task
    capsys.readouterr()
    t = lesson_tasks("04")
    assert _checked(t.q3, round(answer, 2), capsys)[0]
    assert not _checked(t.q3, round(start, 2), capsys)[0]  # the lab's starting value


def test_hint_and_progress(capsys):
    t = lesson_tasks("04")
    t.q2.hint()
    assert "indirect_effects" in capsys.readouterr().out
    assert repr(t) == "<Lesson 04 tasks: 0/3 correct>"
    with pytest.raises(Exception, match="lesson"):
        lesson_tasks("99")
