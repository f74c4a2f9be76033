"""Comparing groups: is one structural path the same in every group?"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["GroupPathExplorer"]


class GroupPathExplorer:
    """Pick a structural path and test whether it is equal across groups.

    The model is fitted to every group with the measurement constraints ``measurement``
    (default equal loadings, metric invariance, so that paths are on one scale) and all
    paths free; choosing a path refits with that one path constrained equal across
    groups (lavaan's ``group.equal = "regressions"`` with the other paths in
    ``group.partial``) and shows the χ² difference test
    (:func:`im_research.inference.compare.chisq_difference`).

    In a multi-group model a label such as ``a*x`` makes a parameter equal in every
    group (as in lavaan), so give ``model`` without labels and ``:=`` lines.

    Attributes
    ----------
    dropdown : ipywidgets.Dropdown
        The path to test (``"bb ~ bc"``).
    table : DataFrame
        Per group: the path's ``est``, ``se``, ``pvalue`` and ``std_all`` in the free fit.
    test : dict
        ``delta_chisq, delta_df, pvalue`` of the chosen constraint.
    free, result : SEMResult
        The fit with all paths free, and the fit with the chosen path equal.

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.teaching.widgets import GroupPathExplorer
    >>> ski = ir.datasets.load("ski_resort_branding").dropna()
    >>> model = ("bk =~ bk1 + bk2 + bk3\\nbc =~ bc1 + bc2 + bc3 + bc4\\n"
    ...          "bb =~ bb1 + bb2 + bb3\\nbc ~ bk\\nbb ~ bc + bk")
    >>> ex = GroupPathExplorer(model, ski, "season_contract")
    >>> ex.dropdown.value = "bb ~ bc"
    >>> ex.test["delta_df"]
    1
    """

    def __init__(self, model: str, data, group: str, paths=None,
                 measurement=("loadings",), **fit_kwargs):
        from ...errors import ArgumentError
        from ...sem.estimate import fit
        from ...validation import as_names

        self.measurement = tuple(as_names(measurement, "measurement"))
        self._fit = lambda equal, partial: fit(model, data=data, group=group,
                                               group_equal=self.measurement + equal,
                                               group_partial=partial, **fit_kwargs)
        self.free = self._fit((), [])
        if self.free.ngroups < 2:
            raise ArgumentError(f"group={group!r} has one group only; the explorer compares "
                                "two or more groups")
        p = self.free.params
        regressions = p[p["op"] == "~"].drop_duplicates(["lhs", "rhs"])
        self._all_paths = [f"{r.lhs} ~ {r.rhs}" for r in regressions.itertuples()]
        paths = self._all_paths if paths is None else as_names(paths, "paths")
        unknown = [q for q in paths if q not in self._all_paths]
        if unknown:
            raise ArgumentError(f"paths={unknown} are not regressions of the model; "
                                f"choose from {self._all_paths}")
        self.dropdown = w.Dropdown(options=list(paths), value=paths[0],
                                   description="equal path", style={"description_width":
                                                                    "initial"})
        self.out = w.Output()
        self.table, self.test, self.result = pd.DataFrame(), {}, None
        self.dropdown.observe(self._update, names="value")
        self.widget = w.VBox([self.dropdown, self.out])
        self._update()

    def _constrained(self, path):
        from ...inference.compare import chisq_difference

        result = self._fit(("regressions",), [q for q in self._all_paths if q != path])
        d = chisq_difference(self.free, result)
        return result, {k: d[k] for k in ("delta_chisq", "delta_df", "pvalue")}

    def _per_group(self, path) -> pd.DataFrame:
        lhs, rhs = (s.strip() for s in path.split("~"))
        p = self.free.params
        rows = p[(p["op"] == "~") & (p["lhs"] == lhs) & (p["rhs"] == rhs)]
        table = rows.set_index("group")[["est", "se", "pvalue", "std_all"]]
        table.index.name = None
        return table

    def summary(self) -> pd.DataFrame:
        """Every path of the dropdown tested in turn: its ``std_all`` in each group (free
        fit) and the test of equality (``delta_chisq, delta_df, pvalue``), one row per
        path."""
        rows = {}
        for path in self.dropdown.options:
            row = self._per_group(path)["std_all"].to_dict()
            row.update(self._constrained(path)[1])
            rows[path] = row
        return pd.DataFrame.from_dict(rows, orient="index").astype({"delta_df": int})

    def _update(self, change=None):
        path = self.dropdown.value
        self.result, self.test = self._constrained(path)
        self.table = self._per_group(path).round(3)
        d = self.test
        self.out.clear_output(wait=True)
        with self.out:
            from IPython.display import display

            display(self.table.style.format("{:.3f}")
                    .set_caption(f"{path} in each group (all paths free)"))
            where = ("both groups" if self.free.ngroups == 2
                     else f"all {self.free.ngroups} groups")
            print(f"Constrain {path} equal in {where}: "
                  f"Δχ² = {d['delta_chisq']:.3f}, df = {d['delta_df']}, "
                  f"p = {d['pvalue']:.3f}")
