"""Canonical internal-marketing models: population values and lavaan syntax.

Population values are *teaching defaults* from the literature notes (single-study SEM
values and meta-analytic anchors; see ``docs/datasets.md``), not citations of one paper.

Examples
--------
>>> from im_research.models import service_profit_chain
>>> spc = service_profit_chain()
>>> spc.population.paths["js"]
{'im': 0.55}
>>> "ind_im_cs := a*b*c*d" in spc.syntax
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .simulate import PopulationModel

__all__ = ["CanonicalModel", "service_profit_chain"]


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
