"""Lesson 07 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, svg_figures


def test_lesson07_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "07_ski_resort_internal_branding.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the group path explorer: choose commitment -> behaviour; the table and the
        # test line must switch to that path
        pick_in_dropdown(page, "bb ~ bc", shows=["Constrain bb ~ bc"], hides=["bc ~ bk"],
                         first_shows=["Constrain bc ~ bk"],
                         shot=shots / "lesson07_group_explorer_moved.png")
