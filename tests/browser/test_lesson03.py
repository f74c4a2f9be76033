"""Lesson 03 in JupyterLab and chromium: run all, no errors, the widgets respond."""

from __future__ import annotations

from browserlab import JS_NB, lesson_in_chromium, widget_box


def test_lesson03_runs_and_its_measurement_lab_responds_in_chromium(lab, shots, browser,
                                                                    record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "03_measurement_quality.ipynb") as page:
        # the path diagram is among the outputs (off-screen cells need not be in the DOM)
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.some("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)); }")

        # the measurement lab: untick oc3r; commitment must be refitted with two items
        box = widget_box(page, ".widget-checkbox")
        box.scroll_into_view_if_needed()
        assert box.locator("input[type=checkbox]").count() == 17
        out = box.locator(".widget-output").first
        # commitment starts with its three items (waited for: under load the table
        # can be in the DOM a moment before its cells are laid out)
        page.wait_for_function(
            "el => { const r = [...el.querySelectorAll('tbody tr')].find("
            "r => r.querySelector('th').textContent.trim() === 'oc');"
            " return r && r.querySelector('td').textContent.trim() === '3'; }",
            arg=out.element_handle(), timeout=60_000)
        box.locator(".widget-checkbox", has_text="oc3r").locator("input").click()
        page.wait_for_function(
            "el => { const r = [...el.querySelectorAll('tbody tr')].find("
            "r => r.querySelector('th').innerText.trim() === 'oc');"
            " return r && r.querySelector('td').innerText.trim() === '2'; }",
            arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson03_measurement_lab_moved.png"))

        # one more: commitment would keep a single item, and the lab says why not
        box.locator(".widget-checkbox", has_text="oc2").locator("input").click()
        page.wait_for_function("el => el.innerText.includes('Keep at least two items of oc')",
                               arg=out.element_handle(), timeout=60_000)
