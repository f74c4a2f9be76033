"""PLS-SEM (composite-based structural equation modelling), beside the CB-SEM engine.

One lavaan model string serves both lenses: ``ir.fit(model, data)`` (CB-SEM) and
``ir.pls(model, data)`` (PLS path modelling, SmartPLS/seminr conventions), with ``<~`` for
mode B (formative) blocks. Layers: ``estimate`` (``pls()``) → ``result`` (``PLSResult``)
→ ``bootstrap`` | ``predictive`` → ``design`` (interaction terms, higher-order
constructs) → ``quality`` → ``algorithm`` | ``data`` → ``model`` (syntax via
``sem.syntax``); ``result`` also uses ``ipma``. On top of ``estimate``: ``groups``
(``pls_multigroup``: MGA and MICOM) and ``lenses`` (``compare_lenses``: CB-SEM beside PLS).
"""

from .bootstrap import PLSBootstrap
from .estimate import pls
from .groups import PLSMultiGroup, multigroup
from .lenses import compare_lenses
from .predictive import PLSPredict
from .result import PLSResult

__all__ = ["pls", "PLSResult", "PLSBootstrap", "PLSPredict", "compare_lenses",
           "multigroup", "PLSMultiGroup", "pls_multigroup"]

pls_multigroup = multigroup  # the top-level name: ir.pls_multigroup
