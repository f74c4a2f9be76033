"""Multi-group ML models reproduce lavaan (HS1939 by school)."""

import math

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

CASES = {
    "hs_multigroup": {},
    "hs_multigroup_loadings": dict(group_equal=("loadings",)),
    "hs_multigroup_partial": dict(group_equal=("loadings", "intercepts"),
                                  group_partial=["x3~1"]),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    ref = load_reference(request.param)
    hs = load_reference_data("HolzingerSwineford1939.csv")
    res = ir.fit(ref["model_syntax"], data=hs, group="school", **CASES[request.param])
    return request.param, ref, res


def test_group_order_is_first_appearance(case):
    _, _, res = case
    assert res.group_labels == ["Pasteur", "Grant-White"]


def test_estimates_and_ses(case):
    name, ref, res = case
    pe = pd.DataFrame(ref["parameter_estimates"])
    pe["group"] = [res.group_labels[g - 1] for g in pe["group"]]
    m = res.params.merge(pe, on=["lhs", "op", "rhs", "group"], suffixes=("", "_lavaan"))
    assert len(m) == len(pe) == len(res.params)
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3
    assert np.nanmax(np.abs(m["std_all"] - m["std.all"])) < 1e-4


def test_fit_measures(case):
    name, ref, res = case
    bad = []
    for key, want in ref["fit_measures"].items():
        k = key.replace(".", "_")
        if k in res.fit_measures.index and want is not None:
            if not math.isclose(res.fit_measures[k], want, rel_tol=1e-3, abs_tol=1e-6):
                bad.append((k, want, res.fit_measures[k]))
    assert not bad, bad


def test_too_few_cases_in_a_group():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    small = pd.concat([hs[hs["school"] == "Pasteur"], hs[hs["school"] == "Grant-White"].head(5)])
    with pytest.raises(ir.DataError, match="group 'Grant-White' has only 5 complete cases"):
        ir.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6", data=small, group="school")


def test_modification_indices_match_lavaan(case):
    # with equal loadings lavaan also scores the fixed marker loadings of each group
    _, ref, res = case
    want = pd.DataFrame(ref["modindices"])
    want["group"] = [res.group_labels[g - 1] for g in want["group"]]
    m = res.modindices(sort=False).merge(want, on=["lhs", "op", "rhs", "group"],
                                         suffixes=("", "_lavaan"), how="outer",
                                         indicator=True)
    assert (m["_merge"] == "both").all(), m.loc[m["_merge"] != "both",
                                                ["lhs", "op", "rhs", "group", "_merge"]]
    assert np.max(np.abs(m["mi"] - m["mi_lavaan"]) / np.maximum(m["mi_lavaan"], 1)) < 2e-3
