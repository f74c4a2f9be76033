"""Exercise 03 (lesson 03, the measurement model): a three-factor CFA of training, job
satisfaction and commitment, with a reverse-keyed item, reliability, AVE and HTMT."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

ITEMS = {"training": ("tr1", "tr2", "tr3", "tr4r"),
         "satisfaction": ("js1", "js2", "js3", "js4"),
         "commitment": ("oc1", "oc2", "oc3")}


def _syntax(replace=None) -> str:
    replace = replace or {}
    return "".join(f"{f} =~ " + " + ".join(replace.get(i, i) for i in items) + "\n"
                   for f, items in ITEMS.items())


MODEL = _syntax()
RAW_MODEL = _syntax({"tr4r": "tr4"})  # the reverse-worded item left as answered


def make_data(rng) -> pd.DataFrame:
    """7-point answers of 250-450 employees; tr4 is worded in reverse (agreeing means
    *less* training), and js3/js4 share wording the CFA leaves out, so fit, loadings,
    reliability and HTMT differ from student to student."""
    from ...synthetic.simulate import discretize

    n = int(rng.integers(250, 451))
    while True:  # factor correlations, redrawn until positive definite
        r_ts = rng.uniform(0.55, 0.92)
        r_so = rng.uniform(0.35, 0.65)
        r_to = r_so * rng.uniform(0.6, 1.0)
        phi = np.array([[1, r_ts, r_to], [r_ts, 1, r_so], [r_to, r_so, 1]])
        if np.linalg.eigvalsh(phi).min() > 0.05:
            break
    eta = rng.multivariate_normal(np.zeros(3), phi, size=n)
    wording = rng.normal(size=n)
    w = rng.uniform(0.2, 0.4)
    cols = {}
    for k, items in enumerate(ITEMS.values()):
        for item in items:
            lam = rng.uniform(0.55, 0.85)
            extra = w if item in ("js3", "js4") else 0.0
            noise = rng.normal(scale=np.sqrt(1 - lam ** 2 - extra ** 2), size=n)
            cols["tr4" if item == "tr4r" else item] = lam * eta[:, k] + extra * wording + noise
    data = discretize(pd.DataFrame(cols), 7, skew=float(rng.uniform(0.0, 0.5)))
    data["tr4"] = 8 - data["tr4"]
    return data


def model_data(d: pd.DataFrame) -> pd.DataFrame:
    """The data with the reverse-scored item tr4r = 8 - tr4, as the student makes it."""
    return d.assign(tr4r=8 - d["tr4"])


# --- what the questions compute (the same library calls a student makes) --------------------
def _fit(ex, model=MODEL):
    from ...sem.estimate import fit

    return ex.cached(("fit", model), lambda: fit(model, data=ex.model_data()))


def _row(ex, lhs, op, rhs, col, model=MODEL) -> float:
    p = _fit(ex, model).params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs), col].iloc[0])


def _rel(ex, factor, col, model=MODEL) -> float:
    from ...measurement.reliability import reliability

    return float(reliability(_fit(ex, model)).set_index("factor").loc[factor, col])


def _htmt(ex, model=MODEL) -> float:
    from ...measurement.validity import htmt

    return float(htmt(model, ex.model_data()).loc["satisfaction", "training"])


def _mean_std_loading(ex) -> float:
    p = _fit(ex).params
    return float(p.loc[(p["op"] == "=~") & (p["lhs"] == "satisfaction"), "std_all"].mean())


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the three-factor CFA: training (tr1, tr2, tr3 and the reverse-scored "
        "tr4r = 8 - tr4), satisfaction (js1-js4), commitment (oc1-oc3). Check the model "
        "string itself: ex.q1.check(model).",
        lambda ex: MODEL,
        ["One line per factor: factor =~ item + item + ...",
         "First make the reverse-scored item: ex.data['tr4r'] = 8 - ex.data['tr4'].",
         "training =~ tr1 + tr2 + tr3 + tr4r, and likewise for satisfaction and commitment."],
        points=2,
        mistakes=[Mistake("reverse-keyed item", lambda ex: RAW_MODEL,
                          "tr4 is worded in reverse: reverse-score it (tr4r = 8 - tr4) and "
                          "use tr4r, or its loading comes out negative.", 0.5)],
        solution="model = '''" + MODEL + "'''"),
    Numeric(
        "q2", "Cronbach's alpha of training, with tr4 reverse-scored (3 decimals).",
        lambda ex: _rel(ex, "training", "alpha"),
        ["ir.reliability(res) has an 'alpha' column, one row per factor.",
         "Fit the q1 model, then ir.reliability(res).set_index('factor').loc['training', "
         "'alpha']."],
        0.002,
        mistakes=[Mistake("reverse-keyed item", lambda ex: _rel(ex, "training", "alpha",
                                                                 RAW_MODEL),
                          "that is alpha with tr4 as answered: a reverse-worded item "
                          "pulls alpha down until it is reverse-scored (tr4r = 8 - tr4).")],
        solution="ir.reliability(ir.fit(model, data=ex.data)).set_index('factor')"
                 ".loc['training', 'alpha']"),
    Numeric(
        "q3", "The standardized loading (std_all) of js2 on satisfaction (3 decimals).",
        lambda ex: _row(ex, "satisfaction", "=~", "js2", "std_all"),
        ["res.params has one row per parameter; the loading is the row satisfaction =~ js2.",
         "Read the column std_all (not est, not std_lv)."],
        0.003,
        mistakes=[Mistake("unstandardized", lambda ex: _row(ex, "satisfaction", "=~", "js2",
                                                             "est"),
                          "that is the unstandardized loading (est); the question asks for "
                          "the standardized one, std_all.", 0.25),
                  Mistake("std_lv", lambda ex: _row(ex, "satisfaction", "=~", "js2",
                                                    "std_lv"),
                          "std_lv standardizes only the factor; std_all also standardizes "
                          "the item, which is what a standardized loading means.", 0.5)],
        solution="p = res.params; p.loc[(p.lhs == 'satisfaction') & (p.rhs == 'js2'), "
                 "'std_all']"),
    Numeric(
        "q4", "The average variance extracted (AVE) of satisfaction (3 decimals).",
        lambda ex: _rel(ex, "satisfaction", "ave"),
        ["AVE is the share of the items' variance the factor explains.",
         "ir.reliability(res) has an 'ave' column."],
        0.003,
        mistakes=[Mistake("loadings not squared", _mean_std_loading,
                          "that is the mean standardized loading; AVE averages the "
                          "*squared* loadings (variance, not correlation)."),
                  Mistake("composite reliability", lambda ex: _rel(ex, "satisfaction", "cr"),
                          "that is the composite reliability (cr); AVE is the 'ave' column.")],
        solution="ir.reliability(res).set_index('factor').loc['satisfaction', 'ave']"),
    Numeric(
        "q5", "The HTMT ratio of training and satisfaction (3 decimals).",
        _htmt,
        ["HTMT compares correlations between the items of two factors with those within.",
         "ir.htmt(model, data) with the data that hold tr4r; read the training/"
         "satisfaction cell."],
        0.003,
        mistakes=[Mistake("latent correlation",
                          lambda ex: _row(ex, "training", "~~", "satisfaction", "std_all"),
                          "that is the factor correlation of the CFA; HTMT is computed from "
                          "the item correlations (ir.htmt).")],
        solution="ir.htmt(model, data).loc['satisfaction', 'training']"),
    Choice(
        "q6", "Is discriminant validity between training and satisfaction supported by the "
        "HTMT criterion (HTMT below 0.85)? Answer 'yes' or 'no'.",
        {"yes": "supported", "no": "not supported"},
        lambda ex: "yes" if _htmt(ex) < 0.85 else "no",
        ["Compare your q5 with 0.85 (Henseler et al., 2015)."],
        solution="Compare the HTMT of q5 with 0.85."),
    Written(
        "q7", "In two sentences for the HR manager: can the training scale be trusted? Use "
        "your alpha and AVE.",
        ["states alpha and AVE with the usual thresholds (0.70, 0.50)",
         "draws a conclusion about the scale (reliable / converges or not)",
         "mentions the reverse-worded item or a weak item if relevant"],
        ["Alpha >= 0.70 and AVE >= 0.50 are the usual thresholds."],
        solution="A good answer quotes both numbers against their thresholds."),
)

SPEC = ExerciseSpec(
    name="ex03_measurement", title="Measurement model: CFA, reliability, AVE and HTMT",
    lesson="03", make_data=make_data, questions=QUESTIONS, model_data=model_data)
