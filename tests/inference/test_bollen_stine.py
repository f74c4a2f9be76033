"""The Bollen-Stine bootstrap against lavaan 0.6-14 (tests/reference/R/bollen_stine.R):
with lavaan's own resampling indices every bootstrap chi-square and the p-value of
``test = "bollen.stine"`` (drawn with the same seed) are reproduced."""

from __future__ import annotations

import numpy as np
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

REF = load_reference("bollen_stine")
CASES = ["hs_cfa", "hs_meanstructure", "pd_sem"]


def _fit(case):
    ref = REF[case]
    data = load_reference_data("HolzingerSwineford1939.csv" if case.startswith("hs")
                               else "PoliticalDemocracy.csv")
    ms = isinstance(ref["args"], dict) and bool(ref["args"].get("meanstructure"))
    return ir.fit(ref["model_syntax"], data=data, meanstructure=ms), ref


@pytest.mark.parametrize("case", CASES)
def test_bootstrap_chisquares_and_pvalue_equal_lavaan_with_its_indices(case):
    res, ref = _fit(case)
    assert res.fit_measures["chisq"] == pytest.approx(ref["chisq"], rel=1e-6)
    bs = ir.bollen_stine(res, indices=np.array(ref["boot_idx"]))
    assert bs.n_failed == 0 and bs.n_boot == REF["R"]
    np.testing.assert_allclose(bs.boot_chisq, ref["boot_chisq"], atol=1e-4)
    assert bs.pvalue == pytest.approx(ref["pvalue_bollen_stine"], abs=1e-12)
    assert "Bollen-Stine bootstrap" in bs.summary()


def test_the_transformed_data_fit_the_model_exactly():
    """After the transformation the sample covariance is the implied one, so the model's
    chi-square on all transformed rows (no resampling) is zero."""
    res, _ = _fit("pd_sem")
    n = res.nobs
    bs = ir.bollen_stine(res, indices=np.arange(n)[None, :].repeat(2, axis=0))
    np.testing.assert_allclose(bs.boot_chisq, 0.0, atol=1e-6)


def test_same_seed_same_draws_serial_or_parallel():
    res, _ = _fit("pd_sem")
    a = ir.bollen_stine(res, n_boot=40, seed=7)
    b = ir.bollen_stine(res, n_boot=40, seed=7, n_jobs=2, chunk_size=10)
    c = ir.bollen_stine(res, n_boot=40, seed=8)
    np.testing.assert_array_equal(a.boot_chisq, b.boot_chisq)
    assert not np.array_equal(a.boot_chisq, c.boot_chisq)


def test_what_the_bollen_stine_test_cannot_do_is_refused_by_name():
    res, ref = _fit("pd_sem")
    pd_data = load_reference_data("PoliticalDemocracy.csv")
    with pytest.raises(ir.errors.ArgumentError, match="estimator='GLS'"):
        ir.bollen_stine(ir.fit(ref["model_syntax"], data=pd_data, estimator="GLS"),
                        n_boot=10, seed=1)
    with pytest.raises(ir.errors.DataError, match="raw data"):
        ir.bollen_stine(ir.fit(ref["model_syntax"], cov=pd_data.cov(), nobs=75),
                        n_boot=10, seed=1)
    mimic = "f =~ y1 + y2 + y3 + y4\nf ~ x1"
    with pytest.raises(ir.errors.ArgumentError, match=r"covariates \['x1'\]"):
        ir.bollen_stine(ir.fit(mimic, data=pd_data), n_boot=10, seed=1)
    with pytest.raises(ir.errors.ArgumentError, match="indices must have shape"):
        ir.bollen_stine(res, indices=np.zeros((3, 10), int))
    with pytest.raises(ir.errors.ArgumentError, match="seed"):
        ir.bollen_stine(res, n_boot=10)
    missing = pd_data.copy()
    missing.loc[3, "y1"] = np.nan
    with pytest.raises(ir.errors.ArgumentError, match="fiml"):
        ir.bollen_stine(ir.fit(ref["model_syntax"], data=missing, missing="fiml"),
                        n_boot=10, seed=1)
