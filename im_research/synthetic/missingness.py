"""Plant missing answers in complete survey data, so the truth is known.

A complete dataset is its own truth: estimates from it are what an analysis of the
incomplete copy should recover. :func:`plant_missing` blanks cells of chosen items

- **completely at random** (MCAR, ``mcar=``): every cell of ``items`` goes missing with
  the same probability, whoever the respondent is;
- **at random given an observed column** (MAR, ``driver=`` and ``rate=``): respondents
  low on ``driver`` skip more often. Respondent *i* skips each item with probability
  ``min(0.95, 2 * rate * Φ(−z_i))``, where ``z_i`` is the standardized ``driver``; on
  average about ``rate`` of the cells, ``1.7 * rate`` one SD below the mean and
  ``0.3 * rate`` one SD above. ``driver`` itself stays complete, so the mechanism is
  MAR, not MNAR, and FIML that includes ``driver`` in the model can recover the truth.

Examples
--------
>>> import im_research as ir
>>> from im_research.synthetic.missingness import plant_missing
>>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
>>> planted = plant_missing(bank, ["oc1", "oc2"], seed=1, driver="js1", rate=0.2)
>>> int(planted.data[["oc1", "oc2"]].isna().sum().sum()) == len(planted.truth["missing_cells"])
True
>>> bool(planted.data["js1"].isna().any())
False
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError
from ..validation import as_frame, as_names, as_number, as_seed, show
from .simulate import Simulated

__all__ = ["plant_missing"]


def plant_missing(data: pd.DataFrame, items, *, seed, mcar: float = 0.0, driver=None,
                  rate: float = 0.0) -> Simulated:
    """Blank cells of ``items`` completely at random and/or at random given ``driver``.

    Parameters
    ----------
    data : DataFrame
        Complete answers (``items`` and ``driver`` without missing values).
    items : sequence of str
        Columns in which cells may go missing.
    seed : int or numpy.random.Generator
        The same seed gives the same missing cells.
    mcar : float
        Share of the cells of ``items`` blanked completely at random (0 to 1).
    driver : str, optional
        A complete numeric column, not among ``items``: respondents low on it skip more.
    rate : float
        Average share of cells blanked through ``driver`` (0 to 0.5); needs ``driver``.

    Returns
    -------
    Simulated
        ``data``: a copy with the planted cells missing (item columns as float);
        ``truth``: ``missing_cells`` (list of (row position, column)), ``mechanism``
        and the settings.

    Examples
    --------
    >>> import pandas as pd
    >>> from im_research.synthetic.missingness import plant_missing
    >>> df = pd.DataFrame({"x": range(1, 101), "y": range(101, 201)})
    >>> out = plant_missing(df, ["y"], seed=3, mcar=0.1)
    >>> out.truth["mechanism"], int(out.data["y"].isna().sum())
    ('MCAR', 8)
    """
    as_frame(data)
    items = as_names(items, "items")
    if not items:
        raise ArgumentError("items=[] is empty: name the columns in which answers may go "
                            "missing")
    absent = [c for c in items if c not in data.columns]
    if absent:
        raise DataError(f"items {absent} are not columns of the data")
    rng = np.random.default_rng(as_seed(seed))
    as_number(mcar, "mcar", low=0, high=1, low_open=False)
    as_number(rate, "rate", low=0, high=0.5, low_open=False, high_open=False)
    if rate and driver is None:
        raise ArgumentError(f"rate={rate} needs driver=: the observed column that makes "
                            "respondents skip (e.g. driver='js1')")
    if driver is not None:
        if not isinstance(driver, str) or driver not in data.columns:
            raise DataError(f"driver={show(driver)} is not a column of the data")
        if driver in items:
            raise ArgumentError(f"driver={driver!r} is among items: the driver must stay "
                                "observed, or the mechanism is not MAR")
    for col in items + ([driver] if driver is not None else []):
        if not pd.api.types.is_numeric_dtype(data[col]):
            raise DataError(f"column {col!r} is not numeric (dtype {data[col].dtype}); "
                            "convert the answers to numbers first")
        bad = np.flatnonzero(data[col].isna().to_numpy())
        if len(bad):
            raise DataError(f"column {col!r} is already missing in row {int(bad[0])}: "
                            "plant_missing needs complete data, which are the truth")
    n = len(data)
    hit = np.zeros((n, len(items)), dtype=bool)
    if mcar:
        hit |= rng.random((n, len(items))) < mcar
    if driver is not None and rate:
        z = stats.zscore(data[driver].to_numpy(float))
        p = np.minimum(0.95, 2 * rate * stats.norm.cdf(-z))
        hit |= rng.random((n, len(items))) < p[:, None]
    out = data.copy()
    for j, col in enumerate(items):
        out[col] = out[col].astype(float).mask(hit[:, j])
    cells = [(int(i), items[j]) for i, j in zip(*np.nonzero(hit))]
    mechanism = ("MCAR and MAR" if mcar and rate else "MAR" if rate else
                 "MCAR" if mcar else "none")
    return Simulated(out, {"missing_cells": cells, "mechanism": mechanism,
                           "settings": dict(items=items, mcar=mcar, driver=driver,
                                            rate=rate)})
