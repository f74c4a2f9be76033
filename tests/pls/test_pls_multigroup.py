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
from im_research.pls.groups import adjust_p


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
    one = mobi.assign(older="a")
    with pytest.raises(ArgumentError, match=r"at least two groups, found only \['a'\]"):
        ir.pls_multigroup(MOBI4, one, "older")
    tiny = mobi.assign(older=np.where(np.arange(len(mobi)) < 5, "c", mobi["older"]))
    with pytest.raises(ArgumentError, match="group 'c' has 5 rows, fewer than 10"):
        ir.pls_multigroup(MOBI4, tiny, "older")
    with pytest.raises(ArgumentError, match="adjust must be one of"):
        ir.pls_multigroup(MOBI4, mobi, "older", adjust="fdr")
    three = mobi.assign(older=np.arange(len(mobi)) % 3)
    with pytest.raises(ArgumentError, match="one index array per group"):
        ir.pls_multigroup(MOBI4, three, "older", boot_indices=(np.zeros((20, 84), int),) * 2)
    gap = mobi.assign(older=mobi["older"].where(mobi.index != 4))
    with pytest.raises(ArgumentError, match="empty cells"):
        ir.pls_multigroup(MOBI4, gap, "older")
    with pytest.raises(ArgumentError, match="n_perm"):
        ir.pls_multigroup(MOBI4, mobi, "older", n_perm=5)
    with pytest.raises(ArgumentError, match="boot_indices"):
        ir.pls_multigroup(MOBI4, mobi, "older", boot_indices=np.zeros((2, 2), dtype=int))


def _three_groups():
    mobi = data("mobi").copy()
    mobi["segment"] = np.array(["x", "y", "z"])[np.arange(len(mobi)) * 7 % 3]
    return mobi


def test_three_groups_compare_every_pair_as_a_two_group_call_would():
    """Each pair of a 3-group call equals the 2-group call on that pair's rows, with the
    pair's documented seed stream (child i of default_rng(seed).spawn(3))."""
    mobi = _three_groups()
    mga = ir.pls_multigroup(MOBI4, mobi, "segment", n_perm=30, n_boot=30, seed=42)
    assert mga.groups == ("x", "y", "z")
    assert mga.pairs == [("x", "y"), ("x", "z"), ("y", "z")]
    assert len(mga.paths) == 3 * 3 and len(mga.micom) == 3 * 4
    for i, (a, b) in enumerate(mga.pairs):
        child = np.random.default_rng(42).spawn(3)[i]
        two = ir.pls_multigroup(MOBI4, mobi[mobi["segment"].isin([a, b])], "segment",
                                n_perm=30, n_boot=30, seed=child)
        assert two.pairs == [(a, b)]
        mine = mga.paths[(mga.paths["group_a"] == a) & (mga.paths["group_b"] == b)]
        pd.testing.assert_frame_equal(mine, two.paths)
        micom = mga.micom[(mga.micom["group_a"] == a) & (mga.micom["group_b"] == b)]
        pd.testing.assert_frame_equal(micom, two.micom)
    # the groups' own fits are shared by their pairs; the pooled fit uses every row
    assert mga.results["y"].nobs == int((mobi["segment"] == "y").sum())
    assert mga.pooled.nobs == len(mobi)
    again = ir.pls_multigroup(MOBI4, mobi, "segment", n_perm=30, n_boot=30, seed=42)
    pd.testing.assert_frame_equal(mga.paths, again.paths)
    pd.testing.assert_frame_equal(mga.micom, again.micom)
    assert "not adjusted for multiple comparisons" in mga.summary()


def test_three_groups_with_given_bootstrap_rows():
    mobi = _three_groups()
    sizes = mobi["segment"].value_counts()
    idx = {g: r_boot_indices(int(sizes[g]), 40, seed=s)
           for g, s in zip(("x", "y", "z"), (1, 2, 3))}
    mga = ir.pls_multigroup(MOBI4, mobi, "segment", n_perm=20, boot_indices=idx, seed=0)
    rows = mobi["segment"].isin(["x", "z"])
    two = ir.pls_multigroup(MOBI4, mobi[rows], "segment", n_perm=20,
                            boot_indices=(idx["x"], idx["z"]),
                            seed=np.random.default_rng(0).spawn(3)[1])
    mine = mga.paths[(mga.paths["group_a"] == "x") & (mga.paths["group_b"] == "z")]
    pd.testing.assert_frame_equal(mine, two.paths)


def test_holm_and_bonferroni_on_a_textbook_family():
    p = [0.01, 0.04, 0.03, np.nan]
    np.testing.assert_allclose(adjust_p(p, "holm"), [0.03, 0.06, 0.06, np.nan])
    np.testing.assert_allclose(adjust_p(p, "bonferroni"), [0.03, 0.12, 0.09, np.nan])


@pytest.mark.parametrize("method", ["holm", "bonferroni"])
def test_pairwise_p_values_adjusted_per_path(method):
    mobi = _three_groups()
    mga = ir.pls_multigroup(MOBI4, mobi, "segment", n_perm=40, n_boot=40, seed=3,
                            adjust=method)
    assert f"{method}-adjusted" in mga.summary()
    for _, family in mga.paths.groupby(level=0):
        for col in ("p_permutation", "p_henseler_two_sided"):
            p = family[col].to_numpy()
            adj = family[f"{col}_adj"].to_numpy()
            if method == "bonferroni":
                expected = np.minimum(1, 3 * p)
            else:  # Holm by hand: sorted p times 3, 2, 1, made monotone
                order = np.argsort(p, kind="stable")
                stepped = np.maximum.accumulate(p[order] * np.array([3, 2, 1]))
                expected = np.empty(3)
                expected[order] = np.minimum(1, stepped)
            np.testing.assert_allclose(adj, expected, rtol=0, atol=1e-15)
            assert (adj >= p).all()
    plain = ir.pls_multigroup(MOBI4, mobi, "segment", n_perm=40, n_boot=40, seed=3)
    pd.testing.assert_frame_equal(
        plain.paths, mga.paths.drop(columns=["p_permutation_adj", "p_henseler_two_sided_adj"]))


def test_two_groups_keep_their_columns_and_seed_streams():
    mobi = _mobi_groups()
    mga = ir.pls_multigroup(MOBI4, mobi, "older", n_perm=20, n_boot=20, seed=5)
    assert mga.pairs == [("a", "b")]
    assert set(mga.paths["group_a"]) == {"a"} and set(mga.paths["group_b"]) == {"b"}
    assert mga.paths.loc["Image -> Satisfaction", "pooled"] == pytest.approx(
        mga.pooled.path_matrix.loc["Image", "Satisfaction"], abs=1e-15)
