"""Widget callbacks, driven by setting values (no browser needed)."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.teaching.widgets import ModIndicesExplorer, PathExplorer


@pytest.fixture(scope="module")
def chain():
    rng = np.random.default_rng(5)
    n = 300
    x = rng.normal(size=n)
    m = 0.5 * x + rng.normal(scale=0.8, size=n)
    y = 0.4 * m + 0.3 * x + rng.normal(scale=0.8, size=n)
    return pd.DataFrame({"x": x, "m": m, "y": y})


def test_modindices_slider_filters_table():
    rng = np.random.default_rng(9)
    n = 300
    f1, f2 = rng.normal(size=(2, n))
    cols = {f"a{i}": f1 + rng.normal(scale=0.7, size=n) for i in range(1, 4)}
    cols.update({f"b{i}": f2 + rng.normal(scale=0.7, size=n) for i in range(1, 4)})
    cols["b3"] = cols["b3"] + 0.8 * f1  # a cross-loading the model omits
    res = ir.fit("F1 =~ a1 + a2 + a3\nF2 =~ b1 + b2 + b3", data=pd.DataFrame(cols))
    ex = ModIndicesExplorer(res, min_mi=0.0)
    n_all = len(ex.table)
    ex.slider.value = 10.0
    assert 0 < len(ex.table) < n_all
    assert (ex.table["mi"] >= 10).all()
    assert ("F1", "=~", "b3") in set(zip(ex.table["lhs"], ex.table["op"], ex.table["rhs"]))
    ex.slider.value = ex.slider.max
    assert len(ex.table) <= 1


def test_path_explorer_refits_and_tests_difference(chain):
    ex = PathExplorer("m ~ x\ny ~ m", chain, ["y ~ x"])
    assert list(ex.table.index) == ["base model"]
    ex.dropdown.value = "y ~ x"
    assert ex.result.fit_measures["df"] == 0
    diff = ex.table.loc["difference"]
    assert diff["df"] == 1 and diff["chisq"] > 10 and diff["pvalue"] < 0.01
    ex.dropdown.value = "(none)"
    assert list(ex.table.index) == ["base model"]
