"""Lesson 05 in JupyterLab and chromium: run all, no errors, the Likert explorer responds."""

from __future__ import annotations

from browserlab import lesson_in_chromium, press_on_slider, svg_figures, widget_box


def test_lesson05_runs_and_its_likert_explorer_responds_in_chromium(lab, shots, browser,
                                                                    record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "05_likert_items_and_missing_answers.ipynb") as page:
        # two path diagrams (WLSMV and FIML) are among the outputs
        n_svg = svg_figures(page)
        assert n_svg == 2

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
        press_on_slider(box.locator(".widget-slider", has_text="skew"), "ArrowRight", times=4)
        page.wait_for_function("el => el.innerText.includes('2 categories, skew 1.00')",
                               arg=out.element_handle(), timeout=300_000)
