"""Lesson 05, Likert items (WLSMV) and missing answers (FIML): its "your turn" tasks,
and the planted-missing bank data the lesson and its tasks share."""

from __future__ import annotations

from ..exercises import Question
from ._common import bank_data

# The employee part of the bank's survey: internal marketing, job satisfaction, commitment.
EMPLOYEE_MODEL = ("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                  "oc =~ oc1 + oc2 + oc3r\n")
# Task 1's rival: job satisfaction and commitment as one "attitude" factor.
MERGED_MODEL = "im =~ im1 + im2 + im3 + im4\natt =~ js1 + js2 + js3 + oc1 + oc2 + oc3r\n"
# Part 2: employees less satisfied with their job (js1, answered by all) skip the
# commitment items and the reward item more often; missing at random given js1.
PLANTED = {"items": ["oc1", "oc2", "oc3r", "im3"], "driver": "js1", "rate": 0.15,
           "seed": 5}


def planted_bank(mcar: float = 0.0, seed: int | None = None):
    """The bank data with missing answers planted as in lesson 05 (``PLANTED``); with
    ``mcar`` the same items lose that share completely at random instead."""
    from ...synthetic.missingness import plant_missing

    bank = bank_data()
    if mcar:
        return plant_missing(bank, PLANTED["items"], seed=seed or PLANTED["seed"],
                             mcar=mcar).data
    return plant_missing(bank, PLANTED["items"], seed=PLANTED["seed"],
                         driver=PLANTED["driver"], rate=PLANTED["rate"]).data


# ---------------------------------------------------------------------------------------
def _chain_model():
    return bank_data().attrs["codebook"]["model_syntax"]


def _q1_merged_cfi_robust(t):
    from ...sem.estimate import fit

    res = t.cached("merged", lambda: fit(MERGED_MODEL, data=bank_data(), ordered=True))
    return float(res.fit_measures["cfi_robust"])


def _q2_fiml_mean_oc1(t):
    from ...sem.estimate import fit

    res = t.cached("fiml", lambda: fit(_chain_model(), data=planted_bank(), missing="fiml"))
    p = res.params
    return float(p.loc[(p["lhs"] == "oc1") & (p["op"] == "~1"), "est"].iloc[0])


def _q3_mcar_complete_js1(t):
    data = planted_bank(mcar=0.15, seed=6)
    complete = data[PLANTED["items"]].notna().all(axis=1)
    return float(data.loc[complete, PLANTED["driver"]].mean())


QUESTIONS = [
        Question("q1", "Fit MERGED_MODEL (job satisfaction and commitment as one factor) "
                 "with the items ordered (WLSMV). What is its robust CFI (3 decimals)?",
                 _q1_merged_cfi_robust,
                 "ir.fit(MERGED_MODEL, data=bank, ordered=True), then "
                 ".fit_measures['cfi_robust'] (not 'cfi' or 'cfi_scaled').", 0.001),
        Question("q2", "Fit the chain with missing='fiml' to the planted data. What is the "
                 "estimated mean (intercept) of oc1 (3 decimals)?",
                 _q2_fiml_mean_oc1,
                 "FIML always estimates the means: look for the row with lhs 'oc1' and "
                 "op '~1' in res.params and read 'est'.", 0.001),
        Question("q3", "Plant missing answers completely at random instead: "
                 "planted_bank(mcar=0.15, seed=6) (imported from "
                 "im_research.teaching.tasks.lesson05). What is the mean of js1 among the "
                 "employees who answered all four planted items (3 decimals)?",
                 _q3_mcar_complete_js1,
                 "data = planted_bank(mcar=0.15, seed=6); keep the rows where "
                 "data[PLANTED['items']].notna().all(axis=1) and average their js1.", 0.001),
]
