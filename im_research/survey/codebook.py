"""Study codebooks: the single source of truth for reading and checking a survey.

A codebook says, for every variable, what it is (``type``), where it comes from in each
export (``source``), which codes are allowed, which texts map to which codes, and which
codes or labels mean "no answer". A YAML codebook::

    study: Branch survey 2026
    missing_codes: [99]                       # user-missing for every coded variable
    missing_labels: ["Prefer not to answer"]  # texts meaning "no answer"
    variables:
      - {name: emp_id, type: id, source: {default: emp_id, qualtrics: ExternalReference}}
      - name: dept
        type: category
        values: {1: HR, 2: IT}                # code → category, in code order
        value_map: {منابع انسانی: HR, فناوری اطلاعات: 2}   # export text → category or code
      - {name: submitted, type: date, source: {qualtrics: RecordedDate}}
      - {name: im1, type: likert, points: 7, construct: im, source: {qualtrics: IM_1}}
      - {name: comment, type: text}

Variable keys (aliases in brackets, for YAML keys and CSV column headers alike):

==================  ===================================================================
``name``            the study's column name [variable, var, column, item, field]
``type``            numeric, likert, ordinal, category, text, date or id [kind, measure];
                    default likert when ``points`` or ``construct`` is given, else numeric
``source``          the export's column: a name (or a list of alternatives, the first
                    present wins), or ``{profile: name, default: name}`` [source_column,
                    export_column]; CSV: ``source_<profile>`` columns
``text``            question wording [question, label, wording]
``construct``       the latent variable an item measures; ``dimension`` its facet
``points``          scale points of a likert/ordinal item [scale_points, n_points]; a
                    likert item's standard English/Persian words are read only when given
``reverse``         reverse-keyed item [reversed, reverse_coded]
``min``, ``max``    allowed range (default 1..points for likert/ordinal)
``missing_codes``   codes meaning "no answer" (user-missing) [missing, na_codes]
``missing_labels``  texts meaning "no answer"
``labels``          ``{text: code}`` for the words of a likert/ordinal/numeric item; a
                    code in ``missing_codes`` makes the text user-missing
``values``          category: ``{code: category}`` (categories in code order) or a list
                    [categories]
``value_map``       category: ``{export text: category or code}`` [recode]
``format``          date: a ``strptime`` format, or ``jalali`` for Solar Hijri
                    ``YYYY/MM/DD[ HH:MM[:SS]]`` (a list is tried in turn), or
                    ``{profile: format}`` [date_format]; default ISO 8601
==================  ===================================================================

In a CSV (or an Excel sheet) codebook, lists are separated by ``;`` and maps are written
``text=code;text=code`` (use YAML when a label contains ``;`` or ``=``).

Examples
--------
>>> from im_research.survey.codebook import Codebook, from_scales
>>> cb = from_scales(["job_satisfaction"])
>>> print(cb.measurement_model())
job_satisfaction =~ js1 + js2 + js3 + js4r
>>> cb = Codebook("pilot", [{"name": "dept", "type": "category", "values": ["HR", "IT"]}])
>>> cb.variables[0]["values"]
{1: 'HR', 2: 'IT'}
"""

from __future__ import annotations

import csv
import io as _io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..errors import DataError
from .profiles import PROFILES
from .text import parse_number

__all__ = ["Codebook", "load_codebook", "from_scales", "TYPES"]

#: The variable types a codebook may declare.
TYPES = ("numeric", "likert", "ordinal", "category", "text", "date", "id")
_TYPE_ALIASES = {"item": "likert", "integer": "numeric", "int": "numeric", "float": "numeric",
                 "number": "numeric", "continuous": "numeric", "string": "text", "str": "text",
                 "open": "text", "categorical": "category", "nominal": "category",
                 "datetime": "date", "timestamp": "date", "identifier": "id",
                 "ordered": "ordinal"}
_KEYS = ("name", "type", "source", "text", "construct", "dimension", "points", "reverse",
         "min", "max", "missing_codes", "missing_labels", "labels", "values", "value_map",
         "format")
