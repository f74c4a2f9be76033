"""Interaction terms (moderation, ``Y ~ X + M + X:M``): seminr's vignette output and test
fixtures, the seminr PyPI port as a cross-check of all three methods and of the
bootstrap (on R's exact indices), and the syntax's error messages."""

import numpy as np
import pandas as pd
import pytest
from plsref import (
    MOBI_MODERATION,
    data,
    max_diff,
    oracle,
    pls_ref,
    r_boot_indices,
    seminr_names,
)

import im_research as ir
from im_research.errors import ArgumentError, ModelSyntaxError

METHODS = ("two_stage", "product_indicator", "orthogonal")


def _fit(model=MOBI_MODERATION, **kw):
    return ir.pls(model, data("mobi"), **kw)


def test_vignette_product_indicator_paths_and_r2():
    # seminr 2.3.4's vignette model (product indicators, path weighting)
    res = _fit(interaction="product_indicator")
    table = seminr_names(oracle("seminr/mobi_interaction_pi_vignette", "paths_r2"))
    paths = table.drop(["R^2", "AdjR^2"])
    assert max_diff(res.path_matrix[["Satisfaction"]], paths) < 1e-6
    assert abs(res.rsquare.loc["Satisfaction", "r2"] - table.loc["R^2", "Satisfaction"]) < 1e-6
    assert abs(res.rsquare.loc["Satisfaction", "adj_r2"]
               - table.loc["AdjR^2", "Satisfaction"]) < 1e-6


def test_vignette_reliability():
    res = _fit(interaction="product_indicator")
    expected = seminr_names(oracle("seminr/mobi_interaction_pi_vignette", "reliability"))
    ours = res.reliability()
    # α and ρA (1 for an interaction term) of every construct; ρC and AVE of the main
    # constructs (seminr's interaction loadings are covariances with a rescaled score,
    # checked below)
    assert max_diff(ours[["alpha", "rhoA"]], expected[["alpha", "rhoA"]]) < 1e-6
    main = ["Image", "Expectation", "Value", "Satisfaction"]
    assert max_diff(ours.loc[main, ["rhoC", "AVE"]], expected.loc[main, ["rhoC", "AVE"]]) < 1e-6


def test_vignette_interaction_loadings_are_rescaled_correlations():
    # seminr multiplies an interaction term's score by s = Σ|λ|·sd / Σ|λ| over its
    # product items (Henseler & Chin 2010), so its loadings are λ·s; recomputing s here
    # from the data reproduces seminr's ρC and AVE of the interaction terms
    res = _fit(interaction="product_indicator")
    mobi = data("mobi")
    expected = seminr_names(oracle("seminr/mobi_interaction_pi_vignette", "reliability"))
    z = (mobi - mobi.mean()) / mobi.std()
    for term in ("Image:Expectation", "Image:Value"):
        rows = res.outer[res.outer["construct"] == term]
        sd = np.array([(z[a] * z[b]).std() for a, b in
                       (item.split("*") for item in rows["item"])])
        lam = rows["loading"].to_numpy()
        s = (np.abs(lam) * sd).sum() / np.abs(lam).sum()
        scaled = lam * s
        rho_c = scaled.sum() ** 2 / (scaled.sum() ** 2 + (1 - scaled ** 2).sum())
        assert abs(rho_c - expected.loc[term, "rhoC"]) < 1e-6
        assert abs(np.mean(scaled ** 2) - expected.loc[term, "AVE"]) < 1e-6


def test_seminr_fixture_plsc_orthogonal_interaction():
    # seminr's test-pls.r PLSc moderation fixture (printed to 3 decimals): Expectation
    # measured by CUEX3 alone, orthogonalised products
    model = MOBI_MODERATION.replace("CUEX1 + CUEX2 + CUEX3", "CUEX3").replace(
        " + Image:Value", "")
    res = _fit(model, interaction="orthogonal", consistent=True)
    table = seminr_names(oracle("seminr_fixtures", "plsc-interaction-paths"))
    assert max_diff(res.path_matrix[["Satisfaction"]], table.drop(["R^2", "AdjR^2"])) < 5e-4
    assert abs(res.rsquare.loc["Satisfaction", "r2"] - table.loc["R^2", "Satisfaction"]) < 5e-4
    rel = seminr_names(oracle("seminr_fixtures", "plsc-interaction-reliability"))
    assert max_diff(res.reliability()[["alpha", "rhoA"]], rel[["alpha", "rhoA"]]) < 1e-5
    main = ["Image", "Expectation", "Value", "Satisfaction"]
    assert max_diff(res.reliability().loc[main], rel.loc[main]) < 1e-5


def test_interaction_path_is_the_change_in_slope():
    # two-stage: the interaction path is the coefficient of the raw product of the
    # standardised first-stage scores (not of its standardised version), so
    # Y = b1 X + b2 M + b3 (X·M) holds for the scores
    res = _fit(interaction="two_stage")
    first = _fit(MOBI_MODERATION.replace(" + Image:Expectation + Image:Value", "")).scores
    sc = res.scores
    X = np.column_stack([sc["Image"], sc["Expectation"], sc["Value"],
                         first["Image"] * first["Expectation"], first["Image"] * first["Value"]])
    y = res.scores["Satisfaction"].to_numpy()
    beta = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0][1:]
    names = ["Image", "Expectation", "Value", "Image:Expectation", "Image:Value"]
    assert np.allclose(res.path_matrix.loc[names, "Satisfaction"], beta, atol=1e-10)


