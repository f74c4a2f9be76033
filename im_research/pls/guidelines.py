"""The reviewer's checklist for a PLS-SEM study: Hair, Risher, Sarstedt & Ringle (2019).

One row per criterion and construct, item or path, with the value, the rule of thumb, a
verdict and the source of the rule (Hair et al. 2019, "When to use and how to report the
results of PLS-SEM", *European Business Review* 31(1), 2–24):

- reflective (mode A) blocks: loadings ≥ .708; α, ρA and ρC between .70 and .95 (.60 in
  exploratory work; above .95 suggests redundant items); AVE ≥ .50; HTMT between mode A
  constructs below .90 (.85 for conceptually distinct constructs), and with a bootstrap
  the upper limit of its interval below .90 (Henseler, Ringle & Sarstedt 2015);
- formative (mode B) blocks: indicator VIF below 3 (5 is critical) and, with a
  bootstrap, the significance of the weights;
- structural model: inner VIF below 3 (5 critical); with a bootstrap, whether each
  path's interval excludes 0; R² of .25, .50, .75 weak, moderate, substantial; f² of
  .02, .15, .35 small, medium, large (Cohen 1988).

- predictive power: Q² by blindfolding (D = 7 unless n is a multiple of 7) above 0
  (.25 / .50 medium / large); PLSpredict (Shmueli et al. 2019): Q²predict > 0 for every
  item, then PLS's RMSE against the linear model's: below it for all / most / few / no
  items means high / medium / low / no predictive power. Both are left out for PLSc
  fits (their rows say so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .predictive import default_distance

__all__ = ["hair_2019"]

HAIR = "Hair et al. (2019, Eur. Bus. Rev. 31(1))"
HTMT_SRC = "Henseler, Ringle & Sarstedt (2015, J. Acad. Mark. Sci. 43)"
COHEN = "Cohen (1988); Hair et al. (2019)"
SHMUELI = "Shmueli et al. (2019, Eur. J. Mark. 53(11))"


def _band(value, low, high, labels):
    """The label of the band ``value`` falls in (``low`` and ``high`` are ascending cut
    points; ``labels`` has one more entry)."""
    return labels[int(np.searchsorted(np.asarray([low, high]), value, side="right"))]


def _reliability_verdict(v):
    if v > 0.95:
        return "too high (> .95: redundant items?)"
    if v >= 0.70:
        return "meets"
    return "exploratory only (.60–.70)" if v >= 0.60 else "below .60"


def hair_2019(result, boot=None, predict=None) -> pd.DataFrame:
    """The checklist as a DataFrame (see the module docstring); ``predict`` is a
    PLSpredict result (by default ``result.predict(seed=0)``: 10 folds × 10 repetitions).

    Columns: ``step, criterion, subject, value, threshold, verdict, source``.
    """
    rows = []

    def add(step, criterion, subject, value, threshold, verdict, source):
        rows.append((step, criterion, subject, float(value), threshold, verdict, source))

    modes = result.model.modes
    reflective = [c for c in result.model.constructs
                  if modes[c] == "A" and len(result.model.items[c]) > 1]
    outer = result.outer
    for r in outer[outer["construct"].isin(reflective)].itertuples():
        add("1 indicator reliability", "loading", f"{r.item} ({r.construct})", r.loading,
            "≥ .708", "meets" if r.loading >= 0.708 else "below .708", HAIR)
    rel = result.reliability()
    for c in reflective:
        for name, label in (("alpha", "Cronbach's α"), ("rhoA", "ρA"), ("rhoC", "ρC")):
            add("2 internal consistency", label, c, rel.loc[c, name], ".70–.95",
                _reliability_verdict(rel.loc[c, name]), HAIR)
    for c in reflective:
        ave = rel.loc[c, "AVE"]
        add("3 convergent validity", "AVE", c, ave, "≥ .50",
            "meets" if ave >= 0.50 else "below .50", HAIR)
    H = result.htmt()
    upper = boot.htmt["ci_upper"] if boot is not None else None
    names = result.model.constructs
    for i, a in enumerate(names):
        for b in names[:i]:
            if modes[a] == "B" or modes[b] == "B":  # HTMT is for reflective measurement
                continue
            h = H.loc[a, b]
            verdict = _band(h, 0.85, 0.90, ["meets (< .85)", "meets .90 only (similar "
                                            "constructs)", "fails (≥ .90)"])
            add("4 discriminant validity", "HTMT", f"{a} ~ {b}", h, "< .85 / < .90",
                verdict, HTMT_SRC)
            if upper is not None:
                u = upper[f"{a} ~ {b}"]
                add("4 discriminant validity", "HTMT upper CI limit", f"{a} ~ {b}", u,
                    "< .90", "meets" if u < 0.90 else "fails", HTMT_SRC)
    formative = [c for c in names if modes[c] == "B"]
    for r in outer[outer["construct"].isin(formative)].itertuples():
        add("5 formative indicators", "outer VIF", f"{r.item} ({r.construct})", r.vif,
            "< 3 (5 critical)", _band(r.vif, 3, 5, ["meets", "some collinearity (3–5)",
                                                    "critical (≥ 5)"]), HAIR)
        if boot is not None:
            w = boot.weights.loc[f"{r.item} ({r.construct})"]
            add("5 formative indicators", "weight interval excludes 0",
                f"{r.item} ({r.construct})", r.weight, "CI without 0",
                "significant" if w["ci_lower"] > 0 or w["ci_upper"] < 0
                else "not significant: check its loading (≥ .50 keeps it)", HAIR)
    f2 = result.f_squared()
    for r in result.paths.itertuples():
        path = f"{r.source} -> {r.target}"
        add("6 collinearity", "inner VIF", path, r.vif, "< 3 (5 critical)",
            _band(r.vif, 3, 5, ["meets", "some collinearity (3–5)", "critical (≥ 5)"]),
            HAIR)
        if boot is not None:
            ci = boot.paths.loc[path]
            add("7 path significance", "interval excludes 0", path, r.estimate,
                "CI without 0", "significant" if ci["ci_lower"] > 0 or ci["ci_upper"] < 0
                else "not significant", HAIR)
        add("9 effect size", "f²", path, f2.loc[r.source, r.target], ".02 / .15 / .35",
            _effect(f2.loc[r.source, r.target]), COHEN)
    for c, r2 in result.rsquare["r2"].items():
        add("8 explanatory power", "R²", c, r2, ".25 / .50 / .75",
            _band_r2(r2), HAIR)
    why = result._not_predictive()
    if why is not None:  # both re-estimate composite scores and their paths
        for criterion in ("Q² (blindfolding)", "PLSpredict vs linear model"):
            rows.append(("10 predictive power", criterion, "all", np.nan, "", why, HAIR))
    else:
        d = default_distance(result.nobs)
        for c, q2 in result.blindfolding(d)["q2"].items():
            add("10 predictive power", f"Q² (blindfolding, D = {d})", c, q2,
                "> 0 (.25 / .50)", _q2_verdict(q2), HAIR)
        if predict is None:
            predict = result.predict(seed=0)
        for item, r in predict.metrics.iterrows():
            add("10 predictive power", "Q²predict", f"{item} ({r['construct']})",
                r["q2_predict"], "> 0", "meets" if r["q2_predict"] > 0 else "fails", SHMUELI)
            add("10 predictive power", "PLS RMSE − LM RMSE", f"{item} ({r['construct']})",
                r["pls_rmse"] - r["lm_rmse"], "< 0",
                "PLS better" if r["pls_rmse"] < r["lm_rmse"] else "LM better", SHMUELI)
        rows.append(("10 predictive power", "PLSpredict vs linear model",
                     f"all ({predict.folds} folds × {predict.repetitions} repetitions)",
                     float(np.mean(predict.metrics["pls_rmse"] < predict.metrics["lm_rmse"])),
                     "share of items with PLS RMSE < LM's", predict.verdict(), SHMUELI))
    table = pd.DataFrame(rows, columns=["step", "criterion", "subject", "value", "threshold",
                                        "verdict", "source"])
    order = table["step"].str.split(" ").str[0].astype(int)
    return table.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _q2_verdict(q2):
    if q2 <= 0:
        return "no predictive relevance (≤ 0)"
    if q2 >= 0.50:
        return "large"
    return "medium" if q2 >= 0.25 else "small"


def _effect(f2):
    if f2 >= 0.35:
        return "large"
    if f2 >= 0.15:
        return "medium"
    return "small" if f2 >= 0.02 else "none (< .02)"


def _band_r2(r2):
    if r2 >= 0.75:
        return "substantial"
    if r2 >= 0.50:
        return "moderate"
    return "weak" if r2 >= 0.25 else "below weak (< .25)"
