"""Independent cross-check: ML point estimates agree with semopy (tight tolerances)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir

semopy = pytest.importorskip("semopy")  # a declared dependency; skip only if broken


def test_cfa_estimates_match_semopy():
    rng = np.random.default_rng(11)
    n = 400
    f1 = rng.normal(size=n)
    f2 = 0.5 * f1 + rng.normal(scale=0.85, size=n)
    cols = {}
    for i, lam in enumerate([1.0, 0.8, 0.7], start=1):
        cols[f"a{i}"] = lam * f1 + rng.normal(scale=0.6, size=n)
        cols[f"b{i}"] = lam * f2 + rng.normal(scale=0.6, size=n)
    df = pd.DataFrame(cols)
    model = "F1 =~ a1 + a2 + a3\nF2 =~ b1 + b2 + b3\nF2 ~ F1"
    ours = ir.fit(model, data=df).params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = semopy.Model(model)
        m.fit(df, options={"ftol": 1e-12, "gtol": 1e-10})
        theirs = m.inspect()
    theirs = theirs.rename(columns={"lval": "lhs", "rval": "rhs", "Estimate": "semopy"})
    # semopy writes loadings as 'a2 ~ F1' with op '~'
    load = theirs["rhs"].isin(["F1", "F2"]) & (theirs["op"] == "~") & ~theirs["lhs"].isin(
        ["F1", "F2"])
    theirs.loc[load, ["lhs", "rhs"]] = theirs.loc[load, ["rhs", "lhs"]].to_numpy()
    theirs.loc[load, "op"] = "=~"
    merged = ours.merge(theirs[["lhs", "op", "rhs", "semopy"]], on=["lhs", "op", "rhs"])
    assert len(merged) == 15  # 6 loadings, 1 path, 6 residual and 2 latent variances
    assert np.max(np.abs(merged["est"] - merged["semopy"].astype(float))) < 1e-3
