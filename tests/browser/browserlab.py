"""Shared pieces of the browser tests: JupyterLab on 127.0.0.1 and Debian's chromium.

The fixtures (``lab``, ``shots``, ``browser``) are in ``conftest.py``; this module has
the page helpers a lesson's test calls: :func:`run_lesson`, :func:`widget_box`,
:func:`screenshot_notebook`, :func:`widget_errors` and the JavaScript snippets.
"""


from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# JupyterLab's own news/update toasts would cover part of the screenshots.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}

# JavaScript evaluated in the page; `nb` is the open notebook panel.
JS_NB = "const nb = window.jupyterapp.shell.currentWidget;"
JS_KERNEL_READY = ("() => { const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                    " const k = nb && nb.sessionContext && nb.sessionContext.session"
                    " && nb.sessionContext.session.kernel;"
                    " return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }")
# done: the kernel is idle and every code cell ran, or one failed (run-all stops there)
JS_DONE = ("() => {" + JS_NB + " const code = nb.content.widgets.filter("
            "c => c.model.type === 'code');"
            " const failed = code.some(c => c.model.outputs.toJSON().some("
            "o => o.output_type === 'error'));"
            " return nb.sessionContext.session.kernel.status === 'idle'"
            " && (failed || code.every(c => c.model.executionCount !== null)); }")
JS_ERRORS = ("() => {" + JS_NB + " const errs = [];"
              " nb.content.widgets.forEach((c, i) => { if (c.model.type !== 'code') return;"
              " for (const o of c.model.outputs.toJSON()) if (o.output_type === 'error')"
              " errs.push(`cell ${i}: ${o.ename}: ${o.evalue}`); });"
              " return errs; }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is needed for the browser test: `apt-get install "
                    "chromium` (./dev test installs it when run as root).")
    return path


def widget_box(page, control_selector):
    """The innermost widget box holding ``control_selector`` and an output area."""
    return page.locator(".widget-vbox", has=page.locator(control_selector)).filter(
        has=page.locator(".widget-output")).last


def screenshot_notebook(page, folder: Path, stem: str) -> list[Path]:
    """Screenshots of the whole notebook, one viewport at a time (JupyterLab scrolls the
    notebook inside a panel, so a full-page screenshot would show one screen only)."""
    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    scroller.evaluate("el => el.scrollTo(0, 0)")
    paths, pos = [], -1
    for i in range(100):
        page.wait_for_timeout(300)
        p = folder / f"{stem}_{i:02d}.png"
        page.screenshot(path=str(p))
        paths.append(p)
        pos_new = scroller.evaluate("el => { el.scrollBy(0, el.clientHeight - 60);"
                                    " return el.scrollTop; }")
        if pos_new == pos:
            paths.pop().unlink()  # the last scroll did not move: a duplicate
            break
        pos = pos_new
    return paths


def run_lesson(browser, lab, lesson, console_errors):
    """Open ``lesson`` in JupyterLab, run all cells, wait until every widget rendered;
    returns the page and the run-all time in seconds."""
    url, token, _ = lab
    start = time.monotonic()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    # a workspace per lesson: a fresh page must not restore the previous lesson's tabs
    workspace = lesson.split("_")[0]
    page.goto(f"{url}/lab/workspaces/lesson{workspace}/tree/notebooks/{lesson}?token={token}")
    page.wait_for_function(JS_KERNEL_READY, timeout=120_000, polling=500)
    page.evaluate("window.jupyterapp.shell.collapseLeft()")  # room for the lesson

    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(JS_DONE, timeout=600_000, polling=500)
    run_time = time.monotonic() - start
    assert page.evaluate(JS_ERRORS) == []

    # every widget view rendered (no model error, nothing still loading)
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading widget...')",
        timeout=60_000)
    assert "Error displaying widget" not in page.inner_text("body")
    return page, run_time


def widget_errors(console_errors):
    return [m for m in console_errors if "widget" in m.lower() or "model" in m.lower()]


