"""Disclosure risk of a released table, measured from the table alone.

Who the attacker is decides what must be protected. :class:`Attacker` states it: the
columns the attacker already knows about each person are the quasi-identifiers; the
survey answers are what the attacker wants to learn (the sensitive attributes).
:data:`EMPLOYER`, the default of :func:`~im_research.survey.anonymize.anonymize`, is the
employer or manager of an employee survey, who knows every demographic and
organisational column (gender, age or birth date, department, role, branch, tenure,
grade, location, ...).

The measures read the released table as it stands:

- :func:`class_sizes` — each record's equivalence class size ``f_k`` over the
  quasi-identifiers. ``convention="strict"`` (the default) counts a suppressed value
  ``"*"`` as a value of its own: two records are in one class only if they are equal on
  every quasi-identifier. ``convention="matches_any"`` is sdcMicro's convention (a
  suppressed value matches every value, ``alpha = 1`` in ``freqCalc``); it gives larger
  classes and is offered only when asked for.
- :func:`diversity` — per sensitive column, the distinct and entropy l of the smallest
  class and the t of t-closeness (ordered earth mover's distance for numbers, equal
  distance for text; as pycanon);
- :func:`risk` — individual re-identification risk ``1 / f_k`` (sdcMicro's
  ``measure_risk`` with unit weights: the attacker knows everyone in the file, the worst
  case for an employer who may know who took part), the global risk (mean) and the
  expected number of re-identifications (sum).

Examples
--------
>>> import pandas as pd
>>> from im_research.survey import disclosure
>>> df = pd.DataFrame({"gender": ["f", "f", "m", "*"], "js1": [3, 4, 5, 2]})
>>> disclosure.class_sizes(df, ["gender"]).tolist()
[2, 2, 1, 1]
>>> disclosure.class_sizes(df, ["gender"], convention="matches_any").tolist()
[3, 3, 2, 4]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError

__all__ = ["Attacker", "EMPLOYER", "SUPPRESSED", "class_sizes", "compatible", "diversity",
           "risk", "looks_demographic", "looks_identifying"]

SUPPRESSED = "*"
CONVENTIONS = ("strict", "matches_any")

# column-name words (after splitting on _ - space and camelCase) that mark a demographic
# or organisational column an employer holds; Persian words for Persian exports. Words
# common in item names (job, pay, supervisor) are left out, and names ending in a digit
# are taken for items.
_DEMOGRAPHIC = {
    "age", "ageband", "agegroup", "birth", "birthdate", "birthday", "dob", "born", "yob",
    "gender", "sex", "department", "dept", "division", "unit", "team", "role", "position",
    "jobtitle", "title", "grade", "rank", "branch", "site", "office", "location", "city",
    "region", "province", "country", "tenure", "seniority", "hired", "education",
    "degree", "marital", "nationality", "ethnicity", "religion", "contract", "salary",
    "سن", "جنسیت", "جنس", "واحد", "بخش", "سمت", "شعبه", "سابقه", "تحصیلات", "تولد",
    "محل", "شهر", "تاهل", "تأهل", "مدرک", "رتبه",
}
_IDENTIFYING = {
    "name", "fullname", "firstname", "lastname", "surname", "email", "mail", "phone",
    "mobile", "tel", "address", "street", "postcode", "zip", "ssn", "passport",
    "nationalid", "ip", "ipaddress", "نام", "ایمیل", "تلفن", "موبایل", "نشانی", "آدرس",
    "کدملی",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _words(name) -> set:
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", str(name)).lower()
    words = [w for w in re.split(r"[^0-9a-z\u0600-\u06ff]+", s) if w]
    return set(words) | {"".join(words)} | {a + b for a, b in zip(words, words[1:])}


def looks_demographic(name) -> bool:
    """Whether a column name looks like a demographic or organisational attribute.

    >>> looks_demographic("tenure_years"), looks_demographic("jobSatisfaction1")
    (True, False)
    """
    return (bool(_words(name) & _DEMOGRAPHIC) and not str(name)[-1:].isdigit()
            and not looks_identifying(name))


def looks_identifying(name, values=None) -> bool:
    """Whether a column looks like a direct identifier (name, e-mail, phone, address, ...):
    by its name, or because most of its values are e-mail addresses.

    >>> looks_identifying("full_name"), looks_identifying("x", ["a@b.org", "c@d.ir"])
    (True, True)
    """
    if _words(name) & _IDENTIFYING:
        return True
    if values is None:
        return False
    text = pd.Series(values).dropna().astype(str)
    return bool(len(text) > 0 and text.str.match(_EMAIL).mean() > 0.5)


@dataclass(frozen=True)
class Attacker:
    """Who tries to re-identify respondents, and which columns they already know.

    Parameters
    ----------
    name : str
        Short name, written to the release log.
    description : str
        What the attacker knows and wants, in words (the release log quotes it).
    knows : tuple of str, optional
        The columns the attacker knows (the quasi-identifiers). ``None``: every column
        whose name looks demographic or organisational (:func:`looks_demographic`).

    Examples
    --------
    >>> Attacker("team lead", "knows gender and team", knows=("gender", "team")).knows
    ('gender', 'team')
    """

    name: str
    description: str
    knows: tuple | None = None

    def quasi_identifiers(self, columns) -> list:
        """The columns among ``columns`` this attacker knows."""
        if self.knows is None:
            return [c for c in columns if looks_demographic(c)]
        return [c for c in columns if c in self.knows]


EMPLOYER = Attacker(
    "employer",
    "An employer or manager who holds the HR records: every demographic and "
    "organisational column (gender, age or birth date, department, role, branch, tenure, "
    "grade, location, ...) is known for every employee and is a quasi-identifier; the "
    "survey answers are what must stay unreadable.")


def _codes(data: pd.DataFrame, qi) -> np.ndarray:
    """Integer codes of the quasi-identifiers, -1 for a suppressed value."""
    cols = []
    for c in qi:
        s = data[c].astype(object)
        codes, uniq = pd.factorize(s.where(s.notna(), "(missing)"))
        cols.append(np.where(np.asarray(uniq, dtype=object)[codes] == SUPPRESSED, -1, codes))
    return np.column_stack(cols) if cols else np.zeros((len(data), 0), dtype=int)


def compatible(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``len(a) x len(b)`` matrix: rows equal on every column, -1 matching anything."""
    eq = (a[:, None, :] == b[None, :, :]) | (a[:, None, :] == -1) | (b[None, :, :] == -1)
    return eq.all(axis=2)


