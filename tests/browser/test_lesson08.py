"""Lesson 08 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, svg_figures


def test_lesson08_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "08_airline_integrated_marketing.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the group path explorer: choose consistency -> satisfaction; the table and the
        # test line must switch to that path
        pick_in_dropdown(page, "cs ~ cons", shows=["Constrain cs ~ cons"], hides=["cons ~ ifc"],
                         first_shows=["Constrain cons ~ ifc"],
                         shot=shots / "lesson08_group_explorer_moved.png")
