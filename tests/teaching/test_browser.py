"""Lessons 01 to 03 as a student meets them: JupyterLab in a real browser.

JupyterLab serves a temporary copy of ``notebooks/`` on 127.0.0.1 (free port, token,
its own config, settings, workspace and runtime folders, so nothing is read from or
written to the user's Jupyter setup or the repository). Debian's ``chromium``, driven by
Playwright for Python through ``executable_path`` (no ``playwright install``, no browser
download), opens each lesson, runs all cells and checks what a student would see: no error
output, every widget rendered, and widget outputs that change when a control is moved.
Screenshots go to a temporary folder (``IM_RESEARCH_SCREENSHOTS`` to choose one); the
path is printed and written to the test report.

``./dev test`` installs chromium when it can; on Linux a missing chromium is a failure
(with the command that fixes it), not a skip, so CI cannot pass without running this.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.kernels,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="the browser test runs on Linux (Debian's chromium) only"),
]

# JupyterLab's own news/update toasts would cover part of the screenshots.
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}

# JavaScript evaluated in the page; `nb` is the open notebook panel.
_JS_NB = "const nb = window.jupyterapp.shell.currentWidget;"
_JS_KERNEL_READY = ("() => { const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                    " const k = nb && nb.sessionContext && nb.sessionContext.session"
                    " && nb.sessionContext.session.kernel;"
                    " return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }")
# done: the kernel is idle and every code cell ran, or one failed (run-all stops there)
_JS_DONE = ("() => {" + _JS_NB + " const code = nb.content.widgets.filter("
            "c => c.model.type === 'code');"
            " const failed = code.some(c => c.model.outputs.toJSON().some("
            "o => o.output_type === 'error'));"
            " return nb.sessionContext.session.kernel.status === 'idle'"
            " && (failed || code.every(c => c.model.executionCount !== null)); }")
_JS_ERRORS = ("() => {" + _JS_NB + " const errs = [];"
              " nb.content.widgets.forEach((c, i) => { if (c.model.type !== 'code') return;"
              " for (const o of c.model.outputs.toJSON()) if (o.output_type === 'error')"
              " errs.push(`cell ${i}: ${o.ename}: ${o.evalue}`); });"
              " return errs; }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is needed for the browser test: `apt-get install "
                    "chromium` (./dev test installs it when run as root).")
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/; yields (base url, token, log path)."""
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
    for rel, text in _LAB_SETTINGS.items():
        f = tmp / "settings" / rel
        f.parent.mkdir(parents=True)
        f.write_text(text)
    port, token = _free_port(), os.urandom(16).hex()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
               OPENBLAS_NUM_THREADS="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    # Kernels talk over Unix sockets (see test_notebooks.py: TCP ports picked by
    # bind-and-release can be stolen by parallel tests).
    ipc = Path(tempfile.mkdtemp(prefix="imr-ipc-")) / "k"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--port-retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp}", "--LabApp.expose_app_in_browser=True",
           "--KernelManager.transport=ipc", f"--KernelManager.ip={ipc}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 90 s:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield url, token, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(ipc.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("IM_RESEARCH_SCREENSHOTS")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _widget_box(page, control_selector):
    """The innermost widget box holding ``control_selector`` and an output area."""
    return page.locator(".widget-vbox", has=page.locator(control_selector)).filter(
        has=page.locator(".widget-output")).last


def _screenshot_notebook(page, folder: Path, stem: str) -> list[Path]:
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


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium under Playwright; ``browser.console_errors`` collects the pages'
    console errors."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is a test dependency: pip install -e '.[test]' "
                    "(never `playwright install`: the test uses Debian's chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=_chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


def _run_lesson(browser, lab, lesson, console_errors):
    """Open ``lesson`` in JupyterLab, run all cells, wait until every widget rendered;
    returns the page and the run-all time in seconds."""
    url, token, _ = lab
    start = time.monotonic()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    # a workspace per lesson: a fresh page must not restore the previous lesson's tabs
    workspace = lesson.split("_")[0]
    page.goto(f"{url}/lab/workspaces/lesson{workspace}/tree/notebooks/{lesson}?token={token}")
    page.wait_for_function(_JS_KERNEL_READY, timeout=120_000, polling=500)
    page.evaluate("window.jupyterapp.shell.collapseLeft()")  # room for the lesson

    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(_JS_DONE, timeout=600_000, polling=500)
    run_time = time.monotonic() - start
    assert page.evaluate(_JS_ERRORS) == []

    # every widget view rendered (no model error, nothing still loading)
    page.wait_for_function(
        "() => !document.body.innerText.includes('Loading widget...')",
        timeout=60_000)
    assert "Error displaying widget" not in page.inner_text("body")
    return page, run_time


