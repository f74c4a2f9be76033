"""Inference on fitted models: bootstrap, direct/indirect effects, power, nested-model tests
(``lrt``) and measurement invariance. Imports ``sem`` (and ``synthetic`` for power), never
the layers above."""

from .bootstrap import bollen_stine, bootstrap
from .compare import lrt
from .effects import indirect_effects
from .invariance import invariance, release_candidates
from .power import design_effect, power, rmsea_power, rmsea_sample_size

__all__ = ["bootstrap", "bollen_stine", "lrt", "indirect_effects", "invariance",
           "release_candidates", "power", "rmsea_power", "rmsea_sample_size", "design_effect"]
