"""Lesson 01 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import lesson_in_chromium, pick_in_dropdown, press_on_slider, widget_box


def test_lesson01_runs_and_its_widgets_respond_in_chromium(lab, shots, browser,
                                                            record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "01_service_profit_chain.ipynb") as page:
        assert page.locator(".widget-dropdown select").count() >= 1
        assert page.locator(".widget-slider").count() >= 1

        # the path explorer: choose a path to add; the fit comparison must gain the
        # added model and the difference test. (Wait for what a student would see:
        # off-screen outputs may not be rendered yet, so "the text changed" alone
        # could be the first rendering.)
        pick_in_dropdown(page, 1, shows=["difference"], first_hides=["difference"],
                         shot=shots / "lesson01_path_explorer_moved.png")

        # the modification-index explorer: move the slider up with the keyboard; a
        # stricter threshold must list fewer parameters
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        rows_before = out.locator("tbody tr").count()
        press_on_slider(box.locator(".widget-slider").first, "ArrowRight", times=8)
        page.wait_for_function(
            "([el, n]) => el.querySelectorAll('tbody tr').length < n",
            arg=[out.element_handle(), rows_before], timeout=120_000)
        box.screenshot(path=str(shots / "lesson01_mi_explorer_moved.png"))
