"""ir.pls against SmartPLS 2.0.M3, ADANCO 2.2.1, cSEM 0.6.1, seminr's own test fixtures
and exact population values (cSEM's DGPs); tolerances from shared/reference/pls/README.md
(the oracle's printed precision where it is coarser than ours)."""

import numpy as np
import pytest
from plsref import (
    CORP_EXT,
    CORP_SIMPLE,
    ECSI,
    MOBI4,
    data,
    exact_sample,
    fitted,
    max_diff,
    oracle,
    seminr_label,
)

import im_research as ir

SMARTPLS = {"path": "pathWeighting", "factorial": "factorial", "centroid": "centroid"}


@pytest.mark.parametrize("scheme", list(SMARTPLS))
@pytest.mark.parametrize("ours, theirs", [
    ("path_matrix", "pathCoefficients"), ("weights", "outerWeights"),
    ("cross_loadings", "crossLoadings"), ("total_effects", "totalEffects")])
def test_smartpls2_ecsi(scheme, ours, theirs):
    # SmartPLS prints 8 decimals; its stop rule (1e-7) is ours
    res = fitted(ECSI, "mobi", scheme=scheme)
    assert max_diff(getattr(res, ours), oracle(f"smartpls2/{SMARTPLS[scheme]}", theirs)) < 5e-8


def test_cSEM_centroid_scheme():
    res = fitted(ECSI, "mobi", scheme="centroid")
    for ours, theirs in [("path_matrix", "path_coef"), ("weights", "weights"),
                         ("loadings", "loadings")]:
        assert max_diff(getattr(res, ours), oracle("cSEM/mobi_ecsi_centroid", theirs)) < 1e-8
    r2 = oracle("cSEM/mobi_ecsi_centroid", "r2")["V1"]
    assert np.abs(res.rsquare["r2"].reindex(r2.index) - r2).max() < 1e-8


def test_cSEM_plsc():
    res = fitted(ECSI, "mobi", consistent=True)
    assert max_diff(res.path_matrix, oracle("cSEM/mobi_ecsi_plsc", "path_coef")) < 1e-8
    rho = oracle("cSEM/mobi_ecsi_plsc", "rhoA").iloc[:, 0]
    assert np.abs(res.reliability()["rhoA"].reindex(rho.index) - rho).max() < 1e-8


def _satisfaction_model(op):
    cols = data("satisfaction").columns
    blocks = [f"{c.upper()} {op} " + " + ".join(x for x in cols if x.startswith(c))
              for c in ("imag", "expe", "qual", "val", "sat", "loy")]
    return "\n".join(blocks + ["EXPE ~ IMAG", "QUAL ~ EXPE", "VAL ~ EXPE + QUAL",
                               "SAT ~ IMAG + EXPE + QUAL + VAL", "LOY ~ IMAG + SAT"])


@pytest.mark.parametrize("op, consistent, kind, tol", [
    ("<~", False, "composite", 1e-8),
    # ADANCO's PLSc values agree with cSEM only to 3.5e-7 (reference README)
    ("=~", True, "cf", 1e-6)])
def test_adanco_satisfaction_centroid(op, consistent, kind, tol):
    res = ir.pls(_satisfaction_model(op), data("satisfaction"), scheme="centroid",
                 consistent=consistent)
    assert max_diff(res.path_matrix, oracle("ADANCO/satisfaction", f"{kind}_path_coef")) < tol
    r2 = oracle("ADANCO/satisfaction", f"{kind}_r2")["V1"]
    assert np.abs(res.rsquare["r2"].reindex(r2.index) - r2).max() < tol


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
@pytest.mark.parametrize("kind, op, consistent", [
    ("composites", "<~", False), ("commonfactors", "=~", True)])
def test_population_values_are_recovered_exactly(scheme, kind, op, consistent):
    """Mode B on a composite population and PLSc on a common-factor population return
    the true weights, loadings and paths (cSEM's DGPs)."""
    dgp = f"DGP_linear_3{kind}"
    x = exact_sample(oracle("cSEM_dgp", f"{dgp}_Sigma"))
    model = "\n".join(f"eta{j} {op} y{j}1 + y{j}2 + y{j}3" for j in (1, 2, 3))
    res = ir.pls(model + "\neta2 ~ eta1\neta3 ~ eta1 + eta2", x, scheme=scheme,
                 consistent=consistent, tol=1e-12)
    paths = oracle("cSEM_dgp", f"{dgp}_pop_Path_coefficients")["x"]
    ours = res.paths.set_index(res.paths["target"] + " ~ " + res.paths["source"])["estimate"]
    assert np.abs(ours.reindex(paths.index) - paths).max() < 1e-10
    outer = res.outer.set_index("item")
    wanted = ["Loadings", "Weights"] if kind == "composites" else ["Loadings"]
    for what in wanted:
        truth = oracle("cSEM_dgp", f"{dgp}_pop_{what}")["x"]
        assert np.abs(outer[what[:-1].lower()].reindex(truth.index) - truth).max() < 1e-10


