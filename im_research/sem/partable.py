"""The parameter table: a parsed model plus lavaan's ``sem()``/``cfa()`` defaults.

One row per model parameter (per group), with lavaan's columns ``lhs, op, rhs, group,
label`` and our bookkeeping: ``free`` (bool), ``pid`` (index into the vector of free
parameters; rows that share a label share a ``pid``, which is how equality constraints
work), ``value`` (fixed value or start value), ``user`` (written by the user) and ``exo``
(moments of exogenous observed covariates fixed at their sample values, lavaan's
``fixed.x``).

Defaults follow lavaan (see ``docs/lavaan_conventions.md``):

- the first loading of each factor is fixed to 1 (marker variable) unless ``std_lv=True``
  (then all latent (residual) variances are fixed to 1) or the user wrote ``NA*x``;
- residual variances of all indicators and endogenous variables are free, and so are the
  variances of latent variables;
- covariances among exogenous latent variables are free, and so are covariances among
  pure dependent variables (``auto.cov.y``);
- variances and covariances of exogenous observed covariates are fixed at their sample
  values (``fixed_x=True``) or free (``fixed_x=False``);
- a latent variable with a single indicator gets that indicator's residual variance
  fixed to 0;
- with a mean structure, observed intercepts are free and latent means fixed at 0.

Examples
--------
>>> from im_research.sem.partable import build_partable
>>> pt, info = build_partable("f =~ x1 + x2 + x3")
>>> pt[["lhs", "op", "rhs", "free"]].head(3).values.tolist()
[['f', '=~', 'x1', False], ['f', '=~', 'x2', True], ['f', '=~', 'x3', True]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

import pandas as pd

from ..errors import ArgumentError, ModelSyntaxError
from .syntax import ParsedModel, parse

__all__ = ["VarInfo", "build_partable", "free_parameter_rows", "check_factor_names",
           "GROUP_EQUAL_CHOICES"]

GROUP_EQUAL_CHOICES = {
    "loadings": ("=~", None),
    "intercepts": ("~1", "ov"),
    "means": ("~1", "lv"),
    "regressions": ("~", None),
    "residuals": ("~~", "ov_var"),
    "residual.covariances": ("~~", "ov_cov"),
    "lv.variances": ("~~", "lv_var"),
    "lv.covariances": ("~~", "lv_cov"),
}


@dataclass
class VarInfo:
    """Variable classes in lavaan's sense."""

    ov: list[str] = field(default_factory=list)  # observed, model order (x last)
    lv: list[str] = field(default_factory=list)  # latent
    ov_x: list[str] = field(default_factory=list)  # exogenous observed covariates
    ov_y: list[str] = field(default_factory=list)  # observed dependents in ~
    lv_x: list[str] = field(default_factory=list)  # latent never regressed on anything
    lv_y: list[str] = field(default_factory=list)
    indicators: dict[str, list[str]] = field(default_factory=dict)
    ov_ind: list[str] = field(default_factory=list)
    composites: dict[str, list[str]] = field(default_factory=dict)  # '<~' (formative)

    @property
    def ov_nox(self) -> list[str]:
        return [v for v in self.ov if v not in self.ov_x]


