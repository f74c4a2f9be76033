"""Canonical internal-marketing models: population values and lavaan syntax.

Population values are *teaching defaults* from the literature notes (single-study SEM
values and meta-analytic anchors; see ``docs/datasets.md``), not citations of one paper.

Examples
--------
>>> from im_research.synthetic.models import service_profit_chain
>>> spc = service_profit_chain()
>>> spc.population.paths["js"]
{'im': 0.55}
>>> "ind_im_cs := a*b*c*d" in spc.syntax
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .simulate import PopulationModel

__all__ = ["CanonicalModel", "service_profit_chain", "berry_employee_as_customer",
           "integrated_marketing", "internal_branding", "im_programme_two_waves",
           "servqual_loyalty", "mediation_chain"]


@dataclass
class CanonicalModel:
    name: str
    description: str
    population: PopulationModel
    syntax: str  # the model researchers fit (with labelled paths and := effects)


def service_profit_chain(weak: bool = False) -> CanonicalModel:
    """Internal marketing -> job satisfaction -> commitment -> service quality -> customer
    satisfaction (Heskett et al. 1994), employee-customer dyads.

    Teaching defaults: IM->JS .55, JS->OC .45, IM->OC .25 (direct), OC->SQ .35,
    SQ->CS .25 (cross-source, weaker than same-source links); ``weak=True`` halves the
    structural paths for sensitivity and power exercises.
    """
    k = 0.5 if weak else 1.0
    pop = PopulationModel(
        loadings={
            "im": {"im1": .80, "im2": .75, "im3": .70, "im4": .78},
            "js": {"js1": .82, "js2": .78, "js3": .72},
            "oc": {"oc1": .80, "oc2": .82, "oc3": -.68},  # oc3 is reverse-keyed
            "sq": {"sq1": .72, "sq2": .76, "sq3": .70, "sq4": .80},
            "cs": {"cs1": .85, "cs2": .80, "cs3": .76},
            "loy": {"loy1": .84, "loy2": .80, "loy3": .74},
        },
        paths={"js": {"im": .55 * k}, "oc": {"js": .45 * k, "im": .25 * k},
               "sq": {"oc": .35 * k}, "cs": {"sq": .25 * k}, "loy": {"cs": .55 * k}},
    )
    syntax = """\
