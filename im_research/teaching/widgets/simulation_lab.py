"""The simulation lab: choose the population, draw samples, and see estimates scatter."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ._controls import count_in, path_slider

__all__ = ["SimulationLab", "population"]

MODEL = """\
im =~ im1 + im2 + im3
js =~ js1 + js2 + js3
sq =~ sq1 + sq2 + sq3
js ~ a*im
sq ~ b*js + c*im
ind := a*b
total := c + a*b
"""


def population(a: float, b: float, c: float):
    """The lab's population: ``im`` → ``js`` (``a``) → ``sq`` (``b``), ``im`` → ``sq``
    (``c``), standardized (:class:`~im_research.synthetic.simulate.PopulationModel`)."""
    from ...synthetic.models import mediation_chain

    return mediation_chain(a, b, c, names=("im", "js", "sq"))


NAMES = {"js~im": "a: im → js", "sq~js": "b: js → sq", "sq~im": "c: im → sq (direct)",
         "ind": "indirect a·b", "total": "total c + a·b"}


class SimulationLab:
    """Sliders on the population paths of a mediation model and on n: simulated data,
    the fitted estimates beside the truth, the path diagram, and the sampling
    distribution over repeated draws.

    The population (standardized, :class:`~im_research.synthetic.simulate.PopulationModel`)
    is internal marketing (``im``) → job satisfaction (``js``, path ``a``) → service
    quality (``sq``, path ``b``), with a direct path ``c`` from ``im`` to ``sq``; three
    items per construct. Each change draws one study of size n (``seed``) and fits
    :data:`MODEL` (``result``, ``table``: estimate beside truth), then ``reps`` further
    samples (:func:`~im_research.inference.sampling.sampling_distribution`, seed
    ``seed + 1``; ``sampling``: mean, SD, 2.5 %/97.5 % quantiles, skewness per
    parameter; ``improper``: how many had a Heywood case) and draws the indirect
    effect's distribution. An impossible population (paths explaining all of ``sq``) is
    refused in ``message`` and the last valid state kept.

    Examples
    --------
    >>> from im_research.teaching.widgets import SimulationLab
    >>> lab = SimulationLab(reps=10, seed=1)
    >>> lab.n.value = 150
    >>> round(float(lab.table.loc["ind", "truth"]), 4)
    0.1
    """

    def __init__(self, a: float = 0.4, b: float = 0.25, c: float = 0.1, n: int = 200,
                 reps: int = 100, seed: int = 1):
        from ...validation import as_count

        self.reps = as_count(reps, "reps", minimum=2)
        self.seed = as_count(seed, "seed", minimum=0)
        style = {"description_width": "150px"}
        layout = w.Layout(width="420px")

        self.a = path_slider(a, "a", "a: im → js", 0.0, style, layout)
        self.b = path_slider(b, "b", "b: js → sq", 0.0, style, layout)
        self.c = path_slider(c, "c", "c: im → sq (direct)", -0.3, style, layout)
        n = count_in(n, "n", 50, 1000)
        self.n = w.IntSlider(value=n, min=50, max=1000, step=50, description="n (employees)",
                             continuous_update=False, style=style, layout=layout)
        self.out = w.Output()
        self.result = None
        self.table = pd.DataFrame()
        self.sampling = pd.DataFrame()
        self.draws = pd.DataFrame()
        self.message = ""
        self.improper = 0
        for control in (self.a, self.b, self.c, self.n):
            control.observe(self._update, names="value")
        self.widget = w.VBox([w.HBox([w.VBox([self.a, self.b]), w.VBox([self.c, self.n])]),
                              self.out])
        self._update()

    def population(self):
        """The population model of the current slider values."""
        return population(self.a.value, self.b.value, self.c.value)

    def _update(self, change=None):
        from ...inference.sampling import sampling_distribution
        from ...sem.estimate import fit
        from ...synthetic.simulate import SimulationError, draw

        try:
            pop = self.population()
        except SimulationError as e:
            self.message = f"Not a possible population: {e}. The results are those of " \
                           "the last possible choice."
        else:
            self.message = ""
            a, b, c = (round(s.value, 2) for s in (self.a, self.b, self.c))
            truth = {"ind": a * b, "total": c + a * b}
            sample = draw(pop, self.n.value, seed=self.seed, ids=False)
            self.result = fit(MODEL, data=sample.data)
            dist = sampling_distribution(pop, self.n.value, self.reps, seed=self.seed + 1,
                                         model=MODEL, truth=truth)
            p = self.result.params
            p = p[p["op"].isin(["~", ":="])]
            one = pd.Series(p["std_all"].to_numpy(),
                            index=[r.lhs if r.op == ":=" else f"{r.lhs}~{r.rhs}"
                                   for r in p.itertuples()])
            self.table = pd.DataFrame({"truth": dist.summary["truth"],
                                       "this study": one[dist.summary.index],
                                       "p-value": pd.Series(p["pvalue"].to_numpy(),
                                                            index=one.index)})
            self.sampling = dist.summary.drop(columns="bias")
            self.draws = dist.draws
            self.improper = dist.n_improper
        self._show()

    def _show(self):
        import matplotlib.pyplot as plt
        from IPython.display import display

        from ...reporting.plots import distribution_plot
        from ...reporting.report import path_diagram

        self.out.clear_output(wait=True)
        with self.out:
            if self.message:
                print(self.message)
            if self.result is None:
                return
            named = {k: v for k, v in NAMES.items() if k in self.table.index}
            display(self.table.rename(index=named).style.format("{:.3f}")
                    .set_caption(f"One study of n = {self.result.nobs}: standardized "
                                 "estimates beside the truth"))
            display(path_diagram(self.result, show_items=False))
            display(self.sampling.rename(index=named).style.format("{:.3f}")
                    .set_caption(f"{len(self.draws)} studies of n = {self.result.nobs}: "
                                 "how the estimates scatter ("
                                 f"{self.improper} with a Heywood case, kept)"))
            fig, ax = plt.subplots(figsize=(6.5, 3.4))
            distribution_plot(self.draws["ind"], truth=self.table.loc["ind", "truth"],
                              label="indirect effect a·b (standardized), one value per study",
                              ax=ax)
            plt.show()
            plt.close(fig)
