"""Lesson 12's tasks (service quality as a second-order factor): each accepts the answer a
student computes with the public API and rejects the lesson's own numbers, which answer a
different question."""

from pathlib import Path

import nbformat
import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson12 import CANDIDATE_PATHS, N_CUSTOMERS, POINTS, SEED, SKEW

DIMS = {"tan": "tangibles", "rel": "reliability", "res": "responsiveness",
        "ass": "assurance", "emp": "empathy"}


@pytest.fixture(scope="module")
def customers():
    model = ir.models.servqual_loyalty()
    return ir.simulate.draw(model.population, 450, seed=12, points=7, skew=0.6).data


def _measurement(dims):
    lines = [f"{d} =~ " + " + ".join(f"sq_{d}{k}" for k in (1, 2, 3)) for d in dims]
    return "\n".join(lines) + "\n"


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_the_notebook_draws_the_data_the_tasks_use(customers):
    nb = Path(__file__).resolve().parents[2] / "notebooks/12_higher_order_servqual.ipynb"
    source = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
    assert (f"draw(model.population, {N_CUSTOMERS}, seed={SEED}, points={POINTS}, "
            f"skew={SKEW})") in source
    assert all(f"loy ~ {d}" in CANDIDATE_PATHS for d in DIMS)
    from im_research.teaching.tasks.lesson12 import customers as task_customers
    assert task_customers().equals(customers)


def test_q1_target_coefficient_of_the_measurement_models(customers, capsys):
    first = ir.fit(_measurement(DIMS), data=customers)
    second = ir.fit(_measurement(DIMS) + "sq =~ " + " + ".join(DIMS), data=customers)
    t = lesson_tasks("12")
    ratio = first.fit_measures["chisq"] / second.fit_measures["chisq"]
    assert 0 < ratio < 1
    assert _checked(t.q1, round(ratio, 3), capsys) == (True, "Correct: q1.\n")
    # the ratio with loyalty attached (the lesson's models) answers another question
    model = ir.models.servqual_loyalty()
    with_loyalty = (ir.fit(_measurement(DIMS) + "loy =~ loy1 + loy2 + loy3\n"
                           "loy ~ tan + rel + res + ass + emp", data=customers)
                    .fit_measures["chisq"] / ir.fit(model.syntax, data=customers)
                    .fit_measures["chisq"])
    assert not _checked(t.q1, round(with_loyalty, 3), capsys)[0]


def test_q2_omega_l1_without_the_tangibles(customers, capsys):
    dims = [d for d in DIMS if d != "tan"]
    res = ir.fit(_measurement(dims) + "sq =~ " + " + ".join(dims), data=customers)
    omega = ir.higher_order_reliability(res)["omega_l1"].item()
    t = lesson_tasks("12")
    assert _checked(t.q2, round(omega, 3), capsys)[0]
    full = ir.fit(_measurement(DIMS) + "sq =~ " + " + ".join(DIMS), data=customers)
    assert not _checked(t.q2, round(ir.higher_order_reliability(full)["omega_l1"].item(), 3),
                        capsys)[0]
    t.q2.hint()
    assert "higher_order_reliability" in capsys.readouterr().out


def test_q3_quality_to_loyalty_once_empathy_has_its_own_path(customers, capsys):
    model = ir.models.servqual_loyalty()
    p = ir.fit(model.syntax + "loy ~ emp\n", data=customers).params
    with_emp = p.loc[(p.lhs == "loy") & (p.rhs == "sq"), "std_all"].item()
    p0 = ir.fit(model.syntax, data=customers).params
    without = p0.loc[(p0.lhs == "loy") & (p0.rhs == "sq"), "std_all"].item()
    assert with_emp < without  # the omitted path had been credited to overall quality
    t = lesson_tasks("12")
    assert not _checked(t.q3, round(without, 3), capsys)[0]
    assert _checked(t.q3, round(with_emp, 3), capsys)[0]
    assert repr(t) == "<Lesson 12 tasks: 1/3 correct>"
