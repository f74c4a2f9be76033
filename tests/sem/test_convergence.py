"""Fits that a naive optimiser gets wrong, against lavaan 0.6-14.

Fisher scoring is fast from good starts, but far from the optimum its information can
turn near-singular and the steps run away along a ridge. ``fit()`` then falls back to a
quasi-Newton search (as lavaan's nlminb) and must reach lavaan's optimum, not report
non-convergence or a worse point.
"""

from __future__ import annotations

import numpy as np
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data, merge_with_lavaan


def test_a_one_factor_model_of_five_dimensional_items_reaches_lavaans_optimum():
    ref = load_reference("servqual_one_factor")
    data = load_reference_data("servqual_sim_seed3.csv")
    res = ir.fit(ref["model_syntax"], data=data)
    assert res.converged
    for key in ("chisq", "df", "cfi", "rmsea", "srmr", "logl"):
        assert res.fit_measures[key] == pytest.approx(ref["fit_measures"][key], rel=1e-3), key
    both = merge_with_lavaan(res, ref)
    assert (both["_merge"] == "both").all()
    assert np.max(np.abs(both["est"] - both["est_lavaan"])) < 1e-4
    assert np.max(np.abs(both["se"] - both["se_lavaan"])) < 1e-3


def test_the_simulated_data_behind_the_reference_are_regenerated_byte_for_byte():
    from im_research.synthetic.models import servqual_loyalty

    sim = ir.simulate.draw(servqual_loyalty().population, 450, seed=3, points=7, skew=-0.4)
    stored = load_reference_data("servqual_sim_seed3.csv")
    assert sim.data.equals(stored)
