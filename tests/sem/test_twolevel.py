"""Two-level SEM (``level:`` blocks with ``cluster=``) against lavaan 0.6-14 on
``Demo.twolevel`` (references from tests/reference/R/twolevel.R).

Tolerances: estimates 1e-4 absolute, SEs 1e-3, fit measures 1e-3 relative. lavaan's
nlminb stops with a gradient of about 1e-5 (on its fmin scale) where the between-level
intercepts are nearly collinear with the between regressions; we go on to a gradient
below 1e-10 and reach a log-likelihood at least as high as lavaan's (checked below). The
estimates of those flat directions then differ by up to 1.1e-4 (the tutorial's
``y1 ~1`` at level 2, SE 0.075), so an estimate may also differ by 0.2 % of its SE.
"""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import load_reference, load_reference_data
from im_research.errors import ArgumentError, DataError, ModelSyntaxError
from im_research.sem.result import TwoLevelResult
from im_research.sem.syntax import parse

CASES = ["tutorial", "unbalanced", "saturated_between", "defined", "mixed_roles",
         "stdlv_free_x"]
OPTIONS = {"stdlv_free_x": {"std_lv": True, "fixed_x": False}}
FIT_KEYS = ["npar", "fmin", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df",
            "baseline_pvalue", "cfi", "tli", "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni",
            "logl", "unrestricted_logl", "aic", "bic", "ntotal", "bic2", "rmsea",
            "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_pvalue", "rmsea_notclose_pvalue",
            "srmr", "srmr_within", "srmr_between"]


def _data(case):
    df = load_reference_data("demo_twolevel.csv")
    if case == "unbalanced":  # cluster k keeps its first 1 + k % 13 rows (as the R script)
        df = df[df.groupby("cluster").cumcount() < 1 + df["cluster"] % 13]
    if case == "mixed_roles":  # a between-only outcome: the cluster mean of y5
        df = df.assign(z=df.groupby("cluster")["y5"].transform("mean"))
    return df


@pytest.fixture(scope="module")
def fits():
    out = {}
    for case in CASES:
        ref = load_reference(f"twolevel_{case}")
        out[case] = (ir.fit(ref["model_syntax"], data=_data(case), cluster="cluster",
                            **OPTIONS.get(case, {})), ref)
    return out


