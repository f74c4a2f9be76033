"""Exercise 14 (lesson 14, replicating a published study): Bagozzi's (1980) sales-force
model on a new sample drawn from the published correlations and SDs, fitted both from the
raw data and from the summary table a paper would print."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...errors import DataWarning
from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, MultiChoice, Numeric, Written

DATASET = "bagozzi1980_salesforce"
PUBLISHED_N = 122
PATHS = ("jobsat ~ achmot", "jobsat ~ tsse", "jobsat ~ perform", "jobsat ~ verbint",
         "perform ~ achmot", "perform ~ tsse", "perform ~ verbint")


def _published():
    from ...survey import datasets

    info = datasets.info(DATASET)
    return info["model_syntax"], datasets.fit_inputs(DATASET), info


def model_syntax() -> str:
    """Bagozzi's model as stored with the dataset."""
    return _published()[0]


def make_data(rng) -> pd.DataFrame:
    """A new sales force of 200-500 people drawn from the published correlations, SDs and
    means (normal scores, 2 decimals)."""
    _, kw, info = _published()
    cols = list(kw["cov"].columns)
    sd = kw["sd"].reindex(cols).to_numpy()
    cov = kw["cov"].to_numpy() * np.outer(sd, sd)
    means = np.array([info["means"][c] for c in cols])
    n = int(rng.integers(200, 501))
    return pd.DataFrame(rng.multivariate_normal(means, cov, size=n), columns=cols).round(2)


def _fit(ex, **changes):
    """The model fitted to the sample's correlations and SDs, as from a published table
    (``changes`` replaces inputs: ``sd=None`` drops the SDs, ``nobs=`` another N)."""
    from ...sem.estimate import fit

    def compute():
        d = ex.source_data()
        args = {"cov": d.corr(), "nobs": len(d), "sd": d.std(ddof=1), **changes}
        with warnings.catch_warnings():  # without sd= (a mistake's route) fit() warns
            warnings.simplefilter("ignore", DataWarning)
            return fit(model_syntax(), **{k: v for k, v in args.items() if v is not None})
    return ex.cached(("fit", tuple(sorted(changes.items()))), compute)


def _raw(ex):
    from ...sem.estimate import fit

    return ex.cached(("fit", "raw"), lambda: fit(model_syntax(), data=ex.source_data()))


def _path(res, lhs, rhs, col) -> float:
    p = res.params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == "~") & (p["rhs"] == rhs), col].iloc[0])


def _significant(ex) -> list[str]:
    p = _raw(ex).params
    out = []
    for link in PATHS:
        lhs, rhs = (s.strip() for s in link.split("~"))
        pv = p.loc[(p["lhs"] == lhs) & (p["op"] == "~") & (p["rhs"] == rhs), "pvalue"]
        if float(pv.iloc[0]) < 0.05:
            out.append(link)
    return out


def _reversed_syntax() -> str:
    return (model_syntax().replace("jobsat ~ achmot + tsse + perform + verbint",
                                   "jobsat ~ achmot + tsse + verbint")
            .replace("perform ~ achmot + tsse + verbint",
                     "perform ~ achmot + tsse + verbint + jobsat"))


def _chisq(ex, **changes) -> float:
    return float(_fit(ex, **changes).fit_measures["chisq"])


