"""plant_missing: MCAR and MAR cells planted in complete data, reproducibly."""

import numpy as np
import pandas as pd
import pytest

from im_research.errors import ArgumentError, DataError
from im_research.synthetic.missingness import plant_missing


def _complete(n=2000):
    rng = np.random.default_rng(0)
    d = rng.normal(size=n)
    return pd.DataFrame({"d": d, "a": d + rng.normal(size=n), "b": rng.integers(1, 8, n)})


def test_same_seed_same_cells_and_truth_lists_them():
    one = plant_missing(_complete(), ["a", "b"], seed=4, mcar=0.1, driver="d", rate=0.2)
    two = plant_missing(_complete(), ["a", "b"], seed=4, mcar=0.1, driver="d", rate=0.2)
    pd.testing.assert_frame_equal(one.data, two.data)
    cells = set(zip(*np.nonzero(one.data[["a", "b"]].isna().to_numpy())))
    assert {(i, ["a", "b"].index(c)) for i, c in one.truth["missing_cells"]} == cells
    assert one.truth["mechanism"] == "MCAR and MAR"
    other = plant_missing(_complete(), ["a", "b"], seed=5, mcar=0.1)
    assert not other.data["a"].isna().equals(one.data["a"].isna())


def test_mcar_rate_and_independence_from_the_driver():
    out = plant_missing(_complete(), ["a"], seed=1, mcar=0.2).data
    assert out["a"].isna().mean() == pytest.approx(0.2, abs=0.03)
    gone = out["a"].isna()
    assert abs(out.loc[gone, "d"].mean() - out.loc[~gone, "d"].mean()) < 0.15


def test_mar_hits_respondents_low_on_the_driver_and_keeps_the_driver():
    data = _complete()
    out = plant_missing(data, ["a", "b"], seed=2, driver="d", rate=0.2).data
    assert out[["a", "b"]].isna().mean().mean() == pytest.approx(0.2, abs=0.03)
    assert out["d"].notna().all()
    low = data["d"] < -1
    high = data["d"] > 1
    assert out.loc[low, "a"].isna().mean() > 3 * out.loc[high, "a"].isna().mean()
    # untouched cells keep their values; the frame passed in is not changed
    kept = out["a"].notna()
    assert (out.loc[kept, "a"] == data.loc[kept, "a"]).all()
    assert data["a"].notna().all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(items=["zz"], mcar=0.1), DataError, r"\['zz'\]"),
    (dict(items=[], mcar=0.1), ArgumentError, r"items=\[\] is empty"),
    (dict(items=["a"], rate=0.1), ArgumentError, r"rate=0\.1 needs driver="),
    (dict(items=["a"], driver="a", rate=0.1), ArgumentError, r"driver='a' is among items"),
    (dict(items=["a"], driver="q", rate=0.1), DataError, r"driver='q'"),
    (dict(items=["a"], mcar=1.5), ArgumentError, r"mcar=1\.5"),
    (dict(items=["a"], driver="d", rate=0.7), ArgumentError, r"rate=0\.7"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        plant_missing(_complete(200), seed=1, **kwargs)


def test_incomplete_or_text_columns_are_refused_with_the_row():
    data = _complete(50)
    data.loc[7, "a"] = np.nan
    with pytest.raises(DataError, match=r"'a' is already missing in row 7"):
        plant_missing(data, ["a"], seed=1, mcar=0.1)
    with pytest.raises(DataError, match=r"'t' is not numeric"):
        plant_missing(_complete(50).assign(t="x"), ["t"], seed=1, mcar=0.1)
    with pytest.raises(ArgumentError, match="seed"):
        plant_missing(_complete(50), ["a"], seed=None, mcar=0.1)
