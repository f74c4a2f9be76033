"""Lesson 08 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson08_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "08_airline_integrated_marketing.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the group path explorer: choose consistency -> satisfaction; the table and the
        # test line must switch to that path
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        page.wait_for_function("el => el.innerText.includes('Constrain cons ~ ifc')",
                               arg=out.element_handle(), timeout=60_000)
        box.locator("select").first.select_option("cs ~ cons")
        page.wait_for_function("el => el.innerText.includes('Constrain cs ~ cons')"
                               " && !el.innerText.includes('cons ~ ifc')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson08_group_explorer_moved.png"))
