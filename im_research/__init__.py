"""im-research: internal-marketing research and teaching with structural equation models.

The package is layered (see ``docs/architecture.md``): ``sem`` (the engine) →
``inference`` and ``measurement`` → ``reporting`` → ``teaching`` and the CLI, with
``survey``, ``synthetic`` and ``scales`` for data. The everyday functions are re-exported
here, pingouin style.

>>> import im_research as ir
>>> callable(ir.fit)
True
"""

import sys as _sys
import types as _types
from importlib import import_module as _import_module

from .errors import (
                     ArgumentError,
                     ConvergenceError,
                     DataError,
                     DataWarning,
                     HeywoodWarning,
                     IdentificationError,
                     ModelSyntaxError,
)

# Everything else loads on first use (PEP 562), so that ``import im_research`` does not
# pull in scipy.stats, matplotlib and the rest: name -> the subpackage that provides it
# (an attribute of it, or its submodule of that name).
_LAZY = {
    **dict.fromkeys(["bollen_stine", "bootstrap", "design_effect", "indirect_effects",
                     "invariance", "lrt", "power", "release_candidates", "rmsea_power",
                     "rmsea_sample_size"], "inference"),
    **dict.fromkeys(["fornell_larcker", "higher_order_reliability", "htmt", "htmt_inference",
                     "icc", "item_statistics", "linkage", "method_bias", "multilevel",
                     "reliability", "rwg", "rwg_j"],
                    "measurement"),
    "pls": "pls", "compare_lenses": "pls", "pls_multigroup": "pls",
    "plots": "reporting", "report": "reporting",
    "scoring": "scales",
    **dict.fromkeys(["SEMResult", "fit", "growth", "ordinal"], "sem"),
    **dict.fromkeys(["anonymize", "codebook", "datasets", "io", "quality"], "survey"),
    "models": "synthetic", "simulate": "synthetic",
    "exercises": "teaching",
}
_SUBPACKAGES = {"cli", "inference", "measurement", "reporting", "resources", "scales", "sem",
                "survey", "synthetic", "teaching", "validation"}


class _Package(_types.ModuleType):
    def __setattr__(self, name, value):
        # importing the subpackage im_research.pls (from anywhere) binds "pls" to it; the
        # public name is its function, as an eager ``from .pls import pls`` left it
        if name == "pls" and isinstance(value, _types.ModuleType):
            value = value.pls
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def __getattr__(name):
    if name in _SUBPACKAGES:
        value = _import_module(f"{__name__}.{name}")
    elif name in _LAZY:
        package = _import_module(f"{__name__}.{_LAZY[name]}")
        value = getattr(package, name, None)
        if value is None:
            value = _import_module(f"{package.__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBPACKAGES)


__version__ = "0.1.0.dev0"

__all__ = [
    "fit", "growth", "SEMResult", "bootstrap", "bollen_stine", "indirect_effects", "power",
    "datasets", "exercises",
    "models", "scales", "scoring", "simulate", "reliability", "higher_order_reliability",
    "item_statistics", "htmt",
    "htmt_inference", "fornell_larcker", "icc", "rwg", "rwg_j", "quality", "method_bias",
    "multilevel", "report", "plots", "io", "codebook", "anonymize", "invariance", "ordinal",
    "release_candidates", "lrt", "ModelSyntaxError", "DataError", "ArgumentError",
    "IdentificationError",
    "ConvergenceError", "HeywoodWarning", "DataWarning", "pls", "linkage",
    "compare_lenses", "pls_multigroup", "rmsea_power", "rmsea_sample_size", "design_effect",
]
