"""Scoring survey items: reverse coding and composite scores.

Examples
--------
>>> import pandas as pd
>>> from im_research.scales.scoring import reverse_code
>>> reverse_code(pd.DataFrame({"oc3": [1, 7, 4]}), {"oc3": 7})["oc3r"].tolist()
[7, 1, 4]
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError

__all__ = ["reverse_code", "composite_scores"]


def reverse_code(data: pd.DataFrame, items, suffix: str = "r") -> pd.DataFrame:
    """Return a copy of ``data`` with reverse-scored copies of ``items``.

    ``items`` maps column -> number of scale points (k); the new column ``<item><suffix>``
    is ``k + 1 - value``. Values outside 1..k raise an error naming row and column.
    """
    out = data.copy()
    for col, points in dict(items).items():
        if col not in out.columns:
            raise DataError(f"reverse_code: column {col!r} is not in the data")
        x = out[col]
        bad = x.notna() & ((x < 1) | (x > points))
        if bad.any():
            row = bad.idxmax()
            raise DataError(f"reverse_code: {col!r} has value {x[row]!r} in row {row!r}, "
                            f"outside 1..{points}; fix or mark it missing first")
        out[f"{col}{suffix}"] = points + 1 - x
    return out


def composite_scores(data: pd.DataFrame, constructs: dict, min_items: int | float = 0.5):
    """Mean score per construct; a respondent needs at least ``min_items`` answered items
    (a count, or a share of the construct's items) or the score is missing.

    ``constructs`` maps construct -> list of (already reverse-scored) item columns.
    """
    out = pd.DataFrame(index=data.index)
    for name, cols in constructs.items():
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataError(f"composite {name!r}: columns {missing} are not in the data")
        need = min_items if min_items >= 1 else max(1, int(round(min_items * len(cols))))
        answered = data[cols].notna().sum(axis=1)
        out[name] = data[cols].mean(axis=1).where(answered >= need)
    return out
