"""Lesson 02, survey data: the exports the lesson imports, its codebook, and its tasks.

:func:`write_exports` writes the bank's survey the way a researcher receives it: an SPSS
file (numeric codes, Persian value labels, "prefer not to answer" as user-missing code
99) and an Excel export of an online survey platform (Persian answer words, Persian
digits). Both carry the same missing answers, planted with a fixed seed: employees who
declined single questions (more often the one on rewards) and customers who never
returned their card. :func:`survey_codebook` is the codebook that reads both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..exercises import Question
from ._common import bank_data

DATASET = "bank_service_profit_chain"
EXPORT_SEED = 20260502
#: The code and the Persian label of "prefer not to answer" (user-missing).
NO_ANSWER = 99
NO_ANSWER_FA = "ترجیح می‌دهم پاسخ ندهم"
ROLES = {1: "frontline", 2: "back office"}
ROLES_FA = {1: "صف", 2: "ستاد"}
#: Share of employee answers declined, per item (the reward item is the touchy one).
DECLINED = {"im3": 0.05}
DECLINED_OTHER = 0.01
#: Customers whose card never came back (all their items empty).
CARDS_NOT_RETURNED = 12
#: The anonymisation of section 7: the employer knows branch, role and tenure.
TENURE_BANDS = [[0, 2, 5, 10, 20], [0, 5, 10]]
RELEASE_K = 5
IM_ITEMS = ["im1", "im2", "im3", "im4"]

_DIGITS_FA = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")


def _variables():
    return pd.DataFrame(bank_data().attrs["codebook"]["variables"])


def items() -> list:
    """The 20 answer columns (employee and customer items), in codebook order."""
    v = _variables()
    return v.loc[v["construct"].fillna("") != "", "column"].tolist()


def survey_codebook():
    """The import codebook of the bank survey (:class:`~im_research.survey.codebook.Codebook`).

    Examples
    --------
    >>> from im_research.teaching.tasks.lesson02 import survey_codebook
    >>> cb = survey_codebook()
    >>> cb.missing_codes, len(cb.items())
    ([99], 20)
    """
    from ...survey.codebook import Codebook

    variables = [
        {"name": "employee_id", "type": "id", "text": "Employee number"},
        {"name": "branch", "type": "numeric", "min": 1, "max": 28, "text": "Branch"},
        {"name": "role", "type": "category", "values": ROLES,
         "value_map": {ROLES_FA[c]: c for c in ROLES}, "text": "Frontline or back office"},
        {"name": "tenure_years", "type": "numeric", "min": 0, "max": 50,
         "text": "Years with the bank"},
    ]
    for r in _variables().itertuples():
        if isinstance(r.construct, str) and r.construct:
            variables.append({"name": r.column, "type": "likert",
                              "points": int(r.coding.split("-")[1].split()[0]),
                              "construct": r.construct, "reverse": bool(r.reverse),
                              "text": r.text_en})
    return Codebook("Bank branch survey (synthetic)", variables,
                    missing_codes=[NO_ANSWER], missing_labels=[NO_ANSWER_FA])


def planted_answers():
    """The bank's answers with the planted missing answers: ``(answers, declined)``,
    where ``answers`` has NaN for every missing answer and ``declined`` is a boolean
    frame, True where an employee chose "prefer not to answer" (the other missing cells
    are the customers' cards that never came back)."""
    bank = bank_data().drop(columns="oc3r")
    rng = np.random.default_rng(EXPORT_SEED)
    cols = items()
    employee = [c for c in cols if c[:2] in ("im", "js", "oc", "sq")]
    rate = np.array([DECLINED.get(c, DECLINED_OTHER) for c in employee])
    declined = pd.DataFrame(False, index=bank.index, columns=cols)
    declined[employee] = rng.random((len(bank), len(employee))) < rate
    answers = bank.copy()
    answers[cols] = answers[cols].astype(float)
    answers[cols] = answers[cols].mask(declined)
    not_returned = rng.choice(len(bank), size=CARDS_NOT_RETURNED, replace=False)
    customer = [c for c in cols if c not in employee]
    answers.loc[answers.index[not_returned], customer] = np.nan
    return answers, declined


def write_exports(folder) -> dict:
    """Write the survey as SPSS (``bank_survey.sav``) and Excel (``bank_survey_online.xlsx``)
    exports into ``folder``; returns ``{"spss": path, "excel": path}``.

    Examples
    --------
    >>> import tempfile
    >>> from im_research.teaching.tasks.lesson02 import write_exports
    >>> sorted(p.name for p in write_exports(tempfile.mkdtemp()).values())
    ['bank_survey.sav', 'bank_survey_online.xlsx']
    """
    import pyreadstat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    answers, declined = planted_answers()
    cols = items()
    v = _variables().set_index("column")
    # SPSS: codes; declined answers are 99, declared user-missing, with a Persian label
    sav = answers.copy()
    sav["employee_id"] = sav["employee_id"].astype(float)
    sav["role"] = sav["role"].map({t: c for c, t in ROLES.items()}).astype(float)
    sav[cols] = sav[cols].mask(declined, NO_ANSWER)
    labels = {"role": {float(c): t for c, t in ROLES_FA.items()}}
    for c in cols:
        words = v.loc[c, "labels_fa"]
        labels[c] = {**{float(i): t for i, t in enumerate(words, 1)},
                     float(NO_ANSWER): NO_ANSWER_FA}
    spss = folder / "bank_survey.sav"
    pyreadstat.write_sav(sav, str(spss), variable_value_labels=labels,
                         missing_ranges={c: [NO_ANSWER] for c in cols},
                         column_labels=[v.loc[c, "text_fa"] for c in sav.columns],
                         variable_measure={**{c: "ordinal" for c in cols}, "role": "nominal"})
    # the online platform: Persian words and digits, text cells throughout
    web = pd.DataFrame({
        "employee_id": [str(i).translate(_DIGITS_FA) for i in answers["employee_id"]],
        "branch": [str(b).translate(_DIGITS_FA) for b in answers["branch"]],
        "role": answers["role"].map({t: ROLES_FA[c] for c, t in ROLES.items()}),
        "tenure_years": [f"{t:.1f}".translate(_DIGITS_FA) for t in answers["tenure_years"]],
    })
    for c in cols:
        words = v.loc[c, "labels_fa"]
        web[c] = [NO_ANSWER_FA if d else ("" if np.isnan(a) else words[int(a) - 1])
                  for a, d in zip(answers[c], declined[c])]
    excel = folder / "bank_survey_online.xlsx"
    web.to_excel(excel, index=False, sheet_name="responses")
    return {"spss": spss, "excel": excel}


def release(data, k: int = RELEASE_K):
    """Section 7's release of the employee answers against the employer
    (:func:`~im_research.survey.anonymize.anonymize`: branch, role and tenure are known
    to the employer; tenure may be banded)."""
    from ...survey.anonymize import anonymize

    return anonymize(data, id_col="employee_id", k=k, items=items(),
                     quasi_identifiers={"branch": "keep", "tenure_years": TENURE_BANDS})


# ---------------------------------------------------------------------------------------
def _imported(t):
    import tempfile

    from ...survey.io import read_survey

    def compute():
        with tempfile.TemporaryDirectory() as tmp:
            return read_survey(write_exports(tmp)["spss"], codebook=survey_codebook())

    return t.cached("imported", compute)


def _q1_recall_three_flags(t):
    from ...survey.quality import precision_recall, screen

    data, _ = _imported(t)
    scr = screen(data, items(), id_col="employee_id", thresholds={"min_flags": 3})
    flagged = scr.table.loc[scr.table["suspect"], "id"]
    planted = [str(i) for i in bank_data().attrs["codebook"]["careless_respondents"]]
    return float(precision_recall(flagged, planted)["recall"])


def _q2_missing_im(t):
    data, _ = _imported(t)
    return int(data[IM_ITEMS].isna().any(axis=1).sum())


def _q3_stars_k10(t):
    data, _ = _imported(t)
    rel = t.cached("release10", lambda: release(data, k=10))
    return int((rel.data[["branch", "role", "tenure_years"]] == "*").sum().sum())


QUESTIONS = [
    Question("q1", "In the careless-responding screen, demand three flags (min_flags = 3) "
             "and leave the other cut-offs as they are. What share of the planted careless "
             "respondents does the screen still catch (recall, 3 decimals)?",
             _q1_recall_three_flags,
             "Move the last slider of the screen to 3 and read the recall printed under "
             "the first table.", 0.001),
    Question("q2", "How many employees left at least one of the four internal-marketing "
             "items (im1 to im4) unanswered?",
             _q2_missing_im,
             "data[['im1', 'im2', 'im3', 'im4']].isna() marks the missing answers; "
             ".any(axis=1) is True for an employee with at least one. Count employees, "
             "not cells.", 0),
    Question("q3", "Release the employee answers with k = 10 instead of 5. How many cells "
             "of the released file show '*' in branch, role and tenure together?",
             _q3_stars_k10,
             "rel = lesson02.release(data, k=10); count the '*' in rel.data[['branch', "
             "'role', 'tenure_years']] (== '*', then .sum().sum()). Then compare with "
             "rel.log['suppressed_cells'] and rel.log['generalised']: what is the "
             "difference?", 0),
]