def _seminr_fit(method_name, consistent=False):
    sr = pytest.importorskip("seminr", reason="the seminr PyPI port (a test-only "
                             "cross-check, GPL) is not installed")
    mobi = data("mobi")
    kind = sr.reflective if consistent else sr.composite
    method = getattr(sr, method_name)
    mm = sr.constructs(
        kind("Image", sr.multi_items("IMAG", [1, 2, 3, 4, 5])),
        kind("Expectation", sr.multi_items("CUEX", [1, 2, 3])),
        kind("Value", sr.multi_items("PERV", [1, 2])),
        kind("Satisfaction", sr.multi_items("CUSA", [1, 2, 3])),
        sr.interaction_term("Image", "Expectation", method=method),
        sr.interaction_term("Image", "Value", method=method))
    sm = sr.relationships(sr.paths(["Image", "Expectation", "Value", "Image*Expectation",
                                    "Image*Value"], "Satisfaction"))
    return sr, sr.estimate_pls((list(mobi.columns), mobi.to_numpy(float)), mm, sm)


def _named(nm):
    return seminr_names(pd.DataFrame(nm.values, index=list(nm.rows), columns=list(nm.cols)))


@pytest.mark.parametrize("method", METHODS)
def test_seminr_port_all_methods(method):
    _, theirs = _seminr_fit(method)
    res = _fit(interaction=method)
    assert max_diff(res.path_matrix, _named(theirs.path_coef)) < 1e-10
    assert abs(res.rsquare.loc["Satisfaction", "r2"]
               - theirs.r_squared.get("Rsq", "Satisfaction")) < 1e-10
    ours_w = res.weights.rename(index=lambda s: s.replace("*", ":"))
    w = _named(theirs.outer_weights)
    w.index = [s.replace("_intxn", "") for s in w.index]  # seminr's two-stage item name
    assert max_diff(ours_w, w.loc[ours_w.index, ours_w.columns]) < 1e-10


def test_seminr_port_plsc_product_indicator():
    _, theirs = _seminr_fit("product_indicator", consistent=True)
    res = _fit(interaction="product_indicator", consistent=True)
    assert max_diff(res.path_matrix, _named(theirs.path_coef)) < 1e-10


def test_seminr_port_bootstrap_on_r_indices():
    # interactions are rebuilt inside every resample, as seminr does
    sr, theirs = _seminr_fit("product_indicator")
    idx = r_boot_indices(250, 1000)[:60]
    boot_theirs = sr.bootstrap_model(theirs, 60, indices=idx)
    boot = _fit(interaction="product_indicator").bootstrap(indices=idx)
    d = boot_theirs.paths_descriptives
    for label, row in boot.paths.iterrows():
        source, target = (s.replace(":", "*") for s in label.split(" -> "))
        assert abs(row["mean"] - d.get(source, f"{target} Boot Mean")) < 1e-10
        assert abs(row["sd"] - d.get(source, f"{target} Boot SD")) < 1e-10


def test_bootstrap_two_stage_interaction_is_reproducible():
    res = _fit(interaction="two_stage")
    a = res.bootstrap(40, seed=3)
    b = res.bootstrap(40, seed=3)
    pd.testing.assert_frame_equal(a.paths, b.paths)
    assert a.n_failed == 0
    assert np.isfinite(a.paths.loc["Image:Expectation -> Satisfaction", "sd"])


def test_interaction_refusals():
    with pytest.raises(ArgumentError, match="interaction must be one of"):
        _fit(interaction="mean_centred")
    with pytest.raises(ModelSyntaxError, match="only be a predictor"):
        _fit(MOBI_MODERATION + "Image:Value ~ Expectation\n")
    with pytest.raises(ModelSyntaxError, match="'Nope' in the interaction"):
        _fit(MOBI_MODERATION.replace("Image:Value", "Image:Nope"))
    res = _fit()
    with pytest.raises(ArgumentError, match="interaction terms"):
        res.predict()
    assert "not implemented for models with interaction terms" in res.summary()


def test_two_stage_is_the_default_and_reads_from_disk_once():
    assert pls_ref().is_dir()
    res = _fit()
    assert res.outer.loc[res.outer["construct"] == "Image:Value", "item"].tolist() == [
        "Image*Value"]


def test_model_fit_uses_score_correlations():
    # the saturated model's implied correlation of two items of different blocks is
    # λ_a · cor(scores) · λ_b, also for an interaction term's (rescaled) product items
    res = _fit(interaction="product_indicator")
    sigma = res.implied_cor()
    lam = res.outer.set_index("item")["loading"]
    r = res.scores.corr().loc["Image:Value", "Satisfaction"]
    expected = lam["IMAG1*PERV2"] * r * lam["CUSA1"]
    assert sigma.loc["IMAG1*PERV2", "CUSA1"] == pytest.approx(expected, abs=1e-10)
    assert 0 < res.fit()["srmr"] < 0.2
