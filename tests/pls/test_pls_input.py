"""ir.pls: the model language, missing data, bad input and the printed summary."""

import warnings

import numpy as np
import pandas as pd
import pytest
from plsref import CORP_EXT, CORP_SIMPLE, ECSI, MOBI4, data, fitted

import im_research as ir
from im_research.errors import ArgumentError, ConvergenceError, DataError, ModelSyntaxError


def _small(n=60, seed=3):
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 2))
    f[:, 1] += 0.5 * f[:, 0]
    cols = {f"x{i}": f[:, 0] + rng.standard_normal(n) for i in (1, 2, 3)}
    cols.update({f"y{i}": f[:, 1] + rng.standard_normal(n) for i in (1, 2)})
    return pd.DataFrame(cols)


def test_modes_single_items_and_order():
    res = ir.pls("X <~ x1 + x2 + x3\nY =~ y2\nY ~ X + y1", _small())
    assert res.model.constructs == ["X", "Y", "y1"]
    assert res.model.modes == {"X": "B", "Y": "A", "y1": "A"}
    assert res.model.paths == [("X", "Y"), ("y1", "Y")]
    assert res.outer.set_index("item").loc["x1", "mode"] == "B"


def test_single_item_column_in_a_path_becomes_a_construct():
    res = ir.pls("X =~ x1 + x2 + x3\ny1 ~ X", _small())
    assert res.model.items["y1"] == ["y1"]
    assert res.outer.set_index("item").loc["y1", "weight"] == pytest.approx(1.0)


def test_formative_syntax_survives_comments_and_continuation_lines():
    model = "X <~ x1 +   # formative\n     x2 + x3\nY =~ y1 + y2\nY ~ X"
    res = ir.pls(model, _small())
    assert res.model.items["X"] == ["x1", "x2", "x3"] and res.model.modes["X"] == "B"


@pytest.mark.parametrize("model, message", [
    ("X =~ x1 + x2\nY =~ y1 + y2\nY ~~ X", "not '~~'"),
    ("X =~ x1 + x2\nY =~ y1 + y2\nY ~ b*X\nb == 1", "constraints"),
    ("X =~ x1 + 0.5*x2\nY =~ y1 + y2\nY ~ X", "modifier"),
    ("X =~ x1 + x2\nY =~ y1 + y2", "no structural paths"),
    ("X =~ x1 + x2\nY =~ y1 + y2\nZ =~ x3\nY ~ X", "'Z' has no structural path"),
    ("X =~ x1 + x2\nY =~ y1 + x2\nY ~ X", "used by both"),
    ("X =~ x1 + x2\nX =~ x3\nY =~ y1 + y2\nY ~ X", "declared twice"),
    ("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X\nX ~ Y", "loop"),
    ("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X + W", "'W'"),
    ("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X\nY ~ X", "given twice"),
])
def test_model_errors_name_the_problem(model, message):
    with pytest.raises(ModelSyntaxError, match=message):
        ir.pls(model, _small())


def test_data_errors_name_the_column_and_row():
    df = _small()
    with pytest.raises(DataError, match=r"\['z9'\]"):
        ir.pls("X =~ x1 + z9\nY =~ y1 + y2\nY ~ X", df)
    bad = df.astype({"x2": object})
    bad.loc[4, "x2"] = "n/a"
    with pytest.raises(DataError, match=r"'x2' is not numeric \(row 4: 'n/a'\)"):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", bad)
    const = df.assign(x2=3.0)
    with pytest.raises(DataError, match="'x2' has the same value"):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", const)
    inf = df.copy()
    inf.loc[7, "y1"] = np.inf
    with pytest.raises(DataError, match="'y1' holds an infinite value"):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", inf)
    empty = df.assign(x2=-99)
    with pytest.raises(DataError, match="'x2' has no observed value"):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", empty, missing_value=-99)
    dup = df.assign(x3=df["x1"])
    with pytest.raises(DataError, match="collinear"):
        ir.pls("X <~ x1 + x3\nY =~ y1 + y2\nY ~ X", dup)


