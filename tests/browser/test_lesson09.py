"""Lesson 09 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson09_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "09_clinic_programme_over_time.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the path explorer: add the reverse cross-lagged path; the table must gain the
        # refitted model and the difference test
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        page.wait_for_function("el => el.innerText.includes('base model')"
                               " && !el.innerText.includes('difference')",
                               arg=out.element_handle(), timeout=60_000)
        box.locator("select").first.select_option("im_t2 ~ js_t1")
        page.wait_for_function("el => el.innerText.includes('difference')"
                               " && el.innerText.includes('+ im_t2 ~ js_t1')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson09_path_explorer_moved.png"))
