"""Lesson 04 in JupyterLab and chromium: run all, no errors, the simulation lab responds."""

from __future__ import annotations

from browserlab import JS_NB, lesson_in_chromium, press_on_slider, widget_box
from playwright.sync_api import TimeoutError as PlaywrightTimeout


def test_lesson04_runs_and_its_simulation_lab_responds_in_chromium(lab, shots, browser,
                                                                   record_property):
    with lesson_in_chromium(browser, lab, shots, record_property,
                            "04_structural_model_mediation.ipynb") as page:
        # the chain's path diagram is among the cell outputs (the lab draws its own)
        assert page.evaluate("() => {" + JS_NB + " return nb.content.widgets.some("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)); }")

        # the simulation lab: raise n with the keyboard; the study and its 100
        # replications are redrawn at the new size, with the diagram and the histogram
        # (JupyterLab shows both figures as <img>)
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        assert box.locator(".widget-slider").count() == 4
        out = box.locator(".widget-output").first
        page.wait_for_function("el => el.innerText.includes('One study of n = 100')"
                               " && el.querySelectorAll('img, svg').length >= 2",
                               arg=out.element_handle(), timeout=60_000)
        before = out.locator("table").nth(1).inner_text()
        # in some runs right after lesson 03's test in the same worker (4 of 7 on
        # 2026-12-03), the first change of n is never drawn: the readout moves, the output
        # stays at n = 100 for minutes, no error anywhere, and the widget works when tried
        # alone. A second press must then redraw at n = 200
        n_slider = box.locator(".widget-slider").nth(3)
        redrawn = ("([el, n]) => el.innerText.includes('One study of n = ' + n)"
                   " && el.querySelectorAll('img, svg').length >= 2")
        assert press_on_slider(n_slider, "ArrowRight") == "150"
        try:
            page.wait_for_function(redrawn, arg=[out.element_handle(), 150], timeout=45_000)
        except PlaywrightTimeout:
            print("lesson 04: n = 150 not drawn in 45 s; output shows "
                  f"{out.inner_text()[:80]!r}; pressing again")
            assert press_on_slider(n_slider, "ArrowRight") == "200"
            page.wait_for_function(redrawn, arg=[out.element_handle(), 200], timeout=120_000)
        assert out.locator("table").nth(1).inner_text() != before
        box.screenshot(path=str(shots / "lesson04_simulation_lab_moved.png"))

        # path a to zero: the truth column of the first table follows
        handle = box.locator(".widget-slider").nth(0).locator(".noUi-handle").first
        handle.click()
        handle.press("Home")
        page.wait_for_function(
            "el => { const r = [...el.querySelectorAll('table')[0].querySelectorAll('tbody tr')]"
            ".find(r => r.querySelector('th').innerText.includes('indirect'));"
            " return r && r.querySelector('td').innerText.trim() === '0.000'; }",
            arg=out.element_handle(), timeout=120_000)
