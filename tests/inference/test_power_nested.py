"""power() for nested designs (branches x employees, ICC): the design effect against the
simulation (issue #13, item 5)."""

import numpy as np
import pytest

import im_research as ir
from im_research.inference.power import power

MODEL = "f =~ .8*x1 + .7*x2 + .7*x3\ny ~ .3*f"
REPS = 1500


@pytest.fixture(scope="module")
def nested():
    return power(MODEL, clusters=[30, 60], cluster_size=8, icc=0.25, reps=REPS, seed=11)


def test_simulated_effective_n_of_means_matches_kish(nested):
    d = nested.attrs["design_effect"]
    assert d["deff_mean"].tolist() == pytest.approx([1 + 7 * 0.25] * 2)
    for row in d.itertuples():
        # within 3 Monte Carlo SEs of the variance ratio
        assert abs(row.deff_mean_sim - row.deff_mean) < 3 * row.deff_mean_mc_se, row
        assert row.n_effective_sim == pytest.approx(row.n / row.deff_mean_sim)
    assert d["n"].tolist() == [240, 480]


def test_parameters_follow_the_cross_product_design_effect(nested):
    deff = 1 + 7 * 0.25 ** 2
    assert np.allclose(nested["deff"], deff)
    # each deff_sim is a ratio of a Monte Carlo variance: relative SE about sqrt(2/R)
    tol = 3 * np.sqrt(2 / REPS) * deff
    for row in nested.itertuples():
        assert abs(row.deff_sim - deff) < tol, (row.lhs, row.op, row.rhs, row.deff_sim)
    assert np.allclose(nested["n_effective"], nested["n"] / deff)


def test_corrected_ses_cover_and_naive_ones_do_not():
    tab = power(MODEL, clusters=60, cluster_size=12, icc=0.4, reps=1000, seed=2)
    path = tab.query("op == '~'").iloc[0]
    assert 0.93 <= path["coverage"] <= 0.97
    assert path["coverage_naive"] < 0.92  # ignoring the clustering: CIs too narrow


def test_no_clustering_means_no_design_effect():
    tab = power(MODEL, clusters=50, cluster_size=6, icc=0.0, reps=800, seed=4)
    d = tab.attrs["design_effect"].iloc[0]
    assert d["deff_mean"] == 1.0
    assert abs(d["deff_mean_sim"] - 1) < 3 * d["deff_mean_mc_se"]


def test_nested_power_is_reproducible_and_plain_power_unchanged():
    a = power(MODEL, clusters=20, cluster_size=5, icc=0.2, reps=60, seed=9)
    b = power(MODEL, clusters=20, cluster_size=5, icc=0.2, reps=60, seed=9, chunk_size=7)
    assert a.equals(b) and a.attrs["design_effect"].equals(b.attrs["design_effect"])
    plain = power(MODEL, n=100, reps=60, seed=9)
    assert "deff" not in plain.columns and "design_effect" not in plain.attrs
    assert ir.power is power


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=100, clusters=10, cluster_size=10), "either n= or clusters="),
    (dict(clusters=10), "both clusters="),
    (dict(n=100, icc=0.2), "icc=0.2 needs a nested design"),
    (dict(clusters=10, cluster_size=10, icc=1.0), "icc"),
    (dict(clusters=1, cluster_size=10), "clusters"),
    (dict(clusters=10, cluster_size=0), "cluster_size"),
    (dict(), "give the sample size"),
])
def test_bad_designs_are_refused(kwargs, match):
    with pytest.raises(ir.ArgumentError, match=match):
        power(MODEL, seed=1, reps=10, **kwargs)
