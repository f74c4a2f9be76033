"""The employee -> customer linkage workflow (issue #13, item 3) on the bundled bank
branches and on small synthetic surveys."""

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference
from im_research.synthetic.linkage import simulate_linkage

EMP = {"im": ["im1", "im2", "im3", "im4"], "com": ["com1", "com2", "com3"]}
CUS = {"sat": ["sat1", "sat2", "sat3"], "loy": ["loy1", "loy2", "loy3"]}


@pytest.fixture(scope="module")
def bank():
    emp = ir.datasets.load("bank_branch_linkage_employees")
    cus = ir.datasets.load("bank_branch_linkage_customers")
    with pytest.warns(ir.DataWarning, match="2 branch"):
        out = ir.linkage(emp, cus, branch="branch", employee_constructs=EMP,
                         customer_constructs=CUS)
    return emp, cus, out


def test_small_branches_are_dropped_by_name(bank):
    _, _, out = bank
    dropped = out.dropped.set_index("branch")
    assert dropped.index.tolist() == [17, 43]
    assert "2 scored employee(s)" in dropped.loc[17, "reason"]
    assert "4 scored customer(s)" in dropped.loc[43, "reason"]
    assert len(out.branches) == 58 and not set(out.branches["branch"]) & {17, 43}


def test_aggregation_statistics_equal_the_multilevel_functions(bank):
    emp, _, out = bank
    kept = emp[emp["branch"].isin(out.branches["branch"])]
    for name, items in EMP.items():
        row = out.aggregation.set_index("construct").loc[name]
        ic = ir.icc(kept.assign(s=kept[items].mean(axis=1)), "s", "branch")
        assert row["icc1"] == pytest.approx(ic["icc1"]) and row["icc2"] == pytest.approx(
            ic["icc2"])
        agree = ir.rwg_j(kept, items, "branch", scale_points=5)
        assert row["rwg_j_median"] == pytest.approx(agree["rwg_j"].median())
        assert row["null"] == "uniform" and row["null_variance"] == 2.0
    verdicts = out.aggregation.set_index("construct")["verdict"]
    assert verdicts.to_dict() == {"im": "justified", "com": "weak"}
    assert "ICC(2) < .70" in out.aggregation.set_index("construct").loc["com", "reason"]


def test_branch_table_means_counts_and_reliability(bank):
    emp, cus, out = bank
    b = out.branches.set_index("branch")
    assert b.loc[1, "n_employees"] == (emp["branch"] == 1).sum()
    assert b.loc[1, "n_customers"] == (cus["branch"] == 1).sum()
    one = emp[emp["branch"] == 1]
    assert b.loc[1, "im"] == pytest.approx(one[EMP["im"]].mean(axis=1).mean())
    icc1 = out.aggregation.set_index("construct").loc["im", "icc1"]
    n = b["n_employees"]
    assert np.allclose(b["rel_im"], n * icc1 / (1 + (n - 1) * icc1))
    # ICC(2) is the reliability of a branch mean of average size
    k = out.aggregation.set_index("construct").loc["im", "n"] / len(b)
    assert (k * icc1 / (1 + (k - 1) * icc1) == pytest.approx(
        out.aggregation.set_index("construct").loc["im", "icc2"]))


def test_branch_level_sem_on_the_means(bank):
    _, _, out = bank
    assert out.branch_model == "sat ~ im + com\nloy ~ im + com"
    res = out.branch_sem
    assert res.nobs == 58
    ref = ir.fit(out.branch_model, data=out.branches)
    assert np.allclose(res.params["est"], ref.params["est"])
    climate = res.params.query("lhs == 'sat' and rhs == 'im'").iloc[0]
    assert climate["est"] > 0 and climate["pvalue"] < 0.05


def test_summary_reads_as_a_report(bank):
    _, _, out = bank
    text = out.summary()
    for part in ("dropped branch 17", "(a) Aggregation", "uniform", "justified",
                 "(b) Branch-level data", "(c) Branch-level SEM", "(d) Two-level SEM"):
        assert part in text, part
    assert "58 branches" in repr(out)


def test_few_branches_warn_and_custom_model():
    sim = simulate_linkage(20, 8, 10, seed=2, points=5)
    with pytest.warns(ir.DataWarning, match="rests on 20 branches.*Maas & Hox"):
        out = ir.linkage(sim.employees, sim.customers, branch="branch",
                         employee_constructs={"im": EMP["im"]},
                         customer_constructs=CUS, branch_model="sat ~ im\nloy ~ sat")
    assert out.dropped.empty
    assert set(out.branch_sem.params.query("op == '~'")["rhs"]) == {"im", "sat"}
    assert any("Maas & Hox" in w for w in out.warnings)


def test_branch_only_in_one_survey_is_reported():
    sim = simulate_linkage(12, 6, 8, seed=4, points=5)
    cus = sim.customers[sim.customers["branch"] != 5]
    with pytest.warns(ir.DataWarning, match="1 branch"):
        out = ir.linkage(sim.employees, cus, branch="branch",
                         employee_constructs={"im": EMP["im"]},
                         customer_constructs={"sat": CUS["sat"]})
    assert out.dropped["branch"].tolist() == [5]
    assert "0 scored customer(s)" in out.dropped["reason"].iloc[0]


