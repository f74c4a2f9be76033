"""From a survey file to a publication-ready report: :func:`analysis_report`.

One call runs the analysis a reviewer expects and lays it out in order: the sample
(rows read, dropped and why, careless responders flagged), the measurement model
(standardized loadings, α, ω, CR, AVE, Fornell–Larcker, HTMT with bootstrap intervals,
each with its threshold and verdict), model fit (χ², CFI, TLI, RMSEA with its interval,
SRMR, against named cut-offs), the structural paths with intervals and R², indirect
effects with bootstrap intervals, measurement invariance across a group, the ICCs of a
nesting unit, PLS-SEM results, the path diagram and a methods paragraph. Every number
comes from the library's own functions (``fit``, ``bootstrap``, ``indirect_effects``,
``reliability``, ``fornell_larcker``, ``htmt_inference``, ``invariance``, ``icc``,
``pls``, ``quality.screen``); this module only selects, compares with the cited
thresholds and formats.

The result, :class:`AnalysisReport`, holds the numeric tables as DataFrames
(``report.tables``) and writes self-contained HTML (:meth:`~AnalysisReport.to_html`) or
Word (:meth:`~AnalysisReport.to_docx`, APA tables; ``save(path)`` picks by suffix).

Conventions
-----------
- Numbers follow APA style: three decimals, no leading zero (in English) for quantities
  that cannot exceed 1 (p, α, ω, CR, AVE, standardized coefficients, fit indices),
  ``< .001`` for small p values.
- ``lang="fa"``: right-to-left layout, Persian headings, column names and verdicts, and
  Persian digits with the Persian decimal separator and a leading zero (``۰٫۸۵۲``) and
  the minus sign ``−``, in text and tables, as Persian theses print them; variable
  names stay in Latin letters (they are the names in the data and the model). Construct
  labels come from ``labels=``, else from the scale library when a construct is named
  after a scale (``ir.codebook.from_scales``), else the construct's name is shown.
- Random draws: one seed, split with ``numpy.random.SeedSequence.spawn`` into the CB-SEM
  bootstrap, the HTMT bootstrap and the PLS bootstrap, so the same seed gives the same
  report, byte for byte (HTML).

Examples
--------
>>> import im_research as ir
>>> bank = ir.datasets.load("bank_service_profit_chain")
>>> rep = ir.report.analysis_report(bank, bank.attrs["codebook"]["model_syntax"],
...                                 codebook=bank.attrs["codebook"], n_boot=50, seed=1)
>>> bool(rep.tables["fit"].loc[0, "cfi"] > .95)
True
>>> list(rep.tables)[:3]
['sample', 'loadings', 'reliability']
"""

from __future__ import annotations

import platform
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError
from ..inference.bootstrap import bootstrap
from ..inference.effects import indirect_effects
from ..inference.invariance import CRITERIA as INVARIANCE_CRITERIA
from ..inference.invariance import invariance
from ..measurement.multilevel import icc
from ..measurement.reliability import THRESHOLDS, reliability
from ..measurement.validity import fornell_larcker, htmt_inference
from ..scales.scoring import reverse_code
from ..sem.estimate import fit as sem_fit
from ..sem.syntax import parse
from ..survey.codebook import Codebook, load_codebook
from ..survey.quality import DEFAULT_THRESHOLDS
from ..validation import as_bool, as_count, as_frame, as_seed, seed_sequence, show
from .analysis_text import REFERENCES
from .analysis_text import TEXT as _T
from .report import fit_table, path_diagram

__all__ = ["analysis_report", "AnalysisReport", "FIT_CUTOFFS", "HTMT_CUTOFF"]

#: Hu & Bentler (1999) cut-offs: (index, direction, value).
FIT_CUTOFFS = {"cfi": (">=", 0.95), "tli": (">=", 0.95), "rmsea": ("<=", 0.06),
               "srmr": ("<=", 0.08)}
#: Henseler et al. (2015): the upper bound of the HTMT interval below .85 (strict).
HTMT_CUTOFF = 0.85
OMEGA_CUTOFF = 0.70  # the same bar as CR (Hair et al.)


_FA_DIGITS = str.maketrans("0123456789.-", "۰۱۲۳۴۵۶۷۸۹٫−")


def _digits(text, lang) -> str:
    """Persian digits, decimal separator and minus sign in ``text`` (lang="fa")."""
    return str(text).translate(_FA_DIGITS) if lang == "fa" else str(text)


def _num(v, lang="en", digits=3, lead=True) -> str:
    """APA number: ``digits`` decimals; ``lead=False`` drops the leading zero of values
    that cannot exceed 1; NaN as an en dash."""
    if v is None or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
        return "–"
    s = f"{float(v):.{digits}f}"
    if not lead and lang == "en":  # Persian keeps the leading zero (۰٫۸۵)
        s = s.replace("0.", ".", 1) if s.startswith(("0.", "-0.")) else s
    return _digits(s, lang)


def _int(v, lang="en") -> str:
    return _digits(str(int(v)), lang)


