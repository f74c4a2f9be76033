"""Exercise 13 (lesson 13, power and sample size): how many employees and branches must
a bank survey?

Every student gets their own planning brief (one row of ``ex.data``): the size of the
model, the planned sample, the expected path, the ICC and two survey plans. The answers
are closed forms (RMSEA power, design effect, effective n) or a seeded Monte Carlo run,
so grading recomputes them exactly and in well under a second."""

from __future__ import annotations

import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, Numeric, Written

# the student's population model: ic -> oc with their own path (the notebook fills it in)
POPULATION = ("ic =~ .8*ic1 + .75*ic2 + .7*ic3\n"
              "oc =~ .82*oc1 + .78*oc2 + .72*oc3\n"
              "oc ~ {path_a}*ic\n")
MC_REPS = 200


def make_data(rng) -> pd.DataFrame:
    """One row: the model's items and free parameters, the planned n, the path ic -> oc and
    the seed of its power run, the ICC, a branch design, and two plans to compare."""
    items = int(rng.integers(9, 16))
    return pd.DataFrame([{
        "items": items,
        "free_parameters": 2 * items + int(rng.integers(3, 9)),
        "n_planned": int(rng.integers(8, 26)) * 10,
        "path_a": round(float(rng.uniform(0.12, 0.28)), 2),
        "mc_seed": int(rng.integers(1, 10_000)),
        "icc": round(float(rng.uniform(0.05, 0.30)), 2),
        "branches": int(rng.integers(20, 81)),
        "per_branch": int(rng.integers(5, 31)),
        "plan_A_branches": int(rng.integers(30, 61)),
        "plan_A_per_branch": int(rng.integers(4, 9)),
        "plan_B_branches": int(rng.integers(25, 46)),
        "plan_B_per_branch": int(rng.integers(10, 21)),
    }])


def _brief(ex) -> pd.Series:
    return ex.source_data().iloc[0]


def _df(ex, subtract=True) -> int:
    b = _brief(ex)
    moments = int(b["items"]) * (int(b["items"]) + 1) // 2
    return moments - int(b["free_parameters"]) if subtract else moments


def _rmsea_power(ex, df=None, alpha=0.05, rmsea0=0.05, rmsea1=0.08) -> float:
    from ...inference.power import rmsea_power

    return rmsea_power(_df(ex) if df is None else df, int(_brief(ex)["n_planned"]),
                       rmsea0, rmsea1, alpha)


def _n_for_80(ex, rmsea0=0.05, rmsea1=0.01) -> int:
    from ...inference.power import rmsea_sample_size

    return rmsea_sample_size(_df(ex), rmsea0, rmsea1, power=0.8)


def _deff(ex) -> float:
    from ...inference.power import design_effect

    b = _brief(ex)
    return design_effect(float(b["icc"]), int(b["per_branch"]))


def _effective_n(ex, plan="") -> float:
    from ...inference.power import design_effect

    b = _brief(ex)
    k, m = (int(b["branches"]), int(b["per_branch"])) if not plan else (
        int(b[f"plan_{plan}_branches"]), int(b[f"plan_{plan}_per_branch"]))
    return k * m / design_effect(float(b["icc"]), m)


def _better_plan(ex, effective=True) -> str:
    b = _brief(ex)
    if effective:
        return "A" if _effective_n(ex, "A") > _effective_n(ex, "B") else "B"
    total = {p: int(b[f"plan_{p}_branches"]) * int(b[f"plan_{p}_per_branch"]) for p in "AB"}
    return "A" if total["A"] > total["B"] else "B"


def _mc_power(ex, alpha=0.05) -> float:
    from ...inference.power import power

    b = _brief(ex)
    tab = ex.cached(("power", alpha), lambda: power(
        POPULATION.format(path_a=b["path_a"]), n=int(b["n_planned"]), reps=MC_REPS,
        seed=int(b["mc_seed"]), alpha=alpha))
    row = tab[(tab["lhs"] == "oc") & (tab["op"] == "~") & (tab["rhs"] == "ic")]
    return float(row["power"].iloc[0])


