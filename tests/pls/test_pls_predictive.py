"""Model fit (SRMR, d_ULS, d_G), Q² by blindfolding and PLSpredict.

The shared reference folder holds no oracle for these (no seminr/cSEM/SmartPLS output of
SRMR, Q² or PLSpredict; see shared/reference/pls/README.md), so each is checked against
exact population values where the theory gives them and otherwise against an independent
computation written here from the published formula, built only on ``ir.pls`` fits
through the public API (scores, paths, loadings), not on the package's internals.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from plsref import CORP_EXT, CORP_SIMPLE, ECSI, data, fitted, oracle

import im_research as ir
from im_research.errors import ArgumentError, DataError, DataWarning


def _completed(name):
    """The data as ir.pls uses them: -99 → missing → item mean (mean replacement)."""
    d = data(name).replace(-99, np.nan) if name == "corp_rep" else data(name)
    return d.fillna(d.mean())


def _exact_sample(sigma: pd.DataFrame, n=300, seed=7) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly ``sigma``."""
    z = np.random.default_rng(seed).standard_normal((n, len(sigma)))
    z -= z.mean(axis=0)
    white = np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)))
    return pd.DataFrame(z @ white.T @ np.linalg.cholesky(sigma.to_numpy()).T,
                        columns=sigma.columns)


# --- SRMR, d_ULS, d_G --------------------------------------------------------------------

def _fit_by_formula(res, x):
    """Henseler et al. (2014, Organ. Res. Methods 17(2)) and Dijkstra & Henseler (2015,
    Comput. Stat. Data Anal. 81): Σ of the saturated composite model is S within each
    block and λ_i r_ij λ_j' between blocks (λ: loadings, r: construct-score
    correlations); SRMR = √(Σ_{i≤j} (s_ij − σ_ij)² / (p(p+1)/2)), d_ULS = ½ Σ_ij
    (s_ij − σ_ij)², d_G = ½ Σ_k (log φ_k)², φ_k the eigenvalues of S⁻¹Σ."""
    items = list(res.outer["item"])
    S = np.corrcoef(x[items].to_numpy(), rowvar=False)
    owner = dict(zip(res.outer["item"], res.outer["construct"]))
    lam = dict(zip(res.outer["item"], res.outer["loading"]))
    r = res.scores.corr()
    p = len(items)
    sigma = np.empty((p, p))
    for a in range(p):
        for b in range(p):
            ca, cb = owner[items[a]], owner[items[b]]
            sigma[a, b] = (S[a, b] if ca == cb
                           else lam[items[a]] * r.loc[ca, cb] * lam[items[b]])
    srmr = np.sqrt(sum((S[a, b] - sigma[a, b]) ** 2 for a in range(p) for b in range(a + 1))
                   / (p * (p + 1) / 2))
    d_uls = 0.5 * sum((S[a, b] - sigma[a, b]) ** 2 for a in range(p) for b in range(p))
    phi = np.linalg.eigvals(np.linalg.inv(S) @ sigma).real
    return srmr, d_uls, 0.5 * np.sum(np.log(phi) ** 2)


@pytest.mark.parametrize("model, name", [(CORP_SIMPLE, "corp_rep"), (CORP_EXT, "corp_rep"),
                                         (ECSI, "mobi")])
def test_fit_indices_follow_the_published_formulas(model, name):
    res = fitted(model, name, missing_value=-99) if name == "corp_rep" else fitted(model, name)
    ours = res.fit()
    srmr, d_uls, d_g = _fit_by_formula(res, _completed(name))
    assert ours["srmr"] == pytest.approx(srmr, abs=1e-12)
    assert ours["d_uls"] == pytest.approx(d_uls, abs=1e-11)
    assert ours["d_g"] == pytest.approx(d_g, abs=1e-10)
    assert 0 < ours["srmr"] < 0.08  # these published models fit


@pytest.mark.parametrize("kind, op, consistent", [
    ("composites", "<~", False), ("commonfactors", "=~", True)])
def test_fit_is_exact_on_a_population_the_model_implies(kind, op, consistent):
    """cSEM's DGPs: a composite model estimated with mode B, and a common-factor model with
    PLSc, reproduce Σ exactly (the estimates equal the population values), so SRMR, d_ULS
    and d_G are 0; the same common-factor data fitted as composites do not fit exactly."""
    x = _exact_sample(oracle("cSEM_dgp", f"DGP_linear_3{kind}_Sigma"))
    model = ("\n".join(f"eta{j} {op} y{j}1 + y{j}2 + y{j}3" for j in (1, 2, 3))
             + "\neta2 ~ eta1\neta3 ~ eta1 + eta2")
    fit = ir.pls(model, x, consistent=consistent, tol=1e-12).fit()
    assert fit.abs().max() < 1e-10
    if consistent:
        assert ir.pls(model, x).fit()["srmr"] > 1e-3