_KEY_ALIASES = {"variable": "name", "var": "name", "column": "name", "item": "name",
                "field": "name", "kind": "type", "measure": "type",
                "source_column": "source", "export_column": "source", "question": "text",
                "label": "text", "wording": "text", "scale_points": "points",
                "n_points": "points", "reversed": "reverse", "reverse_coded": "reverse",
                "missing": "missing_codes", "na_codes": "missing_codes",
                "categories": "values", "recode": "value_map", "date_format": "format"}
_CODED = ("numeric", "likert", "ordinal", "category")  # types that take missing codes
_TOP_KEYS = ("study", "description", "missing_codes", "missing_labels", "variables")


def _canon_key(key) -> str:
    k = str(key).strip().lower().replace(" ", "_").replace("-", "_")
    return _KEY_ALIASES.get(k, k)


def _code(value, where):
    """A numeric code as int when whole (YAML 99 and CSV "99" compare equal)."""
    num = value if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else parse_number(str(value))
    if num is None or num != num:
        raise DataError(f"{where}: {value!r} is not a numeric code")
    return int(num) if float(num).is_integer() else float(num)


def _one_or_list(value, where):
    if isinstance(value, (list, tuple)):
        if not value:
            raise DataError(f"{where}: an empty list")
        return [str(x) for x in value]
    return str(value)


def _per_profile(value, where):
    """``source``/``format``: a string (or, for ``source``, a list of alternative column
    names, the first one present wins), or ``{profile or 'default': that}``."""
    if isinstance(value, dict):
        bad = [k for k in value if k not in PROFILES and k != "default"]
        if bad:
            raise DataError(f"{where}: unknown profile(s) {bad}; use {sorted(PROFILES)} "
                            "or 'default'")
        return {str(k): _one_or_list(v, where) for k, v in value.items()}
    return _one_or_list(value, where)


def _normalize_variable(v, k, global_missing, global_missing_labels) -> dict:
    if not isinstance(v, dict):
        raise DataError(f"codebook variable #{k + 1} is not a mapping of keys to values")
    v = {_canon_key(key): val for key, val in v.items()}
    if "name" not in v or str(v["name"]).strip() == "":
        raise DataError(f"codebook variable #{k + 1} has no 'name'")
    name = str(v["name"]).strip()
    where = f"codebook variable {name!r}"
    unknown = [key for key in v if key not in _KEYS]
    if unknown:
        raise DataError(f"{where}: unknown key(s) {unknown}; known keys are {list(_KEYS)}")
    default = "likert" if ("points" in v or "construct" in v) else "numeric"
    typ = str(v.get("type", default)).strip().lower()
    typ = _TYPE_ALIASES.get(typ, typ)
    if typ not in TYPES:
        raise DataError(f"{where}: type {v['type']!r} is unknown; use one of {list(TYPES)}")
    out = {"name": name, "type": typ}
    for key in ("text", "construct", "dimension"):
        if v.get(key) is not None:
            out[key] = str(v[key])
    if v.get("source") is not None:
        out["source"] = _per_profile(v["source"], f"{where}, source")
    if "points" in v:
        pts = v["points"]
        if typ not in ("likert", "ordinal"):
            raise DataError(f"{where}: 'points' is for likert or ordinal items, not {typ}")
        if isinstance(pts, bool) or not isinstance(pts, int) or pts < 2:
            raise DataError(f"codebook: {name}: points must be an integer >= 2, not {pts!r}")
        out["points"] = pts
    if "reverse" in v:
        if not isinstance(v["reverse"], bool):
            raise DataError(f"{where}: reverse must be true or false, not {v['reverse']!r}")
        if v["reverse"] and "points" not in out:
            raise DataError(f"{where}: a reverse-keyed item needs 'points'")
        out["reverse"] = v["reverse"]
    for key in ("min", "max"):
        if v.get(key) is not None:
            out[key] = _code(v[key], f"{where}, {key}")
    if typ in _CODED:
        codes = v.get("missing_codes", global_missing)
        codes = [codes] if isinstance(codes, (int, float, str)) else list(codes or ())
        out["missing_codes"] = [_code(c, f"{where}, missing_codes") for c in codes]
    if typ in _CODED:
        miss_labels = v.get("missing_labels", global_missing_labels)
        miss_labels = [miss_labels] if isinstance(miss_labels, str) else miss_labels
        if miss_labels:
            out["missing_labels"] = [str(t) for t in miss_labels]
    elif v.get("missing_labels") or v.get("missing_codes"):
        raise DataError(f"{where}: missing codes/labels are for {list(_CODED)} variables, "
                        f"not {typ}")
    if v.get("labels"):
        if typ not in ("likert", "ordinal", "numeric"):
            raise DataError(f"{where}: 'labels' (text → code) are for likert, ordinal or "
                            f"numeric variables; a {typ} variable uses 'values'/'value_map'")
        if not isinstance(v["labels"], dict):
            raise DataError(f"{where}: labels must map each text to its code")
        out["labels"] = {str(t): _code(c, f"{where}, label {t!r}")
                         for t, c in v["labels"].items()}
    if typ == "category":
        values = v.get("values")
        if isinstance(values, (list, tuple)):
            values = dict(enumerate(values, start=1))
        if values is not None:
            if not isinstance(values, dict) or not values:
                raise DataError(f"{where}: values must map codes to category names")
            values = {_code(c, f"{where}, values"): str(lab) for c, lab in values.items()}
            if len(set(values.values())) != len(values):
                raise DataError(f"{where}: two codes share one category name")
            out["values"] = dict(sorted(values.items()))
        vmap = v.get("value_map")
        if vmap:
            if values is None:
                raise DataError(f"{where}: value_map needs 'values' (the categories)")
            mapped = {}
            for t, target in vmap.items():
                if str(target) in out["values"].values():
                    mapped[str(t)] = str(target)
                else:
                    code = _code(target, f"{where}, value_map {t!r}")
                    if code not in out["values"]:
                        raise DataError(f"{where}: value_map sends {t!r} to {target!r}, "
                                        f"which is neither a code nor a category of "
                                        f"{out['values']}")
                    mapped[str(t)] = code
            out["value_map"] = mapped
    elif v.get("values") is not None or v.get("value_map"):
        raise DataError(f"{where}: values/value_map are for category variables, not {typ}")
    if v.get("format") is not None:
        if typ != "date":
            raise DataError(f"{where}: 'format' is for date variables, not {typ}")
        out["format"] = _per_profile(v["format"], f"{where}, format")
    return out


