"""Centred but unscaled indicators, ``pls(scaled=False)``, against R plspm 0.5.1's
``plspm(satisfaction, ..., modes = rep("A", 6), scaled = FALSE)`` (reference README §4.5
and ``oracles/plspm_R_via_plspm_python/``, centroid, path and factorial schemes), and
as the standardised counterpart plspm's Russett outputs in the same folder.

plspm stops when ``sum((|w_old| − |w_new|)²) < 1e-6`` on unnormalised weights (README §6):
here after 4 iterations, which leaves its weights ≤ 7e-7 from the fixed point we converge
to (mode B: ≤ 3e-5). A numpy replay of plspm's loop with that rule reproduces its weights
to 5e-16, so the tolerances below are the oracle's own precision. plspm scales scores to
population variance 1, so its weights and scores are √(n/(n − 1)) times ours."""

import numpy as np
import pandas as pd
import pytest
from plsref import pls_ref

import im_research as ir

SAT = """
IMAG =~ imag1 + imag2 + imag3 + imag4 + imag5
EXPE =~ expe1 + expe2 + expe3 + expe4 + expe5
QUAL =~ qual1 + qual2 + qual3 + qual4 + qual5
VAL =~ val1 + val2 + val3 + val4
SAT =~ sat1 + sat2 + sat3 + sat4
LOY =~ loy1 + loy2 + loy3 + loy4
EXPE ~ IMAG
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ IMAG + EXPE + QUAL + VAL
LOY ~ IMAG + SAT
"""
TOL = 1e-6  # plspm's stop rule (module docstring)
OUTER = {"centroid": "outer-model", "path": "outer-model-path",
         "factorial": "outer-model-factorial"}


def plspm(name, **kw) -> pd.DataFrame:
    return pd.read_csv(pls_ref() / "oracles" / "plspm_R_via_plspm_python"
                       / f"satisfaction.{name}.csv", **kw)


def satisfaction() -> pd.DataFrame:
    return pd.read_csv(pls_ref() / "data" / "plspm_satisfaction.csv").drop(columns="gender")


def fit(scheme="centroid", model=SAT, **kw):
    return ir.pls(model, satisfaction(), scheme=scheme, scaled=False, **kw)


@pytest.mark.parametrize("scheme", list(OUTER))
def test_outer_model(scheme):
    """Weights (of the centred raw items), loadings, communalities and redundancies."""
    res = fit(scheme)
    o = plspm(OUTER[scheme])
    assert list(res.outer["item"]) == list(o["name"])
    n = res.nobs
    r2 = res.rsquare["r2"].reindex(res.outer["construct"], fill_value=0.0).to_numpy()
    lam = res.outer["loading"].to_numpy()
    assert np.abs(res.outer["weight"].to_numpy() * np.sqrt(n / (n - 1)) - o["weight"]).max() < TOL
    assert np.abs(lam - o["loading"]).max() < TOL
    assert np.abs(lam ** 2 - o["communality"]).max() < TOL
    assert np.abs(lam ** 2 * r2 - o["redundancy"]).max() < TOL


def test_inner_summary_r2_and_gof():
    """R² (README §4.5: EXPE 0.335194, QUAL 0.719688, VAL 0.590084, SAT 0.707321, LOY
    0.509923), block communality (our AVE), mean redundancy, and GoF 0.609741624338411
    = sqrt(mean communality × mean R²) from our loadings and R²."""
    res = fit()
    s = plspm("inner-summary", index_col=0)
    endo = s.index[s["type"] == "Endogenous"]
    assert np.abs(res.rsquare["r2"].reindex(endo) - s.loc[endo, "r_squared"]).max() < TOL
    assert res.rsquare["r2"].round(6).tolist() == [0.335194, 0.719688, 0.590084, 0.707321,
                                                   0.509923]
    ave = res.reliability()["AVE"]
    assert np.abs(ave - s["block_communality"]).max() < TOL
    r2 = res.rsquare["r2"].reindex(s.index, fill_value=0.0)
    assert np.abs(ave * r2 - s["mean_redundancy"]).max() < TOL
    gof = np.sqrt((res.outer["loading"] ** 2).mean() * res.rsquare["r2"].mean())
    assert gof == pytest.approx(0.609741624338411, abs=TOL)


