"""Lesson 10 in JupyterLab and chromium: run all, no errors, the linkage explorer responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson10_runs_and_its_linkage_explorer_responds_in_chromium(lab, shots, browser,
                                                                   record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "10_employees_and_customers_of_branches.ipynb") as page:
        # the two-level path diagram (one figure, a panel per level)
        assert svg_figures(page) == 1

        # the linkage explorer: satisfaction and the library's minimums to start
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('sat ~ im: branches with at least"
                               " 3 employees and 5 customers')",
                               arg=out.element_handle(), timeout=60_000)
        before = out.inner_text()

        # loyalty as the outcome: a new path and the outcome's own ICC rows
        box.locator("select").first.select_option("loy")
        page.wait_for_function("el => el.innerText.includes('loy ~ im') "
                               "&& el.innerText.includes('ICC(2) loy')",
                               arg=out.element_handle(), timeout=120_000)
        assert out.inner_text() != before

        # stricter minimum of customers with the keyboard: fewer branches are kept
        handle = box.locator(".widget-slider", has_text="min customers").locator(
            ".noUi-handle").first
        handle.click()
        for _ in range(15):
            handle.press("ArrowRight")
        # fewer than 50 branches now: the explorer adds the small-sample note
        page.wait_for_function("el => el.innerText.includes('3 employees and 20 customers')"
                               " && el.innerText.includes('Maas & Hox')",
                               arg=out.element_handle(), timeout=300_000)
        box.screenshot(path=str(shots / "lesson10_linkage_explorer_moved.png"))
