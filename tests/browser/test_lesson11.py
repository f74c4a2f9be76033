"""Lesson 11 in JupyterLab and chromium: run all, no errors, the lens explorer responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, svg_figures, widget_box


def test_lesson11_runs_and_its_lens_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "11_pls_and_cb_sem_side_by_side.ipynb") as page:
        # the CB-SEM and the PLS path diagrams are among the outputs
        assert svg_figures(page) == 2

        # the lens explorer: items with loadings .70 to start; make them excellent
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider").count() == 2
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('true loading 0.70')",
                               arg=out.element_handle(), timeout=60_000)
        before = out.inner_text()
        handle = box.locator(".widget-slider", has_text="loading").locator(
            ".noUi-handle").first
        handle.click()
        for _ in range(4):
            handle.press("ArrowRight")
        page.wait_for_function("el => el.innerText.includes('true loading 0.90')",
                               arg=out.element_handle(), timeout=120_000)
        assert out.inner_text() != before
        box.screenshot(path=str(shots / "lesson11_lens_explorer_loading.png"))

        # and the sample size (the first slider; "loading" contains an n too)
        handle = box.locator(".widget-slider").first.locator(".noUi-handle").first
        handle.click()
        for _ in range(2):
            handle.press("ArrowRight")
        page.wait_for_function("el => el.innerText.includes('n = 300')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson11_lens_explorer_n.png"))