def _classify(parsed: ParsedModel, fixed_x: bool) -> VarInfo:
    info = VarInfo()
    order: list[str] = []

    def see(name):
        if name not in order:
            order.append(name)

    lhs_of_reg, rhs_of_reg, cov_vars, int_vars = set(), set(), set(), set()
    for f in parsed.formulas:
        if f.op in ("=~", "<~"):
            if f.lhs not in info.lv:
                info.lv.append(f.lhs)
            group = info.indicators if f.op == "=~" else info.composites
            inds = group.setdefault(f.lhs, [])
            for t in f.terms:
                if t.var not in inds:
                    inds.append(t.var)
    both = sorted(set(info.indicators) & set(info.composites))
    if both:
        raise ModelSyntaxError(f"{both[0]!r} is both measured by indicators (=~) and formed "
                               "by a composite (<~); use one of the two")
    for f in parsed.formulas:
        if f.op != "=~":
            see(f.lhs)
        for t in f.terms:
            if t.var != "1":
                see(t.var)
        if f.op == "=~":
            for t in f.terms:
                see(t.var)
        if f.op in ("~", "<~"):  # a composite is regressed on its components (lavaan)
            lhs_of_reg.add(f.lhs)
            rhs_of_reg.update(t.var for t in f.terms)
        elif f.op == "~~":
            cov_vars.add(f.lhs)
            cov_vars.update(t.var for t in f.terms)
        elif f.op == "~1":
            int_vars.add(f.lhs)
    lv = set(info.lv)
    ind_vars = {v for inds in info.indicators.values() for v in inds}
    info.ov_ind = [v for v in order if v in ind_vars and v not in lv]
    ov_all = [v for v in order if v not in lv]
    # lavaan: ov.x are observed variables that only ever appear as predictors in '~'
    info.ov_x = [v for v in ov_all
                 if v in rhs_of_reg and v not in lhs_of_reg and v not in ind_vars]
    info.ov_y = [v for v in ov_all if v in lhs_of_reg]
    # lavaan: a latent variable that is an indicator of another one (a first-order factor
    # under a second-order factor) is endogenous, like one regressed on something
    info.lv_y = [v for v in info.lv if v in lhs_of_reg or v in ind_vars]
    info.lv_x = [v for v in info.lv if v not in lhs_of_reg and v not in ind_vars]
    info.ov = [v for v in ov_all if v not in info.ov_x] + info.ov_x
    return info


def check_factor_names(parsed: ParsedModel, columns, where: str = "data"):
    """Refuse a latent variable named like an observed column (lavaan refuses too: the
    name would silently stop meaning the column).

    >>> from im_research.sem.syntax import parse
    >>> check_factor_names(parse("F =~ x1 + x2 + x3"), ["x1", "x2", "x3"])  # fine
    >>> check_factor_names(parse("x1 =~ x2 + x3"), ["x1", "x2", "x3"])
    Traceback (most recent call last):
    ...
    im_research.errors.ModelSyntaxError: model syntax, line 1, at 'x1': 'x1' is defined ...
    """
    columns = {str(c) for c in columns}
    for f in parsed.formulas:
        if f.op in ("=~", "<~") and f.lhs in columns:
            raise ModelSyntaxError(
                f"{f.lhs!r} is defined as a latent variable ({f.lhs} {f.op} ...) but is also "
                f"a column of the {where}; a latent variable cannot share its name with an "
                f"observed variable. Rename the factor (e.g. 'F_{f.lhs}') or, if you meant "
                f"the column, use it as an indicator or in a regression",
                line=f.line, token=f.lhs)


def _norm_cov(a, b, order):
    return (a, b) if order.index(a) <= order.index(b) else (b, a)


def build_partable(model, *, ngroups: int = 1, std_lv: bool = False, fixed_x: bool = True,
                   meanstructure: bool = False, group_equal=(), group_partial=(),
                   auto_cov_y: bool = True, orthogonal: bool = False,
                   int_ov_free: bool = True, int_lv_free: bool = False):
    """Cached front of :func:`_build_partable` (same arguments); returns a fresh copy."""
    if isinstance(model, str):
        pt, info, _ = _build_cached(model, ngroups, std_lv, fixed_x, meanstructure,
                                    tuple(group_equal), tuple(group_partial), auto_cov_y,
                                    orthogonal, int_ov_free, int_lv_free)
        return pt.copy(), info
    return _build_partable(model, ngroups=ngroups, std_lv=std_lv, fixed_x=fixed_x,
                           meanstructure=meanstructure, group_equal=group_equal,
                           group_partial=group_partial, auto_cov_y=auto_cov_y,
                           orthogonal=orthogonal, int_ov_free=int_ov_free,
                           int_lv_free=int_lv_free)


def partable_records(model, **options):
    """The parameter table as a fresh list of row dicts (fast path used by ``fit``)."""
    records, info, _ = _cached(model, options)
    return [dict(r) for r in records], info


def _cached(model, options):
    key = (options.get("ngroups", 1), options.get("std_lv", False),
           options.get("fixed_x", True), options.get("meanstructure", False),
           tuple(options.get("group_equal", ())), tuple(options.get("group_partial", ())),
           options.get("auto_cov_y", True), options.get("orthogonal", False),
           options.get("int_ov_free", True), options.get("int_lv_free", False))
    pt, info, records = _build_cached(model, *key)
    return records, info, pt