def _ci(lo, hi, lang="en", lead=True) -> str:
    """An interval ``[lo, hi]`` (Persian comma in Persian)."""
    sep = "، " if lang == "fa" else ", "
    return f"[{_num(lo, lang, lead=lead)}{sep}{_num(hi, lang, lead=lead)}]"


def _cut(op, value, lang, digits=2) -> str:
    """A threshold such as ``≥ .70``."""
    return f"{op} {_num(value, lang, digits, lead=False)}"


def _p(v, lang="en") -> str:
    if v is None or not np.isfinite(v):
        return "–"
    return _digits("< .001", lang) if v < 0.001 else _num(v, lang, 3, lead=False)


# --------------------------------------------------------------------------- blocks
@dataclass
class Table:
    """A display table: ``number`` (``label``: in the report's digits), ``title``,
    ``columns`` (header texts), ``rows`` (lists of cell texts), ``note`` and ``key`` (its
    name in ``AnalysisReport.tables``)."""

    key: str
    number: int
    title: str
    columns: list
    rows: list
    note: str = ""
    label: str = ""


@dataclass
class Figure:
    """The path diagram: ``svg`` (text) and ``png`` (bytes), ``number`` and ``caption``."""

    number: int
    caption: str
    svg: str
    png: bytes
    label: str = ""


@dataclass
class AnalysisReport:
    """The report of :func:`analysis_report`.

    Attributes
    ----------
    tables : dict of DataFrame
        The numbers behind each table, in report order: ``sample``, ``loadings``,
        ``reliability``, ``fornell_larcker``, ``htmt``, ``fit``, ``paths``, ``indirect``,
        and when requested ``invariance``, ``icc``, ``pls_paths``, ``pls_reliability``,
        ``pls_htmt``.
    blocks : list
        The document in order: ``("h1" | "h2" | "p", text)``, ``("table", Table)``,
        ``("figure", Figure)``.
    lang : {"en", "fa"}
    fit : SEMResult
    boot : BootstrapResult
    pls : PLSResult or None
    import_report : ImportReport or None
        When the data were read from a file.
    screen : ScreenResult or None
    settings : dict
        Estimator, bootstrap draws, seed, software versions.
    """

    tables: dict
    blocks: list
    lang: str
    fit: object
    boot: object
    pls: object = None
    import_report: object = None
    screen: object = None
    settings: dict = field(default_factory=dict)

    def to_html(self, path=None) -> str:
        """Self-contained HTML (figure embedded); written to ``path`` when given."""
        from .analysis_html import write_html

        text = write_html(self)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_docx(self, path) -> Path:
        """A Word document with APA tables (right-to-left for Persian)."""
        from .analysis_docx import write_docx

        return write_docx(self, Path(path))

    def save(self, path) -> Path:
        """Write ``.html``/``.htm`` or ``.docx``, chosen by the suffix of ``path``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            self.to_html(path)
            return path
        if suffix == ".docx":
            return self.to_docx(path)
        raise ArgumentError(f"path={str(path)!r}: the report is written as .html or .docx; "
                            "give a file name ending in one of them")

    def _repr_html_(self):
        from .analysis_html import body_html

        return body_html(self)


# --------------------------------------------------------------------------- inputs
def _bundled_codebook(doc: dict) -> Codebook:
    """A :class:`Codebook` from a bundled dataset's JSON codebook (``datasets.info``)."""
    variables = []
    for v in doc["variables"]:
        coding = str(v.get("coding", ""))
        var = {"name": v["column"], "text": v.get("text_en", "")}
        if "Likert" in coding:
            var.update(type="likert", points=int(coding.split("-")[1].split()[0]),
                       reverse=bool(v.get("reverse")))
            if v.get("construct"):
                var["construct"] = v["construct"]
        elif v["column"].endswith("_id") or v["column"] == "id":
            var["type"] = "id"
        elif coding.startswith(("integer", "years")):
            var["type"] = "numeric"
        else:
            var["type"] = "text"
        variables.append(var)
    return Codebook(doc.get("name", "study"), variables, doc.get("missing_codes") or [])


def _as_codebook(codebook):
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, dict):
        if "variables" not in codebook:
            raise ArgumentError("codebook= is a dict without 'variables'; give a Codebook, "
                                "a codebook file or a bundled dataset's codebook")
        if codebook["variables"] and "column" in codebook["variables"][0]:
            return _bundled_codebook(codebook)
        return Codebook(codebook.get("study", "study"), codebook["variables"],
                        codebook.get("missing_codes") or [],
                        codebook.get("missing_labels") or [])
    if isinstance(codebook, (str, Path)):
        path = Path(codebook)
        if not path.is_file():
            raise DataError(f"codebook file {str(path)!r} does not exist")
        if path.suffix.lower() == ".json":
            import json

            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise DataError(f"codebook file {str(path)!r} is not valid JSON ({exc})") \
                    from None
            return _as_codebook(doc)
        return load_codebook(path)
    raise ArgumentError(f"codebook={show(codebook)}: give a Codebook, a codebook file "
                        "(.yaml, .csv, .xlsx, .json) or None")


