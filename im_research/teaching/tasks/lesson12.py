"""Lesson 12, service quality as a second-order factor (SERVQUAL): its "your turn" tasks."""

from __future__ import annotations

from ..exercises import Question

# The lesson's customer survey: drawn from models.servqual_loyalty() with this call (the
# notebook shows it; a test checks that the two agree).
DIMENSIONS = ("tan", "rel", "res", "ass", "emp")
N_CUSTOMERS, SEED, POINTS, SKEW = 450, 12, 7, 0.6
# The direct paths the lesson's path explorer offers: does a dimension drive loyalty
# beyond overall service quality?
CANDIDATE_PATHS = tuple(f"loy ~ {d}" for d in DIMENSIONS)


def customers():
    """The lesson's 450 customers (7-point answers), as the notebook draws them."""
    from ...synthetic.models import servqual_loyalty
    from ...synthetic.simulate import draw

    return draw(servqual_loyalty().population, N_CUSTOMERS, seed=SEED, points=POINTS,
                skew=SKEW).data


def first_order_syntax(dimensions=DIMENSIONS) -> str:
    """The measurement model of the chosen SERVQUAL dimensions (three items each)."""
    return "".join(f"{d} =~ sq_{d}1 + sq_{d}2 + sq_{d}3\n" for d in dimensions)


def second_order_syntax(dimensions=DIMENSIONS) -> str:
    """The dimensions under one service-quality factor (no loyalty)."""
    return first_order_syntax(dimensions) + "sq =~ " + " + ".join(dimensions) + "\n"


def _fit(t, key, model):
    from ...sem.estimate import fit

    return t.cached(key, lambda: fit(model, data=customers()))


def _q1_target_coefficient(t):
    first = _fit(t, "first_order", first_order_syntax())
    second = _fit(t, "second_order", second_order_syntax())
    return float(first.fit_measures["chisq"] / second.fit_measures["chisq"])


def _q2_omega_l1_without_tangibles(t):
    from ...measurement.reliability import higher_order_reliability

    res = _fit(t, "no_tangibles", second_order_syntax(DIMENSIONS[1:]))
    return float(higher_order_reliability(res)["omega_l1"].iloc[0])


def _q3_quality_path_with_empathy(t):
    from ...synthetic.models import servqual_loyalty
    from ._common import std_all

    res = _fit(t, "with_emp", servqual_loyalty().syntax + "loy ~ emp\n")
    return std_all(res, "loy", "~", "sq")


QUESTIONS = [
    Question("q1", "Fit the five correlated dimensions and the second-order model WITHOUT "
             "loyalty (measurement models only). What is the target coefficient, the "
             "chi-square of the first-order model divided by that of the second-order model "
             "(3 decimals)?",
             _q1_target_coefficient,
             "first_order_syntax() and second_order_syntax() from "
             "im_research.teaching.tasks.lesson12 give the two models; fit both to "
             "customers and divide fit_measures['chisq'] of the first by the second.", 0.001),
    Question("q2", "Leave the tangibles dimension out (its three items and its line) and refit "
             "the second-order model without loyalty. What is omega L1 of overall service "
             "quality now (3 decimals)?",
             _q2_omega_l1_without_tangibles,
             "second_order_syntax(('rel', 'res', 'ass', 'emp')) is the model; fit it and read "
             "omega_l1 from ir.higher_order_reliability(...).", 0.001),
    Question("q3", "Add the direct path from empathy to loyalty to the lesson's model. What is "
             "the standardized path from overall service quality to loyalty now (std_all, 3 "
             "decimals)?",
             _q3_quality_path_with_empathy,
             "Fit model.syntax + 'loy ~ emp\\n' and read the std_all of the loy ~ sq row of "
             "params.", 0.001),
]
