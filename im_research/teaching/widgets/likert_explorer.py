"""The Likert explorer: what cutting answers into few, skewed categories does."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["LikertExplorer"]

# one factor, four items: true standardized loadings as in a typical employee scale
TRUE_LOADINGS = {"x1": 0.8, "x2": 0.7, "x3": 0.6, "x4": 0.5}


class LikertExplorer:
    """Choose the number of answer categories and their skew; see correlations and
    loadings move away from (Pearson, ML) or stay near (polychoric, WLSMV) the truth.

    Each change draws ``n`` respondents from a one-factor population with standardized
    loadings ``loadings`` (:func:`~im_research.synthetic.simulate.draw`, the same
    ``seed`` every time, so only the categories change), cuts the answers into
    ``categories`` points with thresholds shifted by ``skew`` (answers pile up at the
    agreeable end), then shows

    - ``correlations``: for each pair of items the true correlation, Pearson's
      correlation of the codes and the polychoric correlation
      (:func:`~im_research.sem.ordinal.polychoric`);
    - ``loadings``: the true loadings beside the standardized loadings of ML on the
      codes and of WLSMV with the items declared ordered (:func:`im_research.fit`);
    - ``shares``: the share of answers in each category of the first item.

    Examples
    --------
    >>> from im_research.teaching.widgets import LikertExplorer
    >>> ex = LikertExplorer(n=300, seed=1)
    >>> ex.categories.value = 3
    >>> list(ex.loadings.columns)
    ['truth', 'ML (codes as numbers)', 'WLSMV (ordered)']
    """

    def __init__(self, loadings=None, n: int = 400, seed: int = 2026, categories: int = 5,
                 skew: float = 0.0):
        from ...synthetic.simulate import PopulationModel
        from ...validation import as_count, as_seed

        self.truth = dict(loadings or TRUE_LOADINGS)
        self.pop = PopulationModel(loadings={"f": self.truth})
        self.n = as_count(n, "n", minimum=50, hint="the number of respondents to draw")
        self.seed = as_seed(seed)
        self.items = list(self.truth)
        self.model = "f =~ " + " + ".join(self.items)
        self.categories = w.IntSlider(value=categories, min=2, max=7, description="categories",
                                      continuous_update=False)
        self.skew = w.FloatSlider(value=skew, min=0.0, max=1.5, step=0.25, description="skew",
                                  continuous_update=False)
        self.out = w.Output()
        self.correlations = pd.DataFrame()
        self.loadings = pd.DataFrame()
        self.shares = pd.Series(dtype=float)
        self.data = pd.DataFrame()
        for control in (self.categories, self.skew):
            control.observe(self._update, names="value")
        self.widget = w.VBox([w.HBox([self.categories, self.skew]), self.out])
        self._update()

    def _update(self, change=None):
        import numpy as np

        from ...sem.estimate import fit
        from ...sem.ordinal import polychoric
        from ...synthetic.simulate import draw

        sim = draw(self.pop, self.n, seed=self.seed, points=self.categories.value,
                   skew=self.skew.value, ids=False)
        self.data = sim.data
        pearson = self.data.corr()
        poly = polychoric(self.data, self.items)
        rows = []
        for i, a in enumerate(self.items):
            for b in self.items[i + 1:]:
                rows.append({"pair": f"{a}–{b}", "truth": self.truth[a] * self.truth[b],
                             "Pearson": pearson.loc[a, b], "polychoric": poly.loc[a, b]})
        self.correlations = pd.DataFrame(rows).set_index("pair").rename_axis(None)
        std = {}
        for name, kwargs in (("ML (codes as numbers)", {}), ("WLSMV (ordered)",
                                                            {"ordered": True})):
            p = fit(self.model, data=self.data, **kwargs).params
            std[name] = p[p["op"] == "=~"].set_index("rhs")["std_all"]
        self.loadings = pd.DataFrame({"truth": pd.Series(self.truth), **std})
        counts = self.data[self.items[0]].value_counts(normalize=True)
        self.shares = counts.reindex(np.arange(1, self.categories.value + 1), fill_value=0.0)
        self.out.clear_output(wait=True)
        with self.out:
            from IPython.display import display

            shares = self.shares.rename_axis(None).to_frame(
                f"share of answers to {self.items[0]}").T
            display(shares.style.format("{:.2f}").set_caption(
                f"{self.categories.value} categories, skew {self.skew.value:.2f}"))
            display(self.correlations.style.format("{:.3f}").set_caption(
                "Correlations of the items: truth, Pearson on the codes, polychoric"))
            display(self.loadings.style.format("{:.3f}").set_caption(
                "Standardized loadings: truth, ML on the codes, WLSMV"))
