"""Lesson 14 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson14_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "14_replicate_published_study.ipynb") as page:
        # two path diagrams among the outputs (off-screen cells need not be in the DOM)
        assert svg_figures(page) == 2

        # the path explorer on Model A: add the path from verbal intelligence to
        # performance; the table must gain the refitted model and the difference test
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        assert "difference" not in out.inner_text()
        box.locator("select").first.select_option("perform ~ verbint")
        page.wait_for_function("el => el.innerText.includes('difference')"
                               " && el.innerText.includes('+ perform ~ verbint')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson14_path_explorer_moved.png"))