@pytest.mark.parametrize("kw, message", [
    ({"scheme": "pca"}, "scheme"), ({"missing": "pairwise"}, "missing"),
    ({"consistent": 1}, "consistent"), ({"tol": 0}, "tol"), ({"max_iter": 0}, "max_iter")])
def test_bad_arguments_are_named(kw, message):
    with pytest.raises(ArgumentError, match=message):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", _small(), **kw)
    with pytest.raises(ArgumentError, match="DataFrame"):
        ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", _small().to_numpy())


def test_no_convergence_is_an_error():
    with pytest.raises(ConvergenceError, match="did not settle in 1 iterations"):
        ir.pls(MOBI4, data("mobi"), max_iter=1)


def test_mean_replacement_and_casewise_deletion_are_reported():
    df = _small()
    df.loc[[2, 5], "x1"] = -99
    df.loc[5, "y2"] = np.nan
    model = "X =~ x1 + x2 + x3\nY =~ y1 + y2\nY ~ X"
    with pytest.warns(ir.DataWarning, match="3 missing cells replaced by item means"):
        mean = ir.pls(model, df, missing_value=-99)
    assert mean.missing == {"method": "mean", "cells": {"x1": 2, "y2": 1}, "rows_dropped": 0}
    assert mean.nobs == 60
    # mean replacement = fitting the data with the column means written in
    filled = df.replace(-99, np.nan)
    filled = filled.fillna(filled.mean())
    assert np.allclose(ir.pls(model, filled).path_matrix, mean.path_matrix, atol=1e-14)
    with pytest.warns(ir.DataWarning, match="2 rows with missing items dropped"):
        case = ir.pls(model, df, missing_value=-99, missing="casewise")
    assert case.missing["rows_dropped"] == 2 and case.nobs == 58
    assert list(case.scores.index) == [i for i in df.index if i not in (2, 5)]
    assert "casewise deletion of 2 rows" in case.summary()
    kept = df.drop(index=[2, 5])
    assert np.allclose(ir.pls(model, kept).path_matrix, case.path_matrix, atol=1e-14)
    # bootstrap rows are raw rows; incomplete ones get no weight, the jackknife skips them
    boot = case.bootstrap(40, seed=2, ci="bca")
    direct = ir.pls(model, kept).bootstrap(40, seed=2)
    assert boot.n_failed == 0 and np.isfinite(boot.paths[["ci_lower", "ci_upper"]]).all().all()
    assert not boot.paths["sd"].equals(direct.paths["sd"])  # other rows were drawn


def test_no_missing_data_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ir.pls("X =~ x1 + x2\nY =~ y1 + y2\nY ~ X", _small())
    assert res.missing == {"method": "mean", "cells": {}, "rows_dropped": 0}
    assert "mean replacement of 0 cells" in res.summary()


def test_standardisation_makes_the_item_scale_irrelevant():
    df = _small()
    scaled = df * [1, 10, 0.1, 5, 2] + 7
    a = ir.pls("X =~ x1 + x2 + x3\nY =~ y1 + y2\nY ~ X", df)
    b = ir.pls("X =~ x1 + x2 + x3\nY =~ y1 + y2\nY ~ X", scaled)
    assert np.allclose(a.weights, b.weights, atol=1e-12)
    assert np.allclose(a.scores, b.scores, atol=1e-12)


def test_summary_has_every_section():
    res = fitted(CORP_SIMPLE, "corp_rep", missing_value=-99)
    text = res.summary()
    for part in ("PLS-SEM (path weighting), 344 observations, 4 iterations", "Paths",
                 "R²", "Outer model", "Reliability", "HTMT", "Fornell–Larcker",
                 "Total effects", "f2"):
        assert part in text
    assert "PLSc" in fitted(MOBI4, "mobi", consistent=True).summary()
    assert repr(res).startswith("<PLSResult: 4 constructs, 5 paths, 344 observations")
    with pytest.raises(ArgumentError, match="method"):
        res.f_squared(method="other")


