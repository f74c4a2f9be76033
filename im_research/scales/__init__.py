"""The scale library: internal-marketing and service instruments as data.

Each instrument is one YAML file in ``im_research/scales/data/`` with its construct,
dimensions, items (our own wording in English and Persian), response format and
reverse-keyed flags, and the published instrument whose *structure* it follows.

Examples
--------
>>> from im_research import scales
>>> "internal_marketing" in set(scales.list()["name"])
True
>>> im = scales.get("internal_marketing")
>>> im.points, len(im.items)
(7, 15)
>>> print(scales.measurement_model(["job_satisfaction"]))
job_satisfaction =~ js1 + js2 + js3 + js4
"""

from __future__ import annotations

import builtins
import html as _html
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from ..errors import ArgumentError, DataError
from ..validation import as_names
from .scoring import composite_scores, reverse_code

__all__ = ["Scale", "list", "get", "measurement_model", "score", "questionnaire",
           "RESPONSE_LABELS"]

DATA = Path(__file__).parent / "data"

RESPONSE_LABELS = {
    "agree7": {
        "en": ["Strongly disagree", "Disagree", "Somewhat disagree",
               "Neither agree nor disagree", "Somewhat agree", "Agree", "Strongly agree"],
        "fa": ["کاملاً مخالفم", "مخالفم", "تا حدی مخالفم", "نه موافقم نه مخالف",
               "تا حدی موافقم", "موافقم", "کاملاً موافقم"]},
    "agree5": {
        "en": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
        "fa": ["کاملاً مخالفم", "مخالفم", "نظری ندارم", "موافقم", "کاملاً موافقم"]},
}


@dataclass(frozen=True)
class Scale:
    """One instrument. ``items`` has columns ``item, construct, dimension, text_en,
    text_fa, reverse``."""

    name: str
    construct: str
    construct_fa: str
    points: int
    source: str
    dimensions: dict
    items: pd.DataFrame
    labels_en: tuple
    labels_fa: tuple

    @property
    def reverse_items(self):
        return self.items.loc[self.items["reverse"], "item"].tolist()


def _validate(raw: dict, path: Path) -> Scale:
    where = path.name
    for key in ("name", "construct", "points", "labels", "source", "dimensions", "items"):
        if key not in raw:
            raise DataError(f"scale file {where}: missing key {key!r}")
    points = raw["points"]
    if not isinstance(points, int) or points < 2:
        raise DataError(f"scale file {where}: points must be an integer >= 2, got {points!r}")
    labels = RESPONSE_LABELS.get(raw["labels"])
    if labels is None or len(labels["en"]) != points:
        raise DataError(f"scale file {where}: labels {raw['labels']!r} do not fit {points} "
                        f"points (known: {builtins.list(RESPONSE_LABELS)})")
    rows, seen = [], set()
    for item in raw["items"]:
        for key in ("id", "dimension", "en", "fa"):
            if not item.get(key):
                raise DataError(f"scale file {where}: item {item.get('id', '?')} lacks {key!r}")
        if item["id"] in seen:
            raise DataError(f"scale file {where}: item id {item['id']!r} is used twice")
        if item["dimension"] not in raw["dimensions"]:
            raise DataError(f"scale file {where}: item {item['id']} names unknown dimension "
                            f"{item['dimension']!r}")
        seen.add(item["id"])
        rows.append({"item": item["id"], "construct": raw["name"],
                     "dimension": item["dimension"], "text_en": item["en"],
                     "text_fa": item["fa"], "reverse": bool(item.get("reverse", False))})
    return Scale(raw["name"], raw["construct"], raw.get("construct_fa", ""), points,
                 " ".join(raw["source"].split()), raw["dimensions"], pd.DataFrame(rows),
                 tuple(labels["en"]), tuple(labels["fa"]))


@cache
def _library() -> dict:
    scales = {}
    for path in sorted(DATA.glob("*.yaml")):
        scale = _validate(yaml.safe_load(path.read_text(encoding="utf-8")), path)
        scales[scale.name] = scale
    return scales


def list() -> pd.DataFrame:  # noqa: A001 - the documented name is scales.list()
    """The instruments: ``name, construct, dimensions, n_items, points, source``."""
    return pd.DataFrame([{
        "name": s.name, "construct": s.construct, "dimensions": len(s.dimensions),
        "n_items": len(s.items), "points": s.points, "source": s.source}
        for s in _library().values()])


def get(name: str) -> Scale:
    """Look up an instrument by name (see :func:`list`)."""
    lib = _library()
    if name not in lib:
        raise DataError(f"unknown scale {name!r}; available: {sorted(lib)}")
    return lib[name]


def _items(names):
    if isinstance(names, str):
        names = [names]
    return pd.concat([get(n).items for n in names], ignore_index=True)


