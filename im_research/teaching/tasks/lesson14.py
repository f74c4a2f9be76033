"""Lesson 14, replicating published studies from their summary statistics: its tasks."""

from __future__ import annotations

from ..exercises import Question
from ._common import std_all

# A rival to Bagozzi's (1980) model ("Model A" of the stored teaching scripts) and the
# paths the lesson's path explorer can add back (task q3 asks about them).
MODEL_A = """perform =~ PERFORMM
jobsat =~ JBSATIS1 + JBSATIS2
achmot =~ ACHMOT1 + ACHMOT2
tsse =~ T_S_S_E1 + T_S_S_E2
verbint =~ VERBINTM
perform ~ tsse
jobsat ~ perform + achmot + verbint
"""
CANDIDATE_PATHS = ("perform ~ achmot", "perform ~ verbint", "jobsat ~ tsse")


# ---------------------------------------------------------------------------------------
def _published(name, **changes):
    from ...survey import datasets

    return datasets.info(name)["model_syntax"], {**datasets.fit_inputs(name), **changes}


def _q1_bagozzi_n112(t):
    from ...sem.estimate import fit

    model, kw = _published("bagozzi1980_salesforce", nobs=112)
    return float(fit(model, **kw).fit_measures["chisq"])


def _q2_direct_reward_commitment(t):
    from ...sem.estimate import fit

    model, kw = _published("williams_anderson1994")
    return std_all(fit(model + "oc ~ lr\n", **kw), "oc", "~", "lr")


def _q3_model_a_smallest_p(t):
    from ...inference.compare import chisq_difference
    from ...sem.estimate import fit

    _, kw = _published("bagozzi1980_salesforce")
    base = fit(MODEL_A, **kw)
    p = [chisq_difference(fit(MODEL_A + path + "\n", **kw), base)["pvalue"]
         for path in CANDIDATE_PATHS]
    return float(min(p))


QUESTIONS = [
        Question("q1", "Refit Bagozzi's published model with nobs=112 instead of 122 (same "
                 "correlations and SDs). What is the chi-square now (3 decimals)?",
                 _q1_bagozzi_n112,
                 "ir.fit(book['model_syntax'], cov=kw['cov'], sd=kw['sd'], nobs=112), "
                 "then read fit_measures['chisq'].", 0.001),
        Question("q2", "Add the direct path oc ~ lr to the Williams & Anderson model. What "
                 "is its standardized estimate (std_all, 3 decimals)?",
                 _q2_direct_reward_commitment,
                 "Fit wa['model_syntax'] + 'oc ~ lr\\n' with **kw_wa and read std_all of "
                 "the oc ~ lr row of params.", 0.001),
        Question("q3", "In the path explorer, which added path comes closest to a "
                 "significant improvement over Model A? Enter the p-value of its "
                 "difference test (2 decimals).",
                 _q3_model_a_smallest_p,
                 "Choose each path in the dropdown in turn and read the p-value of the "
                 "'difference' row; the smallest one is the answer.", 0.005),
]
