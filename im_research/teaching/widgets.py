"""Interactive notebook widgets (ipywidgets): thin layers over library functions.

Each builder returns an object whose ``.widget`` is displayed in a notebook and whose
state (``.table``, ``.result``) can be read in tests after setting widget values, so the
callbacks are tested without a browser.

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> from im_research.teaching.widgets import ModIndicesExplorer
>>> rng = np.random.default_rng(0); f = rng.normal(size=200)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(size=200) for i in range(1, 5)})
>>> ex = ModIndicesExplorer(ir.fit("f =~ x1 + x2 + x3 + x4", data=df))
>>> ex.slider.value = 0.0
>>> len(ex.table) > 0
True
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["ModIndicesExplorer", "PathExplorer"]


class ModIndicesExplorer:
    """Slide a minimum modification index and see which parameters lavaan would free."""

    def __init__(self, result, min_mi: float = 4.0, max_rows: int = 15):
        self.result = result
        self.max_rows = max_rows
        self._all = result.modindices()
        top = float(self._all["mi"].max()) if len(self._all) else 10.0
        self.slider = w.FloatSlider(value=min_mi, min=0.0, max=max(top, min_mi, 1.0), step=0.5,
                                    description="min MI", continuous_update=False)
        self.out = w.Output()
        self.table = pd.DataFrame()
        self.slider.observe(self._update, names="value")
        self.widget = w.VBox([self.slider, self.out])
        self._update()

    def _update(self, change=None):
        mi = self._all[self._all["mi"] >= self.slider.value]
        self.table = mi.head(self.max_rows).round(3)
        self.out.clear_output(wait=True)
        with self.out:
            if self.table.empty:
                print(f"No fixed parameter has MI >= {self.slider.value:.1f}: "
                      "freeing any single one would not improve fit noticeably.")
            else:
                from IPython.display import display
                display(self.table)


class PathExplorer:
    """Fit a model with one regression path switched on or off and compare fit.

    ``paths`` is a list of regression formulas (``"loyal ~ js"``) that can be added to
    ``base_model``; choosing one refits and shows the chi-square difference test (the
    estimator's own: scaled for MLR and WLSMV, see :func:`im_research.inference.compare.lrt`).
    ``fit_kwargs`` go to :func:`im_research.fit` (e.g. ``ordered=True``).
    """

    def __init__(self, base_model: str, data, paths, **fit_kwargs):
        from ..sem.estimate import fit

        self._fit = lambda model: fit(model, data=data, **fit_kwargs)
        self.base_model, self.data = base_model, data
        self.base = self._fit(base_model)
        self.dropdown = w.Dropdown(options=["(none)"] + list(paths), value="(none)",
                                   description="add path")
        self.out = w.Output()
        self.table = pd.DataFrame()
        self.result = self.base
        self.dropdown.observe(self._update, names="value")
        self.widget = w.VBox([self.dropdown, self.out])
        self._update()

    def _update(self, change=None):
        from ..inference.compare import chisq_difference

        rows = [("base model", self.base)]
        self.result = self.base
        if self.dropdown.value != "(none)":
            self.result = self._fit(self.base_model + "\n" + self.dropdown.value)
            rows.append((f"+ {self.dropdown.value}", self.result))
        keys = [k for k in ("chisq", "chisq_scaled", "df", "pvalue", "cfi", "rmsea", "srmr",
                            "aic") if k in self.base.fit_measures.index]
        self.table = pd.DataFrame([r.fit_measures[keys].rename(n) for n, r in rows]).round(3)
        if len(rows) == 2 and self.result.fit_measures["df"] < self.base.fit_measures["df"]:
            d = chisq_difference(self.result, self.base)
            self.table.loc["difference", ["chisq", "df"]] = [round(d["delta_chisq"], 3),
                                                              d["delta_df"]]
            self.table.loc["difference", "pvalue"] = d["pvalue"]
        self.out.clear_output(wait=True)
        with self.out:
            from IPython.display import display
            # the difference row has only chisq, df and pvalue: blank, not NaN, elsewhere
            display(self.table.style.format("{:.3f}", na_rep="")
                    .format("{:.0f}", subset=["df"], na_rep=""))
