"""The reviewer report (Hair et al. 2019) renders as Markdown, HTML and LaTeX for the
bundled bank data and for the corporate-reputation data (read from the shared reference
folder), with every step that applies to the model."""

import functools

import pytest
from plsref import CORP_EXT, fitted

import im_research as ir

BANK = ("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
        "oc =~ oc1 + oc2 + oc3r\njs ~ im\noc ~ im + js")
HAIR_STEPS = ["1 indicator reliability", "2 internal consistency", "3 convergent validity",
              "4 discriminant validity", "5 formative indicators", "6 collinearity",
              "7 path significance", "8 explanatory power", "9 effect size",
              "10 predictive power"]
START = {"markdown": "| step |", "html": "<table", "latex": "\\begin{tabular}"}


@functools.cache
def _report(case):
    if case == "bank":
        bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        res = ir.pls(BANK, bank)
    else:
        res = fitted(CORP_EXT, "corp_rep", missing_value=-99)
    return res.report(res.bootstrap(200, seed=2))


@pytest.mark.parametrize("fmt", list(START))
@pytest.mark.parametrize("case, steps", [
    # the bank model has no formative block, so no step 5
    ("bank", [s for s in HAIR_STEPS if not s.startswith("5 ")]),
    ("corp_rep_ext", HAIR_STEPS)])
def test_report_renders_every_step(case, steps, fmt):
    table = _report(case)
    assert list(dict.fromkeys(table["step"])) == steps
    text = ir.report.render(table, fmt)
    assert text.lstrip().startswith(START[fmt])
    for step in steps:
        assert step in text, (case, fmt, step)
    for criterion in ("loading", "AVE", "HTMT upper CI limit", "inner VIF",
                      "interval excludes 0", "R²", "PLSpredict vs linear model"):
        assert criterion in text or criterion.replace("²", "$^2$") in text, criterion
    assert "Hair et al. (2019" in text
    # one rendered row per table row (Markdown: header and rule lines besides)
    if fmt == "markdown":
        assert len(text.strip().splitlines()) == len(table) + 2
