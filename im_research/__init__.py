"""im-research: internal-marketing research and teaching with structural equation models.

The package is layered (see ``docs/architecture.md``): ``sem`` (the engine) →
``inference`` and ``measurement`` → ``reporting`` → ``teaching`` and the CLI, with
``survey``, ``synthetic`` and ``scales`` for data. The everyday functions are re-exported
here, pingouin style.

>>> import im_research as ir
>>> callable(ir.fit)
True
"""

from . import scales
from .errors import (
                     ArgumentError,
                     ConvergenceError,
                     DataError,
                     DataWarning,
                     HeywoodWarning,
                     IdentificationError,
                     ModelSyntaxError,
)
from .inference import bootstrap, indirect_effects, invariance, lrt, power, release_candidates
from .measurement import (
                     fornell_larcker,
                     htmt,
                     htmt_inference,
                     icc,
                     item_statistics,
                     method_bias,
                     multilevel,
                     reliability,
                     rwg,
                     rwg_j,
)
from .reporting import plots, report
from .scales import scoring
from .sem import SEMResult, fit, ordinal
from .survey import anonymize, codebook, datasets, io, quality
from .synthetic import models, simulate
from .teaching import exercises

__version__ = "0.1.0.dev0"

__all__ = [
    "fit", "SEMResult", "bootstrap", "indirect_effects", "power", "datasets", "exercises",
    "models", "scales", "scoring", "simulate", "reliability", "item_statistics", "htmt",
    "htmt_inference", "fornell_larcker", "icc", "rwg", "rwg_j", "quality", "method_bias",
    "multilevel", "report", "plots", "io", "codebook", "anonymize", "invariance", "ordinal",
    "release_candidates", "lrt", "ModelSyntaxError", "DataError", "ArgumentError",
    "IdentificationError",
    "ConvergenceError", "HeywoodWarning", "DataWarning",
]
