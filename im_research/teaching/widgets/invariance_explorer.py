"""The invariance explorer: release equality constraints and watch the steps' verdicts."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["InvarianceExplorer"]

_COLUMNS = {"chisq": "χ²", "df": "df", "cfi": "CFI", "rmsea": "RMSEA",
            "delta_chisq": "Δχ²", "delta_df": "Δdf", "delta_pvalue": "p(Δχ²)",
            "delta_cfi": "ΔCFI", "delta_rmsea": "ΔRMSEA", "decision": "decision"}


class InvarianceExplorer:
    """Tick loadings or intercepts to free across groups; the invariance sequence is
    refitted with them released (partial invariance) and Δχ², ΔCFI and the verdicts
    update.

    The boxes list the loadings and intercepts that the scalar model holds equal, in
    the order of their score tests (:func:`~im_research.inference.invariance.release_candidates`,
    largest first, the X² in the label). A ticked loading is freed from the metric step
    on, a ticked intercept from the scalar step on
    (:func:`~im_research.inference.invariance.invariance` with ``partial=``). ``table``
    holds the steps; ``means`` the latent means of the other groups relative to the
    first (fixed at 0), from the last step, which is only meaningful once that step is
    supported. A choice that leaves the model unidentified (every intercept of a factor
    released) is refused in ``message`` and the last valid state kept. ``fit_kwargs`` go
    to :func:`im_research.fit` (e.g. ``estimator="MLR"``).

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.teaching.widgets import InvarianceExplorer
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> ex = InvarianceExplorer("im =~ im1 + im2 + im3 + im4", bank, "role")
    >>> ex.boxes["im3 ~1"].value = True
    >>> ex.partial
    {'metric': [], 'scalar': ['im3 ~1']}
    >>> list(ex.table.index)
    ['configural', 'metric', 'scalar']
    """

    def __init__(self, model: str, data, group: str, steps=("configural", "metric", "scalar"),
                 **fit_kwargs):
        from ...inference.invariance import invariance, release_candidates
        from ...validation import as_names

        self.model, self.data, self.group = model, data, group
        self.steps = tuple(as_names(steps, "steps"))
        self.fit_kwargs = fit_kwargs
        base = invariance(model, data, group, steps=("configural", "metric", "scalar"),
                          **fit_kwargs)
        cand = release_candidates(base.attrs["fits"]["scalar"])
        cand = cand[cand["op"].isin(["=~", "~1"])].drop_duplicates(["lhs", "op", "rhs"])
        self.candidates = cand.reset_index(drop=True)
        self.boxes = {}
        for _, r in self.candidates.iterrows():
            name = f"{r['lhs']} {r['op']} {r['rhs']}".strip()
            self.boxes[name] = w.Checkbox(value=False, description=f"{name}  ({r['X2']:.1f})",
                                          indent=False, layout=w.Layout(width="150px"))
        self.out = w.Output()
        self.table = pd.DataFrame()
        self.means = pd.DataFrame()
        self.partial: dict = {}
        self.message = ""
        for box in self.boxes.values():
            box.observe(self._update, names="value")
        grid = w.GridBox(list(self.boxes.values()),
                         layout=w.Layout(grid_template_columns="repeat(6, 150px)"))
        self.widget = w.VBox([w.Label("Free across groups (score test X² in brackets):"),
                              grid, self.out])
        self._invariance = invariance
        self._update()

    def _update(self, change=None):
        from ...errors import IdentificationError

        ticked = [name for name, box in self.boxes.items() if box.value]
        partial = {"metric": [t for t in ticked if "=~" in t],
                   "scalar": [t for t in ticked if t.endswith("~1")]}
        try:
            tab = self._invariance(self.model, self.data, self.group, steps=self.steps,
                                   partial=partial, **self.fit_kwargs)
        except IdentificationError:
            # e.g. every intercept of a factor released: its mean has no anchor left
            self.message = (f"Releasing {', '.join(ticked)} leaves the model unidentified "
                            "(a factor needs at least one loading and one intercept held "
                            "equal). The tables are those of the last valid choice.")
            self.out.clear_output(wait=True)
            with self.out:
                print(self.message)
            return
        self.message = ""
        self.partial = partial
        tab["decision"] = ["baseline"] + [
            "NOT supported" if "NOT supported" in v else "supported"
            for v in tab["verdict"].iloc[1:]]
        self.table = tab[[c for c in _COLUMNS if c in tab.columns]]
        last = tab.attrs["fits"][self.steps[-1]]
        p = last.params
        lat = p[(p["op"] == "~1") & p["lhs"].isin(last.latent)
                & (p["group"] != last.group_labels[0])]
        self.means = lat[["lhs", "group", "est", "se", "pvalue"]].rename(
            columns={"lhs": "factor"}).reset_index(drop=True)
        self.out.clear_output(wait=True)
        with self.out:
            from IPython.display import display

            released = ", ".join(ticked) or "nothing"
            display(self.table.rename(columns=_COLUMNS).style
                    .format("{:.3f}", na_rep="", subset=[_COLUMNS[c] for c in _COLUMNS
                                                         if c in self.table.columns
                                                         and c not in ("df", "delta_df",
                                                                       "decision")])
                    .format("{:.0f}", na_rep="", subset=["df", "Δdf"])
                    .set_caption(f"Released: {released}"))
            display(self.means.style.format("{:.3f}", subset=["est", "se", "pvalue"])
                    .hide(axis="index")
                    .set_caption(f"Latent means relative to {last.group_labels[0]} "
                                 f"({self.steps[-1]} step)"))
