"""Solar Hijri (Jalali) dates, as Iranian survey platforms and forms write them.

Years 1300–1499 (CE 1921–2121). Leap years follow the 33-year arithmetic rule (a year is
leap when ``year % 33`` is 1, 5, 9, 13, 17, 22, 26 or 30); days are counted from
1 Farvardin 1403 = 20 March 2024. The tests check Nowruz 1399–1405 and
22 Bahman 1357 = 11 February 1979.

Examples
--------
>>> from im_research.survey.jalali import parse_jalali, to_gregorian
>>> to_gregorian(1404, 1, 1)
datetime.date(2025, 3, 21)
>>> parse_jalali("۱۴۰۴/۱۲/۱۰ ۰۹:۳۰")
datetime.datetime(2026, 3, 1, 9, 30)
"""

from __future__ import annotations

import datetime as _dt
import re

from .text import normalize_digits

__all__ = ["is_leap", "to_gregorian", "parse_jalali"]

_ANCHOR_YEAR, _ANCHOR = 1403, _dt.date(2024, 3, 20)
_LEAP = frozenset({1, 5, 9, 13, 17, 22, 26, 30})
_YEARS = range(1300, 1500)
_PATTERN = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})"
                      r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII)


def is_leap(year: int) -> bool:
    """True when Esfand of ``year`` has 30 days."""
    return year % 33 in _LEAP


def _year_days(year):
    return 366 if is_leap(year) else 365


def to_gregorian(year: int, month: int, day: int) -> _dt.date:
    """The Gregorian date of a Jalali date; ValueError for a date that does not exist."""
    if year not in _YEARS:
        raise ValueError(f"Jalali year {year} is outside {_YEARS.start}..{_YEARS.stop - 1}")
    length = 31 if month <= 6 else 30 if month <= 11 else 29 + is_leap(year)
    if not 1 <= month <= 12 or not 1 <= day <= length:
        raise ValueError(f"{year}/{month}/{day} is not a Jalali date")
    if year >= _ANCHOR_YEAR:
        days = sum(_year_days(y) for y in range(_ANCHOR_YEAR, year))
    else:
        days = -sum(_year_days(y) for y in range(year, _ANCHOR_YEAR))
    days += (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    return _ANCHOR + _dt.timedelta(days=days + day - 1)


def parse_jalali(text: str) -> _dt.datetime:
    """``YYYY/MM/DD[ HH:MM[:SS]]`` (``/`` or ``-``, any digit script) → datetime;
    ValueError otherwise."""
    m = _PATTERN.fullmatch(" ".join(normalize_digits(text).split()))
    if not m:
        raise ValueError(f"{text!r} is not a Jalali date YYYY/MM/DD[ HH:MM[:SS]]")
    y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
    return _dt.datetime.combine(to_gregorian(y, mo, d), _dt.time(hh, mm, ss))
