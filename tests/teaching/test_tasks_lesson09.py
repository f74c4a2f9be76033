"""Lesson 09 (an IM programme at a clinic over time): the "your turn" checks accept the
answer a student computes with the public API and reject the lesson's own numbers."""

import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson09 import CANDIDATE_PATHS, CONFIGURAL, METRIC, SCALAR
from im_research.teaching.widgets import PathExplorer


@pytest.fixture(scope="module")
def clinic():
    return ir.datasets.load("clinic_im_programme")


def _defined(res, name):
    p = res.params
    return p.loc[(p.lhs == name) & (p.op == ":="), "est"].item()


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_the_invariance_steps_are_nested_and_add_four_constraints_each(clinic):
    fits = [ir.fit(m, data=clinic, meanstructure=True) for m in (CONFIGURAL, METRIC, SCALAR)]
    df = [f.fit_measures["df"] for f in fits]
    assert df[1] - df[0] == 4 and df[2] - df[1] == 4  # 4 free loadings; 6 intercepts - 2 means
    p = fits[2].params
    first = p[(p.op == "=~") & (p.rhs == "im2_t1")]["est"].item()
    assert p[(p.op == "=~") & (p.rhs == "im2_t2")]["est"].item() == pytest.approx(first)


def test_q1_latent_change_in_one_clinic(clinic, capsys):
    karaj = clinic[clinic["clinic"] == "Karaj"]
    answer = _defined(ir.fit(SCALAR, data=karaj), "d_im")
    everyone = _defined(ir.fit(SCALAR, data=clinic), "d_im")
    t = lesson_tasks("09")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    assert not _checked(t.q1, round(everyone, 3), capsys)[0]  # the lesson's value


def test_q2_regression_to_the_mean_from_the_top(clinic, capsys):
    im1 = clinic[["im1_t1", "im2_t1", "im3_t1"]].mean(axis=1)
    im2 = clinic[["im1_t2", "im2_t2", "im3_t2"]].mean(axis=1)
    top = im1 >= im1.quantile(0.75)
    answer = (im2[top] - im1[top]).mean()
    # everyone gained, the top quarter less: regression to the mean against the effect
    assert answer < (im2 - im1).mean()
    t = lesson_tasks("09")
    assert _checked(t.q2, round(answer, 3), capsys)[0]
    assert not _checked(t.q2, round((im2 - im1).mean(), 3), capsys)[0]


def test_q3_reverse_cross_lagged_path_from_the_explorer(clinic, capsys):
    explorer = PathExplorer(clinic.attrs["codebook"]["model_syntax"], clinic, CANDIDATE_PATHS)
    explorer.dropdown.value = "im_t2 ~ js_t1"
    answer = explorer.table.loc["difference", "pvalue"]
    explorer.dropdown.value = "js_t2 ~ im_t1"
    other = explorer.table.loc["difference", "pvalue"]
    t = lesson_tasks("09")
    assert _checked(t.q3, round(answer, 3), capsys)[0]
    assert not _checked(t.q3, round(other, 3), capsys)[0]  # the other direction
    t.q3.hint()
    assert "im_t2 ~ js_t1" in capsys.readouterr().out
    assert repr(t) == "<Lesson 09 tasks: 0/3 correct>"