@dataclass
class Codebook:
    """A study's variables (list of dicts, keys as in the module docstring).

    ``missing_codes`` and ``missing_labels`` apply to every coded variable that does not
    list its own. Variables are checked and normalised on construction (aliases resolved,
    codes made numeric); a bad entry raises :class:`~im_research.errors.DataError` naming
    the variable.
    """

    study: str
    variables: list
    missing_codes: list = field(default_factory=list)
    missing_labels: list = field(default_factory=list)

    def __post_init__(self):
        self.missing_codes = [_code(c, "codebook missing_codes") for c in self.missing_codes]
        self.missing_labels = [str(t) for t in self.missing_labels]
        variables, seen = [], set()
        for k, v in enumerate(self.variables):
            var = _normalize_variable(v, k, self.missing_codes, self.missing_labels)
            if var["name"] in seen:
                raise DataError(f"codebook: variable {var['name']!r} is listed twice")
            seen.add(var["name"])
            variables.append(var)
        self.variables = variables

    def variables_by_name(self) -> dict:
        return {v["name"]: v for v in self.variables}

    def items(self) -> list:
        """The likert and ordinal items."""
        return [v for v in self.variables if v["type"] in ("likert", "ordinal")]

    def sources(self, name: str, profile: str | None = None) -> list:
        """The export column(s) of variable ``name`` under ``profile``, first choice
        first: its per-profile source, else its ``default`` source, else its name."""
        v = self.variables_by_name()[name]
        src = v.get("source", name)
        if isinstance(src, dict):
            src = src.get(profile, src.get("default", name)) if profile else \
                src.get("default", name)
        return list(src) if isinstance(src, list) else [src]

    def validate(self, data: pd.DataFrame) -> pd.DataFrame:
        """Codes out of range: one row per cell (``row, column, value, reason``)."""
        rows = []
        for v in self.variables:
            col = v["name"]
            if col not in data.columns or v["type"] not in ("likert", "ordinal", "numeric"):
                continue
            lo, hi = v.get("min"), v.get("max", v.get("points"))
            if v["type"] != "numeric" and v.get("points") is not None:
                lo = 1 if lo is None else lo
            if lo is None and hi is None:
                continue
            x = pd.to_numeric(data[col])  # numeric after import; never text here
            bad = x.notna() & ((x < (lo if lo is not None else -float("inf")))
                               | (x > (hi if hi is not None else float("inf"))))
            if v["type"] != "numeric":
                bad |= x.notna() & (x % 1 != 0)
            for r in data.index[bad]:
                rows.append((r, col, data.at[r, col], f"outside the allowed codes {lo}..{hi}"))
        return pd.DataFrame(rows, columns=["row", "column", "value", "reason"])

    def _constructs(self, reversed_suffix):
        groups = {}
        for v in self.items():
            if v.get("construct"):
                name = v["name"] + (reversed_suffix if v.get("reverse") else "")
                groups.setdefault(v["construct"], []).append(name)
        return groups

    def measurement_model(self, reversed_suffix: str = "r") -> str:
        """lavaan syntax: one factor per construct; reverse-keyed items as
        ``<item><reversed_suffix>`` (see :meth:`score`)."""
        groups = self._constructs(reversed_suffix)
        if not groups:
            raise DataError("the codebook assigns no items to constructs")
        return "\n".join(f"{c} =~ " + " + ".join(items) for c, items in groups.items())

    def score(self, data: pd.DataFrame, min_items=0.5, reversed_suffix: str = "r"):
        """``(data with reverse-scored copies, composite scores per construct)``."""
        from ..scales.scoring import composite_scores, reverse_code

        rev = {v["name"]: v["points"] for v in self.items() if v.get("reverse")}
        missing = [c for c in rev if c not in data.columns]
        if missing:
            raise DataError(f"reverse-keyed items {missing} are not in the data")
        scored = reverse_code(data, rev, suffix=reversed_suffix) if rev else data.copy()
        return scored, composite_scores(scored, self._constructs(reversed_suffix),
                                        min_items=min_items)

    def to_yaml(self, path) -> Path:
        path = Path(path)
        doc = {"study": self.study, "missing_codes": self.missing_codes,
               "missing_labels": self.missing_labels, "variables": self.variables}
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path


