"""Persian and Arabic text in survey cells: digits, letters and labels.

Three different jobs, kept apart so that free text is never damaged:

* :func:`normalize_digits` and :func:`parse_number` work in **numeric contexts only**
  (codes, amounts, ids, dates): Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII,
  ``٫`` (U+066B) is the decimal point and ``٬`` (U+066C) the thousands separator. The
  Arabic comma ``،`` (U+060C) is punctuation and is left alone; :func:`parse_number`
  accepts it only between exact groups of three digits (``۱۲،۵۰۰``).
* :func:`normalize_text` cleans **free text** with a short documented mapping and nothing
  else: Arabic YEH ``ي`` (U+064A) and ALEF MAKSURA ``ى`` (U+0649) → Persian YEH ``ی``
  (U+06CC), Arabic KAF ``ك`` (U+0643) → Persian KEHEH ``ک`` (U+06A9) (the letters
  Windows-1256 and Arabic keyboards write), line breaks ``\\r\\n``/``\\r`` → ``\\n``, and
  leading/trailing whitespace trimmed. Digits, punctuation (``،`` ``؛`` ``؟``), ZWNJ
  (U+200C), diacritics and everything else are kept.
* :func:`label_key` is for **matching** labels only (never stored): it also folds case,
  Unicode compatibility forms, tanween and other harakat, tatweel and ZWNJ-vs-space.

Examples
--------
>>> from im_research.survey.text import normalize_digits, normalize_text, parse_number
>>> normalize_digits("۱۲٬۵۰۰ و ٣٫٥")
'12,500 و 3.5'
>>> parse_number("٣٫٥")
3.5
>>> normalize_text(" علي، كارمند نمونه\\u200cای ")
'علی، کارمند نمونه\\u200cای'
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = ["LETTER_MAP", "NA_TOKENS", "normalize_digits", "normalize_text", "label_key",
           "parse_number", "is_na_token"]

#: The only letters :func:`normalize_text` changes (Arabic → Persian).
LETTER_MAP = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"}

_DIGIT_MAP = {**{0x06F0 + i: str(i) for i in range(10)},
              **{0x0660 + i: str(i) for i in range(10)},
              0x066B: ".", 0x066C: ",", 0x066A: "%", 0x2212: "-"}
_DIGITS = str.maketrans(_DIGIT_MAP)
_LETTERS = str.maketrans(LETTER_MAP)
# tanween, harakat, superscript alef and tatweel: ignored when matching labels
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", re.ASCII)
_GROUPED = re.compile(r"[-+]?\d{1,3}([,،]\d{3})+(\.\d+)?", re.ASCII)

#: Cell texts that mean "no answer" in every column type (compared by :func:`label_key`).
NA_TOKENS = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "-", "بدون پاسخ"})


def normalize_digits(text: str) -> str:
    """Persian and Arabic-Indic digits, ``٫`` and ``٬`` to ASCII (``۱۲٬۵۰۰`` → ``12,500``).

    Meant for numeric contexts; the Arabic comma ``،`` is punctuation and is kept.

    Examples
    --------
    >>> normalize_digits("٣٫٥، ۴")
    '3.5، 4'
    """
    return str(text).translate(_DIGITS)


def normalize_text(text: str) -> str:
    """Free text with Arabic YEH/KAF made Persian, line breaks unified, ends trimmed.

    Nothing else changes (see :data:`LETTER_MAP`): digits, ``،``, ZWNJ and diacritics stay.

    Examples
    --------
    >>> normalize_text("كيفيت خوب بود،\\r\\nممنون ")
    'کیفیت خوب بود،\\nممنون'
    """
    return str(text).translate(_LETTERS).replace("\r\n", "\n").replace("\r", "\n").strip()


@lru_cache(maxsize=1 << 16)  # survey columns repeat a few labels many times
def label_key(text) -> str:
    """The matching key of a label: case, digits, letters, diacritics and spacing folded.

    Examples
    --------
    >>> label_key("كاملاً  موافقم") == label_key("کاملا موافقم")
    True
    """
    t = unicodedata.normalize("NFKC", str(text)).translate(_DIGITS).translate(_LETTERS)
    t = _MARKS.sub("", t.casefold()).replace("\u200c", " ")
    return " ".join(t.split())


def is_na_token(text) -> bool:
    """True for an empty cell or a "no answer" token such as ``n/a`` (any case)."""
    return label_key(text) in NA_TOKENS


def parse_number(text) -> float | None:
    """The number written in ``text`` (any digit script), or None if it is not one.

    Accepts an optional sign, a decimal point (``.`` or ``٫``), an exponent and thousands
    separators (``,``, ``٬`` or ``،``) only between exact groups of three digits. Words
    such as ``nan`` or ``inf`` are not numbers here.

    Examples
    --------
    >>> parse_number("۱۲،۵۰۰"), parse_number("-٣٫٥"), parse_number("nan")
    (12500.0, -3.5, None)
    """
    t = normalize_digits(text).strip()
    if _GROUPED.fullmatch(t):
        t = t.replace(",", "").replace("،", "")
    elif not _NUMBER.fullmatch(t):
        return None
    value = float(t)
    return value if math.isfinite(value) else None  # "1e999" is not a survey answer
