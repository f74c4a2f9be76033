"""Direct, indirect and total effects: delta method equals lavaan's := rows."""

import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data
from im_research.inference.bootstrap import bootstrap


@pytest.fixture(scope="module")
def med():
    ref = load_reference("mediation")
    return ref, ir.fit(ref["model_syntax"], data=load_reference_data("mediation_sim_n500.csv"))


def test_delta_method_matches_lavaan_defined_parameters(med):
    ref, res = med
    eff = ir.indirect_effects(res, x="X", y="Y").set_index("kind")
    lav = pd.DataFrame(ref["parameter_estimates"]).set_index("lhs")
    for kind, name in (("indirect", "indirect"), ("total", "total")):
        assert eff.loc[kind, "est"] == pytest.approx(lav.loc[name, "est"], abs=1e-6)
        assert eff.loc[kind, "se"] == pytest.approx(lav.loc[name, "se"], abs=1e-5)
        assert eff.loc[kind, "std_all"] == pytest.approx(lav.loc[name, "std.all"], abs=1e-5)
    assert eff.loc["indirect", "path"] == "X -> M -> Y"


def test_paths_of_the_flagship_chain():
    from im_research.teaching.flagship import fit_flagship
    res = fit_flagship()
    eff = ir.indirect_effects(res, x="im", y="cs")
    paths = set(eff.loc[eff["kind"] == "indirect", "path"])
    assert paths == {"im -> js -> oc -> sq -> cs", "im -> oc -> sq -> cs"}
    total = eff.set_index("kind").loc["total", "est"]
    assert total == pytest.approx(eff.loc[eff["kind"] == "indirect", "est"].sum())
    defined = res.params.set_index("lhs").loc["ind_im_cs"]
    one = eff[eff["path"] == "im -> js -> oc -> sq -> cs"].iloc[0]
    assert one["est"] == pytest.approx(defined["est"]) and one["se"] == pytest.approx(
        defined["se"], rel=1e-4)


def test_bootstrap_columns(med):
    _, res = med
    boot = bootstrap(res, n_boot=200, seed=2, progress=False)
    eff = ir.indirect_effects(res, x="X", y="Y", boot=boot).set_index("kind")
    ind = boot.table.set_index("lhs").loc["indirect"]
    assert eff.loc["indirect", "boot_ci_lower"] == pytest.approx(ind["ci_lower"])
    assert eff.loc["indirect", "boot_ci_upper"] == pytest.approx(ind["ci_upper"])


def test_unknown_variable(med):
    _, res = med
    with pytest.raises(ValueError, match="not in a regression"):
        ir.indirect_effects(res, x="Z", y="Y")
