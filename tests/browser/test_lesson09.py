"""Lesson 09 in JupyterLab and chromium: run all, no errors, the widget responds."""

from __future__ import annotations

import time

from browserlab import JS_ERRORS, JS_NB, run_lesson, screenshot_notebook, widget_box, widget_errors


def test_lesson09_runs_and_its_widget_responds_in_chromium(lab, shots, browser,
                                                           record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = run_lesson(browser, lab, "09_clinic_programme_over_time.ipynb",
                                console_errors)
    try:
        # the path diagram among the outputs (off-screen cells need not be in the DOM)
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.filter("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)).length; }") == 1
        assert page.locator(".widget-dropdown select").count() >= 1
        shots_taken = screenshot_notebook(page, shots, "lesson09_after_run_all")

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
        assert page.evaluate(JS_ERRORS) == []
    finally:
        page.close()
    assert not widget_errors(console_errors), widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("screenshots", str(shots))
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\nlesson 09 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 1} screenshots in {shots}")
