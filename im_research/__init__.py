"""im-research: internal-marketing research and teaching with structural equation models.

>>> import im_research as ir
>>> callable(ir.fit)
True
"""

from .errors import (ConvergenceError, DataError, DataWarning, HeywoodWarning,
                     IdentificationError, ModelSyntaxError)
from . import datasets, models, scales, scoring, simulate
from .estimate import fit
from .result import SEMResult

__version__ = "0.1.0.dev0"

__all__ = [
    "fit", "SEMResult", "datasets", "models", "scales", "scoring", "simulate", "ModelSyntaxError", "DataError", "IdentificationError",
    "ConvergenceError", "HeywoodWarning", "DataWarning",
]