def partable_records_and_frame(model, **options):
    """:func:`partable_records` plus a fresh copy of the table as a DataFrame (copying
    the cached frame is ten times faster than building it from the records)."""
    records, info, pt = _cached(model, options)
    return [dict(r) for r in records], info, pt.copy()


@lru_cache(maxsize=64)
def _build_cached(model, ngroups, std_lv, fixed_x, meanstructure, group_equal, group_partial,
                  auto_cov_y, orthogonal=False, int_ov_free=True, int_lv_free=False):
    pt, info = _build_partable(model, ngroups=ngroups, std_lv=std_lv, fixed_x=fixed_x,
                               meanstructure=meanstructure, group_equal=group_equal,
                               group_partial=group_partial, auto_cov_y=auto_cov_y,
                               orthogonal=orthogonal, int_ov_free=int_ov_free,
                               int_lv_free=int_lv_free)
    return pt, info, tuple(pt.to_dict("records"))


def _build_partable(model, *, ngroups: int = 1, std_lv: bool = False, fixed_x: bool = True,
                    meanstructure: bool = False, group_equal=(), group_partial=(),
                    auto_cov_y: bool = True, orthogonal: bool = False,
                    int_ov_free: bool = True, int_lv_free: bool = False):
    """Build the lavaan parameter table for ``model``.

    Parameters
    ----------
    model : str or ParsedModel
    ngroups : int
        Number of groups; each row is repeated per group.
    std_lv : bool
        Identify factors by fixing their (residual) variances to 1 instead of a marker.
    fixed_x : bool
        Fix (co)variances (and means) of exogenous observed covariates at sample values.
    meanstructure : bool
        Add intercepts/means.
    group_equal, group_partial : sequence of str
        lavaan's ``group.equal`` / ``group.partial``.
    orthogonal : bool
        Fix the covariances among latent variables (exogenous factors and the
        disturbances of endogenous ones) at 0 unless the model frees them (lavaan's
        ``orthogonal``).
    int_ov_free, int_lv_free : bool
        With a mean structure: free intercepts of the observed variables (default) and
        fixed (0) latent means (default), lavaan's ``int.ov.free`` / ``int.lv.free``.

    Returns
    -------
    (pandas.DataFrame, VarInfo)
    """
    parsed = parse(model) if isinstance(model, str) else model
    info = _classify(parsed, fixed_x)
    allvars = info.ov + info.lv
    for ge in group_equal:
        if ge not in GROUP_EQUAL_CHOICES:
            raise ArgumentError(f"group_equal={ge!r} is not known; choose from "
                                f"{sorted(GROUP_EQUAL_CHOICES)}")
    partial = {_parse_partial(p) for p in group_partial}
    has_user_int = any(f.op == "~1" for f in parsed.formulas)
    meanstructure = meanstructure or has_user_int or any(
        g in ("intercepts", "means") for g in group_equal)

    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    equal_to: list[tuple] = []  # (row, equal("...") argument, line)

    def _key(lhs, op, rhs):
        if op == "~~":
            lhs, rhs = _norm_cov(lhs, rhs, allvars)
        return lhs, op, rhs

    def add(g, lhs, op, rhs, *, free, value=float("nan"), label="", user=False, exo=False,
            start=float("nan"), line=None):
        if op == "~~":
            lhs, rhs = _norm_cov(lhs, rhs, allvars)
        key = (g, lhs, op, rhs)
        if key in seen:
            if user:
                raise ModelSyntaxError(
                    f"parameter {lhs} {op} {rhs} is specified twice", line=line,
                    token=f"{lhs} {op} {rhs}")
            return
        seen[key] = len(rows)
        rows.append(dict(lhs=lhs, op=op, rhs=rhs, group=g, label=label, free=free,
                         value=value, start=start, user=user, exo=exo))

    for g in range(ngroups):
        def pick(tup, g=g):
            if tup is None:
                return None
            if len(tup) == 1:
                return tup[0]
            if len(tup) != ngroups:
                raise ModelSyntaxError(
                    f"a c(...) modifier has {len(tup)} values but the data have {ngroups} "
                    "groups")
            return tup[g]

        for f in parsed.formulas:
            for t in f.terms:
                fixed = pick(t.fixed)
                label = pick(t.labels) or ""
                start = pick(t.starts)
                is_free = fixed is None or t.free
                lhs, op, rhs = f.lhs, f.op, (t.var if f.op != "~1" else "")
                add(g, lhs, op, rhs, free=is_free,
                    value=float("nan") if fixed is None else fixed, label=label, user=True,
                    start=float("nan") if start is None else start, line=f.line)
                if t.equal is not None:
                    equal_to.append((rows[seen[(g, *_key(lhs, op, rhs))]], pick(t.equal),
                                     f.line))
        # marker variables
        if not std_lv:
            for lv_name in info.indicators:
                first = next(f.terms[0] for f in parsed.formulas
                             if f.op == "=~" and f.lhs == lv_name)
                r = rows[seen[(g, lv_name, "=~", first.var)]]
                if first.fixed is None and not first.free:
                    r["free"] = False
                    r["value"] = 1.0
        # residual variances of observed (non-x) variables
        single = {inds[0] for lv_name, inds in info.indicators.items() if len(inds) == 1}
        for v in info.ov_nox:
            if v in single:
                add(g, v, "~~", v, free=False, value=0.0)
            else:
                add(g, v, "~~", v, free=True)
        for v in info.lv:
            if v in info.composites:  # lavaan: a composite has no disturbance
                add(g, v, "~~", v, free=False, value=0.0)
            else:
                add(g, v, "~~", v, free=not std_lv, value=1.0 if std_lv else float("nan"))
        for a, b in combinations(info.lv_x, 2):
            add(g, a, "~~", b, free=not orthogonal, value=0.0 if orthogonal else float("nan"))
        if auto_cov_y:
            predictors = {r["rhs"] for r in rows if r["op"] == "~" and r["group"] == g}
            measured_by = {r["rhs"] for r in rows if r["op"] == "=~" and r["group"] == g}
            pure_y = [v for v in info.ov_y + info.lv_y
                      if v not in predictors and v not in measured_by]
            for a, b in combinations(pure_y, 2):
                both_lv = orthogonal and a in info.lv and b in info.lv
                add(g, a, "~~", b, free=not both_lv, value=0.0 if both_lv else float("nan"))
        # exogenous observed covariates
        for i, a in enumerate(info.ov_x):
            for b in info.ov_x[i:]:
                add(g, a, "~~", b, free=not fixed_x, exo=fixed_x)
        if meanstructure:
            for v in info.ov_nox:
                add(g, v, "~1", "", free=int_ov_free,
                    value=float("nan") if int_ov_free else 0.0)
            for v in info.ov_x:
                add(g, v, "~1", "", free=not fixed_x, exo=fixed_x)
            for v in info.lv:
                add(g, v, "~1", "", free=int_lv_free,
                    value=float("nan") if int_lv_free else 0.0)

    _resolve_equal(rows, equal_to, seen, allvars)
    if ngroups > 1 and group_equal:
        _apply_group_equal(rows, info, group_equal, partial, std_lv)
    for d in parsed.definitions:
        rows.append(dict(lhs=d.name, op=":=", rhs=d.text, group=0, label=d.name, free=False,
                         value=float("nan"), start=float("nan"), user=True, exo=False))
    _assign_pids(rows, parsed)
    pt = pd.DataFrame(rows)
    _check_definitions(pt, parsed)
    return pt, info


