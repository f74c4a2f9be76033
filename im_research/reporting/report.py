"""Publication tables (APA style) and path diagrams from a fitted model.

Tables are DataFrames; :func:`render` turns any of them into Markdown, HTML or LaTeX.
:func:`path_diagram` builds a Graphviz diagram with standardized estimates; rendering to
PNG/SVG needs Graphviz's ``dot`` program (``apt-get install graphviz``, ``brew install
graphviz`` or ``conda install graphviz``) — without it :func:`save_path_diagram` raises a
clear error and the DOT source is still available.

Examples
--------
>>> import im_research as ir
>>> from im_research.teaching.flagship import fit_flagship
>>> res = fit_flagship()
>>> print(ir.report.render(ir.report.fit_table(res), "markdown").splitlines()[0])
| model | chisq | df | pvalue | cfi | tli | rmsea | rmsea_ci_lower | rmsea_ci_upper | srmr |
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ArgumentError, IMResearchError
from ..measurement.reliability import item_statistics, reliability
from ..measurement.validity import fornell_larcker

__all__ = ["measurement_table", "reliability_table", "correlation_table", "paths_table",
           "fit_table", "render", "path_diagram", "save_path_diagram", "latent_means_table"]


def __getattr__(name):
    # PEP 562: ``ir.report.analysis_report`` (the full report, reporting/analysis.py) loads
    # on first use; analysis.py builds on this module, so it is not imported at the top
    if name in ("analysis_report", "AnalysisReport"):
        from importlib import import_module

        return getattr(import_module(".analysis", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _stars(p):
    return np.select([p < .001, p < .01, p < .05], ["***", "**", "*"], "")


def measurement_table(fit) -> pd.DataFrame:
    """Loadings (unstandardized with SE, standardized) with item-rest correlations."""
    p = fit.params
    load = p[p["op"] == "=~"][["lhs", "rhs", "est", "se", "z", "pvalue", "std_all"]]
    items = item_statistics(fit)[["item", "item_rest_r"]]
    out = load.merge(items, left_on="rhs", right_on="item", how="left").drop(columns="item")
    return out.rename(columns={"lhs": "factor", "rhs": "item"})


def reliability_table(fit) -> pd.DataFrame:
    """Alpha, omega, CR, AVE and √AVE per factor, with threshold flags."""
    return reliability(fit)[["factor", "n_items", "alpha", "omega", "cr", "ave", "sqrt_ave",
                             "cr_ok", "ave_ok", "loadings_ok"]]


def correlation_table(fit) -> pd.DataFrame:
    """Factor correlations with √AVE on the diagonal (Fornell–Larcker)."""
    return fornell_larcker(fit).drop(columns="criterion_met")


def paths_table(fit) -> pd.DataFrame:
    """Structural paths and defined effects with 95% CIs and significance stars."""
    p = fit.params
    t = p[p["op"].isin(["~", ":="])][["lhs", "op", "rhs", "est", "se", "z", "pvalue",
                                      "ci_lower", "ci_upper", "std_all"]].copy()
    t["sig"] = _stars(t["pvalue"].fillna(1).to_numpy())
    return t.reset_index(drop=True)


def fit_table(fits) -> pd.DataFrame:
    """Fit summary of one result or of a dict ``{name: result}``.

    When any fit is robust (MLR, WLSMV) the scaled test and the robust CFI/TLI/RMSEA
    (the versions to report) are added; other fits show NaN there."""
    if not isinstance(fits, dict):
        fits = {"model": fits}
    keys = ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_lower",
            "rmsea_ci_upper", "srmr"]
    if any("chisq_scaled" in r.fit_measures.index for r in fits.values()):
        keys += ["chisq_scaled", "pvalue_scaled", "cfi_robust", "tli_robust",
                 "rmsea_robust", "rmsea_ci_lower_robust", "rmsea_ci_upper_robust"]
    out = pd.DataFrame({name: r.fit_measures.reindex(keys) for name, r in fits.items()}).T
    out.index.name = "model"
    return out.reset_index()


def _fmt(v, digits):
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:.{digits}f}"
    return str(v)


def render(table: pd.DataFrame, fmt: str = "markdown", digits: int = 3, caption=None) -> str:
    """Render a table as ``"markdown"``, ``"html"`` or ``"latex"``."""
    cells = table.apply(lambda col: col.map(lambda v: _fmt(v, digits)))
    if fmt == "markdown":
        header = "| " + " | ".join(map(str, table.columns)) + " |"
        sep = "|" + "|".join(" --- " for _ in table.columns) + "|"
        body = ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
        text = "\n".join([header, sep] + body)
        return (f"**{caption}**\n\n" + text) if caption else text
    if fmt == "html":
        html = cells.to_html(index=False, escape=True)
        if caption:
            import html as _html
            html = html.replace(">", f"><caption>{_html.escape(caption)}</caption>", 1)
        return html
    if fmt == "latex":
        esc = cells.apply(lambda col: col.str.replace("_", r"\_", regex=False))
        esc.columns = [str(c).replace("_", r"\_") for c in esc.columns]
        return esc.to_latex(index=False, caption=caption, escape=False)
    raise ValueError("fmt must be 'markdown', 'html' or 'latex'")


def path_diagram(fit, standardized: bool = True, show_items: bool = True, labels=None,
                 fontname: str = "Helvetica", number=None):
    """A ``graphviz.Digraph`` of the model: latent variables as ellipses, observed as
    boxes, loadings and paths labelled with standardized (or raw) estimates; paths
    significant at .05 drawn solid, others dashed.

    ``labels`` (``{variable: text}``) names the nodes; ``fontname`` is a font family (or a
    comma-separated list) able to draw them — Persian labels need one that shapes Arabic
    script, such as ``"Vazirmatn, DejaVu Sans"``; ``number`` formats the estimates (a
    function of a float; default two decimals)."""
    import graphviz

    col = "std_all" if standardized else "est"
    labels = labels or {}
    number = number or (lambda v: f"{v:.2f}")
    g = graphviz.Digraph("sem", graph_attr={"rankdir": "LR", "splines": "spline"},
                         node_attr={"fontname": fontname, "fontsize": "11"},
                         edge_attr={"fontname": fontname})  # else labels fall back to Times
    p = fit.params
    if "group" in p.columns:
        p = p[p["group"] == fit.group_labels[0]]
    for lv in fit.latent:
        g.node(lv, label=labels.get(lv, lv), shape="ellipse")
    for _, r in p[p["op"] == "=~"].iterrows():
        if r["rhs"] in fit.latent:  # a second-order loading: factor to factor
            g.edge(r["lhs"], r["rhs"], label=number(r[col]), fontsize="9")
        elif show_items:
            g.node(r["rhs"], label=labels.get(r["rhs"], r["rhs"]), shape="box")
            g.edge(r["lhs"], r["rhs"], label=number(r[col]), fontsize="9")
    for _, r in p[p["op"] == "~"].iterrows():
        for v in (r["rhs"], r["lhs"]):
            if v not in fit.latent:
                g.node(v, label=labels.get(v, v), shape="box")
        sig = not (r["pvalue"] >= 0.05)
        g.edge(r["rhs"], r["lhs"], label=number(r[col]) + ("*" if sig else ""),
               style="solid" if sig else "dashed", penwidth="1.6")
    for _, r in p[(p["op"] == "~~") & (p["lhs"] != p["rhs"])].iterrows():
        if r["lhs"] in fit.latent and r["rhs"] in fit.latent:
            g.edge(r["lhs"], r["rhs"], label=number(r[col]), dir="both", style="dotted",
                   constraint="false")
    return g


def save_path_diagram(fit, path, **kwargs) -> Path:
    """Render :func:`path_diagram` to ``path`` (``.svg``, ``.png`` or ``.pdf``)."""
    path = Path(path)
    if shutil.which("dot") is None:
        raise IMResearchError(
            "Graphviz's 'dot' program is needed to draw the diagram: install it with "
            "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
            "'conda install graphviz'. path_diagram(fit).source gives the DOT text.")
    fmt = path.suffix.lstrip(".") or "svg"
    g = path_diagram(fit, **kwargs)
    out = g.render(outfile=str(path), format=fmt, cleanup=True)
    return Path(out)


def _latent_mean_rows(fit) -> pd.DataFrame:
    """The ``~1`` rows of the latent variables of a multi-group fit."""
    from ..validation import check_fitted

    check_fitted(fit, "fit", "latent_means_table()")
    if fit.ngroups < 2:
        raise ArgumentError("latent means are compared between groups: give a multi-group "
                            "fit (group=..., with group_equal=('loadings', 'intercepts'))")
    p = fit.params
    rows = p[(p["op"] == "~1") & p["lhs"].isin(fit.latent)]
    if rows.empty:
        raise ArgumentError("the fit has no latent means; fit it with group= (which adds "
                            "the mean structure)")
    return rows


def latent_means_table(fit, column: str = "est") -> pd.DataFrame:
    """Latent means of a multi-group fit: one row per group, one column per factor.

    With equal loadings and intercepts (scalar invariance), lavaan fixes the latent means
    of the first group at 0 and estimates those of the other groups as differences from
    it: in the units of each factor's marker item (``column="est"``), or of the factor's
    standard deviation in that group (``"std_all"``); ``"se"`` and ``"pvalue"`` give the
    tests against the first group. Without equal intercepts the latent means are fixed
    at 0 in every group (and say nothing).

    Examples
    --------
    >>> import im_research as ir
    >>> air = ir.datasets.load("airline_integrated_marketing")
    >>> res = ir.fit("ifc =~ ifc1 + ifc2 + ifc3 + ifc4", data=air, group="department",
    ...              group_equal=("loadings", "intercepts"))
    >>> float(ir.report.latent_means_table(res).round(2).loc["HR", "ifc"])
    -0.71
    """
    rows = _latent_mean_rows(fit)
    if column not in rows.columns:
        raise ArgumentError(f"column={column!r}: choose one of 'est', 'se', 'pvalue', "
                            "'std_all'")
    table = rows.pivot(index="group", columns="lhs", values=column)
    table = table.loc[fit.group_labels, [f for f in fit.latent if f in table.columns]]
    table.index.name, table.columns.name = None, None
    return table

