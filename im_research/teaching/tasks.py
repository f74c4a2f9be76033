"""The "your turn" tasks inside the lessons, with immediate feedback.

In a lesson notebook::

    from im_research.teaching.tasks import lesson_tasks
    tasks = lesson_tasks("01")
    tasks.q1.check(0.5)     # "Correct: q1." or "Not yet: ..."
    tasks.q1.hint()

Every ``check()`` recomputes the expected answer from the lesson's bundled data with the
library's own functions (the same calls a student makes); no answer is stored in the
package. Unlike :mod:`im_research.teaching.exercises`, every student works on the same
data: the lesson's text discusses its numbers.

Examples
--------
>>> from im_research.teaching.tasks import lesson_tasks
>>> tasks = lesson_tasks("01")
>>> tasks.q2.check(0.0)
Not yet: q2 = 0.0 is not right. Try again, or call .hint().
>>> tasks.results["q2"]
False
"""

from __future__ import annotations

import pandas as pd

from ..errors import ArgumentError
from .exercises import Question

__all__ = ["lesson_tasks", "LessonTasks", "Task", "LESSON01_CANDIDATE_PATHS",
           "LESSON02_FACTORS", "LESSON03_MODEL_A", "LESSON03_CANDIDATE_PATHS"]

# The direct paths that lesson 01's path explorer offers (task q4 asks about them).
LESSON01_CANDIDATE_PATHS = ("sq ~ js", "sq ~ im", "cs ~ oc", "cs ~ js", "cs ~ im")

# Lesson 02's measurement model, factor by factor (its measurement lab and tasks use it).
LESSON02_FACTORS = {"im": ("im1", "im2", "im3", "im4"), "js": ("js1", "js2", "js3"),
                    "oc": ("oc1", "oc2", "oc3r"), "sq": ("sq1", "sq2", "sq3", "sq4"),
                    "cs": ("cs1", "cs2", "cs3")}

# Lesson 03's rival to Bagozzi's (1980) model ("Model A" of the stored teaching scripts)
# and the paths its path explorer can add back (task q3 asks about them).
LESSON03_MODEL_A = """perform =~ PERFORMM
jobsat =~ JBSATIS1 + JBSATIS2
achmot =~ ACHMOT1 + ACHMOT2
tsse =~ T_S_S_E1 + T_S_S_E2
verbint =~ VERBINTM
perform ~ tsse
jobsat ~ perform + achmot + verbint
"""
LESSON03_CANDIDATE_PATHS = ("perform ~ achmot", "perform ~ verbint", "jobsat ~ tsse")


class Task(Question):
    """One task: :class:`~im_research.teaching.exercises.Question`'s ``check`` and
    ``hint``, except that ``check`` returns nothing, so a notebook cell shows the feedback
    and no bare ``True``/``False`` (the outcome is kept in ``LessonTasks.results``)."""

    def check(self, answer) -> None:
        """Print feedback on ``answer`` and record whether it is correct."""
        super().check(answer)


