"""The lessons as a student meets them: JupyterLab in a real browser (shared pieces).

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

This module holds the fixtures (``lab``, ``shots``, ``browser``), loaded for every test
by the root ``conftest.py`` as a plugin (per test module: a session-wide sync Playwright
hung the xdist worker at teardown), and the page helpers a lesson's test calls:
:func:`run_lesson`, :func:`widget_box`, :func:`screenshot_notebook`, :func:`widget_errors`
and the JavaScript snippets. (Not a ``conftest.py``: a second module of that name would
shadow ``tests/conftest.py``, whose reference loaders the other tests import.)
"""


from __future__ import annotations

import contextlib
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


_JS_TEXTS = ("({el, shows, hides}) => shows.every(t => el.innerText.includes(t))"
             " && !hides.some(t => el.innerText.includes(t))")


def pick_in_dropdown(page, option, shows, hides=(), first_shows=(), first_hides=(),
                     shot=None):
    """Choose ``option`` (a value, or an index as int) in the first dropdown widget and
    wait until its output shows every text of ``shows`` and none of ``hides``. Before
    choosing, the output must have rendered a table and show ``first_shows`` but none of
    ``first_hides`` (what a student sees; off-screen outputs may render late, so "the
    text changed" alone could be the first rendering). ``shot``: a screenshot path."""
    box = widget_box(page, ".widget-dropdown select")
    box.scroll_into_view_if_needed()
    out = box.locator(".widget-output").first
    out.locator("tbody tr").first.wait_for(timeout=60_000)
    page.wait_for_function(_JS_TEXTS, arg={"el": out.element_handle(),
                                           "shows": list(first_shows),
                                           "hides": list(first_hides)}, timeout=60_000)
    select = box.locator("select").first
    select.select_option(index=option) if isinstance(option, int) else \
        select.select_option(option)
    page.wait_for_function(_JS_TEXTS, arg={"el": out.element_handle(), "shows": list(shows),
                                           "hides": list(hides)}, timeout=120_000)
    if shot is not None:
        box.screenshot(path=str(shot))


def press_on_slider(slider, key, times=1, tries=3):
    """Focus the handle of an ipywidgets ``slider`` (a ``.widget-slider`` locator) and
    press ``key`` ``times`` times, as a student does with the keyboard; return the
    slider's readout. The readout must change: under load a click can land before the
    handle takes focus (then no press registers), so the presses are repeated (up to
    ``tries`` times) until they do."""
    readout = slider.locator(".widget-readout").first
    handle = slider.locator(".noUi-handle").first
    before = readout.inner_text()
    for _ in range(tries):
        handle.click()
        for _ in range(times):
            handle.press(key)
        try:
            slider.page.wait_for_function("([el, t]) => el.innerText !== t",
                                          arg=[readout.element_handle(), before],
                                          timeout=10_000)
            return readout.inner_text()
        except Exception:  # noqa: BLE001 (playwright's TimeoutError: press again)
            continue
    raise AssertionError(f"pressing {key!r} on the slider left its readout at {before!r}")


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
    # (a translation in a subfolder, fa/01_..., gets its own: "fa-01")
    workspace = lesson.replace("/", "-").split("_")[0]
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/; yields (base url, token, log path)."""
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
    for rel, text in LAB_SETTINGS.items():
        f = tmp / "settings" / rel
        f.parent.mkdir(parents=True)
        f.write_text(text)
    port, token = free_port(), os.urandom(16).hex()
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
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def lesson_in_chromium(browser, lab, shots, record_property, notebook):
    """Open ``notebook`` in JupyterLab, run all and screenshot it; yields the page for the
    lesson's own checks (widgets moved, figures counted), then closes it, asserts that no
    widget reported an error and records the run-all time."""
    start = time.monotonic()
    console_errors = []
    page, run_time = run_lesson(browser, lab, notebook, console_errors)
    stem = "lesson" + notebook.replace("/", "-").split("_")[0]  # fa/01_... -> lessonfa-01
    try:
        taken = screenshot_notebook(page, shots, f"{stem}_after_run_all")
        yield page
        assert page.evaluate(JS_ERRORS) == []
    finally:
        page.close()
    assert not widget_errors(console_errors), widget_errors(console_errors)
    record_property("screenshots", str(shots))
    record_property("run_all_seconds", round(run_time, 1))
    print(f"\n{stem} in chromium: run all {run_time:.1f} s, test "
          f"{time.monotonic() - start:.1f} s; {len(taken)} screenshots in {shots}")


def svg_figures(page) -> int:
    """How many code cells of the open notebook show an SVG figure (off-screen cells need
    not be in the DOM, so the notebook model is asked)."""
    return page.evaluate("() => {" + JS_NB + " return nb.content.widgets.filter("
                         "c => c.model.type === 'code' && c.model.outputs.toJSON().some("
                         "o => o.data && 'image/svg+xml' in o.data)).length; }")
