"""Read survey exports (CSV, Excel, SPSS) with Persian/Arabic digits and Likert labels.

Every cell is accounted for: numbers written with Persian (۰–۹) or Arabic-Indic (٠–٩)
digits and separators are normalised, Likert labels (English or Persian) become codes,
missing codes become missing, and anything that still cannot be read is listed cell by
cell in the import report — never turned into NaN silently.

Examples
--------
>>> import io as _io, im_research as ir
>>> from im_research.survey.io import normalize_digits
>>> normalize_digits("۱۲٫۵")
'12.5'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["read_survey", "normalize_digits", "parse_cell", "ImportReport", "LIKERT_LABELS"]

_DIGITS = {**{0x06F0 + i: str(i) for i in range(10)}, **{0x0660 + i: str(i) for i in range(10)},
           0x066B: ".", 0x066C: ",", 0x060C: ",", 0x066A: "%", 0x2212: "-"}
_TRANSLATE = str.maketrans(_DIGITS)

# Built-in Likert labels (casefolded, Persian letters unified) -> code
LIKERT_LABELS = {
    5: {"strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3,
        "agree": 4, "strongly agree": 5,
        "کاملا مخالفم": 1, "مخالفم": 2, "نظری ندارم": 3, "بی نظر": 3, "ممتنع": 3,
        "موافقم": 4, "کاملا موافقم": 5},
    7: {"strongly disagree": 1, "disagree": 2, "somewhat disagree": 3,
        "neither agree nor disagree": 4, "somewhat agree": 5, "agree": 6,
        "strongly agree": 7,
        "کاملا مخالفم": 1, "مخالفم": 2, "تا حدی مخالفم": 3, "نه موافقم نه مخالف": 4,
        "تا حدی موافقم": 5, "موافقم": 6, "کاملا موافقم": 7},
}
_NA_STRINGS = {"", "na", "n/a", "nan", "null", "none", "-", "بدون پاسخ"}


def normalize_digits(text: str) -> str:
    """Persian and Arabic-Indic digits and separators to ASCII (``۱۲٬۵۰۰`` → ``12,500``)."""
    return str(text).translate(_TRANSLATE)


def _normalize_label(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).casefold()
    t = t.replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ").replace("ً", "")
    t = t.replace("ـ", "")  # tatweel
    return re.sub(r"\s+", " ", t).strip()


def parse_cell(value, labels=None, missing_codes=()):
    """Parse one cell. Returns ``(number or NaN, status)`` with status ``"ok"``,
    ``"recoded"`` (digits or a label were converted), ``"missing"`` or ``"unreadable"``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan, "missing"
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        return (np.nan, "missing") if v in missing_codes else (v, "ok")
    raw = str(value).strip()
    if _normalize_label(raw) in _NA_STRINGS:
        return np.nan, "missing"
    text = normalize_digits(raw)
    changed = text != raw
    num = text.replace(",", "") if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text) \
        else text
    try:
        v = float(num)
        if v in missing_codes:
            return np.nan, "missing"
        return v, "recoded" if changed else "ok"
    except ValueError:
        pass
    key = _normalize_label(raw)
    if labels and key in labels:
        return float(labels[key]), "recoded"
    return np.nan, "unreadable"


@dataclass
class ImportReport:
    """What happened on import: ``rows_read``, ``source``, ``encoding``,
    ``header_rows_skipped``, ``recoded`` (cells converted from other digits or labels per
    column), ``missing`` (cells missing or missing-coded per column), ``problems`` (one row
    per unreadable cell: ``row, column, value, reason``), ``text_columns`` (kept as text),
    ``not_in_codebook`` and ``missing_from_data`` columns, ``value_labels`` (SPSS)."""

    rows_read: int
    source: str
    encoding: str | None = None
    header_rows_skipped: int = 0
    recoded: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["row", "column", "value", "reason"]))
    text_columns: list = field(default_factory=list)
    not_in_codebook: list = field(default_factory=list)
    missing_from_data: list = field(default_factory=list)
    value_labels: dict = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"read {self.rows_read} rows from {self.source}"
                 + (f" ({self.encoding})" if self.encoding else "")]
        if self.header_rows_skipped:
            lines.append(f"skipped {self.header_rows_skipped} extra header row(s) (Qualtrics)")
        n_rec = sum(self.recoded.values())
        if n_rec:
            lines.append(f"recoded {n_rec} cells (Persian/Arabic digits or Likert labels)")
        lines.append(f"missing cells: {sum(self.missing.values())}")
        if len(self.problems):
            lines.append(f"UNREADABLE cells: {len(self.problems)} (see report.problems)")
        if self.text_columns:
            lines.append(f"text columns kept as text: {self.text_columns}")
        if self.not_in_codebook:
            lines.append(f"columns not in the codebook: {self.not_in_codebook}")
        if self.missing_from_data:
            lines.append(f"codebook variables missing from the data: {self.missing_from_data}")
        return "\n".join(lines)


def _builtin_labels(column, points=None):
    """The built-in Likert map for a column: the codebook's number of points, else the
    5- or 7-point map that the column's words identify (an 'agree' alone is ambiguous:
    4 on a 5-point and 6 on a 7-point scale, so it stays unreadable)."""
    if points in LIKERT_LABELS:
        return LIKERT_LABELS[points]
    words = {_normalize_label(v) for v in column.tolist() if isinstance(v, str)}
    only5 = set(LIKERT_LABELS[5]) - set(LIKERT_LABELS[7])
    only7 = set(LIKERT_LABELS[7]) - set(LIKERT_LABELS[5])
    if words & only7 and not words & only5:
        return LIKERT_LABELS[7]
    if words & only5 and not words & only7:
        return LIKERT_LABELS[5]
    same = {k: v for k, v in LIKERT_LABELS[5].items() if LIKERT_LABELS[7].get(k) == v}
    return same


