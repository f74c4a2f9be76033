"""The lens explorer, driven by setting its sliders."""

import pytest

import im_research as ir
from im_research.errors import ArgumentError
from im_research.teaching.widgets import LensExplorer


@pytest.fixture(scope="module")
def explorer():
    return LensExplorer(n=400, loading=0.7, seed=2022)


def test_the_tables_are_compare_lenses_on_the_drawn_data(explorer):
    assert list(explorer.paths.index) == ["im -> js", "js -> oc"]
    assert explorer.paths["truth"].tolist() == [0.55, 0.45]
    pop = explorer._population()
    data = ir.simulate.draw(pop, 400, seed=2022, ids=False).data
    table = ir.compare_lenses(explorer.model, data).set_index("subject")
    assert explorer.paths.loc["im -> js", "PLS"] == table.loc["im -> js", "pls"]
    assert explorer.paths.loc["js -> oc", "CB-SEM"] == table.loc["js -> oc", "cb_sem"]
    assert explorer.loadings.loc["mean loading", "truth"] == 0.7


def test_composites_inflate_loadings_and_attenuate_paths_more_as_items_weaken(explorer):
    gaps = {}
    for lam in (0.9, 0.5):
        explorer.loading.value = lam
        assert explorer.message == ""
        p, lo = explorer.paths, explorer.loadings.iloc[0]
        assert (p["PLS"] < p["CB-SEM"]).all() and lo["PLS"] > lo["CB-SEM"]
        gaps[lam] = (p["CB-SEM"] - p["PLS"]).mean()
    assert gaps[0.5] > 2 * gaps[0.9]


def test_a_larger_sample_brings_the_common_factor_lenses_to_the_truth(explorer):
    explorer.loading.value = 0.7
    explorer.n.value = 1000
    big = explorer.paths.copy()
    for lens in ("CB-SEM", "PLSc"):
        assert (big[lens] - big["truth"]).abs().max() < 0.05
    # PLS stays below the truth however many respondents there are
    assert (big["truth"] - big["PLS"]).min() > 0.08
    explorer.n.value = 400
    explorer.n.value = 1000
    assert explorer.paths.equals(big)  # the same seed redraws the same data


def test_an_improper_or_impossible_cb_solution_is_said_not_hidden():
    ex = LensExplorer(n=50, loading=0.4, seed=2022)
    assert ex.message.startswith("No CB-SEM estimates for n = 50")
    assert ex.paths.empty
    ex.n.value = 100  # estimable, but a factor variance is negative
    assert ex.message.startswith("CB-SEM's solution is improper: Heywood case")
    assert list(ex.paths.columns) == ["truth", "CB-SEM", "PLS", "PLSc"]
    ex.loading.value = 0.7
    assert ex.message == ""


@pytest.mark.parametrize("kwargs, match", [({"n": 10}, "n=10"), ({"loading": 1.2}, "loading"),
                                           ({"loading": 1}, "loading"),
                                           ({"seed": -1}, "seed")])
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(ArgumentError, match=match):
        LensExplorer(**kwargs)
