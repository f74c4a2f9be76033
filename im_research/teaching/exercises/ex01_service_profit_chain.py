"""Exercise 01 (lesson 01, the service-profit chain): the bank's chain from internal
marketing to customer satisfaction, on each student's own sample of the bank's employees."""

from __future__ import annotations

import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

MEASUREMENT = """im =~ im1 + im2 + im3 + im4
js =~ js1 + js2 + js3
oc =~ oc1 + oc2 + oc3r
sq =~ sq1 + sq2 + sq3 + sq4
cs =~ cs1 + cs2 + cs3
"""
LINKS = ("js ~ im", "oc ~ js", "sq ~ oc", "cs ~ sq")
CHAIN = MEASUREMENT + "js ~ a*im\noc ~ b*js + im\nsq ~ c*oc\ncs ~ d*sq\nind := a*b*c*d\n"
# the mistakes of q1, as the syntax they produce
REVERSED = MEASUREMENT + "im ~ js\noc ~ js + im\nsq ~ oc\ncs ~ sq\n"
NO_DIRECT = MEASUREMENT + "js ~ im\noc ~ js\nsq ~ oc\ncs ~ sq\n"
RAW_OC3 = CHAIN.replace("oc3r", "oc3")


def make_data(rng) -> pd.DataFrame:
    """160-260 of the bank's 420 employees, drawn without replacement (few enough that
    two students share about half their rows); oc3 as answered (worded in reverse; the
    student makes oc3r)."""
    from ..flagship import load_flagship_data

    bank = load_flagship_data()
    n = int(rng.integers(160, 261))
    rows = rng.choice(len(bank), size=n, replace=False)
    cols = [c for c in bank.columns if c != "oc3r"]
    return bank.iloc[sorted(rows)][cols].reset_index(drop=True)


def model_data(d: pd.DataFrame) -> pd.DataFrame:
    return d.assign(oc3r=8 - d["oc3"])


def _fit(ex, model=CHAIN):
    from ...sem.estimate import fit

    return ex.cached(("fit", model), lambda: fit(model, data=ex.model_data()))


def _value(ex, lhs, op, rhs, col="std_all") -> float:
    p = _fit(ex).params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs), col].iloc[0])


def _link(ex, link, col="std_all") -> float:
    lhs, rhs = (s.strip() for s in link.split("~"))
    return _value(ex, lhs, "~", rhs, col)


def _weakest(ex, col="std_all") -> str:
    return min(LINKS, key=lambda link: abs(_link(ex, link, col)))


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the service-profit chain: the measurement model MEASUREMENT (given "
        "above; it uses oc3r = 8 - oc3) plus im -> js -> oc -> sq -> cs and the direct path "
        "im -> oc. Check the whole model string: ex.q1.check(model).",
        lambda ex: CHAIN,
        ["A regression 'y ~ x' says x causes y: the arrow points at the left side.",
         "Four links of the chain plus oc ~ im; first ex.data['oc3r'] = 8 - ex.data['oc3'].",
         "js ~ im, oc ~ js + im, sq ~ oc, cs ~ sq added to MEASUREMENT."],
        points=2,
        mistakes=[Mistake("path direction", lambda ex: REVERSED,
                          "the first link points the wrong way: internal marketing drives "
                          "job satisfaction, so write js ~ im (y ~ x), not im ~ js.", 0.5),
                  Mistake("direct path", lambda ex: NO_DIRECT,
                          "the chain is right but the direct path from internal marketing "
                          "to commitment (oc ~ im) is missing.", 0.5),
                  Mistake("reverse-keyed item", lambda ex: RAW_OC3,
                          "oc3 is worded in reverse; use oc3r = 8 - oc3 in the model.", 0.5)],
        solution="model = MEASUREMENT + 'js ~ a*im\\noc ~ b*js + im\\nsq ~ c*oc\\ncs ~ d*sq\\n'"),
    Numeric(
        "q2", "The standardized path from internal marketing to job satisfaction (std_all, "
        "3 decimals).",
        lambda ex: _link(ex, "js ~ im"),
        ["The row js ~ im of res.params.", "Its std_all column, not est."],
        0.002,
        mistakes=[Mistake("unstandardized", lambda ex: _link(ex, "js ~ im", "est"),
                          "that is the unstandardized path (est); give std_all.", 0.5)],
        solution="p.loc[(p.lhs == 'js') & (p.op == '~') & (p.rhs == 'im'), 'std_all']"),
    Numeric(
        "q3", "The standardized indirect effect of internal marketing on customer "
        "satisfaction through js, oc and sq (3 decimals).",
        lambda ex: _value(ex, "ind", ":=", "a*b*c*d"),
        ["An indirect effect multiplies the paths along the way.",
         "Label the four links a, b, c, d and add 'ind := a*b*c*d'; read std_all of the := "
         "row."],
        0.0006,
        mistakes=[Mistake("unstandardized", lambda ex: _value(ex, "ind", ":=", "a*b*c*d",
                                                               "est"),
                          "that is the unstandardized indirect effect; give std_all.", 0.5),
                  Mistake("sum of paths",
                          lambda ex: sum(_link(ex, link) for link in LINKS),
                          "you added the paths; an indirect effect is their product.")],
        solution="add 'ind := a*b*c*d' with labelled links; std_all of the := row"),
    Numeric(
        "q4", "The R-squared of customer satisfaction (3 decimals).",
        lambda ex: float(_fit(ex).rsquare["cs"]),
        ["res.rsquare is a Series keyed by variable."],
        0.003,
        mistakes=[Mistake("path instead of R2", lambda ex: _link(ex, "cs ~ sq"),
                          "that is the standardized path cs ~ sq; with one predictor R² is "
                          "its square.")],
        solution="res.rsquare['cs']"),
    Choice(
        "q5", "Which link of the chain is the weakest (smallest standardized path)?",
        {link: link for link in LINKS},
        _weakest,
        ["Compare the std_all of the four links; the scales differ, so est cannot be "
         "compared."],
        mistakes=[Mistake("unstandardized", lambda ex: _weakest(ex, "est"),
                          "that is the smallest unstandardized path; links measured on "
                          "different scales are compared standardized (std_all).")],
        solution="min over the std_all of js ~ im, oc ~ js, sq ~ oc, cs ~ sq"),
    Written(
        "q6", "In two sentences for the bank's HR director: what does your indirect effect "
        "(q3) mean for a budget on internal marketing?",
        ["interprets the indirect effect as the effect passed on along the chain (in SD "
         "units)", "notes it is small because it is a product of four links",
         "warns that cross-sectional data do not prove causation"],
        ["Say what a one-SD rise in internal marketing does to customer satisfaction."],
        solution="A good answer turns the standardized product into a statement about SDs."),
)

SPEC = ExerciseSpec(
    name="ex01_service_profit_chain", title="The bank's service-profit chain",
    lesson="01", make_data=make_data, questions=QUESTIONS, model_data=model_data,
    intro=MEASUREMENT)
