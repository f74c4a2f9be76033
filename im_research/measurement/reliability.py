"""Reliability and convergent validity of the factors of a fitted CFA/SEM.

Conventions (semTools 0.5-6 and psych, which reviewers' tables usually come from):

- ``alpha``: Cronbach's alpha of the factor's items (psych ``alpha()$total$raw_alpha``);
- ``omega``: semTools ``compRelSEM()`` default: (Σλ)²φ / 1ᵀS1 with the *observed*
  covariance S of the items (lower than the textbook CR when the model misfits);
- ``omega_implied``: the same with the model-implied covariance (``obs.var = FALSE``);
- ``cr``: the Fornell–Larcker composite reliability from standardized loadings,
  (Σλ)² / ((Σλ)² + Σ(1 − λ²));
- ``ave``: semTools ``AVE()``: φ·Σλ² / Σ s_ii (observed variances), which is not the
  textbook mean squared standardized loading; that one is ``ave_fl``;
- ``sqrt_ave`` = √ave (used on the diagonal of the Fornell–Larcker table).

For a WLSMV fit (``ordered=``) the coefficients follow semTools for categorical
indicators: ``omega`` is Green & Yang's (2009) categorical omega (``compRelSEM()``
default, the reliability of the sum of the item *codes*), ``omega_ystar`` the omega of
the latent responses y* (``ord.scale = FALSE``), ``alpha`` is computed on the codes and
``alpha_ord`` (Zumbo et al.'s 2007 "ordinal alpha") on the polychoric correlations;
``ave`` uses the polychoric correlations. A factor of continuous items keeps the usual
omega; a factor mixing ordered and continuous items has no categorical omega (NaN, as
semTools).

Thresholds (Hair et al.; Fornell & Larcker 1981), overridable: CR ≥ .70, AVE ≥ .50,
standardized loadings ≥ .708, alpha ≥ .70.

Examples
--------
>>> import im_research as ir
>>> from im_research.teaching.flagship import fit_flagship
>>> rel = ir.reliability(fit_flagship())
>>> list(rel.columns)[:4]
['factor', 'n_items', 'alpha', 'omega']
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, DataWarning
from ..validation import show

__all__ = ["reliability", "higher_order_reliability", "item_statistics", "cronbach_alpha",
           "omega_categorical", "THRESHOLDS"]

THRESHOLDS = {"cr": 0.70, "ave": 0.50, "loading": 0.708, "alpha": 0.70}


def cronbach_alpha(cov) -> float:
    """Cronbach's alpha from an item covariance (or correlation) matrix."""
    c = np.asarray(cov, float)
    k = c.shape[0]
    if k < 2:
        raise DataError("alpha needs at least two items")
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def _resolve(fit_or_model, data):
    from ..sem.estimate import fit as _fit
    from ..sem.result import SEMResult

    if isinstance(fit_or_model, SEMResult):
        return fit_or_model
    if isinstance(fit_or_model, str):
        if data is None:
            raise DataError("give data= with a model string (or pass a fitted result)")
        return _fit(fit_or_model, data=data)
    raise ArgumentError(f"fit_or_model={show(fit_or_model)}: pass a fitted result "
                        "(im_research.fit) or a model string with data=")


def _thresholds(thresholds):
    if thresholds is None:
        return dict(THRESHOLDS)
    if not isinstance(thresholds, dict):
        raise ArgumentError(f"thresholds={show(thresholds)}: give a dict such as "
                            "{'ave': 0.5}")
    unknown = sorted(set(thresholds) - set(THRESHOLDS))
    if unknown:
        raise ArgumentError(f"thresholds: {unknown} not known; choose from {list(THRESHOLDS)}")
    return {**THRESHOLDS, **thresholds}


