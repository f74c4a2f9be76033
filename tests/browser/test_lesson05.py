"""Lesson 05 in JupyterLab and chromium: run all, no errors, the Likert explorer responds."""

from __future__ import annotations

import time

from browserlab import JS_ERRORS, JS_NB, run_lesson, screenshot_notebook, widget_box, widget_errors


def test_lesson05_runs_and_its_likert_explorer_responds_in_chromium(lab, shots, browser,
                                                                    record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = run_lesson(browser, lab, "05_likert_items_and_missing_answers.ipynb",
                                 console_errors)
    try:
        # two path diagrams (WLSMV and FIML) are among the outputs
        n_svg = page.evaluate("() => {" + JS_NB + " return nb.content.widgets.filter("
                              "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                              "o => o.data && 'image/svg+xml' in o.data)).length; }")
        assert n_svg == 2
        shots_taken = screenshot_notebook(page, shots, "lesson05_after_run_all")

        # the Likert explorer: five categories to start; move to two with the keyboard
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider").count() == 2
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('5 categories, skew 0.00')",
                               arg=out.element_handle(), timeout=60_000)
        handle = box.locator(".widget-slider", has_text="categories").locator(
            ".noUi-handle").first
        handle.click()
        for _ in range(3):
            handle.press("ArrowLeft")
        page.wait_for_function("el => el.innerText.includes('2 categories, skew 0.00')",
                               arg=out.element_handle(), timeout=300_000)
        # two boxes: the share table has two answer columns
        assert out.locator("table").first.locator("thead th").count() == 3
        box.screenshot(path=str(shots / "lesson05_likert_explorer_moved.png"))

        # and the skew slider
        handle = box.locator(".widget-slider", has_text="skew").locator(".noUi-handle").first
        handle.click()
        for _ in range(4):
            handle.press("ArrowRight")
        page.wait_for_function("el => el.innerText.includes('2 categories, skew 1.00')",
                               arg=out.element_handle(), timeout=300_000)
        assert page.evaluate(JS_ERRORS) == []
    finally:
        page.close()
    assert not widget_errors(console_errors), widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\nlesson 05 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 1} screenshots in {shots}")