def _resolve_equal(rows, equal_to, seen, allvars):
    """``equal("a")*x``: share the label ``a``; ``equal("f=~x2")*x``: equal to the
    parameter ``f =~ x2`` of the same group (lavaan's two readings)."""
    labels = {r["label"] for r in rows if r["label"]}
    for row, target, line in equal_to:
        if target is None:  # equal(c("a", NA)): not constrained in this group
            continue
        if target in labels:
            row["label"] = target
            continue
        ref = _parse_partial(target, strict=False)
        if ref is not None and ref[1] == "~~" and {ref[0], ref[2]} <= set(allvars):
            a, b = _norm_cov(ref[0], ref[2], allvars)
            ref = (a, "~~", b)
        k = seen.get((row["group"], *ref)) if ref is not None else None
        if k is None:
            raise ModelSyntaxError(
                f"equal({target!r}): no parameter is labelled or named {target!r}; give "
                "the label of another parameter (equal(\"a\") with a*x elsewhere) or its "
                "name as lhs op rhs (equal(\"f=~x2\"))", line=line, token=target)
        other = rows[k]
        if not other["label"]:
            other["label"] = "".join(target.split())
        row["label"] = other["label"]
        labels.add(other["label"])


def _parse_partial(text: str, strict: bool = True):
    for op in ("=~", "~~", "~1", "~"):
        if op in text:
            lhs, rhs = (s.strip() for s in text.split(op, 1))
            return (lhs, op, rhs)
    if not strict:
        return None
    raise ArgumentError(f"group_partial entry {text!r} is not of the form 'lhs op rhs' "
                        "(e.g. 'x3 ~1' or 'visual =~ x2')")


