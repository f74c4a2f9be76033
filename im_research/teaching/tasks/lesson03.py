"""Lesson 03, measurement quality in the bank: its "your turn" tasks."""

from __future__ import annotations

from ..exercises import Question
from ._common import bank_data

# The measurement model, factor by factor (the lesson's measurement lab and tasks use it).
FACTORS = {"im": ("im1", "im2", "im3", "im4"), "js": ("js1", "js2", "js3"),
           "oc": ("oc1", "oc2", "oc3r"), "sq": ("sq1", "sq2", "sq3", "sq4"),
           "cs": ("cs1", "cs2", "cs3")}


# ---------------------------------------------------------------------------------------
def _cfa_model(drop=(), replace=None) -> str:
    replace = replace or {}
    return "\n".join(f"{f} =~ " + " + ".join(replace.get(i, i) for i in items if i not in drop)
                     for f, items in FACTORS.items())


def _reliability_of(t, key, model, factor, column) -> float:
    from ...measurement.reliability import reliability
    from ...sem.estimate import fit

    res = t.cached(key, lambda: fit(model, data=bank_data()))
    return float(reliability(res).set_index("factor").loc[factor, column])


def _q1_ave_without_im3(t):
    return _reliability_of(t, "without_im3", _cfa_model(drop=("im3",)), "im", "ave")


def _q2_alpha_unreversed(t):
    return _reliability_of(t, "oc3_raw", _cfa_model(replace={"oc3r": "oc3"}), "oc", "alpha")


def _q3_icc2_js(t):
    from ...measurement.multilevel import icc

    bank = bank_data()
    js = bank[list(FACTORS["js"])].mean(axis=1)
    return float(icc(bank.assign(js_score=js), "js_score", "branch")["icc2"])


QUESTIONS = [
        Question("q1", "In the measurement lab, untick the reward item im3. What is the "
                 "AVE of internal marketing now (3 decimals)?",
                 _q1_ave_without_im3,
                 "Untick im3 in the lab and read the 'ave' column of the im row (or fit "
                 "the CFA without im3 and call ir.reliability on it).", 0.001),
        Question("q2", "Fit the CFA with the raw answer oc3 in place of the reverse-scored "
                 "oc3r. What is Cronbach's alpha of commitment (3 decimals)?",
                 _q2_alpha_unreversed,
                 "Replace oc3r by oc3 in the model string, fit it to bank and read the "
                 "'alpha' of the oc row of ir.reliability(...).", 0.001),
        Question("q3", "Aggregate job satisfaction (js1 to js3) to the branches. What is "
                 "its ICC(2), the reliability of the branch means (3 decimals)?",
                 _q3_icc2_js,
                 "Call ir.multilevel.aggregate(bank, ['js1', 'js2', 'js3'], 'branch', "
                 "scale_points=7, name='js') as in section 9 and read 'icc2' of the "
                 "summary.", 0.001),
]
