"""The invariance explorer, driven by ticking its boxes (lesson 06's planted data)."""

import pytest

import im_research as ir
from im_research.teaching.tasks.lesson06 import GROUP, MODEL, bonus_bank
from im_research.teaching.widgets import InvarianceExplorer


@pytest.fixture(scope="module")
def explorer():
    return InvarianceExplorer(MODEL, bonus_bank(), GROUP)


def test_boxes_list_constrained_loadings_and_intercepts_by_score_test(explorer):
    names = list(explorer.boxes)
    # 7 free loadings (markers are fixed) and 10 intercepts are held equal in scalar
    assert len(names) == 17
    assert sum("=~" in n for n in names) == 7 and sum(n.endswith("~1") for n in names) == 10
    assert names[0] == "im3 ~1"  # the planted item leads
    assert explorer.candidates["X2"].is_monotonic_decreasing
    assert list(explorer.table.index) == ["configural", "metric", "scalar"]
    assert explorer.table.loc["scalar", "decision"] == "NOT supported"


def test_releasing_the_planted_intercept_restores_scalar_invariance(explorer):
    before = explorer.table.loc["scalar"].copy()
    mean_before = explorer.means.set_index("factor").loc["im", "est"]
    explorer.boxes["im3 ~1"].value = True
    after = explorer.table.loc["scalar"]
    assert explorer.partial == {"metric": [], "scalar": ["im3 ~1"]}
    assert after["df"] == before["df"] - 1
    assert after["delta_chisq"] < before["delta_chisq"] / 5
    assert after["delta_cfi"] > -0.01 > before["delta_cfi"]
    assert after["decision"] == "supported"
    # the same as calling the library directly
    direct = ir.invariance(MODEL, bonus_bank(), GROUP, steps=("configural", "metric", "scalar"),
                           partial={"scalar": ["im3 ~1"]})
    assert after["delta_chisq"] == pytest.approx(direct.loc["scalar", "delta_chisq"])
    # the latent mean of internal marketing moves once the biased item no longer counts
    assert explorer.means.set_index("factor").loc["im", "est"] > mean_before + 0.1
    explorer.boxes["im3 ~1"].value = False


def test_releasing_the_loading_instead_does_not_fix_the_intercepts(explorer):
    explorer.boxes["im =~ im3"].value = True
    assert explorer.partial == {"metric": ["im =~ im3"], "scalar": []}
    assert explorer.table.loc["metric", "df"] == 70
    assert explorer.table.loc["scalar", "decision"] == "NOT supported"
    explorer.boxes["im =~ im3"].value = False
    assert explorer.partial == {"metric": [], "scalar": []}
    assert explorer.table.loc["scalar", "decision"] == "NOT supported"


def test_releasing_every_intercept_of_a_factor_is_refused_and_the_last_state_kept(explorer):
    for item in ("im1", "im2", "im3"):
        explorer.boxes[f"{item} ~1"].value = True
    kept = explorer.table.copy()
    assert explorer.message == ""
    explorer.boxes["im4 ~1"].value = True
    assert "unidentified" in explorer.message and "im4 ~1" in explorer.message
    assert explorer.table.equals(kept)
    assert explorer.partial["scalar"] == ["im3 ~1", "im1 ~1", "im2 ~1"]
    explorer.boxes["im4 ~1"].value = False
    assert explorer.message == ""
    for item in ("im1", "im2", "im3"):
        explorer.boxes[f"{item} ~1"].value = False
    assert explorer.table.loc["scalar", "decision"] == "NOT supported"
