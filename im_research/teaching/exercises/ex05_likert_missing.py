"""Exercise 05 (lesson 05, ordered items and missing answers): a 3-point pulse survey that
needs WLSMV, and a 7-point survey whose unhappy employees skip the commitment items."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, Numeric, Written

PULSE = "js =~ js1 + js2 + js3\noc =~ oc1 + oc2 + oc3\n"
CHAIN = "im =~ im1 + im2 + im3\ncm =~ cm1 + cm2 + cm3\ncm ~ im\n"
SKIPPED = ("cm1", "cm2", "cm3")


def _cut(ystar, n_boxes, rng) -> np.ndarray:
    """Latent responses cut into boxes 1..n_boxes at thresholds leaning to agreement
    (spaced apart, so that no box is nearly empty and the polychorics stay stable)."""
    cuts = (np.linspace(-1.5, 1.5, n_boxes - 1) * (0.5 if n_boxes == 3 else 1.0)
            - rng.uniform(0.0, 0.5) + rng.uniform(-0.1, 0.1, size=n_boxes - 1))
    return 1 + np.searchsorted(cuts, ystar)


def make_data(rng) -> pd.DataFrame:
    """300-450 employees. The pulse items (js, oc) have 3 boxes and a student-specific
    factor correlation; the 7-point items im and cm have a student-specific path, and the
    cm items are skipped more by employees who rate im1 low (MAR, 10-20 % of the cells)."""
    from ...synthetic.missingness import plant_missing

    n = int(rng.integers(300, 451))
    r = rng.uniform(0.25, 0.65)
    pulse = rng.multivariate_normal([0.0, 0.0], [[1.0, r], [r, 1.0]], size=n)
    beta = rng.uniform(0.3, 0.7)
    im = rng.normal(size=n)
    cm = beta * im + rng.normal(scale=np.sqrt(1 - beta ** 2), size=n)
    cols = {}
    for name, eta, boxes in (("js", pulse[:, 0], 3), ("oc", pulse[:, 1], 3), ("im", im, 7),
                             ("cm", cm, 7)):
        for j in range(1, 4):
            lam = rng.uniform(0.55, 0.8)
            ystar = lam * eta + rng.normal(scale=np.sqrt(1 - lam ** 2), size=n)
            cols[f"{name}{j}"] = _cut(ystar, boxes, rng)
    complete = pd.DataFrame(cols)
    return plant_missing(complete, list(SKIPPED), seed=rng, driver="im1",
                         rate=float(rng.uniform(0.10, 0.20))).data


def _pulse(ex, ordered=True):
    from ...sem.estimate import fit

    return ex.cached(("pulse", ordered), lambda: fit(
        PULSE, data=ex.source_data()[["js1", "js2", "js3", "oc1", "oc2", "oc3"]],
        ordered=ordered))


def _chain(ex, missing="listwise"):
    from ...sem.estimate import fit

    def run():
        with warnings.catch_warnings():  # the listwise fit reports the rows it drops
            warnings.simplefilter("ignore")
            return fit(CHAIN, data=ex.source_data(), missing=missing)
    return ex.cached(("chain", missing), run)


def _std(res, lhs, op, rhs) -> float:
    p = res.params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs),
                       "std_all"].iloc[0])


def _polychoric(ex) -> float:
    from ...sem.ordinal import polychoric

    return float(polychoric(ex.source_data(), ["js1", "js2"]).loc["js1", "js2"])


QUESTIONS = (
    Choice(
        "q1", "The pulse items js1-js3 and oc1-oc3 have three boxes (1 = disagree, 2 = "
        "neither, 3 = agree). Which estimator suits a CFA of them: 'ML', 'MLR' or 'WLSMV'?",
        {"ML": "maximum likelihood", "MLR": "robust maximum likelihood",
         "WLSMV": "diagonally weighted least squares with a mean-and-variance adjusted test"},
        lambda ex: "WLSMV",
        ["How many boxes does an item need before its codes behave like a continuous, "
         "normal score?",
         "With fewer than five boxes the codes are ordered categories: declare them "
         "ordered (ordered=True)."],
        mistakes=[Mistake("ML on 3-point items", lambda ex: "ML",
                          "ML treats three boxes as a continuous, normal scale: the "
                          "correlations, loadings and chi-square are biased. Declare the "
                          "items ordered (WLSMV)."),
                  Mistake("MLR on 3-point items", lambda ex: "MLR",
                          "MLR repairs the standard errors and the test for non-normal "
                          "data, but still treats the codes as numbers with equal steps; "
                          "with three boxes, use WLSMV.", 0.25)],
        solution="WLSMV: three ordered categories are far from continuous"),
    Numeric(
        "q2", "The polychoric correlation of js1 and js2 (3 decimals).",
        _polychoric,
        ["The correlation of the two items' latent responses, estimated from their "
         "cross-table.",
         "ir.ordinal.polychoric(ex.data, ['js1', 'js2']).loc['js1', 'js2']"],
        0.003,
        mistakes=[Mistake("Pearson instead of polychoric",
                          lambda ex: float(ex.source_data()[["js1", "js2"]].corr()
                                           .loc["js1", "js2"]),
                          "that is Pearson's correlation of the codes, which coarse "
                          "categories pull towards zero; the polychoric correlation is "
                          "the one of the latent responses.")],
        solution="ir.ordinal.polychoric(ex.data, ['js1', 'js2']).loc['js1', 'js2']"),
    Numeric(
        "q3", "Fit PULSE with the items ordered (WLSMV). Its scaled-shifted chi-square "
        "(2 decimals).",
        lambda ex: float(_pulse(ex).fit_measures["chisq_scaled"]),
        ["ir.fit(PULSE, data=ex.data, ordered=True)",
         "res.fit_measures['chisq_scaled']: the plain 'chisq' of a WLSMV fit does not "
         "follow a chi-square distribution."],
        0.01,
        mistakes=[Mistake("ML on 3-point items",
                          lambda ex: float(_pulse(ex, False).fit_measures["chisq"]),
                          "that is the ML chi-square of the codes treated as continuous; "
                          "fit with ordered=True."),
                  Mistake("unscaled WLSMV chi-square",
                          lambda ex: float(_pulse(ex).fit_measures["chisq"]),
                          "that is the unscaled DWLS statistic, which is not "
                          "chi-square distributed; report the scaled-shifted "
                          "'chisq_scaled'.", 0.5)],
        solution="ir.fit(PULSE, data=ex.data, ordered=True).fit_measures['chisq_scaled']"),
    Numeric(
        "q4", "In the same WLSMV fit, the correlation of the factors js and oc (std_all of "
        "js ~~ oc, 3 decimals).",
        lambda ex: _std(_pulse(ex), "js", "~~", "oc"),
        ["The js ~~ oc row of res.params.", "Its std_all column."],
        0.003,
        mistakes=[Mistake("ML on 3-point items", lambda ex: _std(_pulse(ex, False), "js",
                                                                  "~~", "oc"),
                          "that is the ML estimate on the codes; use the WLSMV fit "
                          "(ordered=True), which models the latent responses.", 0.25),
                  Mistake("covariance instead of correlation",
                          lambda ex: float(_pulse(ex).params.pipe(
                              lambda p: p.loc[(p["lhs"] == "js") & (p["op"] == "~~")
                                              & (p["rhs"] == "oc"), "est"]).iloc[0]),
                          "that is the covariance (est); the correlation is its std_all.",
                          0.5)],
        solution="std_all of js ~~ oc in the WLSMV fit"),
    Numeric(
        "q5", "Some employees skipped commitment items (cm1-cm3). Fit CHAIN with the "
        "default, listwise deletion: how many employees does it use?",
        lambda ex: int(_chain(ex).nobs),
        ["Listwise deletion keeps only the employees who answered every item of the "
         "model.", "res.nobs of ir.fit(CHAIN, data=ex.data)."],
        0.0,
        mistakes=[Mistake("all employees counted", lambda ex: len(ex.source_data()),
                          "that is everyone in the data; listwise deletion drops each "
                          "employee who skipped any item of the model."),
                  Mistake("skipped employees counted", lambda ex: int(
                      ex.source_data()[list(SKIPPED)].isna().any(axis=1).sum()),
                          "that is the number who skipped at least one item: the ones "
                          "listwise deletion drops, not the ones it uses.", 0.25)],
        solution="ir.fit(CHAIN, data=ex.data).nobs"),
    Numeric(
        "q6", "Fit CHAIN with full-information ML (missing='fiml'). The standardized "
        "path cm ~ im (3 decimals).",
        lambda ex: _std(_chain(ex, "fiml"), "cm", "~", "im"),
        ["FIML uses every answer given: ir.fit(CHAIN, data=ex.data, missing='fiml').",
         "The std_all of the cm ~ im row."],
        0.003,
        mistakes=[Mistake("listwise estimate", lambda ex: _std(_chain(ex), "cm", "~", "im"),
                          "that is the listwise (or MLR, still listwise) estimate: the "
                          "employees who skipped are the less satisfied, so it is "
                          "biased. Use missing='fiml'.")],
        solution="std_all of cm ~ im in ir.fit(CHAIN, data=ex.data, missing='fiml')"),
    Written(
        "q7", "Why do the employees who skipped matter for the cm ~ im path, and under "
        "which assumption does FIML repair it? Why can the pulse items not use FIML?",
        ["compares who skipped (low im1) with who answered: MAR, not MCAR",
         "says FIML is unbiased under MAR when the cause of the gaps (im1) is in the "
         "model; listwise deletion is not",
         "notes that WLSMV (ordered items) offers listwise or pairwise, not FIML"],
        ["Compare the mean of im1 of those who skipped a cm item with the others'."],
        solution="A good answer names MAR on im1, compares q6 with the listwise path and "
                 "explains the estimator choice."),
)

SPEC = ExerciseSpec(
    name="ex05_likert_missing", title="Ordered items and missing answers: WLSMV and FIML",
    lesson="05", make_data=make_data, questions=QUESTIONS, intro=PULSE + CHAIN)
