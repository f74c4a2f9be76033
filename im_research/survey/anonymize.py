"""Anonymise survey data for release (teaching datasets, data sharing).

The attacker comes first. By default (``attacker="employer"``, see
:data:`~im_research.survey.disclosure.EMPLOYER`) the attacker is the employer, who knows
every demographic and organisational column of every employee: all of them are
quasi-identifiers, and the survey answers are the sensitive attributes. Steps, each
recorded in the release log:

1. direct identifiers (names, e-mails, phone numbers, ...) are removed; a column that
   looks like one and is not listed is refused;
2. the respondent id is dropped, or (with ``key=``) becomes a keyed pseudonym
   HMAC-SHA256(key, id): the same key gives the same pseudonyms (waves can be linked);
   the key is never written anywhere;
3. each quasi-identifier gets a generalisation hierarchy (finest coding first, ``"*"``,
   the whole column suppressed, last); every combination of levels is tried and the one
   that loses the least information is kept, counting the cells that local suppression
   then needs (combinations whose generalisation alone loses more than the best found
   are skipped: suppression only adds loss). Local suppression replaces
   quasi-identifiers of the records in a class smaller than k (or not l-diverse) by
   ``"*"``, the cheapest set of columns that merges the class into a large enough one
   first. Records left over go to the all-``"*"`` class, which large classes complete
   with records they can spare; a record that still cannot be protected is removed,
   with its reason;
4. k is measured on the released table with strict equivalence classes: ``"*"`` is a
   value of its own, so a record is hidden only among records equal to it on every
   quasi-identifier as printed. sdcMicro's convention ("a suppressed value matches
   anything") is available as ``convention="matches_any"``; it needs fewer suppressions
   and gives a weaker guarantee;
5. l-diversity (distinct or entropy) is enforced for the sensitive columns you choose;
   l, t-closeness and the re-identification risk of every sensitive column are measured
   before and after;
6. the utility cost is measured: information lost in the quasi-identifiers (Iyengar's
   loss metric: 0 = finest coding, 1 = suppressed), suppressed cells, removed rows, and
   the change in item correlations and in the standardized estimates of a reference SEM.

:meth:`Release.log_markdown` writes the log for a data protection officer.
:func:`unit_summary` suppresses small cells in unit-level tables, with complementary
suppression so that no suppressed unit can be recovered from the rest.

Known limits: the search minimises information loss for a given hierarchy, which a
determined attacker who knows the algorithm could use (minimality attack); free-text
columns are not inspected beyond the identifier check; risk uses unit weights (the file
is treated as the whole population the attacker knows).

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
import itertools
import json
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, DataWarning
from .disclosure import (
    CONVENTIONS,
    EMPLOYER,
    SUPPRESSED,
    Attacker,
    class_sizes,
    compatible,
    diversity,
    looks_demographic,
    looks_identifying,
    risk,
)

__all__ = ["pseudonymize", "anonymize", "Release", "unit_summary"]

MAX_NODES = 200_000  # combinations of generalisation levels tried at most


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
    """``data`` (the anonymised table), ``log`` (dict, JSON-ready; ``log_json()``,
    ``log_markdown()``) and ``accounting`` (one row per input row: ``row, status,
    reason``)."""

    data: pd.DataFrame
    log: dict
    accounting: pd.DataFrame = field(default_factory=pd.DataFrame)

    def log_json(self) -> str:
        return json.dumps(self.log, ensure_ascii=False, indent=1, default=_json_default)

    def log_markdown(self) -> str:
        """The release log as Markdown, for a data protection officer."""
        return _markdown(self.log)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    return str(o)


# --- generalisation hierarchies --------------------------------------------------------

def _band(x, edges, col):
    edges = [float(e) for e in edges]
    if np.isfinite(edges[-1]):
        edges.append(np.inf)
    below = int((x < edges[0]).sum())
    if below:
        raise DataError(f"{below} value(s) of {col!r} lie below the first cut point "
                        f"{edges[0]:g}; add a lower cut point")
    labels = [f"{a:g}-{b - 1:g}" if np.isfinite(b) else f"{a:g}+"
              for a, b in zip(edges[:-1], edges[1:])]
    return pd.cut(x, edges, right=False, labels=labels).astype(object)


def _level(col, x, rule, k):
    """One generalisation level of ``x``: (description, Series of labels)."""
    if isinstance(rule, dict):
        unmapped = sorted(map(str, set(x.dropna()) - set(rule)))
        if unmapped:
            raise DataError(f"the grouping of {col!r} does not map {unmapped}; map every "
                            "category")
        return f"grouped {_groups_text(rule)}", x.map(rule).astype(object)
    if isinstance(rule, (list, tuple)) and all(isinstance(e, (int, float)) for e in rule):
        if not pd.api.types.is_numeric_dtype(x):
            raise DataError(f"cut points given for {col!r}, which is not numeric")
        return f"bands at {list(rule)}", _band(x, rule, col)
    if rule == "keep":
        return "as recorded", x.astype(object)
    if rule == "merge_rare":
        counts = x.value_counts()
        rare = sorted(map(str, counts[counts < k].index))
        return (f"categories with fewer than {k} rows {rare} merged into 'other'",
                x.where(~x.astype(str).isin(rare), "other").astype(object))
    raise DataError(f"unknown generalisation rule {rule!r} for {col!r}: use 'keep', "
                    "'merge_rare', 'band10', 'age_from_date', cut points, a {category: "
                    "group} dict, or a list of these from finest to coarsest")


def _groups_text(mapping):
    groups = {}
    for value, group in mapping.items():
        groups.setdefault(str(group), []).append(str(value))
    return "; ".join(f"{g} = {', '.join(v)}" for g, v in groups.items())


def _hierarchy(col, x, rule, k, ref_date, n):
    """(released column name, [(description, labels), ...] finest first)."""
    name = col
    if rule is None:
        many = x.nunique() > (20 if pd.api.types.is_numeric_dtype(x) else max(n / k, 20))
        if pd.api.types.is_datetime64_any_dtype(x) or many:
            raise DataError(
                f"quasi-identifier {col!r} has {x.nunique()} distinct values, too many to "
                f"keep as recorded for k={k}; give it a generalisation rule in "
                "quasi_identifiers= (e.g. 'age_from_date', cut points, or a {category: "
                "group} dict)")
        rule = "keep"
    if rule == "age_from_date":
        try:
            born = pd.to_datetime(x, errors="raise")
        except (ValueError, TypeError) as e:
            raise DataError(f"{col!r} must hold dates of birth for 'age_from_date': "
                            f"{e}") from None
        age = (ref_date - born).dt.days / 365.25
        name = f"{col}_ageband"
        levels = [("date of birth -> 10-year age band", _band(age, [0, 20, 30, 40, 50, 60],
                                                              col)),
                  ("date of birth -> 20-year age band", _band(age, [0, 20, 40, 60], col))]
    elif rule == "band10":
        if not pd.api.types.is_numeric_dtype(x):
            raise DataError(f"'band10' needs numbers; {col!r} is not numeric")
        lo = float(np.floor(x.min() / 10) * 10)
        levels = [(f"{w}-unit bands", _band(x, list(np.arange(lo, x.max() + 1, w)), col))
                  for w in (10, 20)]
    elif isinstance(rule, (list, tuple)) and rule and all(
            isinstance(r, (list, tuple, dict, str)) for r in rule):
        levels = [_level(col, x, r, k) for r in rule]
    else:
        levels = [_level(col, x, rule, k)]
    out = []
    for desc, lab in levels:
        lab = lab.where(x.notna(), "(missing)")
        if (lab.astype(str) == SUPPRESSED).any():
            raise DataError(f"{col!r} holds the value {SUPPRESSED!r}, which marks suppression "
                            "in the release; recode it first")
        out.append((desc, lab))
    return name, out


def _encode(levels):
    """Per level: integer codes (-1 = suppressed) and each record's cell loss."""
    base = levels[0][1].astype(str).to_numpy()
    n0 = len(set(base))
    enc = []
    for _, lab in levels:
        codes, _ = pd.factorize(lab.astype(str))
        # Iyengar's loss metric: (level-0 values in the record's group - 1) / (all - 1)
        g = pd.Series(base).groupby(codes).transform("nunique").to_numpy()
        loss = (g - 1) / (n0 - 1) if n0 > 1 else np.zeros(len(g))
        enc.append((codes, loss.astype(float)))
    enc.append((np.full(len(base), -1), np.ones(len(base))))  # the column suppressed
    return enc