def _model_names(model: str):
    """(latent variables, observed variables) of lavaan syntax, in model order."""
    parsed = parse(model)
    latent = [f.lhs for f in parsed.formulas if f.op in ("=~", "<~")]
    latent = list(dict.fromkeys(latent))
    names = []
    for f in parsed.formulas:
        if f.op in ("=~", "<~", "~", "~~"):
            names += [f.lhs] + [t.var for t in f.terms]
    observed = [v for v in dict.fromkeys(names) if v not in latent and v != "1"]
    return parsed, latent, observed


def _measurement_syntax(parsed) -> str:
    return "\n".join(f"{f.lhs} =~ " + " + ".join(t.var for t in f.terms)
                     for f in parsed.formulas if f.op == "=~")


def _pls_syntax(parsed) -> str:
    """The model without labels, fixed values and defined parameters (PLS takes the
    structure only)."""
    return "\n".join(f"{f.lhs} {f.op} " + " + ".join(t.var for t in f.terms)
                     for f in parsed.formulas if f.op in ("=~", "<~", "~"))


def _labels(latent, labels, lang):
    """Construct label per latent variable (module notes: labels=, scale library)."""
    from .. import scales

    out = {}
    known = set(scales.list()["name"])
    for lv in latent:
        given = (labels or {}).get(lv)
        if isinstance(given, dict):
            given = given.get(lang) or given.get("en")
        if given:
            out[lv] = str(given)
        elif lv in known:
            s = scales.get(lv)
            out[lv] = s.construct_fa if lang == "fa" else s.construct
    return out


