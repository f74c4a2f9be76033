"""Anonymise survey data for release (teaching datasets, data sharing).

Steps, each recorded in the release log:

1. direct identifiers (names, e-mails, phone numbers, ...) are removed;
2. the respondent id becomes a keyed pseudonym, HMAC-SHA256(key, id): the same key gives
   the same pseudonyms (waves can be linked); the key is never written anywhere;
3. quasi-identifiers are generalised: numbers into bands (``age``: 10-year bands, or your
   cut points), dates of birth into age bands, rare categories merged into "other";
4. k-anonymity and l-diversity are verified with pycanon; records in equivalence classes
   smaller than k get their quasi-identifiers suppressed ("*") one at a time
   (local suppression) until k holds; a record that still cannot be protected is removed
   and listed with its reason;
5. optional noise for continuous quasi-identifiers (seeded);
6. the utility cost is measured: the largest change in the item correlations, and in the
   standardized estimates of a reference SEM when one is given.

:func:`unit_summary` suppresses small cells (n < 5) in unit-level tables, with
complementary suppression so that a suppressed unit cannot be recovered from the rest.

Examples
--------
>>> import pandas as pd
>>> from im_research.survey.anonymize import pseudonymize
>>> pseudonymize(["E001", "E002"], key="my secret")[0] != "E001"
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["pseudonymize", "anonymize", "Release", "unit_summary"]


def pseudonymize(values, key, length: int = 16) -> list:
    """Keyed pseudonyms HMAC-SHA256(key, value), hex, first ``length`` characters."""
    if key is None or (isinstance(key, (str, bytes)) and len(key) < 8):
        raise DataError("a pseudonymisation key of at least 8 characters is required; keep "
                        "it secret and store it apart from the data")
    k = key.encode() if isinstance(key, str) else bytes(key)
    return [hmac.new(k, str(v).encode(), hashlib.sha256).hexdigest()[:length]
            for v in values]


@dataclass
class Release:
    """``data`` (the anonymised table), ``log`` (dict, JSON-ready) and ``accounting``
    (one row per input row: ``row, status, reason``)."""

    data: pd.DataFrame
    log: dict
    accounting: pd.DataFrame = field(default_factory=pd.DataFrame)

    def log_json(self) -> str:
        return json.dumps(self.log, ensure_ascii=False, indent=1, default=_json_default)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    return str(o)


def _band(x, edges):
    labels = [f"{int(a)}-{int(b) - 1}" if np.isfinite(b) else f"{int(a)}+"
              for a, b in zip(edges[:-1], edges[1:])]
    return pd.cut(x, edges, right=False, labels=labels).astype(object)


def _k_of(data, qi):
    from pycanon import anonymity
    return int(anonymity.k_anonymity(data.reset_index(drop=True), qi))


def anonymize(data: pd.DataFrame, *, key, id_col=None, direct_identifiers=(),
              quasi_identifiers=None, sensitive=(), k: int = 5, items=(), noise=None,
              seed=None, reference_model=None, reference_date=None) -> Release:
    """Anonymise ``data`` for release.

    Parameters
    ----------
    key : str
        Secret for the keyed pseudonyms (never stored in the output or the log).
    id_col : str, optional
        Respondent id column, replaced by its pseudonym (column ``pid``).
    direct_identifiers : sequence of str
        Columns removed outright.
    quasi_identifiers : dict
        ``{column: rule}`` with rule ``"band10"`` (10-unit bands), a list of cut points,
        ``"age_from_date"`` (date of birth → 10-year age band at ``reference_date``) or
        ``"merge_rare"`` (categories with fewer than k rows → "other").
    sensitive : sequence of str
        Attributes whose l-diversity is reported.
    k : int
        Required k-anonymity.
    items : sequence of str
        Survey items whose correlations measure the utility cost.
    noise : dict, optional
        ``{column: sd}`` Gaussian noise for continuous columns (needs ``seed``).
    reference_model : str, optional
        lavaan syntax fitted before and after; the largest change in ``std_all`` is logged.
    """
    qi_rules = dict(quasi_identifiers or {})
    missing = [c for c in list(direct_identifiers) + list(qi_rules) + list(sensitive) +
               list(items) + ([id_col] if id_col else []) if c not in data.columns]
    if missing:
        raise DataError(f"anonymize: columns {missing} are not in the data")
    if k < 2:
        raise DataError("k must be at least 2")
    original = data.copy()
    out = data.drop(columns=list(direct_identifiers))
    log = {"rows_in": len(data), "removed_columns": list(direct_identifiers),
           "generalised": {}, "suppressed_cells": {}, "removed_rows": [], "k_required": k}
    if id_col:
        out.insert(0, "pid", pseudonymize(out[id_col], key))
        out = out.drop(columns=[id_col])
        log["pseudonymised"] = f"{id_col} -> pid (HMAC-SHA256, keyed; key not stored)"
    ref_date = pd.Timestamp(reference_date) if reference_date else pd.Timestamp("2026-01-01")
    for col, rule in qi_rules.items():
        x = out[col]
        if rule == "age_from_date":
            born = pd.to_datetime(x, errors="raise")
            age = (ref_date - born).dt.days / 365.25
            out[col] = _band(age, [0, 20, 30, 40, 50, 60, np.inf])
            out = out.rename(columns={col: f"{col}_ageband"})
            log["generalised"][col] = "date of birth -> 10-year age band (column " \
                                      f"{col}_ageband)"
        elif rule == "band10":
            lo = np.floor(x.min() / 10) * 10
            out[col] = _band(x, list(np.arange(lo, x.max() + 10, 10)) + [np.inf])
            log["generalised"][col] = "10-unit bands"
        elif isinstance(rule, (list, tuple)):
            out[col] = _band(x, list(rule) + ([np.inf] if np.isfinite(rule[-1]) else []))
            log["generalised"][col] = f"bands at {list(rule)}"
        elif rule == "merge_rare":
            counts = x.value_counts()
            rare = list(counts[counts < k].index)
            out[col] = x.where(~x.isin(rare), "other")
            log["generalised"][col] = f"merged rare categories {sorted(map(str, rare))} " \
                                      "into 'other'"
        else:
            raise DataError(f"unknown generalisation rule {rule!r} for {col!r}")
    qi = [c if c in out.columns else f"{c}_ageband" for c in qi_rules]
    if noise:
        if seed is None:
            raise DataError("noise needs seed= for a reproducible release")
        rng = np.random.default_rng(seed)
        for col, sd in noise.items():
            out[col] = out[col] + rng.normal(scale=sd, size=len(out))
        log["noise"] = {c: f"Gaussian, sd {sd}" for c, sd in noise.items()}
    status = pd.Series("kept", index=out.index, dtype=object)
    reason = pd.Series("", index=out.index, dtype=object)
    if qi:
        out[qi] = out[qi].astype(str)
        # local suppression: blank the most specific QI of records in small classes
        order = sorted(qi, key=lambda c: -out[c].nunique())
        for col in order:
            sizes = out.groupby(qi, dropna=False)[qi[0]].transform("size")
            small = sizes < k
            if not small.any():
                break
            out.loc[small, col] = "*"
            log["suppressed_cells"][col] = int(small.sum())
            reason[small] = reason[small] + f"{col} suppressed; "
        sizes = out.groupby(qi, dropna=False)[qi[0]].transform("size")
        gone = sizes < k
        if gone.any():
            log["removed_rows"] = [{"row": int(i), "reason": f"class smaller than k={k} "
                                    "after suppressing every quasi-identifier"}
                                   for i in out.index[gone]]
            status[gone] = "removed"
            reason[gone] = reason[gone] + "removed: k not reachable"
            out = out[~gone]
        log["k_reached"] = _k_of(out, qi) if len(out) else None
        if sensitive:
            from pycanon import anonymity
            flat = out.reset_index(drop=True)  # pycanon indexes by position
            log["l_reached"] = {s: int(anonymity.l_diversity(flat, qi, [s]))
                                for s in sensitive}
    status[(status == "kept") & (reason != "")] = "kept, suppressed"
    accounting = pd.DataFrame({"row": original.index, "status": status.reindex(
        original.index).to_numpy(), "reason": reason.reindex(original.index).str.strip()
        .to_numpy()})
    log["rows_out"] = len(out)
    log["rows_accounted"] = {s: int(n) for s, n in accounting["status"].value_counts()
                             .items()}
    if items:
        kept = original.loc[out.index, list(items)]
        before = original[list(items)].corr().to_numpy()
        after = out[list(items)].astype(float).corr().to_numpy()
        # utility costs rounded to 6 decimals: the release log must not change with
        # floating-point noise of the estimation (byte-identical regeneration)
        log["utility"] = {"max_abs_change_item_correlation": round(float(np.nanmax(np.abs(
            before - after))), 6), "rows_used": len(kept)}
        if reference_model:
            from ..sem.estimate import fit
            a = fit(reference_model, data=original[list(items)].dropna()).params
            b = fit(reference_model, data=out[list(items)].astype(float).dropna()).params
            m = a.merge(b, on=["lhs", "op", "rhs"], suffixes=("_before", "_after"))
            diff = (m["std_all_before"] - m["std_all_after"]).abs()
            log["utility"]["max_abs_change_std_estimate"] = round(float(diff.max()), 6)
    return Release(out.reset_index(drop=True), log, accounting)


def unit_summary(data: pd.DataFrame, unit: str, columns, min_n: int = 5) -> pd.DataFrame:
    """Unit means with ``n``; units with n < ``min_n`` are suppressed, and when exactly
    one unit is suppressed the next smallest is suppressed too (complementary
    suppression), so that the overall mean cannot reveal it."""
    columns = list(columns)
    g = data.groupby(unit)[columns]
    out = g.mean()
    out.insert(0, "n", g.size())
    small = out["n"] < min_n
    out["suppressed"] = np.where(small, "small cell", "")
    if small.sum() == 1 and len(out) > 1:
        nxt = out.loc[~small, "n"].idxmin()
        out.loc[nxt, "suppressed"] = "complementary"
    hide = out["suppressed"] != ""
    out.loc[hide, columns] = np.nan
    out.loc[hide, "n"] = np.nan
    return out.reset_index()
