"""The lessons' "your turn" checks: each accepts the answer a student computes with the
public API (by a route of its own where one exists) and rejects wrong or missing ones."""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import im_research as ir
from im_research.teaching.flagship import fit_flagship, load_flagship_data
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson01 import CANDIDATE_PATHS as LESSON01_CANDIDATE_PATHS
from im_research.teaching.tasks.lesson03 import FACTORS as LESSON03_FACTORS
from im_research.teaching.tasks.lesson14 import CANDIDATE_PATHS as LESSON14_CANDIDATE_PATHS
from im_research.teaching.tasks.lesson14 import MODEL_A as LESSON14_MODEL_A
from im_research.teaching.widgets import MeasurementLab, PathExplorer


@pytest.fixture(scope="module")
def bank():
    return load_flagship_data()


def _std(res, lhs, op, rhs):
    p = res.params
    return p.loc[(p.lhs == lhs) & (p.op == op) & (p.rhs == rhs), "std_all"].item()


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_q1_loyalty_indirect_effect(bank, capsys):
    t = lesson_tasks("01")
    model = bank.attrs["codebook"]["model_syntax"] + (
        "loy =~ loy1 + loy2 + loy3\nloy ~ e*cs\nind_im_loy := a*b*c*d*e\n")
    answer = _std(ir.fit(model, data=bank), "ind_im_loy", ":=", "a*b*c*d*e")
    assert 0 < answer < _std(fit_flagship(), "ind_im_cs", ":=", "a*b*c*d")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    # the effect on satisfaction, a plausible mix-up, is rejected
    ok, out = _checked(t.q1, 0.022, capsys)
    assert not ok and "Not yet" in out


def test_q2_total_effect_from_the_path_table(capsys):
    # a student's route: direct + product of the two links, from the printed table
    p = ir.report.paths_table(fit_flagship()).round(3)
    std = {(r.lhs, r.rhs): r.std_all for r in p.itertuples()}
    answer = std[("oc", "im")] + std[("js", "im")] * std[("oc", "js")]
    t = lesson_tasks("01")
    assert _checked(t.q2, round(answer, 2), capsys)[0]
    assert not _checked(t.q2, std[("oc", "im")], capsys)[0]  # the direct path alone


def test_q3_without_careless_respondents(bank, capsys):
    book = bank.attrs["codebook"]
    careful = bank[~bank["employee_id"].isin(book["careless_respondents"])]
    assert len(careful) == len(bank) - len(book["careless_respondents"])
    answer = _std(ir.fit(book["model_syntax"], data=careful), "cs", "~", "sq")
    t = lesson_tasks("01")
    assert _checked(t.q3, round(answer, 3), capsys)[0]
    assert not _checked(t.q3, round(_std(fit_flagship(), "cs", "~", "sq"), 3), capsys)[0]


def test_q4_smallest_p_value_found_with_the_path_explorer(bank, capsys):
    explorer = PathExplorer(bank.attrs["codebook"]["model_syntax"], bank,
                            LESSON01_CANDIDATE_PATHS)
    pvalues = {}
    for path in LESSON01_CANDIDATE_PATHS:
        explorer.dropdown.value = path
        pvalues[path] = explorer.table.loc["difference", "pvalue"]
    best = min(pvalues, key=pvalues.get)
    t = lesson_tasks("01")
    assert _checked(t.q4, round(pvalues[best], 2), capsys)[0]
    assert not _checked(t.q4, 0.05, capsys)[0]


def test_no_answer_hint_and_progress(capsys):
    t = lesson_tasks(1)
    assert t.q1.check(None) is None
    assert "no answer yet" in capsys.readouterr().out
    t.q2.hint()
    assert "js ~ im" in capsys.readouterr().out
    t.q2.check("not a number")
    assert "Not yet" in capsys.readouterr().out
    assert repr(t) == "<Lesson 01 tasks: 0/4 correct>"


# lesson 02: measurement quality
def _cfa(replace=None):
    replace = replace or {}
    return "\n".join(f"{f} =~ " + " + ".join(replace.get(i, i) for i in items)
                     for f, items in LESSON03_FACTORS.items())


def test_lesson03_q1_ave_without_the_reward_item_from_the_lab(bank, capsys):
    lab = MeasurementLab(LESSON03_FACTORS, bank)
    ave_all = lab.table.loc["im", "ave"]
    lab.boxes["im3"].value = False
    answer = lab.table.loc["im", "ave"]
    assert answer > ave_all  # the weakest item gone: the rest load higher
    capsys.readouterr()  # outside a notebook the lab's tables go to stdout
    t = lesson_tasks("03")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    assert not _checked(t.q1, round(ave_all, 3), capsys)[0]  # the AVE with im3