# --------------------------------------------------------------------------- main
def analysis_report(data, model: str, *, codebook=None, group=None, cluster=None,
                    pls: bool = False, lang: str = "en", n_boot: int = 2000, seed=None,
                    estimator: str = "ML", id_col=None, drop_careless: bool = False,
                    labels=None, title=None) -> AnalysisReport:
    """Analyse a survey with a lavaan model and lay the results out for publication.

    Parameters
    ----------
    data : DataFrame, str or Path
        The answers, one row per respondent, or a survey export (CSV, Excel, SPSS) read
        with :func:`im_research.survey.io.read_survey` and the codebook.
    model : str
        lavaan syntax: the measurement model (``=~``), the structural paths (``~``) and
        optionally defined effects (``:=``).
    codebook : Codebook, str, Path or dict, optional
        The study's codebook (:mod:`im_research.survey.codebook`), a codebook file
        (``.yaml``, ``.csv``, ``.xlsx``, or a bundled dataset's ``.codebook.json``) or a
        bundled dataset's codebook dict (``df.attrs["codebook"]``). It reads the file,
        names the survey items to screen and the id column, and scores reverse-keyed
        items: a model item ``x3r`` absent from the data is ``points + 1 - x3`` when the
        codebook marks ``x3`` reverse-keyed.
    group : str, optional
        Column of a grouping variable: adds measurement invariance across its groups.
    cluster : str, optional
        Column of the unit respondents are nested in (branch, clinic): adds the ICCs of
        the construct scores.
    pls : bool
        Add PLS-SEM estimates of the same model (``ir.pls``) with bootstrap intervals.
    lang : {"en", "fa"}
        Language of the report (Persian: right to left, Persian digits).
    n_boot : int
        Bootstrap draws for the path, indirect-effect, HTMT and PLS intervals (default
        2000; at least 50).
    seed : int or numpy.random.Generator
        Seed of the bootstrap draws (required; printed in the methods paragraph).
    estimator : {"ML", "MLR"}
        CB-SEM estimator (the bootstrap refits by ML, whose estimates MLR shares).
    id_col : str, optional
        Respondent id column (default: the codebook's ``id`` variable, else row labels).
    drop_careless : bool
        Leave out respondents flagged by two or more careless-responding screens
        (default: flag them and keep them).
    labels : dict, optional
        ``{construct: label}`` or ``{construct: {"en": ..., "fa": ...}}``.
    title : str, optional
        Report title.

    Returns
    -------
    AnalysisReport
        ``.tables`` (DataFrames), ``.to_html(path)``, ``.to_docx(path)``, ``.save(path)``.

    Raises
    ------
    ArgumentError
        For a bad argument (named, with what to pass instead).
    DataError
        When a column named by ``group``, ``cluster``, ``id_col`` or the model is
        missing, or codes are outside the codebook's ranges.

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain")
    >>> model = bank.attrs["codebook"]["model_syntax"]
    >>> rep = ir.report.analysis_report(bank, model, codebook=bank.attrs["codebook"],
    ...                                 group="role", n_boot=50, seed=1, lang="fa")
    >>> list(rep.tables["invariance"].index)
    ['configural', 'metric', 'scalar', 'strict']
    >>> html = rep.to_html()
    >>> 'dir="rtl"' in html
    True
    """
    if lang not in _T:
        raise ArgumentError(f"lang={show(lang)}: choose 'en' (English) or 'fa' (Persian)")
    if not isinstance(model, str) or not model.strip():
        raise ArgumentError(f"model={show(model)}: give the model as lavaan syntax")
    if estimator not in ("ML", "MLR"):
        raise ArgumentError(f"estimator={show(estimator)}: choose 'ML' or 'MLR'")
    n_boot = as_count(n_boot, "n_boot", minimum=50,
                      hint="bootstrap draws for the intervals (default 2000)")
    as_seed(seed)
    pls = as_bool(pls, "pls")
    drop_careless = as_bool(drop_careless, "drop_careless")
    for arg, value in (("group", group), ("cluster", cluster), ("id_col", id_col)):
        if value is not None and not isinstance(value, str):
            raise ArgumentError(f"{arg}={show(value)}: give the name of a column")
    if labels is not None and not isinstance(labels, dict):
        raise ArgumentError(f"labels={show(labels)}: give a dict {{construct: label}}")
    T = _T[lang]
    cb = _as_codebook(codebook)
    import_report = None
    source = None
    if isinstance(data, (str, Path)):
        from ..survey.io import read_survey

        data, import_report = read_survey(Path(data), codebook=cb)
        source = import_report.source
    else:
        data = as_frame(data).copy()
        data.attrs = {}
        if cb is not None:
            bad = cb.validate(data)
            if len(bad):
                r = bad.iloc[0]
                value = r["value"].item() if hasattr(r["value"], "item") else r["value"]
                raise DataError(f"{len(bad)} answer(s) outside the codebook's codes, e.g. "
                                f"column {r['column']!r}, row {r['row']}: {value!r} "
                                f"({r['reason']}); correct them or set them missing")
    parsed, latent, observed = _model_names(model)
    data = _reverse_scored(data, observed, cb)
    for arg, col in (("group", group), ("cluster", cluster), ("id_col", id_col)):
        if col is not None and col not in data.columns:
            raise DataError(f"{arg}={col!r} is not a column of the data (columns: "
                            f"{show(list(data.columns), 200)})")
    if id_col is None and cb is not None:
        ids = [v["name"] for v in cb.variables if v["type"] == "id" and v["name"] in data]
        id_col = ids[0] if ids else None

    # ---- sample: rows read, dropped and why
    seeds = seed_sequence(seed).spawn(3)  # CB-SEM bootstrap, HTMT bootstrap, PLS bootstrap
    total = len(data)
    steps = [("read", total, T["from_file"].format(file=source, kind=import_report.file_type)
              if import_report else "")]
    if import_report is not None and import_report.blank_rows:
        steps.append(("blank", len(import_report.blank_rows), ""))
    work = data
    for arg, col in (("miss_group", group), ("miss_cluster", cluster)):
        if col is not None:
            lost = int(work[col].isna().sum())
            if lost:
                steps.append((arg, -lost, ""))
                work = work[work[col].notna()]
    scr, screen_note = _screen(work, observed, cb, id_col, T)
    min_flags = DEFAULT_THRESHOLDS["min_flags"]
    if scr is not None and drop_careless:
        keep = ~scr.table["suspect"].to_numpy()
        if (~keep).sum():
            steps.append(("careless_drop", -int((~keep).sum()), ""))
        work = work[keep]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sem_fit(model, data=work, estimator=estimator, cluster=cluster)
    # listwise deletion is in Table 1; other data and Heywood warnings go to the methods
    fit_warnings = [str(w.message) for w in caught if issubclass(w.category, UserWarning)
                    and "listwise deletion" not in str(w.message)]
    if res.nobs < len(work):
        steps.append(("listwise", -(len(work) - res.nobs), ""))
    steps.append(("analysed", res.nobs, ""))
    sample = pd.DataFrame(steps, columns=["step", "rows", "detail"])
    used = work.loc[res.data.index]

    # ---- the analyses (library calls only)
    boot = bootstrap(res, n_boot=n_boot, seed=seeds[0], progress=False)
    rel = reliability(res)
    fl = fornell_larcker(res)
    meas = _measurement_syntax(parsed)
    htmt_tab = (htmt_inference(meas, used, n_boot=n_boot, seed=seeds[1])
                if len(latent) >= 2 else None)
    effects = indirect_effects(res, boot=boot)
    inv = invariance(meas, used, group=group, estimator=estimator) if group else None
    icc_tab = _icc(used, res, cluster) if cluster else None
    pls_res = pls_boot = None
    if pls:
        from ..pls import pls as pls_fit

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the CB-SEM section already reports the data
            pls_res = pls_fit(_pls_syntax(parsed), used)
        pls_boot = pls_res.bootstrap(n_boot, seed=np.random.default_rng(seeds[2]))

    names = _labels(latent, labels, lang)
    settings = _settings(res, n_boot, seed, estimator, pls)
    rep = _Builder(T, lang)
    rep.h1(title or T["title"])
    # 1. sample
    rep.h2(T["sample"])
    rep.table("sample", T["t_sample"], [T["step"], T["rows"], T["reason"]],
              [[T[s].format(col=group if s == "miss_group" else cluster,
                            k=_int(min_flags, lang)), _int(abs(n), lang), d]
               for s, n, d in steps], "", sample)
    notes = []
    if scr is not None:
        flagged = scr.table.loc[scr.table["suspect"], "id"].tolist()
        sep = "، " if lang == "fa" else ", "
        ids = (T["ids"].format(ids=sep.join(_digits(i, lang) for i in flagged))
               if 0 < len(flagged) <= 20 else "")
        notes.append(T["flags"].format(n=_int(len(flagged), lang), total=_int(total, lang),
                                       k=_int(min_flags, lang), ids=ids,
                                       what=T["flags_dropped" if drop_careless
                                              else "flags_kept"]))
    else:
        notes.append(T["no_screen"].format(why=screen_note))
    if import_report is not None:
        if len(import_report.problems):
            notes.append(T["import_problems"].format(n=_int(len(import_report.problems),
                                                             lang)))
        n_user = sum(sum(v.values()) for v in import_report.user_missing.values())
        if n_user:
            notes.append(T["user_missing"].format(n=_int(n_user, lang)))
    for text in notes:
        rep.p(text)
    if names:
        rep.p(T["constructs"] + ": " + ("؛ " if lang == "fa" else "; ").join(
            f"{k} = {v}" for k, v in names.items()))
    # 2. measurement model
    rep.h2(T["measurement"])
    _loadings(rep, res)
    _reliability(rep, rel)
    _fornell_larcker(rep, fl)
    if htmt_tab is not None:
        _htmt(rep, htmt_tab, n_boot)
    # 3. fit
    rep.h2(T["fit"])
    _fit(rep, res)
    # 4. structural model
    rep.h2(T["structural"])
    _paths(rep, res, boot, n_boot)
    rep.h2(T["indirect"])
    _indirect(rep, res, effects, boot, n_boot)
    if inv is not None:
        rep.h2(T["invariance"].format(group=group))
        _invariance(rep, inv, group, used[group])
    if icc_tab is not None:
        rep.h2(T["nesting"].format(cluster=cluster))
        _icc_table(rep, icc_tab, cluster)
    if pls_res is not None:
        rep.h2(T["pls"])
        _pls(rep, pls_res, pls_boot, n_boot)
    rep.h2(T["diagram"])
    _figure(rep, res, names, lang)
    rep.h2(T["methods"])
    rep.p(_methods(T, lang, settings, res, total, group, pls, n_boot))
    for w in fit_warnings:
        rep.p(w)
    rep.h2(T["references"])
    for key in sorted(_cited(group, pls, scr is not None)):
        rep.p(REFERENCES[key])
    return AnalysisReport(rep.tables, rep.blocks, lang, res, boot, pls_res, import_report,
                          scr, settings)


