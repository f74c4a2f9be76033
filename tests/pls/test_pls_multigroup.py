"""Multigroup analysis (permutation test, Henseler's bootstrap MGA) and MICOM.

Henseler's test is checked against the seminr PyPI port on the same bootstrap rows; the
permutation test and MICOM against a recomputation from separate ``ir.pls`` fits of the
permuted groups; and both tests must find a difference planted in simulated data."""

import numpy as np
import pandas as pd
import pytest
from plsref import MOBI4, data, r_boot_indices

import im_research as ir
from im_research.errors import ArgumentError


def _mobi_groups():
    mobi = data("mobi").copy()
    mobi["older"] = np.where(np.arange(len(mobi)) % 3 == 0, "a", "b")  # a fixed split
    return mobi


def test_henseler_p_equals_seminr_port():
    sr = pytest.importorskip("seminr", reason="the seminr PyPI port (a test-only "
                             "cross-check, GPL) is not installed")
    mobi = _mobi_groups()
    in_a = (mobi["older"] == "a").to_numpy()
    ia = r_boot_indices(int(in_a.sum()), 200)
    ib = r_boot_indices(int((~in_a).sum()), 200, seed=7)
    ours = ir.pls_multigroup(MOBI4, mobi, "older", n_perm=20, boot_indices=(ia, ib), seed=0)
    items = [c for c in mobi.columns if c != "older"]
    mm = sr.constructs(
        sr.composite("Image", sr.multi_items("IMAG", [1, 2, 3, 4, 5])),
        sr.composite("Expectation", sr.multi_items("CUEX", [1, 2, 3])),
        sr.composite("Value", sr.multi_items("PERV", [1, 2])),
        sr.composite("Satisfaction", sr.multi_items("CUSA", [1, 2, 3])))
    sm = sr.relationships(sr.paths(["Image", "Expectation", "Value"], "Satisfaction"))
    model = sr.estimate_pls((items, mobi[items].to_numpy(float)), mm, sm)
    theirs = sr.estimate_pls_mga(model, in_a, nboot=200, group1_indices=ia,
                                 group2_indices=ib)
    assert ours.groups == ("a", "b")
    for row in theirs:
        mine = ours.paths.loc[f"{row.source} -> {row.target}"]
        assert mine["group1"] == pytest.approx(row.group1_beta, abs=1e-10)
        assert mine["group2"] == pytest.approx(row.group2_beta, abs=1e-10)
        assert mine["p_henseler"] == pytest.approx(row.pls_mga_p, abs=1e-12)


def test_permutation_test_and_micom_recomputed_by_hand():
    mobi = _mobi_groups()
    n_perm = 20
    mga = ir.pls_multigroup(MOBI4, mobi, "older", n_perm=n_perm, n_boot=20, seed=5)
    # the documented draws: the seed's second child spawns one stream per permutation
    perm_seed = np.random.default_rng(5).spawn(2)[1]
    lab = (mobi["older"] == "a").to_numpy()
    perms = [lab[g.permutation(len(lab))] for g in perm_seed.spawn(n_perm)]
    diffs, cs = [], []
    pooled = ir.pls(MOBI4, mobi)
    X = pooled.scores  # only for the index
    items = list(pooled.outer["item"])
    Xs = (mobi[items] - mobi[items].mean()) / mobi[items].std()
    for mask in perms:
        fa, fb = ir.pls(MOBI4, mobi[mask]), ir.pls(MOBI4, mobi[~mask])
        diffs.append(fa.path_matrix.loc["Image", "Satisfaction"]
                     - fb.path_matrix.loc["Image", "Satisfaction"])
        za, zb = Xs.to_numpy() @ fa.weights.to_numpy(), Xs.to_numpy() @ fb.weights.to_numpy()
        cs.append(np.corrcoef(za[:, 0], zb[:, 0])[0, 1])
    row = mga.paths.loc["Image -> Satisfaction"]
    expected_p = (1 + np.sum(np.abs(diffs) >= abs(row["diff"]) - 1e-12)) / (1 + n_perm)
    assert row["p_permutation"] == pytest.approx(expected_p)
    # MICOM step 2: c of the pooled data's Image scores under the two groups' weights
    fa, fb = mga.results["a"], mga.results["b"]
    za, zb = Xs.to_numpy() @ fa.weights.to_numpy(), Xs.to_numpy() @ fb.weights.to_numpy()
    c = np.corrcoef(za[:, 0], zb[:, 0])[0, 1]
    assert mga.micom.loc["Image", "c"] == pytest.approx(c, abs=1e-12)
    assert mga.micom.loc["Image", "c_q05"] == pytest.approx(np.quantile(cs, 0.05), abs=1e-12)
    # step 3: the groups' mean and log-variance differences of the pooled scores
    sa, sb = X[lab], X[~lab]
    assert mga.micom.loc["Value", "mean_diff"] == pytest.approx(
        sa["Value"].mean() - sb["Value"].mean(), abs=1e-12)
    assert mga.micom.loc["Value", "logvar_diff"] == pytest.approx(
        np.log(sa["Value"].var() / sb["Value"].var()), abs=1e-12)


