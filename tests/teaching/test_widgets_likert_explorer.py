"""The Likert explorer, driven by setting its sliders."""

import pytest

from im_research.teaching.widgets import LikertExplorer


@pytest.fixture(scope="module")
def explorer():
    return LikertExplorer(n=400, seed=2026)


def test_starts_with_five_symmetric_categories(explorer):
    assert list(explorer.shares.index) == [1, 2, 3, 4, 5]
    assert explorer.shares.sum() == pytest.approx(1.0)
    # symmetric thresholds: the middle category is the most common
    assert explorer.shares.idxmax() == 3
    assert list(explorer.loadings.index) == ["x1", "x2", "x3", "x4"]
    assert explorer.loadings["truth"].tolist() == [0.8, 0.7, 0.6, 0.5]
    assert explorer.correlations.loc["x1–x2", "truth"] == pytest.approx(0.56)


def test_two_categories_attenuate_pearson_and_ml_but_not_polychoric_and_wlsmv(explorer):
    explorer.skew.value = 0.0
    explorer.categories.value = 2
    assert len(explorer.shares) == 2
    corr, lam = explorer.correlations, explorer.loadings
    # Pearson on 0/1 codes falls well below the truth; polychoric stays much closer
    err_pearson = (corr["truth"] - corr["Pearson"]).mean()
    err_poly = (corr["truth"] - corr["polychoric"]).abs().mean()
    assert err_pearson > 0.1 and err_poly < err_pearson / 2
    assert (lam["ML (codes as numbers)"] < lam["WLSMV (ordered)"]).all()
    assert (lam["truth"] - lam["WLSMV (ordered)"]).abs().mean() < 0.06


def test_skew_piles_answers_at_the_top_and_the_same_seed_repeats(explorer):
    explorer.categories.value = 7
    explorer.skew.value = 1.5
    assert explorer.shares.idxmax() == 7 and explorer.shares.iloc[-1] > 0.4
    first = explorer.loadings.copy()
    explorer.skew.value = 0.0
    explorer.skew.value = 1.5
    assert explorer.loadings.equals(first)


def test_bad_sample_size_is_named():
    from im_research.errors import ArgumentError

    with pytest.raises(ArgumentError, match="n=10"):
        LikertExplorer(n=10)