def _reverse_scored(data, observed, cb):
    """Add ``<item>r`` = points + 1 − item for model items the codebook marks reversed."""
    if cb is None:
        return data
    byname = cb.variables_by_name()
    rev = {v[:-1]: byname[v[:-1]]["points"] for v in observed
           if v not in data.columns and v.endswith("r") and v[:-1] in data.columns
           and byname.get(v[:-1], {}).get("reverse") and byname[v[:-1]].get("points")}
    return reverse_code(data, rev) if rev else data


def _screen(data, observed, cb, id_col, T):
    """quality.screen over the survey's items (the codebook's Likert items, else the
    model's items as answered: ``x3`` for a reverse-scored ``x3r``)."""
    from ..survey.quality import screen

    if cb is not None:
        items = [v["name"] for v in cb.items() if v["name"] in data.columns]
    else:
        items = []
    if not items:
        items = [v[:-1] if v.endswith("r") and v[:-1] in data.columns else v
                 for v in observed]
        items = [v for v in dict.fromkeys(items) if v in data.columns]
    if len(items) < 2:
        return None, "fewer than two survey items"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return screen(data, items, id_col=id_col), ""


def _icc(data, res, cluster):
    from ..scales.scoring import composite_scores

    scores = composite_scores(data, res.indicators)
    scores[cluster] = data[cluster].to_numpy()
    return pd.DataFrame({f: icc(scores, f, cluster) for f in res.indicators}).T


def _settings(res, n_boot, seed, estimator, pls):
    import scipy

    from .. import __version__

    return {"im_research": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__,
            "estimator": estimator, "n_boot": n_boot,
            "seed": seed if isinstance(seed, int) else repr(seed), "pls": pls,
            "nobs": int(res.nobs)}


def _cited(group, pls, screened):
    keys = {"fornell", "hair", "henseler", "hu", "rosseel"}
    if group:
        keys |= {"cheung", "chen"}
    if screened:
        keys |= {"curran", "meade"}
    return keys


def _methods(T, lang, st, res, total, group, pls, n_boot):
    dropped = total - res.nobs
    drop = (T["methods_drop"].format(k=_int(dropped, lang), total=_int(total, lang))
            if dropped else T["methods_nodrop"])
    extra = (T["methods_cluster"].format(c=_int(res.nclusters, lang), cluster=res.cluster)
             if getattr(res, "cluster", None) else "") + \
        (T["methods_inv"].format(group=group) if group else "") + \
        (T["methods_pls"].format(b=_int(n_boot, lang)) if pls else "")
    py = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    return T["methods_text"].format(
        ver=st["im_research"], py=py, np=st["numpy"], sp=st["scipy"], pd=st["pandas"],
        est=T["ml" if st["estimator"] == "ML" else "mlr"], n=_int(res.nobs, lang),
        drop=drop, b=_int(n_boot, lang), seed=_digits(st["seed"], lang), extra=extra)


