"""The linkage explorer: which branches to keep, and what that does to the linkage."""

from __future__ import annotations

import warnings

import ipywidgets as w
import pandas as pd

__all__ = ["LinkageExplorer"]


class LinkageExplorer:
    """Choose the customer outcome and the smallest branch you accept; see the
    reliability of the branch means and the branch-level linkage move.

    Each change reruns :func:`im_research.linkage` (no two-level model, so it is quick)
    with ``min_employees`` and ``min_customers`` from the sliders and the branch-level
    model ``<outcome> ~ <climate>``, then shows

    - ``table``: one row with the branches kept (and dropped), the employees and
      customers in them, ICC(1) and ICC(2) of the climate construct and of the outcome,
      the aggregation verdict of the climate, and the branch-level path (``path estimate``,
      ``path SE``, ``path p``, ``path standardized``);
    - ``result``: the whole :class:`~im_research.measurement.linkage.LinkageResult`.

    Stricter minimums make each branch mean more reliable but leave fewer branches: the
    trade-off a linkage study has to settle before it looks at its outcome.

    Parameters
    ----------
    employees, customers : pandas.DataFrame
        The two surveys, keyed by ``branch``.
    branch : str
        The branch column of both.
    employee_constructs, customer_constructs : dict
        ``{construct: [items]}`` as for :func:`im_research.linkage`.
    climate : str
        The employee construct whose branch mean predicts the outcome (default: the first).
    scale_points : int
        Answer options of the employee items (for rwg(j)).

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.teaching.widgets import LinkageExplorer
    >>> emp = ir.datasets.load("bank_branch_linkage_employees")
    >>> cus = ir.datasets.load("bank_branch_linkage_customers")
    >>> ex = LinkageExplorer(emp, cus, "branch", {"im": ["im1", "im2", "im3", "im4"]},
    ...                      {"sat": ["sat1", "sat2", "sat3"], "loy": ["loy1", "loy2", "loy3"]})
    >>> ex.min_customers.value = 25
    >>> int(ex.table["branches kept"].iloc[0])
    34
    """

    def __init__(self, employees, customers, branch, employee_constructs,
                 customer_constructs, climate=None, scale_points: int = 5):
        from ...errors import ArgumentError

        if not isinstance(employee_constructs, dict) or not employee_constructs:
            raise ArgumentError("employee_constructs: give a dict {construct: [items]}, e.g. "
                                "{'im': ['im1', 'im2', 'im3']}")
        if not isinstance(customer_constructs, dict) or not customer_constructs:
            raise ArgumentError("customer_constructs: give a dict {construct: [items]}, e.g. "
                                "{'sat': ['sat1', 'sat2', 'sat3']}")
        climate = list(employee_constructs)[0] if climate is None else climate
        if climate not in employee_constructs:
            raise ArgumentError(f"climate={climate!r} is not one of the employee constructs "
                                f"{list(employee_constructs)}")
        self.employees, self.customers, self.branch = employees, customers, branch
        self.employee_constructs = employee_constructs
        self.customer_constructs = customer_constructs
        self.climate, self.scale_points = climate, scale_points
        self.outcome = w.Dropdown(options=list(customer_constructs), description="outcome")
        self.min_employees = w.IntSlider(value=3, min=2, max=15, description="min employees",
                                         continuous_update=False,
                                         style={"description_width": "initial"})
        self.min_customers = w.IntSlider(value=5, min=1, max=30, description="min customers",
                                         continuous_update=False,
                                         style={"description_width": "initial"})
        self.out = w.Output()
        self.table = pd.DataFrame()
        self.result = None
        self.notes: list[str] = []
        for control in (self.outcome, self.min_employees, self.min_customers):
            control.observe(self._update, names="value")
        self.widget = w.VBox([w.HBox([self.outcome, self.min_employees, self.min_customers]),
                              self.out])
        self._update()

    def _update(self, change=None):
        from ...errors import DataError, DataWarning
        from ...measurement.linkage import linkage

        outcome = self.outcome.value
        self.out.clear_output(wait=True)
        try:
            with warnings.catch_warnings():  # the result keeps them in .warnings
                warnings.simplefilter("ignore", DataWarning)
                res = linkage(self.employees, self.customers, branch=self.branch,
                              employee_constructs=self.employee_constructs,
                              customer_constructs=self.customer_constructs,
                              scale_points=self.scale_points,
                              min_employees=self.min_employees.value,
                              min_customers=self.min_customers.value,
                              branch_model=f"{outcome} ~ {self.climate}")
        except DataError as err:  # too strict: too few branches left
            self.result, self.table, self.notes = None, pd.DataFrame(), [str(err)]
            with self.out:
                print(f"No linkage: {err}")
            return
        self.result = res
        agg = res.aggregation.set_index("construct").loc[self.climate]
        cus = res.customer_icc.set_index("construct").loc[outcome]
        p = res.branch_sem.params
        path = p[(p["op"] == "~") & (p["lhs"] == outcome)].iloc[0]
        self.table = pd.DataFrame([{
            "branches kept": len(res.branches), "dropped": len(res.dropped),
            "employees": int(res.branches["n_employees"].sum()),
            "customers": int(res.branches["n_customers"].sum()),
            f"ICC(1) {self.climate}": agg["icc1"], f"ICC(2) {self.climate}": agg["icc2"],
            f"{self.climate} aggregation": agg["verdict"],
            f"ICC(1) {outcome}": cus["icc1"], f"ICC(2) {outcome}": cus["icc2"],
            "path estimate": path["est"], "path SE": path["se"], "path p": path["pvalue"],
            "path standardized": path["std_all"]}])
        self.notes = [n for n in res.warnings if "Maas & Hox" in n]
        with self.out:
            from IPython.display import display

            # one row of 13 quantities reads best as a column
            shown = pd.DataFrame({"value": [f"{v:.3f}" if isinstance(v, float) else str(v)
                                            for v in self.table.iloc[0]]},
                                 index=self.table.columns)
            from IPython.display import HTML

            # a heading, not a table caption: a caption wraps to the narrow table's width
            display(HTML(f"<b>Branch-level linkage {outcome} ~ {self.climate}: branches with "
                         f"at least {self.min_employees.value} employees and "
                         f"{self.min_customers.value} customers</b>"))
            display(shown.style)
            for note in self.notes:
                print("Note:", note)