def _factor_items(res, where):
    out, left_out = {}, []
    for f, inds in res.indicators.items():
        obs = [v for v in inds if v in res.observed]
        if len(obs) >= 2:
            out[f] = obs
        else:
            left_out.append(f)
    if not out:
        raise DataError("the model has no factor with two or more observed indicators")
    if left_out:
        warnings.warn(f"{where}: factor(s) {left_out} have fewer than two observed indicators "
                      "(a single-item or higher-order factor) and are left out: their "
                      "reliability cannot be estimated from the model (for a second-order "
                      "factor use higher_order_reliability())", DataWarning,
                      stacklevel=3)
    return out


def _item_cov(res, items):
    if res.data is not None:
        return res.data[items].cov().to_numpy()  # divisor N-1, as psych (alpha is unaffected)
    return res.sample_cov.loc[items, items].to_numpy()


def omega_categorical(common, thresholds, polychoric) -> float:
    """Green & Yang's (2009) reliability of a sum of ordinal item codes.

    ``common`` is the model-implied common-factor covariance of the items' latent
    responses (ΛΦΛ'), ``thresholds`` a list of threshold arrays (one per item) and
    ``polychoric`` the items' polychoric correlation matrix (semTools ``omegaCat``)::

        ω = Σ_jj' [Σ_cc' Φ₂(τ_jc, τ_j'c'; common_jj') − Σ_c Φ(τ_jc) Σ_c' Φ(τ_j'c')]
            / (the same with the polychoric correlation in Φ₂)
    """
    from scipy import special

    from ..sem.ordinal import _phi2

    num = den = 0.0
    cdf = [special.ndtr(np.asarray(t, float)).sum() for t in thresholds]
    for j, tj in enumerate(thresholds):
        for jp, tjp in enumerate(thresholds):
            A, B = np.meshgrid(tj, tjp, indexing="ij")
            num += _phi2(A, B, common[j, jp]).sum() - cdf[j] * cdf[jp]
            den += _phi2(A, B, polychoric[j, jp]).sum() - cdf[j] * cdf[jp]
    return float(num / den)


def reliability(fit_or_model, data=None, thresholds=None) -> pd.DataFrame:
    """One row per factor: ``factor, n_items, alpha, omega, omega_implied, cr, ave, ave_fl,
    sqrt_ave, min_loading`` and flags ``alpha_ok, cr_ok, ave_ok, loadings_ok``; WLSMV fits
    add ``alpha_ord`` and ``omega_ystar`` (see the module notes).

    ``fit_or_model`` is a fitted result or a model string (then ``data`` is required).
    Single-group models.
    """
    res = _resolve(fit_or_model, data)
    if res.ngroups > 1:
        raise ArgumentError("reliability() works on single-group fits; fit each group")
    th = _thresholds(thresholds)
    p = res.params
    S = res.sample_cov
    Sig = res.implied_cov
    rows = []
    for f, items in _factor_items(res, "reliability").items():
        lam = p[(p["op"] == "=~") & (p["lhs"] == f)].set_index("rhs").loc[items]
        # the factor's total (model-implied) variance, as semTools' cov.lv: for an
        # endogenous factor the "~~" row holds only its disturbance variance
        C = res._C[0][0]
        k = len(res.observed) + res.latent.index(f)
        phi = C[k, k]
        l_raw = lam["est"].to_numpy()
        l_std = lam["std_all"].to_numpy()
        num = l_raw.sum() ** 2 * phi
        s_f = S.loc[items, items].to_numpy()
        omega = num / s_f.sum()
        omega_implied = num / Sig.loc[items, items].to_numpy().sum()
        cr = l_std.sum() ** 2 / (l_std.sum() ** 2 + (1 - l_std ** 2).sum())
        ave = phi * (l_raw ** 2).sum() / np.trace(s_f)
        alpha = cronbach_alpha(_item_cov(res, items))
        extra = {}
        if res.estimator == "WLSMV":  # ordered items: semTools' categorical versions
            tau = [p.loc[(p["op"] == "|") & (p["lhs"] == v), "est"].to_numpy() for v in items]
            n_ordered = sum(len(t) > 0 for t in tau)
            extra = {"omega_ystar": omega, "alpha_ord": cronbach_alpha(s_f)}
            if n_ordered == len(items):
                omega = omega_categorical(np.outer(l_raw, l_raw) * phi, tau, s_f)
            elif n_ordered:  # ordered and continuous items: undefined (semTools: NA)
                omega = np.nan
                warnings.warn(f"reliability: factor {f!r} mixes ordered and continuous items;"
                              " its categorical omega is undefined (NaN, as semTools); see "
                              "omega_ystar", DataWarning, stacklevel=2)
        rows.append(dict(factor=f, n_items=len(items), alpha=alpha, **extra, omega=omega,
                         omega_implied=omega_implied, cr=cr, ave=ave,
                         ave_fl=float(np.mean(l_std ** 2)), sqrt_ave=float(np.sqrt(ave)),
                         min_loading=float(l_std.min()),
                         alpha_ok=alpha >= th["alpha"], cr_ok=cr >= th["cr"],
                         ave_ok=ave >= th["ave"], loadings_ok=bool(l_std.min() >= th["loading"])))
    return pd.DataFrame(rows)


