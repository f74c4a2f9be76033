"""Lesson 09 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, svg_figures


def test_lesson09_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "09_clinic_programme_over_time.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the path explorer: add the reverse cross-lagged path; the table must gain the
        # refitted model and the difference test
        pick_in_dropdown(page, "im_t2 ~ js_t1", shows=["difference", "+ im_t2 ~ js_t1"],
                         first_shows=["base model"], first_hides=["difference"],
                         shot=shots / "lesson09_path_explorer_moved.png")
