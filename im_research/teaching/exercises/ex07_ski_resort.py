"""Exercise 07 (lesson 07, internal branding): does brand knowledge turn into
brand-consistent behaviour through commitment, and is the chain the same for new hires
and tenured staff of a ski resort?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...inference.compare import chisq_difference
from ._common import fit_once, param
from .framework import Choice, ExerciseSpec, Mistake, ModelSyntax, Numeric, Written

MEASUREMENT = """bk =~ bk1 + bk2 + bk3
bc =~ bc1 + bc2 + bc3 + bc4
bb =~ bb1 + bb2 + bb3
"""
MODEL = MEASUREMENT + "bc ~ a*bk\nbb ~ b*bc + c*bk\nind := a*b\n"
FULL = MEASUREMENT + "bc ~ a*bk\nbb ~ b*bc\nind := a*b\n"
REVERSED = MEASUREMENT + "bk ~ bc\nbb ~ bc + bk\n"
# no labels: in a multi-group model a label shared by the groups makes the paths equal
GROUP_MODEL = MEASUREMENT + "bc ~ bk\nbb ~ bc + bk\n"
GROUP = "staff"
GROUPS = ("new hire", "tenured")
_LOADINGS = {"bk": (0.78, 0.74, 0.70), "bc": (0.80, 0.76, 0.72, 0.68), "bb": (0.77, 0.74, 0.70)}


def make_data(rng) -> pd.DataFrame:
    """110-220 new hires and 100-200 tenured staff. The paths differ per student, and
    commitment -> behaviour differs between the groups by a student-specific amount (from
    nothing to a lot); the items measure alike in both groups."""
    sizes = (int(rng.integers(110, 221)), int(rng.integers(100, 201)))
    a = rng.uniform(0.35, 0.65)
    b_new = rng.uniform(0.3, 0.65)
    b_ten = b_new * rng.uniform(0.15, 1.0)
    c = rng.uniform(0.0, 0.3)
    loadings = {f: np.clip(np.array(lam) + rng.uniform(-0.08, 0.08, size=len(lam)), 0.5, 0.9)
                for f, lam in _LOADINGS.items()}
    frames = []
    for g, (size, b) in enumerate(zip(sizes, (b_new, b_ten))):
        bk = rng.normal(size=size)
        bc = a * bk + rng.normal(scale=np.sqrt(1 - a ** 2), size=size)
        bb = b * bc + c * bk
        bb = bb + rng.normal(scale=np.sqrt(max(0.25, 1 - np.var(bb))), size=size)
        cols = {GROUP: [GROUPS[g]] * size}
        for name, eta in (("bk", bk), ("bc", bc), ("bb", bb)):
            for j, lam in enumerate(loadings[name], start=1):
                cols[f"{name}{j}"] = 4.5 + 1.2 * (lam * eta + rng.normal(
                    scale=np.sqrt(1 - lam ** 2), size=size))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True).round(2)


def _fit(ex, model=MODEL, **kw):
    return fit_once(ex, model, **kw)


_row = param


def _chisq(res) -> float:
    return float(res.fit_measures["chisq"])


def _free(ex):
    return _fit(ex, GROUP_MODEL, group=GROUP, group_equal=("loadings",))


def _equal(ex):
    return _fit(ex, GROUP_MODEL, group=GROUP, group_equal=("loadings", "regressions"))


def _paths_test(ex) -> dict:
    """Equal paths in both groups against free paths (``delta_chisq``, ``pvalue``)."""
    return chisq_difference(_free(ex), _equal(ex))


def _paths_delta(ex) -> float:
    return float(_paths_test(ex)["delta_chisq"])


def _paths_pvalue(ex) -> float:
    return float(_paths_test(ex)["pvalue"])


QUESTIONS = (
    ModelSyntax(
        "q1", "Write the chain for all staff: MEASUREMENT (given) plus brand knowledge -> "
        "commitment -> behaviour and the direct bk -> bb, with labels a (bc ~ bk), b (bb ~ "
        "bc), c (bb ~ bk) and the indirect effect ind := a*b.",
        lambda ex: MODEL,
        ["'y ~ x' is an arrow from x to y: knowledge comes first.",
         "bc ~ a*bk and bb ~ b*bc + c*bk, then ind := a*b."],
        points=2,
        mistakes=[Mistake("path direction", lambda ex: REVERSED,
                          "knowledge and commitment are the wrong way round: staff learn "
                          "the brand and then commit to it, so bc ~ bk (y ~ x).", 0.5),
                  Mistake("direct path", lambda ex: FULL,
                          "the direct path bb ~ bk is missing: without it you assume full "
                          "mediation instead of testing it.", 0.5)],
        solution="MEASUREMENT + 'bc ~ a*bk\\nbb ~ b*bc + c*bk\\nind := a*b\\n'"),
    Numeric(
        "q2", "Fit it to all staff. The standardized indirect effect of brand knowledge on "
        "behaviour (std_all of ind, 3 decimals).",
        lambda ex: _row(_fit(ex), "ind", ":=", "a*b"),
        ["The := row named ind in res.params.", "Its std_all column."],
        0.002,
        mistakes=[Mistake("unstandardized", lambda ex: _row(_fit(ex), "ind", ":=", "a*b",
                                                             "est"),
                          "that is the unstandardized indirect effect; give std_all.", 0.5),
                  Mistake("sum of paths", lambda ex: _row(_fit(ex), "bc", "~", "bk")
                          + _row(_fit(ex), "bb", "~", "bc"),
                          "you added a and b; an indirect effect is their product.")],
        solution="std_all of the ind := a*b row"),
    Numeric(
        "q3", "Full mediation would mean no direct path. The chi-square difference between "
        "the model without bb ~ bk and your model (2 decimals).",
        lambda ex: _chisq(_fit(ex, FULL)) - _chisq(_fit(ex)),
        ["Fit the model without the direct path and compare: ir.lrt(partial, full).",
         "Its 'delta_chisq', or the difference of the two 'chisq' fit measures."],
        0.01,
        mistakes=[Mistake("chi-square instead of its difference",
                          lambda ex: _chisq(_fit(ex, FULL)),
                          "that is the chi-square of the full-mediation model itself; the "
                          "test compares it with the partial model: take the difference.",
                          0.25)],
        solution="chisq(full mediation) - chisq(partial mediation)"),
    Numeric(
        "q4", "Now the groups (group='staff'). With equal loadings in both groups, fit "
        "GROUP_MODEL once with the paths free and once with group_equal=('loadings', "
        "'regressions'). The chi-square difference (2 decimals).",
        _paths_delta,
        ["The paths can only be compared on a common scale: equal loadings in both fits.",
         "ir.fit(GROUP_MODEL, data=ex.data, group='staff', group_equal=['loadings']) against "
         "the same with ['loadings', 'regressions']; subtract their chisq."],
        0.01,
        mistakes=[Mistake("compared with the configural model", lambda ex: _chisq(
            _equal(ex)) - _chisq(_fit(ex, GROUP_MODEL, group=GROUP)),
            "you compared with the configural model (loadings free), so the difference "
            "tests the loadings and the paths together; keep the loadings equal in both "
            "fits.", 0.25)],
        solution="chisq(loadings + regressions equal) - chisq(loadings equal)"),
    Choice(
        "q5", "Does that test show that the chain differs between new hires and tenured "
        "staff (5 %)? 'yes' or 'no'.",
        {"yes": "the paths differ", "no": "no difference shown"},
        lambda ex: "yes" if _paths_pvalue(ex) < 0.05 else "no",
        ["The equality constraints add 3 degrees of freedom (three paths).",
         "p of the difference: scipy.stats.chi2.sf(delta, 3), or ir.lrt(free, equal)."],
        solution="p of the chi-square difference on 3 df < .05?"),
    Numeric(
        "q6", "In the model with the paths free, the standardized path commitment -> "
        "behaviour (bb ~ bc) for the new hires (3 decimals).",
        lambda ex: _row(_free(ex), "bb", "~", "bc", group=GROUPS[0]),
        ["res.params has a 'group' column.",
         "The bb ~ bc row of the group 'new hire', column std_all."],
        0.003,
        mistakes=[Mistake("the other group", lambda ex: _row(_free(ex), "bb", "~", "bc",
                                                             group=GROUPS[1]),
                          "that is the path of the tenured staff; give the new hires'."),
                  Mistake("groups pooled", lambda ex: _row(_fit(ex), "bb", "~", "bc"),
                          "that is the path for all staff together; give the new hires' "
                          "from the multi-group fit.")],
        solution="std_all of bb ~ bc, group 'new hire', in the paths-free fit"),
    Written(
        "q7", "For the resort's director: does brand knowledge reach behaviour through "
        "commitment, and should onboarding of new hires be run differently from the "
        "tenured staff's brand training?",
        ["quotes the indirect effect and says whether mediation is full or partial",
         "states the group test (chi-square difference, df, p) before comparing paths",
         "warns that self-reported behaviour is not observed behaviour, or that testing "
         "paths one by one inflates false positives"],
        ["Report the omnibus group test first; only then look at single paths."],
        solution="A good answer quotes q2, q3 and q4/q5 with their tests."),
)

SPEC = ExerciseSpec(
    name="ex07_ski_resort", title="Internal branding at a ski resort: new hires and "
    "tenured staff", lesson="07", make_data=make_data, questions=QUESTIONS, intro=MEASUREMENT)