def item_statistics(fit_or_model, data=None, thresholds=None) -> pd.DataFrame:
    """One row per item: ``factor, item, std_loading, item_rest_r, alpha_if_deleted,
    loading_ok`` (psych's ``r.drop`` and ``alpha.drop``)."""
    res = _resolve(fit_or_model, data)
    th = _thresholds(thresholds)
    p = res.params
    rows = []
    for f, items in _factor_items(res, "item_statistics").items():
        C = _item_cov(res, items)
        lam = p[(p["op"] == "=~") & (p["lhs"] == f)].set_index("rhs")["std_all"]
        for k, item in enumerate(items):
            rest = [j for j in range(len(items)) if j != k]
            cov_ir = C[k, rest].sum()
            var_rest = C[np.ix_(rest, rest)].sum()
            r = cov_ir / np.sqrt(C[k, k] * var_rest)
            a_del = cronbach_alpha(C[np.ix_(rest, rest)]) if len(rest) >= 2 else np.nan
            rows.append(dict(factor=f, item=item, std_loading=lam[item], item_rest_r=r,
                             alpha_if_deleted=a_del, loading_ok=lam[item] >= th["loading"]))
    return pd.DataFrame(rows)


def higher_order_reliability(fit_or_model, factor=None, data=None) -> pd.DataFrame:
    """Reliability of a second-order factor, as semTools' ``reliabilityL2()``.

    For a second-order factor ``F`` with first-order factors ``f_j`` (second-order
    loadings γ_j, disturbance variances ψ_j) measured by items (loadings λ_ij,
    uniquenesses Θ), with φ the model-implied variance of ``F``:

    - ``omega_l1``: the share of the variance of the *sum of all items* due to ``F``,
      (Σ_i Σ_j λ_ij γ_j)² φ / ((Σ_i Σ_j λ_ij γ_j)² φ + Σ_j (Σ_i λ_ij)² ψ_j + 1ᵀΘ1);
    - ``partial_omega_l1``: the same without the first-order disturbances in the
      denominator (the reliability of the sum if the first-order factors were pure
      facets of ``F``);
    - ``omega_l2``: the share of the variance of the *sum of the first-order factors*
      due to ``F``, (Σγ)² φ / ((Σγ)² φ + 1ᵀΨ1).

    As in semTools, all variances are model-implied (raw metric, so ``std_lv=True``
    changes ``omega_l2``); residual covariances among the items and among the
    first-order disturbances enter the sums; items loading directly on ``F`` join both
    sums.

    Parameters
    ----------
    fit_or_model : SEMResult or str
        A fitted single-group model (or a model string with ``data=``).
    factor : str or list of str, optional
        The second-order factor(s); by default every factor with a latent indicator.
    data : DataFrame, optional
        Data when ``fit_or_model`` is a model string.

    Returns
    -------
    DataFrame
        One row per second-order factor: ``factor, first_order, n_items, omega_l1,
        omega_l2, partial_omega_l1``.

    Examples
    --------
    >>> import im_research as ir
    >>> pop = ir.simulate.PopulationModel.from_syntax('''tang =~ .8*t1 + .7*t2 + .7*t3
    ... rel =~ .8*r1 + .7*r2 + .7*r3
    ... resp =~ .8*p1 + .7*p2 + .7*p3
    ... sq =~ .8*tang + .7*rel + .6*resp''')
    >>> data = ir.simulate.draw(pop, 400, seed=1).data
    >>> rel = ir.higher_order_reliability(ir.fit(pop.syntax(), data=data))
    >>> rel[["factor", "first_order"]].to_dict("records")
    [{'factor': 'sq', 'first_order': 'tang, rel, resp'}]
    """
    from ..validation import as_names

    res = _resolve(fit_or_model, data)
    if res.ngroups > 1:
        raise ArgumentError("higher_order_reliability() works on single-group fits; fit "
                            "each group")
    higher = [f for f, inds in res.indicators.items() if any(v in res.latent for v in inds)]
    if factor is None:
        chosen = higher
        if not chosen:
            raise DataError("the model has no second-order factor (a factor measured by "
                            "other factors, e.g. 'g =~ visual + textual + speed')")
    else:
        chosen = as_names(factor, "factor")
        for f in chosen:
            if f not in higher:
                raise ArgumentError(f"factor={f!r} is not a second-order factor of the model;"
                                    f" second-order factors: {higher}")
    p = res.params
    est = {(r.lhs, r.op, r.rhs): r.est for r in p.itertuples()}
    loads = p[p["op"] == "=~"]
    C = res._C[0][0]

    def block_sum(names):  # 1ᵀ M 1 for the (residual) covariances among names
        rows = p[(p["op"] == "~~") & p["lhs"].isin(names) & p["rhs"].isin(names)]
        return float(sum(r.est * (1 if r.lhs == r.rhs else 2) for r in rows.itertuples()))

    out = []
    for f in chosen:
        inds = res.indicators[f]
        first = [v for v in inds if v in res.latent]
        direct = [v for v in inds if v in res.observed]
        gamma = np.array([est[(f, "=~", j)] for j in first])
        k = len(res.observed) + res.latent.index(f)
        phi = C[k, k]  # model-implied: for an endogenous F the "~~" row is its disturbance
        items = list(dict.fromkeys(loads.loc[loads["lhs"].isin(first), "rhs"]))
        items = [v for v in items if v in res.observed]
        both = sorted(set(items) & set(direct))
        if both:
            raise ArgumentError(f"item(s) {both} load on {f!r} both directly and through its "
                                "first-order factors; semTools' reliabilityL2 is undefined")
        lam = {(j, i): est[(j, "=~", i)] for j in first for i in items if (j, "=~", i) in est}
        l1 = sum(lam.get((j, i), 0.0) * g for i in items for j, g in zip(first, gamma))
        unique_l1 = sum(sum(lam.get((j, i), 0.0) for i in items) ** 2 * est[(j, "~~", j)]
                        for j in first)
        direct_sum = sum(est[(f, "=~", i)] for i in direct)
        common_l2 = (direct_sum + gamma.sum()) ** 2 * phi
        error_l2 = block_sum(first) + block_sum(direct)
        common_l1 = (direct_sum + l1) ** 2 * phi
        error_l1 = block_sum(items) + block_sum(direct)
        out.append(dict(factor=f, first_order=", ".join(first), n_items=len(items) + len(direct),
                        omega_l1=common_l1 / (common_l1 + unique_l1 + error_l1),
                        omega_l2=common_l2 / (common_l2 + error_l2),
                        partial_omega_l1=common_l1 / (common_l1 + error_l1)))
    return pd.DataFrame(out)
