"""Per-construct outer weighting, ``pls(weights=...)``: correlation (mode A), regression
(mode B) and unit weights, and PLSc beside mode A composites (seminr's ``composite(...,
mode_A)`` next to ``reflective()``), against seminr 2.3.4's fixtures (reference README
§4.7): ``weights3``/``loadings3`` (test-measure.r) and the mixed model of test-summary.R
(Image and Expectation reflective, Value and Satisfaction mode A composites, path
weighting; its bootstrap of 500 draws, seed 123, re-run on R's exact indices)."""

import warnings

import numpy as np
import pytest
import scipy.stats as st
from plsref import MOBI4, data, max_diff, oracle, r_boot_indices

import im_research as ir

TOL = 1e-8  # seminr with its own stop rule (reference README §6)

# test-measure.r: reflective() multi- and single-item, composite() with
# regression_weights, correlation_weights (single item) and unit_weights
MEASURE3 = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Quality =~ PERQ1
Satisfaction <~ CUSA1 + CUSA2 + CUSA3
Complaints <~ CUSCO
Value <~ PERV1 + PERV2
Satisfaction ~ Image + Quality + Complaints + Value
"""
MEASURE3_WEIGHTS = {"Complaints": "A", "Value": "unit"}

# test-summary.R: reflective Image and Expectation, mode A composites Value, Satisfaction
MIXED = MOBI4.replace("Value =~", "Value <~").replace("Satisfaction =~", "Satisfaction <~")
MIXED_WEIGHTS = {"Value": "A", "Satisfaction": "A"}


def _fit(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ir.DataWarning)
        return ir.pls(model, data("mobi"), **kw)


def test_seminr_measure_fixture_mixed_weighting_modes():
    """weights3.csv / loadings3.csv: seminr runs PLSc because of the reflective Image;
    Image's loadings are corrected, the composites' (mode B, mode A, unit) are not."""
    res = _fit(MEASURE3, consistent=True, weights=MEASURE3_WEIGHTS)
    assert max_diff(res.weights, oracle("seminr_fixtures", "weights3")) < TOL
    assert max_diff(res.loadings, oracle("seminr_fixtures", "loadings3")) < TOL
    assert list(res.outer.drop_duplicates("construct")["mode"]) == ["A", "A", "B", "A", "unit"]


def test_mixed_plsc_model_measurement_fixtures():
    """test-summary.R's model: factor reliability (AVE, ρA), the factors' (corrected)
    loadings, HTMT and the composites' weights."""
    res = _fit(MIXED, consistent=True, weights=MIXED_WEIGHTS)
    fr = oracle("seminr_fixtures", "factor_reliability")
    assert max_diff(res.reliability()[["AVE", "rhoA"]], fr) < TOL
    assert max_diff(res.loadings, oracle("seminr_fixtures", "factor_indicator_reliability")) < TOL
    assert max_diff(res.weights, oracle("seminr_fixtures", "composite_indicator_reliability")) < TOL
    ht = oracle("seminr_fixtures", "factor_discriminant_validity")
    ours = res.htmt()
    for a in ht.index:
        for b in ht.columns:
            if np.isfinite(ht.loc[a, b]):
                assert abs(ours.loc[b, a] - ht.loc[a, b]) < TOL


def test_mixed_plsc_model_bootstrap_t_and_p_values():
    """seminr's boot_evaluate_measurement_model(): weight t = |boot mean / boot SD|,
    HTMT t = |(boot mean − 1) / boot SD| (not the original estimate over the SD), and
    two-sided p from Student's t with draws − 1 df; 500 draws on R's indices."""
    res = _fit(MIXED, consistent=True, weights=MIXED_WEIGHTS)
    boot = res.bootstrap(indices=r_boot_indices(res.nobs, 500))
    assert boot.n_failed == 0
    df = 500 - 1
    t_w = oracle("seminr_fixtures", "composite_indicator_weights_t_values")
    p_w = oracle("seminr_fixtures", "composite_indicator_weights_p_values")
    checked = 0
    for item in t_w.index:
        for c in t_w.columns[t_w.loc[item].notna()]:
            row = boot.weights.loc[f"{item} ({c})"]
            t = abs(row["mean"] / row["sd"])
            assert t == pytest.approx(t_w.loc[item, c], abs=1e-8)
            assert 2 * st.t.sf(t, df) == pytest.approx(p_w.loc[item, c], rel=1e-6, abs=1e-300)
            checked += 1
    t_h = oracle("seminr_fixtures", "factor_discriminant_validity_t_values")
    p_h = oracle("seminr_fixtures", "factor_discriminant_validity_p_values")
    for a in t_h.index:
        for b in t_h.columns[t_h.loc[a].notna()]:
            row = boot.htmt.loc[f"{b} ~ {a}"]
            t = abs((row["mean"] - 1) / row["sd"])
            assert t == pytest.approx(t_h.loc[a, b], abs=1e-8)
            assert 2 * st.t.sf(t, df) == pytest.approx(p_h.loc[a, b], abs=1e-12)
            checked += 1
    assert checked == 5 + 6


