"""Figures for measurement and data checks (seaborn style: take data or a fitted result
and ``ax=``, return the Axes, never call ``plt.show()``).

Examples
--------
>>> import im_research as ir
>>> bank = ir.datasets.load("bank_service_profit_chain")
>>> ax = ir.plots.likert_chart(bank, ["im1", "im2", "im3"], points=7)
>>> ax.get_xlabel()
'share of respondents'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["correlation_heatmap", "loading_plot", "likert_chart", "distribution_plot",
           "latent_means_plot", "ipma_plot"]


def _ax(ax, size):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=size)
    return ax


def correlation_heatmap(data, columns=None, ax=None):
    """Heatmap of item correlations (a DataFrame of data) or of the factor correlations
    of a fitted result."""
    import seaborn as sns

    if hasattr(data, "fit_measures"):
        from ..measurement.validity import fornell_larcker
        R = fornell_larcker(data).drop(columns="criterion_met")
        title = "factor correlations (√AVE on the diagonal)"
    else:
        R = data[columns or data.select_dtypes("number").columns].corr()
        title = "item correlations"
    ax = _ax(ax, (6, 5))
    mask = np.triu(np.ones_like(R, bool), 1)
    sns.heatmap(R.astype(float), mask=mask, annot=len(R) <= 12, fmt=".2f", vmin=-1, vmax=1,
                cmap="vlag", square=True, ax=ax)
    ax.set_title(title)
    return ax


def loading_plot(fit, threshold: float = 0.708, ax=None):
    """Standardized loadings per item, grouped by factor, with the threshold line."""
    import seaborn as sns

    p = fit.params
    load = p[p["op"] == "=~"].rename(columns={"lhs": "factor", "rhs": "item"})
    ax = _ax(ax, (6, max(3, 0.3 * len(load))))
    sns.barplot(data=load, y="item", x="std_all", hue="factor", dodge=False, ax=ax)
    ax.axvline(threshold, ls="--", color="grey", lw=1)
    ax.set_xlim(0, 1)
    ax.set_xlabel("standardized loading")
    return ax


def likert_chart(data: pd.DataFrame, items, points: int, labels=None, ax=None):
    """Stacked horizontal bars of the share of each answer category per item."""
    import matplotlib.pyplot as plt

    items = list(items)
    shares = pd.DataFrame({c: data[c].value_counts(normalize=True).reindex(
        range(1, points + 1), fill_value=0) for c in items}).T
    ax = _ax(ax, (7, max(2.5, 0.4 * len(items))))
    left = np.zeros(len(items))
    colors = plt.get_cmap("RdYlGn")(np.linspace(0.1, 0.9, points))
    for k in range(1, points + 1):
        label = labels[k - 1] if labels else str(k)
        ax.barh(items, shares[k], left=left, color=colors[k - 1], label=label)
        left += shares[k].to_numpy()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of respondents")
    ax.legend(ncol=min(points, 7), bbox_to_anchor=(0.5, -0.25), loc="upper center",
              fontsize=8, frameon=False)
    ax.invert_yaxis()
    return ax


def distribution_plot(values, truth=None, estimate=None, intervals=None, normal=True,
                      label="estimate", ax=None):
    """Histogram of many estimates of one quantity (bootstrap or simulation draws).

    Parameters
    ----------
    values : array-like
        The draws.
    truth, estimate : float, optional
        Drawn as a solid (truth) and a dashed (the sample's estimate) vertical line.
    intervals : dict, optional
        ``{name: (lower, upper)}``: each interval drawn as a bar under the histogram.
    normal : bool
        Overlay the normal curve with the draws' mean and SD (what a symmetric, delta-
        method interval assumes), so that skewness is visible.

    Examples
    --------
    >>> import numpy as np
    >>> from im_research.reporting.plots import distribution_plot
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(0.3, 0.1, 200) * rng.normal(0.3, 0.1, 200)  # a product: skewed
    >>> ax = distribution_plot(x, truth=0.09, intervals={"percentile": (0.02, 0.2)})
    >>> ax.get_xlabel()
    'estimate'
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    ax = _ax(ax, (6.5, 3.6))
    ax.hist(x, bins=min(40, max(10, len(x) // 10)), density=True, color="#9ecae1",
            edgecolor="white", label=f"{len(x)} draws")
    if normal and len(x) > 2 and x.std() > 0:
        grid = np.linspace(x.min(), x.max(), 200)
        ax.plot(grid, stats.norm.pdf(grid, x.mean(), x.std(ddof=1)), color="grey", lw=1.2,
                label="normal, same mean and SD")
    if truth is not None:
        ax.axvline(truth, color="black", lw=1.6, label=f"truth {truth:.3f}")
    if estimate is not None:
        ax.axvline(estimate, color="black", lw=1.2, ls="--", label=f"estimate {estimate:.3f}")
    top = ax.get_ylim()[1]
    for i, (name, (lo, hi)) in enumerate((intervals or {}).items()):
        y = -top * (0.06 + 0.07 * i)
        ax.plot([lo, hi], [y, y], lw=3, color=f"C{i + 1}",
                label=f"{name} [{lo:.3f}, {hi:.3f}]")
    if intervals:
        ax.set_ylim(-top * (0.06 + 0.07 * len(intervals)), top)
    ax.set_xlabel(label)
    ax.set_ylabel("density")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    return ax


def latent_means_plot(fit, level: float = 0.95, ax=None):
    """The latent means of a multi-group fit as bars per group, each with its confidence
    interval (Wald, ``level``); the first group is the reference at 0 (see
    :func:`im_research.reporting.report.latent_means_table`).

    Examples
    --------
    >>> import im_research as ir
    >>> air = ir.datasets.load("airline_integrated_marketing")
    >>> res = ir.fit("ifc =~ ifc1 + ifc2 + ifc3 + ifc4", data=air, group="department",
    ...              group_equal=("loadings", "intercepts"))
    >>> ax = ir.plots.latent_means_plot(res)
    >>> ax.get_xlabel()
    'latent mean relative to catering (95% interval)'
    """
    from scipy import stats

    from ..validation import as_number
    from .report import latent_means_table

    level = as_number(level, "level", low=0, high=1)
    est = latent_means_table(fit)
    half = latent_means_table(fit, "se") * stats.norm.ppf(0.5 + level / 2)
    ax = _ax(ax, (8, 1 + 0.22 * est.size))
    est.plot.barh(xerr=half, width=0.8, ax=ax, error_kw={"lw": 1})
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(f"latent mean relative to {fit.group_labels[0]} ({level:.0%} interval)")
    ax.set_ylabel("")
    ax.legend(title="factor", fontsize=8, frameon=False, bbox_to_anchor=(1.01, 1),
              loc="upper left")
    return ax



def ipma_plot(table, items: bool = False, ax=None):
    """The importance–performance map of a PLS IPMA (the table of
    :meth:`PLSResult.ipma <im_research.pls.PLSResult.ipma>`): importance (total effect on
    the target) across, performance (0–100) up, one labelled point per construct (or per
    item with ``items=True``), dashed lines at the mean importance and mean performance.
    The lower right quadrant holds what matters most and performs worst: where to act
    first (Ringle & Sarstedt 2016).

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
    >>> ax = ir.plots.ipma_plot(res.ipma("js", scale=(1, 7)), items=True)
    >>> ax.get_xlabel()
    'importance (total effect on js)'
    """
    from ..errors import ArgumentError

    if not isinstance(table, pd.DataFrame) or "items" not in table.attrs:
        raise ArgumentError("table must be the DataFrame of res.ipma(target) (a PLS result's "
                            "importance-performance table)")
    target = table.attrs["target"]
    if items:
        table = table.attrs["items"]
        labels = table["item"]
    else:
        labels = pd.Series(table.index, index=table.index)
    ax = _ax(ax, (6, 4))
    ax.scatter(table["importance"], table["performance"], color="tab:blue", zorder=3)
    # labels alternately above and below their points: close points stay readable
    for k, (x, y, text) in enumerate(zip(table["importance"], table["performance"], labels)):
        ax.annotate(str(text), (x, y), textcoords="offset points",
                    xytext=(5, 4 if k % 2 == 0 else -12), fontsize=9)
    ax.axvline(table["importance"].mean(), ls="--", color="grey", lw=1)
    ax.axhline(table["performance"].mean(), ls="--", color="grey", lw=1)
    ax.set_xlabel(f"importance (total effect on {target})")
    ax.set_ylabel("performance (0–100)")
    return ax
