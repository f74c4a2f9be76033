"""Exercise 08 (lesson 08, integrated marketing): do horizontal and vertical cooperation
make an airline's service consistent, where is cooperation lacking, and does the chain
work alike in every department?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...inference.compare import chisq_difference
from ._common import fit_once, param
from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

MEASUREMENT = """ifc =~ ifc1 + ifc2 + ifc3 + ifc4
tms =~ tms1 + tms2 + tms3
cons =~ cons1 + cons2 + cons3
cs =~ cs1 + cs2 + cs3
"""
STRUCTURE = "cons ~ ifc + tms\ncs ~ cons\n"
MODEL = MEASUREMENT + STRUCTURE
REVERSED = MEASUREMENT + "ifc ~ cons\ntms ~ cons\ncs ~ cons\n"
DIRECT = MEASUREMENT + "cons ~ ifc + tms\ncs ~ cons + ifc + tms\n"
GROUP = "department"
DEPARTMENTS = ("cabin crew", "catering", "HR", "finance")  # the first is the reference
SCALAR = ("loadings", "intercepts")
_LOADINGS = {"ifc": (0.78, 0.74, 0.70, 0.66), "tms": (0.80, 0.70, 0.72),
             "cons": (0.76, 0.74, 0.70), "cs": (0.78, 0.72, 0.70)}


def make_data(rng) -> pd.DataFrame:
    """Four departments of 80-140 employees. Their mean coordination (ifc) and top-
    management support (tms) differ per student; one department's coordination pays off
    more or less than elsewhere, by a student-specific amount; the items measure alike
    in every department."""
    sizes = rng.integers(80, 141, size=len(DEPARTMENTS))
    means = np.vstack([np.zeros(2), rng.normal(0.0, 0.45, size=(len(DEPARTMENTS) - 1, 2))])
    g_ifc, g_tms, b = rng.uniform(0.3, 0.55), rng.uniform(0.15, 0.4), rng.uniform(0.3, 0.6)
    odd, shift = int(rng.integers(len(DEPARTMENTS))), rng.uniform(-0.25, 0.25)
    r = rng.uniform(0.0, 0.4)
    loadings = {f: np.clip(np.array(lam) + rng.uniform(-0.08, 0.08, size=len(lam)), 0.5, 0.82)
                for f, lam in _LOADINGS.items()}
    frames = []
    for g, dept in enumerate(DEPARTMENTS):
        n = int(sizes[g])
        x = rng.multivariate_normal(means[g], [[1.0, r], [r, 1.0]], size=n)
        gamma = g_ifc + (shift if g == odd else 0.0)
        cons = gamma * x[:, 0] + g_tms * x[:, 1]
        cons = cons + rng.normal(scale=np.sqrt(0.6), size=n)
        cs = b * cons + rng.normal(scale=np.sqrt(0.7), size=n)
        cols = {GROUP: [dept] * n}
        for name, eta in (("ifc", x[:, 0]), ("tms", x[:, 1]), ("cons", cons), ("cs", cs)):
            for j, lam in enumerate(loadings[name], start=1):
                cols[f"{name}{j}"] = 3.2 + 0.8 * (lam * eta + rng.normal(
                    scale=np.sqrt(1 - lam ** 2), size=n))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True).round(2)


def _fit(ex, model=MODEL, **kw):
    return fit_once(ex, model, **kw)


_row = param


def _chisq(res) -> float:
    return float(res.fit_measures["chisq"])


def _latent_means(ex) -> dict:
    res = _fit(ex, MEASUREMENT, group=GROUP, group_equal=SCALAR)
    return {d: 0.0 if g == 0 else _row(res, "ifc", "~1", "", "est", d)
            for g, d in enumerate(DEPARTMENTS)}


def _raw_difference(ex) -> float:
    d = ex.source_data()
    score = d[["ifc1", "ifc2", "ifc3", "ifc4"]].mean(axis=1)
    return float(score[d[GROUP] == "HR"].mean() - score[d[GROUP] == DEPARTMENTS[0]].mean())


def _paths_free(ex):
    return _fit(ex, MODEL, group=GROUP, group_equal=SCALAR)


def _paths_equal(ex):
    return _fit(ex, MODEL, group=GROUP, group_equal=SCALAR + ("regressions",))


def _paths_delta(ex) -> float:
    return float(chisq_difference(_paths_free(ex), _paths_equal(ex))["delta_chisq"])


def _paths_pvalue(ex, df=None) -> float:
    """The difference test's p-value (``df=`` gives the one a wrong df would)."""
    if df is None:
        return float(chisq_difference(_paths_free(ex), _paths_equal(ex))["pvalue"])
    from scipy import stats

    return float(stats.chi2.sf(_paths_delta(ex), df))


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the chain: MEASUREMENT (given) plus coordination (ifc) and top-"
        "management support (tms) -> consistency (cons) -> passenger satisfaction (cs). "
        "Cooperation reaches satisfaction only through consistency.",
        lambda ex: MODEL,
        ["'y ~ x' is an arrow from x to y: the two kinds of cooperation come first.",
         "cons ~ ifc + tms and cs ~ cons."],
        points=2,
        mistakes=[Mistake("path direction", lambda ex: REVERSED,
                          "the arrows point the wrong way: cooperation makes the service "
                          "consistent, so cons ~ ifc + tms (y ~ x).", 0.5),
                  Mistake("direct paths", lambda ex: DIRECT,
                          "the chain has no direct paths from ifc and tms to cs: cooperation "
                          "pleases passengers through consistency only (cs ~ cons).", 0.5)],
        solution="MEASUREMENT + 'cons ~ ifc + tms\\ncs ~ cons\\n'"),
    Numeric(
        "q2", "Fit it to all employees. The standardized path coordination -> consistency "
        "(cons ~ ifc, 3 decimals).",
        lambda ex: _row(_fit(ex), "cons", "~", "ifc"),
        ["The cons ~ ifc row of res.params.", "Its std_all column."],
        0.003,
        mistakes=[Mistake("unstandardized", lambda ex: _row(_fit(ex), "cons", "~", "ifc",
                                                             "est"),
                          "that is the unstandardized path; give std_all.", 0.5),
                  Mistake("support for coordination", lambda ex: _row(_fit(ex), "cons", "~",
                                                                      "tms"),
                          "that is the path from top-management support (tms), the vertical "
                          "cooperation; the question asks for coordination between "
                          "departments (ifc).")],
        solution="std_all of cons ~ ifc"),
    Numeric(
        "q3", "Fit MEASUREMENT in the four departments (group='department') with equal "
        "loadings and intercepts. HR's latent mean of coordination relative to the cabin "
        "crew (the first group; est of ifc ~1 for HR, 3 decimals).",
        lambda ex: _latent_means(ex)["HR"],
        ["Latent means need scalar invariance: group_equal=['loadings', 'intercepts'].",
         "The cabin crew's means are fixed at 0; the 'ifc ~1' row of group 'HR' is the "
         "difference."],
        0.003,
        mistakes=[Mistake("raw composite means", _raw_difference,
                          "that is the difference of the raw item means; the latent mean "
                          "comes from the scalar-invariant model and is free of the items' "
                          "measurement error."),
                  Mistake("reference reversed", lambda ex: -_latent_means(ex)["HR"],
                          "that is the cabin crew relative to HR; the question asks for HR "
                          "relative to the cabin crew.", 0.5)],
        solution="est of ifc ~1, group 'HR', in the scalar measurement model"),
    Choice(
        "q4", "Which department experiences the least coordination (lowest latent mean of "
        "ifc, the cabin crew counting as 0)?",
        {d: d for d in DEPARTMENTS},
        lambda ex: min(_latent_means(ex).items(), key=lambda kv: kv[1])[0],
        ["ir.report.latent_means_table(scalar_fit) lists every department's means.",
         "Remember the reference: if every other mean is positive, it is the cabin crew."],
        solution="the department with the lowest ifc ~1 (cabin crew = 0)"),
    Numeric(
        "q5", "Does the chain work alike in every department? With equal loadings and "
        "intercepts in both fits, the chi-square difference between the paths equal "
        "(group_equal adds 'regressions') and paths free (2 decimals).",
        _paths_delta,
        ["Both fits: ir.fit(MODEL, data=ex.data, group='department', group_equal=...).",
         "Paths free: ['loadings', 'intercepts']; paths equal: ['loadings', 'intercepts', "
         "'regressions']; subtract their chisq."],
        0.01,
        mistakes=[Mistake("different measurement constraints", lambda ex: _chisq(
            _paths_equal(ex)) - _chisq(_fit(ex, MODEL, group=GROUP,
                                            group_equal=("loadings",))),
            "the paths-free model must have the same measurement constraints (loadings "
            "and intercepts equal) as the paths-equal one, or the difference tests more "
            "than the paths.", 0.25)],
        solution="chisq(scalar + regressions) - chisq(scalar)"),
    Numeric(
        "q6", "The p-value of that chi-square difference (3 decimals).",
        _paths_pvalue,
        ["The degrees of freedom are the number of constraints the equal paths add.",
         "3 paths, each equal in 4 departments: 3 x (4 - 1) = 9 df; "
         "scipy.stats.chi2.sf(delta, df) or ir.lrt(free, equal)."],
        0.002,
        mistakes=[Mistake("wrong degrees of freedom", lambda ex: _paths_pvalue(ex, df=3),
                          "that p uses 3 degrees of freedom, one per path; each path is made "
                          "equal in 4 departments, which adds 3 x (4 - 1) = 9 constraints.",
                          0.25)],
        solution="scipy.stats.chi2.sf(delta, 9)"),
    Written(
        "q7", "For the marketing VP: where is cooperation lacking, and does improving it "
        "pay off the same way in every department?",
        ["names the department with the least coordination, with its latent mean",
         "says why latent means need scalar invariance",
         "reports the equal-paths test (chi-square difference, df, p) and concludes"],
        ["Latent means say where; the paths say how much it pays off."],
        solution="A good answer quotes q3, q4 and q5/q6."),
)

SPEC = ExerciseSpec(
    name="ex08_airline", title="Integrated marketing in an airline: cooperation across "
    "departments", lesson="08", make_data=make_data, questions=QUESTIONS, intro=MEASUREMENT)
