"""Single-level fits with ``cluster=``: cluster-robust SEs and the Yuan-Bentler scaled
test equal lavaan 0.6-14 (Demo.twolevel and the bundled bank linkage employees)."""

import math
import warnings

import numpy as np
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data, merge_with_lavaan

KEYS = ["chisq", "df", "chisq_scaled", "chisq_scaling_factor", "pvalue_scaled",
        "baseline_chisq_scaled", "baseline_chisq_scaling_factor", "cfi_scaled",
        "tli_scaled", "cfi_robust", "tli_robust", "rmsea_scaled", "rmsea_robust",
        "rmsea_ci_lower_scaled", "rmsea_ci_upper_scaled", "rmsea_ci_lower_robust",
        "rmsea_ci_upper_robust", "cfi", "rmsea", "srmr", "logl", "aic", "bic"]

CASES = {  # reference -> (data, cluster column, estimator)
    "linkage_demo_mimic_mlr": ("demo", "cluster", "MLR"),
    "linkage_demo_cfa_mlr": ("demo", "cluster", "MLR"),
    "linkage_demo_cfa_ml": ("demo", "cluster", "ML"),
    "linkage_demo_mimic_ml": ("demo", "cluster", "ML"),
    "linkage_bank_employees_mlr": ("bank", "branch", "MLR"),
}


def _data(kind):
    if kind == "demo":
        return load_reference_data("demo_twolevel_cluster.csv")
    return ir.datasets.load("bank_branch_linkage_employees")


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    ref = load_reference(request.param)
    kind, cluster, estimator = CASES[request.param]
    res = ir.fit(ref["model_syntax"], data=_data(kind), cluster=cluster, estimator=estimator)
    return ref, res


def test_estimates_and_cluster_robust_ses(case):
    ref, res = case
    m = merge_with_lavaan(res, ref)
    assert (m["_merge"] == "both").all()
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    assert np.max(np.abs(m["se"] - m["se_lavaan"])) < 1e-3
    assert res.nclusters == ref["fit_info"]["nclusters"]
    assert res.nobs == ref["fit_info"]["nobs"]


def test_scaled_and_robust_fit_measures(case):
    ref, res = case
    fm = ref["fit_measures"]
    for key in KEYS:
        want, got = fm[key.replace("_", ".")], res.fit_measures[key]
        assert math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-6), (key, want, got)


def test_clusters_change_the_ses_not_the_estimates():
    demo = load_reference_data("demo_twolevel_cluster.csv")
    model = load_reference("linkage_demo_cfa_mlr")["model_syntax"]
    plain = ir.fit(model, data=demo, estimator="MLR", meanstructure=True)
    clustered = ir.fit(model, data=demo, estimator="MLR", cluster="cluster")
    assert np.allclose(plain.params["est"], clustered.params["est"], atol=1e-6)
    free = plain.params["se"] > 0
    ratio = clustered.params["se"][free] / plain.params["se"][free]
    assert ratio.max() > 1.2  # y1-y6 share between-cluster variance: plain SEs too small


def test_ml_and_mlr_share_ses_but_not_the_model_trace():
    demo = load_reference_data("demo_twolevel_cluster.csv")
    model = load_reference("linkage_demo_cfa_ml")["model_syntax"]
    ml = ir.fit(model, data=demo, cluster="cluster")
    mlr = ir.fit(model, data=demo, cluster="cluster", estimator="MLR")
    assert np.allclose(ml.params["se"], mlr.params["se"], atol=1e-8)
    fm_ml, fm_mlr = ml.fit_measures, mlr.fit_measures
    assert fm_ml["baseline_chisq_scaling_factor"] == pytest.approx(
        fm_mlr["baseline_chisq_scaling_factor"], rel=1e-10)
    assert abs(fm_ml["chisq_scaling_factor"] - fm_mlr["chisq_scaling_factor"]) > 1e-3


def test_listwise_rows_keep_their_cluster():
    demo = load_reference_data("demo_twolevel_cluster.csv")
    model = load_reference("linkage_demo_cfa_mlr")["model_syntax"]
    holes = demo.copy()
    holes.loc[[3, 50, 700], "y2"] = np.nan
    with pytest.warns(ir.DataWarning, match="listwise deletion dropped 3"):
        res = ir.fit(model, data=holes, cluster="cluster", estimator="MLR")
    ref = ir.fit(model, data=holes.dropna(), cluster="cluster", estimator="MLR")
    assert np.allclose(res.params["se"], ref.params["se"], atol=1e-10)
    assert res.nobs == len(demo) - 3


@pytest.mark.parametrize("kwargs, match", [
    (dict(cluster="branch"), "not a column"),
    (dict(cluster="y1"), "also a variable of the model"),
    (dict(cluster="cluster", estimator="MLM"), "estimator='MLR' or 'ML'"),
    (dict(cluster="cluster", missing="fiml"), "complete rows"),
    (dict(cluster="cluster", group="g"), "one group"),
    (dict(cluster="cluster", ordered=True), "not available with ordered="),
])
def test_refusals_name_the_problem(kwargs, match):
    demo = load_reference_data("demo_twolevel_cluster.csv").assign(
        g=lambda d: np.where(d["cluster"] % 2 == 0, "a", "b"))
    with pytest.raises((ir.DataError, ValueError), match=match):
        ir.fit("f =~ y1 + y2 + y3", data=demo, **kwargs)


def test_missing_cluster_labels_and_covariance_input_are_refused():
    demo = load_reference_data("demo_twolevel_cluster.csv")
    gaps = demo.astype({"cluster": float})
    gaps.loc[[5, 9], "cluster"] = np.nan
    with pytest.raises(ir.DataError, match=r"'cluster' has missing values \(rows \[5, 9\]\)"):
        ir.fit("f =~ y1 + y2 + y3", data=gaps, cluster="cluster")
    cov = demo[["y1", "y2", "y3"]].cov()
    with pytest.raises(ir.DataError, match="needs the raw data"):
        ir.fit("f =~ y1 + y2 + y3", cov=cov, nobs=len(demo), cluster="cluster")


def test_few_clusters_warn():
    demo = load_reference_data("demo_twolevel_cluster.csv")
    few = demo[demo["cluster"] <= 12]
    with pytest.warns(ir.DataWarning, match="only 12 clusters"):
        ir.fit("f =~ y1 + y2 + y3", data=few, cluster="cluster", estimator="MLR")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ir.fit("f =~ y1 + y2 + y3", data=demo, cluster="cluster", estimator="MLR")
    assert res.nclusters == 200
