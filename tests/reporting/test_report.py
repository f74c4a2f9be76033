"""Report tables, path diagrams and figures (saved as PNG/SVG)."""

import shutil

import matplotlib
import pytest

import im_research as ir
from im_research.teaching.flagship import fit_flagship, load_flagship_data

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def res():
    return fit_flagship()


def test_tables_render_in_three_formats(res):
    for table in (ir.report.measurement_table(res), ir.report.reliability_table(res),
                  ir.report.correlation_table(res), ir.report.paths_table(res),
                  ir.report.fit_table({"chain": res})):
        md = ir.report.render(table, "markdown")
        assert md.count("\n") == len(table) + 1
        assert "<table" in ir.report.render(table, "html")
        assert "\\begin{tabular}" in ir.report.render(table, "latex")
    paths = ir.report.paths_table(res)
    assert {"ci_lower", "ci_upper", "sig"} <= set(paths.columns)


def test_path_diagram_source_and_files(res, tmp_path):
    g = ir.report.path_diagram(res)
    assert '"im" -> "js"' in g.source or "im -> js" in g.source
    if shutil.which("dot") is None:
        with pytest.raises(ir.errors.IMResearchError, match="apt-get install graphviz"):
            ir.report.save_path_diagram(res, tmp_path / "chain.svg")
    else:
        svg = ir.report.save_path_diagram(res, tmp_path / "chain.svg")
        png = ir.report.save_path_diagram(res, tmp_path / "chain.png")
        assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
        assert png.stat().st_size > 1000


def test_figures_are_saved(res, tmp_path):
    data = load_flagship_data()
    for name, ax in {
        "heatmap": ir.plots.correlation_heatmap(res),
        "items": ir.plots.correlation_heatmap(data, ["im1", "im2", "js1", "js2"]),
        "loadings": ir.plots.loading_plot(res),
        "likert": ir.plots.likert_chart(data, ["im1", "im2", "im3"], points=7),
    }.items():
        for ext in ("png", "svg"):
            path = tmp_path / f"{name}.{ext}"
            ax.figure.savefig(path)
            assert path.stat().st_size > 1000
        matplotlib.pyplot.close(ax.figure)


def test_fit_table_adds_robust_columns_when_a_fit_is_robust(res):
    from conftest import load_reference, load_reference_data

    ref = load_reference("hs_likert_wlsmv")
    likert = ir.fit(ref["model_syntax"], data=load_reference_data("hs_likert.csv"),
                    ordered=True)
    tab = ir.report.fit_table({"ML": res, "WLSMV": likert}).set_index("model")
    assert tab.loc["WLSMV", "cfi_robust"] == pytest.approx(ref["fit_measures"]["cfi.robust"])
    assert tab.loc["ML", ["chisq_scaled", "cfi_robust"]].isna().all()
    assert "cfi_robust" not in ir.report.fit_table(res).columns
    assert "Thresholds" not in ir.report.render(ir.report.measurement_table(likert))


def test_path_diagram_draws_first_order_factors_of_a_second_order_factor_as_ellipses():
    model = ir.models.servqual_loyalty()
    data = ir.simulate.draw(model.population, 300, seed=5).data
    source = ir.report.path_diagram(ir.fit(model.syntax, data=data)).source
    for factor in ("tan", "rel", "res", "ass", "emp"):
        node = [line for line in source.splitlines() if line.strip().startswith(f"{factor} [")]
        assert node and all("ellipse" in line for line in node), node
        assert f"sq -> {factor} [" in source  # the second-order loading is drawn
    assert "sq_tan1 [" in source and "box" in source.split("sq_tan1 [")[1].split("]")[0]
    # without items the second-order structure stays
    bare = ir.report.path_diagram(ir.fit(model.syntax, data=data), show_items=False).source
    assert "sq -> tan [" in bare and "sq_tan1" not in bare