def test_specific_indirect_effects_add_up_to_the_indirect_effects():
    for res in (fitted(CORP_EXT, "corp_rep", missing_value=-99), fitted(ECSI, "mobi")):
        spec = res.specific_effects
        sums = spec.groupby(["source", "target"])["estimate"].sum()
        ind = res.indirect_effects.stack()
        ind = ind[ind != 0]
        assert np.allclose(sums.reindex(ind.index), ind, atol=1e-14)
    simple = fitted(CORP_SIMPLE, "corp_rep", missing_value=-99)
    B = simple.path_matrix
    assert list(simple.specific_effects["path"]) == ["COMP -> CUSA -> CUSL",
                                                     "LIKE -> CUSA -> CUSL"]
    assert simple.specific_effects["estimate"].iloc[1] == pytest.approx(
        B.loc["LIKE", "CUSA"] * B.loc["CUSA", "CUSL"], abs=1e-15)
    boot = simple.bootstrap(20, seed=3)
    draws = boot.draws["paths"]
    names = simple.model.constructs
    i, m, j = (names.index(c) for c in ("LIKE", "CUSA", "CUSL"))
    assert boot.specific_effects.loc["LIKE -> CUSA -> CUSL", "mean"] == pytest.approx(
        (draws[:, i, m] * draws[:, m, j]).mean(), abs=1e-15)


@pytest.mark.parametrize("htmt2", [False, True])
def test_htmt_equals_the_cb_sem_side(htmt2):
    """The CB-SEM side's ir.htmt (checked against semTools) on the same items."""
    res = fitted(ECSI, "mobi")
    cb = ir.htmt("\n".join(f"{c} =~ " + " + ".join(res.model.items[c])
                           for c in res.model.constructs if len(res.model.items[c]) > 1),
                 data("mobi"), htmt2=htmt2)
    ours = res.htmt(htmt2=htmt2)
    for a in cb.index:
        for b in cb.columns:
            if a != b and not np.isnan(cb.loc[a, b]):
                lo, hi = sorted((a, b), key=res.model.constructs.index)[::-1]
                assert ours.loc[lo, hi] == pytest.approx(cb.loc[a, b], abs=1e-12)


def test_reviewer_report_follows_hair_2019():
    res = fitted(CORP_EXT, "corp_rep", missing_value=-99)
    boot = res.bootstrap(200, seed=4)
    table = res.report(boot)
    assert list(table.columns) == ["step", "criterion", "subject", "value", "threshold",
                                   "verdict", "source"]
    steps = table["step"].str.split(" ").str[0].astype(int)
    assert steps.is_monotonic_increasing and set(steps) == set(range(1, 11))

    def row(criterion, subject):
        hit = table[(table["criterion"] == criterion) & (table["subject"] == subject)]
        assert len(hit) == 1, (criterion, subject)
        return hit.iloc[0]

    # values are the result's own; verdicts follow the thresholds
    assert row("loading", "comp_1 (COMP)")["value"] == res.outer.set_index("item").loc[
        "comp_1", "loading"]
    assert row("Cronbach's α", "COMP")["verdict"] == "meets"
    assert row("HTMT", "LIKE ~ COMP")["verdict"] == "meets (< .85)"        # 0.780
    assert not table["subject"].str.contains("PERF ~|~ PERF").any()  # formative: no HTMT
    assert row("outer VIF", "qual_3 (QUAL)")["verdict"] == "meets"
    assert row("inner VIF", "QUAL -> COMP")["verdict"] == "some collinearity (3–5)"  # 3.49
    assert row("f²", "CUSA -> CUSL")["verdict"] == "large"                # 0.403
    assert row("f²", "COMP -> CUSL")["verdict"] == "none (< .02)"
    assert row("R²", "CUSA")["verdict"] == "weak" and row("R²", "COMP")["verdict"] == "moderate"
    assert row("interval excludes 0", "COMP -> CUSL")["verdict"] == "not significant"
    assert row("interval excludes 0", "CUSA -> CUSL")["verdict"] == "significant"
    upper = boot.htmt.loc["LIKE ~ COMP", "ci_upper"]
    assert row("HTMT upper CI limit", "LIKE ~ COMP")["value"] == upper
    assert row("Q² (blindfolding, D = 7)", "CUSL")["value"] == res.blindfolding().loc[
        "CUSL", "q2"]
    pred = res.predict(seed=0)
    q2p = row("Q²predict", "cusl_1 (CUSL)")
    assert q2p["value"] == pred.metrics.loc["cusl_1", "q2_predict"] and q2p["verdict"] == "meets"
    assert row("PLSpredict vs linear model", "all (10 folds × 10 repetitions)")[
        "verdict"] == pred.verdict()
    # without a bootstrap there are no significance rows
    assert not res.report()["criterion"].str.contains("interval|CI").any()
    ecsi = fitted(ECSI, "mobi").report()
    htmt = ecsi[ecsi["criterion"] == "HTMT"].set_index("subject")["verdict"]
    assert htmt["Satisfaction ~ Quality"] == "fails (≥ .90)"                  # 0.954
    assert htmt["Expectation ~ Image"].startswith("meets .90 only")          # 0.888
    assert len(htmt) == 21
    md = ir.report.render(table, "markdown")
    assert md.splitlines()[0].startswith("| step | criterion | subject |")


