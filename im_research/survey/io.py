"""Read survey exports (CSV, Excel, SPSS) into one representation, with a truthful report.

The file type is sniffed from the bytes (a ``.sav`` or ``.xlsx`` renamed ``.csv`` is read
for what it is, and the report says so); text files are decoded as UTF-8 (with or without
BOM), UTF-16 (BOM) or Windows-1256, and a file that mixes UTF-8 and Windows-1256 lines is
refused. With a :class:`~im_research.survey.codebook.Codebook` every variable comes out in
one representation whatever the export:

==================================  =========================================================
codebook type                       column
==================================  =========================================================
numeric, likert, ordinal            ``float64`` codes; missing and user-missing → NaN
category                            pandas ``Categorical``, categories in code order
text                                ``str`` (letters normalised, see
                                    :mod:`im_research.survey.text`; digits and ``،`` kept)
date                                ``datetime64[us]`` (ISO text, a codebook ``format``,
                                    or Jalali dates with ``format: jalali``)
id                                  ``str`` (``1001.0`` from SPSS/Excel → ``"1001"``)
==================================  =========================================================

Nothing is dropped or turned into NaN silently: blank rows (by row number), header rows,
user-missing codes and labels per variable, numbers stored as text, cells changed by text
normalisation, unmapped labels, duplicate ids and platform metadata columns are all in the
:class:`ImportReport`.

Examples
--------
>>> import pathlib, tempfile
>>> from im_research.survey.io import read_survey
>>> from im_research.survey.codebook import Codebook
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
>>> _ = p.write_text("id,q1\\n۱,كاملاً موافقم\\n2,99\\n", encoding="utf-8")
>>> cb = Codebook("demo", [{"name": "id", "type": "id"},
...                        {"name": "q1", "type": "likert", "points": 5}], missing_codes=[99])
>>> data, report = read_survey(p, codebook=cb)
>>> data["q1"].tolist(), report.user_missing
([5.0, nan], {'q1': {99: 1}})
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as _io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..scales import RESPONSE_LABELS
from .codebook import Codebook
from .jalali import parse_jalali
from .profiles import get_profile
from .text import is_na_token, label_key, normalize_digits, normalize_text, parse_number

__all__ = ["read_survey", "normalize_digits", "parse_cell", "sniff_file_type", "ImportReport",
           "LIKERT_LABELS"]

# Built-in Likert words (matched by label_key) -> code, used only when the scale points
# are declared (codebook ``points`` or ``read_survey(points=)``): never guessed.
LIKERT_LABELS = {
    n: {**{label_key(t): i for lang in ("en", "fa")
           for i, t in enumerate(RESPONSE_LABELS[f"agree{n}"][lang], start=1)}, **extra}
    for n, extra in ((5, {"neither agree nor disagree": 3, "بی نظر": 3, "ممتنع": 3}), (7, {}))}
_LIKERT_WORDS = set(LIKERT_LABELS[5]) | set(LIKERT_LABELS[7])
_ISO_DATES = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
              "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
_TEXT_DTYPE = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
_DATE_DTYPE = "datetime64[us]"
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat")
_TYPED_SUFFIXES = {"sav": (".sav", ".zsav"), "xlsx": (".xlsx", ".xlsm")}


@dataclass
class ImportReport:
    """What happened on import.

    Attributes
    ----------
    rows_read : int
        Respondent rows in the returned data (blank and header rows excluded).
    source, file_type, file_type_note : str
        File name, the type found in its bytes (``csv``, ``xlsx``, ``sav``) and a note
        when that differs from the file name's suffix.
    encoding, delimiter : str or None
        Text encoding detected (or the SPSS file's) and the CSV delimiter.
    profile : str or None
        The export profile used.
    header_rows_skipped : int
        Qualtrics extra header rows (2, or 1 in legacy exports).
    blank_rows : list of int
        Row numbers (the header is row 1, as a spreadsheet shows them) of skipped blank rows.
    recoded : dict
        Cells per column converted from Persian/Arabic digits, labels or value maps.
    text_numbers : dict
        Cells per column that an Excel/SPSS file stored as text and that were read as
        numbers.
    normalized : dict
        Cells per text/id/category column changed by text normalisation (Arabic letters,
        line breaks, surrounding spaces).
    missing : dict
        Missing cells per column, user-missing included.
    user_missing : dict
        ``{column: {code or label: count}}``: answers declared missing (codebook
        ``missing_codes``/``missing_labels`` or the SPSS file's user-missing values), as
        distinct from empty (system-missing) cells.
    duplicate_ids : dict
        ``{id: [row numbers]}`` for every id occurring more than once.
    problems : DataFrame
        One row per unreadable or out-of-range cell: ``row`` (data index), ``column``,
        ``value``, ``reason``, ``source_row`` (row number in the file).
    text_columns, metadata_columns, not_in_codebook, missing_from_data : list
        Columns kept as text (no codebook), platform metadata columns, other columns not in
        the codebook, codebook variables absent from the file.
    renamed : dict
        ``{export column: study name}``.
    value_labels : dict
        SPSS value labels per column, in code order.
    declared_missing : dict
        SPSS user-missing ranges declared in the file, ``{column: [(low, high), ...]}``.
    """

    rows_read: int
    source: str
    encoding: str | None = None
    header_rows_skipped: int = 0
    recoded: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["row", "column", "value", "reason", "source_row"]))
    text_columns: list = field(default_factory=list)
    not_in_codebook: list = field(default_factory=list)
    missing_from_data: list = field(default_factory=list)
    value_labels: dict = field(default_factory=dict)
    file_type: str = ""
    file_type_note: str | None = None
    delimiter: str | None = None
    profile: str | None = None
    blank_rows: list = field(default_factory=list)
    text_numbers: dict = field(default_factory=dict)
    normalized: dict = field(default_factory=dict)
    user_missing: dict = field(default_factory=dict)
    duplicate_ids: dict = field(default_factory=dict)
    metadata_columns: list = field(default_factory=list)
    renamed: dict = field(default_factory=dict)
    declared_missing: dict = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"read {self.rows_read} rows from {self.source} ({self.file_type}"
                 + (f", {self.encoding}" if self.encoding else "") + ")"]
        if self.file_type_note:
            lines.append(self.file_type_note)
        if self.declared_missing:
            lines.append(f"user-missing values declared in the file: {self.declared_missing}")
        if self.profile:
            lines.append(f"export profile: {self.profile}")
        if self.header_rows_skipped:
            lines.append(f"skipped {self.header_rows_skipped} extra header row(s) (Qualtrics)")
        if self.blank_rows:
            lines.append(f"skipped {len(self.blank_rows)} blank row(s): rows {self.blank_rows}")
        if self.renamed:
            lines.append(f"columns renamed from the export: {self.renamed}")
        n_rec = sum(self.recoded.values())
        if n_rec:
            lines.append(f"recoded {n_rec} cells (Persian/Arabic digits, labels, value maps)")
        if sum(self.text_numbers.values()):
            lines.append("numbers stored as text, converted: "
                         f"{ {c: n for c, n in self.text_numbers.items() if n} }")
        if sum(self.normalized.values()):
            lines.append("text cells normalised (Arabic YEH/KAF, line breaks, spaces): "
                         f"{ {c: n for c, n in self.normalized.items() if n} }")
        n_user = sum(sum(v.values()) for v in self.user_missing.values())
        lines.append(f"missing cells: {sum(self.missing.values())}"
                     + (f", of which {n_user} user-missing (declared 'no answer'): "
                        f"{self.user_missing}" if n_user else ""))
        if self.duplicate_ids:
            lines.append(f"DUPLICATE ids (rows): {self.duplicate_ids}")
        if len(self.problems):
            lines.append(f"UNREADABLE or out-of-range cells: {len(self.problems)} "
                         "(see report.problems)")
        if self.text_columns:
            lines.append(f"text columns kept as text: {self.text_columns}")
        if self.metadata_columns:
            lines.append(f"platform metadata columns left out: {self.metadata_columns}")
        if self.not_in_codebook:
            lines.append(f"columns not in the codebook: {self.not_in_codebook}")
        if self.missing_from_data:
            lines.append(f"codebook variables missing from the data: {self.missing_from_data}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- cells
# A converted cell is (value, status, detail[, stored-as-text number]); status is "ok",
# "recoded" (digits, labels, value maps), "normalized" (text cleaned), "missing", "user"
# (user-missing; detail = code or label) or "bad" (detail = reason).

def _is_empty(cell) -> bool:
    if cell is None or cell is pd.NaT:
        return True
    return isinstance(cell, float) and math.isnan(cell)


def _is_number(cell) -> bool:
    return isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(
        cell, (bool, np.bool_))


def _is_datetime(cell) -> bool:
    return isinstance(cell, (_dt.date, np.datetime64))


class _Missing:
    """Declared user-missing codes (and SPSS ranges) and labels of one column."""

    def __init__(self, codes=(), ranges=(), labels=()):
        self.codes = {float(c) for c in codes}
        self.ranges = list(ranges)
        self.labels = {label_key(t): t for t in labels}

    def code(self, v):
        if v in self.codes or any(lo <= v <= hi for lo, hi in self.ranges):
            return int(v) if float(v).is_integer() else v
        return None


def _word_reason(key):
    if key in _LIKERT_WORDS:
        return ("a Likert label, but the scale points are unknown: set 'points' in the "
                "codebook (or give its 'labels')")
    return "not a number or a known label"


def _number_cell(cell, labels, miss, typed):
    """A numeric/likert/ordinal cell; the 4th element flags a number stored as text."""
    if _is_empty(cell):
        return np.nan, "missing", None, False
    if _is_number(cell):
        v = float(cell)
        code = miss.code(v)
        return (np.nan, "user", code, False) if code is not None else (v, "ok", None, False)
    if not isinstance(cell, str):
        return np.nan, "bad", f"a {type(cell).__name__} value in a numeric column", False
    if is_na_token(cell):
        return np.nan, "missing", None, False
    key = label_key(cell)
    if key in miss.labels:
        return np.nan, "user", miss.labels[key], False
    v = parse_number(cell)
    if v is not None:
        code = miss.code(v)
        if code is not None:
            return np.nan, "user", code, typed
        return v, ("recoded" if normalize_digits(cell) != cell else "ok"), None, typed
    if key in labels:
        code = labels[key]
        if miss.code(float(code)) is not None:
            return np.nan, "user", miss.code(float(code)), False
        return float(code), "recoded", None, False
    return np.nan, "bad", _word_reason(key), False


def parse_cell(value, labels=None, missing_codes=()):
    """Parse one cell: ``(number or NaN, status)`` with status ``"ok"``, ``"recoded"``
    (digits or a label were converted), ``"missing"`` (empty, ``n/a`` or a missing code) or
    ``"unreadable"``.

    Examples
    --------
    >>> parse_cell("۵"), parse_cell("Agree", LIKERT_LABELS[5])
    ((5.0, 'recoded'), (4.0, 'recoded'))
    """
    keyed = {label_key(k): v for k, v in (labels or {}).items()}
    v, status, _, _ = _number_cell(value, keyed, _Missing(missing_codes), False)
    return v, {"user": "missing", "bad": "unreadable"}.get(status, status)


def _text_cell(cell, as_id=False):
    """A text or id cell: status "normalized" when normalize_text changed it, "recoded"
    when an id's digits were converted."""
    if _is_empty(cell):
        return np.nan, "missing", None
    if _is_number(cell):
        v = float(cell)
        return (str(int(v)) if v.is_integer() else repr(v)), "ok", None
    if _is_datetime(cell):
        return pd.Timestamp(cell).isoformat(sep=" "), "ok", None
    if not isinstance(cell, str):
        return str(cell), "ok", None
    if is_na_token(cell):
        return np.nan, "missing", None
    t = normalize_text(cell)
    status = "normalized" if t != cell else "ok"
    if as_id and normalize_digits(t) != t:
        t, status = normalize_digits(t), "recoded"
    return t, status, None


def _date_cell(cell, formats):
    if _is_empty(cell):
        return pd.NaT, "missing", None
    if _is_datetime(cell):
        ts = pd.Timestamp(cell)
        return (ts.tz_convert(None) if ts.tzinfo else ts), "ok", None
    if not isinstance(cell, str):
        return pd.NaT, "bad", (f"a {type(cell).__name__} in a date column (store dates as "
                               "dates or ISO text)")
    if is_na_token(cell):
        return pd.NaT, "missing", None
    text = " ".join(normalize_digits(cell).split())
    for fmt in formats:
        try:
            ts = pd.Timestamp(parse_jalali(text) if fmt == "jalali"
                              else _dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
        return ts, ("recoded" if text != cell else "ok"), None
    want = (f"the format {formats[0]!r}" if len(formats) == 1 else
            "an ISO date (YYYY-MM-DD[ HH:MM[:SS]]); give the variable a 'format'")
    return pd.NaT, "bad", f"not a date in {want}"


class _CategoryMap:
    def __init__(self, spec, value_labels):
        values = spec.get("values")
        if values is None and value_labels:  # the SPSS file's own labels
            values = {int(c) if float(c).is_integer() else c: str(lab)
                      for c, lab in value_labels.items()}
        self.values = values
        self.names = {label_key(n): n for n in (values or {}).values()}
        self.map = {label_key(t): (values[c] if not isinstance(c, str) else c)
                    for t, c in spec.get("value_map", {}).items()}

    def cell(self, cell, miss, typed):
        """(category, status, detail, stored-as-text number)."""
        if _is_empty(cell):
            return np.nan, "missing", None, False
        if isinstance(cell, str):
            if is_na_token(cell):
                return np.nan, "missing", None, False
            key = label_key(cell)
            if key in miss.labels:
                return np.nan, "user", miss.labels[key], False
            if key in self.map:
                return self.map[key], "recoded", None, False
            if self.values is None:
                t = normalize_text(cell)
                return t, ("normalized" if t != cell else "ok"), None, False
            if key in self.names:
                name = self.names[key]
                return name, ("recoded" if name != cell else "ok"), None, False
            num = parse_number(cell)
            if num is None:
                return np.nan, "bad", (f"not one of the categories {list(self.values.values())}"
                                       " or a value_map text"), False
            status = "recoded" if normalize_digits(cell) != cell else "ok"
            text_number = typed
        elif _is_number(cell):
            num, status, text_number = float(cell), "ok", False
        else:
            return np.nan, "bad", f"a {type(cell).__name__} in a category column", False
        code = miss.code(num)
        if code is not None:
            return np.nan, "user", code, text_number
        code = int(num) if num.is_integer() else num
        if self.values is None:  # no declared codes: the category is the code as text
            return str(code), status, None, text_number
        if code not in self.values:
            return np.nan, "bad", (f"code {code} is not one of the codes "
                                   f"{list(self.values)}"), text_number
        return self.values[code], status, None, text_number

    def categories(self, observed):
        if self.values is not None:
            return list(self.values.values())
        return sorted({v for v in observed if isinstance(v, str)})


# --------------------------------------------------------------------------- files

def sniff_file_type(raw: bytes) -> str:
    """The file type from its first bytes: ``"sav"``, ``"xlsx"``, ``"xls"``, ``"zip"``
    (another archive) or ``"text"``.

    Examples
    --------
    >>> sniff_file_type(b"$FL2@(#) SPSS DATA FILE"), sniff_file_type(b"id,q1\\n")
    ('sav', 'text')
    """
    if raw[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(_io.BytesIO(raw)) as zf:
                names = zf.namelist()
        except Exception:  # noqa: BLE001 - any damage means "not a workbook we can open"
            return "zip"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    return "text"


def _line_of(raw: bytes, pos: int) -> int:
    return raw.count(b"\n", 0, pos) + 1


def _decode(raw: bytes, encoding, name):
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            where = f" (line {_line_of(raw, e.start)})" if isinstance(
                e, UnicodeDecodeError) else ""
            raise DataError(f"{name} cannot be decoded as encoding={encoding!r}{where}: "
                            f"{e}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise DataError(f"{name}: starts as UTF-16 but is not: {e}") from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8"), ("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        pass
    utf8, other = [], []
    for i, line in enumerate(body.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.append(i)
        except UnicodeDecodeError:
            other.append(i)
    if utf8 or bom:
        raise DataError(
            f"{name} mixes encodings: line(s) {utf8[:10] or ['BOM']} are UTF-8 and line(s) "
            f"{other[:10]} are not (Windows-1256?). Re-save the whole file in one encoding "
            "(UTF-8), or pass encoding= if you know it.")
    return body.decode("cp1256"), "cp1256"  # Windows Arabic/Persian code page


def _delimiter(text: str) -> str:
    counts, quoted = dict.fromkeys(",\t;", 0), False
    for ch in text.split("\n", 1)[0]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class _Table:
    """Header + rows of cells + the file row number of each row."""

    def __init__(self, header, rows, numbers, typed):
        self.header, self.rows, self.numbers, self.typed = header, rows, numbers, typed
        self.blank_rows, self.header_rows_skipped = [], 0
        self.value_labels, self.missing_ranges = {}, {}
        self.encoding = self.delimiter = None


def _clean_table(header, records, first_number, typed, name) -> _Table:
    """Drop blank rows (noted), check the header and the row lengths."""
    header = ["" if h is None else (normalize_text(h) if isinstance(h, str) else str(h))
              for h in header]
    rows, numbers, blank = [], [], []
    for i, rec in enumerate(records):
        number = first_number + i
        if all(_is_empty(c) or (isinstance(c, str) and c.strip() == "") for c in rec):
            blank.append(number)
            continue
        if len(rec) > len(header):
            if any(not _is_empty(c) and str(c).strip() for c in rec[len(header):]):
                raise DataError(f"{name}: row {number} has {len(rec)} cells but the header "
                                f"has {len(header)}; fix the row or the header")
            rec = rec[:len(header)]
        elif len(rec) < len(header):
            if not typed:
                raise DataError(f"{name}: row {number} has {len(rec)} cells but the header "
                                f"has {len(header)}; fix the row (a cut line?)")
            rec = list(rec) + [None] * (len(header) - len(rec))
        rows.append(list(rec))
        numbers.append(number)
    keep = []
    for j, h in enumerate(header):
        if h == "":
            if any(not _is_empty(r[j]) and str(r[j]).strip() for r in rows):
                raise DataError(f"{name}: column {j + 1} has answers but no header; name it")
            continue  # an unnamed empty column (trailing delimiter)
        keep.append(j)
    names = [header[j] for j in keep]
    dup = sorted({h for h in names if names.count(h) > 1})
    if dup:
        raise DataError(f"{name}: column name(s) {dup} occur more than once; rename them")
    table = _Table(names, [[r[j] for j in keep] for r in rows], numbers, typed)
    table.blank_rows = blank
    return table


def _skip_qualtrics_headers(table: _Table) -> None:
    """Qualtrics: row 2 holds question texts, row 3 {"ImportId": ...}; legacy exports have
    only the question-text row (first cell "Response ID" under "ResponseId" or "V1")."""
    rows = table.rows
    if len(rows) >= 2 and all(isinstance(c, str) and (c == "" or c.startswith('{"ImportId"'))
                              for c in rows[1]) and any(rows[1]):
        n = 2
    elif (rows and table.header[0].replace(" ", "").lower() in ("responseid", "v1")
          and str(rows[0][0]).replace(" ", "").lower() in ("responseid", "responseid.")):
        n = 1
    else:
        return
    del table.rows[:n], table.numbers[:n]
    table.header_rows_skipped = n


def _read_text(raw, encoding, name) -> _Table:
    text, enc = _decode(raw, encoding, name)
    if "\x00" in text:
        raise DataError(f"{name} holds NUL bytes: it is not a CSV text file (or is UTF-16 "
                        "without a BOM; pass encoding='utf-16-le')")
    delim = _delimiter(text)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delim, strict=True)
    try:
        records = list(reader)
    except csv.Error as e:
        raise DataError(f"{name}: not well-formed CSV near line {reader.line_num}: {e}") \
            from None
    if not records or not any(c.strip() for c in records[0]):
        raise DataError(f"{name}: the first row must hold the column names, and it is empty")
    table = _clean_table(records[0], records[1:], 2, False, name)
    _skip_qualtrics_headers(table)
    table.encoding, table.delimiter = enc, delim
    return table


def _read_xlsx(raw, sheet, name) -> _Table:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(_io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many types on damaged files
        raise DataError(f"{name}: not a readable Excel workbook ({type(e).__name__}: {e})") \
            from None
    try:
        names = wb.sheetnames
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(f"{name}: sheet={sheet} does not exist (sheets: {names})")
            ws = wb.worksheets[sheet]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise DataError(f"{name}: no sheet {sheet!r} (sheets: {names})")
        try:
            records = [list(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        except DataError:
            raise
        except Exception as e:  # noqa: BLE001 - a damaged sheet
            raise DataError(f"{name}: the sheet cannot be read ({type(e).__name__}: {e})") \
                from None
    finally:
        wb.close()
    if not records or all(_is_empty(c) for c in records[0]):
        raise DataError(f"{name}: row 1 of the sheet must hold the column names, and it is "
                        "empty")
    table = _clean_table(records[0], records[1:], 2, True, name)
    _skip_qualtrics_headers(table)
    return table


def _sav_contents(path):
    import pyreadstat

    df, meta = pyreadstat.read_sav(path, user_missing=True, dates_as_pandas_datetime=True)
    return df, meta.variable_value_labels, meta.missing_ranges, meta.file_encoding


_SAV_READER = None  # one child process, started on the first .sav and reused


def _read_sav(path, name) -> _Table:
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # readstat (C) can crash the interpreter on a damaged file (found by fuzzing): read
    # it in a child process, so that damage is a DataError and never kills the session
    global _SAV_READER
    if _SAV_READER is None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else methods[0])
        _SAV_READER = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
        atexit.register(_SAV_READER.shutdown)  # before interpreter teardown: a clean exit
    try:
        df, value_labels, missing_ranges, encoding = _SAV_READER.submit(
            _sav_contents, str(path)).result()
    except BrokenProcessPool:
        _SAV_READER = None
        raise DataError(f"{name}: the SPSS file is damaged (the SPSS reader crashed on it); "
                        "save or export it again from SPSS") from None
    except Exception as e:  # noqa: BLE001 - readstat reports damage with several types
        raise DataError(f"{name}: not a readable SPSS file ({type(e).__name__}: {e})") \
            from None
    cols = [df[c].astype(object).tolist() for c in df.columns]
    records = [list(r) for r in zip(*cols)] if cols else []
    table = _clean_table(list(df.columns), records, 2, True, name)
    table.value_labels = {c: dict(sorted(v.items())) for c, v in value_labels.items()}
    table.missing_ranges = {c: [(float(r["lo"]), float(r["hi"])) for r in rng]
                            for c, rng in missing_ranges.items()}
    table.encoding = encoding
    return table


def _read_any(path: Path, raw: bytes, sheet, encoding):
    kind = sniff_file_type(raw)
    suffix = path.suffix.lower()
    name = path.name
    if kind == "xls":
        raise DataError(f"{name} is an old Excel .xls workbook; save it as .xlsx or CSV")
    if kind == "zip":
        raise DataError(f"{name} is a ZIP archive but not an Excel workbook; unzip it first")
    if kind == "text" and suffix not in _TEXT_SUFFIXES + (".sav", ".xlsx", ".xlsm"):
        raise DataError(f"cannot read {suffix!r} files; use CSV, Excel (.xlsx) or SPSS (.sav)")
    if kind == "sav":
        table = _read_sav(path, name)
    elif kind == "xlsx":
        table = _read_xlsx(raw, sheet, name)
    else:
        table = _read_text(raw, encoding, name)
    kind = "csv" if kind == "text" else kind
    expected = _TYPED_SUFFIXES.get(kind, _TEXT_SUFFIXES)
    note = None if suffix in expected else (
        f"{name} is named {suffix or 'without a suffix'} but its bytes are a {kind} file; "
        f"read as {kind}")
    return table, kind, note


# --------------------------------------------------------------------------- columns

def _each(cells, convert):
    """``[convert(c) for c in cells]``, converting each distinct text once (a survey
    column holds few distinct answers; conversions are pure)."""
    done = {}
    out = []
    for c in cells:
        if isinstance(c, str):
            hit = done.get(c)
            if hit is None:
                hit = done[c] = convert(c)
            out.append(hit)
        else:
            out.append(convert(c))
    return out


def _column(cells, spec, table, col, labels_all, miss_all, points, profile):
    """Convert one column by its codebook spec (or None: infer). Returns
    (Series, type, [(value, status, detail, stored-as-text number) per cell])."""
    typ = spec["type"] if spec else None
    ranges = table.missing_ranges.get(col, ())
    if typ in (None, "numeric", "likert", "ordinal", "category"):
        codes = list(miss_all) + list((spec or {}).get("missing_codes", ()))
        miss = _Missing(codes, ranges, (spec or {}).get("missing_labels", ()))
    if typ is None:
        typ = _infer_type(cells, labels_all, miss, points, table.value_labels.get(col))
    if typ in ("numeric", "likert", "ordinal"):
        labels = {}
        pts = (spec or {}).get("points", points if spec is None else None)
        if (typ == "likert" or spec is None) and pts in LIKERT_LABELS:
            labels.update(LIKERT_LABELS[pts])
        labels.update({label_key(v): k for k, v in table.value_labels.get(col, {}).items()})
        labels.update({label_key(t): c for t, c in (spec or {}).get("labels", {}).items()})
        labels.update(labels_all)
        out = _each(cells, lambda c: _number_cell(c, labels, miss, table.typed))
        series = pd.Series([o[0] for o in out], dtype="float64")
    elif typ == "category":
        cmap = _CategoryMap(spec, table.value_labels.get(col))
        out = _each(cells, lambda c: cmap.cell(c, miss, table.typed))
        values = [o[0] for o in out]
        series = pd.Series(pd.Categorical(values, categories=cmap.categories(values)))
    elif typ == "date":
        fmt = (spec or {}).get("format")
        if isinstance(fmt, dict):
            fmt = fmt.get(profile, fmt.get("default"))
        formats = tuple(fmt) if isinstance(fmt, list) else (fmt,) if fmt else _ISO_DATES
        out = _each(cells, lambda c: (*_date_cell(c, formats), False))
        series = pd.Series([o[0] for o in out], dtype=_DATE_DTYPE)
    else:  # text, id
        out = _each(cells, lambda c: (*_text_cell(c, typ == "id"), False))
        series = pd.Series([o[0] for o in out], dtype=_TEXT_DTYPE)
    return series, typ, out


def _infer_type(cells, labels_all, miss, points, value_labels):
    """No codebook: date if every answer is a date, numeric unless mostly unreadable text
    that is not Likert words (names, departments, comments), else text."""
    answers = [c for c in cells if not _is_empty(c)
               and not (isinstance(c, str) and is_na_token(c))]
    distinct = list(dict.fromkeys(c for c in answers if isinstance(c, str)))
    if answers and all(_is_datetime(c) or isinstance(c, str) for c in answers) and all(
            _date_cell(c, _ISO_DATES)[1] != "bad" for c in distinct) and not (
            distinct and all(parse_number(c) is not None for c in distinct)):
        return "date"
    labels = dict(LIKERT_LABELS.get(points, {}))
    labels.update({label_key(v): k for k, v in (value_labels or {}).items()})
    labels.update(labels_all)
    statuses = [o[1] for o in _each(answers, lambda c: _number_cell(c, labels, miss, False))]
    n_bad = statuses.count("bad")
    words = [label_key(c) for c in answers if isinstance(c, str)]
    likert = bool(words) and sum(w in _LIKERT_WORDS for w in words) / len(words) > 0.5
    if answers and n_bad / len(answers) > 0.2 and not likert:
        return "text"
    return "numeric"


def _find_column(header, source):
    if source in header:
        return source
    key = label_key(source)
    hits = [h for h in header if label_key(h) == key]
    return hits[0] if len(hits) == 1 else None


def read_survey(path, codebook: Codebook | None = None, sheet=0, encoding=None,
                missing_codes=None, labels=None, *, profile: str | None = None,
                points: int | None = None, keep_unlisted: bool = False):
    """Read a survey export and return ``(data, ImportReport)``.

    Parameters
    ----------
    path : str or Path
        CSV/TSV text (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1256; comma,
        tab or semicolon), Excel ``.xlsx`` or SPSS ``.sav``. The type is taken from the
        file's bytes, not its name.
    codebook : Codebook, optional
        The study's variables (:mod:`im_research.survey.codebook`). With a codebook the data
        hold exactly its variables, in its order and representation; other columns are
        listed in the report (``keep_unlisted=True`` keeps them at the end).
    sheet : int or str
        The Excel sheet holding the answers.
    encoding : str, optional
        Force a text encoding instead of detecting it.
    missing_codes : sequence, optional
        Codes meaning "no answer" (e.g. -99, 99) for every coded column (user-missing).
    labels : dict, optional
        ``{label: code}`` for every numeric column, on top of the codebook's.
    profile : {"qualtrics", "porsline", "google_forms", "spss", "limesurvey"}, optional
        The export profile: picks each variable's per-profile ``source``/``format`` and
        recognises the platform's metadata columns (:mod:`im_research.survey.profiles`).
    points : int, optional
        Without a codebook: the scale points of Likert columns, so that the standard
        5- or 7-point words are read (they are never guessed).
    keep_unlisted : bool
        With a codebook, keep the columns it does not list (read as without a codebook).

    Returns
    -------
    data : DataFrame
    report : ImportReport

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("q1,q2\\nموافقم,۳\\n,1\\n", encoding="utf-8")
    >>> data, report = read_survey(p, points=5)
    >>> data["q1"].tolist(), data["q2"].tolist(), report.recoded
    ([4.0, nan], [3.0, 1.0], {'q1': 1, 'q2': 1})
    """
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the export file inside it")
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    prof = get_profile(profile)
    if points is not None and points not in LIKERT_LABELS:
        raise DataError(f"points={points}: built-in Likert words exist for "
                        f"{list(LIKERT_LABELS)} points; give labels= for other scales")
    table, kind, note = _read_any(path, path.read_bytes(), sheet, encoding)
    report = ImportReport(rows_read=len(table.rows), source=path.name,
                          encoding=table.encoding, file_type=kind, file_type_note=note,
                          delimiter=table.delimiter, profile=profile,
                          header_rows_skipped=table.header_rows_skipped,
                          blank_rows=table.blank_rows, value_labels=table.value_labels,
                          declared_missing=table.missing_ranges)
    miss_all = tuple(float(m) for m in (missing_codes or ()))
    labels_all = {label_key(k): v for k, v in (labels or {}).items()}
    position = {h: j for j, h in enumerate(table.header)}

    plan = []  # (output name, source column, spec)
    if codebook is None:
        plan = [(h, h, None) for h in table.header]
    else:
        used = {}
        for v in codebook.variables:
            src = next((c for c in (_find_column(table.header, s)
                                    for s in codebook.sources(v["name"], profile)) if c), None)
            if src is None:
                report.missing_from_data.append(v["name"])
                continue
            if src in used:
                raise DataError(f"codebook variables {used[src]!r} and {v['name']!r} both "
                                f"read the column {src!r}; give each its own 'source'")
            used[src] = v["name"]
            plan.append((v["name"], src, v))
            if src != v["name"]:
                report.renamed[src] = v["name"]
        if not used and table.header:
            raise DataError(
                f"none of the codebook's variables is a column of {path.name} (columns: "
                f"{table.header[:8]}{' ...' if len(table.header) > 8 else ''}); check the "
                f"variables' 'source' and profile={profile!r}")
        for h in table.header:
            if h in used:
                continue
            if prof is not None and h in prof.metadata:
                report.metadata_columns.append(h)
            else:
                report.not_in_codebook.append(h)
            if keep_unlisted:
                plan.append((h, h, None))

    columns, problems = {}, []
    for name, src, spec in plan:
        cells = [r[position[src]] for r in table.rows]
        series, typ, out = _column(cells, spec, table, src, labels_all, miss_all, points,
                                   profile)
        columns[name] = series
        if spec is None and typ == "text":
            report.text_columns.append(name)
        statuses = [o[1] for o in out]
        report.missing[name] = statuses.count("missing") + statuses.count("user")
        report.recoded[name] = statuses.count("recoded")
        if typ in ("text", "id", "category"):
            report.normalized[name] = statuses.count("normalized")
        if table.typed and typ in ("numeric", "likert", "ordinal", "category"):
            report.text_numbers[name] = sum(o[3] for o in out)
        user = {}
        for o in out:
            if o[1] == "user":
                user[o[2]] = user.get(o[2], 0) + 1
        if user:
            report.user_missing[name] = user
        for i, o in enumerate(out):
            if o[1] == "bad":
                problems.append((i, name, cells[i], o[2], table.numbers[i]))
        if typ == "id":
            rows_of = {}
            for i, v in enumerate(series.tolist()):
                if isinstance(v, str):
                    rows_of.setdefault(v, []).append(table.numbers[i])
            report.duplicate_ids.update({k: r for k, r in rows_of.items() if len(r) > 1})
    data = pd.DataFrame(columns, index=pd.RangeIndex(len(table.rows)))
    cols = ["row", "column", "value", "reason", "source_row"]
    report.problems = pd.DataFrame(problems, columns=cols)
    if codebook is not None:
        bad = codebook.validate(data)
        if len(bad):
            bad["source_row"] = [table.numbers[r] for r in bad["row"]]
            report.problems = pd.concat([report.problems, bad], ignore_index=True)
    return data, report
