"""Lesson 13, power and sample size: its "your turn" tasks and the plan the lesson uses.

The population is the power planner's (:func:`~im_research.teaching.widgets.power_planner.
population`): internal communication ``ic`` → commitment ``oc`` (A) → service quality
``sq`` that customers rate (B), with a direct path C; three items per construct."""

from __future__ import annotations

from ..exercises import Question

# last year's survey suggests these standardized paths (the lesson's planning values)
A, B, C = 0.30, 0.25, 0.10
N_GRID = (100, 200, 300, 400, 600)
REPS, SEED = 200, 13  # a real plan: 1 000 or more replications
INDIRECT = {"ind": ["oc ~ ic", "sq ~ oc"]}
# the pessimistic b of task 1, the branch design of task 3
B_PESSIMISTIC, N_TASK1 = 0.15, 400
BRANCHES, PER_BRANCH, ICC = 40, 12, 0.15


def population(a=A, b=B, c=C):
    """The population model with the lesson's paths (or others)."""
    from ..widgets.power_planner import population as planner_population

    return planner_population(a, b, c)


def model_df() -> int:
    """Degrees of freedom of the lesson's model (fitted to its population covariance)."""
    from ...sem.estimate import fit

    pop = population()
    cor = pop.implied_cov()  # standardized: a correlation matrix, every SD 1
    return int(fit(pop.syntax(), cov=cor, sd=[1.0] * len(cor), nobs=1000).fit_measures["df"])


def _q1_indirect_power_pessimistic(t):
    from ...inference.power import power

    tab = t.cached("q1", lambda: power(population(b=B_PESSIMISTIC), n=N_TASK1, reps=REPS,
                                       seed=SEED, indirect=INDIRECT))
    return float(tab.loc[tab["lhs"] == "ind", "power"].iloc[0])


def _q2_n_close_fit(t):
    from ...inference.power import rmsea_sample_size

    return rmsea_sample_size(model_df(), rmsea0=0.05, rmsea1=0.08, power=0.8)


def _q3_effective_n(t):
    from ...inference.power import design_effect

    return BRANCHES * PER_BRANCH / design_effect(ICC, PER_BRANCH)


QUESTIONS = [
    Question("q1", f"A sceptic thinks commitment carries through to customers more weakly: "
             f"b = {B_PESSIMISTIC} instead of {B}. What is the Monte Carlo power of the "
             f"indirect effect at n = {N_TASK1} ({REPS} replications, seed {SEED}, the "
             "lesson's other paths; 2 decimals)?",
             _q1_indirect_power_pessimistic,
             f"ir.power(population(b={B_PESSIMISTIC}), n={N_TASK1}, reps={REPS}, "
             f"seed={SEED}, indirect=INDIRECT) (population and INDIRECT from "
             "im_research.teaching.tasks.lesson13); read the power of the row 'ind'.",
             0.011),
    Question("q2", "How many employees does the RMSEA test of CLOSE fit (.05 against .08, "
             "alpha .05) need for power .80 with the lesson model's degrees of freedom?",
             _q2_n_close_fit,
             "ir.rmsea_sample_size(df, rmsea0=0.05, rmsea1=0.08, power=0.8), df from "
             "section 5 (or model_df() from im_research.teaching.tasks.lesson13).", 0.5),
    Question("q3", f"The bank can survey {BRANCHES} branches with {PER_BRANCH} employees each; "
             f"the ICC of commitment is {ICC}. What is the effective n for the mean "
             "commitment (1 decimal)?",
             _q3_effective_n,
             "n divided by Kish's design effect, ir.design_effect(icc, employees per branch).",
             0.05),
]
