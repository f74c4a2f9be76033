"""Lesson 12 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson12_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "12_higher_order_servqual.ipynb") as page:
        # the second-order path diagram is among the outputs, and the questionnaire
        # rendered as Markdown (a heading per instrument, not raw '##' text)
        assert svg_figures(page) == 1
        assert "## Perceived service quality" not in page.inner_text("body")

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
