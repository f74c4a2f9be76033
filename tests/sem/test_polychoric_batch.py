"""Polychorics of many pairs estimated at once equal each pair's own ML estimate.

The batch pads tables of different sizes (binary, 3-, 5- and 7-category items) onto one
grid; each correlation must still maximise its own table's two-step likelihood, here
checked against a bounded scalar search on that table alone (lavaan's estimates are
checked in test_ordinal.py and test_wlsmv*.py).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from im_research.sem import ordinal


def _items(seed=5, n=400):
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n)
    cuts = {"b1": [0.3], "b2": [-0.5], "c3": [-0.6, 0.4], "c5": [-1.2, -0.4, 0.3, 1.0],
            "c7": [-1.5, -0.9, -0.3, 0.2, 0.8, 1.4]}
    loads = {"b1": 0.7, "b2": -0.5, "c3": 0.6, "c5": 0.8, "c7": 0.75}
    return pd.DataFrame({v: np.searchsorted(c, loads[v] * f + np.sqrt(1 - loads[v] ** 2)
                                            * rng.standard_normal(n)) + 1
                         for v, c in cuts.items()})


def _own_ml(table, t1, t2):
    a = np.concatenate([[-np.inf], t1, [np.inf]])
    b = np.concatenate([[-np.inf], t2, [np.inf]])
    A, B = np.meshgrid(a, b, indexing="ij")

    def negll(r):
        return -(table * np.log(ordinal._cell_probs(A, B, r)[0])).sum()

    return optimize.minimize_scalar(negll, bounds=(-0.995, 0.995), method="bounded",
                                    options={"xatol": 1e-12}).x


def test_batched_polychorics_equal_each_pairs_own_estimate():
    data = _items()
    cols = list(data.columns)
    R = ordinal.polychoric(data, cols)
    th = ordinal.thresholds(data, cols)
    taus = {v: th.loc[th["lhs"] == v, "est"].to_numpy() for v in cols}
    checked = 0
    for i, v in enumerate(cols):
        for w in cols[i + 1:]:
            table = pd.crosstab(data[v], data[w]).to_numpy(float)
            if table.shape == (2, 2):
                continue  # lavaan's 2x2 rules, below
            assert R.loc[v, w] == pytest.approx(_own_ml(table, taus[v], taus[w]), abs=1e-7)
            checked += 1
    assert checked == 9
    # one pair on its own gives the same number as inside the batch
    t = pd.crosstab(data["c3"], data["c7"]).to_numpy(float)
    alone = ordinal._pair_rhos([t], [taus["c3"]], [taus["c7"]], [("c3", "c7")])[0]
    assert alone == pytest.approx(R.loc["c3", "c7"], abs=1e-12)


def test_two_by_two_rules_inside_a_batch():
    data = _items()
    t = pd.crosstab(data["b1"], data["b2"]).to_numpy(float)
    th = ordinal.thresholds(data, ["b1", "b2"])["est"].to_numpy()
    big = pd.crosstab(data["c5"], data["c7"]).to_numpy(float)
    th57 = ordinal.thresholds(data, ["c5", "c7"])
    t5, t7 = (th57.loc[th57["lhs"] == v, "est"].to_numpy() for v in ("c5", "c7"))
    empty = t.copy()
    empty[0, 1] = 0  # one empty cell: lavaan adds 0.5 with the margins kept
    rhos = ordinal._pair_rhos([t, empty, big], [th[:1], th[:1], t5], [th[1:], th[1:], t7],
                              [("b1", "b2")] * 2 + [("c5", "c7")])
    assert rhos[0] == pytest.approx(_own_ml(t, th[:1], th[1:]), abs=1e-7)
    fixed = empty + 0.5 * np.array([[-1, 1], [1, -1]])
    assert rhos[1] == pytest.approx(_own_ml(fixed, th[:1], th[1:]), abs=1e-7)
    assert rhos[2] == pytest.approx(_own_ml(big, t5, t7), abs=1e-7)


def test_matrix_without_gamma_equals_polychoric():
    # polychoric_matrix (HTMT's bootstrap draws) skips Γ but must give the same matrix
    data = _items(seed=11)
    names = list(data.columns)
    full = ordinal.polychoric(data, names).to_numpy()
    np.testing.assert_allclose(ordinal.polychoric_matrix(data.to_numpy(float), names), full,
                               atol=1e-12)
    with pytest.raises(ordinal.DataError, match="only one observed category"):
        ordinal.polychoric_matrix(np.column_stack([data["c3"], np.ones(len(data))]),
                                  ["c3", "flat"])
