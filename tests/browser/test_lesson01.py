"""Lesson 01 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

import time

from browserlab import JS_ERRORS, run_lesson, screenshot_notebook, widget_box, widget_errors


def test_lesson01_runs_and_its_widgets_respond_in_chromium(lab, shots, browser,
                                                            record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = run_lesson(browser, lab, "01_service_profit_chain.ipynb",
                                 console_errors)
    try:
        assert page.locator(".widget-dropdown select").count() >= 1
        assert page.locator(".widget-slider").count() >= 1
        shots_taken = screenshot_notebook(page, shots, "lesson01_after_run_all")

        # the path explorer: choose a path to add; the fit comparison must gain the
        # added model and the difference test. (Wait for what a student would see:
        # off-screen outputs may not be rendered yet, so "the text changed" alone
        # could be the first rendering.)
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        before = out.inner_text()
        assert "difference" not in before
        box.locator("select").first.select_option(index=1)
        page.wait_for_function("el => el.innerText.includes('difference')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson01_path_explorer_moved.png"))

        # the modification-index explorer: move the slider up with the keyboard; a
        # stricter threshold must list fewer parameters
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        rows_before = out.locator("tbody tr").count()
        handle = box.locator(".noUi-handle").first
        handle.click()
        for _ in range(8):
            handle.press("ArrowRight")
        page.wait_for_function(
            "([el, n]) => el.querySelectorAll('tbody tr').length < n",
            arg=[out.element_handle(), rows_before], timeout=120_000)
        box.screenshot(path=str(shots / "lesson01_mi_explorer_moved.png"))
        assert page.evaluate(JS_ERRORS) == []
    finally:
        page.close()
    assert not widget_errors(console_errors), widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("screenshots", str(shots))
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\nlesson 01 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 2} screenshots in {shots}")