QUESTIONS = (
    Numeric(
        "q1", "Your model has `items` observed variables and `free_parameters` free "
        "parameters. With n = `n_planned`, what is the power of the RMSEA test of close fit "
        "(RMSEA .05 against .08, alpha .05; 3 decimals)?",
        _rmsea_power,
        ["First the degrees of freedom: p(p + 1)/2 moments minus the free parameters.",
         "ir.rmsea_power(df, n, rmsea0=0.05, rmsea1=0.08, alpha=0.05)."],
        0.002,
        mistakes=[Mistake("df without parameters",
                          lambda ex: _rmsea_power(ex, df=_df(ex, subtract=False)),
                          "those are the degrees of freedom of the moments alone: subtract "
                          "the free parameters, df = p(p + 1)/2 − q."),
                  Mistake("alpha .01", lambda ex: _rmsea_power(ex, alpha=0.01),
                          "that is the power at alpha .01; the brief asks for .05.", 0.5),
                  Mistake("not-close fit", lambda ex: _rmsea_power(ex, rmsea0=0.05,
                                                                   rmsea1=0.01),
                          "that is the test of not-close fit (.05 against .01); close fit "
                          "is .05 against .08.", 0.25)],
        solution="df = items(items + 1)/2 − free_parameters; ir.rmsea_power(df, n_planned)"),
    Numeric(
        "q2", "How many respondents does the test of NOT-close fit (RMSEA .05 against .01) "
        "need for power .80 with your model's df (alpha .05)?",
        _n_for_80,
        ["ir.rmsea_sample_size(df, rmsea0=..., rmsea1=..., power=0.8).",
         "Not-close fit: the null hypothesis is RMSEA .05, the alternative .01."],
        0.5,
        mistakes=[Mistake("close fit", lambda ex: _n_for_80(ex, 0.05, 0.08),
                          "that is the n for the test of close fit (.05 against .08); the "
                          "question is about not-close fit (.05 against .01).", 0.25)],
        solution="ir.rmsea_sample_size(df, 0.05, 0.01, power=0.8)"),
    Numeric(
        "q3", "The bank surveys `branches` branches with `per_branch` employees each; the "
        "ICC of commitment is `icc`. What is the design effect of a mean (2 decimals)?",
        _deff,
        ["Kish: 1 + (m − 1)·ICC, m employees per branch.", "ir.design_effect(icc, m)."],
        0.005,
        mistakes=[Mistake("ICC", lambda ex: float(_brief(ex)["icc"]),
                          "that is the ICC itself; the design effect is 1 + (m − 1)·ICC."),
                  Mistake("m instead of m - 1",
                          lambda ex: 1 + int(_brief(ex)["per_branch"]) * float(
                              _brief(ex)["icc"]),
                          "use m − 1, not m: a branch's first employee adds no clustering "
                          "(1 + (m − 1)·ICC).", 0.5)],
        solution="1 + (per_branch − 1)·icc"),
    Numeric(
        "q4", "How many independent respondents is that design worth (the effective n of a "
        "mean; whole employees, 1 decimal is fine)?",
        _effective_n,
        ["The effective n is n / design effect.", "n = branches × per_branch."],
        0.5,
        mistakes=[Mistake("times deff", lambda ex: int(_brief(ex)["branches"])
                          * int(_brief(ex)["per_branch"]) * _deff(ex),
                          "you multiplied by the design effect; clustering makes the sample "
                          "worth LESS: divide n by the design effect.")],
        solution="branches × per_branch / design effect"),
    Choice(
        "q5", "Plan A surveys `plan_A_branches` branches × `plan_A_per_branch` employees, plan "
        "B `plan_B_branches` × `plan_B_per_branch`. With your ICC, which plan gives the "
        "larger effective n: 'A' or 'B'?",
        {"A": "plan A", "B": "plan B"},
        _better_plan,
        ["Compute the effective n of each plan, k·m / (1 + (m − 1)·ICC)."],
        mistakes=[Mistake("total n", lambda ex: _better_plan(ex, effective=False),
                          "that plan has more employees in total, but they come from fewer "
                          "branches: compare effective n, not n.")],
        solution="the plan with the larger k·m / (1 + (m − 1)·ICC)"),
    Numeric(
        "q6", f"Monte Carlo power of the path oc ~ ic: run ir.power on POPULATION with your "
        f"`path_a`, n = `n_planned`, reps={MC_REPS}, seed=`mc_seed` (alpha .05). Its power "
        "for oc ~ ic (2 decimals)?",
        _mc_power,
        ["pop = POPULATION.format(path_a=plan['path_a']); "
         f"ir.power(pop, n=..., reps={MC_REPS}, seed=...).",
         "Read the power column of the row lhs 'oc', op '~', rhs 'ic'."],
        0.011,  # two replications either way: other BLAS builds may flip a borderline test
        mistakes=[Mistake("alpha .01", lambda ex: _mc_power(ex, alpha=0.01),
                          "that is the power at alpha .01; use the default .05.", 0.5)],
        solution=f"ir.power(POPULATION.format(path_a=path_a), n=n_planned, reps={MC_REPS}, "
                 "seed=mc_seed), row oc ~ ic"),
    Written(
        "q7", "For the bank's HR director: is your planned survey big enough, and should the "
        "bank add branches or employees per branch? Use your numbers.",
        ["quotes the power of the path (q6) or the RMSEA power (q1) against .80",
         "explains that employees in one branch share information (design effect, q3/q4)",
         "recommends more branches rather than more employees per branch when ICC is "
         "sizeable"],
        ["Effective n falls as employees per branch rise; adding branches raises it most."],
        solution="A good answer uses q1, q3-q6."),
)

SPEC = ExerciseSpec(
    name="ex13_power", title="Power and sample size: how many employees and branches?",
    lesson="13", make_data=make_data, questions=QUESTIONS, intro=POPULATION)