def test_lesson03_q2_alpha_when_oc3_is_not_reverse_scored(bank, capsys):
    raw = ir.reliability(ir.fit(_cfa({"oc3r": "oc3"}), data=bank)).set_index("factor")
    answer = raw.loc["oc", "alpha"]
    assert answer < 0  # the contradiction the lesson asks the student to explain
    t = lesson_tasks("03")
    assert _checked(t.q2, round(answer, 3), capsys)[0]
    scored = ir.reliability(ir.fit(_cfa(), data=bank)).set_index("factor")
    assert not _checked(t.q2, round(scored.loc["oc", "alpha"], 3), capsys)[0]


def test_lesson03_q3_icc2_of_branch_job_satisfaction(bank, capsys):
    _, js = ir.multilevel.aggregate(bank, ["js1", "js2", "js3"], "branch", scale_points=7,
                                    name="js")
    _, im = ir.multilevel.aggregate(bank, ["im1", "im2", "im3", "im4"], "branch",
                                    scale_points=7, name="im")
    t = lesson_tasks("03")
    assert _checked(t.q3, round(js["icc2"], 3), capsys)[0]
    assert not _checked(t.q3, round(im["icc2"], 3), capsys)[0]  # the lesson's example
    t.q3.hint()
    assert "aggregate" in capsys.readouterr().out
    assert repr(t) == "<Lesson 03 tasks: 0/3 correct>"


# lesson 03: replicating published studies
def test_lesson14_q1_chisq_with_n112_from_a_hand_made_covariance_matrix(capsys):
    book = ir.datasets.info("bagozzi1980_salesforce")
    kw = ir.datasets.fit_inputs("bagozzi1980_salesforce")
    sd = np.array([kw["sd"][c] for c in kw["cov"].columns])
    cov = kw["cov"] * np.outer(sd, sd)  # cor2cov by hand: D R D
    n112 = ir.fit(book["model_syntax"], cov=cov, nobs=112)
    n122 = ir.fit(book["model_syntax"], cov=cov, nobs=122)
    # the prediction the task asks for: N moves chi-square, not the standardized paths
    np.testing.assert_allclose(n112.params["std_all"], n122.params["std_all"], atol=1e-8)
    assert n112.fit_measures["chisq"] < n122.fit_measures["chisq"]
    t = lesson_tasks("14")
    assert _checked(t.q1, round(n112.fit_measures["chisq"], 3), capsys) == (
        True, "Correct: q1.\n")
    assert not _checked(t.q1, round(n122.fit_measures["chisq"], 3), capsys)[0]


def test_lesson14_q2_direct_path_from_leader_reward_to_commitment(capsys):
    wa = ir.datasets.info("williams_anderson1994")
    kw = ir.datasets.fit_inputs("williams_anderson1994")
    partial = ir.fit(wa["model_syntax"] + "oc ~ lr", **kw)
    p = ir.report.paths_table(partial).round(3)
    std = {(r.lhs, r.rhs): r.std_all for r in p.itertuples()}
    t = lesson_tasks("14")
    assert _checked(t.q2, std[("oc", "lr")], capsys)[0]
    assert not _checked(t.q2, std[("js", "lr")], capsys)[0]
    # the indirect effect of the lesson's model, a plausible mix-up, is rejected
    eff = ir.indirect_effects(ir.fit(wa["model_syntax"], **kw), x="lr", y="oc")
    assert not _checked(t.q2, round(eff["std_all"].iloc[0], 3), capsys)[0]


def test_lesson14_q3_smallest_p_value_found_with_the_path_explorer(capsys):
    kw = ir.datasets.fit_inputs("bagozzi1980_salesforce")
    explorer = PathExplorer(LESSON14_MODEL_A, None, LESSON14_CANDIDATE_PATHS, **kw)
    pvalues = {}
    for path in LESSON14_CANDIDATE_PATHS:
        explorer.dropdown.value = path
        pvalues[path] = explorer.table.loc["difference", "pvalue"]
    capsys.readouterr()  # outside a notebook the explorer's tables go to stdout
    t = lesson_tasks("14")
    assert _checked(t.q3, round(min(pvalues.values()), 2), capsys)[0]
    assert not _checked(t.q3, round(max(pvalues.values()), 2), capsys)[0]
    t.q3.hint()
    assert "difference" in capsys.readouterr().out
    assert repr(t) == "<Lesson 14 tasks: 0/3 correct>"


def test_lesson14_notebook_explores_the_model_and_paths_the_task_checks():
    nb = Path(__file__).resolve().parents[2] / "notebooks/14_replicate_published_study.ipynb"
    source = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
    assert LESSON14_MODEL_A.strip() in source
    assert all(f'"{path}"' in source for path in LESSON14_CANDIDATE_PATHS)


@pytest.mark.parametrize("lesson", ["99", 99, True, "intro"])
def test_unknown_lesson_is_refused_with_the_lessons_that_have_tasks(lesson):
    with pytest.raises(ir.errors.ArgumentError, match=r"lesson=.* has no tasks.*'01'.*'03'.*'14'"):
        lesson_tasks(lesson)
