"""CVPAT (Liengaard et al. 2021) on PLSpredict's out-of-sample predictions: the test
statistic against scipy's one-sample t test on losses recomputed here, the
indicator-average benchmark checked as training-fold means, and the verdicts on data
with and without predictive power."""

import numpy as np
import pandas as pd
import pytest
from plsref import MOBI4, fitted
from scipy import stats

import im_research as ir
from im_research.errors import ArgumentError


@pytest.fixture(scope="module")
def pred():
    return fitted(MOBI4, "mobi").predict(10, 3, seed=4)


@pytest.mark.parametrize("benchmark", ["IA", "LM"])
def test_statistic_equals_a_one_sided_t_test(pred, benchmark):
    table = pred.cvpat(benchmark)
    y = pred.observed
    other = pred.ia_predictions if benchmark == "IA" else pred.lm_predictions
    loss_pls = ((pred.predictions - y) ** 2).mean(axis=(0, 2))  # repetitions, then items
    loss_b = ((other - y) ** 2).mean(axis=(0, 2))
    ref = stats.ttest_1samp(loss_b - loss_pls, 0.0, alternative="greater")
    assert table.loc["overall", "t"] == pytest.approx(ref.statistic, rel=1e-10)
    assert table.loc["overall", "p"] == pytest.approx(ref.pvalue, rel=1e-8)
    assert table.loc["overall", "diff"] == pytest.approx((loss_b - loss_pls).mean())
    assert list(table.index) == ["Satisfaction", "overall"]


def _data(beta, seed=2, n=150):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = beta * x + np.sqrt(1 - beta ** 2) * rng.normal(size=n)
    return pd.DataFrame({**{f"x{i}": x + 0.5 * rng.normal(size=n) for i in (1, 2, 3)},
                         **{f"y{i}": y + 0.5 * rng.normal(size=n) for i in (1, 2, 3)}})


def test_indicator_average_is_the_training_fold_mean():
    # continuous data, so no two folds share a training mean
    pred = ir.pls("X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X", _data(0.5)).predict(
        5, 2, seed=3)
    y = pred.observed
    ia = pred.ia_predictions[1, :, 0]
    assert len(np.unique(ia)) == 5
    for value in np.unique(ia):
        test = ia == value  # one fold: every test row gets its training mean
        assert value == pytest.approx(y[~test, 0].mean(), rel=1e-12)


def test_verdicts_follow_the_predictive_power():
    model = "X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X"
    strong = ir.pls(model, _data(0.7)).predict(10, 5, seed=1).cvpat("IA")
    none = ir.pls(model, _data(0.0)).predict(10, 5, seed=1).cvpat("IA")
    assert strong.loc["overall", "p"] < 0.001
    assert none.loc["overall", "p"] > 0.05


def test_bad_benchmark(pred):
    with pytest.raises(ArgumentError, match="benchmark must be 'IA' or 'LM'"):
        pred.cvpat("naive")
