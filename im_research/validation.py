"""Argument checks shared by the public entry points.

Each check returns the argument in its canonical form or raises the package's own error
(:class:`~im_research.errors.ArgumentError` for arguments, :class:`~im_research.errors.DataError`
for data) naming the argument, the value given and what to pass instead. A string where
a sequence of names is expected is taken as one name, never split into letters.

Examples
--------
>>> from im_research.validation import as_names, as_count
>>> as_names("loadings", "group_equal")
['loadings']
>>> as_count(1e3, "n_boot", minimum=2)
1000
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd

from .errors import ArgumentError, DataError

__all__ = ["show", "as_names", "as_count", "as_seed", "seed_sequence", "as_number", "as_bool",
           "as_frame", "as_vector", "require_columns", "numeric_block", "check_fitted"]


def show(value, limit: int = 60) -> str:
    """``repr`` of a value, shortened for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def as_names(value, arg: str, *, allowed=None, error=ArgumentError) -> list[str]:
    """A list of names from a name, a sequence of names or None (→ ``[]``).

    ``allowed`` (optional) lists the valid names; others are refused with the choices.
    """
    if value is None:
        return []
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise error(f"{arg}={show(value)}: expected a name or a list of names "
                    f"(e.g. {arg}=['a', 'b']), got {type(value).__name__}")
    else:
        items = list(value)
    for v in items:
        if not isinstance(v, str) or not v.strip():
            raise error(f"{arg}={show(value)}: every entry must be a non-empty name (text); "
                        f"{show(v)} is not")
    if allowed is not None:
        unknown = [v for v in items if v not in allowed]
        if unknown:
            raise error(f"{arg}={show(value)}: {show(unknown)} not known; choose from "
                        f"{list(allowed)}")
    return items


def as_count(value, arg: str, *, minimum: int = 0, maximum: int | None = None,
             error=ArgumentError, hint: str = "") -> int:
    """A whole number ``>= minimum`` (an integral float such as ``1e3`` is accepted;
    ``2.5``, ``True`` and text are refused, never truncated)."""
    ok = False
    if isinstance(value, (bool, np.bool_)):
        ok = False
    elif isinstance(value, Integral):
        ok = True
    elif isinstance(value, Real) and np.isfinite(value) and float(value).is_integer():
        ok = True
    if not ok:
        raise error(f"{arg}={show(value)} must be a whole number"
                    + (f" of at least {minimum}" if minimum is not None else "")
                    + (f"; {hint}" if hint else ""))
    n = int(value)
    if minimum is not None and n < minimum:
        raise error(f"{arg}={n} must be at least {minimum}" + (f"; {hint}" if hint else ""))
    if maximum is not None and n > maximum:
        raise error(f"{arg}={n} must be at most {maximum}" + (f"; {hint}" if hint else ""))
    return n


def as_seed(value, arg: str = "seed", *, required: bool = True, error=ArgumentError):
    """A seed for ``numpy.random``: a non-negative int, a sequence of them, a
    ``SeedSequence`` or a ``Generator`` (returned as given)."""
    if value is None:
        if required:
            raise error(f"{arg}= is required (a non-negative int such as {arg}=1) so that "
                        "the result can be reproduced")
        return None
    if isinstance(value, (np.random.Generator, np.random.SeedSequence)):
        return value
    entries = list(value) if isinstance(value, (list, tuple)) and value else [value]
    for v in entries:
        if (isinstance(v, (bool, np.bool_)) or not isinstance(v, Integral)) or v < 0:
            raise error(f"{arg}={show(value)}: a seed is a non-negative whole number (e.g. "
                        f"{arg}=1), a list of them or a numpy.random.Generator")
    return [int(v) for v in entries] if isinstance(value, (list, tuple)) else int(value)


def seed_sequence(seed, arg: str = "seed") -> np.random.SeedSequence:
    """A ``SeedSequence`` whose ``spawn()`` gives per-draw streams: from an int (or a list
    of ints), a ``SeedSequence``, or a ``Generator`` (one 63-bit draw from it)."""
    seed = as_seed(seed, arg)
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2 ** 63)))
    return np.random.SeedSequence(seed)


