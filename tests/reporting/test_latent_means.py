"""Latent means of a multi-group fit: the table and the figure."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.errors import ArgumentError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def scalar():
    # group b is 0.5 higher on the factor; the items measure it the same way
    rng = np.random.default_rng(8)
    frames = []
    for g, shift in (("a", 0.0), ("b", 0.5), ("c", -0.3)):
        f = rng.normal(shift, 1.0, 300)
        frames.append(pd.DataFrame({f"x{i}": 1 + f + rng.normal(scale=0.6, size=300)
                                    for i in (1, 2, 3)}).assign(g=g))
    data = pd.concat(frames, ignore_index=True)
    return ir.fit("f =~ x1 + x2 + x3", data=data, group="g",
                  group_equal=("loadings", "intercepts"))


def test_table_has_groups_as_rows_and_the_reference_at_zero(scalar):
    t = ir.report.latent_means_table(scalar)
    assert list(t.index) == ["a", "b", "c"] and list(t.columns) == ["f"]
    assert t.loc["a", "f"] == 0
    assert t.loc["b", "f"] == pytest.approx(0.5, abs=0.15)
    assert t.loc["c", "f"] == pytest.approx(-0.3, abs=0.15)
    p = scalar.params
    est_b = p[(p.lhs == "f") & (p.op == "~1") & (p.group == "b")]["est"].item()
    assert t.loc["b", "f"] == est_b
    se = ir.report.latent_means_table(scalar, "se")
    assert se.loc["a", "f"] == 0 and se.loc["b", "f"] > 0


def test_plot_draws_one_bar_per_group_with_its_interval(scalar):
    ax = ir.plots.latent_means_plot(scalar, level=0.9)
    assert ax.get_xlabel() == "latent mean relative to a (90% interval)"
    widths = sorted(round(b.get_width(), 6) for b in ax.patches)
    t = ir.report.latent_means_table(scalar)
    assert widths == sorted(round(v, 6) for v in t["f"])


def test_single_group_fits_and_bad_arguments_are_refused(scalar):
    rng = np.random.default_rng(1)
    f = rng.normal(size=200)
    df = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.6, size=200) for i in (1, 2, 3)})
    with pytest.raises(ArgumentError, match="multi-group"):
        ir.report.latent_means_table(ir.fit("f =~ x1 + x2 + x3", data=df))
    with pytest.raises(ArgumentError, match="column="):
        ir.report.latent_means_table(scalar, "estimate")
    with pytest.raises(ArgumentError, match="level"):
        ir.plots.latent_means_plot(scalar, level=95)
    with pytest.raises(ArgumentError, match="fitted result"):
        ir.report.latent_means_table("f =~ x1 + x2 + x3")
