"""Exercise 06 (lesson 06, measurement invariance): head office versus branches on an
internal-environment scale with one item whose intercept differs between the groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, Numeric, Written

ITEMS = ("ie1", "ie2", "ie3", "ie4", "ie5")
MODEL = "ie =~ " + " + ".join(ITEMS) + "\n"
GROUPS = ("head office", "branches")


def make_data(rng) -> pd.DataFrame:
    """Two groups of 200-350 employees; in the branches one item (which, and by how much,
    differs per student) is answered higher at the same level of the factor."""
    n = rng.integers(200, 351, size=2)
    lam = rng.uniform(0.6, 0.85, size=len(ITEMS))
    bad = int(rng.integers(len(ITEMS)))
    shift = rng.uniform(0.15, 0.6)
    kappa = rng.uniform(-0.4, 0.4)  # the true difference of the factor means
    frames = []
    for g, (size, mean) in enumerate(zip(n, (0.0, kappa))):
        eta = rng.normal(mean, 1.0, size=size)
        cols = {"site": [GROUPS[g]] * size}
        for j, item in enumerate(ITEMS):
            nu = 4.0 + (shift if g == 1 and j == bad else 0.0)
            cols[item] = nu + lam[j] * eta + rng.normal(scale=np.sqrt(1 - lam[j] ** 2),
                                                        size=size)
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True).round(3)


def _steps(ex):
    from ...inference.invariance import invariance

    return ex.cached("steps", lambda: invariance(MODEL, ex.source_data(), "site"))


def _worst_item(ex) -> str:
    from ...inference.invariance import release_candidates

    rc = ex.cached("candidates", lambda: release_candidates(_steps(ex).attrs["fits"]["scalar"]))
    return str(rc[rc["op"] == "~1"].iloc[0]["lhs"])


def _latent_mean(ex, partial=True) -> float:
    from ...sem.estimate import fit

    released = [f"{_worst_item(ex)} ~1"] if partial else []
    res = ex.cached(("scalar", partial), lambda: fit(
        MODEL, data=ex.source_data(), group="site", group_equal=("loadings", "intercepts"),
        group_partial=released))
    p = res.params
    return float(p.loc[(p["lhs"] == "ie") & (p["op"] == "~1") & (p["group"] == GROUPS[1]),
                       "est"].iloc[0])


def _composite_difference(ex) -> float:
    d = ex.source_data()
    score = d[list(ITEMS)].mean(axis=1)
    return float(score[d["site"] == GROUPS[1]].mean() - score[d["site"] == GROUPS[0]].mean())


def _single_group_chisq(ex) -> float:
    from ...sem.estimate import fit

    return float(fit(MODEL, data=ex.source_data()).fit_measures["chisq"])


QUESTIONS = (
    Numeric(
        "q1", "Fit the one-factor model (ie =~ ie1 + ... + ie5) in both groups (group='site'), "
        "loadings and intercepts free: the configural model. Its chi-square (2 decimals)?",
        lambda ex: float(_steps(ex).loc["configural", "chisq"]),
        ["The configural model has the same structure in each group, nothing equal.",
         "ir.invariance(model, ex.data, 'site') fits the whole sequence; read the "
         "'chisq' of the 'configural' row."],
        0.01,
        mistakes=[Mistake("groups ignored", _single_group_chisq,
                          "that is the model fitted to everyone at once; the configural "
                          "model is fitted in each group (group='site').")],
        solution="ir.invariance(model, ex.data, 'site').loc['configural', 'chisq']"),
    Numeric(
        "q2", "The chi-square difference of the scalar model (equal loadings and intercepts) "
        "against the metric model (2 decimals).",
        lambda ex: float(_steps(ex).loc["scalar", "delta_chisq"]),
        ["Each step is compared with the step before it.",
         "The 'delta_chisq' of the 'scalar' row of ir.invariance(...)."],
        0.01,
        mistakes=[Mistake("skipped a step", lambda ex: float(
            _steps(ex).loc["scalar", "chisq"] - _steps(ex).loc["configural", "chisq"]),
            "that compares scalar with configural; each step is tested against the step "
            "before it (metric).", 0.25)],
        solution="ir.invariance(model, ex.data, 'site').loc['scalar', 'delta_chisq']"),
    Choice(
        "q3", "Is scalar invariance supported by that test at 5 %? 'yes' or 'no'.",
        {"yes": "supported", "no": "not supported"},
        lambda ex: "yes" if _steps(ex).loc["scalar", "delta_pvalue"] >= 0.05 else "no",
        ["A significant chi-square difference means the equal intercepts fit worse."],
        solution="delta_pvalue of the scalar row >= 0.05?"),
    Choice(
        "q4", "Which item's intercept should be freed first (largest score test of the "
        "scalar model's equality constraints)?",
        {item: item for item in ITEMS},
        _worst_item,
        ["ir.inference.invariance.release_candidates(fit) on the scalar fit "
         "(table.attrs['fits']['scalar'])."],
        solution="the first '~1' row of release_candidates(scalar fit)"),
    Numeric(
        "q5", "Free that intercept (partial scalar invariance) and give the branches' latent "
        "mean relative to the head office (est of ie ~1 in the branches, 3 decimals).",
        _latent_mean,
        ["fit(model, data=ex.data, group='site', group_equal=('loadings', 'intercepts'), "
         "group_partial=['<item> ~1'])",
         "The head office's latent mean is fixed at 0, so the branches' 'ie ~1' row is the "
         "difference."],
        0.003,
        mistakes=[Mistake("non-invariant comparison", lambda ex: _latent_mean(ex, False),
                          "that mean comes from the full scalar model, which forces the "
                          "non-invariant intercept to be equal: free it first.", 0.25),
                  Mistake("raw composite means", _composite_difference,
                          "that is the difference of the raw scale means, which mixes the "
                          "non-invariant item into the comparison.")],
        solution="the 'ie ~1' row of the branches in the partial scalar fit"),
    Written(
        "q6", "Can head office and branches be compared on this scale? Say what partial "
        "invariance changed and what the latent mean difference means.",
        ["says full scalar invariance does (not) hold and names the freed item",
         "interprets the latent mean difference in SD units of the factor",
         "warns that raw composite means would be biased by the non-invariant item"],
        ["Compare q5 with the raw difference of the scale means."],
        solution="A good answer names the freed intercept and compares latent means."),
)

SPEC = ExerciseSpec(
    name="ex06_invariance", title="Measurement invariance: head office versus branches",
    lesson="06", make_data=make_data, questions=QUESTIONS)