class _Builder:
    def __init__(self, T, lang):
        self.T, self.lang = T, lang
        self.blocks, self.tables = [], {}
        self.n_tables = 0

    def h1(self, text):
        self.blocks.append(("h1", text))

    def h2(self, text):
        self.blocks.append(("h2", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def table(self, key, title, columns, rows, note, frame):
        self.n_tables += 1
        self.tables[key] = frame
        self.blocks.append(("table", Table(key, self.n_tables, title, columns, rows, note,
                                           _int(self.n_tables, self.lang))))

    def verdict(self, ok):
        return self.T["meets"] if ok else self.T["fails"]


# --------------------------------------------------------------------------- sections
def _loadings(rep, res):
    T, L = rep.T, rep.lang
    p = res.params
    load = p[p["op"] == "=~"][["lhs", "rhs", "est", "se", "pvalue", "std_all"]]
    cut = THRESHOLDS["loading"]
    frame = load.rename(columns={"lhs": "factor", "rhs": "item"}).reset_index(drop=True)
    frame["meets"] = frame["std_all"] >= cut
    rows = [[r.factor, r.item, _num(r.est, L), _num(r.se, L) if r.se > 0 else "–",
             _num(r.std_all, L, lead=False), _p(r.pvalue, L),
             _cut("≥", cut, L, 3), rep.verdict(r.meets)]
            for r in frame.itertuples()]
    rep.table("loadings", T["t_loadings"],
              [T["factor"], T["item"], T["b"], T["se"], T["beta"], T["p"], T["threshold"],
               T["verdict"]], rows,
              T["n_loadings"].format(t=_num(cut, L, lead=False)), frame)


def _reliability(rep, rel):
    T, L = rep.T, rep.lang
    frame = rel[["factor", "n_items", "alpha", "omega", "cr", "ave", "alpha_ok", "cr_ok",
                 "ave_ok"]].copy()
    frame["omega_ok"] = frame["omega"] >= OMEGA_CUTOFF
    frame["meets"] = frame[["alpha_ok", "omega_ok", "cr_ok", "ave_ok"]].all(axis=1)
    rows = [[r.factor, _int(r.n_items, L), _num(r.alpha, L, lead=False),
             _num(r.omega, L, lead=False), _num(r.cr, L, lead=False),
             _num(r.ave, L, lead=False), rep.verdict(r.meets)] for r in frame.itertuples()]
    rep.table("reliability", T["t_reliability"],
              [T["factor"], T["n_items"], T["alpha"], T["omega"], T["cr"], T["ave"],
               T["verdict"]], rows, T["n_reliability"], frame)


def _fornell_larcker(rep, fl):
    T, L = rep.T, rep.lang
    factors = [c for c in fl.columns if c != "criterion_met"]
    rows = [[f] + [_num(fl.loc[f, g], L, lead=False) if pd.notna(fl.loc[f, g]) else ""
                   for g in factors] + [rep.verdict(fl.loc[f, "criterion_met"])]
            for f in factors]
    rep.table("fornell_larcker", T["t_fl"], [T["factor"]] + factors + [T["verdict"]], rows,
              T["n_fl"], fl)


def _htmt(rep, tab, n_boot):
    T, L = rep.T, rep.lang
    frame = tab.copy()
    rows = [[f"{r.factor_a} – {r.factor_b}", _num(r.htmt, L, lead=False),
             _num(r.ci_lower, L, lead=False), _num(r.ci_upper, L, lead=False),
             _cut("<", HTMT_CUTOFF, L),
             rep.verdict(r.ci_upper < HTMT_CUTOFF)] for r in frame.itertuples()]
    rep.table("htmt", T["t_htmt"], [T["pair"], T["htmt"], T["ci_l"], T["ci_u"],
                                    T["threshold"], T["verdict"]], rows,
              T["n_htmt"].format(b=_int(n_boot, L)), frame)


def _fit(rep, res):
    T, L = rep.T, rep.lang
    ft = fit_table(res).iloc[0]
    robust = "chisq_scaled" in res.fit_measures.index  # MLR, or cluster-robust ML
    key = (lambda k: {"chisq": "chisq_scaled", "pvalue": "pvalue_scaled",
                      "cfi": "cfi_robust", "tli": "tli_robust", "rmsea": "rmsea_robust",
                      "rmsea_ci_lower": "rmsea_ci_lower_robust",
                      "rmsea_ci_upper": "rmsea_ci_upper_robust"}.get(k, k)) if robust \
        else (lambda k: k)
    values = {k: float(ft[key(k)]) for k in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea",
                                             "rmsea_ci_lower", "rmsea_ci_upper", "srmr")}
    frame = pd.DataFrame([values])
    for k, (op, cut) in FIT_CUTOFFS.items():
        frame[f"{k}_ok"] = values[k] >= cut if op == ">=" else values[k] <= cut
    rows = [[T["chisq"], _num(values["chisq"], L),
             T["df_p"].format(df_label=T["df"], df=_int(values["df"], L),
                              p=_p(values["pvalue"], L)), ""]]
    for k, (op, cut) in FIT_CUTOFFS.items():
        val = _num(values[k], L, lead=False)
        if k == "rmsea":
            val += " " + _ci(values["rmsea_ci_lower"], values["rmsea_ci_upper"], L, False)
        rows.append([k.upper(), val, _cut("≥" if op == ">=" else "≤", cut, L),
                     rep.verdict(bool(frame.loc[0, f"{k}_ok"]))])
    rep.table("fit", T["t_fit"], [T["index"], T["value"], T["cutoff"], T["verdict"]], rows,
              T["n_fit"] + (T["n_fit_robust"] if robust else ""), frame)


def _boot_rows(boot, op):
    t = boot.table
    return t[t["op"] == op].set_index(["lhs", "rhs"])


def _paths(rep, res, boot, n_boot):
    T, L = rep.T, rep.lang
    p = res.params
    reg = p[p["op"] == "~"].reset_index(drop=True)
    bt = _boot_rows(boot, "~")
    frame = pd.DataFrame({
        "lhs": reg["lhs"], "rhs": reg["rhs"], "est": reg["est"], "se": reg["se"],
        "std_all": reg["std_all"], "pvalue": reg["pvalue"], "ci_lower": reg["ci_lower"],
        "ci_upper": reg["ci_upper"],
        "boot_ci_lower": [bt.loc[(a, b), "ci_lower"] for a, b in zip(reg["lhs"], reg["rhs"])],
        "boot_ci_upper": [bt.loc[(a, b), "ci_upper"] for a, b in zip(reg["lhs"], reg["rhs"])],
        "r2": [res.rsquare.get(a, np.nan) for a in reg["lhs"]]})
    rows = []
    seen = set()
    for r in frame.itertuples():
        rows.append([f"{r.rhs} → {r.lhs}", _num(r.est, L), _num(r.se, L),
                     _num(r.std_all, L, lead=False), _p(r.pvalue, L),
                     _ci(r.ci_lower, r.ci_upper, L), _ci(r.boot_ci_lower, r.boot_ci_upper, L),
                     "" if r.lhs in seen else _num(r.r2, L, lead=False)])
        seen.add(r.lhs)
    rep.table("paths", T["t_paths"], [T["path"], T["b"], T["se"], T["beta"], T["p"], T["ci"],
                                      T["boot_ci"], T["r2"]], rows,
              T["n_paths"].format(b=_int(n_boot, L)), frame)


def _indirect(rep, res, effects, boot, n_boot):
    T, L = rep.T, rep.lang
    ind = effects[effects["kind"].isin(["indirect", "total_indirect"])] if len(effects) \
        else effects
    defined = boot.table[boot.table["op"] == ":="]
    if not len(ind) and not len(defined):
        rep.p(T["no_indirect"])
        return
    frame = pd.DataFrame({
        "effect": list(ind["path"].str.replace("->", "→").where(
            ind["kind"] == "indirect", ind["x"] + " ⇒ " + ind["y"])) + list(defined["lhs"]),
        "kind": list(ind["kind"]) + ["defined"] * len(defined),
        "est": list(ind["est"]) + list(defined["est"]),
        "std_all": list(ind["std_all"]) + [
            res.params.loc[(res.params["op"] == ":=") & (res.params["lhs"] == d),
                           "std_all"].iloc[0] for d in defined["lhs"]],
        "boot_se": list(ind["boot_se"]) + list(defined["boot_se"]),
        "boot_ci_lower": list(ind["boot_ci_lower"]) + list(defined["ci_lower"]),
        "boot_ci_upper": list(ind["boot_ci_upper"]) + list(defined["ci_upper"])})
    kinds = {"indirect": T["indirect_kind"], "total_indirect": T["total_indirect"],
             "defined": T["defined"]}
    rows = [[r.effect, kinds[r.kind], _num(r.est, L), _num(r.std_all, L, lead=False),
             _num(r.boot_se, L), _ci(r.boot_ci_lower, r.boot_ci_upper, L)]
            for r in frame.itertuples()]
    rep.table("indirect", T["t_indirect"], [T["effect"], "", T["b"], T["beta"], T["se"],
                                            T["boot_ci"]], rows,
              T["n_indirect"].format(b=_int(n_boot, L)), frame)


def _invariance(rep, inv, group, groups):
    T, L = rep.T, rep.lang
    frame = inv.drop(columns=[c for c in ("verdict",) if c in inv]).copy()
    frame["supported"] = [None if s == inv.index[0] else "NOT supported" not in v
                          for s, v in zip(inv.index, inv["verdict"])]
    rows = []
    for step, r in frame.iterrows():
        first = step == frame.index[0]
        rows.append([T["steps"].get(step, step), _num(r["chisq"], L), _int(r["df"], L),
                     _num(r["cfi"], L, lead=False), _num(r["rmsea"], L, lead=False),
                     _num(r["srmr"], L, lead=False),
                     "" if first else _num(r["delta_chisq"], L),
                     "" if first else _int(r["delta_df"], L),
                     "" if first else _p(r["delta_pvalue"], L),
                     "" if first else _num(r["delta_cfi"], L, lead=False),
                     "" if first else _num(r["delta_rmsea"], L, lead=False),
                     "" if first else _num(r["delta_srmr"], L, lead=False),
                     T["baseline"] if first else
                     T["supported" if r["supported"] else "not_supported"]])
    counts = groups.value_counts(sort=False)
    desc = ("، " if L == "fa" else ", ").join(f"{g}: n = {_int(n, L)}"
                                               for g, n in counts.items())
    crit = INVARIANCE_CRITERIA
    rep.table("invariance", T["t_invariance"].format(group=group, groups=desc),
              [T["model"], T["chisq"], T["df"], "CFI", "RMSEA", "SRMR", T["dchisq"],
               T["ddf"], T["dp"], T["dcfi"], T["drmsea"], T["dsrmr"], T["verdict"]], rows,
              T["n_invariance"].format(
                  dcfi=_num(crit["delta_cfi"], L, lead=False),
                  drmsea=_num(crit["delta_rmsea"], L, lead=False)), frame)


def _icc_table(rep, tab, cluster):
    T, L = rep.T, rep.lang
    rows = [[f, _num(r["icc1"], L, lead=False), _num(r["icc2"], L, lead=False),
             _int(r["n_groups"], L)] for f, r in tab.iterrows()]
    rep.table("icc", T["t_icc"].format(cluster=cluster),
              [T["factor"], T["icc1"], T["icc2"], T["units"]], rows, T["n_icc"], tab)


def _pls(rep, res, boot, n_boot):
    T, L = rep.T, rep.lang
    bp = boot.paths
    frame = bp[["original", "sd", "t", "ci_lower", "ci_upper"]].copy()
    frame["r2"] = [res.rsquare["r2"].get(k.split(" -> ")[1], np.nan) for k in frame.index]
    rows = [[k.replace("->", "→"), _num(r["original"], L, lead=False), _num(r["sd"], L),
             _num(r["t"], L, 2), _ci(r["ci_lower"], r["ci_upper"], L),
             _num(r["r2"], L, lead=False)] for k, r in frame.iterrows()]
    note = T["n_pls"].format(b=_int(n_boot, L))
    rep.table("pls_paths", T["t_pls_paths"], [T["path"], T["beta"], T["se"], T["t_value"],
                                              T["boot_ci"], T["r2"]], rows, note, frame)
    rel = res.reliability()
    rows = [[f, _num(r["alpha"], L, lead=False), _num(r["rhoA"], L, lead=False),
             _num(r["rhoC"], L, lead=False), _num(r["AVE"], L, lead=False),
             rep.verdict(r["rhoA"] >= .70 and r["rhoC"] >= .70 and r["AVE"] >= .50)]
            for f, r in rel.iterrows()]
    rep.table("pls_reliability", T["t_pls_rel"], [T["factor"], T["alpha"], T["rhoa"],
                                                  T["rhoc"], T["ave"], T["verdict"]],
              rows, T["n_pls_rel"], rel)
    ht = boot.htmt[["original", "ci_lower", "ci_upper"]]
    rows = [[k.replace(" ~ ", " – "), _num(r["original"], L, lead=False),
             _num(r["ci_lower"], L, lead=False), _num(r["ci_upper"], L, lead=False),
             rep.verdict(r["ci_upper"] < HTMT_CUTOFF)] for k, r in ht.iterrows()]
    rep.table("pls_htmt", T["t_pls_htmt"], [T["pair"], T["htmt"], T["ci_l"], T["ci_u"],
                                            T["verdict"]], rows,
              T["n_pls_htmt"].format(b=_int(n_boot, L)), ht)


def _figure(rep, res, names, lang):
    if shutil.which("dot") is None:
        rep.p(rep.T["no_dot"])
        return
    # Persian labels need a font that shapes Arabic script; DejaVu Sans (installed with
    # Graphviz on Debian) does, Vazirmatn/Noto Sans Arabic are preferred when present
    font = ("Vazirmatn, Noto Sans Arabic, DejaVu Sans" if lang == "fa"
            else "Helvetica, Arial, DejaVu Sans")
    labels = {k: f"{v}\n({k})" for k, v in names.items()} if lang == "fa" else \
        {k: f"{k}\n{v}" for k, v in names.items()}
    g = path_diagram(res, labels=labels, fontname=font,
                     number=lambda v: _num(v, lang, 2, lead=False))
    if lang == "fa":  # read from right to left, as the text
        g.graph_attr["rankdir"] = "RL"
    svg = g.pipe(format="svg").decode("utf-8")
    g.graph_attr["dpi"] = "200"  # sharp in print; the SVG stays at its natural size
    png = g.pipe(format="png")
    rep.blocks.append(("figure", Figure(1, rep.T["f_caption"], svg, png, _int(1, lang))))
