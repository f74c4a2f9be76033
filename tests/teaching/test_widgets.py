"""Widget callbacks, driven by setting values (no browser needed)."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.teaching.widgets import MeasurementLab, ModIndicesExplorer, PathExplorer


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


@pytest.fixture(scope="module")
def two_factors():
    rng = np.random.default_rng(11)
    n = 400
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], size=n)
    cols = {f"a{i}": lam * f[:, 0] + rng.normal(scale=0.6, size=n)
            for i, lam in enumerate([0.9, 0.8, 0.7, 0.3], start=1)}
    cols.update({f"b{i}": f[:, 1] + rng.normal(scale=0.7, size=n) for i in range(1, 4)})
    return pd.DataFrame(cols)


FACTORS = {"A": ["a1", "a2", "a3", "a4"], "B": ["b1", "b2", "b3"]}


def test_measurement_lab_refits_without_an_unticked_item(two_factors):
    lab = MeasurementLab(FACTORS, two_factors)
    assert lab.model() == "A =~ a1 + a2 + a3 + a4\nB =~ b1 + b2 + b3"
    ave_all, alpha_all = lab.table.loc["A", ["ave", "alpha"]]
    lab.boxes["a4"].value = False  # the weak item
    assert lab.model().splitlines()[0] == "A =~ a1 + a2 + a3"
    assert lab.table.loc["A", "n_items"] == 3
    assert lab.table.loc["A", "ave"] > ave_all
    # the lab shows the library's numbers for the model it fitted
    ref = ir.reliability(ir.fit(lab.model(), data=two_factors)).set_index("factor")
    assert lab.table.loc["A", "alpha"] == pytest.approx(ref.loc["A", "alpha"], abs=1e-12)
    assert lab.table.loc["A", "alpha"] != pytest.approx(alpha_all)
    htmt = ir.htmt(lab.model(), two_factors)
    assert lab.htmt.loc["B", "A"] == pytest.approx(htmt.loc["B", "A"], abs=1e-12)
    lab.boxes["a4"].value = True
    assert lab.table.loc["A", "ave"] == pytest.approx(ave_all, abs=1e-12)


def test_measurement_lab_keeps_two_items_per_factor(two_factors):
    lab = MeasurementLab(FACTORS, two_factors)
    lab.boxes["b3"].value = False
    table = lab.table.copy()
    lab.boxes["b2"].value = False
    assert "Keep at least two items of B" in lab.message
    pd.testing.assert_frame_equal(lab.table, table)  # the last valid tables stay
    lab.boxes["b2"].value = True
    assert lab.message == "" and lab.table.loc["B", "n_items"] == 2


@pytest.mark.parametrize("factors, error, match", [
    ({"A": ["a1", "zz"]}, ir.errors.DataError, r"\['zz'\] are not columns"),
    ({"A": ["a1"]}, ir.errors.ArgumentError, "fewer than two items"),
    (["a1", "a2"], ir.errors.ArgumentError, "give a dict"),
    ({}, ir.errors.ArgumentError, "give a dict"),
])
def test_measurement_lab_refuses_bad_factors(two_factors, factors, error, match):
    with pytest.raises(error, match=match):
        MeasurementLab(factors, two_factors)
