"""Lesson 12 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, svg_figures


def test_lesson12_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "12_higher_order_servqual.ipynb") as page:
        # the second-order path diagram is among the outputs, and the questionnaire
        # rendered as Markdown (a heading per instrument, not raw '##' text)
        assert svg_figures(page) == 1
        assert "## Perceived service quality" not in page.inner_text("body")

        # the path explorer: add empathy's own path to loyalty; the table must gain the
        # refitted model and the difference test
        pick_in_dropdown(page, "loy ~ emp", shows=["difference", "+ loy ~ emp"],
                         first_hides=["difference"],
                         shot=shots / "lesson12_path_explorer_moved.png")