# measurement model
im =~ im1 + im2 + im3 + im4     # internal marketing (employee view)
js =~ js1 + js2 + js3           # job satisfaction
oc =~ oc1 + oc2 + oc3r          # affective commitment (oc3 reverse-scored as oc3r)
sq =~ sq1 + sq2 + sq3 + sq4     # service quality delivered (employee rating)
cs =~ cs1 + cs2 + cs3           # satisfaction of the employee's customer
# structural model: the service-profit chain
js ~ a*im
oc ~ b*js + im
sq ~ c*oc
cs ~ d*sq
# indirect effect of internal marketing on customer satisfaction
ind_im_cs := a*b*c*d
"""
    return CanonicalModel("service_profit_chain",
                          "IM -> JS -> OC -> SQ -> CS (employee-customer dyads)", pop, syntax)


def berry_employee_as_customer() -> CanonicalModel:
    """Berry (1981): treat jobs as internal products. Internal marketing (the 'job
    product': vision, development, rewards) -> job satisfaction -> customer-oriented
    service quality. Teaching defaults."""
    pop = PopulationModel(
        loadings={"vision": {"vis1": .78, "vis2": .74, "vis3": .70},
                  "development": {"dev1": .80, "dev2": .72, "dev3": .70},
                  "rewards": {"rew1": .76, "rew2": .74, "rew3": .68},
                  "js": {"js1": .82, "js2": .78, "js3": .72},
                  "sq": {"sq1": .74, "sq2": .76, "sq3": .70}},
        paths={"js": {"vision": .25, "development": .25, "rewards": .25},
               "sq": {"js": .40}},
        correlations={("vision", "development"): .45, ("vision", "rewards"): .40,
                      ("development", "rewards"): .45})
    syntax = pop.syntax() + "js ~~ js\n"
    return CanonicalModel("berry_employee_as_customer",
                          "IM dimensions (the job as a product) -> JS -> service quality",
                          pop, syntax)


def integrated_marketing() -> CanonicalModel:
    """Integrated marketing across departments: inter-functional coordination and top
    management support -> service consistency -> customer satisfaction. Teaching
    defaults."""
    pop = PopulationModel(
        loadings={"ifc": {"ifc1": .78, "ifc2": .74, "ifc3": .72, "ifc4": .70},
                  "tms": {"tms1": .80, "tms2": .76, "tms3": .72},
                  "cons": {"cons1": .78, "cons2": .76, "cons3": .70},
                  "cs": {"cs1": .84, "cs2": .80, "cs3": .74}},
        paths={"cons": {"ifc": .40, "tms": .25}, "cs": {"cons": .45}},
        correlations={("ifc", "tms"): .40})
    syntax = ("ifc =~ ifc1 + ifc2 + ifc3 + ifc4\ntms =~ tms1 + tms2 + tms3\n"
              "cons =~ cons1 + cons2 + cons3\ncs =~ cs1 + cs2 + cs3\n"
              "cons ~ a*ifc + tms\ncs ~ b*cons\nind_ifc_cs := a*b\n")
    return CanonicalModel("integrated_marketing",
                          "coordination + top-management support -> consistency -> CS",
                          pop, syntax)


def internal_branding() -> CanonicalModel:
    """Internal branding (Burmann & Zeplin 2005): brand knowledge -> brand commitment ->
    brand-consistent behaviour. Teaching defaults."""
    pop = PopulationModel(
        loadings={"bk": {"bk1": .80, "bk2": .76, "bk3": .72},
                  "bc": {"bc1": .82, "bc2": .78, "bc3": .74, "bc4": .70},
                  "bb": {"bb1": .78, "bb2": .74, "bb3": .72}},
        paths={"bc": {"bk": .50}, "bb": {"bc": .45, "bk": .15}})
    syntax = ("bk =~ bk1 + bk2 + bk3\nbc =~ bc1 + bc2 + bc3 + bc4\nbb =~ bb1 + bb2 + bb3\n"
              "bc ~ a*bk\nbb ~ b*bc + bk\nind_bk_bb := a*b\n")
    return CanonicalModel("internal_branding", "brand knowledge -> commitment -> behaviour",
                          pop, syntax)


def im_programme_two_waves(effect: float = 0.5) -> CanonicalModel:
    """An IM programme evaluated before and after: perceived IM and job satisfaction at
    wave 1 and wave 2 (same items), with stability paths and the programme's effect on
    wave-2 IM (``effect``, a standardized mean shift applied by the dataset builder)."""
    pop = PopulationModel(
        loadings={"im_t1": {"im1_t1": .78, "im2_t1": .74, "im3_t1": .72},
                  "js_t1": {"js1_t1": .80, "js2_t1": .76, "js3_t1": .72},
                  "im_t2": {"im1_t2": .78, "im2_t2": .74, "im3_t2": .72},
                  "js_t2": {"js1_t2": .80, "js2_t2": .76, "js3_t2": .72}},
        paths={"js_t1": {"im_t1": .50}, "im_t2": {"im_t1": .60},
               "js_t2": {"js_t1": .50, "im_t2": .30}})
    syntax = pop.syntax() + "".join(
        f"{i}_t1 ~~ {i}_t2\n" for i in ("im1", "im2", "im3", "js1", "js2", "js3"))
    model = CanonicalModel("im_programme_two_waves",
                           "IM and JS before and after an IM programme (two waves)", pop,
                           syntax)
    model.effect = effect
    return model


def servqual_loyalty() -> CanonicalModel:
    """Customers' perceived service quality as a second-order factor over the five
    SERVQUAL dimensions (Parasuraman, Zeithaml & Berry 1988; perceptions only, the
    ``servqual`` scale of :mod:`im_research.scales`), driving loyalty.

    Teaching defaults: the four "people" dimensions that staff deliver reflect overall
    quality strongly (reliability .85, responsiveness .80, assurance .80, empathy .70),
    the premises and brochures less (tangibles .50); quality -> loyalty .50, and
    empathy has a small effect of its own on loyalty (.15) that a second-order model
    without it misses.
    """
    dims = {"tan": .50, "rel": .85, "res": .80, "ass": .80, "emp": .70}
    item_loadings = {"tan": (.72, .70, .66), "rel": (.82, .80, .74), "res": (.80, .76, .72),
                     "ass": (.78, .80, .74), "emp": (.80, .76, .68)}
    loadings = {d: {f"sq_{d}{k + 1}": lam for k, lam in enumerate(item_loadings[d])}
                for d in dims}
    loadings["sq"] = dims
    loadings["loy"] = {"loy1": .84, "loy2": .80, "loy3": .74}
    pop = PopulationModel(loadings=loadings, paths={"loy": {"sq": .50, "emp": .15}})
    syntax = "".join(f"{d} =~ " + " + ".join(loadings[d]) + "\n" for d in dims) + (
        "sq =~ tan + rel + res + ass + emp   # overall service quality (second order)\n"
        "loy =~ loy1 + loy2 + loy3\n"
        "loy ~ sq\n")
    return CanonicalModel("servqual_loyalty",
                          "SERVQUAL's five dimensions under overall service quality -> "
                          "loyalty (customers)", pop, syntax)


# three items per construct with the bank questionnaire's typical loadings
_CHAIN_LOADINGS = ((.80, .75, .70), (.82, .78, .72), (.76, .72, .80))


def mediation_chain(a: float, b: float, c: float = 0.0,
                    names=("im", "js", "sq")) -> PopulationModel:
    """A standardized mediation population for teaching: ``x`` → ``m`` (``a``) → ``y``
    (``b``) with the direct path ``c``, three items each (``x1..x3``, ...) with the bank
    questionnaire's typical loadings; ``names`` are the constructs (x, m, y).

    Examples
    --------
    >>> mediation_chain(0.3, 0.25, names=("ic", "oc", "sq")).paths["sq"]
    {'oc': 0.25, 'ic': 0.0}
    """
    x, m, y = names
    loadings = {f: {f"{f}{k}": lam for k, lam in enumerate(lams, start=1)}
                for f, lams in zip(names, _CHAIN_LOADINGS)}
    return PopulationModel(loadings, paths={m: {x: a}, y: {m: b, x: c}})
