"""Issue #12, part 2: lavaan's ``test = "yuan.bentler"`` and ``"yuan.bentler.mplus"`` for
ML fits of complete data, and the refusals of what is not available (``missing="ml.x"``,
``test="bollen.stine"``, ``se="bootstrap"``) — each against lavaan 0.6-14.

Expected values: tests/reference/<case>.json, written by tests/reference/R/issue12_tests.R.
Tolerances (issue #12): estimates 1e-4 absolute, SEs 1e-3 absolute, fit measures 1e-3
relative.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

CASES = {
    "hs_cfa_test_yb": dict(test="yuan.bentler"),
    "hs_cfa_test_yb_mplus": dict(test="yuan.bentler.mplus"),
    "hs_mimic_test_yb": dict(test="yuan.bentler"),
    "hs_mimic_test_yb_mplus": dict(test="yuan.bentler.mplus"),
    "hs_multigroup_test_yb": dict(test="yuan.bentler", group="school"),
    "hs_mimic_mlr": dict(estimator="MLR"),  # covariates' own moments leave the h1 trace
}
# the measures that carry the scaling factors: each must be present and agree
SCALED = ("chisq_scaled", "chisq_scaling_factor", "baseline_chisq_scaling_factor",
          "pvalue_scaled", "cfi_scaled", "cfi_robust", "tli_robust", "rmsea_robust")


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    name = request.param
    ref = load_reference(name)
    data = load_reference_data("HolzingerSwineford1939.csv")
    return name, ref, ir.fit(ref["model_syntax"], data=data, **CASES[name])


def test_estimates_ses_and_fit_measures_equal_lavaan(case):
    _compare(*case)


def _compare(name, ref, res):
    theirs = pd.DataFrame(ref["parameter_estimates"])
    keys = ["lhs", "op", "rhs"]
    if res.ngroups > 1:
        theirs["group"] = [res.group_labels[int(g) - 1] for g in theirs["group"]]
        keys.append("group")
    m = res.params.merge(theirs, on=keys, suffixes=("", "_lavaan"), how="outer",
                         indicator=True)
    assert (m["_merge"] == "both").all(), f"{name}: parameter rows differ from lavaan"
    for ours, tol in (("est", 1e-4), ("se", 1e-3)):
        diff = np.abs(m[ours].to_numpy(float) - m[f"{ours}_lavaan"].to_numpy(float))
        assert np.nanmax(diff) < tol, (name, ours, np.nanmax(diff))
    fm = res.fit_measures
    bad = []
    for key, want in ref["fit_measures"].items():
        key = key.replace(".", "_")
        if key not in fm.index:
            continue
        if want is None:
            if not math.isnan(fm[key]):
                bad.append((key, want, fm[key]))
        elif not math.isclose(fm[key], want, rel_tol=1e-3, abs_tol=1e-6):
            bad.append((key, want, fm[key]))
    assert not bad, f"{name}: fit measures differ (key, lavaan, ours): {bad}"
    if "test" in CASES.get(name, {}) or name == "hs_mimic_mlr":
        assert all(k in fm.index for k in SCALED)


def test_the_two_yuan_bentler_tests_differ_as_in_lavaan():
    data = load_reference_data("HolzingerSwineford1939.csv")
    model = load_reference("hs_cfa_test_yb")["model_syntax"]
    c = {t: ir.fit(model, data=data, test=t).fit_measures["chisq_scaling_factor"]
         for t in ("yuan.bentler", "yuan.bentler.mplus", "satorra.bentler")}
    # complete data: lavaan's yuan.bentler trace is the Satorra-Bentler trace; the Mplus
    # variant evaluates the saturated model at the sample moments and differs
    assert c["yuan.bentler"] == pytest.approx(c["satorra.bentler"], rel=1e-12)
    assert abs(c["yuan.bentler.mplus"] - c["yuan.bentler"]) > 1e-3


def _missing_x():
    return load_reference_data("hs_missing_x.csv")


@pytest.mark.parametrize("name, missing, estimator", [
    ("hs_mimic_ml_x", "ml.x", "ML"), ("hs_mimic_ml_x_fiml", "fiml", "ML"),
    ("hs_mimic_ml_x_mlr", "ml.x", "MLR"), ("hs_mimic_fiml_mlr", "fiml", "MLR")])
def test_ml_x_keeps_rows_missing_a_covariate_as_lavaan(name, missing, estimator):
    ref = load_reference(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ir.fit(ref["model_syntax"], data=_missing_x(), missing=missing,
                     estimator=estimator)
    removed = [w for w in caught if "exogenous covariate" in str(w.message)]
    assert bool(removed) == (missing == "fiml")  # only lavaan's "ml" deletes those rows
    assert res.nobs == ref["fit_info"]["nobs"]
    _compare(name, ref, res)


@pytest.mark.parametrize("option", [dict(se="bootstrap"), dict(test="bollen.stine")])
def test_bootstrap_options_point_to_ir_bootstrap(option):
    data = load_reference_data("HolzingerSwineford1939.csv")
    model = load_reference("hs_cfa_test_yb")["model_syntax"]
    with pytest.raises(ValueError, match=r"ir\.bootstrap\(res") as err:
        ir.fit(model, data=data, **option)
    assert f"{next(iter(option))}={next(iter(option.values()))!r}" in str(err.value)