# --- Q² by blindfolding ------------------------------------------------------------------

def _q2_by_formula(model, x, construct, distance):
    """Hair et al. (2017, A Primer on PLS-SEM, 2nd ed., ch. 6), construct cross-validated
    redundancy: in round d, every D-th point of the construct's standardised items
    (numbered down each item in turn, starting at d) is set to the mean 0, the model is
    refitted, the construct is predicted from its predecessors' scores and the paths,
    η̂ = Σ b ξ, and each omitted point as loading × η̂; Q² = 1 − Σ(z − ẑ)² / Σ z²."""
    z = (x - x.mean()) / x.std(ddof=1)
    probe = ir.pls(model, z)
    items = list(probe.model.items[construct])
    preds = list(probe.model.predecessors(construct))
    n = len(z)
    sse = sso = 0.0
    for d in range(distance):
        blind = z.copy()
        omitted = {}
        for c, item in enumerate(items):
            rows = np.array([i for i in range(n) if (c * n + i) % distance == d])
            omitted[item] = rows
            blind.iloc[rows, blind.columns.get_loc(item)] = 0.0
        res = ir.pls(model, blind)
        eta = sum(res.scores[s] * res.path_matrix.loc[s, construct] for s in preds)
        for item, rows in omitted.items():
            loading = res.loadings.loc[item, construct]
            sse += float(((z[item].iloc[rows] - loading * eta.iloc[rows]) ** 2).sum())
            sso += float((z[item].iloc[rows] ** 2).sum())
    return 1 - sse / sso


@pytest.mark.parametrize("model, name, distance", [
    (CORP_SIMPLE, "corp_rep", 7), (ECSI, "mobi", 7), (ECSI, "mobi", 6)])
def test_blindfolding_q2_follows_the_primer(model, name, distance):
    res = fitted(model, name, missing_value=-99) if name == "corp_rep" else fitted(model, name)
    ours = res.blindfolding(distance)
    x = _completed(name)[list(res.outer["item"])]
    assert list(ours.index) == [c for c in res.model.endogenous if res.model.modes[c] == "A"]
    for c in (ours.index if model == CORP_SIMPLE else ["Satisfaction", "Loyalty"]):
        assert ours.loc[c, "q2"] == pytest.approx(_q2_by_formula(model, x, c, distance),
                                                  abs=1e-10)
    # standardised items: each one's squares sum to n − 1, spread over the D rounds
    assert list(ours["sso"]) == pytest.approx(
        [(len(x) - 1) * len(res.model.items[c]) for c in ours.index])


def test_blindfolding_distance_rules():
    bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)  # 420 rows
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", bank)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        default = res.blindfolding()  # 420 = 60 × 7: the default moves to D = 8
    assert default.equals(res.blindfolding(8))
    with pytest.warns(DataWarning, match="multiple of the omission distance 7"):
        res.blindfolding(7)
    for bad in (1, 2.5, True, 211):
        with pytest.raises(ArgumentError, match="distance must be an integer"):
            res.blindfolding(bad)
    with pytest.raises(ArgumentError, match="consistent=False"):
        ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", bank,
               consistent=True).blindfolding()


# --- PLSpredict ----------------------------------------------------------------------------

def _plspredict_by_formula(model, x, folds, repetitions, seed):
    """Shmueli et al. (2016, J. Bus. Res. 69(10)), earliest antecedents: fit on the
    training rows; standardise the test rows with the training means and SDs; exogenous
    scores ξ = Z_x w; endogenous η̂ = ξ × total effects; item = loading × η̂, back to the
    raw metric. LM: OLS of each endogenous item on all exogenous items. Q²predict
    (Shmueli et al. 2019, Eur. J. Mark. 53(11)) = 1 − Σ(y − ŷ)² / Σ(y − ȳ_train)². Folds:
    per repetition a permutation from one numpy Generator, split with array_split (the
    documented rule). Metrics per repetition, then averaged."""
    rng = np.random.default_rng(seed)
    n = len(x)
    full = ir.pls(model, x)
    exo = [c for c in full.model.constructs if c not in full.model.endogenous]
    x_items = [i for c in exo for i in full.model.items[c]]
    y_items = [i for c in full.model.endogenous for i in full.model.items[c]]
    owner = dict(zip(full.outer["item"], full.outer["construct"]))
    per_rep = []
    for _ in range(repetitions):
        pls_hat = pd.DataFrame(np.nan, index=x.index, columns=y_items)
        lm_hat, naive = pls_hat.copy(), pls_hat.copy()
        for test in np.array_split(rng.permutation(n), folds):
            train = np.setdiff1d(np.arange(n), test)
            tr, te = x.iloc[train], x.iloc[test]
            res = ir.pls(model, tr)
            mu, sd = tr.mean(), tr.std(ddof=1)
            zt = (te - mu) / sd
            xi = pd.DataFrame({c: zt[list(res.model.items[c])]
                               @ res.weights.loc[list(res.model.items[c]), c] for c in exo})
            for y in y_items:
                c = owner[y]
                eta = sum(xi[e] * res.total_effects.loc[e, c] for e in exo)
                pls_hat.iloc[test, pls_hat.columns.get_loc(y)] = (
                    res.loadings.loc[y, c] * eta * sd[y] + mu[y]).to_numpy()
                A = np.column_stack([np.ones(len(tr)), tr[x_items]])
                b = np.linalg.lstsq(A, tr[y].to_numpy(), rcond=None)[0]
                lm_hat.iloc[test, lm_hat.columns.get_loc(y)] = (
                    np.column_stack([np.ones(len(te)), te[x_items]]) @ b)
                naive.iloc[test, naive.columns.get_loc(y)] = mu[y]
        y = x[y_items]
        per_rep.append(pd.DataFrame({
            "pls_rmse": np.sqrt(((pls_hat - y) ** 2).mean()),
            "pls_mae": (pls_hat - y).abs().mean(),
            "q2_predict": 1 - ((pls_hat - y) ** 2).sum() / ((naive - y) ** 2).sum(),
            "lm_rmse": np.sqrt(((lm_hat - y) ** 2).mean()),
            "lm_mae": (lm_hat - y).abs().mean()}))
    return sum(per_rep) / repetitions


