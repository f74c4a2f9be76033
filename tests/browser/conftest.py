"""The lessons as a student meets them: JupyterLab in a real browser.

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
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from browserlab import LAB_SETTINGS, ROOT, chromium_path, free_port


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.kernels)
            item.add_marker(pytest.mark.slow)
            if not sys.platform.startswith("linux"):
                item.add_marker(pytest.mark.skip(
                    reason="the browser test runs on Linux (Debian's chromium) only"))


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    folder = os.environ.get("IM_RESEARCH_SCREENSHOTS")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
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


