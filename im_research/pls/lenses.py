"""One model, two lenses: CB-SEM (``ir.fit``) beside PLS-SEM (``ir.pls``, plain and PLSc).

CB-SEM estimates common factors: each construct is what its items share, and its
relations are free of measurement error. PLS-SEM estimates composites: weighted sums
of the items, which keep the items' error, so with reflective measurement its paths
are usually smaller and its loadings larger than the common-factor ones; PLSc
(Dijkstra & Henseler 2015) corrects the composites with ρA and estimates the common
factor model again. :func:`compare_lenses` puts the three side by side.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataWarning, HeywoodWarning, ModelSyntaxError
from ..sem.estimate import fit
from .estimate import pls

__all__ = ["compare_lenses"]

_COLUMNS = ["kind", "subject", "cb_sem", "pls", "plsc", "pls_minus_cb", "plsc_minus_cb",
            "note"]


def _rho_c(lam) -> float:
    lam = np.asarray(lam, dtype=float)
    return lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())


def _note(kind, cb, p, tol) -> str:
    """Why the composite (PLS) value differs from the common-factor one."""
    if np.isnan(cb) or np.isnan(p):
        return ""
    if abs(p - cb) < tol:
        return f"agree (|PLS − CB| < {tol:g})"
    if kind == "loading":
        return ("PLS larger: a composite contains the item's own error, so it correlates "
                "more with the item" if abs(p) > abs(cb) else "PLS smaller")
    if kind == "path":
        if np.sign(p) != np.sign(cb):
            return "opposite signs: check collinearity and the model"
        return ("PLS smaller: composites carry measurement error, which attenuates "
                "their relations" if abs(p) < abs(cb) else
                "PLS larger: shared predictors or weights that favour the outcome")
    if kind == "r2":
        return "PLS lower: attenuation by measurement error" if p < cb else "PLS higher"
    return "PLS higher: composite loadings are inflated" if p > cb else "PLS lower"


def compare_lenses(model, data, *, tol=0.05, scheme="path", missing="casewise",
                   **fit_kwargs) -> pd.DataFrame:
    """Fit one lavaan model with CB-SEM, PLS-SEM and PLSc and compare them side by side.

    Parameters
    ----------
    model : str
        lavaan syntax with ``=~`` and ``~`` formulas (what both lenses can read; a
        construct measured by one item is fixed to that item in both).
    data : pandas.DataFrame
    tol : float
        Differences below ``tol`` are marked "agree".
    scheme : {"path", "centroid", "factorial"}
        PLS inner weighting scheme.
    missing : {"casewise", "mean"}
        PLS missing-data handling; ``"casewise"`` uses the same rows as CB-SEM's
        listwise deletion.
    **fit_kwargs
        Passed to :func:`im_research.fit` (e.g. ``estimator="MLR"``).

    Returns
    -------
    DataFrame
        One row per quantity: ``kind`` (``"path"``, ``"loading"``, ``"r2"``,
        ``"reliability"`` (ρC / composite reliability), ``"ave"``), ``subject``
        (``"X -> Y"``, ``"X =~ x1"``, a construct), the three estimates
        (``cb_sem``: standardised, ``std_all``), the differences from CB-SEM and a
        ``note`` on why they differ. ``attrs["fits"]`` holds the three fits.

    Raises
    ------
    ModelSyntaxError
        For syntax only one lens reads (``<~``, interaction terms, covariances).

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> table = ir.compare_lenses('''
    ... im =~ im1 + im2 + im3 + im4
    ... js =~ js1 + js2 + js3
    ... js ~ im
    ... ''', bank)
    >>> row = table.set_index("subject").loc["im -> js"]
    >>> bool(abs(row["pls"]) < abs(row["cb_sem"]))  # composites attenuate the path
    True
    """
    if not isinstance(model, str):
        raise ArgumentError(f"model must be a lavaan model string, got {type(model).__name__}")
    if "<~" in model or ":" in model.replace(":=", ""):
        raise ModelSyntaxError("compare_lenses needs a model both lenses read: =~ and ~ "
                               "only (no <~ composites or X:M interaction terms)")
    if not (isinstance(tol, float) and tol > 0):
        raise ArgumentError(f"tol must be a positive number, got {tol!r}")
    cb = fit(model, data, **fit_kwargs)
    with warnings.catch_warnings():
        # PLSc warnings (inadmissible correlations) are shown in the table as values
        warnings.simplefilter("ignore", HeywoodWarning)
        warnings.simplefilter("ignore", DataWarning)
        plain = pls(model, data, scheme=scheme, missing=missing)
        plsc = pls(model, data, scheme=scheme, missing=missing, consistent=True)
    par = cb.params
    rows = []

    def add(kind, subject, c, p, q):
        rows.append((kind, subject, c, p, q, p - c, q - c, _note(kind, c, p, tol)))

    for s, t in plain.model.paths:
        hit = par[(par["op"] == "~") & (par["lhs"] == t) & (par["rhs"] == s)]
        add("path", f"{s} -> {t}", float(hit["std_all"].iloc[0]),
            plain.path_matrix.loc[s, t], plsc.path_matrix.loc[s, t])
    lam_cb = {}
    for _, o in plain.outer.iterrows():
        c, x = o["construct"], o["item"]
        if len(plain.model.items[c]) == 1 and c == x:
            continue  # an observed variable in CB-SEM
        hit = par[(par["op"] == "=~") & (par["lhs"] == c) & (par["rhs"] == x)]
        value = float(hit["std_all"].iloc[0])
        lam_cb.setdefault(c, []).append(value)
        q = plsc.outer.loc[(plsc.outer["construct"] == c) & (plsc.outer["item"] == x),
                           "loading"].item()
        add("loading", f"{c} =~ {x}", value, o["loading"], q)
    for c in plain.model.endogenous:
        add("r2", c, float(cb.rsquare.get(c, np.nan)), plain.rsquare.loc[c, "r2"],
            plsc.rsquare.loc[c, "r2"])
    rel_p, rel_q = plain.reliability(), plsc.reliability()
    for c, lam in lam_cb.items():
        if len(lam) < 2:
            continue
        add("reliability", c, _rho_c(lam), rel_p.loc[c, "rhoC"], rel_q.loc[c, "rhoC"])
        add("ave", c, float(np.mean(np.square(lam))), rel_p.loc[c, "AVE"],
            rel_q.loc[c, "AVE"])
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table.attrs["fits"] = {"cb_sem": cb, "pls": plain, "plsc": plsc}
    return table
