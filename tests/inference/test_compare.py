"""lrt(): nested-model χ² difference tests with each estimator's lavaan default
(lavTestLRT): plain for ML, Satorra-Bentler 2001 for MLR, Satorra 2000 scaled-shifted for
WLSMV."""

import numpy as np
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data

GROUP_EQUAL = {"configural": (), "metric": ("loadings",),
               "scalar": ("loadings", "intercepts")}


@pytest.mark.parametrize("name, estimator, rel", [("hs_invariance", "ML", 1e-6),
                                                   ("hs_invariance_mlr", "MLR", 1e-3)])
def test_lrt_matches_lavtestlrt_for_ml_and_mlr(name, estimator, rel):
    ref = load_reference(name)
    hs = load_reference_data("HolzingerSwineford1939.csv")
    fits = {s: ir.fit(ref["model_syntax"], data=hs, group="school", estimator=estimator,
                      group_equal=ge) for s, ge in GROUP_EQUAL.items()}
    # given in reverse order: lrt sorts by degrees of freedom, as lavaan
    table = ir.lrt(*reversed(fits.values()), names=list(reversed(fits)))
    assert list(table.index) == list(GROUP_EQUAL)
    for step in ("metric", "scalar"):
        want = ref["lrt"][step]
        assert table.loc[step, "delta_chisq"] == pytest.approx(want["chisq_diff"], rel=rel)
        assert table.loc[step, "delta_df"] == want["df_diff"]
    assert table["method"].iloc[1] == ("standard" if estimator == "ML"
                                       else "satorra.bentler.2001")


def test_lrt_matches_lavtestlrt_for_wlsmv():
    ref = load_reference("hs_likert_mg_lrt")
    data = load_reference_data("hs_likert.csv")
    model = load_reference("hs_likert_mg_configural")["model_syntax"]
    steps = {"configural": (), "thresholds": ("thresholds",),
             "metric": ("thresholds", "loadings")}
    fits = [ir.fit(model, data=data, ordered=True, group="school", group_equal=ge)
            for ge in steps.values()]
    table = ir.lrt(*fits, names=list(steps))
    for row in ref["lrt"][1:]:
        step = row["_row"].split("$")[1]
        assert table.loc[step, "delta_chisq"] == pytest.approx(row["Chisq diff"], rel=1e-5)
        assert table.loc[step, "pvalue"] == pytest.approx(row["Pr(>Chisq)"], rel=1e-4)
    assert np.isnan(table.loc["metric", "aic"])  # no likelihood with DWLS


def test_lrt_refuses_mixed_estimators_and_unnested_pairs():
    hs = load_reference_data("HolzingerSwineford1939.csv")
    model = load_reference("hs_invariance")["model_syntax"]
    ml = ir.fit(model, data=hs)
    mlr = ir.fit(model, data=hs, estimator="MLR")
    with pytest.raises(ValueError, match="different estimators"):
        ir.lrt(ml, mlr)
    with pytest.raises(ValueError, match="more degrees of freedom"):
        ir.lrt(ml, ml)


def test_path_explorer_uses_the_wlsmv_difference_test():
    from im_research.inference.compare import chisq_difference
    from im_research.teaching.widgets import PathExplorer

    data = load_reference_data("hs_likert.csv")
    base = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6"
    ex = PathExplorer(base, data, ["x2 ~~ x3"], ordered=True)
    ex.dropdown.value = "x2 ~~ x3"
    want = chisq_difference(ex.result, ex.base)
    assert ex.table.loc["difference", "chisq"] == pytest.approx(want["delta_chisq"], abs=1e-3)
    assert "chisq_scaled" in ex.table.columns