# --- local suppression ------------------------------------------------------------------

def _l_ok(vc, l, kind):
    if l is None:
        return np.ones(vc.shape[:-1], dtype=bool)
    if kind == "distinct":
        return (vc > 0).sum(axis=-1) >= l
    tot = vc.sum(axis=-1, keepdims=True)
    p = np.divide(vc, tot, out=np.zeros_like(vc, dtype=float), where=tot > 0)
    h = -(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)).sum(axis=-1)
    return h >= np.log(l) - 1e-12


def _suppress(codes, lost, sens, k, l, l_kind, convention):
    """Greedy local suppression until every class has >= k records (and l-diversity).

    Returns released codes, per-cell loss and the mask of removed records."""
    codes, lost = codes.copy(), lost.copy()
    alive = np.ones(len(codes), dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        pats, inv, counts = np.unique(codes[idx], axis=0, return_inverse=True,
                                      return_counts=True)
        inv = inv.ravel()
        vcs = []
        for s_codes, n_values in sens:
            vc = np.zeros((len(pats), n_values))
            ok = s_codes[idx] >= 0
            np.add.at(vc, (inv[ok], s_codes[idx][ok]), 1)
            vcs.append(vc)
        if convention == "matches_any":
            m = compatible(pats, pats).astype(float)
            sizes, groups = m @ counts, [m @ vc for vc in vcs]
        else:
            sizes, groups = counts, vcs
        bad = sizes < k
        for g in groups:
            bad |= ~_l_ok(g, l, l_kind)
        if not bad.any():
            break
        # the all-suppressed class last: other records may still join it
        cand = np.flatnonzero(bad & (pats != -1).any(axis=1))
        cand = cand if len(cand) else np.flatnonzero(bad)
        p = cand[np.argmin(sizes[cand])]
        rows = idx[inv == p]
        free = np.flatnonzero(pats[p] != -1)
        if not len(free):
            plan = _donors(pats, inv, idx, counts, vcs, sens, lost, p, k, l, l_kind) if (
                convention == "strict") else None
            if plan is None:
                alive[rows] = False
                lost[rows] = 1.0
            else:
                codes[plan] = -1
                lost[plan] = 1.0
            continue
        best = None
        for r in range(1, len(free) + 1):
            for cols in itertools.combinations(free, r):
                cols = list(cols)
                t = pats[p].copy()
                t[cols] = -1
                if convention == "matches_any":
                    moved = np.zeros(len(pats), dtype=bool)
                    moved[p] = True
                    into = compatible(t[None, :], pats)[0]
                else:
                    # every small class that lands on t when these columns are suppressed
                    # moves with it: together they may reach k where none does alone
                    rest = np.ones(pats.shape[1], dtype=bool)
                    rest[cols] = False
                    moved = bad & (pats[:, rest] == t[rest]).all(axis=1)
                    into = moved | (pats == t).all(axis=1)
                size = counts[into].sum()
                if size < k or not all(_l_ok(vc[into].sum(axis=0), l, l_kind) for vc in vcs):
                    continue
                who = np.isin(inv, np.flatnonzero(moved))
                cost = float((1 - lost[idx[who]][:, cols]).sum()) / who.sum()
                key = (cost, -int(size), cols)
                if best is None or key < best[0]:
                    best = (key, idx[who], cols)
        # no way into a class of k: to the all-suppressed class, judged last
        move, cols = (best[1], best[2]) if best else (rows, list(free))
        codes[np.ix_(move, cols)] = -1
        lost[np.ix_(move, cols)] = 1.0
    return codes, lost, ~alive


def _donors(pats, inv, idx, counts, vcs, sens, lost, p, k, l, l_kind):
    """Records that classes can spare to complete the all-suppressed class ``p`` (size k,
    l-diversity) instead of removing it: the one adding most missing answers first, then
    the cheapest. None when they cannot complete it."""
    pool_n, pool_vc = counts[p], [vc[p].copy() for vc in vcs]
    left_n, left_vc = counts.copy(), [vc.copy() for vc in vcs]
    taken, plan = set(), []
    while pool_n < k or not all(_l_ok(v, l, l_kind) for v in pool_vc):
        best = None
        for d in np.flatnonzero((pats != -1).any(axis=1) & (left_n > k)):
            for r in idx[inv == d]:
                values = [s_codes[r] for s_codes, _ in sens]
                if r in taken or not all(_l_ok(_minus(vc[d], v), l, l_kind)
                                         for vc, v in zip(left_vc, values)):
                    continue
                adds = sum(v >= 0 and pv[v] == 0 for pv, v in zip(pool_vc, values))
                key = (-adds, float((1 - lost[r]).sum()), r, d)
                best = key if best is None or key < best else best
        if best is None or (pool_n >= k and best[0] == 0):
            return None
        _, _, r, d = best
        taken.add(r)
        plan.append(r)
        pool_n += 1
        left_n[d] -= 1
        for j, (s_codes, _) in enumerate(sens):
            if s_codes[r] >= 0:
                pool_vc[j][s_codes[r]] += 1
                left_vc[j][d, s_codes[r]] -= 1
    return plan


def _minus(vc, v):
    out = vc.copy()
    if v >= 0:
        out[v] -= 1
    return out


def _search(encoded, sens, k, l, l_kind, convention):
    """Every combination of levels, cheapest generalisation first; stops when no
    remaining combination can beat the best (suppression only adds loss)."""
    sizes = [len(e) for e in encoded]
    n_nodes = int(np.prod(sizes))
    if n_nodes > MAX_NODES:
        raise DataError(f"{n_nodes} combinations of generalisation levels, more than "
                        f"{MAX_NODES}: fewer quasi-identifiers or shorter hierarchies")
    gen = [[float(loss.mean()) for _, loss in e] for e in encoded]
    nodes = sorted(itertools.product(*[range(s) for s in sizes]),
                   key=lambda nd: (sum(gen[j][lv] for j, lv in enumerate(nd)), nd))
    best, tried = None, 0
    for node in nodes:
        g = sum(gen[j][lv] for j, lv in enumerate(node)) / len(node)
        if best is not None and g >= best[0] - 1e-12:
            break
        tried += 1
        codes = np.column_stack([encoded[j][lv][0] for j, lv in enumerate(node)])
        lost = np.column_stack([encoded[j][lv][1] for j, lv in enumerate(node)])
        out, lost, removed = _suppress(codes, lost, sens, k, l, l_kind, convention)
        cells = int(((out == -1) & (codes != -1) & ~removed[:, None]).sum())
        key = (float(lost.mean()), int(removed.sum()), cells)
        if best is None or key < best[:3]:
            best = (*key, node, out, removed)
    return best, tried, n_nodes


# --- the release -------------------------------------------------------------------------

def _names(x):
    """A string is one column name, not a sequence of letters."""
    return [x] if isinstance(x, str) else list(x)


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _attacker(attacker):
    if isinstance(attacker, Attacker):
        return attacker
    if attacker == "employer":
        return EMPLOYER
    if isinstance(attacker, (list, tuple)):
        return Attacker("custom", f"knows the columns {list(attacker)}", tuple(attacker))
    raise ArgumentError(f"attacker must be 'employer', an Attacker or a list of the columns the "
                    f"attacker knows, not {attacker!r}")


def _measure(data, qi, sensitive, k, convention):
    sizes = class_sizes(data, qi)
    r = risk(data, qi)
    m = {"k": int(sizes.min()) if len(sizes) else None,
         "equivalence_classes": int(data.groupby(qi, dropna=False).ngroups) if qi else 1,
         "records_in_classes_below_k": int((sizes < k).sum()),
         "risk_global": round(r["global"], 6),
         "expected_reidentifications": round(r["expected_reidentifications"], 3),
         "risk_max": round(r["max"], 6), "records_unique": r["records_unique"]}
    if convention == "matches_any":
        m["k_matches_any"] = int(class_sizes(data, qi, "matches_any").min())
    if sensitive and len(data):
        d = diversity(data, qi, sensitive)
        m["l_distinct"] = {s: int(v) for s, v in d["l_distinct"].items()}
        m["l_entropy"] = {s: round(float(v), 4) for s, v in d["l_entropy"].items()}
        m["t_closeness"] = {s: round(float(v), 4) for s, v in d["t_closeness"].items()}
    return m


def anonymize(data: pd.DataFrame, *, key=None, id_col=None, direct_identifiers=(),
              attacker="employer", quasi_identifiers=None, sensitive=None, keep=(),
              k: int = 5, l=None, l_kind: str = "distinct", l_columns=None,
              convention: str = "strict", items=(), noise=None, seed=None,
              reference_model=None, reference_date=None) -> Release:
    """Anonymise ``data`` for release against a stated attacker.

    Parameters
    ----------
    key : str, optional
        Secret for keyed pseudonyms of ``id_col`` (never written to the output or the
        log). Without it the id column is dropped.
    id_col : str, optional
        Respondent id column: replaced by its pseudonym (column ``pid``) or dropped.
    direct_identifiers : sequence of str
        Columns removed outright. A column that looks like a direct identifier (name,
        e-mail, phone, address, ...) and is not listed here or in ``keep`` is refused.
    attacker : "employer", Attacker or list of str
        Who tries to re-identify respondents. ``"employer"`` (default): every column that
        looks demographic or organisational is a quasi-identifier. A list names the
        columns the attacker knows; demographic-looking columns left out of it get a
        :class:`~im_research.errors.DataWarning`.
    quasi_identifiers : dict, optional
        Generalisation hierarchy per quasi-identifier, ``{column: rule}``; every column
        named here is a quasi-identifier as well. A rule is ``"keep"``, ``"merge_rare"``
        (categories with fewer than k rows → "other"), ``"band10"`` (10- then 20-unit
        bands), ``"age_from_date"`` (date of birth → 10- then 20-year age band at
        ``reference_date``, column ``<col>_ageband``), a list of cut points, a
        ``{category: group}`` dict, or a list of these from finest to coarsest. Every
        hierarchy ends with the whole column suppressed. Quasi-identifiers without a rule
        are kept as recorded (refused when they have many distinct values: numbers
        more than 20, categories more than n/k).
    sensitive : sequence of str, optional
        What the attacker must not learn; default ``items`` if given, else every column
        that is neither removed, an id nor a quasi-identifier.
    keep : sequence of str
        Columns you have checked and release as recorded (logged as such).
    k : int
        Required size of every equivalence class in the released table.
    l, l_kind, l_columns : int, "distinct" | "entropy", sequence of str
        Enforce l-diversity of the ``l_columns`` answers (default: every sensitive column)
        in every class: at least ``l`` distinct answers, or within-class entropy at least
        ``log(l)``.
    convention : "strict" | "matches_any"
        How suppressed values count when forming classes (module notes). k is always
        reported under the strict convention too.
    items : sequence of str
        Survey items whose correlations measure the utility cost.
    noise : dict, optional
        ``{column: sd}`` Gaussian noise for continuous non-identifying columns (needs
        ``seed``).
    reference_model : str, optional
        lavaan syntax fitted before and after; the change in ``std_all`` is logged.

    Returns
    -------
    Release

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> hr = pd.DataFrame({"gender": rng.choice(["f", "m"], 60),
    ...                    "department": rng.choice(["a", "b", "c"], 60),
    ...                    "js1": rng.integers(1, 8, 60)})
    >>> rel = anonymize(hr, k=5)
    >>> rel.log["attacker"]["quasi_identifiers"], rel.log["k_reached"] >= 5
    (['gender', 'department'], True)
    """
    if not _is_int(k) or k < 2:
        raise ArgumentError(f"k must be an integer of at least 2, not {k!r}")
    if convention not in CONVENTIONS:
        raise ArgumentError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    if l_kind not in ("distinct", "entropy"):
        raise ArgumentError(f"l_kind must be 'distinct' or 'entropy', not {l_kind!r}")
    if l is not None and (not _is_int(l) or l < 2):
        raise ArgumentError(f"l must be an integer of at least 2 (or None), not {l!r}")
    direct_identifiers, keep, items = (_names(direct_identifiers), _names(keep),
                                       _names(items))
    sensitive = None if sensitive is None else _names(sensitive)
    l_columns = None if l_columns is None else _names(l_columns)
    if l_columns is not None and l is None:
        raise ArgumentError("l_columns= needs l= (the diversity to enforce)")
    who = _attacker(attacker)
    rules = dict(quasi_identifiers or {})
    named = (list(direct_identifiers) + list(rules) + list(sensitive or ()) + list(items)
             + list(keep) + list(l_columns or ()) + ([id_col] if id_col else [])
             + list(who.knows or ()))
    missing = [c for c in dict.fromkeys(named) if c not in data.columns]
    if missing:
        raise DataError(f"anonymize: columns {missing} are not in the data")
    if noise and seed is None:
        raise ArgumentError("noise needs seed= for a reproducible release")
    text_items = [c for c in items if not pd.api.types.is_numeric_dtype(data[c])]
    if text_items:
        raise DataError(f"items {text_items} are not numeric; read the export with "
                        "ir.io.read_survey (codebook) first")

    removed_cols = set(direct_identifiers) | ({id_col} if id_col else set())
    rest = [c for c in data.columns if c not in removed_cols]
    declared_sensitive = set(sensitive or ()) | set(items)
    leaking = [c for c in rest if c not in keep and c not in declared_sensitive and
               looks_identifying(c, data[c] if data[c].dtype == object else None)]
    if leaking:
        raise DataError(f"columns {leaking} look like direct identifiers: list them in "
                        "direct_identifiers= (removed), or in keep= if you have checked "
                        "they identify no one")
    candidates = [c for c in rest if c not in declared_sensitive and c not in keep]
    known = (who.quasi_identifiers(candidates) if who.knows is None
             else [c for c in who.knows if c in rest])
    qi = list(dict.fromkeys(known + list(rules)))
    # a column the employer holds cannot be declared secret (survey items excepted:
    # their names may look demographic)
    overlap = [c for c in qi if c in declared_sensitive or c in keep] + [
        c for c in sensitive or () if who.knows is None and looks_demographic(c)
        and c not in items and c not in qi]
    if overlap:
        raise DataError(f"columns {overlap} are both quasi-identifiers and sensitive/kept; "
                        "a column the attacker knows cannot be what they want to learn")
    unprotected = [c for c in candidates if c not in qi and looks_demographic(c)]
    notes = []
    if unprotected:
        msg = (f"columns {unprotected} look demographic but are neither quasi-identifiers "
               "nor removed: they are released as recorded; add them to the attacker's "
               "knowledge, remove them, or list them in keep=")
        warnings.warn(msg, DataWarning, stacklevel=2)
        notes.append(msg)
    sens = list(sensitive) if sensitive is not None else (
        list(items) if items else [c for c in rest if c not in qi and c not in keep])
    l_cols = list(l_columns) if l_columns is not None else (sens if l else [])
    if noise and set(noise) & set(qi):
        raise DataError(f"noise is for continuous columns, not quasi-identifiers "
                        f"{sorted(set(noise) & set(qi))}")

    n = len(data)
    ref_date = pd.Timestamp(reference_date) if reference_date else pd.Timestamp("2026-01-01")
    hier = {c: _hierarchy(c, data[c], rules.get(c), k, ref_date, n) for c in qi}
    encoded = [_encode(levels) for _, levels in hier.values()]
    sens_codes = []
    for c in l_cols:
        codes, uniq = pd.factorize(data[c])
        sens_codes.append((codes, len(uniq)))
        if l and not _l_ok(np.bincount(codes[codes >= 0], minlength=len(uniq))[None, :]
                           .astype(float), l, l_kind)[0]:
            raise DataError(f"{l_kind} l-diversity l={l} cannot be reached for {c!r}: the "
                            "whole file is not that diverse")

    out = data.drop(columns=sorted(removed_cols, key=list(data.columns).index))
    log = {"rows_in": n,
           "attacker": {"model": who.name, "description": who.description,
                        "quasi_identifiers": [hier[c][0] for c in qi],
                        "added_by_attacker_model": [c for c in qi if c not in rules]},
           "removed_columns": list(direct_identifiers), "sensitive": sens,
           "released_as_recorded": list(keep) + unprotected,
           "convention": ("strict: a suppressed value '*' is a value of its own"
                          if convention == "strict" else
                          "matches_any (sdcMicro): a suppressed value matches every value"),
           "k_required": k}
    if l:
        log["l_required"] = {"l": l, "kind": l_kind, "columns": l_cols}
    if id_col:
        if key is None:
            log["identifier"] = f"{id_col} dropped (no pseudonyms)"
        else:
            out.insert(0, "pid", pseudonymize(data[id_col], key))
            log["identifier"] = f"{id_col} -> pid (HMAC-SHA256, keyed; key not stored)"

    status = pd.Series("kept", index=data.index, dtype=object)
    reason = pd.Series("", index=data.index, dtype=object)
    qi_out = [hier[c][0] for c in qi]
    before = data[qi].copy()
    for c in qi:
        before[c] = hier[c][1][0][1].astype(str).to_numpy()
    before.columns = qi_out
    log["before"] = _measure(pd.concat([before, data[sens]], axis=1), qi_out, sens, k,
                             "strict")
    if qi:
        best, tried, n_nodes = _search(encoded, sens_codes, k, l, l_kind, convention)
        node, codes, removed = best[3:]
        log["search"] = {"combinations": n_nodes, "evaluated": tried,
                         "levels": {c: [d for d, _ in hier[c][1]] + ["suppressed"]
                                    for c in qi}}
        log["generalised"], log["suppressed_cells"], qi_loss = {}, {}, {}
        for j, c in enumerate(qi):
            lv = node[j]
            name, levels = hier[c]
            lab = (levels[lv][1].astype(str) if lv < len(levels)
                   else pd.Series(SUPPRESSED, index=data.index))
            generalised = lab.to_numpy().copy()
            local = (codes[:, j] == -1) & (lab.to_numpy() != SUPPRESSED) & ~removed
            generalised[codes[:, j] == -1] = SUPPRESSED
            out[c] = generalised
            out = out.rename(columns={c: name})
            log["generalised"][c] = (levels[lv][0] if lv < len(levels)
                                     else "column suppressed (every value '*')")
            log["suppressed_cells"][name] = int(local.sum())
            reason[local] = reason[local] + f"{name} suppressed; "
            cell = np.where(codes[:, j] == -1, 1.0, encoded[j][lv][1])
            cell[removed] = 1.0
            qi_loss[name] = round(float(cell.mean()), 6)
        gone = pd.Series(removed, index=data.index)
        why = (f"no class of at least k={k}" + (f" with {l_kind} l={l}" if l else "") +
               " even with every quasi-identifier suppressed")
        log["removed_rows"] = [{"row": int(i), "reason": why} for i in data.index[gone]]
        status[gone] = "removed"
        reason[gone] = f"removed: {why}"
        out = out[~gone.to_numpy()]
    else:
        log["removed_rows"], log["suppressed_cells"], qi_loss = [], {}, {}
        notes.append("no quasi-identifiers: the attacker knows none of the columns")
    if noise:
        rng = np.random.default_rng(seed)
        for col, sd in noise.items():
            out[col] = out[col] + rng.normal(scale=sd, size=len(out))
        log["noise"] = {c: f"Gaussian, sd {sd}" for c, sd in noise.items()}

    after = _measure(out, qi_out, sens, k, convention)
    log["k_reached"] = after["k"]
    log["after"] = after
    log["records_with_suppression"] = int(((status == "kept") & (reason != "")).sum())
    status[(status == "kept") & (reason != "")] = "kept, suppressed"
    accounting = pd.DataFrame({"row": data.index, "status": status.to_numpy(),
                               "reason": reason.str.strip().to_numpy()})
    log["rows_out"] = len(out)
    log["rows_accounted"] = {s: int(c) for s, c in accounting["status"].value_counts()
                             .sort_index().items()}
    utility = {"information_loss": qi_loss,
               "information_loss_mean": round(float(np.mean(list(qi_loss.values()))), 6)
               if qi_loss else 0.0}
    if items:
        utility.update(_answers_moved(data, out, items, reference_model))
        if qi:
            utility["max_abs_change_group_mean"] = _group_mean_change(
                data, out, hier, qi, node, items)
    log["utility"] = utility
    log["notes"] = notes
    return Release(out.reset_index(drop=True), log, accounting)


def _answers_moved(data, out, items, reference_model):
    """How far item correlations (and a reference SEM's standardized estimates) moved."""
    # rounded to 6 decimals: the log must not change with floating-point noise of the
    # estimation (byte-identical regeneration)
    before = data[items].astype(float)
    after = out[items].astype(float)
    d = np.abs(before.corr().to_numpy() - after.corr().to_numpy())[
        np.triu_indices(len(items), 1)]
    res = {"max_abs_change_item_correlation": round(float(np.nanmax(d)), 6) if len(d)
           else 0.0,
           "mean_abs_change_item_correlation": round(float(np.nanmean(d)), 6) if len(d)
           else 0.0,
           "rows_used": len(out)}
    if reference_model:
        from ..sem.estimate import fit
        a = fit(reference_model, data=before.dropna()).params
        b = fit(reference_model, data=after.dropna()).params
        m = a.merge(b, on=["lhs", "op", "rhs"], suffixes=("_before", "_after"))
        diff = (m["std_all_before"] - m["std_all_after"]).abs()
        worst = m.loc[diff.idxmax()]
        res["max_abs_change_std_estimate"] = round(float(diff.max()), 6)
        res["mean_abs_change_std_estimate"] = round(float(diff.mean()), 6)
        res["largest_change_at"] = (f"{worst['lhs']} {worst['op']} {worst['rhs']}"
                                    if diff.max() > 0 else "none")
    return res


def _group_mean_change(data, out, hier, qi, node, items):
    """Per quasi-identifier: the largest change, over its released categories, in the
    mean item score, between all records of the category (generalised, nothing
    suppressed) and the records that still show it in the release."""
    score = data[items].astype(float).mean(axis=1)
    res = {}
    for j, c in enumerate(qi):
        name, levels = hier[c]
        if node[j] >= len(levels):
            continue
        full = score.groupby(levels[node[j]][1].astype(str).to_numpy()).mean()
        shown = out[name] != SUPPRESSED
        kept = score.loc[out.index[shown]].groupby(out.loc[shown, name].to_numpy()).mean()
        res[name] = round(float((full.reindex(kept.index) - kept).abs().max()), 6) if len(
            kept) else None
    return res


# --- the log for people ---------------------------------------------------------------

def _markdown(log: dict) -> str:
    b, a = log["before"], log["after"]
    lines = ["# Release log", "",
             f"**Attacker ({log['attacker']['model']}).** {log['attacker']['description']}",
             "", f"- Quasi-identifiers: {', '.join(log['attacker']['quasi_identifiers'])}",
             f"- Sensitive (must not be learnt): {', '.join(log['sensitive']) or 'none'}",
             f"- Removed columns: {', '.join(log['removed_columns']) or 'none'}",
             f"- Identifier: {log.get('identifier', 'none')}",
             f"- Released as recorded on the releaser's word: "
             f"{', '.join(log['released_as_recorded']) or 'none'}", "",
             "## k-anonymity", "",
             f"Required k = {log['k_required']}; classes counted {log['convention']}.", "",
             "| | before | released |", "|---|---|---|",
             f"| smallest class (k) | {b['k']} | {a['k']} |",
             f"| equivalence classes | {b['equivalence_classes']} | "
             f"{a['equivalence_classes']} |",
             f"| records in classes below k | {b['records_in_classes_below_k']} | "
             f"{a['records_in_classes_below_k']} |",
             f"| records unique | {b['records_unique']} | {a['records_unique']} |",
             f"| global risk (mean 1/f_k) | {b['risk_global']:.4f} | "
             f"{a['risk_global']:.4f} |",
             f"| expected re-identifications | {b['expected_reidentifications']:.1f} | "
             f"{a['expected_reidentifications']:.1f} |",
             f"| highest individual risk | {b['risk_max']:.3f} | {a['risk_max']:.3f} |"]
    if "k_matches_any" in a:
        lines.append(f"| k, suppressed matches anything | | {a['k_matches_any']} |")
    lines += ["", "'Before' is the finest coding of every quasi-identifier, no suppression.",
              "", "## What was done", ""]
    for c, how in log.get("generalised", {}).items():
        lines.append(f"- {c}: {how}")
    cells = log.get("suppressed_cells", {})
    lines += [f"- Cells suppressed ('*'): {sum(cells.values())} "
              f"({', '.join(f'{c} {v}' for c, v in cells.items()) or 'none'}) in "
              f"{log['records_with_suppression']} records",
              f"- Rows removed: {len(log['removed_rows'])}" + (
                  f" ({log['removed_rows'][0]['reason']})" if log["removed_rows"] else ""),
              f"- Rows in {log['rows_in']}, out {log['rows_out']}"]
    if "l_distinct" in a:
        if "l_required" in log:
            req = log["l_required"]
            lines += ["", f"## l-diversity (enforced: {req['kind']} l = {req['l']} for "
                      f"{', '.join(req['columns'])})"]
        else:
            lines += ["", "## l-diversity and t-closeness (measured, not enforced)"]
        lines += ["", "Over strict classes; t is the distance of a class's answers from the "
                  "whole file's (0 = the same distribution).", "",
                  "| answer | distinct l before | after | entropy l after | t after |",
                  "|---|---|---|---|---|"]
        for s in log["sensitive"]:
            lines.append(f"| {s} | {b['l_distinct'][s]} | {a['l_distinct'][s]} | "
                         f"{a['l_entropy'][s]:.2f} | {a['t_closeness'][s]:.3f} |")
    u = log["utility"]
    lines += ["", "## Utility cost", "",
              f"- Information lost in the quasi-identifiers (0 = finest coding, 1 = all "
              f"suppressed): mean {u['information_loss_mean']:.3f}" + (
                  " (" + ", ".join(f"{c} {v:.3f}" for c, v in u["information_loss"].items())
                  + ")" if u["information_loss"] else "")]
    if "max_abs_change_item_correlation" in u:
        lines.append(f"- Item correlations moved by at most "
                     f"{u['max_abs_change_item_correlation']:.4f} (mean "
                     f"{u['mean_abs_change_item_correlation']:.4f})")
    if "max_abs_change_std_estimate" in u:
        lines.append(f"- Standardized SEM estimates moved by at most "
                     f"{u['max_abs_change_std_estimate']:.4f} ({u['largest_change_at']}; "
                     f"mean {u['mean_abs_change_std_estimate']:.4f})")
    if u.get("max_abs_change_group_mean"):
        lines.append("- Mean item score per category moved by at most " + ", ".join(
            f"{c} {v:.4f}" for c, v in u["max_abs_change_group_mean"].items()
            if v is not None) + " (records left showing the category vs all of them)")
    if log.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {t}" for t in log["notes"]]
    return "\n".join(lines) + "\n"


def unit_summary(data: pd.DataFrame, unit: str, columns, min_n: int = 5) -> pd.DataFrame:
    """Unit means with ``n``; units with n < ``min_n`` are suppressed.

    Complementary suppression: the overall n and means can be known, so the suppressed
    units together are revealed by subtraction. Further units (smallest first) are
    suppressed until the suppressed set holds at least two units and ``min_n`` people, so
    that neither one unit nor a small group can be recovered.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": list("aabbbbbbcccccc"), "x": range(14)})
    >>> unit_summary(df, "unit", ["x"])["suppressed"].tolist()
    ['small cell', 'complementary', '']
    """
    columns = list(columns)
    if unit not in data.columns or any(c not in data.columns for c in columns):
        raise DataError(f"unit_summary: columns {[c for c in [unit] + columns if c not in data]}"
                        " are not in the data")
    g = data.groupby(unit)[columns]
    out = g.mean()
    out.insert(0, "n", g.size())
    small = out["n"] < min_n
    out["suppressed"] = np.where(small, "small cell", "")
    if small.any():
        while True:
            hidden = out["suppressed"] != ""
            if (hidden.sum() >= 2 and out.loc[hidden, "n"].sum() >= min_n) or hidden.all():
                break
            nxt = out.loc[~hidden, "n"].sort_values(kind="stable").index[0]
            out.loc[nxt, "suppressed"] = "complementary"
    hide = out["suppressed"] != ""
    out.loc[hide, columns] = np.nan
    out.loc[hide, "n"] = np.nan
    return out.reset_index()