@pytest.mark.parametrize("model, name", [(CORP_EXT, "corp_rep"), (ECSI, "mobi")])
def test_plspredict_follows_shmueli(model, name):
    res = fitted(model, name, missing_value=-99) if name == "corp_rep" else fitted(model, name)
    x = _completed(name)[list(res.outer["item"])]
    ours = res.predict(5, 2, seed=11).metrics
    expected = _plspredict_by_formula(model, x, 5, 2, 11)
    assert list(ours.index) == list(expected.index)
    diff = (ours[expected.columns] - expected).abs().to_numpy().max()
    assert diff < 1e-10


def test_plspredict_is_byte_identical_for_a_seed():
    res = fitted(CORP_EXT, "corp_rep", missing_value=-99)
    a, b = res.predict(10, 3, seed=5), res.predict(10, 3, seed=np.random.default_rng(5))
    numbers = ["pls_rmse", "pls_mae", "q2_predict", "lm_rmse", "lm_mae"]
    assert (a.metrics[numbers].to_numpy().tobytes()
            == b.metrics[numbers].to_numpy().tobytes())
    assert a.metrics["construct"].equals(b.metrics["construct"])
    assert a.predictions.tobytes() == b.predictions.tobytes()
    assert a.lm_predictions.tobytes() == b.lm_predictions.tobytes()
    assert not np.array_equal(a.predictions, res.predict(10, 3, seed=6).predictions)
    # every row is predicted once per repetition, out of sample
    assert np.isfinite(a.predictions).all() and a.predictions.shape == (3, res.nobs, 10)


def test_plspredict_arguments_are_checked():
    res = fitted(CORP_SIMPLE, "corp_rep", missing_value=-99)
    for kwargs, word in [({"folds": 1}, "folds"), ({"folds": 345}, "folds"),
                         ({"folds": 2.0}, "folds"), ({"repetitions": 0}, "repetitions")]:
        with pytest.raises(ArgumentError, match=f"{word} must be an integer"):
            res.predict(**kwargs)
    with pytest.raises(ArgumentError, match="consistent=False"):
        fitted(ECSI, "mobi", consistent=True).predict(seed=1)
    # 21 exogenous items: the LM needs more than 22 training rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        tiny = ir.pls(CORP_EXT, data("corp_rep").iloc[:28], missing_value=-99)
    with pytest.raises(DataError, match="too few rows for the LM benchmark on 21"):
        tiny.predict(4, 1, seed=1)


def test_summary_and_report_carry_fit_q2_and_plspredict():
    res = fitted(CORP_SIMPLE, "corp_rep", missing_value=-99)
    text = res.summary()
    assert "Model fit (saturated model)" in text and "Q² (blindfolding, D = 7)" in text
    assert "PLSpredict (10 folds × 10 repetitions, seed 0)" in text
    table = res.report()
    q2 = table[table["criterion"] == "Q² (blindfolding, D = 7)"].set_index("subject")["value"]
    assert q2.to_dict() == res.blindfolding()["q2"].to_dict()
    plsc = fitted(ECSI, "mobi", consistent=True)
    assert "not defined for PLSc" in plsc.summary()
    rows = plsc.report()
    assert (rows.loc[rows["step"] == "10 predictive power", "verdict"]
            .str.startswith("not defined for PLSc").all())