def test_unidimensionality_alpha_scores_and_crossloadings():
    res = fit()
    n = res.nobs
    u = pd.read_csv(pls_ref() / "oracles" / "plspm_R_via_plspm_python"
                    / "satisfaction_unidim.csv", index_col=0)
    assert np.abs(res.reliability()["alpha"] - u["cronbach_alpha"]).max() < 1e-12
    scores = plspm("scores")
    assert list(res.scores.columns) == list(scores.columns)
    assert np.abs(res.scores.to_numpy() * np.sqrt(n / (n - 1)) - scores.to_numpy()).max() < 1e-5
    cross = plspm("crossloadings")
    assert np.abs(res.cross_loadings.to_numpy() - cross.iloc[:, 2:].to_numpy()).max() < TOL


def test_effects_and_inner_model():
    res = fit()
    e = plspm("effects", index_col=0)
    direct = [res.path_matrix.loc[a, b] for a, b in zip(e["from"], e["to"])]
    total = [res.total_effects.loc[a, b] for a, b in zip(e["from"], e["to"])]
    indirect = [res.indirect_effects.loc[a, b] for a, b in zip(e["from"], e["to"])]
    assert np.abs(np.array(direct) - e["direct"]).max() < TOL
    assert np.abs(np.array(indirect) - e["indirect"]).max() < TOL
    assert np.abs(np.array(total) - e["total"]).max() < TOL
    inner = plspm("inner-model", index_col=0)  # SAT's regression
    assert np.abs(res.path_matrix.loc[inner.index, "SAT"] - inner["Estimate"]).max() < TOL


def test_mode_b_inner_summary():
    """All blocks mode B (plspm-python's test_plspm_russa_mode_b on satisfaction):
    regression weights are scale-equivariant, so scaled=False changes nothing but plspm
    stops further from the fixed point (≤ 3e-5)."""
    s = plspm("modeb.inner-summary", index_col=0)
    res = fit(weights={c: "B" for c in s.index}, tol=1e-12)
    endo = s.index[s["type"] == "Endogenous"]
    assert np.abs(res.rsquare["r2"].reindex(endo) - s.loc[endo, "r_squared"]).max() < 1e-5
    assert np.abs(res.reliability()["AVE"] - s["block_communality"]).max() < 5e-5
    scaled = ir.pls(SAT.replace("=~", "<~"), satisfaction(), scheme="centroid", tol=1e-12)
    assert np.abs(scaled.path_matrix.to_numpy() - res.path_matrix.to_numpy()).max() < 1e-10


def test_scaled_false_follows_the_item_variances():
    """Mode A weights follow the item covariances, so the estimates differ from the
    standardised ones; on standardised items scaled=False equals scaled=True; rescaling
    every item by the same factor only rescales the raw weights (tight tol: the stop
    rule is on the weights, whose size the factor changes)."""
    X = satisfaction()
    base = fit(tol=1e-12)
    Z = (X - X.mean()) / X.std()
    std = ir.pls(SAT, Z, scheme="centroid", scaled=False)
    ref = ir.pls(SAT, X, scheme="centroid")
    assert np.abs(std.path_matrix.to_numpy() - ref.path_matrix.to_numpy()).max() < 1e-10
    assert np.abs(base.path_matrix.to_numpy() - ref.path_matrix.to_numpy()).max() > 1e-4
    times3 = ir.pls(SAT, 3 * X, scheme="centroid", scaled=False, tol=1e-12)
    assert np.abs(times3.weights.to_numpy() * 3 - base.weights.to_numpy()).max() < 1e-12
    assert np.abs(times3.scores.to_numpy() - base.scores.to_numpy()).max() < 1e-10
    assert "unstandardised items" in base.summary().splitlines()[0]


@pytest.mark.parametrize("call, pattern", [
    (lambda r: r.bootstrap(10, seed=1), r"bootstrap is not implemented for unstandardised"),
    (lambda r: r.ipma("SAT"), r"IPMA is not implemented for unstandardised"),
    (lambda r: r.predict(seed=1), r"PLSpredict is not implemented for unstandardised"),
    (lambda r: r.blindfolding(), r"blindfolding is not implemented for unstandardised")])
