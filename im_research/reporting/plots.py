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

__all__ = ["correlation_heatmap", "loading_plot", "likert_chart"]


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
