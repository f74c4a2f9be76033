"""Direct, indirect and total effects with delta-method and bootstrap inference.

Every directed path through the regressions (``~``) of a fitted model is enumerated;
a path's effect is the product of its coefficients. The delta-method SE uses the
model's covariance matrix of the estimates (as lavaan does for ``:=`` parameters); with
a :class:`~im_research.inference.bootstrap.BootstrapResult`, percentile intervals come from the
same draws (lavaan's convention).

Examples
--------
>>> import im_research as ir
>>> from im_research.teaching.flagship import fit_flagship
>>> eff = ir.indirect_effects(fit_flagship(), x="im", y="cs")
>>> sorted(set(eff["kind"]))
['indirect', 'total', 'total_indirect']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ..validation import check_fitted
from .bootstrap import percentile_interval

__all__ = ["indirect_effects"]

_Z = {0.90: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004}


def _graph(res):
    pt = res.partable
    rows = pt[(pt["op"] == "~") & (pt["group"] == 0)]
    edges = {}
    for lhs, rhs, pid, value in zip(rows["lhs"], rows["rhs"], rows["pid"], rows["value"]):
        edges.setdefault(rhs, []).append((lhs, int(pid), float(value)))
    return edges


def _paths(edges, x, y, max_len=10):
    out = []

    def walk(node, path):
        if len(path) > max_len:
            return
        for nxt, pid, value in edges.get(node, []):
            if any(nxt == step[0] for step in path) or nxt == x:
                continue  # no cycles
            new = path + [(nxt, pid, value)]
            if nxt == y:
                out.append(new)
            else:
                walk(nxt, new)

    walk(x, [])
    return out


def _value(path, theta):
    v = 1.0
    for _, pid, fixed in path:
        v *= theta[pid] if pid >= 0 else fixed
    return v


def indirect_effects(fit, x=None, y=None, boot=None, level: float = 0.95) -> pd.DataFrame:
    """Enumerate the effects of ``x`` on ``y`` (all pairs when omitted).

    Returns
    -------
    DataFrame
        ``x, y, kind ("direct"/"indirect"/"total"/"total_indirect"), path, est, se, z,
        pvalue, ci_lower, ci_upper, std_all`` and, with ``boot``, ``boot_se,
        boot_ci_lower, boot_ci_upper``. Only pairs with at least one indirect path are
        listed when x and y are not given.
    """
    check_fitted(fit, "fit", "indirect_effects()")
    if level not in _Z:
        raise ValueError(f"level must be one of {sorted(_Z)}")
    if fit.ngroups > 1:
        raise ValueError("indirect_effects supports single-group models")
    edges = _graph(fit)
    nodes = sorted(set(edges) | {t for v in edges.values() for t, _, _ in v})
    for name, v in (("x", x), ("y", y)):
        if v is not None and v not in nodes:
            raise ValueError(f"{name}={v!r} is not in a regression of the model; "
                             f"variables in regressions: {nodes}")
    pairs = [(x, y)] if x is not None and y is not None else [
        (a, b) for a in ([x] if x else nodes) for b in ([y] if y else nodes) if a != b]
    theta = fit.theta
    vcov = fit._vcov
    # standardized coefficients of each regression, for std_all of a path
    std = dict(zip(zip(fit.params["lhs"], fit.params["op"], fit.params["rhs"]),
                   fit.params["std_all"]))
    draws = None
    if boot is not None:
        draws = boot.draws.to_numpy()[:, :len(theta)]
    rows = []
    for a, b in pairs:
        paths = _paths(edges, a, b)
        if not paths or (x is None or y is None) and all(len(p) == 1 for p in paths):
            continue
        groups = [("direct", [p]) for p in paths if len(p) == 1]
        groups += [("indirect", [p]) for p in paths if len(p) > 1]
        if sum(len(p) > 1 for p in paths) > 1:
            groups.append(("total_indirect", [p for p in paths if len(p) > 1]))
        groups.append(("total", paths))
        for kind, members in groups:
            def f(th, members=members):
                return sum(_value(p, th) for p in members)
            est = f(theta)
            J = np.zeros(len(theta))
            for k in {pid for p in members for _, pid, _ in p if pid >= 0}:
                h = 1e-6 * max(1.0, abs(theta[k]))
                tp, tm = theta.copy(), theta.copy()
                tp[k] += h
                tm[k] -= h
                J[k] = (f(tp) - f(tm)) / (2 * h)
            se = float(np.sqrt(max(J @ vcov @ J, 0.0)))
            z = est / se if se > 0 else np.nan
            label = " + ".join(" -> ".join([a] + [n for n, _, _ in p]) for p in members) \
                if kind in ("direct", "indirect") else f"all paths ({len(members)})"
            std_est = 0.0
            for p in members:
                prev, prod = a, 1.0
                for node, _, _ in p:
                    prod *= std.get((node, "~", prev), np.nan)
                    prev = node
                std_est += prod
            row = dict(x=a, y=b, kind=kind, path=label, est=est, se=se, z=z,
                       pvalue=2 * (1 - special.ndtr(abs(z))) if se > 0 else np.nan,
                       ci_lower=est - _Z[level] * se, ci_upper=est + _Z[level] * se,
                       std_all=std_est)
            if draws is not None:
                vals = np.array([f(d) for d in draws])
                a_lo = (1 - level) / 2
                lo, hi = percentile_interval(vals, [a_lo, 1 - a_lo])
                row.update(boot_se=vals.std(ddof=1), boot_ci_lower=lo, boot_ci_upper=hi)
            rows.append(row)
    return pd.DataFrame(rows)