class LessonTasks:
    """The tasks of one lesson: ``q1``, ``q2``, ... each with ``check(answer)`` and
    ``hint()``; ``results`` records which were answered correctly."""

    def __init__(self, lesson: str, questions):
        self.lesson = lesson
        self.results: dict[str, bool] = {}
        self._cache: dict[str, object] = {}
        self.questions = []
        for q in questions:
            q = Task(q.name, q.prompt, q.expected, q.hint_text, q.tolerance, self)
            setattr(self, q.name, q)
            self.questions.append(q)
            self.results[q.name] = False

    def cached(self, key, compute):
        """``compute()`` once per lesson session (refits are not repeated per check)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def __repr__(self):
        done = sum(self.results.values())
        return f"<Lesson {self.lesson} tasks: {done}/{len(self.questions)} correct>"


# ---------------------------------------------------------------------------------------
# lesson 01: the service-profit chain in a bank
# ---------------------------------------------------------------------------------------
def _bank():
    from .flagship import load_flagship_data

    return load_flagship_data()


def _std(res, lhs, op, rhs) -> float:
    p = res.params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs),
                       "std_all"].iloc[0])


def _chain(t):
    from ..sem.estimate import fit

    def compute():
        bank = _bank()
        return fit(bank.attrs["codebook"]["model_syntax"], data=bank)

    return t.cached("chain", compute)


def _q1_loyalty(t):
    from ..sem.estimate import fit

    bank = _bank()
    model = (bank.attrs["codebook"]["model_syntax"]
             + "loy =~ loy1 + loy2 + loy3\nloy ~ e*cs\nind_im_loy := a*b*c*d*e\n")
    res = t.cached("loyalty", lambda: fit(model, data=bank))
    return _std(res, "ind_im_loy", ":=", "a*b*c*d*e")


def _q2_total_im_oc(t):
    from ..inference.effects import indirect_effects

    eff = indirect_effects(_chain(t), x="im", y="oc")
    return float(eff.loc[eff["kind"] == "total", "std_all"].iloc[0])


def _q3_careless(t):
    from ..sem.estimate import fit

    bank = _bank()
    book = bank.attrs["codebook"]
    keep = ~bank["employee_id"].isin(book["careless_respondents"])
    res = t.cached("careful", lambda: fit(book["model_syntax"], data=bank[keep]))
    return _std(res, "cs", "~", "sq")


def _q4_smallest_p(t):
    from ..inference.compare import chisq_difference
    from ..sem.estimate import fit

    base, bank = _chain(t), _bank()
    model = bank.attrs["codebook"]["model_syntax"]
    p = [chisq_difference(fit(model + "\n" + path, data=bank), base)["pvalue"]
         for path in LESSON01_CANDIDATE_PATHS]
    return float(pd.Series(p).min())


# ---------------------------------------------------------------------------------------
# lesson 02: measurement quality in the bank
# ---------------------------------------------------------------------------------------
def _cfa_model(drop=(), replace=None) -> str:
    replace = replace or {}
    return "\n".join(f"{f} =~ " + " + ".join(replace.get(i, i) for i in items if i not in drop)
                     for f, items in LESSON02_FACTORS.items())


def _reliability_of(t, key, model, factor, column) -> float:
    from ..measurement.reliability import reliability
    from ..sem.estimate import fit

    res = t.cached(key, lambda: fit(model, data=_bank()))
    return float(reliability(res).set_index("factor").loc[factor, column])


def _q1_ave_without_im3(t):
    return _reliability_of(t, "without_im3", _cfa_model(drop=("im3",)), "im", "ave")


def _q2_alpha_unreversed(t):
    return _reliability_of(t, "oc3_raw", _cfa_model(replace={"oc3r": "oc3"}), "oc", "alpha")


def _q3_icc2_js(t):
    from ..measurement.multilevel import icc

    bank = _bank()
    js = bank[list(LESSON02_FACTORS["js"])].mean(axis=1)
    return float(icc(bank.assign(js_score=js), "js_score", "branch")["icc2"])


# ---------------------------------------------------------------------------------------
# lesson 03: replicating published studies from their summary statistics
# ---------------------------------------------------------------------------------------
def _published(name, **changes):
    from ..survey import datasets

    return datasets.info(name)["model_syntax"], {**datasets.fit_inputs(name), **changes}


def _q1_bagozzi_n112(t):
    from ..sem.estimate import fit

    model, kw = _published("bagozzi1980_salesforce", nobs=112)
    return float(fit(model, **kw).fit_measures["chisq"])


def _q2_direct_reward_commitment(t):
    from ..sem.estimate import fit

    model, kw = _published("williams_anderson1994")
    return _std(fit(model + "oc ~ lr\n", **kw), "oc", "~", "lr")


def _q3_model_a_smallest_p(t):
    from ..inference.compare import chisq_difference
    from ..sem.estimate import fit

    _, kw = _published("bagozzi1980_salesforce")
    base = fit(LESSON03_MODEL_A, **kw)
    p = [chisq_difference(fit(LESSON03_MODEL_A + path + "\n", **kw), base)["pvalue"]
         for path in LESSON03_CANDIDATE_PATHS]
    return float(min(p))


_LESSONS = {
    "01": [
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
    ],
    "02": [
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
    ],
    "03": [
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
    ],
}


def lesson_tasks(lesson: str) -> LessonTasks:
    """The "your turn" tasks of a lesson (``"01"``, ...), ready to ``check()``.

    Parameters
    ----------
    lesson : str
        The lesson number as in the notebook's file name, e.g. ``"01"``.

    Returns
    -------
    LessonTasks
        With attributes ``q1``, ``q2``, ... (each with ``check(answer)`` and ``hint()``).

    Examples
    --------
    >>> from im_research.teaching.tasks import lesson_tasks
    >>> lesson_tasks("01")
    <Lesson 01 tasks: 0/4 correct>
    """
    key = str(lesson).zfill(2)
    if key not in _LESSONS:
        raise ArgumentError(f"lesson={lesson!r} has no tasks; lessons with tasks: "
                            f"{sorted(_LESSONS)}")
    return LessonTasks(key, _LESSONS[key])
