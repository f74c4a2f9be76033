"""The HTML analysis report in a real browser (Debian's chromium through Playwright).

Each language's report is opened from a file (it must need nothing from the network),
checked as a reader sees it — right-to-left for Persian, every table and the figure
rendered, nothing wider than the page — and saved as a full-page screenshot in
``screenshots/`` at the repository root (gitignored; ``IM_RESEARCH_SCREENSHOTS`` picks
another folder). On Linux a missing chromium is a failure, as in tests/browser/.

Playwright runs in a child process: an xdist worker may already hold the lessons' browser
session (tests/browser/), and a second ``sync_playwright()`` cannot start inside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import im_research as ir

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"),
                                 reason="the browser test runs on Linux (Debian's chromium)")]

_SEEN = """() => ({
    direction: getComputedStyle(document.querySelector("main")).direction,
    tables: document.querySelectorAll("section.apa table").length,
    widths: [...document.querySelectorAll("section.apa table")]
            .map(t => t.getBoundingClientRect().width),
    sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    figure: (i => i !== null && i.complete ? i.naturalWidth : 0)(
            document.querySelector("figure.diagram img")),
    loading: document.querySelectorAll("section[data-key=loadings] tbody tr td")[4].innerText,
    heading: document.querySelector("h2").innerText})"""

_BROWSE = """
import json, sys
from playwright.sync_api import sync_playwright
chromium, url, shot, seen_js = sys.argv[1:5]
with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=chromium, args=[
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--no-first-run"])
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_load_state("load")
    seen = page.evaluate(seen_js)
    page.screenshot(path=shot, full_page=True)
    browser.close()
print(json.dumps({**seen, "requests": requests, "errors": errors}))
"""


@pytest.fixture(scope="module")
def chromium():
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is needed for the browser test: `apt-get install "
                    "chromium` (./dev test installs it when run as root).")
    return path


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_reads_well_in_a_browser(chromium, lang, tmp_path):
    bank = ir.datasets.load("bank_service_profit_chain")
    labels = {"im": {"en": "internal marketing", "fa": "بازاریابی داخلی"},
              "js": {"en": "job satisfaction", "fa": "رضایت شغلی"}}
    rep = ir.report.analysis_report(bank, bank.attrs["codebook"]["model_syntax"],
                                    codebook=bank.attrs["codebook"], group="role",
                                    n_boot=50, seed=1, lang=lang, labels=labels)
    html = tmp_path / f"report_{lang}.html"
    rep.to_html(html)
    folder = Path(os.environ.get("IM_RESEARCH_SCREENSHOTS", ROOT / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"analysis_report_{lang}.png"
    run = subprocess.run([sys.executable, "-c", _BROWSE, chromium, html.as_uri(), str(shot),
                          _SEEN], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert all(u.startswith(("file:", "data:")) for u in seen["requests"]), seen["requests"]
    assert not seen["errors"]  # self-contained, no console errors
    assert seen["direction"] == ("rtl" if lang == "fa" else "ltr")
    assert seen["tables"] == sum(kind == "table" for kind, _ in rep.blocks)
    assert not seen["sideways"] and min(seen["widths"]) > 100  # nothing wider than the page
    assert seen["figure"] > 300  # the embedded path diagram loaded
    params = rep.fit.params
    expected = f"{params.loc[params['op'] == '=~', 'std_all'].iloc[0]:.3f}"
    if lang == "fa":
        expected = expected.translate(str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫"))
        assert seen["heading"] == "نمونه"
    else:
        expected = expected.lstrip("0")
    assert seen["loading"] == expected
    assert shot.stat().st_size > 50_000
    print(f"screenshot: {shot}")
