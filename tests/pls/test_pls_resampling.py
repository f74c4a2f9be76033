"""Bootstrap resampling: per-draw seed streams (the same draws in any order, serial or on
joblib workers) and the sign-change options."""

import numpy as np
import pandas as pd
import pytest
from plsref import MOBI4, data, fitted

import im_research as ir
from im_research.errors import ArgumentError


def test_each_draw_has_its_own_stream():
    res = fitted(MOBI4, "mobi")
    boot = res.bootstrap(12, seed=42)
    # draw 7 is the 8th child stream of the seed, whatever the number of draws
    rows = np.random.default_rng(42).spawn(12)[7].integers(0, res.nobs, size=res.nobs)
    alone = ir.pls(MOBI4, data("mobi").iloc[rows])
    assert np.allclose(boot.draws["paths"][7], alone.path_matrix.to_numpy(), atol=1e-12)
    longer = res.bootstrap(20, seed=42)
    assert np.array_equal(longer.draws["paths"][:12], boot.draws["paths"])


def test_serial_and_joblib_runs_are_identical():
    res = fitted(MOBI4, "mobi")
    serial = res.bootstrap(520, seed=9)  # three chunks of draws
    parallel = res.bootstrap(520, seed=9, n_jobs=2)
    for key in serial.draws:
        assert np.array_equal(serial.draws[key], parallel.draws[key], equal_nan=True)
    pd.testing.assert_frame_equal(serial.paths, parallel.paths)


def _weak():
    """A sample where the bootstrap sign of X is unstable (one item is almost noise)."""
    rng = np.random.default_rng(5)
    n = 60
    f = rng.normal(size=n)
    g = 0.15 * f + rng.normal(size=n)
    table = pd.DataFrame({"x1": f + 2 * rng.normal(size=n), "x2": -0.2 * f + 2 * rng.normal(
        size=n), "x3": rng.normal(size=n), "y1": g + 0.5 * rng.normal(size=n),
        "y2": g + 0.5 * rng.normal(size=n)})
    return ir.pls("X =~ x1 + x2 + x3\nY =~ y1 + y2\nY ~ X", table)


def test_individual_sign_change_gives_every_draw_the_original_sign():
    res = _weak()
    none = res.bootstrap(300, seed=1)
    ind = res.bootstrap(300, seed=1, sign_change="individual")
    b0 = res.path_matrix.loc["X", "Y"]
    assert (np.sign(none.draws["paths"][:, 0, 1]) != np.sign(b0)).any()  # flips happen
    assert (np.sign(ind.draws["paths"][:, 0, 1]) == np.sign(b0)).all()
    assert np.allclose(np.abs(ind.draws["paths"]), np.abs(none.draws["paths"]))
    w0, l0 = res.outer["weight"].to_numpy(), res.outer["loading"].to_numpy()
    assert (np.sign(ind.draws["weights"]) == np.sign(w0)).all()
    assert (np.sign(ind.draws["loadings"]) == np.sign(l0)).all()
    assert ind.paths.loc["X -> Y", "sd"] < none.paths.loc["X -> Y", "sd"]


def test_construct_sign_change_reverses_whole_constructs():
    res = _weak()
    none = res.bootstrap(300, seed=1)
    con = res.bootstrap(300, seed=1, sign_change="construct")
    l0 = res.outer["loading"].to_numpy()
    blocks = [np.array([0, 1, 2]), np.array([3, 4])]
    flips = 0
    assert con.n_failed == none.n_failed  # the same draws fail, so they stay aligned
    for d in range(len(none.draws["loadings"])):
        lam = none.draws["loadings"][d]
        sign = np.array([-1.0 if abs((l0[b] - lam[b]).sum()) > abs((l0[b] + lam[b]).sum())
                         else 1.0 for b in blocks])
        flips += (sign < 0).sum()
        item_sign = np.concatenate([np.full(len(b), s) for b, s in zip(blocks, sign)])
        assert np.allclose(con.draws["loadings"][d], lam * item_sign)
        assert np.allclose(con.draws["weights"][d], none.draws["weights"][d] * item_sign)
        assert np.isclose(con.draws["paths"][d, 0, 1],
                          none.draws["paths"][d, 0, 1] * sign[0] * sign[1])
    assert flips > 0


def test_bad_resampling_arguments():
    res = fitted(MOBI4, "mobi")
    with pytest.raises(ArgumentError, match="sign_change must be one of"):
        res.bootstrap(10, sign_change="rotate")
    with pytest.raises(ArgumentError, match="n_jobs"):
        res.bootstrap(10, n_jobs=0)