def _apply_group_equal(rows, info, group_equal, partial, std_lv):
    lv = set(info.lv)
    for r in rows:
        if not r["free"] or r["label"]:
            continue
        key = (r["lhs"], r["op"], r["rhs"])
        if key in partial:
            continue
        for ge in group_equal:
            op, kind = GROUP_EQUAL_CHOICES[ge]
            if r["op"] != op:
                continue
            if kind == "ov" and r["lhs"] in lv:
                continue
            if kind == "lv" and r["lhs"] not in lv:
                continue
            if kind in ("ov_var", "ov_cov", "lv_var", "lv_cov"):
                is_lv = r["lhs"] in lv
                is_var = r["lhs"] == r["rhs"]
                want_lv = kind.startswith("lv")
                want_var = kind.endswith("var")
                if is_lv != want_lv or is_var != want_var:
                    continue
            r["label"] = f".{r['lhs']}{r['op']}{r['rhs']}"  # shared across groups
    # lavaan side effects: equal intercepts but free means -> latent means free in g >= 2;
    # std.lv with equal loadings -> latent variances free in g >= 2
    free_means = "intercepts" in group_equal and "means" not in group_equal
    free_vars = std_lv and "loadings" in group_equal
    for r in rows:
        if r["group"] == 0 or r["user"] or r["lhs"] not in lv:
            continue
        if (free_means and r["op"] == "~1") or (
                free_vars and r["op"] == "~~" and r["lhs"] == r["rhs"]):
            r["free"] = True
            r["value"] = float("nan")


def _assign_pids(rows, parsed):
    label_pid: dict[str, int] = {}
    nxt = 0
    # a == b between two labels shares one parameter; other constraints (a == 2*b,
    # a == b*c, a > 0, a < b) go to the constrained optimiser (sem.constraints)
    simple_eq = {c.rhs: c.lhs for c in parsed.constraints if c.simple}
    by_label: dict[str, list] = {}
    for r in rows:
        if r["op"] != ":=" and r["label"]:
            by_label.setdefault(r["label"], []).append(r)
        if r["op"] == ":=" or not r["free"]:
            r["pid"] = -1
            continue
        lab = simple_eq.get(r["label"], r["label"])
        if lab:
            if lab not in label_pid:
                label_pid[lab] = nxt
                nxt += 1
            r["pid"] = label_pid[lab]
        else:
            r["pid"] = nxt
            nxt += 1
    # a label shared between a fixed and a free row is ambiguous
    for lab, grp in by_label.items():
        frees = {bool(r["free"]) for r in grp}
        if len(frees) > 1:
            shown = ", ".join(f"{r['lhs']} {r['op']} {r['rhs']}" for r in grp)
            raise ModelSyntaxError(
                f"label {lab!r} is used for both fixed and free parameters ({shown}); "
                "give the fixed one a different label")
    for c in parsed.constraints:
        for name in c.names:
            if name not in by_label:
                raise ModelSyntaxError(
                    f"constraint uses unknown label {name!r}; constraints refer to labels "
                    "of parameters (e.g. 'f =~ a*x2') — defined parameters (:=) cannot be "
                    "constrained yet", line=c.line, token=name)


def _check_definitions(pt, parsed):
    known = set(pt.loc[pt["op"] != ":=", "label"]) - {""}
    defined = set()
    for d in parsed.definitions:
        for name in d.names:
            if name not in known and name not in defined:
                raise ModelSyntaxError(
                    f"{name!r} is not a parameter label; label the parameter in a formula "
                    f"(e.g. 'y ~ {name}*x') before using it in ':='", line=d.line, token=name)
        defined.add(d.name)


def free_parameter_rows(pt: pd.DataFrame) -> pd.DataFrame:
    """The first parameter-table row of each free parameter, in free-vector order."""
    return pt[pt["pid"] >= 0].drop_duplicates("pid").sort_values("pid")
