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
    # PEP 562: ``ir.report.analysis_report`` (the full report, reporting/analysis.py) and
    # ``ir.report.localize`` (Persian tables, in its number format) load on first use;
    # analysis.py builds on this module, so it is not imported at the top
    module = {"analysis_report": ".analysis", "AnalysisReport": ".analysis",
              "localize": ".localize", "format_number": ".localize"}.get(name)
    if module is not None:
        from importlib import import_module

        return getattr(import_module(module, __package__), name)
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
                 fontname: str = "Helvetica", number=None, boot=None):
    """A ``graphviz.Digraph`` of the model: latent variables as ellipses, observed as
    boxes, loadings and paths labelled with standardized (or raw) estimates; paths
    significant at .05 drawn solid, others dashed.

    ``labels`` (``{variable: text}``) names the nodes; ``fontname`` is a font family (or a
    comma-separated list) able to draw them — Persian labels need one that shapes Arabic
    script, such as ``"Vazirmatn, DejaVu Sans"``; ``number`` formats the estimates (a
    function of a float; default two decimals).

    A two-level fit (``level:`` blocks, ``cluster=``) is drawn as two panels, level 1
    (within clusters) and level 2 (between clusters): an item appears in both, because
    its variance is split into a within and a between part.

    ``fit`` may also be a PLS result (:func:`im_research.pls`): constructs are drawn as
    ellipses, mode A blocks with loadings (construct → item), mode B blocks with outer
    weights (item → construct), paths with their coefficients (always standardized).
    PLS has no standard errors of its own, so significance needs ``boot``
    (:meth:`~im_research.pls.PLSResult.bootstrap`): a path whose interval excludes 0 is
    drawn solid with a star, the others dashed; without ``boot`` every path is solid and
    unmarked.

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
    >>> "im -> js [label=0.52" in ir.report.path_diagram(res).source
    True
    """
    import graphviz

    col = "std_all" if standardized else "est"
    labels = labels or {}
    number = number or (lambda v: f"{v:.2f}")
    g = graphviz.Digraph("sem", graph_attr={"rankdir": "LR", "splines": "spline"},
                         node_attr={"fontname": fontname, "fontsize": "11"},
                         edge_attr={"fontname": fontname})  # else labels fall back to Times
    from ..pls.result import PLSResult

    if isinstance(fit, PLSResult):
        return _pls_diagram(g, fit, boot, show_items, labels, number)
    if boot is not None:
        raise ArgumentError("boot is for PLS results only; a CB-SEM fit carries its own "
                            "standard errors")
    p = fit.params
    if "group" in p.columns:
        p = p[p["group"] == fit.group_labels[0]]
    if "level" not in p.columns:
        _sem_diagram(g, p, fit.latent, col, show_items, labels, number, str)
        return g
    # a two-level fit: one panel per level; an item has a within and a between part,
    # so its node name carries the level (its label does not)
    for level, where in ((1, "within"), (2, "between")):
        part = p[p["level"] == level]
        with g.subgraph(name=f"cluster_level{level}") as s:
            s.attr(label=f"level {level}: {where} {fit.cluster}", fontname=fontname,
                   style="rounded", color="gray60")
            latent = list(dict.fromkeys(part.loc[part["op"] == "=~", "lhs"]))
            _sem_diagram(s, part, latent, col, show_items, labels, number,
                         lambda v, lv=level: f"{v}@{lv}")
    return g


def _sem_diagram(g, p, latent, col, show_items, labels, number, key):
    """Nodes and edges of a CB-SEM's parameter rows ``p`` (one group, one level);
    ``key(name)`` is the node name of a variable."""
    for lv in latent:
        g.node(key(lv), label=labels.get(lv, lv), shape="ellipse")
    for _, r in p[p["op"] == "=~"].iterrows():
        if r["rhs"] in latent:  # a second-order loading: factor to factor
            g.edge(key(r["lhs"]), key(r["rhs"]), label=number(r[col]), fontsize="9")
        elif show_items:
            g.node(key(r["rhs"]), label=labels.get(r["rhs"], r["rhs"]), shape="box")
            g.edge(key(r["lhs"]), key(r["rhs"]), label=number(r[col]), fontsize="9")
    for _, r in p[p["op"] == "~"].iterrows():
        for v in (r["rhs"], r["lhs"]):
            if v not in latent:
                g.node(key(v), label=labels.get(v, v), shape="box")
        sig = not (r["pvalue"] >= 0.05)
        g.edge(key(r["rhs"]), key(r["lhs"]), label=number(r[col]) + ("*" if sig else ""),
               style="solid" if sig else "dashed", penwidth="1.6")
    for _, r in p[(p["op"] == "~~") & (p["lhs"] != p["rhs"])].iterrows():
        if r["lhs"] in latent and r["rhs"] in latent:
            g.edge(key(r["lhs"]), key(r["rhs"]), label=number(r[col]), dir="both",
                   style="dotted", constraint="false")


def _pls_diagram(g, res, boot, show_items, labels, number):
    """The body of :func:`path_diagram` for a PLS result."""
    from ..pls.bootstrap import PLSBootstrap

    if boot is not None and not isinstance(boot, PLSBootstrap):
        raise ArgumentError(f"boot must be the result of res.bootstrap(...), got "
                            f"{type(boot).__name__}")
    model = res.model

    def node(v):  # DOT reads "a:b" as node a, port b: an interaction term needs another id
        return v.replace(":", " × ")

    for c in model.constructs:
        single = len(model.items[c]) == 1 and model.items[c][0] == c
        g.node(node(c), label=labels.get(c, c), shape="box" if single else "ellipse")
    if show_items:
        for _, o in res.outer.iterrows():
            c, x = o["construct"], o["item"]
            if x == c:
                continue  # a single-item construct is its item
            # a higher-order construct's dimension (two-stage: scores of stage one)
            dimension = x in model.constructs or (
                res.first_stage is not None and x in res.first_stage.model.constructs)
            g.node(node(x), label=labels.get(x, x), shape="ellipse" if dimension else "box")
            if o["mode"] == "B":  # formative: the items form the composite
                g.edge(node(x), node(c), label=number(o["weight"]), fontsize="9")
            else:
                g.edge(node(c), node(x), label=number(o["loading"]), fontsize="9")
    for _, r in res.paths.iterrows():
        s, t = r["source"], r["target"]
        if boot is None:
            g.edge(node(s), node(t), label=number(r["estimate"]), penwidth="1.6")
            continue
        ci = boot.paths.loc[f"{s} -> {t}"]
        sig = ci["ci_lower"] > 0 or ci["ci_upper"] < 0
        g.edge(node(s), node(t), label=number(r["estimate"]) + ("*" if sig else ""),
               style="solid" if sig else "dashed", penwidth="1.6")
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

