"""IPMA: the standardised-weight variant against the seminrExtras PyPI port (a test-only
cross-check), the unstandardised one (Ringle & Sarstedt 2016) recomputed by hand."""

import numpy as np
import pytest
from plsref import ECSI, MOBI4, data, fitted

import im_research as ir
from im_research.errors import ArgumentError, DataError


def test_standardized_weights_equal_seminrextras():
    sr = pytest.importorskip("seminr", reason="the seminr PyPI port (test-only, GPL) is "
                             "not installed")
    cipma = pytest.importorskip("seminrExtras.cipma", reason="the seminrExtras PyPI port "
                                "(test-only, GPL) is not installed")
    mobi = data("mobi")
    mm = sr.constructs(
        sr.composite("Image", sr.multi_items("IMAG", [1, 2, 3, 4, 5])),
        sr.composite("Expectation", sr.multi_items("CUEX", [1, 2, 3])),
        sr.composite("Quality", sr.multi_items("PERQ", [1, 2, 3, 4, 5, 6, 7])),
        sr.composite("Value", sr.multi_items("PERV", [1, 2])),
        sr.composite("Satisfaction", sr.multi_items("CUSA", [1, 2, 3])),
        sr.composite("Complaints", sr.single_item("CUSCO")),
        sr.composite("Loyalty", sr.multi_items("CUSL", [1, 2, 3])))
    sm = sr.relationships(
        sr.paths("Image", ["Expectation", "Satisfaction", "Loyalty"]),
        sr.paths("Expectation", ["Quality", "Value", "Satisfaction"]),
        sr.paths("Quality", ["Value", "Satisfaction"]), sr.paths("Value", "Satisfaction"),
        sr.paths("Satisfaction", ["Complaints", "Loyalty"]), sr.paths("Complaints", "Loyalty"))
    theirs = cipma.assess_ipma(sr.estimate_pls((list(mobi.columns), mobi.to_numpy(float)),
                                               mm, sm), "Loyalty", 1, 10)
    ours = fitted(ECSI, "mobi").ipma("Loyalty", scale=(1, 10), weights="standardized")
    for c, row in ours.iterrows():
        assert row["importance"] == pytest.approx(theirs.importance_unstd[c], abs=1e-10)
        assert row["importance_std"] == pytest.approx(theirs.importance_std[c], abs=1e-10)
        assert row["performance"] == pytest.approx(theirs.performance[c], abs=1e-9)


def test_unstandardized_ipma_by_hand():
    res = fitted(MOBI4, "mobi")
    table = res.ipma("Satisfaction", scale=(1, 10))
    mobi = data("mobi")
    scores = {}
    for c, items in res.model.items.items():
        x = mobi[items].to_numpy(float)
        w = res.weights.loc[items, c].to_numpy() / x.std(axis=0, ddof=1)
        scores[c] = (100 * (x - 1) / 9) @ (w / w.sum())
    # one structural equation: importance = OLS slopes of the rescaled scores
    X = np.column_stack([np.ones(250)] + [scores[c] for c in ("Image", "Expectation", "Value")])
    slopes = np.linalg.lstsq(X, scores["Satisfaction"], rcond=None)[0][1:]
    assert np.allclose(table.loc[["Image", "Expectation", "Value"], "importance"], slopes,
                       atol=1e-10)
    assert table.loc["Value", "performance"] == pytest.approx(scores["Value"].mean())
    assert table.attrs["target_performance"] == pytest.approx(scores["Satisfaction"].mean())
    items = table.attrs["items"].set_index("item")
    assert items.loc["PERV1", "performance"] == pytest.approx(
        (100 * (mobi["PERV1"] - 1) / 9).mean())
    # an item's importance: its share of the construct times the construct's importance
    share = items.loc[["PERV1", "PERV2"], "importance"] / table.loc["Value", "importance"]
    assert share.sum() == pytest.approx(1.0)


def test_observed_range_is_the_default_and_bad_arguments():
    res = fitted(MOBI4, "mobi")
    mobi = data("mobi")
    items = res.ipma("Satisfaction").attrs["items"].set_index("item")
    x = mobi["IMAG1"]
    assert items.loc["IMAG1", "performance"] == pytest.approx(
        (100 * (x - x.min()) / (x.max() - x.min())).mean())
    with pytest.raises(ArgumentError, match="target must be a construct"):
        res.ipma("Nope")
    with pytest.raises(ArgumentError, match="no construct has an effect"):
        res.ipma("Image")
    with pytest.raises(ArgumentError, match="weights must be one of"):
        res.ipma("Satisfaction", weights="raw")
    with pytest.raises(DataError, match="outside its scale"):
        res.ipma("Satisfaction", scale=(1, 5))
    with pytest.raises(ArgumentError, match="no bounds for the items"):
        res.ipma("Satisfaction", scale={"IMAG1": (1, 10)})
    with pytest.raises(ArgumentError, match="max must exceed"):
        res.ipma("Satisfaction", scale=(10, 1))
    moderated = ir.pls(MOBI4 + "Satisfaction ~ Image:Value\n", mobi)
    with pytest.raises(ArgumentError, match="interaction terms"):
        moderated.ipma("Satisfaction")
