"""Lesson 07 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson07_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "07_ski_resort_internal_branding.ipynb") as page:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 1
        assert page.locator(".widget-dropdown select").count() >= 1

        # the group path explorer: choose commitment -> behaviour; the table and the
        # test line must switch to that path
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        page.wait_for_function("el => el.innerText.includes('Constrain bc ~ bk')",
                               arg=out.element_handle(), timeout=60_000)
        box.locator("select").first.select_option("bb ~ bc")
        page.wait_for_function("el => el.innerText.includes('Constrain bb ~ bc')"
                               " && !el.innerText.includes('bc ~ bk')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson07_group_explorer_moved.png"))
