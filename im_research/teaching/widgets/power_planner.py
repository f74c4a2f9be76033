"""The power planner: population paths and a design in, power curves over n out."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd

from ._controls import count_in, path_slider

__all__ = ["PowerPlanner", "population", "INDIRECT", "PATHS"]

# the planner's columns: "lhs ~ rhs" of power()'s table -> the name a reader sees
PATHS = {"oc ~ ic": "a: ic → oc", "sq ~ oc": "b: oc → sq", "sq ~ ic": "c: ic → sq (direct)",
         "ind": "indirect a·b"}
INDIRECT = {"ind": ["oc ~ ic", "sq ~ oc"]}


def population(a: float, b: float, c: float = 0.0):
    """Internal communication ``ic`` → commitment ``oc`` (``a``) → service quality ``sq``
    (``b``), with a direct path ``c``; standardized
    (:class:`~im_research.synthetic.simulate.PopulationModel`).

    Examples
    --------
    >>> population(0.3, 0.25).paths["sq"]
    {'oc': 0.25, 'ic': 0.0}
    """
    from ...synthetic.models import mediation_chain

    # internal communication, affective commitment, service quality the customers rate
    return mediation_chain(a, b, c, names=("ic", "oc", "sq"))


def _grid(low: int, high: int, k: int = 6) -> list[int]:
    """``k`` evenly spaced whole numbers from ``low`` to ``high``."""
    return sorted({int(round(v)) for v in np.linspace(low, high, k)})


class PowerPlanner:
    """Sliders on the population paths and the design; Monte Carlo power per path and for
    the indirect effect, as curves over the sample size and as a table.

    Every change calls :func:`~im_research.inference.power.power` on six sample sizes
    (``design`` "employees": n from the ``n`` range; "branches": numbers of branches from
    the ``clusters`` range, each with ``cluster_size`` employees and intraclass correlation
    ``icc``), with ``reps`` replications each (default 100, so that a change takes about a
    second; a study plan would use 1 000 or more, and the third decimal of a power here is
    Monte Carlo noise of about ±.05) and a fixed ``seed``: the same settings always give the
    same curves. The indirect effect's power is that of the joint-significance test.

    State for tests and notebooks: ``result`` (power()'s table), ``table`` (one row per
    sample size: n, for nested designs branches, the parameters' design effect and the
    effective n, then the power of each path and of the indirect effect) and ``message``
    (why an impossible population was refused; the last valid state is kept).

    Examples
    --------
    >>> from im_research.teaching.widgets import PowerPlanner
    >>> planner = PowerPlanner(reps=20)
    >>> planner.a.value = 0.2
    >>> list(planner.table.columns[-4:])
    ['a: ic → oc', 'b: oc → sq', 'c: ic → sq (direct)', 'indirect a·b']
    """

    def __init__(self, a: float = 0.3, b: float = 0.25, c: float = 0.1, *,
                 n=(100, 600), design: str = "employees", clusters=(10, 60),
                 cluster_size: int = 8, icc: float = 0.1, reps: int = 100, seed: int = 13):
        from ...errors import ArgumentError
        from ...validation import as_count, as_number, show

        if design not in ("employees", "branches"):
            raise ArgumentError(f"design={show(design)}: give 'employees' (a simple random "
                                "sample) or 'branches' (branches x employees per branch)")
        self.seed = as_count(seed, "seed", minimum=0)
        style = {"description_width": "170px"}
        layout = w.Layout(width="440px")

        self.a = path_slider(a, "a", PATHS["oc ~ ic"], 0.0, style, layout)
        self.b = path_slider(b, "b", PATHS["sq ~ oc"], 0.0, style, layout)
        self.c = path_slider(c, "c", PATHS["sq ~ ic"], -0.3, style, layout)
        cluster_size = count_in(cluster_size, "cluster_size", 2, 40)
        reps = count_in(reps, "reps", 20, 1000)
        icc = as_number(icc, "icc", low=0, high=0.5, low_open=False, high_open=False)
        for arg, pair, (low, high) in (("n", n, (50, 2000)), ("clusters", clusters, (5, 200))):
            if isinstance(pair, str) or np.ndim(pair) != 1 or len(pair) != 2:
                raise ArgumentError(f"{arg}={show(pair)}: give a range (from, to)")
            for v in pair:
                count_in(v, arg, low, high)
        self.design = w.ToggleButtons(options=[("random sample", "employees"),
                                               ("branches × employees", "branches")],
                                      value=design, description="design",
                                      style={**style, "button_width": "190px"})
        self.n = w.IntRangeSlider(value=tuple(n), min=50, max=2000, step=10,
                                  description="n employees (from, to)",
                                  continuous_update=False, style=style, layout=layout)
        self.clusters = w.IntRangeSlider(value=tuple(clusters), min=5, max=200, step=1,
                                         description="branches (from, to)",
                                         continuous_update=False, style=style, layout=layout)
        self.cluster_size = w.IntSlider(value=cluster_size, min=2, max=40,
                                        description="employees per branch",
                                        continuous_update=False, style=style, layout=layout)
        self.icc = w.FloatSlider(value=icc, min=0.0, max=0.5, step=0.05, description="ICC",
                                 continuous_update=False, readout_format=".2f", style=style,
                                 layout=layout)
        self.reps = w.IntSlider(value=reps, min=20, max=1000, step=20,
                                description="replications per n", continuous_update=False,
                                style=style, layout=layout)
        self.out = w.Output()
        self.result = pd.DataFrame()
        self.table = pd.DataFrame()
        self.message = ""
        self._nested = w.VBox([self.clusters, self.cluster_size, self.icc])
        for control in (self.a, self.b, self.c, self.design, self.n, self.clusters,
                        self.cluster_size, self.icc, self.reps):
            control.observe(self._update, names="value")
        self.widget = w.VBox([w.HBox([w.VBox([self.a, self.b, self.c, self.reps]),
                                      w.VBox([self.design, self.n, self._nested])]),
                              self.out])
        self._update()

    def population(self):
        """The population model of the current slider values."""
        return population(self.a.value, self.b.value, self.c.value)

    def _update(self, change=None):
        from ...inference.power import power
        from ...synthetic.simulate import SimulationError

        nested = self.design.value == "branches"
        self.n.layout.display = "none" if nested else None
        self._nested.layout.display = None if nested else "none"
        try:
            pop = self.population()
        except SimulationError as e:
            self.message = (f"Not a possible population: {e}. The curves are those of the "
                            "last possible choice.")
        else:
            self.message = ""
            if nested:
                design = dict(clusters=_grid(*self.clusters.value),
                              cluster_size=self.cluster_size.value, icc=self.icc.value)
            else:
                design = dict(n=_grid(*self.n.value))
            self.result = power(pop, reps=self.reps.value, seed=self.seed,
                                indirect=INDIRECT, **design)
            self.table = self._table(nested)
        self._show()

    def _table(self, nested):
        tab = self.result
        key = np.where(tab["op"] == ":=", tab["lhs"], tab["lhs"] + " " + tab["op"] + " "
                       + tab["rhs"])
        wide = (tab.assign(key=key)[lambda d: d["key"].isin(PATHS)]
                .pivot(index="n", columns="key", values="power")[list(PATHS)]
                .rename(columns=PATHS))
        wide.columns.name = None
        if not nested:
            return wide.reset_index()
        design = (tab.groupby("n")[["clusters", "deff", "n_effective"]].first()
                  .rename(columns={"clusters": "branches", "deff": "deff (paths)",
                                   "n_effective": "effective n"}))
        return design.join(wide).reset_index()

    def smallest_n(self, target: float = 0.8) -> pd.Series:
        """Per path, the smallest n of the grid whose power reaches ``target`` (or "not
        within the grid")."""
        cols = list(PATHS.values())
        reached = self.table.set_index("n")[cols] >= target
        return pd.Series({c: int(reached.index[reached[c]].min()) if reached[c].any()
                          else "not within the grid" for c in cols}, dtype=object,
                         name=f"smallest n with power ≥ {target:g}")

    def _show(self):
        import matplotlib.pyplot as plt
        from IPython.display import display

        from ...inference.power import plot_power_curve

        self.out.clear_output(wait=True)
        with self.out:
            if self.message:
                print(self.message)
            if self.table.empty:
                return
            nested = "branches" in self.table
            fmt = {c: "{:.2f}" for c in PATHS.values()}
            fmt.update({"deff (paths)": "{:.2f}", "effective n": "{:.0f}"})
            design = (f"{self.cluster_size.value} employees per branch, ICC "
                      f"{self.icc.value:.2f}" if nested else "simple random samples")
            display(self.table.style.format(fmt).hide(axis="index").set_caption(
                f"Power at α = .05 ({design}; {self.reps.value} replications per n, seed "
                f"{self.seed})"))
            fig, ax = plt.subplots(figsize=(5.5, 3.4))
            params = ["oc ~ ic", "sq ~ oc", "sq ~ ic", "ind := oc ~ ic * sq ~ oc"]
            plot_power_curve(self.result, params=params, ax=ax,
                             labels=dict(zip(params, PATHS.values())))
            if nested:
                ax.set_xlabel(f"n employees (branches × {self.cluster_size.value})")
            plt.show()
            plt.close(fig)
