"""im-research: internal-marketing research and teaching with structural equation models.

>>> import im_research as ir
>>> callable(ir.fit)
True
"""

from .errors import (ConvergenceError, DataError, DataWarning, HeywoodWarning,
                     IdentificationError, ModelSyntaxError)
from . import (anonymize, codebook, datasets, exercises, io, method_bias, models, multilevel,
               ordinal, plots, quality, report, scales, scoring, simulate)
from .bootstrap import bootstrap
from .compare import lrt
from .effects import indirect_effects
from .estimate import fit
from .invariance import invariance, release_candidates
from .multilevel import icc, rwg, rwg_j
from .power import power
from .reliability import item_statistics, reliability
from .result import SEMResult
from .validity import fornell_larcker, htmt, htmt_inference

__version__ = "0.1.0.dev0"

__all__ = [
    "fit", "SEMResult", "bootstrap", "indirect_effects", "power", "datasets", "exercises",
    "models", "scales", "scoring", "simulate", "reliability", "item_statistics", "htmt",
    "htmt_inference", "fornell_larcker", "icc", "rwg", "rwg_j", "quality", "method_bias",
    "multilevel", "report", "plots", "io", "codebook", "anonymize", "invariance", "ordinal",
    "release_candidates", "lrt", "ModelSyntaxError", "DataError", "IdentificationError",
    "ConvergenceError", "HeywoodWarning", "DataWarning",
]
