"""Common-method checks."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research import method_bias as mb


@pytest.fixture(scope="module")
def bank():
    return ir.datasets.load("bank_service_profit_chain", reverse_scored=True)


def test_harman_share_is_first_eigenvalue_share(bank):
    items = ["im1", "im2", "js1", "js2", "oc1", "oc2"]
    h = mb.harman_single_factor(bank, items)
    eig = np.linalg.eigvalsh(bank[items].corr().to_numpy())
    assert h["first_factor_share"] == pytest.approx(eig.max() / len(items))


def test_marker_adjustment_formula(bank):
    out = mb.marker_variable(bank, "tenure_years", ["im1", "js1"], r_m=0.1)
    r = bank[["im1", "js1"]].corr().iloc[0, 1]
    assert out["r_adj"].iloc[0] == pytest.approx((r - 0.1) / 0.9)


def test_method_factor_detects_planted_method_variance():
    rng = np.random.default_rng(3)
    n = 2000
    f = rng.multivariate_normal(np.zeros(3), 0.7 * np.eye(3) + 0.3, size=n)
    m = rng.normal(size=n)
    cols = {}
    for k, name in enumerate("abc"):
        for i, lam in enumerate([.9, .6, .4], start=1):
            cols[f"{name}{i}"] = lam * f[:, k] + .5 * m + rng.normal(scale=.5, size=n)
    t = mb.method_factor_comparison("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3",
                                    pd.DataFrame(cols))
    assert t.attrs["chisq_diff"]["pvalue"] < 0.001
    assert 0.05 < t.attrs["method_variance_share"] < 0.4
    assert t.loc["traits + method factor", "cfi"] > t.loc["traits only", "cfi"]
