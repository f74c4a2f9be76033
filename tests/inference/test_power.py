"""Monte Carlo power agrees with analytic power; replications are reproducible."""

import numpy as np
import pytest
from scipy import stats

from im_research.inference.power import plot_power_curve, power


def analytic_power(beta, n, alpha=0.05):
    # regression of y on one standardized predictor: se(beta) = sqrt((1 - beta^2) / n)
    z = beta / np.sqrt((1 - beta ** 2) / n)
    crit = stats.norm.ppf(1 - alpha / 2)
    return stats.norm.cdf(z - crit) + stats.norm.cdf(-z - crit)


@pytest.mark.slow
def test_simple_regression_power_matches_analytic():
    reps = 2000
    tab = power("x =~ .999*x1\ny =~ .999*y1\ny ~ .2*x", n=[100, 200], reps=reps, seed=5)
    reg = tab[tab["op"] == "~"].set_index("n")
    for n in (100, 200):
        want = analytic_power(0.2, n)
        mc_se = np.sqrt(want * (1 - want) / reps)
        assert abs(reg.loc[n, "power"] - want) < 3.5 * mc_se + 0.01, (n, reg.loc[n, "power"],
                                                                     want)
        assert 0.93 <= reg.loc[n, "coverage"] <= 0.97


def test_reproducible_and_independent_of_workers():
    a = power("f =~ .8*x1 + .7*x2 + .7*x3\ny ~ .3*f", n=150, reps=120, seed=3)
    b = power("f =~ .8*x1 + .7*x2 + .7*x3\ny ~ .3*f", n=150, reps=120, seed=3, chunk_size=25)
    c = power("f =~ .8*x1 + .7*x2 + .7*x3\ny ~ .3*f", n=150, reps=120, seed=3, n_jobs=2,
              chunk_size=60)
    assert a.equals(b) and a.equals(c)


def test_power_curve_figure(tmp_path):
    tab = power("f =~ .8*x1 + .7*x2 + .7*x3\ny ~ .25*f", n=[80, 160], reps=60, seed=1)
    ax = plot_power_curve(tab)
    assert ax.get_ylabel() == "power (Monte Carlo)" and len(ax.lines) >= 1
    ax.figure.savefig(tmp_path / "power.png")
    assert (tmp_path / "power.png").stat().st_size > 1000


def test_bad_input():
    with pytest.raises(ValueError, match="seed= is required"):
        power("f =~ .8*x1 + .7*x2 + .7*x3", n=100)
    with pytest.raises(ValueError, match="must exceed the number of items"):
        power("f =~ .8*x1 + .7*x2 + .7*x3", n=3, seed=1)
