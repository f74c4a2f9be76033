"""Path diagrams of PLS results: composites, loadings or weights, and paths whose stars
come from a bootstrap."""

import re
import shutil

import pytest

import im_research as ir


@pytest.fixture(scope="module")
def bank():
    return ir.datasets.load("bank_service_profit_chain", reverse_scored=True)


def _edge(source, a, b):
    """The label of the edge a -> b in DOT source (None when absent)."""
    hit = re.search(rf"^\s*{a} -> {b} \[label=\"?([^\" ]+)\"?", source, flags=re.M)
    return hit and hit.group(1)


def test_a_pls_diagram_shows_loadings_and_path_coefficients(bank):
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                 "oc =~ oc1 + oc2 + oc3r\njs ~ im\noc ~ js + im", bank)
    src = ir.report.path_diagram(res).source
    assert re.search(r"^\s*im \[label=im shape=ellipse\]", src, flags=re.M)
    assert re.search(r"^\s*im1 \[label=im1 shape=box\]", src, flags=re.M)
    out = res.outer.set_index("item")
    assert _edge(src, "im", "im3") == f"{out.loc['im3', 'loading']:.2f}"
    for _, r in res.paths.iterrows():
        assert _edge(src, r["source"], r["target"]) == f"{r['estimate']:.2f}"
    assert "*" not in src and "dashed" not in src  # no inference without a bootstrap
    bare = ir.report.path_diagram(res, show_items=False).source
    assert "im1" not in bare and _edge(bare, "im", "js") is not None


def test_bootstrap_intervals_mark_the_paths_that_differ_from_zero(bank):
    # im -> cs has no effect in the bank's population: its interval covers 0
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                 "cs =~ cs1 + cs2 + cs3\njs ~ im\ncs ~ im + js", bank)
    boot = res.bootstrap(200, seed=3)
    src = ir.report.path_diagram(res, boot=boot).source
    for label, row in boot.paths.iterrows():
        s, t = label.split(" -> ")
        sig = row["ci_lower"] > 0 or row["ci_upper"] < 0
        assert _edge(src, s, t).endswith("*") == sig
    assert not all((boot.paths["ci_lower"] > 0) | (boot.paths["ci_upper"] < 0))
    assert "dashed" in src


def test_formative_blocks_point_from_the_items_with_their_weights(bank):
    res = ir.pls("im <~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", bank)
    src = ir.report.path_diagram(res).source
    w = res.outer.set_index("item").loc["im2", "weight"]
    assert _edge(src, "im2", "im") == f"{w:.2f}"
    assert _edge(src, "im", "im2") is None


def test_two_stage_dimensions_are_drawn_as_constructs(bank):
    res = ir.pls("vis =~ im1 + im2\nrew =~ im3 + im4\nIM =~ vis + rew\n"
                 "js =~ js1 + js2 + js3\njs ~ IM", bank)
    src = ir.report.path_diagram(res).source
    assert re.search(r"^\s*vis \[label=vis shape=ellipse\]", src, flags=re.M)


def test_boot_is_refused_where_it_does_not_belong(bank):
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", bank)
    with pytest.raises(ir.errors.ArgumentError, match="boot must be the result"):
        ir.report.path_diagram(res, boot=res.paths)
    cb = ir.fit("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", data=bank)
    with pytest.raises(ir.errors.ArgumentError, match="boot is for PLS results only"):
        ir.report.path_diagram(cb, boot=res.bootstrap(20, seed=1))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_a_pls_diagram_renders_to_svg(bank, tmp_path):
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im", bank)
    svg = ir.report.save_path_diagram(res, tmp_path / "pls.svg")
    assert "0.52" in svg.read_text()


def test_the_ipma_map_places_every_item_at_its_importance_and_performance(bank):
    import matplotlib

    matplotlib.use("Agg")
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                 "oc =~ oc1 + oc2 + oc3r\njs ~ im\noc ~ js + im", bank)
    table = res.ipma("oc", scale=(1, 7))
    ax = ir.plots.ipma_plot(table, items=True)
    items = table.attrs["items"]
    points = ax.collections[0].get_offsets()
    assert points.tolist() == items[["importance", "performance"]].to_numpy().tolist()
    assert [t.get_text() for t in ax.texts] == items["item"].tolist()
    assert ax.get_xlabel() == "importance (total effect on oc)"
    ax2 = ir.plots.ipma_plot(table)
    assert [t.get_text() for t in ax2.texts] == ["im", "js"]
    with pytest.raises(ir.errors.ArgumentError, match="res.ipma"):
        ir.plots.ipma_plot(items)
    matplotlib.pyplot.close("all")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_an_interaction_term_is_one_node_not_a_dot_port(bank):
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                 "oc =~ oc1 + oc2 + oc3r\noc ~ im + js + im:js", bank)
    g = ir.report.path_diagram(res, boot=res.bootstrap(50, seed=2))
    svg = g.pipe(format="svg").decode()
    titles = re.findall(r"<title>(.*?)</title>", svg)
    assert "im × js" in titles and "im × js&#45;&gt;oc" in titles
    assert "im:js" in re.findall(r"<text[^>]*>(.*?)</text>", svg)  # the label keeps its name
