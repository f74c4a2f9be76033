"""ICC and rwg(j) match R's multilevel package."""

import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

ITEMS = ["i1", "i2", "i3", "i4"]


@pytest.fixture(scope="module")
def ml():
    return load_reference("multilevel"), load_reference_data("multilevel_likert.csv")


def test_icc(ml):
    ref, data = ml
    out = ir.icc(data, "score", group="unit")
    assert out["icc1"] == pytest.approx(ref["icc1_pkg"], abs=1e-6)
    assert out["icc2"] == pytest.approx(ref["icc2_pkg"], abs=1e-6)
    assert out["msb"] == pytest.approx(ref["msb"]) and out["df_within"] == ref["df_within"]


@pytest.mark.parametrize("null, key", [("uniform", "rwg_j"), ("slight_skew",
                                                              "rwg_j_slight_skew")])
def test_rwg_j(ml, null, key):
    ref, data = ml
    ours = ir.rwg_j(data, ITEMS, group="unit", scale_points=5, null=null).set_index("group")
    for g, v in ref[key].items():
        assert ours.loc[int(g), "rwg_j"] == pytest.approx(v, abs=1e-6), g


def test_single_item_rwg(ml):
    ref, data = ml
    ours = ir.rwg(data, "i1", group="unit", scale_points=5).set_index("group")
    for g, v in ref["rwg_i1"].items():
        assert ours.loc[int(g), "rwg"] == pytest.approx(v, abs=1e-6), g


def test_aggregate_and_mixed_model():
    bank = ir.datasets.load("bank_service_profit_chain")
    units, summary = ir.multilevel.aggregate(bank, ["im1", "im2", "im3", "im4"], "branch",
                                             scale_points=7, name="im")
    assert len(units) == 28 and {"group", "im", "rwg_j"} <= set(units.columns)
    assert 0 < summary["icc1"] < 1
    bank["im"] = bank[["im1", "im2", "im3", "im4"]].mean(axis=1)
    bank["cs"] = bank[["cs1", "cs2", "cs3"]].mean(axis=1)
    m = ir.multilevel.mixed_link(bank, "cs", "im", "branch")
    assert "im" in m.params.index


def test_bad_input(ml):
    _, data = ml
    with pytest.raises(ir.DataError, match="not in the data"):
        ir.icc(data, "nope", group="unit")
    with pytest.raises(ValueError, match="tabulated"):
        ir.rwg_j(data, ITEMS, "unit", scale_points=4, null="slight_skew")