def _widget_errors(console_errors):
    return [m for m in console_errors if "widget" in m.lower() or "model" in m.lower()]


def test_lesson01_runs_and_its_widgets_respond_in_chromium(lab, shots, browser,
                                                            record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = _run_lesson(browser, lab, "01_service_profit_chain.ipynb",
                                 console_errors)
    try:
        assert page.locator(".widget-dropdown select").count() >= 1
        assert page.locator(".widget-slider").count() >= 1
        shots_taken = _screenshot_notebook(page, shots, "lesson01_after_run_all")

        # the path explorer: choose a path to add; the fit comparison must gain the
        # added model and the difference test. (Wait for what a student would see:
        # off-screen outputs may not be rendered yet, so "the text changed" alone
        # could be the first rendering.)
        box = _widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        before = out.inner_text()
        assert "difference" not in before
        box.locator("select").first.select_option(index=1)
        page.wait_for_function("el => el.innerText.includes('difference')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson01_path_explorer_moved.png"))

        # the modification-index explorer: move the slider up with the keyboard; a
        # stricter threshold must list fewer parameters
        box = _widget_box(page, ".widget-slider")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        rows_before = out.locator("tbody tr").count()
        handle = box.locator(".noUi-handle").first
        handle.click()
        for _ in range(8):
            handle.press("ArrowRight")
        page.wait_for_function(
            "([el, n]) => el.querySelectorAll('tbody tr').length < n",
            arg=[out.element_handle(), rows_before], timeout=120_000)
        box.screenshot(path=str(shots / "lesson01_mi_explorer_moved.png"))
        assert page.evaluate(_JS_ERRORS) == []
    finally:
        page.close()
    assert not _widget_errors(console_errors), _widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("screenshots", str(shots))
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\nlesson 01 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 2} screenshots in {shots}")


def test_lesson02_runs_and_its_measurement_lab_responds_in_chromium(lab, shots, browser,
                                                                    record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = _run_lesson(browser, lab, "02_measurement_quality.ipynb",
                                 console_errors)
    try:
        # the path diagram is among the outputs (off-screen cells need not be in the DOM)
        assert page.evaluate("() => {" + _JS_NB + " return nb.content.widgets.some("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)); }")
        shots_taken = _screenshot_notebook(page, shots, "lesson02_after_run_all")

        # the measurement lab: untick oc3r; commitment must be refitted with two items
        box = _widget_box(page, ".widget-checkbox")
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
        box.screenshot(path=str(shots / "lesson02_measurement_lab_moved.png"))

        # one more: commitment would keep a single item, and the lab says why not
        box.locator(".widget-checkbox", has_text="oc2").locator("input").click()
        page.wait_for_function("el => el.innerText.includes('Keep at least two items of oc')",
                               arg=out.element_handle(), timeout=60_000)
        assert page.evaluate(_JS_ERRORS) == []
    finally:
        page.close()
    assert not _widget_errors(console_errors), _widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("lesson02_run_all_seconds", round(run_time, 1))
    print(f"\nlesson 02 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 1} screenshots in {shots}")


def test_lesson03_runs_and_its_path_explorer_responds_in_chromium(lab, shots, browser,
                                                                  record_property):
    start = time.monotonic()
    console_errors = []
    page, run_time = _run_lesson(browser, lab, "03_replicate_published_study.ipynb",
                                 console_errors)
    try:
        # two path diagrams among the outputs (off-screen cells need not be in the DOM)
        assert page.evaluate("() => {" + _JS_NB + " return nb.content.widgets.filter("
                             "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                             "o => o.data && 'image/svg+xml' in o.data)).length; }") == 2
        shots_taken = _screenshot_notebook(page, shots, "lesson03_after_run_all")

        # the path explorer on Model A: add the path from verbal intelligence to
        # performance; the table must gain the refitted model and the difference test
        box = _widget_box(page, ".widget-dropdown select")
        box.scroll_into_view_if_needed()
        out = box.locator(".widget-output").first
        out.locator("tbody tr").first.wait_for(timeout=60_000)
        assert "difference" not in out.inner_text()
        box.locator("select").first.select_option("perform ~ verbint")
        page.wait_for_function("el => el.innerText.includes('difference')"
                               " && el.innerText.includes('+ perform ~ verbint')",
                               arg=out.element_handle(), timeout=120_000)
        box.screenshot(path=str(shots / "lesson03_path_explorer_moved.png"))
        assert page.evaluate(_JS_ERRORS) == []
    finally:
        page.close()
    assert not _widget_errors(console_errors), _widget_errors(console_errors)
    total = time.monotonic() - start
    record_property("lesson03_run_all_seconds", round(run_time, 1))
    print(f"\nlesson 03 in chromium: run all {run_time:.1f} s, test {total:.1f} s; "
          f"{len(shots_taken) + 1} screenshots in {shots}")
