"""Factor scores of a fitted model, as lavaan's ``lavPredict()`` (ML, continuous data).

For respondent i with observed vector y_i (model-implied moments Σ, μ; latent means
E(η), covariances of the latent with the observed variables Cov(η, y)):

- ``"regression"`` (Thurstone; lavaan's default): ``η̂_i = E(η) + Cov(η, y) Σ⁻¹ (y_i − μ)``;
- ``"bartlett"``: ``η̂_i = E(η) + (Λ'Θ⁻¹Λ)⁻¹ Λ'Θ⁻¹ (y_i − μ)`` with Λ the loadings and Θ
  the residual covariance matrix of the indicators.

Without a mean structure μ is the sample mean and E(η) = 0, as in lavaan.

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> rng = np.random.default_rng(1)
>>> f = rng.normal(size=200)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.7, size=200) for i in (1, 2, 3)})
>>> res = ir.fit("f =~ x1 + x2 + x3", data=df)
>>> scores = res.predict()
>>> scores.shape
(200, 1)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["factor_scores", "METHODS"]

METHODS = ("regression", "bartlett")


def _weights(ram, theta, method, xbar=None, x_idx=()):
    """(W, E(eta), mu) such that scores = E(eta) + (y - mu) W' for one group.

    ``xbar`` (no mean structure): the sample means, which replace the model means; the
    latent means then follow from the means of the exogenous covariates ``x_idx``, as in
    lavaan."""
    Sigma, mu, B, C, S, m = ram.implied(theta)
    p = ram.p
    lv = slice(p, ram.t)
    if xbar is not None:
        m = m.copy()
        m[list(x_idx)] = xbar[list(x_idx)]
        mu = xbar
    eeta = (B @ m)[lv]
    if method == "regression":
        return C[lv, :p] @ np.linalg.inv(Sigma), eeta, mu
    A, *_ = ram.matrices(theta)
    if np.any(A[:p, :p]):
        raise NotImplementedError("Bartlett scores are available for measurement models "
                                  "(indicators that load on factors only); this model has "
                                  "regressions among observed variables. Use "
                                  "method='regression'")
    lam = A[:p, lv]
    if not np.all(np.any(lam, axis=0)):
        raise NotImplementedError("Bartlett scores need every latent variable measured by "
                                  "observed indicators (not a second-order factor or a "
                                  "composite); use method='regression'")
    theta_inv = np.linalg.inv(S[:p, :p])
    lt = lam.T @ theta_inv
    return np.linalg.solve(lt @ lam, lt), eeta, mu


def factor_scores(res, method="regression", data=None):
    """Factor scores (lavaan ``lavPredict(fit, method = ...)``).

    Parameters
    ----------
    res : SEMResult
        A maximum-likelihood fit to raw data (ML or MLR, complete rows).
    method : {"regression", "bartlett"}
        lavaan's "regression" (default) or "Bartlett".
    data : pandas.DataFrame, optional
        New respondents with the observed columns of the model (one group); by default
        the rows the model was fitted to.

    Returns
    -------
    pandas.DataFrame
        One column per latent variable, indexed like the rows scored.
    """
    method = str(method).lower()
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not known; use 'regression' or 'bartlett'")
    if res.estimator == "WLSMV":
        raise NotImplementedError("factor scores for ordered items (lavaan's EBM scores) are "
                                  "not available yet")
    if method == "bartlett" and res._info.ov_x:
        raise NotImplementedError("Bartlett scores with exogenous observed covariates "
                                  f"({res._info.ov_x}) are not available yet; use "
                                  "method='regression'")
    if res.data is None and data is None:
        raise DataError("the model was fitted to a covariance matrix: pass the respondents' "
                        "answers as data= to score them")
    if res.ngroups > 1 and data is not None:
        raise ValueError("data= is available for single-group models only")
    if data is not None:
        absent = [v for v in res.observed if v not in data.columns]
        if absent:
            raise DataError(f"data= lacks the model's observed columns {absent}")
        groups = [data[res.observed]]
    else:
        groups = [st.data[res.observed] for st in res._stats]
    out = []
    for g, rows in enumerate(groups):
        x = rows.to_numpy(dtype=float)
        if np.isnan(x).any():
            raise DataError(f"row {rows.index[np.isnan(x).any(axis=1)][0]!r} has missing "
                            "values; factor scores are computed for complete rows only")
        xbar = None
        if res._stats[g].mean is None:  # no mean structure: the sample means
            xbar = res._stats[g].data[res.observed].to_numpy(float).mean(axis=0)
        W, eeta, mu = _weights(res._rams[g], res.theta, method, xbar,
                               [res.observed.index(v) for v in res._info.ov_x])
        out.append(pd.DataFrame(eeta + (x - mu) @ W.T, index=rows.index, columns=res.latent))
    return pd.concat(out) if len(out) > 1 else out[0]
