"""Exercise 12 (lesson 12, higher-order constructs): SERVQUAL's five dimensions as one
second-order service-quality factor that drives customer loyalty, on a customer survey
drawn for each student with their own loadings and paths."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

DIMENSIONS = ("tan", "rel", "res", "ass", "emp")
DIMENSION_NAMES = {"tan": "tangibles", "rel": "reliability", "res": "responsiveness",
                   "ass": "assurance", "emp": "empathy"}
FIRST_ORDER = "".join(f"{d} =~ sq_{d}1 + sq_{d}2 + sq_{d}3\n" for d in DIMENSIONS)
LOYALTY = "loy =~ loy1 + loy2 + loy3\n"
SECOND_ORDER = FIRST_ORDER + "sq =~ " + " + ".join(DIMENSIONS) + "\n"
MODEL = SECOND_ORDER + LOYALTY + "loy ~ sq\n"
# the typical slip: loyalty on the five correlated dimensions, no overall quality factor
FIRST_ORDER_MODEL = FIRST_ORDER + LOYALTY + "loy ~ " + " + ".join(DIMENSIONS) + "\n"
NO_LOYALTY = SECOND_ORDER


def make_data(rng) -> pd.DataFrame:
    """300-500 customers' 7-point answers from ``models.servqual_loyalty()``'s structure
    with the student's own population: second-order loadings .45-.90 in a random order
    (so the weakest dimension differs), item loadings .62-.85, quality -> loyalty .30-.65
    and a small direct effect of empathy on loyalty (0-.20).

    Examples
    --------
    >>> import numpy as np
    >>> make_data(np.random.default_rng(1)).shape[1]   # 15 SERVQUAL items, 3 loyalty items
    18
    """
    from ...synthetic.simulate import PopulationModel, draw

    gammas = rng.permutation(np.round(rng.uniform([.45, .62, .72, .78, .84],
                                                  [.58, .72, .80, .85, .90]), 2))
    loadings = {d: {f"sq_{d}{k}": round(float(rng.uniform(.62, .85)), 2) for k in (1, 2, 3)}
                for d in DIMENSIONS}
    loadings["sq"] = {d: float(g) for d, g in zip(DIMENSIONS, gammas)}
    loadings["loy"] = {f"loy{k}": round(float(rng.uniform(.70, .86)), 2) for k in (1, 2, 3)}
    paths = {"loy": {"sq": round(float(rng.uniform(.30, .65)), 2),
                     "emp": round(float(rng.uniform(0, .20)), 2)}}
    n = int(rng.integers(300, 501))
    data = draw(PopulationModel(loadings=loadings, paths=paths), n, seed=rng, points=7,
                skew=float(rng.uniform(0.2, 0.7)), ids=False).data
    return data.reset_index(drop=True)


def _fit(ex, key, model):
    from ...sem.estimate import fit

    return ex.cached(key, lambda: fit(model, data=ex.source_data()))


def _row(ex, lhs, op, rhs, col="std_all") -> float:
    p = _fit(ex, "model", MODEL).params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs), col].iloc[0])


def _chisq(ex, key, model) -> float:
    return float(_fit(ex, key, model).fit_measures["chisq"])


def _target_coefficient(ex) -> float:
    return _chisq(ex, "first", FIRST_ORDER) / _chisq(ex, "second", SECOND_ORDER)


def _omega(ex, column="omega_l1") -> float:
    from ...measurement.reliability import higher_order_reliability

    return float(higher_order_reliability(_fit(ex, "model", MODEL), "sq")[column].iloc[0])


def _weakest(ex) -> str:
    p = _fit(ex, "model", MODEL).params
    second = p[(p["lhs"] == "sq") & (p["op"] == "=~")]
    return str(second.loc[second["std_all"].idxmin(), "rhs"])


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the model: the five SERVQUAL dimensions (tan, rel, res, ass, emp; "
        "items sq_tan1-sq_tan3, ...) as first-order factors, one second-order factor sq "
        "measured by the five dimensions, loyalty (loy1-loy3) and the path from sq to loy.",
        lambda ex: MODEL,
        ["A second-order factor is measured by factors: 'sq =~ tan + rel + ...'.",
         "Five lines 'd =~ sq_d1 + sq_d2 + sq_d3', then 'sq =~ tan + rel + res + ass + emp', "
         "'loy =~ loy1 + loy2 + loy3' and 'loy ~ sq'."],
        points=2,
        mistakes=[Mistake("first-order dimensions", lambda ex: FIRST_ORDER_MODEL,
                          "loyalty is regressed on the five correlated dimensions: that is "
                          "the first-order model. Overall service quality needs its own "
                          "factor, sq =~ tan + rel + res + ass + emp, and loy ~ sq.", 0.5),
                  Mistake("no loyalty", lambda ex: NO_LOYALTY,
                          "this is the measurement part only: add loyalty "
                          "(loy =~ loy1 + loy2 + loy3) and the path loy ~ sq.", 0.5)],
        solution="FIRST_ORDER + 'sq =~ tan + rel + res + ass + emp\\nloy =~ loy1 + loy2 + "
                 "loy3\\nloy ~ sq\\n'"),
    Numeric(
        "q2", "Fit the five correlated dimensions (FIRST_ORDER) and the second-order "
        "measurement model (SECOND_ORDER), both without loyalty. The target coefficient: "
        "chi-square of the first-order model divided by chi-square of the second-order "
        "model (3 decimals).",
        _target_coefficient,
        ["Marsh & Hocevar's target coefficient compares the two measurement models.",
         "fit_measures['chisq'] of the first-order fit / that of the second-order fit; it "
         "cannot exceed 1."],
        0.001,
        mistakes=[Mistake("ratio inverted",
                          lambda ex: 1 / _target_coefficient(ex),
                          "the ratio is upside down: the first-order chi-square goes on top "
                          "(the coefficient cannot exceed 1).", 0.5),
                  Mistake("models with loyalty",
                          lambda ex: _chisq(ex, "first_loy", FIRST_ORDER_MODEL)
                          / _chisq(ex, "model", MODEL),
                          "those are the models with loyalty; the target coefficient compares "
                          "the measurement models of the dimensions only.", 0.5)],
        solution="ir.fit(FIRST_ORDER, ...).fit_measures['chisq'] / "
                 "ir.fit(SECOND_ORDER, ...).fit_measures['chisq']"),
    Numeric(
        "q3", "In your model of Q1: the reliability of overall service quality, omega L1 "
        "(ir.higher_order_reliability, 3 decimals).",
        lambda ex: _omega(ex),
        ["ir.higher_order_reliability(res) gives one row for sq.",
         "omega_l1 is the share of the variance of the sum of all 15 items due to sq."],
        0.001,
        mistakes=[Mistake("omega L2", lambda ex: _omega(ex, "omega_l2"),
                          "that is omega L2 (the reliability of the sum of the dimensions); "
                          "omega L1 refers to the sum of the items.", 0.25),
                  Mistake("partial omega L1", lambda ex: _omega(ex, "partial_omega_l1"),
                          "that is the partial omega L1, which ignores the dimensions' own "
                          "variance; give omega_l1.", 0.25)],
        solution="ir.higher_order_reliability(res)['omega_l1']"),
    Numeric(
        "q4", "The standardized second-order loading of responsiveness (res) on overall "
        "service quality (std_all, 3 decimals).",
        lambda ex: _row(ex, "sq", "=~", "res"),
        ["The row with lhs 'sq', op '=~' and rhs 'res' in res.params.",
         "Its std_all column (not est)."],
        0.002,
        mistakes=[Mistake("unstandardized", lambda ex: _row(ex, "sq", "=~", "res", "est"),
                          "that is the unstandardized loading (tangibles sets the scale); "
                          "give std_all.", 0.5),
                  Mistake("first-order loading", lambda ex: _row(ex, "res", "=~", "sq_res1"),
                          "that is a first-order loading (an item on responsiveness); the "
                          "second-order loading is responsiveness on sq (lhs 'sq').")],
        solution="std_all of the sq =~ res row"),
    Numeric(
        "q5", "The standardized path from overall service quality to loyalty (std_all, 3 "
        "decimals).",
        lambda ex: _row(ex, "loy", "~", "sq"),
        ["The row loy ~ sq in res.params."],
        0.002,
        mistakes=[Mistake("unstandardized", lambda ex: _row(ex, "loy", "~", "sq", "est"),
                          "that is the unstandardized path; give std_all.", 0.5)],
        solution="std_all of the loy ~ sq row"),
    Choice(
        "q6", "Which dimension reflects overall service quality least well (the smallest "
        "standardized second-order loading)? Answer 'tan', 'rel', 'res', 'ass' or 'emp'.",
        DIMENSION_NAMES, _weakest,
        ["Compare the std_all of the five sq =~ rows."],
        solution="the rhs of the sq =~ row with the smallest std_all"),
    Written(
        "q7", "For the service manager: is one overall service-quality score justified "
        "(quote the target coefficient and omega L1), and what does the weakest dimension "
        "mean for how the branches are managed?",
        ["quotes the target coefficient close to 1: the second-order factor explains the "
         "dimensions' correlations almost as well as free correlations",
         "quotes omega L1 as the reliability of an overall score",
         "names the weakest dimension and says it is partly its own lever, to be reported "
         "beside the overall score"],
        ["A target coefficient near 1 means little is lost by the second-order structure."],
        solution="A good answer quotes Q2 and Q3 and interprets Q6."),
)

SPEC = ExerciseSpec(
    name="ex12_higher_order", title="Service quality as a second-order factor (SERVQUAL) "
    "driving loyalty", lesson="12", make_data=make_data, questions=QUESTIONS,
    intro=FIRST_ORDER)
