"""Path diagrams of two-level fits: one panel per level, items drawn in both."""

import re

import pytest

import im_research as ir
from im_research.errors import HeywoodWarning

MODEL = """
level: 1
  im_w =~ im1 + im2 + im3 + im4
  com_w =~ com1 + com2 + com3
  com_w ~ im_w
level: 2
  im_b =~ im1 + im2 + im3 + im4
  com_b =~ com1 + com2 + com3
  com_b ~ im_b
"""


@pytest.fixture(scope="module")
def res():
    # the between part of im2 is estimated at a tiny negative variance (a Heywood case
    # the drawing does not depend on)
    emp = ir.datasets.load("bank_branch_linkage_employees")
    with pytest.warns(HeywoodWarning):
        return ir.fit(MODEL, data=emp, cluster="branch")


def _panel(source, level):
    return re.search(rf"subgraph cluster_level{level} \{{(.*?)\n\t\}}", source, re.S).group(1)


def test_each_level_has_its_own_panel_with_its_own_estimates(res):
    src = ir.report.path_diagram(res).source
    within, between = _panel(src, 1), _panel(src, 2)
    assert 'label="level 1: within branch"' in within
    assert 'label="level 2: between branch"' in between
    p = res.params.set_index(["level", "lhs", "op", "rhs"])["std_all"]
    for level, panel, (lhs, rhs) in ((1, within, ("com_w", "im_w")),
                                     (2, between, ("com_b", "im_b"))):
        pv = res.params.set_index(["level", "lhs", "op", "rhs"]).loc[
            (level, lhs, "~", rhs), "pvalue"]
        star = "*" if pv < 0.05 else ""
        label = f"{p.loc[(level, lhs, '~', rhs)]:.2f}{star}"
        assert f'"{rhs}@{level}" -> "{lhs}@{level}" [label="{label}"' in panel
        # the item is drawn in both panels, with the loading of its level
        assert (f'"{lhs}@{level}" -> "com2@{level}" '
                f'[label={p.loc[(level, lhs, "=~", "com2")]:.2f}') in panel
    assert "im_b" not in within and "im_w" not in between
    assert '[label=im1 shape=box]' in within and '[label=im1 shape=box]' in between


def test_the_same_fit_gives_the_same_drawing_and_single_level_fits_are_unchanged(res):
    assert ir.report.path_diagram(res).source == ir.report.path_diagram(res).source
    emp = ir.datasets.load("bank_branch_linkage_employees")
    single = ir.fit("im =~ im1 + im2 + im3 + im4\ncom =~ com1 + com2 + com3\ncom ~ im",
                    data=emp)
    src = ir.report.path_diagram(single).source
    assert "subgraph" not in src and "@" not in src
    assert re.search(r"^\s*im -> com \[label=\"0\.\d\d\*\"", src, flags=re.M)