def measurement_model(names, by: str = "construct", reversed_suffix: str = "") -> str:
    """lavaan syntax measuring each chosen instrument (``by="construct"``) or each of its
    dimensions (``by="dimension"``, factor names ``<construct>_<dimension>``).

    Reverse-keyed items are named ``<item><reversed_suffix>`` so that the model can use
    reverse-scored copies (see :func:`score`)."""
    if by not in ("construct", "dimension"):
        raise ValueError("by must be 'construct' or 'dimension'")
    items = _items(names)
    items["column"] = [i + (reversed_suffix if r else "") for i, r in
                       zip(items["item"], items["reverse"])]
    key = items["construct"] if by == "construct" else items["construct"] + "_" + items[
        "dimension"]
    lines = [f"{factor} =~ " + " + ".join(group["column"])
             for factor, group in items.groupby(key, sort=False)]
    return "\n".join(lines)


def score(data: pd.DataFrame, names, min_items=0.5, by: str = "construct") -> pd.DataFrame:
    """Composite (mean) scores with reverse keying: reverse-keyed items are scored
    ``points + 1 - x`` first. A respondent needs ``min_items`` answered items (count, or
    share of the items) per composite, else the score is missing."""
    items = _items(names)
    missing = [i for i in items["item"] if i not in data.columns]
    if missing:
        raise DataError(f"score: the data lack items {missing}")
    rev = {i: get(c).points for i, c, r in zip(items["item"], items["construct"],
                                                items["reverse"]) if r}
    scored = reverse_code(data, rev, suffix="__r") if rev else data
    items["column"] = [i + "__r" if i in rev else i for i in items["item"]]
    key = items["construct"] if by == "construct" else items["construct"] + "_" + items[
        "dimension"]
    groups = {k: g["column"].tolist() for k, g in items.groupby(key, sort=False)}
    return composite_scores(scored, groups, min_items=min_items)


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def questionnaire(names, lang: str = "en", fmt: str = "markdown") -> str:
    """Render the chosen instruments as a questionnaire in English or Persian.

    Persian output is right-to-left in both formats, with Persian digits: the HTML is
    wrapped in ``<div dir='rtl' lang='fa'>``, and so is the Markdown, with blank lines
    around the content so that JupyterLab (CommonMark) still renders the headings and the
    numbered items inside the right-to-left block; the response-scale line is an HTML
    paragraph aligned right (JupyterLab's stylesheet aligns Markdown paragraphs left).

    Examples
    --------
    >>> from im_research import scales
    >>> print(scales.questionnaire("job_satisfaction").splitlines()[0])
    ## Job satisfaction
    >>> scales.questionnaire("job_satisfaction", lang="fa").startswith('<div dir="rtl"')
    True
    """
    if lang not in ("en", "fa"):
        raise ArgumentError(f"lang={lang!r}: use 'en' (English) or 'fa' (Persian)")
    if fmt not in ("markdown", "html"):
        raise ArgumentError(f"fmt={fmt!r}: use 'markdown' or 'html'")
    names = as_names(names, "names")
    if not names:
        raise ArgumentError("names is empty: give one or more scale names (scales.list())")
    digits = (lambda text: str(text).translate(_PERSIAN_DIGITS)) if lang == "fa" else str
    parts = []
    number = 0
    for name in names:
        s = get(name)
        title = s.construct if lang == "en" else (s.construct_fa or s.construct)
        labels = s.labels_en if lang == "en" else s.labels_fa
        scale_text = " | ".join(f"{digits(k + 1)} = {lab}" for k, lab in enumerate(labels))
        rows = []
        for text in s.items[f"text_{lang}"]:
            number += 1
            rows.append((number, text))
        if fmt == "markdown":
            # JupyterLab aligns Markdown paragraphs left even inside dir="rtl": the
            # response-scale line is an HTML paragraph aligned right in Persian
            scale_line = (f'<p dir="rtl" style="text-align: right"><em>'
                          f"{_html.escape(scale_text)}</em></p>" if lang == "fa"
                          else f"*{scale_text}*")
            parts.append(f"## {title}\n\n{scale_line}\n\n" +
                         "\n".join(f"{k}. {t} ({digits(1)} … {digits(s.points)})"
                                    for k, t in rows))
        else:
            items_html = "".join(f"<li value='{k}'>{_html.escape(t)} "
                                 f"({digits(1)} … {digits(s.points)})</li>" for k, t in rows)
            parts.append(f"<h2>{_html.escape(title)}</h2><p><em>{_html.escape(scale_text)}"
                         f"</em></p><ol>{items_html}</ol>")
    if fmt == "markdown":
        text = "\n\n".join(parts)
        if lang == "fa":  # an HTML block ends at a blank line; the Markdown inside renders
            return f'<div dir="rtl" lang="fa">\n\n{text}\n\n</div>\n'
        return text + "\n"
    direction = "rtl" if lang == "fa" else "ltr"
    return (f"<div dir='{direction}' lang='{lang}'>" + "".join(parts) + "</div>")
