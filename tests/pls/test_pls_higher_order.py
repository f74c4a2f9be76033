"""Higher-order constructs (``H =~ A + B`` over constructs): seminr's two-stage fixtures,
the repeated-indicators and embedded two-stage approaches against the same models
written out by hand, the bootstrap, and the syntax's error messages."""

import numpy as np
import pandas as pd
import pytest
from plsref import data, max_diff, oracle, r_boot_indices, seminr_names

import im_research as ir
from im_research.errors import ArgumentError, ModelSyntaxError

# seminr's test-hoc.R model: Satisfaction is a higher-order composite of Image and Value
HOC = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Quality =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
Value =~ PERV1 + PERV2
Satisfaction =~ Image + Value
Complaints =~ CUSCO
Loyalty =~ CUSL1 + CUSL2 + CUSL3
Satisfaction ~ Expectation + Quality
Complaints ~ Satisfaction
Loyalty ~ Satisfaction
"""

# seminr's two-stage HOC with a two-stage interaction ("Nick" over Quality and Loyalty)
HOC_2SI = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Quality =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Loyalty =~ CUSL1 + CUSL2 + CUSL3
Nick =~ Quality + Loyalty
Satisfaction ~ Image + Expectation + Value + Nick + Image:Expectation
"""


def _fit(model=HOC, **kw):
    return ir.pls(model, data("mobi"), **kw)


def _rows(ours, expected):
    return expected.loc[ours.index, ours.columns]


def test_seminr_fixture_two_stage_paths_and_outer_model():
    res = _fit()
    assert max_diff(res.path_matrix, oracle("seminr_fixtures", "hoc-paths")) < 1e-6
    w, lam = oracle("seminr_fixtures", "hoc-weights"), oracle("seminr_fixtures", "hoc-loadings")
    # stage two: the higher-order construct over its dimensions' scores
    assert max_diff(res.weights, _rows(res.weights, w)) < 1e-6
    assert max_diff(res.loadings, _rows(res.loadings, lam)) < 1e-6
    # stage one holds the dimensions' own measurement models
    first = res.first_stage
    dims = ["Image", "Value"]
    assert max_diff(first.weights[dims], _rows(first.weights[dims], w)) < 1e-6
    assert max_diff(first.loadings[dims], _rows(first.loadings[dims], lam)) < 1e-6
    assert list(res.outer.loc[res.outer["construct"] == "Satisfaction", "item"]) == dims


def test_seminr_fixture_two_stage_with_interaction():
    res = _fit(HOC_2SI)
    assert max_diff(res.path_matrix, seminr_names(oracle("seminr_fixtures",
                                                         "hoc_2si-paths"))) < 1e-6
    w = oracle("seminr_fixtures", "hoc-_2siweights")
    w = w.rename(index={"Image*Expectation_intxn": "Image*Expectation"},
                 columns={"Image*Expectation": "Image:Expectation"})
    assert max_diff(res.weights, _rows(res.weights, w)) < 1e-6
    lam = oracle("seminr_fixtures", "hoc_2si-loadings")
    # seminr rescales the interaction term's loading (see test_pls_interactions)
    plain = res.loadings.drop(index="Image*Expectation", columns="Image:Expectation")
    assert max_diff(plain, _rows(plain, lam)) < 1e-6


def _copy_items(names, tag):
    mobi = data("mobi").copy()
    for x in names:
        mobi[f"{x}{tag}"] = mobi[x]
    return mobi