def class_sizes(data: pd.DataFrame, qi, convention: str = "strict") -> pd.Series:
    """Each record's equivalence-class size ``f_k`` over the quasi-identifiers ``qi``.

    Missing values (NaN) are a value of their own. See the module notes for
    ``convention``.
    """
    if convention not in CONVENTIONS:
        raise ArgumentError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    missing = [c for c in qi if c not in data.columns]
    if missing:
        raise DataError(f"quasi-identifiers {missing} are not columns of the data")
    if not len(qi):
        return pd.Series(len(data), index=data.index)
    codes = _codes(data, qi)
    pats, inv, counts = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    inv = inv.ravel()
    if convention == "matches_any":
        counts = np.zeros(len(pats), dtype=int)
        for lo in range(0, len(pats), 512):  # blocks keep the matrix small
            counts[lo:lo + 512] = compatible(pats[lo:lo + 512], pats) @ np.bincount(
                inv, minlength=len(pats))
    return pd.Series(counts[inv], index=data.index)


def _emd(class_p, overall_p, ordered: bool) -> float:
    if ordered:
        m = len(overall_p)
        return float(np.abs(np.cumsum(class_p - overall_p)).sum() / (m - 1)) if m > 1 else 0.0
    return float(0.5 * np.abs(class_p - overall_p).sum())


def diversity(data: pd.DataFrame, qi, sensitive) -> pd.DataFrame:
    """l-diversity and t-closeness of each sensitive column over strict classes.

    Returns a DataFrame indexed by sensitive column: ``l_distinct`` (fewest distinct
    answers in a class), ``l_entropy`` (``exp`` of the smallest within-class entropy of the
    answers; entropy l-diversity holds for every l up to it) and ``t_closeness`` (largest
    distance between a class's answer distribution and the whole file's). Missing answers
    are not counted as an answer.
    """
    groups = pd.Series(_codes(data, qi).tolist(), index=data.index).map(tuple) if len(
        qi) else pd.Series(0, index=data.index)
    rows = []
    for s in sensitive:
        x = data[s]
        ordered = pd.api.types.is_numeric_dtype(x)
        values = np.sort(x.dropna().unique()) if ordered else x.dropna().unique()
        overall = x.value_counts(normalize=True).reindex(values, fill_value=0).to_numpy()
        l_d, h_min, t = np.inf, np.inf, 0.0
        for _, xs in x.groupby(groups):
            vc = xs.value_counts().reindex(values, fill_value=0).to_numpy(dtype=float)
            tot = vc.sum()
            l_d = min(l_d, int((vc > 0).sum()))
            p = vc[vc > 0] / tot if tot else np.array([1.0])
            h_min = min(h_min, float(-(p * np.log(p)).sum()))
            if tot:
                t = max(t, _emd(vc / tot, overall, ordered))
        rows.append({"sensitive": s, "l_distinct": int(l_d), "l_entropy": float(np.exp(h_min)),
                     "t_closeness": t})
    return pd.DataFrame(rows).set_index("sensitive")


def risk(data: pd.DataFrame, qi, convention: str = "strict") -> dict:
    """Re-identification risk with unit weights: individual risk ``1 / f_k``.

    Returns a dict: ``individual`` (Series, one value per record), ``global`` (mean
    individual risk), ``expected_reidentifications`` (sum), ``max`` and
    ``records_unique`` (records alone in their class).
    """
    fk = class_sizes(data, qi, convention)
    r = 1.0 / fk
    return {"individual": r, "global": float(r.mean()) if len(r) else 0.0,
            "expected_reidentifications": float(r.sum()), "max": float(r.max()) if len(r)
            else 0.0, "records_unique": int((fk == 1).sum())}