def test_plsc_corrects_common_factors_only():
    """Paths are OLS on construct correlations divided by √(ρA_i ρA_j), with ρA = 1 for
    every composite, mode A ones included (Dijkstra & Henseler 2015); the composites'
    loadings stay the item–score correlations."""
    plain = _fit(MIXED, weights=MIXED_WEIGHTS)
    plsc = _fit(MIXED, consistent=True, weights=MIXED_WEIGHTS)
    names = plsc.model.constructs
    rho = plsc.reliability()["rhoA"].to_numpy(copy=True)
    assert (rho[[names.index("Value"), names.index("Satisfaction")]] < 0.99).all()
    rho[[names.index("Value"), names.index("Satisfaction")]] = 1.0
    C = plsc.construct_cor.to_numpy() / np.sqrt(np.outer(rho, rho))
    np.fill_diagonal(C, 1.0)
    pred = [names.index(c) for c in ("Image", "Expectation", "Value")]
    beta = np.linalg.solve(C[np.ix_(pred, pred)], C[pred, names.index("Satisfaction")])
    assert np.abs(plsc.path_matrix["Satisfaction"].iloc[pred].to_numpy() - beta).max() < 1e-12
    composite = plsc.outer["construct"].isin(["Value", "Satisfaction"])
    assert (plsc.outer.loc[composite, "loading"] == plain.outer.loc[composite, "loading"]).all()
    factor = ~composite
    assert (plsc.outer.loc[factor, "loading"] != plain.outer.loc[factor, "loading"]).all()
    # all four declared reflective: Value and Satisfaction are corrected too
    allc = _fit(MOBI4, consistent=True)
    assert np.abs(allc.path_matrix.to_numpy() - plsc.path_matrix.to_numpy()).max() > 1e-3


def test_unit_weights_give_the_standardised_sum_score():
    res = _fit(MEASURE3, weights=MEASURE3_WEIGHTS)
    w = res.weights.loc[["PERV1", "PERV2"], "Value"]
    assert w.iloc[0] == w.iloc[1]
    X = data("mobi")[["PERV1", "PERV2"]]
    z = ((X - X.mean()) / X.std()).sum(axis=1)
    assert np.corrcoef(res.scores["Value"], z)[0, 1] == pytest.approx(1.0, abs=1e-14)
    assert res.scores["Value"].std() == pytest.approx(1.0, abs=1e-14)
    # the bootstrap re-estimates with the same modes: equal weights in every draw
    boot = res.bootstrap(indices=r_boot_indices(res.nobs, 20))
    assert boot.weights.loc["PERV1 (Value)", "sd"] == pytest.approx(
        boot.weights.loc["PERV2 (Value)", "sd"], abs=1e-14)


def test_weights_override_equals_the_syntax():
    """``weights={"X": "B"}`` on a ``=~`` block equals declaring it ``<~``, and the
    mode the syntax implies changes nothing."""
    formative = MOBI4.replace("Value =~", "Value <~")
    by_syntax = _fit(formative)
    by_weights = _fit(MOBI4, weights={"Value": "B"})
    assert max_diff(by_weights.weights, by_syntax.weights) == 0.0
    assert max_diff(by_weights.path_matrix, by_syntax.path_matrix) == 0.0
    same = _fit(MOBI4, consistent=True, weights={"Image": "A"})
    assert max_diff(same.path_matrix, _fit(MOBI4, consistent=True).path_matrix) == 0.0
