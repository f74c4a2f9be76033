"""Lesson 12 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

import time

from browserlab import JS_ERRORS, JS_NB, run_lesson, screenshot_notebook, widget_box, widget_errors


def test_lesson12_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = run_lesson(browser, lab, "12_higher_order_servqual.ipynb",
                                console_errors)
    try:
        # the second-order path diagram is among the outputs, and the questionnaire
        # rendered as Markdown (a heading per instrument, not raw '##' text)
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.filter("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)).length; }") == 1
        assert "## Perceived service quality" not in page.inner_text("body")
        shots_taken = screenshot_notebook(page, shots, "lesson12_after_run_all")

        # the path explorer: add empathy's own path to loyalty; the table must gain the
        # refitted model and the difference test
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        assert "difference" not in out.inner_text()
        box.locator("select").first.select_option("loy ~ emp")
        page.wait_for_function("el => el.innerText.includes('difference')"
                               " && el.innerText.includes('+ loy ~ emp')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson12_path_explorer_moved.png"))
        assert page.evaluate(JS_ERRORS) == []
    finally:
        page.close()
    assert not widget_errors(console_errors), widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\nlesson 12 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 1} screenshots in {shots}")