def _split(text):
    return [p.strip() for p in str(text).split(";") if p.strip()]


def _pairs(text, where, code_first=False):
    out = {}
    for part in _split(text):
        left, eq, right = part.partition("=") if code_first else part.rpartition("=")
        if not eq or not left.strip() or not right.strip():
            raise DataError(f"{where}: {part!r} is not 'text=code' (pairs separated by ';')")
        out[left.strip()] = right.strip()
    return out


def _from_table(header, rows, where) -> Codebook:
    """A codebook from a CSV/Excel table of strings (one row per variable)."""
    cols = [_canon_key(h) for h in header]
    profile_cols = {c for c in cols if c.partition("_")[0] in ("source", "format")
                    and c.partition("_")[2] in PROFILES}
    unknown = [h for h, c in zip(header, cols) if c not in _KEYS and c not in profile_cols]
    if unknown:
        raise DataError(f"{where}: unknown column(s) {unknown}; known columns are "
                        f"{list(_KEYS)} (+ source_<profile>, format_<profile>)")
    if "name" not in cols:
        raise DataError(f"{where}: a codebook table needs a 'name' column (or one of "
                        f"{[a for a, k in _KEY_ALIASES.items() if k == 'name']})")
    if len(set(cols)) != len(cols):
        raise DataError(f"{where}: two columns mean the same key: {header}")
    variables = []
    for i, row in enumerate(rows, start=2):
        rec = {c: str(val).strip() for c, val in zip(cols, row)
               if val is not None and str(val).strip() != ""}
        if not rec:
            continue
        at = f"{where}, row {i}"
        v = {}
        for key, val in rec.items():
            base, _, prof = key.partition("_")
            if key.startswith("source"):  # alternatives separated by ';'
                val = _split(val) if len(_split(val)) > 1 else val
            if key in profile_cols:
                v.setdefault(base, {})
                if not isinstance(v[base], dict):
                    v[base] = {"default": v[base]}
                v[base][prof] = val
            elif key in ("source", "format") and isinstance(v.get(key), dict):
                v[key]["default"] = val
            elif key in ("points", "min", "max"):
                v[key] = _code(val, f"{at}, {key}")
            elif key == "reverse":
                flag = val.lower()
                if flag not in ("1", "0", "true", "false", "yes", "no", "y", "n"):
                    raise DataError(f"{at}: reverse must be yes/no, not {val!r}")
                v[key] = flag in ("1", "true", "yes", "y")
            elif key == "missing_codes":
                v[key] = [_code(c, f"{at}, missing_codes") for c in _split(val)]
            elif key == "missing_labels":
                v[key] = _split(val)
            elif key in ("labels", "value_map"):
                v[key] = _pairs(val, f"{at}, {key}")
            elif key == "values":
                v[key] = _pairs(val, f"{at}, values", code_first=True)
            else:
                v[key] = val
        variables.append(v)
    return Codebook(Path(where).stem, variables)


