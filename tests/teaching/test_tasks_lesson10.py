"""Lesson 10's tasks (employees in branches, customers of branches): each accepts the
answer a student computes with the public API and rejects the slip the task warns about."""

import warnings
from pathlib import Path

import nbformat
import pytest

import im_research as ir
from im_research.errors import DataWarning
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson10 import (
    CUSTOMER_CONSTRUCTS,
    EMPLOYEE_CONSTRUCTS,
    disaggregated_syntax,
    twolevel_syntax,
)

NOTEBOOK = Path(__file__).resolve().parents[2] / \
    "notebooks/10_employees_and_customers_of_branches.ipynb"


@pytest.fixture(scope="module")
def surveys():
    return (ir.datasets.load("bank_branch_linkage_employees"),
            ir.datasets.load("bank_branch_linkage_customers"))


def _linkage(surveys, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return ir.linkage(*surveys, branch="branch",
                          employee_constructs={"im": ["im1", "im2", "im3", "im4"],
                                               "com": ["com1", "com2", "com3"]},
                          customer_constructs={"sat": ["sat1", "sat2", "sat3"],
                                               "loy": ["loy1", "loy2", "loy3"]}, **kwargs)


@pytest.fixture(scope="module")
def default(surveys):
    return _linkage(surveys)


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_the_notebook_fits_the_models_the_tasks_use():
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert twolevel_syntax("sat") in source
    assert repr(disaggregated_syntax("sat")).replace("'", '"') in source
    for name, items in {**EMPLOYEE_CONSTRUCTS, **CUSTOMER_CONSTRUCTS}.items():
        assert f'"{name}": {items}'.replace("'", '"') in source


def test_q1_icc2_of_commitment_in_the_larger_branches(surveys, default, capsys):
    agg = _linkage(surveys, min_employees=10).aggregation.set_index("construct")
    t = lesson_tasks("10")
    assert _checked(t.q1, round(agg.loc["com", "icc2"], 3), capsys) == (True, "Correct: q1.\n")
    # ICC(1) instead of ICC(2), and the lesson's ICC(2) on all branches, are slips
    assert not _checked(t.q1, round(agg.loc["com", "icc1"], 3), capsys)[0]
    all_branches = default.aggregation.set_index("construct").loc["com", "icc2"]
    assert abs(all_branches - agg.loc["com", "icc2"]) > 0.01
    assert not _checked(t.q1, round(all_branches, 3), capsys)[0]
    t.q1.hint()
    assert "min_employees=10" in capsys.readouterr().out


def test_q2_cluster_robust_se_of_the_disaggregated_loyalty_path(surveys, default, capsys):
    climate = default.branches[["branch", "im"]].rename(columns={"im": "climate"})
    data = surveys[1].merge(climate, on="branch")

    def se(outcome, **kwargs):
        p = ir.fit(disaggregated_syntax(outcome), data=data, **kwargs).params
        return p.loc[(p["op"] == "~") & (p["rhs"] == "climate"), "se"].item()

    ratio = se("loy", cluster="branch", estimator="MLR") / se("loy")
    assert ratio > 1.3  # the naive SE is far too small
    t = lesson_tasks("10")
    assert _checked(t.q2, round(ratio, 2), capsys)[0]
    assert not _checked(t.q2, round(1 / ratio, 2), capsys)[0]  # naive over robust
    sat = se("sat", cluster="branch", estimator="MLR") / se("sat")  # the lesson's outcome
    assert not _checked(t.q2, round(sat, 2), capsys)[0]


def test_q3_between_path_from_climate_to_loyalty(surveys, default, capsys):
    data = surveys[0].merge(default.branches[["branch", "sat", "loy"]], on="branch")
    p = ir.fit(twolevel_syntax("loy"), data=data, cluster="branch").params
    row = p[(p["lhs"] == "loy") & (p["op"] == "~")]
    assert row["level"].item() == 2
    t = lesson_tasks("10")
    assert not _checked(t.q3, round(row["std_all"].item(), 3), capsys)[0]
    # the regression on branch means (unreliable predictor) is attenuated: another answer
    means = _linkage(surveys, branch_model="loy ~ im").branch_sem.params
    assert not _checked(t.q3, round(means.query("op == '~'")["est"].item(), 3), capsys)[0]
    assert _checked(t.q3, round(row["est"].item(), 3), capsys)[0]
    assert repr(t) == "<Lesson 10 tasks: 1/3 correct>"
