"""Lesson 06 in JupyterLab and chromium: run all, no errors, the invariance explorer
responds."""

from __future__ import annotations

from browserlab import JS_NB, lesson_in_chromium, widget_box

# the decision of the scalar step, as the explorer's table shows it
JS_SCALAR = ("el => { const r = [...el.querySelectorAll('tbody tr')].find("
             "r => { const h = r.querySelector('th');"
             " return h !== null && h.innerText.trim() === 'scalar'; });"
             " return r ? r.lastElementChild.innerText.trim() : ''; }")


def test_lesson06_runs_and_its_invariance_explorer_responds_in_chromium(lab, shots, browser,
                                                                        record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "06_measurement_invariance.ipynb") as page:
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.some("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)); }")

        # the invariance explorer: nothing released, scalar invariance fails
        box = widget_box(page, ".widget-checkbox")
        box.scroll_into_view_if_needed()
        assert box.locator("input[type=checkbox]").count() == 17
        out = box.locator(".widget-output").first
        page.wait_for_function("el => (" + JS_SCALAR + ")(el) === 'NOT supported'",
                               arg=out.element_handle(), timeout=60_000)
        # release the planted intercept: the scalar step passes
        box.locator(".widget-checkbox", has_text="im3 ~1").locator("input").click()
        page.wait_for_function("el => el.innerText.includes('Released: im3 ~1')"
                               " && (" + JS_SCALAR + ")(el) === 'supported'",
                               arg=out.element_handle(), timeout=300_000)
        box.screenshot(path=str(shots / "lesson06_invariance_explorer_moved.png"))

        # swap it for the loading: scalar fails again
        box.locator(".widget-checkbox", has_text="im3 ~1").locator("input").click()
        box.locator(".widget-checkbox", has_text="im =~ im3").locator("input").click()
        page.wait_for_function("el => el.innerText.includes('Released: im =~ im3')"
                               " && (" + JS_SCALAR + ")(el) === 'NOT supported'",
                               arg=out.element_handle(), timeout=300_000)
