"""Property-based checks of the argument-validation layer: any value either comes back
in canonical form or is refused with the package's own error, never a raw one."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import im_research as ir
from im_research.errors import ArgumentError, IMResearchError
from im_research.validation import as_count, as_names, as_number, as_seed, seed_sequence

ANY = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8), st.binary(max_size=8),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=4), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.integers(-3, 3)), st.just(np.int64(7)), st.just(np.float64(2.5)),
    st.just(np.random.default_rng(1)), st.just(object()))


@settings(max_examples=500, deadline=None)
@given(ANY)
def test_as_count_returns_an_int_or_refuses(value):
    try:
        n = as_count(value, "n", minimum=1)
    except ArgumentError as exc:
        assert "n=" in str(exc)
    else:
        assert type(n) is int and n >= 1 and n == value


@settings(max_examples=500, deadline=None)
@given(ANY)
def test_as_seed_gives_a_reproducible_stream_or_refuses(value):
    try:
        ss = seed_sequence(value)
    except ArgumentError as exc:
        assert "seed" in str(exc)
        with pytest.raises(ArgumentError):
            as_seed(value)
    else:
        if not isinstance(value, np.random.Generator):  # a Generator is consumed
            assert seed_sequence(value).entropy == ss.entropy


@settings(max_examples=500, deadline=None)
@given(ANY)
def test_as_names_never_splits_a_string(value):
    try:
        names = as_names(value, "items")
    except ArgumentError as exc:
        assert "items=" in str(exc)
    else:
        assert all(isinstance(v, str) and v.strip() for v in names)
        if isinstance(value, str):
            assert names == [value]


@settings(max_examples=500, deadline=None)
@given(ANY)
def test_as_number_is_finite_and_in_range_or_refuses(value):
    try:
        x = as_number(value, "level", low=0, high=1)
    except ArgumentError as exc:
        assert "level=" in str(exc)
    else:
        assert 0 < x < 1


CELL = st.one_of(st.integers(1, 5), st.floats(allow_nan=True, allow_infinity=True),
                 st.sampled_from(["agree", "", " ", "3", "۴"]), st.none())


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=0, max_size=12),
       st.lists(st.one_of(st.integers(0, 3), st.none()), min_size=0, max_size=12))
def test_screen_on_arbitrary_cells(rows, ids):
    data = pd.DataFrame(rows, columns=["a1", "a2", "b1", "b2"])
    if len(ids) == len(data):
        data["id"] = ids
    id_col = "id" if "id" in data else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = ir.quality.screen(data, ["a1", "a2", "b1", "b2"], id_col=id_col)
        except IMResearchError:
            return
    assert len(out.table) == len(data) and out.table["id"].is_unique


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.floats(-2, 2), st.sampled_from([np.nan, np.inf])), min_size=6,
                max_size=6),
       st.one_of(st.integers(-5, 500), st.floats(allow_nan=True), st.text(max_size=3),
                 st.none()),
       st.one_of(st.none(), st.lists(st.floats(allow_nan=True, allow_infinity=True),
                                     max_size=5)))
def test_fit_from_arbitrary_summary_data(off_diagonal, nobs, sd):
    names = ["x1", "x2", "x3", "x4"]
    c = np.eye(4)
    c[np.triu_indices(4, 1)] = off_diagonal
    c[np.tril_indices(4, -1)] = c.T[np.tril_indices(4, -1)]
    cov = pd.DataFrame(c, index=names, columns=names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = ir.fit("f =~ x1 + x2 + x3 + x4", cov=cov, nobs=nobs, sd=sd)
        except IMResearchError:
            return
    assert res.nobs == nobs and np.isfinite(res.params["est"]).all()


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["x1", "x2", "x3", "g"]), CELL),
                max_size=8),
       st.sampled_from([{}, {"missing": "fiml"}, {"group": "g"}, {"ordered": True},
                        {"estimator": "MLR"}]))
def test_fit_on_damaged_data(damage, options):
    rng = np.random.default_rng(0)
    f = rng.normal(size=30)
    data = pd.DataFrame({f"x{i}": np.round(2 + f + rng.normal(size=30)) for i in (1, 2, 3)})
    data["g"] = np.repeat([1, 2], 15)
    data = data.astype(object)
    for row, col, value in damage:
        data.loc[row, col] = value
    data = data.infer_objects()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = ir.fit("f =~ x1 + x2 + x3", data=data, **options)
        except IMResearchError:
            return
    assert res.nobs <= len(data) and np.isfinite(res.params["est"]).all()
