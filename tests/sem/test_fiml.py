"""FIML (missing='fiml') reproduces lavaan's missing='ml'; listwise says what it drops."""

import math

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data


@pytest.fixture(scope="module")
def fiml():
    ref = load_reference("hs_missing_fiml")
    data = load_reference_data("hs_missing.csv")
    return ref, data, ir.fit(ref["model_syntax"], data=data, missing="fiml")


def test_estimates_and_observed_information_ses(fiml):
    ref, _, res = fiml
    pe = pd.DataFrame(ref["parameter_estimates"])
    m = res.params.merge(pe, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(m) == len(pe) == len(res.params)  # intercepts included
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3
    assert np.nanmax(np.abs(m["std_all"] - m["std.all"])) < 1e-4


def test_fit_measures(fiml):
    ref, _, res = fiml
    for key in ["chisq", "df", "pvalue", "baseline_chisq", "cfi", "tli", "rmsea",
                "rmsea_ci_lower", "rmsea_ci_upper", "srmr", "logl", "unrestricted_logl",
                "aic", "bic", "npar"]:
        want = ref["fit_measures"][key.replace("_", ".")]
        assert math.isclose(res.fit_measures[key], want, rel_tol=1e-3, abs_tol=1e-6), key


def test_patterns_and_coverage(fiml):
    _, data, res = fiml
    pats = res.missing_patterns
    assert pats["n"].sum() == len(data)
    assert all(dt is np.dtype(bool) for dt in pats.iloc[:, 1:].dtypes)
    cov = res.coverage
    assert cov.loc["x1", "x1"] == pytest.approx(data["x1"].notna().mean())
    assert (cov.to_numpy() <= 1).all()


def test_listwise_reports_what_it_drops():
    ref = load_reference("hs_missing_listwise")
    data = load_reference_data("hs_missing.csv")
    with pytest.warns(ir.DataWarning, match="listwise deletion dropped"):
        res = ir.fit(ref["model_syntax"], data=data)
    assert res.nobs == ref["fit_info"]["nobs"]
    assert len(res.dropped_rows) == len(data) - res.nobs
    assert res.fit_measures["chisq"] == pytest.approx(ref["fit_measures"]["chisq"], rel=1e-4)


def test_empty_rows_are_removed_and_reported():
    data = load_reference_data("hs_missing.csv").head(150).copy()
    data.loc[[3, 7], [f"x{i}" for i in range(1, 10)]] = np.nan
    with pytest.warns(ir.DataWarning, match="removed 2 rows"):
        res = ir.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6", data=data,
                     missing="fiml")
    assert res.nobs == 148 and res.dropped_rows == [3, 7]


def test_ordered_with_fiml_is_refused():
    with pytest.raises(ValueError, match="lavaan refuses too"):
        ir.fit("f =~ x1 + x2 + x3", data=load_reference_data("hs_missing.csv"),
               missing="fiml", ordered=["x1"])


def test_fiml_with_mlr_matches_lavaan():
    # cfa(HS_MODEL, data = hs_missing, missing = "ml", estimator = "MLR")
    ref = load_reference("hs_missing_fiml_mlr")
    data = load_reference_data("hs_missing.csv")
    res = ir.fit(ref["model_syntax"], data=data, missing="fiml", estimator="MLR")
    pe = pd.DataFrame(ref["parameter_estimates"])
    m = res.params.merge(pe, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(m) == len(pe)
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3  # Huber-White under FIML
    for key in ["chisq", "df", "chisq_scaled", "chisq_scaling_factor", "pvalue_scaled",
                "baseline_chisq_scaled", "baseline_chisq_scaling_factor", "cfi_scaled",
                "tli_scaled", "rmsea_scaled", "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled",
                # lavaan's FIML-corrected robust indices (Zhang & Savalei, "V3")
                "cfi_robust", "tli_robust", "rmsea_robust", "rmsea_ci_lower_robust",
                "rmsea_ci_upper_robust", "srmr"]:
        want = ref["fit_measures"][key.replace("_", ".")]
        assert math.isclose(res.fit_measures[key], want, rel_tol=1e-3, abs_tol=1e-6), key