def as_number(value, arg: str, *, low=None, high=None, low_open=True, high_open=True,
              error=ArgumentError) -> float:
    """A finite real number within ``low``/``high`` (open bounds by default)."""
    try:
        x = float(value) if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)) \
            else np.nan
    except OverflowError:  # an int beyond the float range
        x = np.inf
    if not np.isfinite(x):
        raise error(f"{arg}={show(value)} must be a finite number")
    below = low is not None and (x <= low if low_open else x < low)
    above = high is not None and (x >= high if high_open else x > high)
    if below or above:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high}"
        raise error(f"{arg}={show(value)} must be {' and '.join(t for t in (lo, hi) if t)}")
    return x


def as_bool(value, arg: str, *, error=ArgumentError) -> bool:
    """``True`` or ``False`` (text such as ``"no"`` is refused: it would count as true)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise error(f"{arg}={show(value)} must be True or False")


def as_frame(value, arg: str = "data") -> pd.DataFrame:
    """A pandas DataFrame with at least one row."""
    if not isinstance(value, pd.DataFrame):
        raise DataError(f"{arg}= must be a pandas DataFrame (one row per respondent), got "
                        f"{type(value).__name__}; read files with im_research.io.read_survey"
                        " or pandas.read_csv")
    if len(value) == 0:
        raise DataError(f"{arg}= has no rows")
    return value


def as_vector(value, arg: str, *, length: int | None = None, names=None,
              error=ArgumentError) -> np.ndarray:
    """A 1-D array of finite floats, of ``length`` when given (``names`` describe the
    expected entries in the message)."""
    try:
        x = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise error(f"{arg}={show(value)} must be a sequence of numbers") from None
    if x.ndim != 1:
        raise error(f"{arg}= must be one-dimensional, got shape {x.shape}")
    if length is not None and len(x) != length:
        expect = f" ({', '.join(map(str, names))})" if names is not None else ""
        raise error(f"{arg}= has {len(x)} values but {length} are needed{expect}")
    bad = np.flatnonzero(~np.isfinite(x))
    if len(bad):
        where = names[bad[0]] if names is not None else f"position {bad[0]}"
        raise error(f"{arg}= has a non-finite value ({x[bad[0]]}) for {where}")
    return x


def require_columns(data: pd.DataFrame, cols, arg: str = "data", what: str = "columns"):
    """Refuse names that are not columns of ``data`` (with close matches suggested)."""
    import difflib

    missing = [c for c in cols if c not in data.columns]
    if missing:
        hints = []
        for c in missing:
            close = difflib.get_close_matches(str(c), [str(k) for k in data.columns], n=2)
            hints.append(f"{c!r}" + (f" (did you mean {', '.join(map(repr, close))}?)"
                                     if close else ""))
        noun = what if len(missing) > 1 else what.rstrip("s")
        raise DataError(f"{noun} {', '.join(hints)} not in the data ({arg}= has columns "
                        f"{show(list(data.columns), 120)})")


def numeric_block(data: pd.DataFrame, cols, where: str) -> np.ndarray:
    """``data[cols]`` as floats; a text cell or an infinite value is refused, naming the
    column, the row and the value (text is never coerced to missing)."""
    for c in cols:
        col = data[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            num = pd.to_numeric(col, errors="coerce")
            bad = col[num.isna() & col.notna()]
            example = f" (e.g. {bad.iloc[0]!r} in row {bad.index[0]!r})" if len(bad) else ""
            raise DataError(f"{where}: column {c!r} is not numeric{example}; recode it to "
                            "numbers first (im_research.io.read_survey maps Likert labels)")
    x = data[list(cols)].to_numpy(dtype=float)
    inf = np.isinf(x)
    if inf.any():
        r, j = np.argwhere(inf)[0]
        raise DataError(f"{where}: column {cols[j]!r} has an infinite value in row "
                        f"{data.index[r]!r}; replace it with a number or NaN (missing)")
    return x


def check_fitted(value, arg: str = "fit", what: str = "this function"):
    """Refuse anything that is not a fitted result (e.g. a model string)."""
    if isinstance(value, str):
        raise ArgumentError(f"{arg}= got a model string; {what} needs a fitted result: "
                            f"res = im_research.fit(model, data=...), then pass res")
    if not (hasattr(value, "theta") and hasattr(value, "partable")):
        raise ArgumentError(f"{arg}={show(value)}: {what} needs a fitted result from "
                            "im_research.fit(...), got " + type(value).__name__)
