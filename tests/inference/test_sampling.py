"""Sampling distributions by simulation (inference.sampling)."""

import numpy as np
import pytest

import im_research as ir
from im_research.errors import ArgumentError
from im_research.inference.sampling import sampling_distribution
from im_research.synthetic.simulate import PopulationModel, draw

POP = PopulationModel(
    loadings={"x": {"x1": .8, "x2": .75, "x3": .7}, "m": {"m1": .8, "m2": .75, "m3": .7},
              "y": {"y1": .8, "y2": .75, "y3": .7}},
    paths={"m": {"x": .3}, "y": {"m": .3, "x": .1}})
MODEL = ("x =~ x1 + x2 + x3\nm =~ m1 + m2 + m3\ny =~ y1 + y2 + y3\n"
         "m ~ a*x\ny ~ b*m + c*x\nind := a*b\n")


def test_each_draw_is_the_fit_of_its_own_seeded_sample():
    sd = sampling_distribution(POP, n=120, reps=5, seed=7, model=MODEL, truth={"ind": .09})
    # replication r uses SeedSequence(seed).spawn(reps)[r]: refit the third by hand
    child = np.random.SeedSequence(7).spawn(5)[2]
    sample = draw(POP, 120, seed=np.random.default_rng(child), ids=False)
    p = ir.fit(MODEL, data=sample.data).params.set_index("lhs")
    assert sd.draws.loc[2, "ind"] == pytest.approx(p.loc["ind", "std_all"], abs=1e-12)
    assert list(sd.draws.columns) == ["m~x", "y~m", "y~x", "ind"]
    assert sd.summary.loc["ind", "sd"] == pytest.approx(sd.draws["ind"].std(), abs=1e-12)


def test_same_seed_same_draws_and_truth_from_the_population():
    a = sampling_distribution(POP, n=100, reps=6, seed=3)
    b = sampling_distribution(POP, n=100, reps=6, seed=3)
    assert a.draws.equals(b.draws)
    assert a.summary["truth"].to_dict() == {"m~x": .3, "y~m": .3, "y~x": .1}
    c = sampling_distribution(POP, n=100, reps=6, seed=4)
    assert not a.draws.equals(c.draws)


def test_the_product_is_skewed_and_unbiased_paths_recovered():
    sd = sampling_distribution(POP, n=100, reps=200, seed=11, model=MODEL,
                               truth={"ind": .09})
    s = sd.summary
    assert sd.n_failed == 0 and len(sd.draws) == 200
    assert 0 < sd.n_improper < 20  # n = 100 with three items: a few Heywood cases, kept
    assert abs(s.loc["m~x", "bias"]) < 0.03 and abs(s.loc["y~m", "bias"]) < 0.03
    # the product of two near-normal estimates leans right; the single paths do not
    assert s.loc["ind", "skewness"] > 0.4
    assert abs(s.loc["m~x", "skewness"]) < 0.4
    # larger samples: narrower distributions
    big = sampling_distribution(POP, n=800, reps=50, seed=11, model=MODEL)
    assert big.summary.loc["ind", "sd"] < 0.6 * s.loc["ind", "sd"]


@pytest.mark.parametrize("kwargs, words", [
    (dict(population="x =~ x1", n=100, seed=1), "PopulationModel"),
    (dict(population=POP, n=5, seed=1), "n="),
    (dict(population=POP, n=100, reps=1, seed=1), "reps="),
    (dict(population=POP, n=100, seed=None), "seed"),
    (dict(population=POP, n=100, seed=1, truth={"nope": 1}), "nope"),
])
def test_bad_arguments_are_refused_with_their_name(kwargs, words):
    with pytest.raises(ArgumentError, match=words):
        sampling_distribution(reps=kwargs.pop("reps", 3), **kwargs)
