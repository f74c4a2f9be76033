"""The group path explorer, driven by setting its dropdown (no browser needed)."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.errors import ArgumentError
from im_research.teaching.widgets import GroupPathExplorer

MODEL = "x =~ x1 + x2 + x3\ny =~ y1 + y2 + y3\nz =~ z1 + z2 + z3\ny ~ x\nz ~ y"


def _group(rng, n, b_xy, b_yz):
    x = rng.normal(size=n)
    y = b_xy * x + rng.normal(scale=0.8, size=n)
    z = b_yz * y + rng.normal(scale=0.8, size=n)
    cols = {f"{name}{i}": f + rng.normal(scale=0.6, size=n)
            for name, f in (("x", x), ("y", y), ("z", z)) for i in (1, 2, 3)}
    return pd.DataFrame(cols)


@pytest.fixture(scope="module")
def two_groups():
    # y ~ x is the same in both groups; z ~ y differs strongly
    rng = np.random.default_rng(17)
    a, b = _group(rng, 400, 0.5, 0.7), _group(rng, 400, 0.5, 0.0)
    return pd.concat([a.assign(g="a"), b.assign(g="b")], ignore_index=True)


def test_choosing_a_path_tests_that_path_only(two_groups):
    ex = GroupPathExplorer(MODEL, two_groups, "g")
    assert list(ex.dropdown.options) == ["y ~ x", "z ~ y"]
    assert ex.test["delta_df"] == 1 and ex.test["pvalue"] > 0.01
    assert list(ex.table.index) == ["a", "b"]
    ex.dropdown.value = "z ~ y"
    assert ex.test["delta_df"] == 1 and ex.test["pvalue"] < 1e-6
    assert ex.table.loc["a", "std_all"] > ex.table.loc["b", "std_all"] + 0.3
    # the constrained fit has one df more than the free one, and the free one is unchanged
    assert ex.result.fit_measures["df"] == ex.free.fit_measures["df"] + 1
    p = ex.result.params.query("op == '~' and lhs == 'z'")
    assert p["est"].nunique() == 1


def test_summary_lists_every_path_with_its_test(two_groups):
    ex = GroupPathExplorer(MODEL, two_groups, "g", measurement=("loadings", "intercepts"))
    s = ex.summary()
    assert list(s.index) == ["y ~ x", "z ~ y"]
    assert list(s.columns) == ["a", "b", "delta_chisq", "delta_df", "pvalue"]
    ex.dropdown.value = "z ~ y"
    assert s.loc["z ~ y", "delta_chisq"] == pytest.approx(ex.test["delta_chisq"])
    lrt = ir.lrt(ex.free, ex.result)
    assert s.loc["z ~ y", "delta_chisq"] == pytest.approx(lrt["delta_chisq"].iloc[1])


def test_bad_arguments_are_refused(two_groups):
    with pytest.raises(ArgumentError, match="one group"):
        GroupPathExplorer(MODEL, two_groups.assign(g="a"), "g")
    with pytest.raises(ArgumentError, match="not regressions"):
        GroupPathExplorer(MODEL, two_groups, "g", paths=["z ~ x"])