QUESTIONS = (
    Numeric(
        "q1", "The correlation of sales performance (PERFORMM) and job satisfaction "
        "(JBSATIS1) in your sample (3 decimals).",
        lambda ex: float(ex.source_data()[["PERFORMM", "JBSATIS1"]].corr().iloc[0, 1]),
        ["ex.data.corr() is the table a paper would print."],
        0.003,
        mistakes=[Mistake("covariance", lambda ex: float(
            ex.source_data()[["PERFORMM", "JBSATIS1"]].cov().iloc[0, 1]),
            "that is the covariance; a correlation divides it by both SDs (ex.data.corr()).")],
        solution="ex.data.corr().loc['PERFORMM', 'JBSATIS1']"),
    ModelSyntax(
        "q2", "Write Bagozzi's model: single-indicator performance (PERFORMM) and verbal "
        "intelligence (VERBINTM); job satisfaction, achievement motivation and task-specific "
        "self-esteem with two indicators each; performance depends on achmot, tsse and "
        "verbint; job satisfaction on those three and on performance.",
        lambda ex: model_syntax(),
        ["Factor names: perform, jobsat, achmot, tsse, verbint.",
         "Bagozzi's question is whether performance leads to satisfaction: jobsat ~ perform.",
         "ir.datasets.info('bagozzi1980_salesforce')['model_syntax'] holds the model."],
        points=2,
        mistakes=[Mistake("path direction", lambda ex: _reversed_syntax(),
                          "performance and satisfaction point the wrong way: the paper "
                          "tests performance -> satisfaction (jobsat ~ perform). The "
                          "reverse fits equally well, so the data cannot settle it.", 0.5)],
        solution="ir.datasets.info('bagozzi1980_salesforce')['model_syntax']"),
    Numeric(
        "q3", "Fit the model from your sample's correlation matrix and SDs, as from a "
        "published table (cov=corr, sd=sd, nobs=your N). Its chi-square (2 decimals)?",
        lambda ex: _chisq(ex),
        ["ir.fit(model, cov=ex.data.corr(), sd=ex.data.std(), nobs=len(ex.data)).",
         "nobs is the number of people in *your* sample, not the paper's 122."],
        0.01,
        mistakes=[Mistake("N-1", lambda ex: _chisq(ex) * (len(ex.data) - 1) / len(ex.data),
                          "that is (N - 1) x F, the LISREL convention; lavaan and im-research "
                          "report N x F (nobs = N).", 0.5),
                  Mistake("published N", lambda ex: _chisq(ex, nobs=PUBLISHED_N),
                          "that chi-square uses the paper's N = 122; your sample has its own "
                          "N (nobs=len(ex.data)).", 0.25)],
        solution="ir.fit(model, cov=ex.data.corr(), sd=ex.data.std(), "
                 "nobs=len(ex.data)).fit_measures['chisq']"),
    Numeric(
        "q4", "The unstandardized path from performance to job satisfaction (est, "
        "3 decimals).",
        lambda ex: _path(_fit(ex), "jobsat", "perform", "est"),
        ["Unstandardized estimates need the covariances: pass sd= with the correlations."],
        0.003,
        mistakes=[Mistake("correlation as covariance",
                          lambda ex: _path(_fit(ex, sd=None), "jobsat",
                                           "perform", "est"),
                          "that estimate comes from the correlation matrix alone; "
                          "unstandardized paths need the SDs (pass sd=ex.data.std()).", 0.25),
                  Mistake("standardized",
                          lambda ex: _path(_fit(ex), "jobsat", "perform", "std_all"),
                          "that is the standardized path (std_all); the question asks for "
                          "est.", 0.25)],
        solution="row jobsat ~ perform, column est"),
    Choice(
        "q5", "Is the path from task-specific self-esteem to job satisfaction (jobsat ~ tsse) "
        "significant at 5 % in your sample? 'yes' or 'no'.",
        {"yes": "significant", "no": "not significant"},
        lambda ex: "yes" if "jobsat ~ tsse" in _significant(ex) else "no",
        ["Its pvalue in res.params."],
        solution="p-value of jobsat ~ tsse < 0.05?"),
    MultiChoice(
        "q6", "Which structural paths are significant at 5 % in your sample? Give a list, "
        "e.g. ['jobsat ~ perform', 'perform ~ tsse'].",
        {link: link for link in PATHS},
        _significant,
        ["res.params rows with op '~' and pvalue < 0.05."],
        solution="[r.lhs + ' ~ ' + r.rhs for r in p[(p.op == '~') & (p.pvalue < .05)]"
                 ".itertuples()]"),
    Written(
        "q7", "Does your sample replicate Bagozzi's finding that performance leads to "
        "satisfaction? Say what a correlation table can and cannot tell you about it.",
        ["compares the sign, size and significance of jobsat ~ perform with the paper",
         "notes that the reverse direction fits equally well (equivalent models)",
         "says what summary data cannot give (no raw-data checks, no outliers, no "
         "non-normality)"],
        ["The q2 feedback on the reverse path is a clue."],
        solution="Equivalent models fit the same correlations."),
)

SPEC = ExerciseSpec(
    name="ex14_replication", title="Replicating Bagozzi (1980) on a new sample",
    lesson="14", make_data=make_data, questions=QUESTIONS)
