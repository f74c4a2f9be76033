"""ML estimation reproduces lavaan on the reference models.

Expected values: tests/reference/<case>.json, written by tests/reference/make_reference.R.
Tolerances (issue "lavaan-parity SEM core"): estimates 1e-4 absolute, SEs 1e-3 absolute,
fit measures 1e-3 relative, p-values as lavaan computes them (1e-4 absolute, so that R's
underflow to exactly 0 is reproduced).
"""

import math

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data, merge_with_lavaan

HS_VARS = [f"x{i}" for i in range(1, 10)]


def _hs():
    return load_reference_data("HolzingerSwineford1939.csv")


def _cov_case():
    return dict(cov=_hs()[HS_VARS].cov(), nobs=301)


def _cor_sd_case():
    ref = load_reference("corr_sd_input")
    cor = ref["input_cor"]
    mat = pd.DataFrame(np.array(cor["values"], float), index=cor["rownames"],
                       columns=cor["colnames"])
    sd = pd.Series(ref["input_sd"]) if isinstance(ref["input_sd"], dict) else \
        pd.Series(ref["input_sd"], index=cor["rownames"])
    return dict(cov=mat, sd=sd, nobs=int(ref["fit_info"]["nobs"]))


CASES = {
    "hs_cfa": lambda: dict(data=_hs()),
    "poldem_sem": lambda: dict(data=load_reference_data("PoliticalDemocracy.csv")),
    "hs_cfa_from_cov": _cov_case,
    "mediation": lambda: dict(data=load_reference_data("mediation_sim_n500.csv")),
    "hs_cfa_stdlv": lambda: dict(data=_hs(), std_lv=True),
    "hs_cfa_equal": lambda: dict(data=_hs()),
    "nonrecursive": lambda: dict(data=load_reference_data("nonrecursive.csv")),
    "corr_sd_input": _cor_sd_case,
    "hs_cfa_meanstructure": lambda: dict(data=_hs(), meanstructure=True),
    "hs_bifactor_or_crossload": lambda: dict(data=_hs()),
    "hs_endogenous_cov": lambda: dict(data=_hs()),
    # replications from the bundled published summary statistics
    "bagozzi1980": lambda: ir.datasets.fit_inputs("bagozzi1980_salesforce"),
    "williams_anderson1994": lambda: ir.datasets.fit_inputs("williams_anderson1994"),
}

FIT_KEYS = ["npar", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df", "cfi", "tli",
            "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni", "logl", "unrestricted_logl", "aic",
            "bic", "bic2", "ntotal", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
            "rmsea_pvalue", "rmr", "rmr_nomean", "srmr", "srmr_bentler",
            "srmr_bentler_nomean", "crmr", "crmr_nomean", "srmr_mplus", "srmr_mplus_nomean",
            "gfi", "agfi", "pgfi", "mfi", "ecvi", "cn_05", "cn_01"]


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    name = request.param
    ref = load_reference(name)
    res = ir.fit(ref["model_syntax"], **CASES[name]())
    return name, ref, res


def test_same_parameter_rows(case):
    name, ref, res = case
    merged = merge_with_lavaan(res, ref)
    missing = merged[merged["_merge"] != "both"][["lhs", "op", "rhs", "_merge"]]
    assert missing.empty, f"{name}: rows differ from lavaan:\n{missing}"


@pytest.mark.parametrize("ours, theirs, tol", [
    ("est", "est_lavaan", 1e-4), ("se", "se_lavaan", 1e-3), ("z", "z_lavaan", 1e-2),
    ("pvalue", "pvalue_lavaan", 1e-4), ("ci_lower", "ci.lower", 1e-3),
    ("ci_upper", "ci.upper", 1e-3), ("std_lv", "std.lv", 1e-4), ("std_all", "std.all", 1e-4),
])
def test_parameter_estimates(case, ours, theirs, tol):
    name, ref, res = case
    m = merge_with_lavaan(res, ref)
    m = m[m["_merge"] == "both"]
    a = pd.to_numeric(m[ours], errors="coerce").to_numpy(float)
    b = pd.to_numeric(m[theirs], errors="coerce").to_numpy(float)
    both = ~np.isnan(a) & ~np.isnan(b)
    # lavaan leaves z/pvalue empty exactly where we do
    assert np.array_equal(np.isnan(a), np.isnan(b)), f"{name}: NA pattern of {ours} differs"
    diff = np.abs(a[both] - b[both])
    worst = m.iloc[np.flatnonzero(both)[np.argmax(diff)]] if diff.size else None
    assert diff.size == 0 or diff.max() < tol, (
        f"{name}: {ours} off by {diff.max():.2e} at {worst['lhs']} {worst['op']} "
        f"{worst['rhs']}")


def test_fit_measures(case):
    name, ref, res = case
    theirs = {k.replace(".", "_"): v for k, v in ref["fit_measures"].items()}
    bad = []
    for key in FIT_KEYS:
        if key not in theirs:
            continue
        want, got = theirs[key], res.fit_measures[key]
        if want is None or (isinstance(want, float) and math.isnan(want)):
            if not math.isnan(got):
                bad.append((key, want, got))
            continue
        if not math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-6):
            bad.append((key, want, got))
    assert not bad, f"{name}: fit measures differ (key, lavaan, ours): {bad}"


def test_rsquare(case):
    name, ref, res = case
    for var, want in ref["rsquare"].items():
        assert res.rsquare[var] == pytest.approx(want, abs=1e-4), (name, var)


def test_implied_and_sample_cov(case):
    name, ref, res = case
    for key, ours in (("implied_cov", res.implied_cov), ("sample_cov", res.sample_cov)):
        block = ref[key]
        if isinstance(block, dict) and "cov" in block:
            block = block["cov"]
        theirs = pd.DataFrame(np.array(block["values"], float), index=block["rownames"],
                              columns=block["colnames"])
        ours = ours.loc[theirs.index, theirs.columns]
        assert np.max(np.abs(ours.to_numpy() - theirs.to_numpy())) < 1e-4, (name, key)


def test_modification_indices(case):
    name, ref, res = case
    ours = res.modindices()
    if not ref.get("modindices"):  # lavaan has no candidates (e.g. observed-only models)
        assert ours.empty, f"{name}: lavaan has no modification indices, we have {len(ours)}"
        return
    theirs = pd.DataFrame(ref["modindices"])
    m = ours.merge(theirs, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(m) == len(theirs), f"{name}: {len(theirs)} lavaan rows, {len(m)} matched"
    for a, b, tol in (("mi", "mi_lavaan", 1e-3), ("epc", "epc_lavaan", 1e-3),
                      ("sepc_all", "sepc.all", 1e-3)):
        d = np.nanmax(np.abs(m[a].to_numpy(float) - m[b].to_numpy(float)))
        assert d < tol, (name, a, d)
