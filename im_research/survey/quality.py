"""Data-quality screens for survey responses: careless and inattentive responding.

One row per respondent with these indices (Curran 2016; Meade & Craig 2012) and flags:

- ``longstring``: longest run of identical consecutive answers;
- ``irv``: intra-individual response variability (SD across items);
- ``mahalanobis`` (D²) and its chi-square p-value;
- ``even_odd``: within-person correlation of odd- and even-item half scores across
  constructs, Spearman–Brown corrected (low = inconsistent);
- ``psychsyn`` / ``psychant``: within-person correlation across item pairs that correlate
  strongly (> .60) / negatively (< −.60) in the sample;
- ``attention_failures``: wrong answers to instructed-response items;
- ``fast``: response time under a minimum (when a time column is given).

Nothing is dropped unless ``drop=True``; then the dropped ids are returned too.

Examples
--------
>>> import im_research as ir
>>> sim = ir.simulate.draw(ir.models.internal_branding().population, 300, seed=2,
...                        points=7, careless=0.05)
>>> scr = ir.quality.screen(sim.data, items=[c for c in sim.data if c != "id"], id_col="id")
>>> "n_flags" in scr.table.columns
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError
from ..validation import as_bool, as_frame, as_names, as_number, numeric_block, show

__all__ = ["screen", "ScreenResult", "DEFAULT_THRESHOLDS", "precision_recall"]

DEFAULT_THRESHOLDS = {
    "longstring_share": 0.5,  # run covering half of the items or more
    "irv_max": 0.5,  # SD across items below this
    "mahalanobis_p": 0.001,
    "even_odd_max": -0.2,
    "psychsyn_max": -0.2,
    "min_flags": 2,  # a respondent is suspect with this many flags
}


@dataclass
class ScreenResult:
    """``table`` (per respondent), ``summary`` (counts per index), ``dropped`` ids,
    ``data`` (the data, without dropped rows when ``drop=True``) and ``notes``: why an
    index is missing (NaN) for some or all respondents, keyed by index name."""

    table: pd.DataFrame
    summary: pd.Series
    data: pd.DataFrame
    dropped: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)


def _longstring(x):
    best = np.zeros(len(x), int)
    for r, row in enumerate(x):
        run = longest = 1
        for a, b in zip(row[:-1], row[1:]):
            run = run + 1 if (a == b and not np.isnan(a)) else 1
            longest = max(longest, run)
        best[r] = longest
    return best


def _rowcorr(a, b):
    with warnings.catch_warnings():  # a row with no answers: NaN, noted by screen()
        warnings.simplefilter("ignore", RuntimeWarning)
        a = a - np.nanmean(a, axis=1, keepdims=True)
        b = b - np.nanmean(b, axis=1, keepdims=True)
    num = np.nansum(a * b, axis=1)
    den = np.sqrt(np.nansum(a * a, axis=1) * np.nansum(b * b, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def screen(data: pd.DataFrame, items, id_col=None, constructs=None, attention=None,
           time_col=None, min_seconds=None, thresholds=None, drop=False) -> ScreenResult:
    """Compute the screens for ``items`` (Likert answers, one column each).

    Parameters
    ----------
    constructs : dict, optional
        ``{construct: [items]}`` for the even–odd index (default: items grouped by their
        name without trailing digits, e.g. ``im1..im4`` → ``im``).
    attention : dict, optional
        ``{column: correct answer}`` for instructed-response items.
    time_col, min_seconds : optional
        Completion-time column and the minimum plausible time.
    drop : bool
        Remove respondents with ``n_flags >= min_flags`` and report their ids.
    """
    as_frame(data)
    items = as_names(items, "items")
    if len(items) < 2:
        raise ArgumentError(f"items={show(items)}: screening needs at least two items")
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise DataError(f"screen: the data lack items {missing}")
    drop = as_bool(drop, "drop")
    if thresholds is not None and not isinstance(thresholds, dict):
        raise ArgumentError(f"thresholds={show(thresholds)}: give a dict such as "
                            "{'min_flags': 3}")
    unknown = sorted(set(thresholds or {}) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise ArgumentError(f"thresholds: {unknown} not known; choose from "
                            f"{list(DEFAULT_THRESHOLDS)}")
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    x = numeric_block(data, items, "screen")
    ids = _ids(data, id_col)
    for arg, value in (("constructs", constructs), ("attention", attention)):
        if value is not None and not isinstance(value, dict):
            raise ArgumentError(f"{arg}={show(value)}: give a dict")
    if constructs is not None:
        constructs = {k: as_names(v, f"constructs[{k!r}]") for k, v in constructs.items()}
    named = list(attention or {}) + [i for v in (constructs or {}).values() for i in v]
    absent = [c for c in named if c not in data.columns]
    if absent:
        raise DataError(f"screen: {absent} (from constructs/attention) are not columns of "
                        "the data")
    out = pd.DataFrame({"id": ids})
    notes = {}
    out["longstring"] = _longstring(x)
    out["irv"] = np.nanstd(x, axis=1, ddof=1)
    # Mahalanobis distance (complete rows; others are reported as missing)
    complete = ~np.isnan(x).any(axis=1)
    d2 = np.full(len(x), np.nan)
    if complete.sum() > len(items):
        xc = x[complete]
        inv = np.linalg.pinv(np.cov(xc, rowvar=False))
        dev = xc - xc.mean(axis=0)
        d2[complete] = np.einsum("ij,jk,ik->i", dev, inv, dev)
        if not complete.all():
            notes["mahalanobis"] = (f"missing for the {int((~complete).sum())} rows with a "
                                    "missing item (it needs complete answers)")
    else:
        notes["mahalanobis"] = (f"not computed: {int(complete.sum())} complete rows for "
                                f"{len(items)} items (more rows than items are needed)")
    out["mahalanobis"] = d2
    out["mahalanobis_p"] = stats.chi2.sf(d2, len(items))
    if constructs is None:
        constructs = {}
        for it in items:
            constructs.setdefault(it.rstrip("0123456789_r") or it, []).append(it)
    groups = [v for v in constructs.values() if len(v) >= 2]
    if len(groups) >= 3:
        with warnings.catch_warnings():  # a half with no answers: NaN, noted below
            warnings.simplefilter("ignore", RuntimeWarning)
            odd = np.column_stack([np.nanmean(data[g[0::2]].to_numpy(float), axis=1)
                                   for g in groups])
            even = np.column_stack([np.nanmean(data[g[1::2]].to_numpy(float), axis=1)
                                    for g in groups])
        r = _rowcorr(odd, even)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["even_odd"] = np.where(r > -1, 2 * r / (1 + r), -1.0)
    else:
        out["even_odd"] = np.nan
        notes["even_odd"] = (f"not computed: needs three or more constructs with two or more "
                             f"items (found {len(groups)}); pass constructs=")
    R = np.corrcoef(x[complete], rowvar=False) if complete.sum() > 2 else np.eye(len(items))
    iu = np.triu_indices(len(items), 1)
    syn = [(i, j) for i, j in zip(*iu) if R[i, j] > 0.60]
    ant = [(i, j) for i, j in zip(*iu) if R[i, j] < -0.60]
    for name, pairs in (("psychsyn", syn), ("psychant", ant)):
        if len(pairs) >= 3:
            a = x[:, [i for i, _ in pairs]]
            b = x[:, [j for _, j in pairs]]
            out[name] = _rowcorr(a, b)
        else:
            out[name] = np.nan
            notes[name] = (f"not computed: fewer than three item pairs correlate "
                           f"{'above .60' if name == 'psychsyn' else 'below -.60'} "
                           f"(found {len(pairs)})")
    for name in ("even_odd", "psychsyn", "psychant"):
        n_nan = int(out[name].isna().sum())
        if name not in notes and n_nan:
            notes[name] = (f"missing for {n_nan} respondents whose answers to the item sets "
                           "compared are missing or do not vary (a correlation needs both)")
    flags = pd.DataFrame({"id": ids})
    flags["flag_longstring"] = out["longstring"] >= max(3, th["longstring_share"] * len(items))
    flags["flag_irv"] = out["irv"] < th["irv_max"]
    flags["flag_mahalanobis"] = out["mahalanobis_p"] < th["mahalanobis_p"]
    flags["flag_even_odd"] = out["even_odd"] < th["even_odd_max"]
    flags["flag_psychsyn"] = out["psychsyn"] < th["psychsyn_max"]
    if attention:
        fails = sum((data[c].to_numpy() != v).astype(int) for c, v in attention.items())
        out["attention_failures"] = fails
        flags["flag_attention"] = fails > 0
    if time_col is not None:
        if min_seconds is None:
            raise ArgumentError("give min_seconds with time_col")
        min_seconds = as_number(min_seconds, "min_seconds", low=0, low_open=False)
        if time_col not in data.columns:
            raise DataError(f"screen: time_col={time_col!r} is not a column of the data")
        out["seconds"] = numeric_block(data, [time_col], "screen")[:, 0]
        flags["flag_fast"] = out["seconds"] < min_seconds
    flag_cols = [c for c in flags.columns if c.startswith("flag_")]
    table = pd.concat([out, flags.drop(columns="id")], axis=1)  # row by row
    table["n_flags"] = table[flag_cols].sum(axis=1)
    table["suspect"] = table["n_flags"] >= th["min_flags"]
    summary = table[flag_cols + ["suspect"]].sum().astype(int)
    summary["n"] = len(table)
    dropped = []
    kept = data
    if drop:
        dropped = table.loc[table["suspect"], "id"].tolist()
        keep = ~table["suspect"].to_numpy()
        kept = data[keep]
    return ScreenResult(table, summary, kept, dropped, notes)


def _ids(data, id_col):
    """Respondent ids: ``id_col`` (present, complete, unique) or the row labels."""
    if id_col is None:
        ids = data.index
        what = "the row labels (data.index)"
    else:
        if not isinstance(id_col, (str, int)) or isinstance(id_col, bool):
            raise ArgumentError(f"id_col={show(id_col)}: give the name of the id column")
        if id_col not in data.columns:
            raise DataError(f"screen: id_col={id_col!r} is not a column of the data (it has "
                            f"{show(list(data.columns), 120)}); leave id_col out to use the "
                            "row labels")
        ids = pd.Index(data[id_col])
        what = f"id column {id_col!r}"
        if ids.isna().any():
            rows = list(data.index[ids.isna()][:5])
            raise DataError(f"screen: {what} is missing in rows {rows}; every respondent "
                            "needs an id")
    dup = ids[ids.duplicated()].unique().tolist()
    if dup:
        raise DataError(f"screen: {what} has duplicate values {show(dup[:5])}; ids must be "
                        "unique (one row per respondent) — deduplicate or use another column")
    return ids.to_numpy()


def precision_recall(flagged_ids, true_ids) -> pd.Series:
    """Precision and recall of a screen against known careless respondents."""
    f, t = set(flagged_ids), set(true_ids)
    tp = len(f & t)
    return pd.Series({"precision": tp / len(f) if f else np.nan,
                      "recall": tp / len(t) if t else np.nan, "flagged": len(f),
                      "careless": len(t), "true_positives": tp})