@pytest.mark.parametrize("scheme, fixture", [
    ("path", "inner_weights_coefficients"), ("factorial", "factorial_coefficients")])
def test_seminr_fixture_4_construct_paths(scheme, fixture):
    res = fitted(MOBI4, "mobi", scheme=scheme)
    assert max_diff(res.path_matrix, oracle("seminr_fixtures", fixture)) < 1e-8


def test_seminr_fixture_quality_tables():
    res = fitted(MOBI4, "mobi")
    assert max_diff(res.reliability(), oracle("seminr_fixtures", "reliability")) < 1e-8
    assert max_diff(res.cross_loadings, oracle("seminr_fixtures", "cross_loadings")) < 1e-8
    # the fixture is the upper triangle, ours the lower
    assert max_diff(res.htmt().T, oracle("seminr_fixtures", "htmt")) < 1e-8


def test_seminr_fixture_r2_and_f2():
    res = fitted(MOBI4, "mobi")
    r2 = oracle("seminr_fixtures", "rsquared1")["Satisfaction"]
    assert res.rsquare.loc["Satisfaction", "r2"] == pytest.approx(r2["Rsq"], abs=1e-8)
    assert res.rsquare.loc["Satisfaction", "adj_r2"] == pytest.approx(r2["AdjRsq"], abs=1e-8)
    assert res.rsquare.loc["Satisfaction", "bic"] == pytest.approx(r2["BIC"], abs=1e-8)
    f2 = oracle("seminr_fixtures", "fsquared1")["x"].item()
    assert res.f_squared().loc["Image", "Satisfaction"] == pytest.approx(f2, abs=1e-8)


def test_seminr_fixture_plsc_factorial():
    res = fitted(MOBI4, "mobi", scheme="factorial", consistent=True)
    rho = oracle("seminr_fixtures", "rho1")["rhoA"]
    assert np.abs(res.reliability()["rhoA"].reindex(rho.index) - rho).max() < 1e-8
    assert max_diff(res.path_matrix, oracle("seminr_fixtures", "path_coef1")) < 1e-8
    assert max_diff(res.loadings, oracle("seminr_fixtures", "loadings1")) < 1e-8
    r2 = oracle("seminr_fixtures", "rsquaredplsc")["Satisfaction"]
    assert res.rsquare.loc["Satisfaction", "r2"] == pytest.approx(r2["Rsq"], abs=1e-8)
    assert res.rsquare.loc["Satisfaction", "adj_r2"] == pytest.approx(r2["AdjRsq"], abs=1e-8)
    assert res.rsquare.loc["Satisfaction", "bic"] == pytest.approx(r2["BIC"], abs=1e-8)


def test_f_squared_on_the_same_scores_matches_cSEM():
    """cSEM's f² drops the predictor from the regression on unchanged scores (README §4.1)."""
    f2 = fitted(CORP_SIMPLE, "corp_rep", missing_value=-99).f_squared(method="same_scores")
    expected = {("COMP", "CUSA"): 0.021727, ("LIKE", "CUSA"): 0.148651,
                ("COMP", "CUSL"): 0.000110, ("LIKE", "CUSL"): 0.135758,
                ("CUSA", "CUSL"): 0.409906}
    for (s, t), v in expected.items():
        assert f2.loc[s, t] == pytest.approx(v, abs=5e-7)




def test_seminr_stop_criterion_1_stops_where_seminr_stops():
    """stopCriterion = 1 (tol 0.1) ends after iteration 1 with QUAL -> COMP 0.427409:
    the same loop, not just the same fixed point."""
    res = fitted(CORP_EXT, "corp_rep", missing_value=-99, scheme="factorial", tol=0.1)
    expected = oracle("seminr_fixtures", "missing_cases_paths")["Original Est."]
    expected.index = [seminr_label(i) for i in expected.index]
    ours = res.paths.set_index(res.paths["source"] + " -> " + res.paths["target"])["estimate"]
    assert res.iterations == 1
    assert np.abs(ours.reindex(expected.index) - expected).max() < 1e-10
