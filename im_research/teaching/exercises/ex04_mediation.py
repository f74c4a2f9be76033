"""Exercise 04 (lesson 04, structural model and mediation): does job satisfaction carry
the effect of internal communication on customer orientation?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

MEASUREMENT = """ic =~ ic1 + ic2 + ic3
js =~ js1 + js2 + js3
co =~ co1 + co2 + co3
"""
MODEL = MEASUREMENT + "js ~ a*ic\nco ~ b*js + c*ic\nind := a*b\ntotal := c + a*b\n"
REVERSED = MEASUREMENT + "ic ~ js\nco ~ js + ic\n"
NO_DIRECT = MEASUREMENT + "js ~ ic\nco ~ js\n"


def make_data(rng) -> pd.DataFrame:
    """200-400 employees; the paths a (ic -> js), b (js -> co) and the direct c differ per
    student, so the indirect effect and the kind of mediation do too."""
    n = int(rng.integers(200, 401))
    a, b, c = rng.uniform(0.2, 0.6), rng.uniform(0.1, 0.5), rng.uniform(0.0, 0.35)
    ic = rng.normal(size=n)
    js = a * ic + rng.normal(scale=np.sqrt(1 - a ** 2), size=n)
    co = b * js + c * ic
    co = co + rng.normal(scale=np.sqrt(max(0.2, 1 - np.var(co))), size=n)
    cols = {}
    for name, eta in (("ic", ic), ("js", js), ("co", co)):
        for j in range(1, 4):
            lam = rng.uniform(0.65, 0.9)
            cols[f"{name}{j}"] = lam * eta + rng.normal(scale=np.sqrt(1 - lam ** 2), size=n)
    return pd.DataFrame(cols).round(3)


def _fit(ex):
    from ...sem.estimate import fit

    return ex.cached("fit", lambda: fit(MODEL, data=ex.source_data()))


def _row(ex, lhs, op, rhs, col="std_all") -> float:
    p = _fit(ex).params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs), col].iloc[0])


def _kind(ex) -> str:
    ind_p = _row(ex, "ind", ":=", "a*b", "pvalue")
    direct_p = _row(ex, "co", "~", "ic", "pvalue")
    if ind_p >= 0.05:
        return "none"
    return "partial" if direct_p < 0.05 else "full"


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the mediation model: MEASUREMENT (given) plus ic -> js -> co and the "
        "direct ic -> co, with labels a (js ~ ic), b (co ~ js), c (co ~ ic), the indirect "
        "effect ind := a*b and the total effect total := c + a*b.",
        lambda ex: MODEL,
        ["'y ~ x' is an arrow from x to y.",
         "js ~ a*ic and co ~ b*js + c*ic, then the two := lines."],
        points=2,
        mistakes=[Mistake("path direction", lambda ex: REVERSED,
                          "the first path points the wrong way: communication is the cause, "
                          "so js ~ ic (y ~ x), not ic ~ js.", 0.5),
                  Mistake("direct path", lambda ex: NO_DIRECT,
                          "the direct path co ~ ic is missing: without it you cannot tell "
                          "full from partial mediation.", 0.5)],
        solution="MEASUREMENT + 'js ~ a*ic\\nco ~ b*js + c*ic\\nind := a*b\\n"
                 "total := c + a*b\\n'"),
    Numeric(
        "q2", "The standardized indirect effect of ic on co (std_all of ind, 3 decimals).",
        lambda ex: _row(ex, "ind", ":=", "a*b"),
        ["The := row named ind in res.params.", "Its std_all column."],
        0.002,
        mistakes=[Mistake("unstandardized", lambda ex: _row(ex, "ind", ":=", "a*b", "est"),
                          "that is the unstandardized indirect effect; give std_all.", 0.5),
                  Mistake("total effect", lambda ex: _row(ex, "total", ":=", "c+a*b"),
                          "that is the total effect (direct + indirect); the indirect effect "
                          "is a*b only."),
                  Mistake("sum of paths", lambda ex: _row(ex, "js", "~", "ic")
                          + _row(ex, "co", "~", "js"),
                          "you added a and b; an indirect effect is their product.")],
        solution="std_all of the ind := a*b row"),
    Numeric(
        "q3", "The z value of the indirect effect (delta method, the 'z' column, 2 decimals).",
        lambda ex: _row(ex, "ind", ":=", "a*b", "z"),
        ["res.params has a z column: estimate / standard error."],
        0.01,
        solution="the z of the ind row"),
    Numeric(
        "q4", "The proportion of the total effect that is mediated (ind / total, "
        "unstandardized; '45%' is accepted).",
        lambda ex: _row(ex, "ind", ":=", "a*b", "est") / _row(ex, "total", ":=", "c+a*b",
                                                                "est"),
        ["Divide the indirect effect by the total effect."],
        0.005,
        mistakes=[Mistake("ratio to the direct effect",
                          lambda ex: _row(ex, "ind", ":=", "a*b", "est")
                          / _row(ex, "co", "~", "ic", "est"),
                          "that is indirect / direct; the proportion mediated is indirect / "
                          "total.")],
        solution="est of ind / est of total"),
    Choice(
        "q5", "What kind of mediation do the delta-method p-values show (5 %): 'full' "
        "(indirect significant, direct not), 'partial' (both) or 'none' (indirect not)?",
        {"full": "full mediation", "partial": "partial mediation", "none": "no mediation"},
        _kind,
        ["Look at the pvalue of the ind row and of co ~ ic."],
        solution="p of ind < .05 and p of c >= .05 -> full; both < .05 -> partial"),
    Written(
        "q6", "For a manager: which path is mediated, how much, and why would you report a "
        "bootstrap interval for the indirect effect (ir.bootstrap) rather than only its z?",
        ["names the mediated path ic -> js -> co and its size",
         "says the indirect effect's sampling distribution is skewed (a product)",
         "recommends a percentile bootstrap CI"],
        ["A product of two estimates is not normally distributed."],
        solution="A good answer quotes q2 and q4 and explains the bootstrap."),
)

SPEC = ExerciseSpec(
    name="ex04_mediation", title="Mediation: internal communication, satisfaction and "
    "customer orientation", lesson="04", make_data=make_data, questions=QUESTIONS,
    intro=MEASUREMENT)
