"""PLS-SEM (composite-based structural equation modelling), beside the CB-SEM engine.

One lavaan model string serves both lenses: ``ir.fit(model, data)`` (CB-SEM) and
``ir.pls(model, data)`` (PLS path modelling, SmartPLS/seminr conventions), with ``<~`` for
mode B (formative) blocks. Layers: ``estimate`` (``pls()``) → ``result`` (``PLSResult``)
→ ``bootstrap`` | ``predictive`` → ``quality`` → ``algorithm`` | ``data`` → ``model`` (syntax via
``sem.syntax``).
"""

from .bootstrap import PLSBootstrap
from .estimate import pls
from .predictive import PLSPredict
from .result import PLSResult

__all__ = ["pls", "PLSResult", "PLSBootstrap", "PLSPredict"]
