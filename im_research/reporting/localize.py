"""Tables for reading in Persian: translated labels, Persian digits, right to left.

:func:`localize` turns any table of :mod:`~im_research.reporting.report` (or another
DataFrame) into a display for a Persian reader. Numbers are written as the analysis report
writes them (:mod:`~im_research.reporting.analysis`: Persian digits, the decimal separator
``٫`` and a leading zero, ``۰٫۶۳۹``); column names, index labels and text cells are
translated through the caller's ``labels`` and then through the words below.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd

from ..errors import ArgumentError
from ..validation import show

__all__ = ["localize", "format_number", "COLUMN_LABELS"]

#: Persian names of the columns the report tables use (``labels=`` overrides them).
COLUMN_LABELS = {"fa": {
    "model": "مدل", "chisq": "χ²", "df": "درجهٔ آزادی", "pvalue": "p", "cfi": "CFI",
    "tli": "TLI", "rmsea": "RMSEA", "rmsea_ci_lower": "کران پایین RMSEA",
    "rmsea_ci_upper": "کران بالای RMSEA", "srmr": "SRMR", "factor": "سازه", "item": "گویه",
    "std_all": "برآورد استانداردشده", "item_rest_r": "همبستگی گویه با بقیه",
    "n_items": "تعداد گویه", "alpha": "α", "omega": "ω", "cr": "CR", "ave": "AVE",
    "sqrt_ave": "جذر AVE", "cr_ok": "CR کافی", "ave_ok": "AVE کافی",
    "loadings_ok": "بارهای کافی", "lhs": "پیامد", "op": "عملگر", "rhs": "پیشایند",
    "est": "برآورد", "se": "خطای معیار", "z": "z", "ci_lower": "کران پایین ۹۵٪",
    "ci_upper": "کران بالای ۹۵٪", "sig": "معناداری", "delta_chisq": "Δχ²",
    "delta_df": "Δdf", "x": "از", "y": "به", "kind": "نوع", "path": "مسیر",
    "indirect": "غیرمستقیم", "total_indirect": "کل غیرمستقیم", "total": "کل",
    "std_all_true": "مقدار واقعی", "difference": "تفاوت", "count": "تعداد",
    "mean": "میانگین", "std": "انحراف معیار", "min": "کمینه", "max": "بیشینه",
    "25%": "چارک اول", "50%": "میانه", "75%": "چارک سوم", "R²": "R²"},
}
_WORDS = {"fa": {True: "بله", False: "خیر"}}


def _check_lang(lang):
    if lang not in COLUMN_LABELS:
        raise ArgumentError(f"lang={show(lang)}: tables are localized to "
                            f"{sorted(COLUMN_LABELS)}")


def format_number(value, lang: str = "fa", digits: int = 2) -> str:
    """``value`` with ``digits`` decimals as the Persian report writes it (for
    ``path_diagram(..., number=...)`` and prose).

    Examples
    --------
    >>> from im_research.reporting.localize import format_number
    >>> format_number(0.639), format_number(-0.04, digits=3)
    ('۰٫۶۴', '−۰٫۰۴۰')
    """
    from .analysis import _num

    _check_lang(lang)
    if value is not None and not (isinstance(value, Real) and not isinstance(value, bool)):
        raise ArgumentError(f"value={show(value)} must be a number (a missing one, None or "
                            "NaN, is written as –)")
    return _num(value, lang, digits)


def localize(table: pd.DataFrame, lang: str = "fa", labels=None, digits: int = 3,
             na_rep: str = "–"):
    """``table`` for display in Persian: a right-to-left ``Styler`` of text cells, set
    against the right margin.

    Numbers get ``digits`` decimals (integers none) in Persian digits; booleans become
    بله/خیر; column names, index labels and text cells found in ``labels`` (a dict, e.g.
    ``{"im": "بازاریابی داخلی"}``) or in :data:`COLUMN_LABELS` are translated, other text
    (item codes, operators) is kept. A default 0, 1, ... index is hidden. The translated
    DataFrame is the Styler's ``.data``.

    Parameters
    ----------
    table : DataFrame
    lang : str
        ``"fa"`` (the only language besides the tables' own English).
    labels : dict, optional
        Translations of variable names and other text, ``{text: Persian}``.
    digits : int
        Decimals of non-integer numbers.
    na_rep : str
        What a missing number shows (e.g. ``""`` for the empty half of a correlation
        table).

    Examples
    --------
    >>> import pandas as pd
    >>> from im_research.reporting.localize import localize
    >>> t = localize(pd.DataFrame({"factor": ["im"], "alpha": [0.826]}),
    ...              labels={"im": "بازاریابی داخلی"})
    >>> t.data.to_dict("records")
    [{'سازه': 'بازاریابی داخلی', 'α': '۰٫۸۲۶'}]
    """
    from .analysis import _int, _num  # the analysis report's number format

    _check_lang(lang)
    if not isinstance(table, pd.DataFrame):
        raise ArgumentError(f"table must be a DataFrame, got {type(table).__name__}")
    if labels is not None and not isinstance(labels, dict):
        raise ArgumentError(f"labels must be a dict {{text: translation}}, got "
                            f"{type(labels).__name__}")
    words = {**COLUMN_LABELS[lang], **(labels or {})}

    def cell(v):
        if isinstance(v, (bool, np.bool_)):
            return _WORDS[lang][bool(v)]
        if isinstance(v, (int, np.integer)):
            return _int(v, lang)
        if isinstance(v, (float, np.floating)):
            return na_rep if np.isnan(v) else _num(v, lang, digits)
        return words.get(v, v) if isinstance(v, str) else v

    out = table.apply(lambda col: col.map(cell)) if len(table.columns) else table.copy()
    out.columns = [words.get(c, c) if isinstance(c, str) else c for c in table.columns]
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.start == 0
    out.index = [words.get(i, i) if isinstance(i, str) else i for i in table.index]
    if table.index.name is not None:
        out.index.name = words.get(table.index.name, table.index.name)
    # right to left, and set against the right margin of the output area
    styler = out.style.set_table_attributes(f'dir="rtl" lang="{lang}"').set_table_styles(
        [{"selector": "", "props": [("margin-left", "auto"), ("margin-right", "0")]}])
    return styler.hide(axis="index") if default_index else styler
