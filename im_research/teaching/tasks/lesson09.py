"""Lesson 09, an internal-marketing programme at a clinic evaluated over time: its "your
turn" tasks and the longitudinal models its notebook shares."""

from __future__ import annotations

from ..exercises import Question

DATASET = "clinic_im_programme"
FACTORS = ("im", "js")
ITEMS = (1, 2, 3)
# The cross-lagged paths the lesson's path explorer offers: does IM before the programme
# predict satisfaction after it, and does satisfaction before predict IM after?
CANDIDATE_PATHS = ("js_t2 ~ im_t1", "im_t2 ~ js_t1")


def _waves_model(loadings: bool, intercepts: bool) -> str:
    """The two-wave CFA: each factor at both waves, each item's uniqueness correlated with
    itself at the other wave; with ``loadings`` the same label (so the same value) for an
    item's loading at both waves, with ``intercepts`` also its intercept, the wave-1
    latent means fixed at 0 and the wave-2 means free, and the change in wave-1 SDs
    defined (``d_im``, ``d_js``)."""
    lines = []
    for f in FACTORS:
        for wave in ("t1", "t2"):
            lines.append(f"{f}_{wave} =~ " + " + ".join(
                (f"l_{f}{k}*" if loadings else "") + f"{f}{k}_{wave}" for k in ITEMS))
    lines += [f"{f}{k}_t1 ~~ {f}{k}_t2" for f in FACTORS for k in ITEMS]
    if intercepts:
        lines += [f"{f}{k}_t1 + {f}{k}_t2 ~ i_{f}{k}*1" for f in FACTORS for k in ITEMS]
        lines += [f"{f}_t2 ~ change_{f}*1" for f in FACTORS]
        lines += [f"{f}_t1 ~~ var_{f}*{f}_t1" for f in FACTORS]
        lines += [f"d_{f} := change_{f}/sqrt(var_{f})" for f in FACTORS]
    return "\n".join(lines) + "\n"


# Longitudinal measurement invariance, step by step (fit with meanstructure=True).
CONFIGURAL = _waves_model(loadings=False, intercepts=False)
METRIC = _waves_model(loadings=True, intercepts=False)
SCALAR = _waves_model(loadings=True, intercepts=True)


# ---------------------------------------------------------------------------------------
def _data():
    from ...survey.datasets import load

    return load(DATASET)


def _scores():
    import pandas as pd

    clinic = _data()
    return pd.DataFrame({f"{f}_{w}": clinic[[f"{f}{k}_{w}" for k in ITEMS]].mean(axis=1)
                         for f in FACTORS for w in ("t1", "t2")})


def _q1_d_im_karaj(t):
    from ...sem.estimate import fit

    clinic = _data()
    res = t.cached("karaj", lambda: fit(SCALAR, data=clinic[clinic["clinic"] == "Karaj"]))
    p = res.params
    return float(p.loc[(p["lhs"] == "d_im") & (p["op"] == ":="), "est"].iloc[0])


def _q2_top_quarter_im(t):
    s = _scores()
    top = s["im_t1"] >= s["im_t1"].quantile(0.75)
    return float((s.loc[top, "im_t2"] - s.loc[top, "im_t1"]).mean())


def _q3_reverse_path(t):
    from ...inference.compare import chisq_difference
    from ...sem.estimate import fit

    clinic = _data()
    model = clinic.attrs["codebook"]["model_syntax"]
    return chisq_difference(fit(model + "im_t2 ~ js_t1\n", data=clinic),
                            fit(model, data=clinic))["pvalue"]


QUESTIONS = [
        Question("q1", "Fit the scalar model to the Karaj clinic alone. What is the "
                 "latent change in perceived internal marketing there, in wave-1 standard "
                 "deviations (d_im, 3 decimals)?",
                 _q1_d_im_karaj,
                 "clinic[clinic['clinic'] == 'Karaj'] keeps the Karaj staff; fit SCALAR to "
                 "them and read the est of the d_im row of res.params.", 0.001),
        Question("q2", "Take the staff in the top quarter of the internal-marketing score "
                 "before the programme (im_t1 at or above its 75th percentile). By how "
                 "much did their mean score change after it (t2 minus t1, 3 decimals)?",
                 _q2_top_quarter_im,
                 "As in the regression-to-the-mean cell, with the im columns: "
                 "top = scores['im_t1'] >= scores['im_t1'].quantile(0.75), then the mean "
                 "of scores['im_t2'] - scores['im_t1'] over those rows.", 0.001),
        Question("q3", "With the path explorer, test the reverse cross-lagged path: does "
                 "job satisfaction before the programme predict how staff see internal "
                 "marketing after it (im_t2 ~ js_t1)? Enter the p-value (3 decimals).",
                 _q3_reverse_path,
                 "Choose 'im_t2 ~ js_t1' in the dropdown and read p in the 'difference' "
                 "row.", 0.001),
]