def _exact(sigma, names, n=300):
    """A sample whose correlation matrix is exactly ``sigma``."""
    z = np.random.default_rng(0).standard_normal((n, len(names)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return pd.DataFrame(z @ np.linalg.cholesky(sigma).T, columns=names)


def test_plsc_warns_when_a_corrected_correlation_exceeds_one():
    """Two pairs of items correlating .3 within and .5 across: ρA = 2(.3)/1.3 = 6/13 for
    both blocks and the composites correlate 1/1.3, so the corrected correlation is
    (1/1.3) / (6/13) = 5/3 > 1."""
    sigma = np.array([[1, .3, .5, .5], [.3, 1, .5, .5], [.5, .5, 1, .3], [.5, .5, .3, 1]])
    df = _exact(sigma, ["x1", "x2", "y1", "y2"])
    model = "X =~ x1 + x2\nY =~ y1 + y2\nY ~ X"
    with pytest.warns(ir.HeywoodWarning, match=r"'X' and 'Y' is 1\.667"):
        res = ir.pls(model, df, consistent=True)
    assert res.reliability()["rhoA"].to_numpy() == pytest.approx([6 / 13] * 2, abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ir.pls(model, df)  # plain PLS: composites, nothing to correct


def test_plsc_warns_when_an_r2_reaches_one():
    """Corrected correlations all below 1 (.9, .97, .75) that no correlation matrix can
    hold together: Y's R² exceeds 1 and its AIC/BIC are undefined."""
    within, j = np.array([[1, .8], [.8, 1]]), np.ones((2, 2))
    sigma = np.block([[within, .72 * j, .776 * j], [.72 * j, within, .6 * j],
                      [.776 * j, .6 * j, within]])
    df = _exact(sigma, ["a1", "a2", "b1", "b2", "y1", "y2"])
    with pytest.warns(ir.HeywoodWarning, match="R² of 'Y' is 1.02"):
        res = ir.pls("A =~ a1 + a2\nB =~ b1 + b2\nY =~ y1 + y2\nY ~ A + B", df,
                     consistent=True)
    assert res.rsquare.loc["Y", "r2"] > 1 and np.isnan(res.rsquare.loc["Y", "aic"])


@pytest.mark.parametrize("fmt, start", [("markdown", "| step |"), ("html", "<table"),
                                        ("latex", "\\begin{tabular}")])
def test_report_renders_for_the_bundled_bank_data(fmt, start):
    bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    res = ir.pls("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\n"
                 "oc =~ oc1 + oc2 + oc3r\njs ~ im\noc ~ im + js", bank)
    text = ir.report.render(res.report(res.bootstrap(100, seed=1)), fmt)
    assert text.lstrip().startswith(start)
    assert "Hair et al. (2019" in text and "HTMT upper CI limit" in text
