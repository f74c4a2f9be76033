"""The covariance-based SEM engine: lavaan's model language, estimators and result object.

Layers inside, each importing only those below it:

- ``estimate``: :func:`fit` (and :func:`growth`), a thin dispatcher that builds an
  :class:`SEMResult`, with ``constraints`` (constrained ML);
- ``result`` (``SEMResult``) over ``modindices``;
- the estimators: ``wlsmv`` (DWLS/WLSMV for ``ordered=``), ``robust`` (MLR), ``ls`` (GLS,
  ULS), ``scores`` (factor scores), ``twolevel`` (two-level ML for ``level:`` blocks),
  ``mlm`` (MLM, MLMV, MLMVS, MLF), ``missing`` (FIML);
- ``ml`` (the ML discrepancy, Fisher scoring, information matrices);
- primitives: ``moments`` (sample moments, input checks), ``start`` (start values),
  ``partable`` (lavaan's parameter table) over ``syntax`` (the model language), ``ram``
  (RAM matrices and derivatives), ``ordinal`` (thresholds, polychorics, Γ), ``fitmeasures``,
  ``standardize``, ``batch`` (many refits at once).

>>> from im_research.sem import fit, parse
>>> parse("f =~ a + b + c").formulas[0].op
'=~'
"""

from .estimate import fit, growth
from .result import SEMResult, TwoLevelResult
from .syntax import parse

__all__ = ["fit", "growth", "SEMResult", "TwoLevelResult", "parse"]
