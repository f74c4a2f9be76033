"""Issue #12 (lavaan breadth): second-order factors, variables on very different scales,
factor names that collide with columns, factor scores, orthogonal factors, several names
on either side of a formula, MIMIC, formative composites, modifiers, general equality and
inequality constraints, the MLM, MLMV, MLMVS, MLF, GLS, ULS, WLS and DWLS estimators, the
observed information, the Wishart likelihood, latent growth curves and multi-group input
from published matrices
— each against lavaan 0.6-14.

Expected values: tests/reference/<case>.json, written by tests/reference/R/issue12.R.
Tolerances (issue #12): estimates 1e-4 absolute, SEs 1e-3 absolute, fit measures 1e-3
relative; standardized values 1e-4, R² 1e-4, modification indices 1e-3.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from conftest import lavaan_keys, load_reference, load_reference_data, merge_with_lavaan
from im_research.errors import DataError, DataWarning, IdentificationError, ModelSyntaxError

HS_VARS = [f"x{i}" for i in range(1, 10)]
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"


def _hs():
    return load_reference_data("HolzingerSwineford1939.csv")


def _hs_scaled(salary_unit=1000.0):
    """HS with x1 x 100 and a salary (1000 = the reference's unit, 1e7 = rials)."""
    d = _hs()
    d["x1"] = d["x1"] * 100
    d["salary"] = salary_unit * (30 + d["x4"] + d["ageyr"] + d["agemo"] / 12)
    return d


def _school_matrices():
    """Per-school covariance matrices (divisor N - 1), sizes and means, as a paper prints."""
    by = {k: g[HS_VARS] for k, g in _hs().groupby("school", sort=False)}
    return dict(cov={k: g.cov() for k, g in by.items()}, nobs={k: len(g) for k, g in by.items()},
                means={k: g.mean() for k, g in by.items()})


CASES = {
    "hs_second_order": lambda: dict(data=_hs()),
    "hs_rescaled": lambda: dict(data=_hs_scaled()),
    "hs_orthogonal": lambda: dict(data=_hs(), orthogonal=True),
    "hs_mimic": lambda: dict(data=_hs()),
    "hs_multi_lhs_rhs": lambda: dict(data=_hs()),
    "hs_formative": lambda: dict(data=_hs()),
    "hs_modifiers": lambda: dict(data=_hs()),
    "hs_cfa_gls": lambda: dict(data=_hs(), estimator="GLS"),
    "hs_cfa_uls": lambda: dict(data=_hs(), estimator="ULS"),
    "hs_cfa_mlm": lambda: dict(data=_hs(), estimator="MLM"),
    "hs_cfa_wls": lambda: dict(data=_hs(), estimator="WLS"),
    "hs_cfa_dwls": lambda: dict(data=_hs(), estimator="DWLS"),
    "hs_constraint_linear": lambda: dict(data=_hs()),
    "hs_constraint_nonlinear": lambda: dict(data=_hs()),
    "hs_constraint_active": lambda: dict(data=_hs()),
    "hs_constraint_inactive": lambda: dict(data=_hs()),
    "hs_cfa_mlf": lambda: dict(data=_hs(), estimator="MLF"),
    "hs_cfa_mlmv": lambda: dict(data=_hs(), estimator="MLMV"),
    "hs_cfa_mlmvs": lambda: dict(data=_hs(), estimator="MLMVS"),
    "hs_mimic_mlm": lambda: dict(data=_hs(), estimator="MLM"),
    "hs_multigroup_mlm": lambda: dict(data=_hs(), estimator="MLM", group="school"),
    "hs_multigroup_mlmv": lambda: dict(data=_hs(), estimator="MLMV", group="school"),
    "hs_multigroup_mlmvs": lambda: dict(data=_hs(), estimator="MLMVS", group="school"),
    "hs_cfa_observed": lambda: dict(data=_hs(), information="observed"),
    "hs_cfa_wishart": lambda: dict(data=_hs(), likelihood="wishart"),
    "hs_cfa_se_hw": lambda: dict(data=_hs(), se="robust.huber.white"),
    "hs_cfa_test_sb": lambda: dict(data=_hs(), test="satorra.bentler"),
    "hs_cfa_mlm_se_standard": lambda: dict(data=_hs(), estimator="MLM", se="standard"),
    "growth": lambda: dict(data=load_reference_data("Demo.growth.csv"), meanstructure=True,
                           int_ov_free=False, int_lv_free=True),
    "hs_multigroup_from_cov": lambda: dict(**_school_matrices(), group_equal=("loadings",)),
}
# modification indices are refused (not yet) for composites and general constraints
NO_MI = {"hs_formative", "hs_constraint_linear",
         "hs_constraint_nonlinear", "hs_constraint_active", "hs_constraint_inactive"}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    name = request.param
    ref = load_reference(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # hs_rescaled warns (tested below)
        res = ir.fit(ref["model_syntax"], **CASES[name]())
    return name, ref, res


def test_same_parameter_rows(case):
    name, ref, res = case
    m = merge_with_lavaan(res, ref)
    odd = m[m["_merge"] != "both"][["lhs", "op", "rhs", "_merge"]]
    assert odd.empty, f"{name}: rows differ from lavaan:\n{odd}"


@pytest.mark.parametrize("ours, theirs, tol", [
    ("est", "est_lavaan", 1e-4), ("se", "se_lavaan", 1e-3), ("std_lv", "std.lv", 1e-4),
    ("std_all", "std.all", 1e-4), ("pvalue", "pvalue_lavaan", 1e-4),
])
def test_parameter_estimates(case, ours, theirs, tol):
    name, ref, res = case
    m = merge_with_lavaan(res, ref)
    a = pd.to_numeric(m[ours], errors="coerce").to_numpy(float)
    b = pd.to_numeric(m[theirs], errors="coerce").to_numpy(float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), f"{name}: NA pattern of {ours} differs"
    both = ~np.isnan(a)
    # hs_rescaled has variances near 1e4 (x1 x 100): lavaan's own convergence limits the
    # agreement there to ~1e-6 relative, so large values are compared relatively
    scale = np.maximum(1.0, np.abs(b[both])) if name == "hs_rescaled" else 1.0
    diff = np.abs(a[both] - b[both]) / scale
    assert diff.max() < tol, (name, ours, m.loc[both].iloc[int(np.argmax(diff))][
        ["lhs", "op", "rhs"]].tolist(), diff.max())


def test_fit_measures(case):
    name, ref, res = case
    bad, absent = [], []
    for key, want in ref["fit_measures"].items():
        key = key.replace(".", "_")
        if key not in res.fit_measures.index:
            if want is not None:  # a measure lavaan reports must not go missing silently
                absent.append(key)
            continue
        got = res.fit_measures[key]
        if want is None:
            if not math.isnan(got):
                bad.append((key, want, got))
        elif not math.isclose(got, want, rel_tol=1e-3, abs_tol=1e-6):
            bad.append((key, want, got))
    assert not bad, f"{name}: fit measures differ (key, lavaan, ours): {bad}"
    assert not absent, f"{name}: lavaan reports {absent}, we do not"
    assert len(set(res.fit_measures.index) & {k.replace(".", "_") for k in
                                               ref["fit_measures"]}) >= 40


def test_rsquare(case):
    name, ref, res = case
    ours = res.rsquare
    if res.ngroups > 1:  # lavaan's names: group.variable
        ours = ours.unstack().dropna()
        ours.index = [f"{g}.{v}" for g, v in ours.index]
    assert set(ours.index) == set(ref["rsquare"]), name
    for var, want in ref["rsquare"].items():
        assert ours[var] == pytest.approx(want, abs=1e-4), (name, var)


def test_modification_indices(case):
    name, ref, res = case
    if name in NO_MI:
        with pytest.raises(NotImplementedError):
            res.modindices()
        return
    theirs = pd.DataFrame(ref["modindices"])
    ours = res.modindices()
    m = ours.merge(theirs, on=lavaan_keys(res, theirs), suffixes=("", "_lavaan"))
    assert len(m) == len(theirs) == len(ours), \
        f"{name}: {len(theirs)} lavaan rows, {len(ours)} ours, {len(m)} matched"
    for a, b in (("mi", "mi_lavaan"), ("epc", "epc_lavaan"), ("sepc_all", "sepc.all")):
        # relative for large MIs: lavaan's multi-group estimates converge to ~1e-5
        assert np.max(np.abs(m[a] - m[b]) / np.maximum(1, np.abs(m[b]))) < 1e-3, (name, a)


# --- the three bugs ---------------------------------------------------------------------
def test_second_order_first_order_factors_are_endogenous():
    res = ir.fit(load_reference("hs_second_order")["model_syntax"], data=_hs())
    pairs = set(zip(res.params["lhs"], res.params["op"], res.params["rhs"]))
    assert not any((a, "~~", b) in pairs for a in ("visual", "textual", "speed", "g")
                   for b in ("visual", "textual", "speed", "g") if a != b)
    assert {"visual", "textual", "speed"} <= set(res.rsquare.index)


def test_observed_column_as_factor_name_is_refused_like_lavaan():
    ref = load_reference("observed_as_factor")
    assert "collide" in ref["lavaan_error"]
    with pytest.raises(ModelSyntaxError, match="'x1' is defined as a latent variable") as e:
        ir.fit("x1 =~ x2 + x3 + x4", data=_hs())
    assert e.value.line == 1
    hs = _hs()
    with pytest.raises(ModelSyntaxError, match="cov= matrix"):
        ir.fit("x1 =~ x2 + x3 + x4", cov=hs[HS_VARS].cov(), nobs=len(hs))


def test_scales_warn_like_lavaan_and_suggest_rescaling():
    ref = load_reference("hs_rescaled")
    assert any("factor 1000" in w for w in ref["lavaan_warnings"])
    with pytest.warns(DataWarning, match=r"'salary'.*consider rescaling.*divided by") as rec:
        res = ir.fit(ref["model_syntax"], data=_hs_scaled())
    assert len(rec) == 1 and res.warnings[-1] == str(rec[0].message)


def test_salary_in_rials_is_the_same_fit_rescaled():
    """lavaan 0.6-14 fails with the salary in rials (x 1e4 the reference unit); ML is
    scale-equivariant, so our fit must be the reference fit with rescaled parameters."""
    ref = load_reference("hs_rescaled")
    with pytest.warns(DataWarning):
        res = ir.fit(ref["model_syntax"], data=_hs_scaled(1e7))
    fm = ref["fit_measures"]
    for key in ("chisq", "cfi", "tli", "rmsea", "srmr"):
        assert res.fit_measures[key] == pytest.approx(fm[key], rel=1e-3), key
    m = merge_with_lavaan(res, ref)
    assert np.max(np.abs(m["std_all"] - m["std.all"])) < 1e-4
    b = m.set_index(["lhs", "op", "rhs"])
    k = ("textual", "~", "salary")
    assert b.at[k, "est"] * 1e4 == pytest.approx(b.at[k, "est_lavaan"], rel=1e-4)
    assert b.at[k, "z"] == pytest.approx(b.at[k, "z_lavaan"], abs=1e-2)


def test_scale_limit_separates_units_from_mistyped_values():
    """A salary in units 1e6 times larger than rials (variance ratio ~1e18) still fits
    exactly as the rescaled data; a single mistyped 1e15 is refused as a data error."""
    ref = load_reference("hs_rescaled")
    with pytest.warns(DataWarning):
        res = ir.fit(ref["model_syntax"], data=_hs_scaled(1e9))
    assert res.fit_measures["chisq"] == pytest.approx(ref["fit_measures"]["chisq"], rel=1e-6)
    hs = _hs()
    hs.loc[7, "x2"] = 1e15
    with pytest.raises(DataError, match="'x2'.*row 7"):
        ir.fit(HS_MODEL, data=hs)


def test_one_variable_in_micrometres_is_not_called_unidentified():
    hs = _hs()
    hs["x1"] = hs["x1"] * 1e6
    with pytest.warns(DataWarning, match="'x1'"):
        res = ir.fit(HS_MODEL, data=hs)
    assert res.fit_measures["chisq"] == pytest.approx(
        load_reference("hs_cfa")["fit_measures"]["chisq"], rel=1e-6)


def test_scale_free_checks_still_catch_real_problems():
    hs = _hs()
    hs["total"] = 1e6 * (hs["x1"] + hs["x2"])  # an exact sum, in large units
    with pytest.raises(DataError, match=r"not positive definite.*'total'"):
        ir.fit(HS_MODEL + "visual =~ total", data=hs)
    with pytest.raises(IdentificationError, match="not identified"):
        ir.fit("f =~ NA*x1 + x2 + x3 + x4", data=hs)  # neither a marker nor std_lv


# --- factor scores ----------------------------------------------------------------------
@pytest.mark.parametrize("which", ["hs", "poldem"])
@pytest.mark.parametrize("method, key", [("regression", "regression"),
                                         ("bartlett", "Bartlett")])
def test_factor_scores_equal_lavpredict(which, method, key):
    ref = load_reference("factor_scores")
    if which == "hs":
        res = ir.fit(ref["model_syntax"], data=_hs())
        block = ref["scores"][key]
    else:
        res = ir.fit(ref["poldem"]["model_syntax"],
                     data=load_reference_data("PoliticalDemocracy.csv"), meanstructure=True)
        block = ref["poldem"]["scores"][key]
    scores = res.predict(method=method)
    assert list(scores.columns) == block["colnames"]
    assert np.max(np.abs(scores.to_numpy() - np.array(block["values"], float))) < 1e-4


@pytest.mark.parametrize("which", ["second_order", "formative", "mimic"])
def test_regression_scores_of_structural_models_equal_lavpredict(which):
    """Second-order factors, a composite and a MIMIC model (no mean structure: latent
    means follow from the covariates' means, as lavaan)."""
    block = load_reference("factor_scores")[which]
    scores = ir.fit(block["model_syntax"], data=_hs()).predict()
    theirs = block["scores"]
    names = theirs["colnames"]  # jsonlite writes a one-element vector as a scalar
    assert list(scores.columns) == ([names] if isinstance(names, str) else names)
    values = np.array(theirs["values"], float).reshape(scores.shape)
    assert np.max(np.abs(scores.to_numpy() - values)) < 1e-4


def test_factor_scores_of_new_rows_and_refusals():
    hs = _hs()
    res = ir.fit(HS_MODEL, data=hs)
    new = hs.iloc[:5]
    pd.testing.assert_frame_equal(res.predict(data=new), res.predict().iloc[:5])
    with pytest.raises(ValueError, match="method"):
        res.predict(method="ebm")
    with pytest.raises(DataError, match="x9"):
        res.predict(data=new.drop(columns="x9"))
    mimic = ir.fit("visual =~ x1 + x2 + x3\nvisual ~ ageyr", data=hs)
    with pytest.raises(NotImplementedError, match="Bartlett"):
        mimic.predict(method="bartlett")
    second = ir.fit(load_reference("hs_second_order")["model_syntax"], data=hs)
    with pytest.raises(NotImplementedError, match="second-order"):
        second.predict(method="bartlett")


# --- the model language -----------------------------------------------------------------
@pytest.mark.parametrize("model, line, words", [
    ("level: 1\nf =~ x1 + x2 + x3\nlevel: 2\nf =~ x1 + x2 + x3", 1, "two-level models (level:)"),
    ("group: 1\nf =~ x1 + x2 + x3", 1, "group blocks (group:)"),
    ('efa("b")*f1 + efa("b")*f2 =~ x1 + x2 + x3 + x4', 1, "efa() blocks"),
    ("f =~ x1 + x2 + x3\nf =~ lower(0)*x2", 2, "lower() bounds"),
    ("f =~ x1 + x2 + prior('normal(0,1)')*x3", 1, "prior() modifiers"),
    ("f =~ x1 + x2 + x3\nx1 ~~ rv('a')*x1", 2, "rv()"),
    ("f =~ x1 + x2 + x3\nf ~*~ f", 2, "scaling factors (~*~)"),
    ("f =~ x1 + x2 + x3\ny ~ x4 + x4:x5", 2, "interaction terms (x1:x2)"),
    ("\ufefff =~ x1 + x2 + x3", 1, "byte-order mark"),
    ("f =~\ng =~ x4 + x5 + x6", 1, "nothing after '=~' (line 2 starts a new formula)"),
    ("g =~ x4 + x5 + x6\nf =~", 2, "nothing after '=~'"),
    ("f =~ x1 + x2 +\ng =~ x4 + x5 + x6", 1, "ends with '+' but line 2 starts a new formula"),
    ("f =~ x1 + x2 + x3 +", 1, "the formula ends with '+'"),
    ("f =~ x1 + x2 + x\u200b3", 1, "invisible character U+200B"),
    ("f =~ x1 + x2 + x3\nf =~ equal('g=~x9')*x4", 2, "equal('g=~x9')"),
    ("f + 2*g =~ x1 + x2 + x3", 1, "modifiers belong on the right-hand side"),
])
def test_unsupported_and_broken_syntax_names_the_problem(model, line, words):
    with pytest.raises(ModelSyntaxError) as e:
        ir.fit(model, data=_hs())
    assert words in str(e.value)
    assert e.value.line == line and f"line {line}" in str(e.value)


def test_persian_variable_names_are_accepted():
    names = {f"x{i}": f"گویه{i}" for i in range(1, 10)}
    names["x3"] = "رضایت\u200cشغلی"  # with a zero-width non-joiner, as typed in Persian
    model = HS_MODEL
    for old, new in sorted(names.items(), key=lambda kv: -len(kv[0])):
        model = model.replace(old, new)
    model = model.replace("visual", "دیداری")
    res = ir.fit(model, data=_hs().rename(columns=names))
    assert res.fit_measures["chisq"] == pytest.approx(
        load_reference("hs_cfa")["fit_measures"]["chisq"], rel=1e-6)
    assert "دیداری" in res.latent


def test_equal_by_label_and_by_name_share_one_parameter():
    res = ir.fit(load_reference("hs_modifiers")["model_syntax"], data=_hs())
    p = res.params.set_index(["lhs", "op", "rhs"])["est"]
    assert p[("visual", "=~", "x3")] == p[("textual", "=~", "x5")]
    assert p[("textual", "=~", "x6")] == p[("speed", "=~", "x9")]


# --- estimator options ------------------------------------------------------------------
def test_estimator_limits_are_explained():
    hs = _hs()
    for est in ("MLM", "WLS"):
        with pytest.raises(DataError, match=f"estimator='{est}' needs the raw data"):
            ir.fit(HS_MODEL, cov=hs[HS_VARS].cov(), nobs=301, estimator=est)
    with pytest.raises(ValueError, match="complete data"):
        ir.fit(HS_MODEL, data=hs, estimator="MLM", missing="fiml")
    with pytest.raises(ValueError, match="fixed exogenous covariates"):
        ir.fit(HS_MODEL + "visual ~ sex\n", data=hs, estimator="GLS")
    with pytest.raises(ValueError, match="information='observed'"):
        ir.fit(HS_MODEL, data=hs, estimator="MLM", information="observed")
    with pytest.raises(ValueError, match="information='expected'.*'observed'"):
        ir.fit(HS_MODEL, data=hs, estimator="MLR", information="expected")
    with pytest.raises(ValueError, match="likelihood='wishart' is available"):
        ir.fit(HS_MODEL, data=hs, likelihood="wishart", group="school")
    with pytest.raises(ValueError, match="ordered="):
        ir.fit("f <~ 1*x1 + x2\ny ~ f", data=hs, ordered=True)


def test_constraints_meet_lavaans_conventions():
    """Equality constraints add a df and remove a parameter from npar; an active
    inequality holds with equality and shares the SE of an equality; an inactive one
    changes nothing."""
    fits = {n: ir.fit(load_reference(n)["model_syntax"], data=_hs())
            for n in ("hs_constraint_linear", "hs_constraint_active", "hs_constraint_inactive")}
    base = load_reference("hs_cfa")["fit_measures"]
    assert fits["hs_constraint_linear"].fit_measures["df"] == base["df"] + 1
    assert fits["hs_constraint_linear"].fit_measures["npar"] == base["npar"] - 1
    p = fits["hs_constraint_linear"].params.set_index(["lhs", "op", "rhs"])["est"]
    assert p[("visual", "=~", "x2")] == pytest.approx(2 * p[("visual", "=~", "x3")], abs=1e-10)
    act = fits["hs_constraint_active"].params.set_index(["lhs", "op", "rhs"])
    assert act.at[("textual", "=~", "x5"), "est"] == pytest.approx(
        act.at[("textual", "=~", "x6"), "est"], abs=1e-8)
    assert fits["hs_constraint_active"].fit_measures["df"] == base["df"]
    assert fits["hs_constraint_inactive"].fit_measures["chisq"] == pytest.approx(
        base["chisq"], rel=1e-8)


def test_constraints_that_leave_the_scale_free_are_not_identified():
    hs = _hs()
    with pytest.raises(IdentificationError, match="even with the constraints"):
        ir.fit("f =~ NA*x1 + a*x2 + b*x3 + x4\na == 2*b", data=hs)
    res = ir.fit("f =~ NA*x1 + a*x2 + b*x3 + x4\na == 2*b\nf ~~ 1*f", data=hs)
    assert res.converged and res.fit_measures["df"] == 3


def test_constraints_outside_ml_are_refused():
    hs = _hs()
    model = HS_MODEL.replace("x2", "a*x2") + "a > 0.5\n"
    for kw in (dict(estimator="MLR"), dict(missing="fiml")):
        with pytest.raises(ValueError, match="a>0.5"):
            ir.fit(model, data=hs, **kw)
    with pytest.raises(ValueError, match="constraints other than a == b"):
        ir.fit(model, data=hs, ordered=True)
    with pytest.raises(ModelSyntaxError, match="unknown label 'z'"):
        ir.fit(model + "a < z\n", data=hs)


def test_se_none_and_option_checks():
    res = ir.fit(HS_MODEL, data=_hs(), se="none")
    free = res.params[res.params["op"] == "~~"]
    assert free["se"].isna().all() and free["z"].isna().all()
    assert res.fit_measures["chisq"] == pytest.approx(
        load_reference("hs_cfa")["fit_measures"]["chisq"], rel=1e-8)
    with pytest.raises(ValueError, match="se='robust'"):
        ir.fit(HS_MODEL, data=_hs(), se="robust")
    with pytest.raises(ValueError, match="complete data"):
        ir.fit(HS_MODEL, data=_hs(), missing="fiml", test="satorra.bentler")


def test_growth_is_fit_with_lavaans_growth_defaults():
    ref = load_reference("growth")
    res = ir.growth(ref["model_syntax"], data=load_reference_data("Demo.growth.csv"))
    m = merge_with_lavaan(res, ref)
    assert (m["_merge"] == "both").all()
    assert np.max(np.abs(m["est"] - m["est_lavaan"])) < 1e-4
    ints = res.params[(res.params["op"] == "~1") & res.params["lhs"].isin(["t1", "t4"])]
    assert (ints["est"] == 0).all() and (ints["se"] == 0).all()
    with pytest.raises(TypeError, match="meanstructure"):
        ir.growth(ref["model_syntax"], data=load_reference_data("Demo.growth.csv"),
                  meanstructure=False)


def test_group_matrices_need_matching_dicts():
    inputs = _school_matrices()
    with pytest.raises(DataError, match="nobs= must be a dict with the same keys"):
        ir.fit(HS_MODEL, cov=inputs["cov"], nobs=301)
    with pytest.raises(DataError, match="drop group="):
        ir.fit(HS_MODEL, cov=inputs["cov"], nobs=inputs["nobs"], group="school")
    with pytest.raises(DataError, match="means= per group"):
        ir.fit(HS_MODEL, cov=inputs["cov"], nobs=inputs["nobs"])


def test_gls_and_uls_from_a_covariance_matrix_equal_raw_data():
    hs = _hs()
    for est in ("GLS", "ULS"):
        a = ir.fit(HS_MODEL, data=hs, estimator=est)
        b = ir.fit(HS_MODEL, cov=hs[HS_VARS].cov(), nobs=len(hs), estimator=est)
        assert np.max(np.abs(a.params["est"] - b.params["est"])) < 1e-8
        assert b.fit_measures["chisq"] == pytest.approx(a.fit_measures["chisq"], rel=1e-8)
