"""Lesson 11, PLS-SEM and CB-SEM side by side (the bank's service-profit chain): its
"your turn" tasks and the settings its notebook shares."""

from __future__ import annotations

from ..exercises import Question

# The lesson's model: lesson 01's chain, in the syntax both lenses read (no labels)
MEASUREMENT = """im =~ im1 + im2 + im3 + im4
js =~ js1 + js2 + js3
oc =~ oc1 + oc2 + oc3r
sq =~ sq1 + sq2 + sq3 + sq4
cs =~ cs1 + cs2 + cs3
"""
MODEL = MEASUREMENT + "js ~ im\noc ~ js + im\nsq ~ oc\ncs ~ sq\n"
# internal marketing as a formative composite: the bank's four levers form it (task 1)
FORMATIVE_MODEL = MODEL.replace("im =~", "im <~", 1)
# bootstrap draws and seed in the lesson: small enough for a ~20 s lesson (the
# intervals' second decimal still moves with the seed; a report uses 5000 draws)
BOOT_DRAWS, SEED = 500, 11
# PLSpredict in the lesson: 10 folds, repeated 3 times (SmartPLS: 10 × 10)
FOLDS, REPETITIONS = 10, 3
# the items' possible ranges, for the IPMA's 0-100 rescaling: employees answered on
# 7 points, customers on 5
SCALE = {**{f"{c}{i}": (1, 7) for c, k in (("im", 4), ("js", 3), ("sq", 4))
            for i in range(1, k + 1)},
         "oc1": (1, 7), "oc2": (1, 7), "oc3r": (1, 7),
         **{f"cs{i}": (1, 5) for i in (1, 2, 3)}}


def _bank(t):
    from ._common import bank_data

    return t.cached("bank", bank_data)


def _pls(t, key, model):
    from ...pls.estimate import pls

    return t.cached(key, lambda: pls(model, _bank(t)))


def _q1_formative_weight(t):
    res = _pls(t, "formative", FORMATIVE_MODEL)
    o = res.outer
    return float(o.loc[(o["construct"] == "im") & (o["item"] == "im1"), "weight"].iloc[0])


def _q2_chain_indirect_effect(t):
    res = _pls(t, "lesson", MODEL)
    s = res.specific_effects
    return float(s.loc[s["path"] == "im -> js -> oc -> sq -> cs", "estimate"].iloc[0])


def _q3_importance_for_commitment(t):
    res = _pls(t, "lesson", MODEL)
    return float(res.ipma("oc", scale=SCALE).loc["im", "importance"])


QUESTIONS = [
    Question("q1", "Treat internal marketing as a formative composite (im <~ im1 + im2 + im3 "
             "+ im4: the bank's four levers form it) and refit the PLS model. What is the "
             "outer weight of the vision item im1 now (3 decimals)?",
             _q1_formative_weight,
             "FORMATIVE_MODEL in im_research.teaching.tasks.lesson11 is the model; fit it with "
             "ir.pls(...) and read the weight column of res.outer (not the loading).", 0.001),
    Question("q2", "In the lesson's PLS model, what is the specific indirect effect of "
             "internal marketing on customer satisfaction along the whole chain im -> js -> "
             "oc -> sq -> cs (3 decimals)?",
             _q2_chain_indirect_effect,
             "res.specific_effects lists every chain of paths with the product of its "
             "coefficients; the chain through all four links is the one.", 0.001),
    Question("q3", "Run the IPMA with commitment (oc) as the target instead of customer "
             "satisfaction, with the lesson's SCALE. What is the importance of internal "
             "marketing for commitment (3 decimals)?",
             _q3_importance_for_commitment,
             "res.ipma('oc', scale=SCALE) gives a table per construct; read the importance "
             "of im.", 0.001),
]