def _planted(seed=3, n=200):
    rng = np.random.default_rng(seed)
    frames = []
    for g, beta in (("low", 0.1), ("high", 0.7)):
        x = rng.normal(size=n)
        y = beta * x + np.sqrt(1 - beta ** 2) * rng.normal(size=n)
        f = {f"x{i}": x + 0.6 * rng.normal(size=n) for i in (1, 2, 3)}
        f |= {f"y{i}": y + 0.6 * rng.normal(size=n) for i in (1, 2, 3)}
        frames.append(pd.DataFrame(f).assign(g=g))
    return pd.concat(frames, ignore_index=True)


def test_a_planted_difference_is_found_and_reproducible():
    model = "X =~ x1 + x2 + x3\nY =~ y1 + y2 + y3\nY ~ X"
    a = ir.pls_multigroup(model, _planted(), "g", n_perm=200, n_boot=200, seed=11)
    row = a.paths.loc["X -> Y"]
    assert a.groups == ("high", "low") and row["diff"] > 0.4
    assert row["p_permutation"] < 0.01 and row["p_henseler"] < 0.01
    # the same measurement model in both groups: the groups' weights give nearly the
    # same composites (the weak group's X weights are noisier, which step 2 may flag)
    assert (a.micom["c"] > 0.99).all()
    assert set(a.micom["invariance"]) <= {"full", "partial", "none"}
    b = ir.pls_multigroup(model, _planted(), "g", n_perm=200, n_boot=200, seed=11)
    pd.testing.assert_frame_equal(a.paths, b.paths)
    pd.testing.assert_frame_equal(a.micom, b.micom)
    assert "MICOM" in a.summary()


def test_bad_group_arguments():
    mobi = _mobi_groups()
    with pytest.raises(ArgumentError, match="group must name a column"):
        ir.pls_multigroup(MOBI4, mobi, "nope")
    three = mobi.assign(older=np.arange(len(mobi)) % 3)
    with pytest.raises(ArgumentError, match="exactly two groups, found 3"):
        ir.pls_multigroup(MOBI4, three, "older")
    gap = mobi.assign(older=mobi["older"].where(mobi.index != 4))
    with pytest.raises(ArgumentError, match="empty cells"):
        ir.pls_multigroup(MOBI4, gap, "older")
    with pytest.raises(ArgumentError, match="n_perm"):
        ir.pls_multigroup(MOBI4, mobi, "older", n_perm=5)
    with pytest.raises(ArgumentError, match="boot_indices"):
        ir.pls_multigroup(MOBI4, mobi, "older", boot_indices=np.zeros((2, 2), dtype=int))