def _excel_table(path, sheet):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = wb.sheetnames
        if sheet not in names:
            raise DataError(f"{path.name}: no sheet {sheet!r} (sheets: {names})")
        rows = [["" if c is None else (str(int(c)) if isinstance(c, float) and c.is_integer()
                                       else str(c)) for c in row]
                for row in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        raise DataError(f"{path.name}: sheet {sheet!r} is empty")
    return rows[0], rows[1:]


def load_codebook(path, sheet: str = "codebook") -> Codebook:
    """Read a codebook from YAML, CSV or an Excel sheet, and validate it.

    Parameters
    ----------
    path : str or Path
        ``.yaml``/``.yml`` (keys as in the module docstring), ``.csv`` (UTF-8, one row per
        variable, column headers as the keys or their aliases, e.g. ``variable`` for
        ``name``) or ``.xlsx`` (the sheet ``sheet``, laid out as the CSV).
    sheet : str
        The Excel sheet holding the codebook.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cb.csv"
    >>> _ = p.write_text("variable,type,points\\nq1,likert,5\\n", encoding="utf-8")
    >>> load_codebook(p).variables[0]
    {'name': 'q1', 'type': 'likert', 'points': 5, 'missing_codes': []}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(doc, dict) or "variables" not in doc:
            raise DataError(f"{path.name}: a codebook needs a 'variables' list")
        unknown = [k for k in doc if k not in _TOP_KEYS]
        if unknown:
            raise DataError(f"{path.name}: unknown top-level key(s) {unknown}; known keys "
                            f"are {list(_TOP_KEYS)}")
        return Codebook(str(doc.get("study", path.stem)), doc["variables"],
                        doc.get("missing_codes") or [], doc.get("missing_labels") or [])
    if suffix == ".csv":
        rows = list(csv.reader(_io.StringIO(path.read_text(encoding="utf-8-sig"),
                                            newline="")))
        if not rows:
            raise DataError(f"{path.name}: the codebook CSV is empty")
        return _from_table(rows[0], rows[1:], path.name)
    if suffix == ".xlsx":
        header, rows = _excel_table(path, sheet)
        return _from_table(header, rows, path.name)
    raise DataError(f"{path.name}: codebooks are YAML (.yaml), CSV (.csv) or Excel (.xlsx) "
                    "files")


def from_scales(names, study: str = "new study", missing_codes=(), lang: str = "en"):
    """A codebook for a new study measuring the named scale-library instruments."""
    from .. import scales

    variables = []
    for name in ([names] if isinstance(names, str) else names):
        s = scales.get(name)
        for rec in s.items.to_dict("records"):
            variables.append({"name": rec["item"], "type": "likert", "construct": s.name,
                              "dimension": rec["dimension"], "text": rec[f"text_{lang}"],
                              "points": s.points, "reverse": bool(rec["reverse"])})
    return Codebook(study, variables, list(missing_codes))
