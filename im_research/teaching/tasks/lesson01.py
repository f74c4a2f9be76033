"""Lesson 01, the service-profit chain in a bank: its "your turn" tasks."""

from __future__ import annotations

import pandas as pd

from ..exercises import Question
from ._common import bank_data, std_all

# The direct paths that lesson 01's path explorer offers (task q4 asks about them).
CANDIDATE_PATHS = ("sq ~ js", "sq ~ im", "cs ~ oc", "cs ~ js", "cs ~ im")


# ---------------------------------------------------------------------------------------
def _chain(t):
    from ...sem.estimate import fit

    def compute():
        bank = bank_data()
        return fit(bank.attrs["codebook"]["model_syntax"], data=bank)

    return t.cached("chain", compute)


def _q1_loyalty(t):
    from ...sem.estimate import fit

    bank = bank_data()
    model = (bank.attrs["codebook"]["model_syntax"]
             + "loy =~ loy1 + loy2 + loy3\nloy ~ e*cs\nind_im_loy := a*b*c*d*e\n")
    res = t.cached("loyalty", lambda: fit(model, data=bank))
    return std_all(res, "ind_im_loy", ":=", "a*b*c*d*e")


def _q2_total_im_oc(t):
    from ...inference.effects import indirect_effects

    eff = indirect_effects(_chain(t), x="im", y="oc")
    return float(eff.loc[eff["kind"] == "total", "std_all"].iloc[0])


def _q3_careless(t):
    from ...sem.estimate import fit

    bank = bank_data()
    book = bank.attrs["codebook"]
    keep = ~bank["employee_id"].isin(book["careless_respondents"])
    res = t.cached("careful", lambda: fit(book["model_syntax"], data=bank[keep]))
    return std_all(res, "cs", "~", "sq")


def _q4_smallest_p(t):
    from ...inference.compare import chisq_difference
    from ...sem.estimate import fit

    base, bank = _chain(t), bank_data()
    model = bank.attrs["codebook"]["model_syntax"]
    p = [chisq_difference(fit(model + "\n" + path, data=bank), base)["pvalue"]
         for path in CANDIDATE_PATHS]
    return float(pd.Series(p).min())


QUESTIONS = [
        Question("q1", "Extend the chain to the customer's loyalty and define the indirect "
                 "effect of internal marketing on loyalty; enter its standardized value "
                 "(std_all, 3 decimals).",
                 _q1_loyalty,
                 "Add three lines to book['model_syntax']: 'loy =~ loy1 + loy2 + loy3', "
                 "'loy ~ e*cs' and 'ind_im_loy := a*b*c*d*e'; fit, then read the std_all "
                 "of the := row in res.params.", 0.001),
        Question("q2", "What is the total standardized effect of internal marketing on "
                 "commitment, direct plus through job satisfaction (2 decimals)?",
                 _q2_total_im_oc,
                 "Total = direct + indirect: the std_all of oc ~ im, plus the product of "
                 "the std_all values of js ~ im and oc ~ js.", 0.005),
        Question("q3", "Refit the chain without the careless respondents listed in the "
                 "codebook. What is the standardized path from service quality to customer "
                 "satisfaction now (3 decimals)?",
                 _q3_careless,
                 "bank[~bank['employee_id'].isin(book['careless_respondents'])] keeps the "
                 "careful respondents; fit book['model_syntax'] to it and read std_all of "
                 "cs ~ sq.", 0.001),
        Question("q4", "With the path explorer, try every candidate path. Which comes "
                 "closest to improving the fit significantly? Enter its p-value "
                 "(2 decimals).",
                 _q4_smallest_p,
                 "Choose each path in the dropdown in turn; the 'difference' row gives "
                 "the chi-square difference test and its p-value.", 0.005),
]
