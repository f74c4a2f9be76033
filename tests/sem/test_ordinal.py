"""Ordinal items: thresholds and polychoric correlations reproduce lavaan (HS1939 cut into
five categories, tests/reference/data/hs_likert.csv). WLSMV fits: tests/test_wlsmv.py."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data
from im_research.sem.ordinal import polychoric, thresholds

COLS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def likert():
    return load_reference("hs_likert_wlsmv"), load_reference_data("hs_likert.csv")


def test_thresholds_match_lavaan(likert):
    ref, data = likert
    th = thresholds(data, COLS)
    want = pd.Series(ref["thresholds"])
    got = pd.Series(th["est"].to_numpy(), index=th["lhs"] + "|" + th["rhs"])
    assert list(got.index) == list(want.index)
    assert np.max(np.abs(got - want)) < 1e-6
    assert set(th["op"]) == {"|"}


def test_polychoric_matches_lavaan(likert):
    ref, data = likert
    R = polychoric(data, COLS)
    want = np.array(ref["polychoric"]["values"])
    assert ref["polychoric"]["rownames"] == COLS
    assert np.max(np.abs(R.to_numpy() - want)) < 1e-6
    assert np.max(np.abs(R.to_numpy() - np.array(ref["polychoric_lavCor"]["values"]))) < 1e-6


def test_polychoric_uses_pairwise_present_rows(likert):
    _, data = likert
    d = data.copy()
    d.loc[:9, "x1"] = np.nan
    R = polychoric(d, ["x1", "x2"])
    assert np.isfinite(R.iloc[0, 1]) and abs(R.iloc[0, 1]) < 1


def test_ordered_column_with_one_category_is_refused(likert):
    _, data = likert
    d = data.copy()
    d["x1"] = 3
    with pytest.raises(ir.DataError, match="'x1' has only 1 observed category"):
        thresholds(d, ["x1", "x2"])


def test_two_by_two_tables_follow_lavaans_empty_cell_rule():
    # y1 (top decile of x1) and y2 (bottom 5%) never co-occur: lavaan adds 0.5 to the
    # empty cell keeping the margins, which moves rho from about -.92 to -.17
    ref = load_reference("hs_binary_wlsmv")
    data = load_reference_data("hs_binary.csv")
    R = polychoric(data, list(data.columns))
    want = np.array(ref["polychoric_lavCor"]["values"])
    assert np.max(np.abs(R.to_numpy() - want)) < 1e-8
    both = data.assign(y2=data["y1"])
    with pytest.raises(ir.DataError, match="2x2 table of 'y2' and 'y1' has two empty"):
        polychoric(both, ["y1", "y2"])


def test_statistics_name_absent_columns_and_text_covariates(likert):
    from im_research.sem.ordinal import wls_statistics, wls_statistics_conditional

    _, data = likert
    with pytest.raises(ir.DataError, match=r"no column\(s\) \['x10'\]"):
        wls_statistics(data, COLS + ["x10"])
    with pytest.raises(ir.DataError, match=r"covariate\(s\) \['school'\] are not numeric"):
        wls_statistics_conditional(data, COLS, ["school"])
