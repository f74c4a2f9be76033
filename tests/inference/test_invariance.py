"""Measurement invariance sequence and score tests reproduce lavaan."""

import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data
from im_research.inference.invariance import release_candidates


@pytest.fixture(scope="module")
def inv():
    ref = load_reference("hs_invariance")
    hs = load_reference_data("HolzingerSwineford1939.csv")
    return ref, hs, ir.invariance(ref["model_syntax"], hs, group="school")


def test_steps_match_lavaan(inv):
    ref, _, tab = inv
    assert list(tab.index) == ["configural", "metric", "scalar", "strict"]
    for step, fm in ref["steps"].items():
        for key, want in fm.items():
            assert tab.loc[step, key] == pytest.approx(want, rel=1e-4, abs=1e-6), (step, key)
    for step, lrt in ref["lrt"].items():
        assert tab.loc[step, "delta_chisq"] == pytest.approx(lrt["chisq_diff"], abs=1e-4)
        assert tab.loc[step, "delta_df"] == lrt["df_diff"]
        assert tab.loc[step, "delta_pvalue"] == pytest.approx(lrt["pvalue"], abs=1e-6)


def test_verdicts_follow_the_cutoffs(inv):
    _, _, tab = inv
    assert tab.loc["metric", "verdict"].startswith("metric invariance supported")
    assert tab.loc["scalar", "verdict"].startswith("scalar invariance NOT supported")
    lenient = ir.invariance(inv[0]["model_syntax"], inv[1], group="school",
                            steps=("configural", "metric", "scalar"),
                            criteria={"delta_cfi": -0.05, "delta_srmr": 0.05})
    assert "supported" in lenient.loc["scalar", "verdict"] and "NOT" not in lenient.loc[
        "scalar", "verdict"]


def test_score_tests_match_lavtestscore(inv):
    ref, _, tab = inv
    ours = release_candidates(tab.attrs["fits"]["scalar"])
    theirs = pd.DataFrame(ref["score_scalar"]).sort_values("X2", ascending=False)
    assert len(ours) == len(theirs)
    assert ours["X2"].to_numpy() == pytest.approx(theirs["X2"].to_numpy(), abs=1e-3)
    assert (ours.loc[0, "lhs"], ours.loc[0, "op"]) == ("x3", "~1")


def test_partial_scalar_invariance(inv):
    ref, hs, _ = inv
    part = ir.invariance(ref["model_syntax"], hs, group="school",
                         steps=("configural", "metric", "scalar"),
                         partial={"scalar": ["x3 ~1", "x7 ~1"]})
    full = inv[2]
    assert part.loc["scalar", "df"] == full.loc["scalar", "df"] - 2
    assert part.loc["scalar", "delta_cfi"] > full.loc["scalar", "delta_cfi"]


def test_unknown_step(inv):
    with pytest.raises(ValueError, match="unknown steps"):
        ir.invariance(inv[0]["model_syntax"], inv[1], group="school", steps=("weak",))


def test_mlr_invariance_scaled_difference_tests():
    ref = load_reference("hs_invariance_mlr")
    hs = load_reference_data("HolzingerSwineford1939.csv")
    tab = ir.invariance(ref["model_syntax"], hs, group="school",
                        steps=("configural", "metric", "scalar"), estimator="MLR")
    for step, fm in ref["steps"].items():
        assert tab.loc[step, "chisq_scaled"] == pytest.approx(fm["chisq.scaled"], rel=1e-3)
        assert tab.loc[step, "cfi"] == pytest.approx(fm["cfi.robust"], abs=1e-4)
        assert tab.loc[step, "rmsea"] == pytest.approx(fm["rmsea.robust"], abs=1e-4)
    for step, lrt in ref["lrt"].items():
        assert tab.loc[step, "delta_chisq"] == pytest.approx(lrt["chisq_diff"], rel=1e-3)
        assert tab.loc[step, "delta_pvalue"] == pytest.approx(lrt["pvalue"], rel=1e-2,
                                                              abs=1e-6)
