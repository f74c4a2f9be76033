"""MLR: robust SEs and the Yuan-Bentler scaled test reproduce lavaan (HS1939 CFA)."""

import math

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

KEYS = ["chisq_scaled", "chisq_scaling_factor", "baseline_chisq_scaled", "pvalue_scaled",
        "cfi_scaled", "tli_scaled", "cfi_robust", "tli_robust", "rmsea_scaled",
        "rmsea_robust", "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled",
        "rmsea_ci_lower_robust", "rmsea_ci_upper_robust", "chisq", "cfi", "rmsea", "srmr"]


@pytest.fixture(scope="module")
def mlr():
    ref = load_reference("hs_cfa_mlr")
    hs = load_reference_data("HolzingerSwineford1939.csv")
    return ref, ir.fit(ref["model_syntax"], data=hs, estimator="MLR")


def test_estimates_and_robust_ses(mlr):
    ref, res = mlr
    pe = pd.DataFrame(ref["parameter_estimates"])
    m = res.params.merge(pe, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(m) == len(pe)
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3
    assert res.estimator == "MLR"


def test_scaled_and_robust_fit_measures(mlr):
    ref, res = mlr
    fm = ref["fit_measures"]
    for key in KEYS:
        want = fm[key.replace("_", ".")]
        got = res.fit_measures[key]
        assert math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-6), (key, want, got)


def test_mlr_needs_raw_data(mlr):
    _, res = mlr
    with pytest.raises(ir.DataError, match="needs the raw data"):
        ir.fit("visual =~ x1 + x2 + x3", cov=res.sample_cov, nobs=301, estimator="MLR")
