"""Lesson 13 in JupyterLab and chromium: run all, no errors, the power planner responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson13_runs_and_its_power_planner_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "13_power_and_sample_size.ipynb") as page:
        # the population's path diagram is among the outputs
        assert svg_figures(page) == 1

        # the power planner: path a to zero; its power column falls to the test's alpha
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider").count() >= 4
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('replications per n')"
                               " && el.querySelectorAll('img, svg').length >= 1",
                               arg=out.element_handle(), timeout=60_000)
        before = out.locator("table").first.inner_text()
        handle = box.locator(".widget-slider").nth(0).locator(".noUi-handle").first
        handle.click()
        handle.press("Home")
        page.wait_for_function("([el, old]) => el.querySelector('table') &&"
                               " el.querySelector('table').innerText !== old"
                               " && [...el.querySelectorAll('img')].some("
                               "i => i.complete && i.naturalHeight > 0)",
                               arg=[out.element_handle(), before], timeout=120_000)
        first_row = out.locator("table tbody tr").first.locator("td")
        # columns: n, then a, b, c, indirect
        assert float(first_row.nth(1).inner_text()) < 0.2
        out.locator("img").last.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)  # let the new figure paint before the screenshot
        box.screenshot(path=str(shots / "lesson13_power_planner_moved.png"))
