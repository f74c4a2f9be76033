"""Lesson 02 in JupyterLab and chromium: run all, no errors, the careless screen responds."""

from __future__ import annotations

from browserlab import JS_NB, lesson_in_chromium, press_on_slider, widget_box


def test_lesson02_runs_and_its_careless_screen_responds_in_chromium(lab, shots, browser,
                                                                    record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "02_survey_data.ipynb") as page:
        # the figure (the Likert chart) is among the outputs
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.some("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/png' in o.data)); }")

        # the careless screen: demand three flags with the keyboard; fewer suspects
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider").count() == 4
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('Suspect: 16,')",
                               arg=out.element_handle(), timeout=60_000)
        rows_before = out.locator("tbody tr").count()
        press_on_slider(box.locator(".widget-slider").nth(3), "ArrowRight")
        page.wait_for_function(
            "([el, n]) => !el.innerText.includes('Suspect: 16,')"
            " && el.querySelectorAll('tbody tr').length < n",
            arg=[out.element_handle(), rows_before], timeout=120_000)
        # the recall line is written after the table: wait for it rather than race it
        page.wait_for_function("el => el.innerText.includes('Recall 0.750')",
                               arg=out.element_handle(), timeout=60_000)
        assert "Recall 0.750" in out.inner_text()
        box.screenshot(path=str(shots / "lesson02_careless_screen_moved.png"))

        # and the Mahalanobis cut-off from its dropdown: the flag count changes
        flagged = out.locator("table").first.inner_text()
        box.locator("select").first.select_option(label="0.05")
        page.wait_for_function("([el, t]) => el.querySelector('table')"
                               " && el.querySelector('table').innerText !== t",
                               arg=[out.element_handle(), flagged], timeout=120_000)
