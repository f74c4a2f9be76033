"""The lens explorer: CB-SEM, PLS-SEM and PLSc on the same synthetic survey, beside the
truth, as the sample size and the quality of the items change."""

from __future__ import annotations

import warnings

import ipywidgets as w
import pandas as pd

from ...errors import ArgumentError, HeywoodWarning, IMResearchError

__all__ = ["LensExplorer"]

# internal marketing → job satisfaction → commitment, three items per construct; the
# paths are the bank's teaching defaults (docs/datasets.md)
TRUE_PATHS = {"im -> js": 0.55, "js -> oc": 0.45}
_ITEMS = {"im": ("im1", "im2", "im3"), "js": ("js1", "js2", "js3"), "oc": ("oc1", "oc2", "oc3")}


class LensExplorer:
    """Choose the sample size and how well the items measure their constructs; see the
    common-factor (CB-SEM, PLSc) and composite (PLS) paths beside the truth.

    Each change draws ``n`` respondents (continuous scores, the same ``seed`` every
    time, so only the chosen settings change) from a population in which internal
    marketing drives job satisfaction (.55) and job satisfaction drives commitment
    (.45), every item with the standardized loading ``loading``
    (:func:`~im_research.synthetic.simulate.draw`), then fits the model with
    :func:`im_research.compare_lenses` and shows

    - ``paths``: per path the truth, CB-SEM's standardized estimate, PLS and PLSc;
    - ``loadings``: the mean loading of the nine items in the same columns.

    ``message`` says when CB-SEM's solution is improper (a Heywood case, common with
    weak items in small samples), or why a setting could not be estimated (then both
    tables are empty).

    Examples
    --------
    >>> from im_research.teaching.widgets import LensExplorer
    >>> ex = LensExplorer(n=300, loading=0.8, seed=1)
    >>> ex.loading.value = 0.6
    >>> list(ex.paths.columns)
    ['truth', 'CB-SEM', 'PLS', 'PLSc']
    """

    def __init__(self, n: int = 200, loading: float = 0.7, seed: int = 2022):
        from ...validation import as_count

        n = as_count(n, "n", minimum=50, maximum=1000, hint="the number of respondents to draw")
        if not (isinstance(loading, float) and 0.4 <= loading <= 0.95):
            raise ArgumentError(f"loading must be a number from 0.4 to 0.95 (the items' "
                                f"standardized loading), got {loading!r}")
        # an int, not a Generator: every redraw must start from the same stream
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ArgumentError(f"seed must be a non-negative int, got {seed!r}")
        self.seed = seed
        self.model = ("".join(f"{c} =~ {' + '.join(items)}\n" for c, items in _ITEMS.items())
                      + "js ~ im\noc ~ js\n")
        self.n = w.IntSlider(value=n, min=50, max=1000, step=50, description="n",
                             continuous_update=False)
        self.loading = w.FloatSlider(value=loading, min=0.4, max=0.95, step=0.05,
                                     description="loading", continuous_update=False)
        self.out = w.Output()
        self.paths = pd.DataFrame()
        self.loadings = pd.DataFrame()
        self.message = ""
        for control in (self.n, self.loading):
            control.observe(self._update, names="value")
        self.widget = w.VBox([w.HBox([self.n, self.loading]), self.out])
        self._update()

    def _population(self):
        from ...synthetic.simulate import PopulationModel

        lam = float(self.loading.value)
        return PopulationModel(
            loadings={c: {x: lam for x in items} for c, items in _ITEMS.items()},
            paths={"js": {"im": TRUE_PATHS["im -> js"]}, "oc": {"js": TRUE_PATHS["js -> oc"]}})

    def _update(self, change=None):
        from IPython.display import display

        from ...pls.lenses import compare_lenses
        from ...synthetic.simulate import draw

        data = draw(self._population(), self.n.value, seed=self.seed, ids=False).data
        self.out.clear_output(wait=True)
        with warnings.catch_warnings(record=True) as caught:
            # weak items in small samples give improper solutions: said once, below
            warnings.simplefilter("always")
            try:
                table = compare_lenses(self.model, data)
            except IMResearchError as err:  # e.g. CB-SEM not identified on weak items
                self.paths, self.loadings = pd.DataFrame(), pd.DataFrame()
                self.message = f"No CB-SEM estimates for n = {self.n.value}: {err}"
                with self.out:
                    print(self.message)
                return
        improper = [str(c.message) for c in caught if issubclass(c.category, HeywoodWarning)]
        self.message = (f"CB-SEM's solution is improper: {improper[0]}" if improper else "")
        columns = {"cb_sem": "CB-SEM", "pls": "PLS", "plsc": "PLSc"}
        paths = table[table["kind"] == "path"].set_index("subject")[list(columns)]
        self.paths = pd.concat([pd.Series(TRUE_PATHS, name="truth"),
                                paths.rename(columns=columns)], axis=1).rename_axis(None)
        mean = table[table["kind"] == "loading"][list(columns)].mean()
        self.loadings = pd.DataFrame(
            [[float(self.loading.value), *mean.to_numpy()]],
            index=["mean loading"], columns=["truth", *columns.values()])
        with self.out:
            caption = f"n = {self.n.value}, every item's true loading {self.loading.value:.2f}"
            display(self.paths.style.format("{:.3f}", na_rep="—").set_caption(
                f"Standardized paths: truth and the three lenses ({caption})"))
            display(self.loadings.style.format("{:.3f}", na_rep="—").set_caption(
                "Loadings, mean of the nine items"))
            if self.message:
                print(self.message)