REFLECTIVE = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Brand =~ Image + Value
Satisfaction ~ Brand
"""
HAND_REPEATED = """
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Brand =~ IMAG1_r + IMAG2_r + IMAG3_r + IMAG4_r + IMAG5_r + PERV1_r + PERV2_r
Image ~ Brand
Value ~ Brand
Satisfaction ~ Brand
"""
ITEMS = ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5", "PERV1", "PERV2"]


def test_repeated_indicators_equal_the_model_written_out():
    res = _fit(REFLECTIVE, higher_order="repeated")
    hand = ir.pls(HAND_REPEATED, _copy_items(ITEMS, "_r"))
    assert max_diff(res.path_matrix, hand.path_matrix) < 1e-12
    ours = res.outer.set_index(["construct", "item"])[["weight", "loading"]]
    theirs = hand.outer.assign(item=hand.outer["item"].str.removesuffix("_r")).set_index(
        ["construct", "item"])[["weight", "loading"]]
    assert max_diff(ours, theirs) < 1e-12
    assert res.first_stage is None


def test_formative_repeated_indicators_point_into_the_higher_order_construct():
    res = _fit(REFLECTIVE.replace("Brand =~", "Brand <~"), higher_order="repeated")
    assert {("Image", "Brand"), ("Value", "Brand")} <= set(zip(res.paths["source"],
                                                               res.paths["target"]))


def test_embedded_two_stage_uses_repeated_indicator_scores():
    res = _fit(REFLECTIVE, higher_order="embedded")
    stage1 = ir.pls(HAND_REPEATED, _copy_items(ITEMS, "_r"))
    mobi = data("mobi").assign(Image_s=stage1.scores["Image"].to_numpy(),
                               Value_s=stage1.scores["Value"].to_numpy())
    stage2 = ir.pls("Satisfaction =~ CUSA1 + CUSA2 + CUSA3\nBrand =~ Image_s + Value_s\n"
                    "Satisfaction ~ Brand", mobi)
    assert abs(res.paths["estimate"].item() - stage2.paths["estimate"].item()) < 1e-12
    assert np.allclose(res.weights.loc[["Image", "Value"], "Brand"],
                       stage2.weights.loc[["Image_s", "Value_s"], "Brand"], atol=1e-12)
    assert max_diff(res.first_stage.path_matrix.loc[["Brand"], ["Image", "Value"]],
                    stage1.path_matrix.loc[["Brand"], ["Image", "Value"]]) < 1e-12


def test_disjoint_two_stage_matches_the_stages_by_hand():
    res = _fit(REFLECTIVE)
    stage1 = _fit("Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\nValue =~ PERV1 + PERV2\n"
                  "Satisfaction =~ CUSA1 + CUSA2 + CUSA3\nSatisfaction ~ Image + Value")
    mobi = data("mobi").assign(Image_s=stage1.scores["Image"].to_numpy(),
                               Value_s=stage1.scores["Value"].to_numpy())
    stage2 = ir.pls("Satisfaction =~ CUSA1 + CUSA2 + CUSA3\nBrand =~ Image_s + Value_s\n"
                    "Satisfaction ~ Brand", mobi)
    assert abs(res.paths["estimate"].item() - stage2.paths["estimate"].item()) < 1e-12


def test_seminr_port_bootstrap_on_r_indices():
    sr = pytest.importorskip("seminr", reason="the seminr PyPI port (a test-only "
                             "cross-check, GPL) is not installed")
    mobi = data("mobi")
    mm = sr.constructs(
        sr.composite("Image", sr.multi_items("IMAG", [1, 2, 3, 4, 5])),
        sr.composite("Expectation", sr.multi_items("CUEX", [1, 2, 3])),
        sr.composite("Quality", sr.multi_items("PERQ", [1, 2, 3, 4, 5, 6, 7])),
        sr.composite("Value", sr.multi_items("PERV", [1, 2])),
        sr.higher_composite("Satisfaction", ["Image", "Value"]),
        sr.composite("Complaints", sr.single_item("CUSCO")),
        sr.composite("Loyalty", sr.multi_items("CUSL", [1, 2, 3])))
    sm = sr.relationships(sr.paths(["Expectation", "Quality"], "Satisfaction"),
                          sr.paths("Satisfaction", ["Complaints", "Loyalty"]))
    theirs = sr.estimate_pls((list(mobi.columns), mobi.to_numpy(float)), mm, sm)
    idx = r_boot_indices(250, 1000)[:50]
    d = sr.bootstrap_model(theirs, 50, indices=idx).paths_descriptives
    boot = _fit().bootstrap(indices=idx)
    for label, row in boot.paths.iterrows():
        source, target = label.split(" -> ")
        assert abs(row["mean"] - d.get(source, f"{target} Boot Mean")) < 1e-10
        assert abs(row["sd"] - d.get(source, f"{target} Boot SD")) < 1e-10


def test_bootstrap_is_reproducible_and_reports_the_higher_order_weights():
    res = _fit(REFLECTIVE)
    a, b = res.bootstrap(30, seed=1), res.bootstrap(30, seed=1)
    pd.testing.assert_frame_equal(a.weights, b.weights)
    assert {"Image (Brand)", "Value (Brand)"} <= set(a.weights.index)


def test_higher_order_refusals():
    with pytest.raises(ArgumentError, match="higher_order must be one of"):
        _fit(higher_order="three_stage")
    with pytest.raises(ModelSyntaxError, match="mixes constructs and items"):
        _fit(REFLECTIVE.replace("Brand =~ Image + Value", "Brand =~ Image + PERV1"))
    with pytest.raises(ModelSyntaxError, match="also has a structural path"):
        _fit(REFLECTIVE + "Satisfaction ~ Image\n")
    with pytest.raises(ModelSyntaxError, match="only second-order"):
        _fit(REFLECTIVE.replace("Satisfaction ~ Brand", "Top =~ Brand + Satisfaction\n"
                                "Other =~ CUEX1 + CUEX2\nOther ~ Top"))
    with pytest.raises(ArgumentError, match="higher-order constructs"):
        _fit(REFLECTIVE).blindfolding()
