"""Reliability and validity match semTools 0.5-6 and psych on HolzingerSwineford1939."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

FACTORS = ["visual", "textual", "speed"]


@pytest.fixture(scope="module")
def hs_fit():
    ref = load_reference("hs_reliability")
    hs = load_reference_data("HolzingerSwineford1939.csv")
    return ref, hs, ir.fit(ref["model_syntax"], data=hs)


def test_factor_level_coefficients(hs_fit):
    ref, _, res = hs_fit
    rel = ir.reliability(res).set_index("factor")
    for f in FACTORS:
        assert rel.loc[f, "omega"] == pytest.approx(ref["omega"][f], abs=1e-4)
        assert rel.loc[f, "omega_implied"] == pytest.approx(ref["omega_implied"][f], abs=1e-4)
        assert rel.loc[f, "ave"] == pytest.approx(ref["ave"][f], abs=1e-4)
        assert rel.loc[f, "cr"] == pytest.approx(ref["fornell_larcker"][f]["CR"], abs=1e-4)
        assert rel.loc[f, "ave_fl"] == pytest.approx(ref["fornell_larcker"][f]["AVE"], abs=1e-4)
        assert rel.loc[f, "alpha"] == pytest.approx(ref["alpha"][f]["raw_alpha"], abs=1e-4)
    assert not rel.loc["visual", "ave_ok"] and rel.loc["textual", "cr_ok"]


def test_item_level_statistics(hs_fit):
    ref, _, res = hs_fit
    items = ir.item_statistics(res).set_index("item")
    for f in FACTORS:
        for item, r in ref["alpha"][f]["r_drop"].items():
            assert items.loc[item, "item_rest_r"] == pytest.approx(r, abs=1e-4)
            assert items.loc[item, "alpha_if_deleted"] == pytest.approx(
                ref["alpha"][f]["alpha_if_dropped"][item], abs=1e-4)


@pytest.mark.parametrize("key, htmt2", [("htmt", False), ("htmt2", True)])
def test_htmt_matches_semtools(hs_fit, key, htmt2):
    ref, hs, _ = hs_fit
    ours = ir.htmt(ref["model_syntax"], hs, htmt2=htmt2)
    theirs = np.array(ref[key]["values"])
    assert np.allclose(np.tril(ours.to_numpy(), -1), np.tril(theirs, -1), atol=1e-4)


def test_fornell_larcker_table(hs_fit):
    ref, _, res = hs_fit
    fl = ir.fornell_larcker(res)
    cor = np.array(ref["factor_cor"]["values"])
    assert fl.loc["textual", "visual"] == pytest.approx(cor[1, 0], abs=1e-4)
    assert fl.loc["speed", "speed"] == pytest.approx(np.sqrt(ref["ave"]["speed"]), abs=1e-4)
    assert fl["criterion_met"].all()


def test_htmt_inference_intervals(hs_fit):
    ref, hs, _ = hs_fit
    inf = ir.htmt_inference(ref["model_syntax"], hs, n_boot=200, seed=1)
    assert len(inf) == 3
    assert (inf["ci_lower"] < inf["htmt"]).all() and (inf["htmt"] < inf["ci_upper"]).all()
    assert inf["below_085"].all()
    with pytest.raises(ValueError, match="seed"):
        ir.htmt_inference(ref["model_syntax"], hs, n_boot=10)


def test_bad_input(hs_fit):
    ref, hs, _ = hs_fit
    with pytest.raises(ir.DataError, match="lack items"):
        ir.htmt(ref["model_syntax"], hs.drop(columns="x9"))
    with pytest.raises(ir.DataError, match="give data="):
        ir.reliability(ref["model_syntax"])


def test_endogenous_factors_use_their_total_variance(poldem):
    # dem60 and dem65 are endogenous: their "~~" rows hold disturbance variances only;
    # semTools (and we) use the model-implied total factor variance
    ref = load_reference("poldem_reliability")
    rel = ir.reliability(ir.fit(ref["model_syntax"], data=poldem)).set_index("factor")
    for f in ["ind60", "dem60", "dem65"]:
        assert rel.loc[f, "omega"] == pytest.approx(ref["omega"][f], abs=1e-6)
        assert rel.loc[f, "omega_implied"] == pytest.approx(ref["omega_implied"][f], abs=1e-6)
        assert rel.loc[f, "ave"] == pytest.approx(ref["ave"][f], abs=1e-6)


def test_htmt_from_polychoric_correlations_matches_semtools():
    # semTools htmt(..., ordered = items): polychorics of the complete rows (lavCor)
    ref = load_reference("ski_htmt_ordered")
    ski = ir.datasets.load("ski_resort_branding")
    with pytest.warns(ir.DataWarning, match="59 rows with missing items"):
        h = ir.htmt(ref["model_syntax"], ski, ordered=True)
    with pytest.warns(ir.DataWarning):
        h2 = ir.htmt(ref["model_syntax"], ski, ordered=True, htmt2=True)
    low = np.tril_indices(3, -1)
    assert np.max(np.abs(h.to_numpy()[low] - np.array(ref["htmt"]["values"])[low])) < 1e-6
    assert np.max(np.abs(h2.to_numpy()[low] - np.array(ref["htmt2"]["values"])[low])) < 1e-6


def test_htmt_inference_reports_resamples_it_cannot_use():
    # a yes/no item answered "yes" once is constant in about a third of the resamples;
    # those draws are left out and reported, not dropped silently
    rng = np.random.default_rng(5)
    f = rng.normal(size=(120, 2))
    items = {f"a{k}": np.digitize(f[:, 0] + rng.normal(size=120), [-1, 0, 1]) for k in (1, 2)}
    items.update({f"b{k}": np.digitize(f[:, 1] + rng.normal(size=120), [-1, 0, 1])
                  for k in (1, 2)})
    data = pd.DataFrame(items)
    data["a1"] = 0
    data.loc[0, "a1"] = 1
    with pytest.warns(ir.DataWarning, match=r"left an item with a single category .* use"):
        out = ir.htmt_inference("fa =~ a1 + a2\nfb =~ b1 + b2", data, n_boot=20, seed=2,
                                ordered=True)
    assert len(out) == 1 and np.isfinite(out["ci_upper"]).all()


@pytest.mark.parametrize("case", ["second_order", "endogenous_g", "std_lv"])
def test_higher_order_reliability_equals_semtools_reliabilityL2(case):
    ref = load_reference("higher_order_reliability")[case]
    hs = load_reference_data("HolzingerSwineford1939.csv")
    res = ir.fit(ref["model_syntax"], data=hs, std_lv=ref["std_lv"])
    row = ir.higher_order_reliability(res).set_index("factor").loc["g"]
    expected = ref["reliabilityL2"]
    assert row["first_order"] == "visual, textual, speed" and row["n_items"] == 9
    assert row["omega_l1"] == pytest.approx(expected["omegaL1"], abs=1e-5)
    assert row["omega_l2"] == pytest.approx(expected["omegaL2"], abs=1e-5)
    assert row["partial_omega_l1"] == pytest.approx(expected["partialOmegaL1"], abs=1e-5)
    # omega at level 1 can only lose to its partial version (disturbances add error)
    assert row["omega_l1"] < row["partial_omega_l1"]


def test_higher_order_reliability_names_what_is_wrong():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    first = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
    with pytest.raises(ir.errors.DataError, match="no second-order factor"):
        ir.higher_order_reliability(ir.fit(first, data=hs))
    res = ir.fit(first + "g =~ visual + textual + speed\n", data=hs)
    with pytest.raises(ir.errors.ArgumentError, match="factor='visual' is not a second-order"):
        ir.higher_order_reliability(res, factor="visual")
    # reliability() leaves g out and points to the right function
    with pytest.warns(ir.errors.DataWarning, match="higher_order_reliability"):
        ir.reliability(res)
