"""Simulated data: reproducible, with known truth recovered by the estimator."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.synthetic.models import service_profit_chain
from im_research.synthetic.simulate import (
    PopulationModel,
    SimulationError,
    draw,
    likert_thresholds,
    to_csv_bytes,
)

POP = PopulationModel(loadings={"f": {"a1": .8, "a2": .7, "a3": .75},
                                "g": {"b1": .8, "b2": .75, "b3": .7}},
                      paths={"g": {"f": .5}})


def test_same_seed_same_bytes_different_seed_different_data():
    a = draw(POP, 300, seed=4, points=5, missing_mcar=0.05, careless=0.05)
    b = draw(POP, 300, seed=4, points=5, missing_mcar=0.05, careless=0.05)
    c = draw(POP, 300, seed=5, points=5, missing_mcar=0.05, careless=0.05)
    assert to_csv_bytes(a.data) == to_csv_bytes(b.data)
    assert to_csv_bytes(a.data) != to_csv_bytes(c.data)


def test_truth_reports_careless_and_missing_cells():
    sim = draw(POP, 400, seed=1, points=7, missing_mcar=0.03, careless=0.05)
    assert len(sim.truth["careless"]) == 20
    cells = sim.truth["missing_cells"]
    assert len(cells) > 0
    assert all(pd.isna(sim.data.loc[i, c]) for i, c in cells)
    assert sim.data[POP.items].isna().sum().sum() == len(set(cells))


def test_likert_range_and_skew():
    sym = draw(POP, 2000, seed=2, points=5).data[POP.items]
    skew = draw(POP, 2000, seed=2, points=5, skew=0.8).data[POP.items]
    assert sym.min().min() == 1 and sym.max().max() == 5
    assert skew.mean().mean() > sym.mean().mean() + 0.3
    assert np.allclose(likert_thresholds(5), -likert_thresholds(5)[::-1])


def test_units_have_the_requested_icc():
    pop = PopulationModel(loadings={"f": {f"x{i}": .9 for i in range(1, 4)}})
    sim = draw(pop, 6000, seed=3, units=60, icc=0.3)
    score = sim.data[["x1", "x2", "x3"]].mean(axis=1)
    between = score.groupby(sim.data["unit"]).mean().var()
    # share of the composite's variance between units: icc * .81 / (.81 + .19 / 3)
    assert between / score.var() == pytest.approx(0.3 * .81 / (.81 + .19 / 3), abs=0.05)


def _mean_std_paths(pop, reps, n, seed, **draw_kw):
    rng = np.random.default_rng(seed)
    est = []
    for _ in range(reps):
        res = ir.fit(pop.syntax(), data=draw(pop, n, seed=rng, **draw_kw).data)
        merged = pop.truth().merge(res.params, on=["lhs", "op", "rhs"],
                                   suffixes=("_true", ""))
        est.append(merged.set_index(["lhs", "op", "rhs"])[["std_all_true", "std_all"]])
    return sum(est) / reps


@pytest.mark.slow
def test_recovery_bias_below_2_percent_at_n5000():
    """Continuous data, n = 5,000, mean of 30 samples: relative bias of every standardized
    path below 2 % (the Monte Carlo SE of the mean is about 1 % of the .25 path)."""
    pop = service_profit_chain().population
    mean = _mean_std_paths(pop, reps=30, n=5000, seed=11)
    paths = mean[mean.index.get_level_values("op") == "~"]
    rel_bias = (paths["std_all"] / paths["std_all_true"] - 1).abs()
    assert rel_bias.max() < 0.02, rel_bias


@pytest.mark.slow
def test_likert_coarsening_attenuates_loadings():
    """5-point items attenuate standardized loadings (documented in docs/datasets.md)."""
    pop = PopulationModel.from_syntax("f =~ .8*x1 + .7*x2 + .6*x3\ng =~ .8*y1 + .7*y2 + .6*y3"
                                      "\ng ~ .5*f")
    cont = _mean_std_paths(pop, reps=4, n=3000, seed=1)
    lik = _mean_std_paths(pop, reps=4, n=3000, seed=1, points=5)
    load = cont.index.get_level_values("op") == "=~"
    assert (lik["std_all"][load] < cont["std_all"][load]).all()
    assert (cont["std_all"][load] - lik["std_all"][load]).mean() < 0.06


@pytest.mark.parametrize("kwargs, match", [
    (dict(loadings={"f": {"x1": 1.2, "x2": .5}}), "strictly between -1 and 1"),
    (dict(loadings={"f": {"x1": .7}, "g": {"y1": .7}}, paths={"g": {"f": 1.1}}), "R\\^2 >= 1"),
    (dict(loadings={"f": {"x1": .7}}, paths={"f": {"h": .3}}), "no loadings"),
])
def test_impossible_models_are_refused(kwargs, match):
    with pytest.raises(SimulationError, match=match):
        PopulationModel(**kwargs)


def test_bad_settings_are_refused():
    with pytest.raises(SimulationError, match="icc"):
        draw(POP, 10, seed=1, icc=1.0)
    with pytest.raises(SimulationError, match="at least 2 points"):
        draw(POP, 10, seed=1, points=1)
    with pytest.raises(SimulationError, match="seed is required"):
        draw(POP, 10, seed=None)


@pytest.mark.slow
def test_wald_intervals_cover_the_truth_95_percent():
    """300 samples of a two-factor CFA (n = 250): every free parameter's true value is
    known under std_lv=True; pooled coverage of the 95% Wald CIs must be 93-97%."""
    lam = {"f": {"a1": .8, "a2": .7, "a3": .6}, "g": {"b1": .75, "b2": .7, "b3": .65}}
    pop = PopulationModel(loadings=lam, correlations={("f", "g"): .4})
    truth = {("f", "=~", i): v for i, v in lam["f"].items()}
    truth.update({("g", "=~", i): v for i, v in lam["g"].items()})
    truth.update({(i, "~~", i): 1 - v ** 2 for f in lam.values() for i, v in f.items()})
    truth[("f", "~~", "g")] = .4
    rng = np.random.default_rng(2026)
    hits = total = 0
    for _ in range(300):
        res = ir.fit(pop.syntax(), data=draw(pop, 250, seed=rng).data, std_lv=True)
        p = res.params.set_index(["lhs", "op", "rhs"])
        for key, value in truth.items():
            hits += p.loc[key, "ci_lower"] <= value <= p.loc[key, "ci_upper"]
            total += 1
    assert total == 300 * 13
    assert 0.93 <= hits / total <= 0.97, hits / total


def test_population_from_syntax_matches_dict_form():
    a = PopulationModel.from_syntax("f =~ .8*a1 + .7*a2 + .75*a3\ng =~ .8*b1 + .75*b2 + .7*b3"
                                    "\ng ~ .5*f")
    assert np.allclose(a.implied_cov().to_numpy(), POP.implied_cov().to_numpy())
    with pytest.raises(SimulationError, match="needs one population value"):
        PopulationModel.from_syntax("f =~ x1 + .7*x2")


SECOND_ORDER = """tang =~ .8*t1 + .7*t2 + .7*t3
rel =~ .8*r1 + .7*r2 + .7*r3
resp =~ .8*p1 + .7*p2 + .7*p3
sq =~ .8*tang + .7*rel + .6*resp
cs =~ .8*c1 + .8*c2 + .7*c3
cs ~ .5*sq
"""


def test_a_second_order_factor_acts_through_its_first_order_factors():
    """A factor measured by factors: the first-order factors are latent (no data columns)
    and correlate through the second-order factor; its loadings are their std_all."""
    pop = PopulationModel.from_syntax(SECOND_ORDER)
    assert pop.items == ["t1", "t2", "t3", "r1", "r2", "r3", "p1", "p2", "p3",
                         "c1", "c2", "c3"]
    sigma = pop.implied_cov()
    # t1 <- tang <- sq -> rel -> r1 ; c1 <- cs <- sq -> resp -> p1
    assert sigma.loc["t1", "r1"] == pytest.approx(.8 * .8 * .7 * .8)
    assert sigma.loc["c1", "p1"] == pytest.approx(.8 * .5 * .6 * .8)
    assert sigma.loc["t1", "t2"] == pytest.approx(.8 * .7)
    assert pop.exogenous == ["sq"]
    truth = pop.truth().set_index(["lhs", "op", "rhs"])["std_all"]
    assert truth[("sq", "=~", "resp")] == .6
    sim = draw(pop, 20_000, seed=7)
    assert list(sim.data.columns) == ["id"] + pop.items
    res = ir.fit(pop.syntax(), data=sim.data)
    est = res.params.set_index(["lhs", "op", "rhs"])["std_all"]
    diffs = (est[truth.index] - truth).abs()
    assert diffs.max() < 0.03, diffs.sort_values().tail(3)