def _merged(res, ref):
    theirs = pd.DataFrame(ref["parameter_estimates"])
    theirs["level"] = theirs["level"].map(
        lambda v: {"within": 1, "between": 2, "": 0}.get(str(v), v)).astype(int)
    theirs["rhs"] = theirs["rhs"].str.replace(" ", "")
    merged = res.params.merge(theirs, on=["lhs", "op", "rhs", "level"],
                              suffixes=("", "_lavaan"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    return merged


@pytest.mark.parametrize("case", CASES)
def test_estimates_and_standard_errors_equal_lavaan(fits, case):
    res, ref = fits[case]
    assert isinstance(res, TwoLevelResult) and res.converged
    m = _merged(res, ref)
    tol = np.maximum(1e-4, 0.002 * m["se_lavaan"])
    assert np.all(np.abs(m["est"] - m["est_lavaan"]) <= tol), m[["lhs", "op", "rhs", "level",
                                                                   "est", "est_lavaan"]]
    np.testing.assert_allclose(m["se"], m["se_lavaan"], atol=1e-3)
    np.testing.assert_allclose(m["std_lv"], m["std.lv"], atol=2e-4)
    np.testing.assert_allclose(m["std_all"], m["std.all"], atol=2e-4)
    assert set(res.params["level"]) <= {0, 1, 2}
    assert res.nobs == ref["fit_info"]["ntotal"] and res.nclusters == \
        ref["fit_info"]["nclusters"]


@pytest.mark.parametrize("case", CASES)
def test_fit_measures_equal_lavaan(fits, case):
    res, ref = fits[case]
    fm = res.fit_measures
    for key in FIT_KEYS:
        theirs = ref["fit_measures"][key.replace("_", ".") if key not in (
            "srmr_within", "srmr_between") else key]
        assert fm[key] == pytest.approx(theirs, rel=1e-3, abs=1e-6), key
    # our optimum is at least as good as lavaan's (see the module notes)
    assert fm["logl"] >= ref["logl"] - 1e-8


@pytest.mark.parametrize("case", CASES)
def test_icc_h1_moments_and_rsquare_equal_lavaan(fits, case):
    res, ref = fits[case]
    icc = res.icc()
    assert list(icc.index) == list(ref["icc"])
    np.testing.assert_allclose(icc.to_numpy(), list(ref["icc"].values()), atol=1e-8)
    for level, key in (("within", "h1_within_cov"), ("between", "h1_between_cov")):
        block = ref[key]
        ours = res.sample_cov[level].loc[block["rownames"], block["colnames"]]
        np.testing.assert_allclose(ours.to_numpy(), np.array(block["values"]), atol=1e-8)
    for level, key in (("within", "implied_within_cov"), ("between", "implied_between_cov")):
        block = ref[key]
        ours = res.implied_cov[level].loc[block["rownames"], block["colnames"]]
        np.testing.assert_allclose(ours.to_numpy(), np.array(block["values"]), atol=2e-4)
    for level in ("within", "between"):
        theirs = pd.Series(ref[f"rsquare_{level}"], dtype=float)
        np.testing.assert_allclose(res.rsquare.loc[theirs.index, level], theirs, atol=2e-4)


def test_defined_parameters_span_the_levels(fits):
    res, _ = fits["defined"]
    p = res.params.set_index("label")
    assert p.loc["ab", "level"] == 0
    assert p.loc["ab", "est"] == pytest.approx(p.loc["a", "est"] * p.loc["b", "est"])
    assert p.loc["a", "level"] == 1 and p.loc["b", "level"] == 2


def test_summary_has_a_section_per_level(fits):
    res, _ = fits["tutorial"]
    text = res.summary()
    assert "Level 1 [within]:" in text and "Level 2 [cluster]:" in text
    assert text.index("Level 1 [within]:") < text.index("Level 2 [cluster]:")
    assert "SRMR (between covariance)" in text
    assert "clusters=200" in repr(res) and "Two-level" in res._repr_html_()


def test_level_names_within_between_equal_numbers():
    df = _data("tutorial")
    ref = load_reference("twolevel_tutorial")
    named = ref["model_syntax"].replace("level: 1", "level: within").replace(
        "level: 2", "level: between")
    a = ir.fit(ref["model_syntax"], data=df, cluster="cluster")
    b = ir.fit(named, data=df, cluster="cluster")
    np.testing.assert_allclose(a.params["est"], b.params["est"], atol=1e-10)


def test_row_order_and_cluster_labels_do_not_matter():
    df = _data("unbalanced")
    model = load_reference("twolevel_unbalanced")["model_syntax"]
    base = ir.fit(model, data=df, cluster="cluster")
    rng = np.random.default_rng(13)
    shuffled = df.sample(frac=1.0, random_state=rng).assign(
        cluster=lambda d: "branch-" + (d["cluster"] * 7 % 1000).astype(str))
    other = ir.fit(model, data=shuffled, cluster="cluster")
    np.testing.assert_allclose(other.params["est"], base.params["est"], atol=1e-7)
    np.testing.assert_allclose(other.params["se"], base.params["se"], atol=1e-7)
    assert other.fit_measures["chisq"] == pytest.approx(base.fit_measures["chisq"], abs=1e-6)


def test_listwise_deletion_reports_rows_and_equals_the_complete_rows():
    df = _data("tutorial").copy()
    df.loc[[3, 40, 41], "y2"] = np.nan
    model = load_reference("twolevel_tutorial")["model_syntax"]
    with pytest.warns(UserWarning, match="dropped 3 rows"):
        res = ir.fit(model, data=df, cluster="cluster")
    assert res.dropped_rows == [3, 40, 41] and res.nobs == 2497
    complete = ir.fit(model, data=df.dropna(), cluster="cluster")
    np.testing.assert_allclose(res.params["est"], complete.params["est"], atol=1e-10)


def test_not_available_extras_say_so(fits):
    res, _ = fits["tutorial"]
    with pytest.raises(NotImplementedError, match="two-level"):
        res.modindices()
    with pytest.raises(NotImplementedError, match="two-level"):
        res.predict()
    with pytest.raises(NotImplementedError, match="two-level fit"):  # single-level only
        ir.bootstrap(res, n_boot=5, seed=1)
    with pytest.raises(NotImplementedError, match="two-level fit"):
        ir.reliability(res)
    assert pickle.loads(pickle.dumps(res)).params.equals(res.params)
    raw = res.residuals()
    assert set(raw) == {"within", "between"}
    np.testing.assert_allclose(raw["within"].to_numpy(), (res.sample_cov["within"]
                                                         - res.implied_cov["within"]).to_numpy())


# --- bad input ---------------------------------------------------------------------------
TUTORIAL = load_reference("twolevel_tutorial")["model_syntax"]


@pytest.mark.parametrize("kwargs, error, words", [
    ({}, ModelSyntaxError, "two-level models (level:) need the cluster variable"),
    ({"cluster": "branch"}, DataError, "cluster='branch' is not a column"),
    ({"cluster": "cluster", "estimator": "MLR"}, ArgumentError, "estimator='MLR'"),
    ({"cluster": "cluster", "missing": "pairwise"}, ArgumentError, "missing='pairwise'"),
    ({"cluster": "cluster", "group": "w1"}, ArgumentError, "group='w1'"),
    ({"cluster": "cluster", "ordered": True}, ArgumentError, "ordered=True"),
    ({"cluster": "cluster", "se": "bootstrap"}, ArgumentError, "im_research.bootstrap"),
    ({"cluster": "cluster", "information": "expected"}, ArgumentError, "information="),
    ({"cluster": 3}, ArgumentError, "cluster=3"),
])
def test_unsupported_two_level_options_are_refused(kwargs, error, words):
    with pytest.raises(error) as e:
        ir.fit(TUTORIAL, data=_data("tutorial"), **kwargs)
    assert words in str(e.value)


def test_bad_cluster_data_is_refused():
    df = _data("tutorial")
    with pytest.raises(DataError, match="every cluster of 'id' has one member"):
        ir.fit(TUTORIAL, data=df.assign(id=np.arange(len(df))), cluster="id")
    varying = df.assign(w1=df["w1"] + np.where(df.index % 2 == 0, 0.1, 0.0))
    with pytest.raises(DataError, match="'w1' appears only in the level-2"):
        ir.fit(TUTORIAL, data=varying, cluster="cluster")
    with pytest.raises(DataError, match="x3"):
        ir.fit(TUTORIAL, data=df.drop(columns="x3"), cluster="cluster")


@pytest.mark.parametrize("model, line, words", [
    ("level: 3\nf =~ y1 + y2 + y3", 1, "unknown level '3'"),
    ("level: 2\nf =~ y1 + y2 + y3\nlevel: 1\ng =~ y1 + y2 + y3", 1, "come in order"),
    ("f =~ y1 + y2\nlevel: 1\nf =~ y1 + y2 + y3\nlevel: 2\ng =~ y1 + y2 + y3", 1,
     "before the first 'level:'"),
    ("level: 1\nf =~ y1 + y2 + y3", 1, "needs both blocks"),
    ("level: 1\nf =~ y1 + y2 + y3\nlevel: 2", 3, "has no formulas"),
])
def test_malformed_level_blocks_name_the_line(model, line, words):
    with pytest.raises(ModelSyntaxError) as e:
        parse(model, levels=True)
    assert words in str(e.value) and e.value.line == line


def test_single_level_readers_refuse_level_blocks():
    with pytest.raises(ModelSyntaxError, match="cluster="):
        parse(TUTORIAL)


def test_two_level_fits_are_deterministic():
    df = _data("mixed_roles")
    model = load_reference("twolevel_mixed_roles")["model_syntax"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = ir.fit(model, data=df, cluster="cluster")
    b = ir.fit(model, data=df, cluster="cluster")
    pd.testing.assert_frame_equal(a.params, b.params)
    pd.testing.assert_series_equal(a.fit_measures, b.fit_measures)
