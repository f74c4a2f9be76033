"""Starting values for ML-type estimators (lavaan's, simplified: fabin3-type loadings,
0.5 s_ii residual variances, OLS starts for observed-variable regressions)."""

from __future__ import annotations

import numpy as np

__all__ = ["start_values"]


def start_values(records, info, stats_by_group, std_lv, npar):
    theta = np.full(npar, np.nan)
    for g, st in enumerate(stats_by_group):
        S = st.cov
        pos = {v: i for i, v in enumerate(st.names)}
        rows = [r for r in records if r["group"] == g and r["op"] != ":="]
        lam, psi = {}, {}
        for f, inds in info.indicators.items():
            obs = [v for v in inds if v in pos]
            if not obs:
                continue
            r = obs[0]
            ir = pos[r]
            for i_name in obs[1:]:
                i = pos[i_name]
                others = [pos[v] for v in obs if v not in (r, i_name)]
                if others:
                    Srr = S[np.ix_(others, others)]
                    try:
                        w = np.linalg.solve(Srr, S[others, ir])
                        den = S[ir, others] @ w
                        val = (S[i, others] @ w) / den if den > 0 else 1.0
                    except np.linalg.LinAlgError:
                        val = 1.0
                else:
                    val = 1.0
                lim = np.sqrt(S[i, i] / (0.1 * S[ir, ir]))
                lam[(f, i_name)] = float(np.clip(val, -lim, lim))
            # common variance of the marker from triads, bounded
            est = []
            for a in range(1, len(obs)):
                for b in range(a + 1, len(obs)):
                    ja, jb = pos[obs[a]], pos[obs[b]]
                    if S[ja, jb] != 0:
                        est.append(S[ir, ja] * S[ir, jb] / S[ja, jb])
            ps = float(np.median(est)) if est else 0.5 * S[ir, ir]
            psi[f] = float(np.clip(ps, 0.05 * S[ir, ir], 0.95 * S[ir, ir]))
        for r in rows:
            pid = int(r["pid"])
            if pid < 0 or not np.isnan(theta[pid]):
                continue
            if not np.isnan(r["start"]):
                theta[pid] = r["start"]
                continue
            op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
            if op == "=~":
                v = lam.get((lhs, rhs), 1.0)
                if std_lv:
                    v *= np.sqrt(psi.get(lhs, 1.0))
                theta[pid] = v
            elif op == "~~" and lhs == rhs:
                if lhs in pos:
                    theta[pid] = 0.5 * S[pos[lhs], pos[lhs]] if lhs not in info.ov_x else \
                        S[pos[lhs], pos[lhs]]
                else:
                    # common variance of the marker (lavaan starts at 0.05, which makes
                    # the first Fisher-scoring steps wander for endogenous factors)
                    theta[pid] = psi.get(lhs, 0.05)
            elif op == "~~":
                if lhs in info.ov_x and rhs in info.ov_x:
                    theta[pid] = S[pos[lhs], pos[rhs]]
                else:
                    theta[pid] = 0.0
            elif op == "~1":
                theta[pid] = st.mean[pos[lhs]] if (lhs in pos and st.mean is not None) else 0.0
            else:
                theta[pid] = 0.0
        # observed-variable regressions: OLS starts (lavaan does this for models w/o latents)
        if not info.lv:
            for y in info.ov_y:
                reg = [r for r in rows if r["op"] == "~" and r["lhs"] == y]
                xs = [r["rhs"] for r in reg if r["rhs"] in pos]
                if not xs or len(xs) != len(reg):
                    continue
                ix = [pos[x] for x in xs]
                try:
                    b = np.linalg.solve(S[np.ix_(ix, ix)], S[ix, pos[y]])
                except np.linalg.LinAlgError:
                    continue
                for r, bval in zip(reg, b):
                    if r["pid"] >= 0 and np.isnan(r["start"]):
                        theta[int(r["pid"])] = bval
                resid = S[pos[y], pos[y]] - S[ix, pos[y]] @ b
                vrow = [r for r in rows if r["op"] == "~~" and r["lhs"] == y and r["rhs"] == y]
                if vrow and vrow[0]["pid"] >= 0 and 0.01 * S[pos[y], pos[y]] < resid:
                    theta[int(vrow[0]["pid"])] = resid
    theta[np.isnan(theta)] = 0.0
    return theta