def test_resampling_refuses_unscaled_fits(call, pattern):
    with pytest.raises(ir.ArgumentError, match=pattern):
        call(fit())



RUSSA = """
AGRI =~ gini + farm + rent
IND =~ gnpr + labo
POLINS =~ ecks + death + demo + inst
POLINS ~ AGRI + IND
"""
RUSSA_OUTER = {"centroid": "outer_model", "path": "outer_model_path",
               "factorial": "outer_model_factorial"}


def russa(name=None) -> pd.DataFrame:
    """The Russett data (``russa.csv``) or one of plspm's outputs for it."""
    file = "russa.csv" if name is None else f"russa.{name}.csv"
    return pd.read_csv(pls_ref() / "oracles" / "plspm_R_via_plspm_python" / file, index_col=0)


@pytest.mark.parametrize("scheme", list(RUSSA_OUTER))
def test_standardised_counterpart_russett(scheme):
    """plspm-python's test_plspm_russa (R plspm, standardised items, tol 1e-7, which
    leaves it ≤ 8e-6 from the fixed point): with standardised items plspm's weights equal
    ours (its population-SD scaling cancels), unlike the unscaled case above."""
    res = ir.pls(RUSSA, russa(), scheme=scheme)
    o = russa(RUSSA_OUTER[scheme])
    ours = res.outer.set_index("item").reindex(o.index)
    r2 = res.rsquare["r2"].reindex(ours["construct"], fill_value=0.0).to_numpy()
    assert np.abs(ours["weight"] - o["weight"]).max() < 1e-5
    assert np.abs(ours["loading"] - o["loading"]).max() < 1e-5
    assert np.abs(ours["loading"] ** 2 * r2 - o["redundancy"]).max() < 1e-5


def test_standardised_counterpart_russett_scores_and_inner_model():
    res = ir.pls(RUSSA, russa(), scheme="centroid")
    n = res.nobs
    scores = russa("scores")
    assert np.abs(res.scores.to_numpy() * np.sqrt(n / (n - 1)) - scores.to_numpy()).max() < 1e-5
    cross = russa("crossloadings")
    ours = res.cross_loadings.reindex(cross.index).to_numpy()
    assert np.abs(ours - cross[["AGRI", "IND", "POLINS"]].to_numpy()).max() < 1e-5
    inner = russa("inner_model")
    assert np.abs(res.path_matrix.loc[inner.index, "POLINS"] - inner["estimate"]).max() < 1e-5
    summary = russa("inner_summary")
    assert res.rsquare.loc["POLINS", "r2"] == pytest.approx(summary.loc["POLINS", "r_squared"],
                                                            abs=1e-6)
    assert np.abs(res.reliability()["AVE"] - summary["block_communality"]).max() < 1e-6


def test_standardised_counterpart_russett_mode_b():
    """plspm-python's Russett mode B inner summary (plspm stops ≤ 3e-5 from the fixed
    point here); regression weights make scaled=False give the same composites up to
    sign: IND's items correlate negatively, and unit starting weights on the raw items
    (plspm's start too) point the other way than on standardised ones."""
    s = russa("mode_b_inner_summary")
    fits = [ir.pls(RUSSA, russa(), scheme="centroid", weights=dict.fromkeys(s.index, "B"),
                   scaled=scaled, tol=1e-12) for scaled in (True, False)]
    for res in fits:
        assert res.rsquare.loc["POLINS", "r2"] == pytest.approx(s.loc["POLINS", "r_squared"],
                                                                abs=1e-6)
        assert np.abs(res.reliability()["AVE"] - s["block_communality"]).max() < 5e-5
    paths = [np.abs(res.path_matrix.to_numpy()) for res in fits]
    assert np.abs(paths[0] - paths[1]).max() < 1e-10
    assert (fits[0].path_matrix.loc["IND", "POLINS"]
            == pytest.approx(-fits[1].path_matrix.loc["IND", "POLINS"], abs=1e-10))
