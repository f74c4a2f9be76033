"""The Persian edition of lesson 01 in JupyterLab and chromium: run all, no errors, the
prose and the tables read right to left, the path diagram shows Persian labels, and the
widgets respond."""

from __future__ import annotations

import nbformat
from browserlab import JS_NB, ROOT, lesson_in_chromium, press_on_slider, svg_figures, widget_box

NOTEBOOK = "fa/01_service_profit_chain.ipynb"


def test_persian_lesson01_reads_right_to_left_and_its_widgets_respond(lab, shots, browser,
                                                                      record_property):
    with lesson_in_chromium(browser, lab, shots, record_property, NOTEBOOK) as page:
        # the prose: every rendered Markdown cell computes to right to left, and its
        # paragraphs end at the right margin (the References cell, English citations,
        # stays left to right)
        prose = page.evaluate(
            "() => {" + JS_NB + " return nb.content.widgets"
            ".filter(c => c.model.type === 'markdown' && c.node.querySelector('[lang=fa]'))"
            ".map(c => Array.from(c.node.querySelectorAll('[lang=fa] p, [lang=fa] li'))"
            ".map(el => { const s = getComputedStyle(el);"
            " return el.tagName === 'P' ? s.direction + ' ' + s.textAlign : s.direction; })); }")
        stored = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
        persian = sum(c.cell_type == "markdown" and 'lang="fa"' in c.source
                      for c in stored.cells)
        assert len(prose) == persian and all(prose), prose
        assert {s for cell in prose for s in cell} == {"rtl", "rtl right"}, prose
        goals = page.locator(".jp-RenderedMarkdown h1").first
        # (textContent: an off-screen cell, skipped by content-visibility, has no innerText)
        assert "زنجیرهٔ خدمت–سود" in goals.evaluate("el => el.textContent")
        assert goals.evaluate("el => getComputedStyle(el).direction") == "rtl"

        # the tables: Persian headers and digits, laid out right to left
        table = page.locator(".jp-OutputArea-output table[lang=fa]").first
        table.scroll_into_view_if_needed()
        assert table.evaluate("el => getComputedStyle(el).direction") == "rtl"
        assert "۴۲۰" in table.evaluate("el => el.textContent")

        # the path diagram: Persian construct names and numbers in DejaVu Sans, which has
        # the Arabic-script glyphs and joining forms (JupyterLab shows the SVG as an image,
        # so its text is read from the notebook; the screenshot shows the shaping)
        assert svg_figures(page) == 1
        svg = page.evaluate("() => {" + JS_NB + " const key = 'image/svg+xml';"
                            " for (const c of nb.content.widgets) {"
                            " if (c.model.type !== 'code') continue;"
                            " for (const o of c.model.outputs.toJSON())"
                            " if (o.data && o.data[key]) return o.data[key];"
                            " } return ''; }")
        for text in ("بازاریابی داخلی", "رضایت مشتری", "۰٫۶۴*", 'font-family="DejaVu Sans"'):
            assert text in svg, text
        figure = page.locator(".jp-RenderedSVG img, .jp-RenderedImage img").first
        figure.scroll_into_view_if_needed()
        assert figure.evaluate("el => el.complete && el.naturalWidth > 0")
        figure.screenshot(path=str(shots / "lessonfa-01_path_diagram.png"))

        # the path explorer: choose a path to add; the comparison gains the difference test
        box = widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        assert "difference" not in out.inner_text()
        box.locator("select").first.select_option(index=1)
        page.wait_for_function("el => el.innerText.includes('difference')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lessonfa-01_path_explorer_moved.png"))

        # the modification-index explorer: a stricter threshold lists fewer parameters
        box = widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        rows_before = out.locator("tbody tr").count()
        press_on_slider(box.locator(".widget-slider").first, "ArrowRight", times=8)
        page.wait_for_function(
            "([el, n]) => el.querySelectorAll('tbody tr').length < n",
            arg=[out.element_handle(), rows_before], timeout=120_000)
