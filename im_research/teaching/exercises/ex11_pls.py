"""Exercise 11 (lesson 11, PLS-SEM and CB-SEM side by side): internal marketing, job
satisfaction and commitment through both lenses."""

from __future__ import annotations

import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, Numeric, Written

MODEL = """im =~ im1 + im2 + im3 + im4
js =~ js1 + js2 + js3
oc =~ oc1 + oc2 + oc3
js ~ im
oc ~ js + im
"""


def make_data(rng) -> pd.DataFrame:
    """200-400 employees on 7-point items. The loadings (.55-.90), the paths and so the
    closeness of job satisfaction and commitment (their HTMT) differ per student."""
    from ...synthetic.simulate import PopulationModel, draw

    n = int(rng.integers(200, 401))
    a, c = rng.uniform(0.3, 0.6), rng.uniform(0.0, 0.1)
    # for about a third of the students commitment is hardly distinct from satisfaction
    b = rng.uniform(0.84, 0.93) if rng.random() < 1 / 3 else rng.uniform(0.35, 0.75)
    items = {"im": 4, "js": 3, "oc": 3}
    loadings = {f: {f"{f}{j}": float(rng.uniform(0.55, 0.9)) for j in range(1, k + 1)}
                for f, k in items.items()}
    pop = PopulationModel(loadings=loadings, paths={"js": {"im": a}, "oc": {"js": b, "im": c}})
    return draw(pop, n, seed=rng, points=7, skew=float(rng.uniform(0.0, 0.5)), ids=False).data


def _lenses(ex):
    from ...pls.lenses import compare_lenses

    return ex.cached("lenses", lambda: compare_lenses(MODEL, ex.source_data()))


def _pls(ex):
    return _lenses(ex).attrs["fits"]["pls"]


def _value(ex, kind, subject, lens="pls") -> float:
    t = _lenses(ex)
    return float(t.loc[(t["kind"] == kind) & (t["subject"] == subject), lens].iloc[0])


def _outer(ex, item, column) -> float:
    return float(_pls(ex).outer.set_index("item").loc[item, column])


def _reliability(ex, construct, column) -> float:
    return float(_pls(ex).reliability().loc[construct, column])


def _htmt(ex) -> float:
    return float(_pls(ex).htmt().loc["oc", "js"])


def _htmt_verdict(ex) -> str:
    h = _htmt(ex)
    return "distinct" if h < 0.85 else ("doubtful" if h < 0.90 else "not distinct")


