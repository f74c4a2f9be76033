"""Exercise 09 (lesson 09, a programme evaluated over time): the same staff before and
after an internal-marketing programme; longitudinal invariance, latent change and what a
before-after design cannot show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...inference.compare import chisq_difference
from ._common import fit_once
from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

FACTORS = ("im", "js")
WAVES = ("t1", "t2")


def waves_model(loadings: bool, intercepts: bool, factors=FACTORS) -> str:
    """The two-wave CFA: each factor at both waves, each item's uniqueness correlated with
    itself across the waves; ``loadings`` labels an item's loading alike at both waves
    (equal), ``intercepts`` also its intercept, with the wave-1 latent means at 0, the
    wave-2 means free (``change_<f>``) and the change in wave-1 SDs (``d_<f>``).

    Examples
    --------
    >>> print(waves_model(True, False, factors=("im",)))
    im_t1 =~ l_im1*im1_t1 + l_im2*im2_t1 + l_im3*im3_t1
    im_t2 =~ l_im1*im1_t2 + l_im2*im2_t2 + l_im3*im3_t2
    im1_t1 ~~ im1_t2
    im2_t1 ~~ im2_t2
    im3_t1 ~~ im3_t2
    <BLANKLINE>
    """
    lines = [f"{f}_{w} =~ " + " + ".join((f"l_{f}{k}*" if loadings else "") + f"{f}{k}_{w}"
                                         for k in (1, 2, 3))
             for f in factors for w in WAVES]
    lines += [f"{f}{k}_t1 ~~ {f}{k}_t2" for f in factors for k in (1, 2, 3)]
    if intercepts:
        lines += [f"{f}{k}_t1 + {f}{k}_t2 ~ i_{f}{k}*1" for f in factors for k in (1, 2, 3)]
        lines += [f"{f}_t2 ~ change_{f}*1" for f in factors]
        lines += [f"{f}_t1 ~~ var_{f}*{f}_t1" for f in factors]
        lines += [f"d_{f} := change_{f}/sqrt(var_{f})" for f in factors]
    return "\n".join(lines) + "\n"


CONFIGURAL = waves_model(False, False)
METRIC = waves_model(True, False)
SCALAR = waves_model(True, True)
IM_CONFIGURAL = waves_model(False, False, ("im",))
IM_NO_CU = "\n".join(ln for ln in IM_CONFIGURAL.splitlines() if "~~" not in ln) + "\n"
IM_ONE_FACTOR = "im =~ " + " + ".join(f"im{k}_{w}" for w in WAVES for k in (1, 2, 3)) + "\n"


def make_data(rng) -> pd.DataFrame:
    """150-260 staff surveyed twice. Internal marketing rises by 0.2-0.8 wave-1 SD and
    satisfaction by -0.1 to 0.3 (per student); each item keeps a specific part across the
    waves (correlated uniquenesses); the items measure alike at both waves."""
    n = int(rng.integers(150, 261))
    d_im, d_js = rng.uniform(0.2, 0.8), rng.uniform(-0.1, 0.3)
    s_im, s_js, g = rng.uniform(0.45, 0.7), rng.uniform(0.35, 0.6), rng.uniform(0.3, 0.55)
    im1 = rng.normal(size=n)
    im2 = d_im + s_im * im1 + rng.normal(scale=np.sqrt(1 - s_im ** 2), size=n)
    js1 = g * im1 + rng.normal(scale=np.sqrt(1 - g ** 2), size=n)
    js2 = (d_js + s_js * js1 + g * (im2 - d_im - s_im * im1)
           + rng.normal(scale=np.sqrt(max(0.2, 1 - s_js ** 2 - g ** 2)), size=n))
    eta = {("im", "t1"): im1, ("im", "t2"): im2, ("js", "t1"): js1, ("js", "t2"): js2}
    cols = {}
    for f in FACTORS:
        for k in (1, 2, 3):
            lam, nu = rng.uniform(0.65, 0.85), rng.uniform(4.2, 5.0)
            specific = rng.normal(scale=np.sqrt(0.4 * (1 - lam ** 2)), size=n)
            for w in WAVES:
                unique = specific + rng.normal(scale=np.sqrt(0.6 * (1 - lam ** 2)), size=n)
                cols[f"{f}{k}_{w}"] = nu + 1.2 * (lam * eta[(f, w)] + unique)
    return pd.DataFrame(cols).round(2)


def _fit(ex, model):
    return fit_once(ex, model, meanstructure=True)


def _chisq(ex, model) -> float:
    return float(_fit(ex, model).fit_measures["chisq"])


def _scalar_row(ex, lhs, op) -> float:
    p = _fit(ex, SCALAR).params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op), "est"].iloc[0])


def _scores(ex) -> pd.DataFrame:
    d = ex.source_data()
    return pd.DataFrame({f"{f}_{w}": d[[f"{f}{k}_{w}" for k in (1, 2, 3)]].mean(axis=1)
                         for f in FACTORS for w in WAVES})


def _raw_change_sd(ex) -> float:
    s = _scores(ex)
    return float((s["im_t2"].mean() - s["im_t1"].mean()) / s["im_t1"].std())


def _low_quarter_change(ex, everyone=False) -> float:
    s = _scores(ex)
    change = s["js_t2"] - s["js_t1"]
    if everyone:
        return float(change.mean())
    return float(change[s["js_t1"] <= s["js_t1"].quantile(0.25)].mean())


def _scalar_supported(ex) -> str:
    test = chisq_difference(_fit(ex, METRIC), _fit(ex, SCALAR))
    return "yes" if test["pvalue"] >= 0.05 else "no"


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the configural model for internal marketing at both waves: im_t1 "
        "measured by im1_t1, im2_t1, im3_t1, im_t2 by the same items at t2, and each "
        "item's uniqueness correlated with itself across the waves.",
        lambda ex: IM_CONFIGURAL,
        ["Two factors, one per wave; the same person answered the same item twice.",
         "im_t1 =~ im1_t1 + im2_t1 + im3_t1, the same for t2, and im1_t1 ~~ im1_t2 for "
         "each item."],
        points=2,
        mistakes=[Mistake("uniquenesses not correlated", lambda ex: IM_NO_CU,
                          "each item's uniqueness must be correlated with itself at the "
                          "other wave (im1_t1 ~~ im1_t2, ...): the same wording answered "
                          "twice shares more than the factor.", 0.5),
                  Mistake("one factor for both waves", lambda ex: IM_ONE_FACTOR,
                          "one factor for both waves assumes nothing changed; measure im "
                          "at each wave with its own factor (im_t1, im_t2).")],
        solution="im_t1 =~ im1_t1 + im2_t1 + im3_t1; im_t2 =~ ...; imk_t1 ~~ imk_t2"),
    Numeric(
        "q2", "Longitudinal invariance of both constructs: fit METRIC and SCALAR (given; "
        "meanstructure=True). The chi-square difference of SCALAR against METRIC "
        "(2 decimals).",
        lambda ex: _chisq(ex, SCALAR) - _chisq(ex, METRIC),
        ["Each step is compared with the step before it.",
         "ir.lrt(metric_fit, scalar_fit) or the difference of the two 'chisq'."],
        0.01,
        mistakes=[Mistake("skipped a step", lambda ex: _chisq(ex, SCALAR)
                          - _chisq(ex, CONFIGURAL),
                          "that compares scalar with configural; each step is tested "
                          "against the step before it (metric).", 0.25)],
        solution="chisq(SCALAR) - chisq(METRIC)"),
    Choice(
        "q3", "Are the intercepts equal over time (scalar invariance supported at 5 %)? "
        "'yes' or 'no'.",
        {"yes": "supported", "no": "not supported"},
        _scalar_supported,
        ["The equal intercepts add 6 degrees of freedom.",
         "p of the difference of q2: scipy.stats.chi2.sf(delta, 6)."],
        solution="p of the scalar-vs-metric difference >= .05?"),
    Numeric(
        "q4", "The latent change of internal marketing in wave-1 standard deviations "
        "(d_im in the SCALAR fit, 3 decimals).",
        lambda ex: _scalar_row(ex, "d_im", ":="),
        ["SCALAR defines d_im := change_im / sqrt(var_im).",
         "The est of the 'd_im' row of the SCALAR fit's params."],
        0.003,
        mistakes=[Mistake("unstandardized change", lambda ex: _scalar_row(ex, "im_t2", "~1"),
                          "that is the change in answer points of the marker item (im_t2 ~1); "
                          "give it in wave-1 standard deviations (d_im).", 0.5),
                  Mistake("raw scores", _raw_change_sd,
                          "that is the change of the raw score means in raw SDs; the latent "
                          "change (d_im) is free of measurement error and rests on equal "
                          "intercepts.")],
        solution="est of d_im in the SCALAR fit"),
    Numeric(
        "q5", "Regression to the mean: take the staff in the least satisfied quarter at "
        "wave 1 (mean of js1_t1-js3_t1 at or below its 25th percentile) and give their mean "
        "change in that score from t1 to t2 (3 decimals).",
        _low_quarter_change,
        ["Score = the mean of the three items at each wave; change = t2 - t1.",
         "low = score_t1 <= score_t1.quantile(0.25); change[low].mean()."],
        0.003,
        mistakes=[Mistake("everyone's change", lambda ex: _low_quarter_change(ex, True),
                          "that is the mean change of all staff; the question asks for the "
                          "least satisfied quarter at wave 1.")],
        solution="mean change of the js score among staff at or below its wave-1 25th "
                 "percentile"),
    Choice(
        "q6", "Can the clinic conclude from these data that the programme caused the rise "
        "in internal marketing? 'yes' or 'no'.",
        {"yes": "yes", "no": "no"},
        lambda ex: "no",
        ["What would the staff have answered at wave 2 without the programme?"],
        mistakes=[Mistake("causal claim without a control group", lambda ex: "yes",
                          "a before-after design without a control group cannot rule out "
                          "history, maturation or regression to the mean: the rise is "
                          "consistent with the programme, not proof of it.")],
        solution="no: no control group"),
    Written(
        "q7", "For the clinic's owner: did perceived internal marketing and satisfaction "
        "change, and what design would show whether the programme caused it?",
        ["quotes d_im (and whether satisfaction moved) after establishing invariance",
         "names rival explanations (history, maturation, regression to the mean)",
         "proposes a control group or a stepped rollout across clinics"],
        ["Look at q4 and q5 together."],
        solution="A good answer quotes q2-q5 and proposes a comparison group."),
)

SPEC = ExerciseSpec(
    name="ex09_clinic", title="A clinic's programme over time: invariance and latent change",
    lesson="09", make_data=make_data, questions=QUESTIONS, intro=SCALAR)
