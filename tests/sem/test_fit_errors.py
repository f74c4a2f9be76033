"""Honest failure: each bad input gives a specific error or a flagged result."""

import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.errors import (
    ConvergenceError,
    DataError,
    DataWarning,
    HeywoodWarning,
    IdentificationError,
)

MODEL = "f =~ x1 + x2 + x3 + x4"


@pytest.fixture()
def data():
    rng = np.random.default_rng(7)
    f = rng.normal(size=250)
    return pd.DataFrame({f"x{i}": lam * f + rng.normal(scale=0.7, size=250)
                         for i, lam in enumerate([1.0, 0.8, 0.9, 0.7], start=1)})


def test_clean_fit_has_no_warnings(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ir.fit(MODEL, data=data)
    assert res.converged and res.warnings == [] and res.dropped_rows == []


def test_non_convergence_raises_and_reports_no_estimates(data):
    with pytest.raises(ConvergenceError, match="did not converge") as exc:
        ir.fit(MODEL, data=data, max_iter=1)
    assert exc.value.result.converged is False
    assert exc.value.result.params is None  # nothing presented as valid


def test_too_many_parameters():
    df = pd.DataFrame(np.random.default_rng(1).normal(size=(50, 2)), columns=["x1", "x2"])
    with pytest.raises(IdentificationError, match="free parameters but .* sample moments"):
        ir.fit("f =~ x1 + x2", data=df)


def test_singular_information_names_parameters(data):
    # free marker *and* free factor variance: the scale of f is not identified
    with pytest.raises(IdentificationError, match="not identified") as exc:
        ir.fit("f =~ NA*x1 + x2 + x3 + x4", data=data)
    assert "f =~" in str(exc.value) or "f ~~ f" in str(exc.value)


def test_heywood_case_is_flagged():
    # one factor, three indicators with r12 = r13 = .8, r23 = .5: lambda1^2 = 1.28 > 1
    r = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    cov = pd.DataFrame(r, index=["x1", "x2", "x3"], columns=["x1", "x2", "x3"])
    with pytest.warns(HeywoodWarning, match="variance of x1 is negative"):
        res = ir.fit("f =~ x1 + x2 + x3", cov=cov, nobs=200, sd=[1, 1, 1])
    assert any("Heywood" in w for w in res.warnings)
    with pytest.raises(IdentificationError, match="Heywood"):
        ir.fit("f =~ x1 + x2 + x3", cov=cov, nobs=200, sd=[1, 1, 1], raise_on_heywood=True)


def test_non_positive_definite_cov():
    r = np.array([[1, .9, -.9], [.9, 1, .9], [-.9, .9, 1]])
    cov = pd.DataFrame(r, index=["x1", "x2", "x3"], columns=["x1", "x2", "x3"])
    with pytest.raises(DataError, match="not positive definite"):
        ir.fit("f =~ x1 + x2 + x3", cov=cov, nobs=200, sd=[1, 1, 1])


def test_collinear_data_column(data):
    data = data.assign(x5=data["x1"] + data["x2"])
    with pytest.raises(DataError, match="not positive definite.*x5"):
        ir.fit("f =~ x1 + x2 + x3 + x4 + x5", data=data)


def test_non_numeric_column_names_column_and_row(data):
    data = data.astype({"x2": object})
    data.loc[5, "x2"] = "agree"
    with pytest.raises(DataError, match=r"column 'x2' is not numeric \(e.g. 'agree' in row 5\)"):
        ir.fit(MODEL, data=data)


def test_constant_column(data):
    data = data.assign(x3=3.0)
    with pytest.raises(DataError, match=r"\['x3'\] are constant"):
        ir.fit(MODEL, data=data)


def test_all_missing_column(data):
    data = data.assign(x3=np.nan)
    with pytest.raises(DataError, match="'x3' has no observed values"):
        ir.fit(MODEL, data=data)


def test_listwise_deletion_is_reported(data):
    data = data.copy()
    data.loc[[3, 10, 11], "x2"] = np.nan
    data.loc[20, "x4"] = np.nan
    with pytest.warns(DataWarning, match=r"dropped 4 of 250 rows.*x2: 3, x4: 1"):
        res = ir.fit(MODEL, data=data)
    assert res.nobs == 246 and res.dropped_rows == [3, 10, 11, 20]
    assert "dropped 4 rows" in res.summary()


def test_unknown_variable_suggests_names(data):
    with pytest.raises(DataError, match="'x5'.*Did you mean"):
        ir.fit("f =~ x1 + x2 + x5", data=data)


def test_correlation_without_sd_warns(data):
    cor = data.corr()
    with pytest.warns(DataWarning, match="correlation matrix"):
        ir.fit(MODEL, cov=cor, nobs=250)


def test_cov_requires_nobs(data):
    with pytest.raises(DataError, match="nobs"):
        ir.fit(MODEL, cov=data.cov())


def test_unsupported_options_are_refused(data):
    with pytest.raises(ValueError, match="estimator='PML'"):
        ir.fit(MODEL, data=data, estimator="PML")
