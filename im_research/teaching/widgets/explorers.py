"""The explorers: modification indices, candidate paths, and the measurement lab."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["MeasurementLab", "ModIndicesExplorer", "PathExplorer"]


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
        from ...sem.estimate import fit

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
        from ...inference.compare import chisq_difference

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


class MeasurementLab:
    """Untick items of a CFA and watch reliability and validity move.

    ``factors`` maps each factor to its items (``{"im": ["im1", "im2", ...], ...}``); every
    item starts ticked. Each change refits the CFA with the ticked items
    (:func:`im_research.fit`, ``fit_kwargs`` passed on) and shows
    :func:`~im_research.measurement.reliability` (alpha, omega, CR, AVE) and
    :func:`~im_research.measurement.htmt`. A factor keeps at least two items: with fewer
    the lab says so and keeps the previous tables (``message`` holds the note).

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.teaching.widgets import MeasurementLab
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> lab = MeasurementLab({"im": ["im1", "im2", "im3", "im4"],
    ...                       "js": ["js1", "js2", "js3"]}, bank)
    >>> lab.boxes["im3"].value = False
    >>> int(lab.table.loc["im", "n_items"])
    3
    """

    def __init__(self, factors, data, **fit_kwargs):
        from ...errors import ArgumentError, DataError
        from ...validation import as_frame, as_names

        as_frame(data)
        if not isinstance(factors, dict) or not factors:
            raise ArgumentError("factors: give a dict {factor: [items]}, e.g. "
                                "{'im': ['im1', 'im2', 'im3']}")
        self.factors = {f: as_names(items, f"factors[{f!r}]") for f, items in factors.items()}
        absent = [i for items in self.factors.values() for i in items if i not in data.columns]
        if absent:
            raise DataError(f"MeasurementLab: items {absent} are not columns of the data")
        short = [f for f, items in self.factors.items() if len(items) < 2]
        if short:
            raise ArgumentError(f"factors: {short} have fewer than two items; a factor "
                                "needs at least two")
        self.data, self.fit_kwargs = data, fit_kwargs
        self.boxes = {i: w.Checkbox(value=True, description=i, indent=False,
                                    layout=w.Layout(width="70px"))
                      for items in self.factors.values() for i in items}
        rows = [w.HBox([w.Label(f, layout=w.Layout(width="40px"))]
                       + [self.boxes[i] for i in items]) for f, items in self.factors.items()]
        self.out = w.Output()
        self.table = pd.DataFrame()
        self.htmt = pd.DataFrame()
        self.result = None
        self.message = ""
        for box in self.boxes.values():
            box.observe(self._update, names="value")
        self.widget = w.VBox(rows + [self.out])
        self._update()

    def model(self) -> str:
        """The CFA of the ticked items, in lavaan syntax."""
        return "\n".join(f"{f} =~ " + " + ".join(i for i in items if self.boxes[i].value)
                         for f, items in self.factors.items())

    def _update(self, change=None):
        from ...measurement.reliability import reliability
        from ...measurement.validity import htmt
        from ...sem.estimate import fit

        too_few = [f for f, items in self.factors.items()
                   if sum(self.boxes[i].value for i in items) < 2]
        self.message = (f"Keep at least two items of {', '.join(too_few)}: a factor with "
                        "one item cannot be told apart from its error. The tables are "
                        "those of the last valid choice." if too_few else "")
        if not too_few:
            model = self.model()
            self.result = fit(model, data=self.data, **self.fit_kwargs)
            self.table = reliability(self.result).set_index("factor")[
                ["n_items", "alpha", "omega", "cr", "ave"]]
            self.htmt = htmt(model, self.data)
        self.out.clear_output(wait=True)
        with self.out:
            from IPython.display import display

            if self.message:
                print(self.message)
            display(self.table.style.format("{:.3f}").format("{:.0f}", subset=["n_items"])
                    .set_caption("Reliability and convergent validity"))
            display(self.htmt.style.format("{:.3f}", na_rep="")
                    .set_caption("HTMT (below .85: distinct)"))