QUESTIONS = (
    Numeric(
        "q1", "Fit MODEL with PLS-SEM (ir.pls, path weighting, the defaults). What is the path "
        "coefficient from job satisfaction to commitment (js -> oc, 3 decimals)?",
        lambda ex: _value(ex, "path", "js -> oc"),
        ["ir.pls(MODEL, ex.data) returns a PLS result; its path_matrix holds the paths.",
         "res.path_matrix.loc['js', 'oc']: row is the source, column the target."],
        0.002,
        mistakes=[Mistake("CB-SEM value", lambda ex: _value(ex, "path", "js -> oc", "cb_sem"),
                          "that is the CB-SEM (common-factor) path, std_all of ir.fit; the "
                          "question asks for the PLS path, which is usually smaller."),
                  Mistake("PLSc value", lambda ex: _value(ex, "path", "js -> oc", "plsc"),
                          "that is the consistent PLS (PLSc) path; fit without "
                          "consistent=True for plain PLS.", 0.5)],
        solution="ir.pls(MODEL, ex.data).path_matrix.loc['js', 'oc']"),
    Numeric(
        "q2", "The PLS outer loading of the item im3 on internal marketing (3 decimals).",
        lambda ex: _outer(ex, "im3", "loading"),
        ["res.outer has one row per item with its weight and its loading.",
         "The loading column (the item's correlation with the composite), not the weight."],
        0.002,
        mistakes=[Mistake("outer weight", lambda ex: _outer(ex, "im3", "weight"),
                          "that is the outer weight (how much im3 counts in the composite); "
                          "the loading is im3's correlation with the composite."),
                  Mistake("CB-SEM loading", lambda ex: _value(ex, "loading", "im =~ im3",
                                                                 "cb_sem"),
                          "that is the CB-SEM standardized loading; PLS loadings are higher "
                          "because the composite contains the item's own error.")],
        solution="ir.pls(MODEL, ex.data).outer.set_index('item').loc['im3', 'loading']"),
    Numeric(
        "q3", "The reliability rho_A (Dijkstra-Henseler) of job satisfaction (js, 3 decimals).",
        lambda ex: _reliability(ex, "js", "rhoA"),
        ["res.reliability() gives alpha, rhoC, AVE and rhoA per construct."],
        0.002,
        mistakes=[Mistake("Cronbach's alpha", lambda ex: _reliability(ex, "js", "alpha"),
                          "that is Cronbach's alpha, the lower bound; rho_A is the rhoA "
                          "column."),
                  Mistake("composite reliability", lambda ex: _reliability(ex, "js", "rhoC"),
                          "that is rho_C, the composite reliability (an upper bound); rho_A "
                          "is the rhoA column.")],
        solution="ir.pls(MODEL, ex.data).reliability().loc['js', 'rhoA']"),
    Numeric(
        "q4", "The AVE of commitment (oc) in the PLS model (3 decimals).",
        lambda ex: _reliability(ex, "oc", "AVE"),
        ["The AVE column of res.reliability()."],
        0.002,
        mistakes=[Mistake("CB-SEM AVE", lambda ex: _value(ex, "ave", "oc", "cb_sem"),
                          "that is the AVE of the common factor (CB-SEM); the question asks "
                          "for the PLS AVE, from the composite loadings.")],
        solution="ir.pls(MODEL, ex.data).reliability().loc['oc', 'AVE']"),
    Choice(
        "q5", "Are job satisfaction and commitment distinct by HTMT (Henseler et al. 2015)? "
        "'distinct' (HTMT < .85), 'doubtful' (.85 to .90) or 'not distinct' (>= .90).",
        {"distinct": "HTMT below .85", "doubtful": "HTMT from .85 to .90",
         "not distinct": "HTMT of .90 or more"},
        _htmt_verdict,
        ["res.htmt() is a lower-triangular table: read the row oc, column js."],
        solution="res.htmt().loc['oc', 'js'] against .85 and .90"),
    Numeric(
        "q6", "How much larger is the CB-SEM path from internal marketing to job satisfaction "
        "than the PLS path: CB-SEM std_all minus PLS (3 decimals)?",
        lambda ex: _value(ex, "path", "im -> js", "cb_sem") - _value(ex, "path", "im -> js"),
        ["ir.compare_lenses(MODEL, ex.data) fits both lenses on the same rows.",
         "Its pls_minus_cb column has the opposite sign."],
        0.002,
        mistakes=[Mistake("sign reversed", lambda ex: _value(ex, "path", "im -> js")
                          - _value(ex, "path", "im -> js", "cb_sem"),
                          "that is PLS minus CB-SEM; the question asks for CB-SEM minus PLS "
                          "(a positive number when composites attenuate the path).", 0.5)],
        solution="cb_sem - pls of the im -> js row of ir.compare_lenses(MODEL, ex.data)"),
    Written(
        "q7", "For the HR director: why is the PLS path from internal marketing to job "
        "satisfaction smaller than the CB-SEM path, and which would you report for a test of "
        "the theory that internal marketing raises job satisfaction?",
        ["composites (weighted sums of items) keep part of the items' measurement error",
         "error attenuates relations among composites; common factors are free of it",
         "for a theory test with reflective items report CB-SEM (or PLSc), with reasons",
         "quotes the two numbers (q1/q6)"],
        ["Think of what a PLS construct score contains besides the construct."],
        solution="A good answer explains attenuation by measurement error in composites."),
)

SPEC = ExerciseSpec(
    name="ex11_pls", title="PLS-SEM beside CB-SEM: internal marketing, satisfaction and "
    "commitment", lesson="11", make_data=make_data, questions=QUESTIONS, intro=MODEL)
