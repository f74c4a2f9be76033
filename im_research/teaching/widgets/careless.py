"""The careless-responding screen with its cut-offs on sliders."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

__all__ = ["CarelessScreen"]

_P_OPTIONS = [("0.05", 0.05), ("0.01", 0.01), ("0.001", 0.001), ("0.0001", 0.0001)]


class CarelessScreen:
    """Move the cut-offs of :func:`im_research.quality.screen` and see who is flagged.

    Sliders set the thresholds of the longstring (share of the items answered
    identically in a row), the intra-individual variability (SD across items), the
    Mahalanobis p-value, the even–odd and psychometric-synonym consistencies, and how
    many flags make a respondent suspect. ``planted`` (ids of respondents known to be
    careless, e.g. a synthetic dataset's) grades the screen with
    :func:`~im_research.survey.quality.precision_recall`.

    State after each change: ``result`` (the :class:`~im_research.survey.quality.ScreenResult`),
    ``summary`` (respondents flagged per index), ``hits`` (precision and recall, with
    ``planted``) and ``table`` (the suspect respondents).

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.teaching.widgets import CarelessScreen
    >>> bank = ir.datasets.load("bank_service_profit_chain")
    >>> items = [c for c in bank.columns if c[:2] in ("im", "js", "oc", "sq")]
    >>> scr = CarelessScreen(bank, items, id_col="employee_id",
    ...                      planted=bank.attrs["codebook"]["careless_respondents"])
    >>> scr.min_flags.value = 3
    >>> int(scr.hits["flagged"]) <= int(scr.summary["suspect"])
    True
    """

    def __init__(self, data, items, id_col=None, planted=None, constructs=None,
                 max_rows: int = 20):
        from ...survey.quality import DEFAULT_THRESHOLDS, screen
        from ...validation import as_count

        self.max_rows = as_count(max_rows, "max_rows", minimum=1)
        self._screen = lambda th: screen(data, items, id_col=id_col, constructs=constructs,
                                         thresholds=th)
        self._screen(None)  # bad data or items are refused here, before any widget
        self.planted = None if planted is None else list(planted)
        th = DEFAULT_THRESHOLDS
        style = {"description_width": "210px"}
        layout = w.Layout(width="470px")
        self.longstring = w.FloatSlider(
            value=th["longstring_share"], min=0.2, max=1.0, step=0.05, style=style,
            layout=layout, continuous_update=False, readout_format=".2f",
            description="longstring: share of items ≥")
        self.irv = w.FloatSlider(value=th["irv_max"], min=0.0, max=1.5, step=0.1,
                                 style=style, layout=layout, continuous_update=False,
                                 readout_format=".1f", description="variability: SD <")
        self.mahalanobis = w.Dropdown(options=_P_OPTIONS, value=th["mahalanobis_p"],
                                      style=style, layout=layout,
                                      description="Mahalanobis: p <")
        self.consistency = w.FloatSlider(
            value=th["even_odd_max"], min=-1.0, max=0.6, step=0.1, style=style,
            layout=layout, continuous_update=False, readout_format=".1f",
            description="even-odd, synonyms: r <")
        self.min_flags = w.IntSlider(value=th["min_flags"], min=1, max=5, style=style,
                                     layout=layout, continuous_update=False,
                                     description="suspect with flags ≥")
        self.out = w.Output()
        self.result = None
        self.summary = pd.Series(dtype=int)
        self.hits = pd.Series(dtype=float)
        self.table = pd.DataFrame()
        for control in (self.longstring, self.irv, self.mahalanobis, self.consistency,
                        self.min_flags):
            control.observe(self._update, names="value")
        self.widget = w.VBox([self.longstring, self.irv, self.mahalanobis,
                              self.consistency, self.min_flags, self.out])
        self._update()

    def thresholds(self) -> dict:
        """The cut-offs as :func:`~im_research.survey.quality.screen` takes them."""
        return {"longstring_share": self.longstring.value, "irv_max": self.irv.value,
                "mahalanobis_p": self.mahalanobis.value,
                "even_odd_max": self.consistency.value,
                "psychsyn_max": self.consistency.value, "min_flags": self.min_flags.value}

    def _update(self, change=None):
        from ...survey.quality import precision_recall

        self.result = self._screen(self.thresholds())
        t = self.result.table
        self.summary = self.result.summary
        suspect = t[t["suspect"]]
        cols = ["id", "longstring", "irv", "mahalanobis_p", "psychsyn", "n_flags"]
        self.table = suspect[cols].copy()
        if self.planted is not None:
            self.hits = precision_recall(suspect["id"], self.planted)
            self.table["planted"] = self.table["id"].isin(self.planted).map(
                {True: "yes", False: "no"})
        self._show()

    def _show(self):
        from IPython.display import display

        self.out.clear_output(wait=True)
        with self.out:
            counts = self.summary.drop("n").rename(lambda s: s.replace("flag_", ""))
            display(counts.to_frame("respondents").T.style
                    .set_caption(f"Flagged by each index, of {int(self.summary['n'])}"))
            if self.planted is not None:
                h = self.hits
                precision = ("no one is suspect" if not h["flagged"] else
                             f"{h['precision']:.3f}: share of the suspects who are careless")
                print(f"Suspect: {int(h['flagged'])}, of whom {int(h['true_positives'])} "
                      f"of the {int(h['careless'])} planted careless respondents.\n"
                      f"Precision {precision}.\nRecall {h['recall']:.3f}: share of the "
                      "careless who are caught.")
            if self.table.empty:
                print("No respondent reaches the number of flags.")
            else:
                shown = self.table.head(self.max_rows)
                more = len(self.table) - len(shown)
                display(shown.style.hide(axis="index")
                        .format("{:.3f}", subset=["irv", "mahalanobis_p", "psychsyn"],
                                na_rep="–")
                        .set_caption("Suspect respondents" + (
                            f" (first {len(shown)}; {more} more in .table)" if more else "")))
