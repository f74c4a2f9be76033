"""Lesson 14 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, svg_figures


def test_lesson14_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "14_replicate_published_study.ipynb") as page:
        # two path diagrams among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 2

        # the path explorer on Model A: add the path from verbal intelligence to
        # performance; the table must gain the refitted model and the difference test
        pick_in_dropdown(page, "perform ~ verbint", shows=["difference", "+ perform ~ verbint"],
                         first_hides=["difference"],
                         shot=shots / "lesson14_path_explorer_moved.png")
