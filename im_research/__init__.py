"""im-research: internal-marketing research and teaching with structural equation models.

>>> import im_research as ir
>>> callable(ir.fit)
True
"""

from .errors import (ConvergenceError, DataError, DataWarning, HeywoodWarning,
                     IdentificationError, ModelSyntaxError)
from . import datasets, exercises, models, scales, scoring, simulate
from .bootstrap import bootstrap
from .effects import indirect_effects
from .estimate import fit
from .power import power
from .result import SEMResult

__version__ = "0.1.0.dev0"

__all__ = [
    "fit", "SEMResult", "bootstrap", "indirect_effects", "power", "datasets", "exercises",
    "models", "scales", "scoring", "simulate", "ModelSyntaxError", "DataError", "IdentificationError",
    "ConvergenceError", "HeywoodWarning", "DataWarning",
]
