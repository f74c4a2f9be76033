"""Study codebooks: what each column is, which codes are allowed, which mean "missing".

A codebook is a small YAML (or CSV) file::

    study: Branch survey 2026
    missing_codes: [-99, 99]
    variables:
      - {name: im1, construct: im, text: "...", points: 7, reverse: false}
      - {name: dept, type: text, text: "Department"}

:meth:`Codebook.validate` lists every out-of-range code by row and column;
:func:`from_scales` writes the codebook of a new study from the scale library;
:meth:`Codebook.measurement_model` and :meth:`Codebook.score` hand the constructs to
``fit()`` and to composite scoring without retyping column names.

Examples
--------
>>> from im_research.survey.codebook import from_scales
>>> cb = from_scales(["job_satisfaction"])
>>> print(cb.measurement_model())
job_satisfaction =~ js1 + js2 + js3 + js4r
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..errors import DataError

__all__ = ["Codebook", "load_codebook", "from_scales"]


@dataclass
class Codebook:
    study: str
    variables: list
    missing_codes: list = field(default_factory=list)

    def __post_init__(self):
        seen = set()
        for k, v in enumerate(self.variables):
            if "name" not in v:
                raise DataError(f"codebook variable #{k + 1} has no 'name'")
            if v["name"] in seen:
                raise DataError(f"codebook: variable {v['name']!r} is listed twice")
            seen.add(v["name"])
            if v.get("type", "item") == "item":
                pts = v.get("points")
                if pts is not None and (not isinstance(pts, int) or pts < 2):
                    raise DataError(f"codebook: {v['name']}: points must be an integer >= 2")
            v.setdefault("missing_codes", list(self.missing_codes))

    def variables_by_name(self) -> dict:
        return {v["name"]: v for v in self.variables}

    def items(self) -> list:
        return [v for v in self.variables if v.get("type", "item") == "item"]

    def validate(self, data: pd.DataFrame) -> pd.DataFrame:
        """Out-of-range codes: one row per cell (``row, column, value, reason``)."""
        rows = []
        for v in self.items():
            col = v["name"]
            if col not in data.columns or v.get("points") is None:
                continue
            x = pd.to_numeric(data[col], errors="coerce")  # input is numeric after import
            lo, hi = v.get("min", 1), v.get("max", v["points"])
            bad = x.notna() & ((x < lo) | (x > hi) | (x % 1 != 0))
            for r in data.index[bad]:
                rows.append((r, col, data.at[r, col], f"outside the allowed codes {lo}..{hi}"))
        return pd.DataFrame(rows, columns=["row", "column", "value", "reason"])

    def measurement_model(self, reversed_suffix: str = "r") -> str:
        """lavaan syntax: one factor per construct; reverse-keyed items as
        ``<item><reversed_suffix>`` (see :meth:`score`)."""
        groups = {}
        for v in self.items():
            if v.get("construct"):
                name = v["name"] + (reversed_suffix if v.get("reverse") else "")
                groups.setdefault(v["construct"], []).append(name)
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
        groups = {}
        for v in self.items():
            if v.get("construct"):
                col = v["name"] + (reversed_suffix if v.get("reverse") else "")
                groups.setdefault(v["construct"], []).append(col)
        return scored, composite_scores(scored, groups, min_items=min_items)

    def to_yaml(self, path) -> Path:
        path = Path(path)
        doc = {"study": self.study, "missing_codes": self.missing_codes,
               "variables": self.variables}
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path


def load_codebook(path) -> Codebook:
    """Read a codebook from YAML or CSV (columns ``name, construct, text, points,
    reverse, type, missing_codes`` with codes separated by ';')."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "variables" not in doc:
            raise DataError(f"{path.name}: a codebook needs a 'variables' list")
        return Codebook(doc.get("study", path.stem), doc["variables"],
                        doc.get("missing_codes", []))
    if path.suffix.lower() == ".csv":
        tab = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "name" not in tab.columns:
            raise DataError(f"{path.name}: a codebook CSV needs a 'name' column")
        variables = []
        for rec in tab.to_dict("records"):
            v = {k: val for k, val in rec.items() if val != ""}
            if "points" in v:
                v["points"] = int(v["points"])
            if "reverse" in v:
                v["reverse"] = v["reverse"].strip().lower() in ("1", "true", "yes")
            if "missing_codes" in v:
                v["missing_codes"] = [float(c) for c in v["missing_codes"].split(";")]
            variables.append(v)
        return Codebook(path.stem, variables)
    raise DataError("codebooks are YAML (.yaml) or CSV (.csv) files")


def from_scales(names, study: str = "new study", missing_codes=(), lang: str = "en"):
    """A codebook for a new study measuring the named scale-library instruments."""
    from .. import scales

    variables = []
    for name in ([names] if isinstance(names, str) else names):
        s = scales.get(name)
        for rec in s.items.to_dict("records"):
            variables.append({"name": rec["item"], "construct": s.name,
                              "dimension": rec["dimension"], "text": rec[f"text_{lang}"],
                              "points": s.points, "reverse": bool(rec["reverse"])})
    return Codebook(study, variables, list(missing_codes))