def test_incomplete_answers_are_counted_not_hidden():
    sim = simulate_linkage(12, 6, 8, seed=4, points=5)
    emp = sim.employees.astype({"im2": float})
    emp.loc[[0, 7], "im2"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ir.DataWarning)
        out = ir.linkage(emp, sim.customers, branch="branch",
                         employee_constructs={"im": EMP["im"]},
                         customer_constructs={"sat": CUS["sat"]})
    assert any("2 employees answered only some items of 'im'" in w for w in out.warnings)
    assert out.branches["n_employees"].sum() == len(emp) - 2


@pytest.mark.parametrize("change, match", [
    (dict(branch="store"), "branch='store' is not a column of employees"),
    (dict(employee_constructs={"im": ["im1", "imX"]}), "imX"),
    (dict(employee_constructs=["im1"]), "give a dict"),
    (dict(employee_constructs={"im": "im1"}), "list of item columns"),
    (dict(customer_constructs={"im": CUS["sat"]}), "used twice"),
    (dict(estimator="WLSMV"), "estimator="),
    (dict(min_employees=1), "min_employees"),
    (dict(branch_model=3), "branch_model"),
])
def test_bad_arguments_are_refused(change, match):
    sim = simulate_linkage(6, 5, 6, seed=1, points=5)
    kwargs = {"branch": "branch", "employee_constructs": {"im": EMP["im"]},
              "customer_constructs": {"sat": CUS["sat"]}, **change}
    with pytest.raises((ir.ArgumentError, ir.DataError), match=match):
        ir.linkage(sim.employees, sim.customers, **kwargs)


def test_text_answers_and_missing_branches_are_refused():
    sim = simulate_linkage(6, 5, 6, seed=1, points=5)
    emp = sim.employees.astype({"im3": object})
    emp.loc[4, "im3"] = "agree"
    kwargs = dict(branch="branch", employee_constructs={"im": EMP["im"]},
                  customer_constructs={"sat": CUS["sat"]})
    with pytest.raises(ir.DataError, match="'im3' is not numeric.*'agree' in row 4"):
        ir.linkage(emp, sim.customers, **kwargs)
    cus = sim.customers.astype({"branch": float})
    cus.loc[2, "branch"] = np.nan
    with pytest.raises(ir.DataError, match=r"customers: branch column 'branch' has missing"):
        ir.linkage(sim.employees, cus, **kwargs)
    with pytest.raises(ir.DataError, match="only 0 branch"), \
            pytest.warns(ir.DataWarning, match="6 branch"):
        ir.linkage(sim.employees, sim.customers, min_employees=50, **kwargs)


def test_twolevel_sem_equals_lavaan():
    """(d): the between parts of the employee constructs predict the customers' branch
    means; lavaan 0.6-14 on the same kept branches (tests/reference/R/linkage.R)."""
    ref = load_reference("linkage_bank_twolevel")
    emp = ir.datasets.load("bank_branch_linkage_employees")
    cus = ir.datasets.load("bank_branch_linkage_customers")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ir.DataWarning)
        out = ir.linkage(emp, cus, branch="branch", employee_constructs=EMP,
                         customer_constructs=CUS, twolevel=True, estimator="MLR")
    assert sorted(out.branches["branch"]) == ref["kept_branches"]
    assert out.twolevel_model.split() == ref["model_syntax"].split()
    res = out.twolevel_sem
    theirs = pd.DataFrame(ref["parameter_estimates"])
    m = res.params.merge(theirs, on=["lhs", "op", "rhs", "level"], suffixes=("", "_lavaan"))
    assert len(m) == len(theirs) == len(res.params)
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3
    for key in ("chisq", "df", "logl", "cfi", "rmsea"):
        want = ref["fit_measures"][key]
        assert res.fit_measures[key] == pytest.approx(want, rel=1e-3, abs=1e-6), key
    assert "(d) Two-level SEM (between part" in out.summary()
    assert out.branch_sem.estimator == "MLR" and res.estimator == "ML"


def test_a_twolevel_failure_keeps_the_other_steps(monkeypatch):
    module = importlib.import_module("im_research.measurement.linkage")

    def no_convergence(model, **kwargs):
        if "level:" in model:
            raise ir.ConvergenceError("the two-level model did not converge (test)")
        return ir.fit(model, **kwargs)

    monkeypatch.setattr(module, "fit", no_convergence)
    sim = simulate_linkage(12, 6, 8, seed=4, points=5)
    with pytest.warns(ir.DataWarning, match=r"did not converge, so \(d\) is missing"):
        out = ir.linkage(sim.employees, sim.customers, branch="branch",
                         employee_constructs={"im": EMP["im"]},
                         customer_constructs={"sat": CUS["sat"]}, twolevel=True)
    assert out.twolevel_sem is None and out.branch_sem.converged
    assert "(d) Two-level SEM: did not converge" in out.summary()