def _decode(raw: bytes, encoding):
    if encoding:
        return raw.decode(encoding), encoding
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1256"), "cp1256"  # Windows Arabic/Persian code page


def _read_csv(path, encoding):
    import io as _io

    text, enc = _decode(Path(path).read_bytes(), encoding)
    df = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False)
    skipped = 0
    # Qualtrics: row 1 holds question texts, row 2 {"ImportId": ...}; older exports have
    # only the question-text row (first cell "Response ID" under "ResponseId" or "V1")
    if len(df) >= 2 and str(df.iloc[1, 0]).startswith('{"ImportId"'):
        df = df.iloc[2:].reset_index(drop=True)
        skipped = 2
    elif (len(df) >= 1 and str(df.columns[0]).replace(" ", "").lower() in
          ("responseid", "v1") and str(df.iloc[0, 0]).replace(" ", "").lower() in
          ("responseid", "responseid.")):
        df = df.iloc[1:].reset_index(drop=True)
        skipped = 1
    return df, enc, skipped


def read_survey(path, codebook=None, sheet=0, encoding=None, missing_codes=None,
                labels=None):
    """Read a survey export and return ``(data, ImportReport)``.

    Parameters
    ----------
    path : str or Path
        ``.csv``/``.txt`` (UTF-8, UTF-8 with BOM or Windows-1256), ``.xlsx``/``.xls`` or
        ``.sav`` (SPSS, via pyreadstat: numeric codes, value labels kept in the report in
        code order).
    codebook : Codebook, optional
        Types, allowed codes, labels and missing codes per variable
        (:mod:`im_research.survey.codebook`); the data are validated against it.
    missing_codes : sequence, optional
        Codes meaning "missing" (e.g. -99, 99) for all numeric columns.
    labels : dict, optional
        ``{label: code}`` used for every column (in addition to the built-in English and
        Persian Likert labels).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    suffix = path.suffix.lower()
    enc, skipped, value_labels = None, 0, {}
    if suffix in (".csv", ".txt"):
        raw, enc, skipped = _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xls"):
        raw = pd.read_excel(path, sheet_name=sheet, dtype=object)
    elif suffix == ".sav":
        import pyreadstat
        raw, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
        value_labels = {c: dict(sorted(v.items())) for c, v in
                        meta.variable_value_labels.items()}
    else:
        raise DataError(f"cannot read {suffix!r} files; use CSV, Excel (.xlsx) or SPSS (.sav)")
    report = ImportReport(rows_read=len(raw), source=path.name, encoding=enc,
                          header_rows_skipped=skipped, value_labels=value_labels)
    missing_all = tuple(float(m) for m in (missing_codes or ()))
    cb_vars = {} if codebook is None else codebook.variables_by_name()
    out = pd.DataFrame(index=range(len(raw)))
    problems = []
    for col in raw.columns:
        spec = cb_vars.get(col)
        # a copy: codebook/user labels must not leak into the shared built-in map
        col_labels = dict(_builtin_labels(raw[col], (spec or {}).get("points")))
        if spec and spec.get("labels"):
            col_labels.update({_normalize_label(k): v for k, v in spec["labels"].items()})
        if col in value_labels:
            col_labels.update({_normalize_label(v): k for k, v in value_labels[col].items()})
        if labels:
            col_labels.update({_normalize_label(k): v for k, v in labels.items()})
        miss = missing_all + tuple(float(m) for m in (spec or {}).get("missing_codes", ()))
        if spec is not None and spec.get("type") == "text":
            out[col] = raw[col].map(lambda v: normalize_digits(v) if isinstance(v, str) else v)
            report.text_columns.append(col)
            continue
        parsed = [parse_cell(v, col_labels, miss) for v in raw[col].tolist()]
        statuses = [s for _, s in parsed]
        n_bad = statuses.count("unreadable")
        n_val = len(statuses) - statuses.count("missing")
        likert_words = set(LIKERT_LABELS[5]) | set(LIKERT_LABELS[7])
        words = [_normalize_label(v) for v in raw[col].tolist() if isinstance(v, str)]
        ambiguous = bool(words) and sum(w in likert_words for w in words) / len(words) > 0.5
        if spec is None and n_val and n_bad / n_val > 0.2 and not ambiguous:
            # mostly text (names, departments, comments): keep as text
            out[col] = raw[col].map(lambda v: normalize_digits(v) if isinstance(v, str) else v)
            report.text_columns.append(col)
            continue
        out[col] = [v for v, _ in parsed]
        report.recoded[col] = statuses.count("recoded")
        report.missing[col] = statuses.count("missing")
        for row, (v, s) in enumerate(zip(raw[col].tolist(), statuses)):
            if s == "unreadable":
                why = ("Likert label of a 5- or 7-point scale? set 'points' in the codebook"
                       if _normalize_label(v) in likert_words else
                       "not a number or a known label")
                problems.append((row, col, v, why))
    report.problems = pd.DataFrame(problems, columns=["row", "column", "value", "reason"])
    if codebook is not None:
        report.not_in_codebook = [c for c in out.columns if c not in cb_vars]
        report.missing_from_data = [c for c in cb_vars if c not in out.columns]
        bad = codebook.validate(out)
        if len(bad):
            report.problems = pd.concat([report.problems, bad], ignore_index=True)
    return out, report
