"""``SEMResult``: one object per fitted model, with lavaan's output vocabulary.

Cheap attributes (``params``, ``fit_measures``, ``rsquare``, ``implied_cov``) are computed
once after estimation; extras (``modindices()``, ``residuals()``) on request.
"""

from __future__ import annotations

import functools
import html
import math
import warnings

import numpy as np
import pandas as pd
from scipy import special as _special
from scipy.linalg import lapack as _lapack

from ..errors import HeywoodWarning, IdentificationError
from .fitmeasures import compute_fit_measures
from .missing import independence_loglik, x_fiml_loglik, x_marginal_loglik
from .mlm import _gamma as _adf_gamma
from .mlm import mean_var_measures
from .modindices import modification_indices
from .ram import small_inv
from .robust import baseline_scaling, scaled_measures
from .scores import factor_scores
from .standardize import rsquare_values, standardize_values
from .syntax import EXPRESSION_FUNCTIONS

__all__ = ["SEMResult", "TwoLevelResult"]

_Z975 = 1.959963984540054
PARAM_COLUMNS = ["lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci_lower",
                 "ci_upper", "std_lv", "std_all"]


def evaluate_definitions(codes, label_rows, row_values):
    """Values of the ``:=`` parameters: ``codes`` are (name, compiled expression) pairs,
    ``label_rows`` maps each label to the parameter-table row holding its value."""
    env = dict(EXPRESSION_FUNCTIONS)
    env.update({lab: row_values[k] for lab, k in label_rows.items()})
    out = []
    for name, code in codes:
        val = float(eval(code, {"__builtins__": {}}, env))  # noqa: S307 (checked AST)
        env[name] = val
        out.append(val)
    return np.array(out)


_TABLE_COLUMNS = ("lhs", "op", "rhs", "label", "group", "pid", "value")


def table_columns(records=None, partable=None):
    """The parameter table's columns that results read, as numpy arrays, from the row
    dicts (cheap) or the DataFrame (pandas' string columns cost tens of microseconds
    each to convert)."""
    if records is not None:
        return {c: np.array([r[c] for r in records],
                            dtype=float if c == "value" else int if c in ("group", "pid")
                            else object) for c in _TABLE_COLUMNS}
    return {c: partable[c].to_numpy(dtype=float if c == "value" else None)
            for c in _TABLE_COLUMNS}


def _semidefinite(M):
    """No eigenvalue below -1e-10; a Cholesky factorisation settles the usual case
    (positive definite) at a fraction of the cost of the eigenvalues."""
    if _lapack.dpotrf(M)[1] == 0:
        return True
    return not np.any(np.linalg.eigvalsh(M) < -1e-10)


def _pvalue(z):
    """lavaan's ``2 * (1 - pnorm(|z|))`` (underflows to 0 like R)."""
    return 2 * (1 - _special.ndtr(np.abs(z)))


class SEMResult:
    """The result of :func:`im_research.fit`.

    Attributes
    ----------
    params : DataFrame
        ``lhs, op, rhs, label, est, se, z, pvalue, ci_lower, ci_upper, std_lv, std_all``
        (plus ``group`` for multi-group models), lavaan's ``parameterEstimates()``.
    fit_measures : Series
        lavaan's ``fitMeasures()`` with dots replaced by underscores.
    rsquare : Series (DataFrame with one column per group for multi-group models)
    implied_cov, sample_cov : DataFrame (dict of DataFrames per group if grouped)
    vcov : DataFrame
        Covariance matrix of the free parameters (expected information for ML).
    nobs : int
    converged : bool
    warnings : list of str
    dropped_rows : list
        Index labels of rows removed by listwise deletion.
    """

    # construction ------------------------------------------------------------------------
    @classmethod
    def _from_fit(cls, *, model, parsed, partable, info, stats, rams, problem, theta, F,
                  information, converged, iterations, group, group_labels, estimator, std_lv,
                  fixed_x, meanstructure, ndat, missing="listwise", columns=None):
        """``columns``: :func:`table_columns` of ``partable`` when the caller has them."""
        self = cls.__new__(cls)
        self.model = model
        self._parsed = parsed
        self.partable = partable
        self._info = info
        self._stats = stats
        self._rams = rams
        self._problem = problem
        self.theta = np.asarray(theta, float)
        self.fmin_ml = F
        self._information = information
        self.converged = converged
        self.iterations = iterations
        self.group = group
        self.group_labels = group_labels
        self.estimator = estimator
        self.std_lv_option = std_lv
        self.fixed_x = fixed_x
        self.meanstructure = meanstructure
        self.ndat = ndat
        self.npar = len(self.theta)
        self.warnings = []
        self.observed = list(info.ov)
        self.latent = list(info.lv)
        self.indicators = {k: list(v) for k, v in info.indicators.items()}
        self.nobs = sum(s.nobs for s in stats)
        self.dropped_rows = [r for s in stats for r in s.dropped]
        self.missing = missing
        if self.dropped_rows:
            self.warnings.append(
                f"listwise deletion dropped {len(self.dropped_rows)} rows" if missing ==
                "listwise" else f"FIML removed {len(self.dropped_rows)} rows without usable "
                "data")
        self.data = (None if stats[0].data is None else stats[0].data if len(stats) == 1
                     else pd.concat([s.data for s in stats]))
        self.fit_measures = None
        self._param_columns = None
        self._columns = columns or table_columns(partable=partable)
        self._pt_value = self._columns["value"]
        self._pt_pid = self._columns["pid"]
        self._pt_free = self._pt_pid >= 0
        self._def_cache = None
        self._robust = None  # set by fit() for estimator="MLR"
        self._n_eq = 0  # general equality constraints (each adds a df), set by fit()
        self._wlsmv = None  # set by fit() for ordered= (WLSMV)
        return self

    @property
    def ngroups(self):
        return len(self.group_labels)

    def _group_frame(self, mats, kind):
        def frame(m):
            if kind == "cov":
                return pd.DataFrame(m, index=self.observed, columns=self.observed)
            return None if m is None else pd.Series(m, index=self.observed)
        out = [frame(m) for m in mats]
        return out[0] if self.ngroups == 1 else dict(zip(self.group_labels, out))

    # values of every parameter-table row for a given theta
    def _row_values(self, theta):
        vals = self._pt_value.copy()
        vals[self._pt_free] = theta[self._pt_pid[self._pt_free]]
        return vals

    def _def_setup(self):
        """Labels (first row of each), compiled ``:=`` expressions, the pids they use."""
        if getattr(self, "_def_cache", None) is None:
            pt = self.partable
            label_rows = {}
            for k, (lab, op) in enumerate(zip(pt["label"], pt["op"])):
                if lab and op != ":=" and lab not in label_rows:
                    label_rows[lab] = k
            codes = [(d.name, compile(d.expr, f"<:= {d.name}>", "eval"))
                     for d in self._parsed.definitions]
            pids = sorted({int(self._pt_pid[k]) for k in label_rows.values()
                           if self._pt_pid[k] >= 0})
            self._def_cache = (label_rows, codes, pids)
        return self._def_cache

    def _definitions(self, row_values):
        """Values of the ``:=`` parameters given the values of all parameter-table rows."""
        label_rows, codes, _ = self._def_setup()
        return evaluate_definitions(codes, label_rows, row_values)

    def _def_jacobian(self, theta):
        """Values and central-difference Jacobian of the ``:=`` parameters."""
        base = self._definitions(self._row_values(theta))
        J = np.zeros((len(base), len(theta)))
        for k in self._def_setup()[2]:  # only parameters that carry a label
            h = 1e-6 * max(1.0, abs(theta[k]))
            tp, tm = theta.copy(), theta.copy()
            tp[k] += h
            tm[k] -= h
            J[:, k] = (self._definitions(self._row_values(tp)) -
                       self._definitions(self._row_values(tm))) / (2 * h)
        return base, J

    def _finalise(self):
        N = self.nobs
        npar = self.npar
        robust = getattr(self, "_robust", None)
        if robust is not None:
            vcov = robust["vcov"]
        elif npar:
            vcov = small_inv(self._information) / N
        else:
            vcov = np.zeros((0, 0))
        self._vcov = vcov
        cols = self._columns
        lhs_a, op_a, rhs_a, label_a, group_a, pid = (
            cols[c] for c in ("lhs", "op", "rhs", "label", "group", "pid"))
        vals = self._row_values(self.theta)
        is_def = op_a == ":="
        se = np.zeros(len(pid))
        free = pid >= 0
        se[free] = np.sqrt(np.clip(np.diag(vcov)[pid[free]], 0, None))
        # standardized values per group
        std_lv = np.full(len(pid), np.nan)
        std_all = np.full(len(pid), np.nan)
        self._implied = []
        self._C = []
        rsq = {}
        # a composite (<~) has no disturbance: lavaan reports no R² for it
        endo = [v for v in self._info.ov_nox] + [v for v in self._info.lv_y
                                                 if v not in self._info.composites]
        for g, ram in enumerate(self._rams):
            Sigma, mu, B, C, S, m = ram.implied(self.theta)
            self._implied.append((Sigma, mu if self._stats[g].mean is not None else None))
            self._C.append((C, S))
            mask = (group_a == g) & ~is_def
            sl, sa = standardize_values(op_a[mask], lhs_a[mask], rhs_a[mask], vals[mask], C, S,
                                        self.observed, self.latent)
            std_lv[mask] = sl
            std_all[mask] = sa
            rsq[self.group_labels[g]] = rsquare_values(
                C, S, self.observed, self.latent,
                [v for v in endo if v not in self._info.ov_x])
        if is_def.any():
            base, J = self._def_jacobian(self.theta)
            vals[is_def] = base
            var = np.einsum("ik,kl,il->i", J, vcov, J)
            se[is_def] = np.where(var >= 0, np.sqrt(np.abs(var)), np.nan)
            std_lv[is_def] = self._definitions(np.where(np.isnan(std_lv), vals, std_lv))
            std_all[is_def] = self._definitions(np.where(np.isnan(std_all), vals, std_all))
        estimated = free | is_def
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(estimated & (se > 0), vals / se, np.nan)
        ci_lo = np.where(estimated, vals - _Z975 * se, vals)
        ci_hi = np.where(estimated, vals + _Z975 * se, vals)
        columns = {"lhs": lhs_a, "op": op_a, "rhs": rhs_a}
        if self.ngroups > 1:
            columns["group"] = [self.group_labels[g] if op != ":=" else None
                                for g, op in zip(group_a, op_a)]
        columns.update({
            "label": np.where(is_def, lhs_a, label_a), "est": vals, "se": se, "z": z,
            "pvalue": _pvalue(z), "ci_lower": ci_lo, "ci_upper": ci_hi, "std_lv": std_lv,
            "std_all": std_all})
        self._param_columns = columns
        if self._wlsmv is not None:  # fit measures computed with the estimator
            self.fit_measures = self._wlsmv["fit_measures"]
        else:
            self._ml_fit_measures(robust)
        self._rsq = rsq
        for name in ("params", "vcov", "rsquare", "implied_cov", "implied_mean",
                     "sample_cov", "sample_mean"):  # lazy frames: rebuilt from the new numbers
            self.__dict__.pop(name, None)

    # DataFrame views, built on first access (pandas construction dominates small fits)
    @functools.cached_property
    def params(self):
        # None until estimates are final: a fit that did not converge presents none
        return None if self._param_columns is None else pd.DataFrame(self._param_columns)

    @functools.cached_property
    def vcov(self):
        lhs_a, op_a, rhs_a, label_a, group_a, pid = (
            self._columns[c] for c in ("lhs", "op", "rhs", "label", "group", "pid"))
        names = [""] * self.npar
        for k in range(len(pid) - 1, -1, -1):  # first row of each pid wins
            if pid[k] >= 0:
                names[pid[k]] = label_a[k] or (f"{lhs_a[k]}{op_a[k]}{rhs_a[k]}" + (
                    f".g{group_a[k] + 1}" if self.ngroups > 1 else ""))
        return pd.DataFrame(self._vcov, index=names, columns=names)

    @functools.cached_property
    def rsquare(self):
        rsq = self._rsq
        return (pd.Series(rsq[self.group_labels[0]], name="rsquare")
                if self.ngroups == 1 else pd.DataFrame(rsq))

    @functools.cached_property
    def implied_cov(self):
        return self._group_frame([s for s, _ in self._implied], "cov")

    @functools.cached_property
    def implied_mean(self):
        return self._group_frame([m for _, m in self._implied], "mean")

    @functools.cached_property
    def sample_cov(self):
        return self._group_frame([s.cov for s in self._stats], "cov")

    @functools.cached_property
    def sample_mean(self):
        return self._group_frame([s.mean for s in self._stats], "mean")

    def _ml_fit_measures(self, robust):
        N = self.nobs
        override = None
        if hasattr(self._problem, "patterns"):  # FIML: statistics from log-likelihoods
            # fixed covariates: their own marginal log-likelihood is subtracted, and the
            # baseline keeps their joint distribution (lavaan), leaving the y variables
            xi = [self.observed.index(v) for v in self._info.ov_x] if self.fixed_x else []
            llx = sum(x_marginal_loglik(st, xi) for st in self._stats)
            ll0 = self._problem.loglik(self.theta) - llx
            ll1 = sum(st.h1_logl for st in self._stats) - llx
            llb = sum(independence_loglik(np.delete(st.data.to_numpy(float), xi, axis=1))
                      + x_fiml_loglik(st, xi) for st in self._stats) - llx
            override = {"chisq": 2 * (ll1 - ll0), "baseline_chisq": 2 * (ll1 - llb),
                        "logl": ll0, "unrestricted_logl": ll1}
        self.fit_measures = compute_fit_measures(
            stats_by_group=self._stats, implied=self._implied, F=self.fmin_ml,
            npar=self.npar - self._n_eq,
            ndat=self.ndat, x_index=[self.observed.index(v) for v in self._info.ov_x],
            fixed_x=self.fixed_x, meanstructure=self.meanstructure, override=override)
        if override:
            self.fit_measures["fmin"] = override["chisq"] / (2 * N)
        if robust is not None and robust.get("test") in ("mean.var.adjusted",
                                                         "scaled.shifted"):  # MLMVS, MLMV
            extra = mean_var_measures(self.fit_measures, robust, self.ngroups)
            self.fit_measures = pd.concat([self.fit_measures, pd.Series(extra, dtype=float)])
        elif robust is not None and robust.get("c") is not None:
            fm = self.fit_measures
            c_b = robust.get("c_b")
            if c_b is None:
                c_b = baseline_scaling(self._stats, fm["baseline_df"], self.meanstructure)
            extra = scaled_measures(fm, robust["c"], c_b, self.ngroups,
                                    robust=robust.get("robust"))
            self.fit_measures = pd.concat([fm, pd.Series(extra, dtype=float)])

    def _flag_heywood(self, raise_on_heywood, stacklevel):
        """Warn about (or raise on) negative variances; ``stacklevel`` counts from the
        caller of this method."""
        heywood = self._heywood_messages()
        if heywood and raise_on_heywood:
            raise IdentificationError("; ".join(heywood))
        for msg in heywood:
            self.warnings.append(msg)
            warnings.warn(msg, HeywoodWarning, stacklevel=stacklevel + 1)

    def _heywood_messages(self):
        out = []
        lhs, op, rhs = (self._columns[c] for c in ("lhs", "op", "rhs"))
        est = self._param_columns["est"]
        for k in np.flatnonzero((op == "~~") & (lhs == rhs) & (est < 0)):
            grp = (f" (group {self.group_labels[self._columns['group'][k]]})"
                   if self.ngroups > 1 else "")
            out.append(f"Heywood case: variance of {lhs[k]} is negative "
                       f"({est[k]:.4g}){grp}; the solution is improper. Check the "
                       "model (too few indicators, a near-perfect correlation) before "
                       "interpreting it.")
        p = len(self.observed)
        for C, _ in self._C:
            if self.latent and not _semidefinite(C[p:, p:]):
                out.append("the latent covariance matrix is not positive definite (a "
                           "latent correlation exceeds 1 in absolute value)")
        return out

    # extras ---------------------------------------------------------------------------
    def modindices(self, min_mi=0.0, sort=True):
        """Modification indices (lavaan ``modindices()``): ``lhs, op, rhs, mi, epc,
        sepc_lv, sepc_all``, using the expected information."""
        return modification_indices(self, min_mi=min_mi, sort=sort)

    def predict(self, method="regression", data=None):
        """Factor scores, as lavaan's ``lavPredict()``: ``method="regression"``
        (default) or ``"bartlett"``; ``data=`` scores new respondents. Returns a DataFrame
        with one column per latent variable (see :mod:`im_research.sem.scores`).

        >>> import numpy as np, pandas as pd, im_research as ir
        >>> rng = np.random.default_rng(4)
        >>> f = rng.normal(size=100)
        >>> df = pd.DataFrame({f"x{i}": f + rng.normal(size=100) for i in (1, 2, 3)})
        >>> ir.fit("f =~ x1 + x2 + x3", data=df).predict(method="bartlett").shape
        (100, 1)
        """
        return factor_scores(self, method=method, data=data)

    def residuals(self, type="raw"):
        """Residual covariance matrix, as lavaan's ``residuals(fit, type = ...)``:
        ``"raw"`` (S - Sigma), ``"cor"`` (difference of correlation matrices, lavaan's
        ``cor.bollen``) or ``"standardized"`` (raw residuals divided by their
        normal-theory standard errors; ML with complete data and the expected
        information). One DataFrame, or a dict of them by group.

        >>> import numpy as np, pandas as pd, im_research as ir
        >>> rng = np.random.default_rng(2)
        >>> f = rng.normal(size=(300, 1))
        >>> df = pd.DataFrame(f @ [[0.8, 0.7, 0.6, 0.5]] + rng.normal(size=(300, 4)) * 0.6,
        ...                   columns=["a", "b", "c", "d"])
        >>> z = ir.fit("f =~ a + b + c + d", data=df).residuals("standardized")
        >>> bool((z.abs() < 3).all().all())  # no local misfit in a correct model
        True
        """
        if type == "standardized":
            if self.estimator in ("GLS", "ULS", "WLS", "DWLS"):
                raise NotImplementedError(
                    "standardized residuals are computed for ML-type fits only; use "
                    "type='cor' or refit with estimator='ML'")
            if self.estimator == "WLSMV":
                raise ValueError("standardized residuals use normal-theory standard "
                                 "errors and are not defined for WLSMV fits; use "
                                 "type='cor' (polychoric minus implied correlations)")
            return self._group_frame(self._standardized_residuals(), "cov")
        if type not in ("raw", "cor"):
            raise ValueError("type must be 'raw', 'cor' or 'standardized'")
        out = []
        for st, (Sigma, _) in zip(self._stats, self._implied):
            if type == "raw":
                out.append(st.cov - Sigma)
            else:
                sd, sds = np.sqrt(np.diag(st.cov)), np.sqrt(np.diag(Sigma))
                out.append(st.cov / np.outer(sd, sd) - Sigma / np.outer(sds, sds))
        return self._group_frame(out, "cov")

    def _standardized_residuals(self):
        """lavaan's standardized residuals (``residuals(fit, type = "standardized")``),
        one matrix per group: raw residuals over the square root of their asymptotic
        variance ``Q Γ Q'`` with ``Q = I − w_g Δ_g A0⁻¹ Δ_g' A1_g``, where

        - Γ is the covariance of the sample moments at the sample moments ("unstructured"
          h1): normal theory, Γ(S)/N_g, for standard SEs; the fourth-moment (ADF)
          estimate for robust ones (MLR, MLM);
        - A1 is the h1 information at the implied moments, expected or observed as the
          SEs are, and A0 = Σ_g w_g Δ_g' A1_g Δ_g;
        - the moments of fixed covariates are left out (lavaan zeroes them), and a
          residual below 1e-5 in absolute value is divided by 1.
        """
        basis = getattr(self, "_se_basis", None) or {}
        robust = basis.get("se") in ("robust.huber.white", "robust.sem")
        x_names = self._info.ov_x if self.fixed_x else []
        if (not basis.get("plain") or self.missing != "listwise"
                or basis.get("se") not in ("standard", "robust.huber.white", "robust.sem")
                or (robust and x_names)):
            raise NotImplementedError(
                "standardized residuals are computed as lavaan does for ML, MLR and MLM "
                "with complete data (robust ones without fixed covariates) so far; use "
                "type='cor' (or 'raw'), or refit with estimator='ML'")
        observed = basis["information"] == "observed"
        p = len(self.observed)
        rows, cols = np.tril_indices(p)
        dup = np.where(rows == cols, 2.0, 1.0)

        def sym_kron(A, B):  # D'(A (x) B) D for symmetric A, B, vech by vech
            T = (A[rows][:, rows] * B[cols][:, cols] + A[rows][:, cols] * B[cols][:, rows]
                 + A[cols][:, rows] * B[rows][:, cols] + A[cols][:, cols] * B[rows][:, rows])
            return T / np.outer(dup, dup)

        def h1_information(Sigma, mu, st, at_sample=False):
            """Per unit, means first: expected 0.5 D'(K (x) K) D and K; observed (at the
            implied moments) D'(K (x) (K W K - K/2)) D, K, and K E_b K d across."""
            K = small_inv(Sigma)
            if not observed or at_sample:  # at the sample moments the two coincide
                cov, cross, mean = 0.5 * sym_kron(K, K), None, K
            else:
                d = st.mean - mu if st.mean is not None else np.zeros(p)
                u = K @ d
                M = K @ (st.cov + np.outer(d, d)) @ K - 0.5 * K
                cov = 0.5 * (sym_kron(K, M) + sym_kron(M, K))
                cross = (K[:, rows] * u[cols] + K[:, cols] * u[rows]) / dup
                mean = K
            if st.mean is None:
                return cov
            cross = np.zeros((p, len(rows))) if cross is None else cross
            return np.block([[mean, cross], [cross.T, cov]])

        x = np.isin(np.arange(p), [self.observed.index(v) for v in x_names])
        keep = ~(x[rows] & x[cols])
        parts = []
        for g, st in enumerate(self._stats):
            Sigma, mu = self._implied[g]
            k = np.concatenate([~x, keep]) if st.mean is not None else keep
            A1 = np.where(np.outer(k, k), h1_information(Sigma, mu, st), 0.0)
            if robust:
                acov = _adf_gamma(st.data.to_numpy(float), st.mean is not None, rows,
                                  cols) / st.nobs
            else:
                acov = np.zeros_like(A1)
                acov[np.ix_(k, k)] = small_inv(
                    h1_information(st.cov, st.mean, st, at_sample=True)[np.ix_(k, k)]
                ) / st.nobs
            _, _, dS, dm, _ = self._rams[g].delta(self.theta)
            Delta = dS[:, rows, cols].T
            if st.mean is not None:
                Delta = np.vstack([dm.T, Delta])
            parts.append((st.nobs / self.nobs, Delta, A1, acov))
        A0_inv = small_inv(sum(w * D.T @ A1 @ D for w, D, A1, _ in parts))
        out = []
        for g, (w, Delta, A1, acov) in enumerate(parts):
            Q = np.eye(len(Delta)) - w * Delta @ A0_inv @ Delta.T @ A1
            var = np.diag(Q @ acov @ Q.T)[-len(rows):]
            se = np.full((p, p), np.nan)
            se[rows, cols] = se[cols, rows] = np.sqrt(np.where(var >= 0, var, np.nan))
            R = self._stats[g].cov - self._implied[g][0]
            out.append(R / np.where(np.abs(R) < 1e-5, 1.0, se))
        return out

    # presentation -----------------------------------------------------------------------
    _SECTIONS = [("=~", "Latent variables"), ("~", "Regressions"), ("~~cov", "Covariances"),
                 ("~1", "Intercepts"), ("|", "Thresholds"), ("~~var", "Variances"),
                 ("~*~", "Scales y*"), (":=", "Defined parameters")]

    @staticmethod
    def _section_of(op, lhs, rhs):
        if op == "~~":
            return "~~var" if lhs == rhs else "~~cov"
        return op

    def summary(self, standardized=True):
        """A lavaan-style text summary (model test, fit indices, parameter estimates)."""
        fm = self.fit_measures
        lines = []
        w = lines.append
        w(f"im-research SEM: estimator {self.estimator}, "
          f"{'converged' if self.converged else 'NOT converged'} after "
          f"{self.iterations} iterations")
        w("")
        w(f"  {'Number of observations':<40}{self.nobs:>12d}")
        if self.ngroups > 1:
            for g, st in zip(self.group_labels, self._stats):
                w(f"    {str(g):<38}{st.nobs:>12d}")
        if self.dropped_rows:
            what = ("Rows removed (no usable data)" if self.missing == "fiml"
                    else "Rows dropped (listwise)")
            w(f"  {what:<40}{len(self.dropped_rows):>12d}")
        w(f"  {'Number of free parameters':<40}{self.npar:>12d}")
        w("")
        self._write_chisq(w, fm)
        if "chisq_scaled" in fm.index:
            kind = ("Scaled-shifted statistic (WLSMV)" if self.estimator == "WLSMV"
                    else "Scaled statistic (Satorra-Bentler)" if self.estimator == "MLM"
                    else "Scaled statistic (Yuan-Bentler)")
            w(f"  {kind:<40}{fm['chisq_scaled']:>12.3f}")
            w(f"  {'P-value (scaled)':<40}{fm['pvalue_scaled']:>12.3f}")
            w(f"  {'Scaling correction factor':<40}{fm['chisq_scaling_factor']:>12.3f}")
            if self.estimator == "WLSMV":
                shift = self._wlsmv["scaled_shifted"]["shift"]
                w(f"  {'Shift parameter':<40}{shift:>12.3f}")
        self._write_indices(w, fm, [
            ("cfi", "CFI"), ("tli", "TLI"), ("cfi_scaled", "CFI (scaled)"),
            ("tli_scaled", "TLI (scaled)"), ("cfi_robust", "CFI (robust)"),
            ("tli_robust", "TLI (robust)"), ("rmsea", "RMSEA"),
            ("rmsea_ci_lower", "  90% CI lower"), ("rmsea_ci_upper", "  90% CI upper"),
            ("rmsea_scaled", "RMSEA (scaled)"), ("rmsea_robust", "RMSEA (robust)"),
            ("srmr", "SRMR"), ("wrmr", "WRMR"), ("aic", "AIC"), ("bic", "BIC")])
        table = self.params
        cols, hdr = self._estimate_columns(standardized)
        groups = [None] if self.ngroups == 1 else self.group_labels
        for gl in groups:
            tg = table if gl is None else table[(table["group"] == gl) |
                                                (table["op"] == ":=")]
            if gl is not None:
                w(f"Group {gl}:")
            self._write_sections(w, tg, cols, hdr, defined=gl is None or gl == groups[-1])
        return "\n".join(lines)

    @staticmethod
    def _write_chisq(w, fm):
        """The model test lines of ``summary()``: chi-square, df and p (NA if undefined)."""
        w("Model test (user model):")
        w(f"  {'Test statistic (chi-square)':<40}{fm['chisq']:>12.3f}")
        w(f"  {'Degrees of freedom':<40}{int(fm['df']):>12d}")
        pv = fm["pvalue"]
        w(f"  {'P-value (Chi-square)':<40}" + (f"{pv:>12.3f}" if not math.isnan(pv)
                                               else f"{'NA':>12}"))

    def _write_indices(self, w, fm, labels):
        """The fit indices that exist (``labels``: key, label), then the warnings."""
        w("")
        w("Fit indices:")
        for k, lab in labels:
            if k in fm.index and not math.isnan(fm[k]):
                w(f"  {lab:<40}{fm[k]:>12.3f}")
        for msg in self.warnings:
            w(f"Warning: {msg}")
        w("")

    @staticmethod
    def _estimate_columns(standardized):
        """The parameter columns of ``summary()`` and their header line."""
        cols = ["est", "se", "z", "pvalue"] + (["std_lv", "std_all"] if standardized else [])
        hdr = f"  {'':<22}" + "".join(f"{c:>10}" for c in
                                       ["Estimate", "Std.Err", "z-value", "P(>|z|)"] +
                                       (["Std.lv", "Std.all"] if standardized else []))
        return cols, hdr

    def _write_sections(self, w, table, cols, hdr, defined=True):
        """The parameter sections of ``summary()`` (latent variables, regressions, ...)
        for the rows of ``table``; ``defined=False`` leaves out the ``:=`` rows."""
        # plain lists: pandas row access costs more than the formatting itself
        fields = ["lhs", "op", "rhs", "label"] + cols
        rows = list(zip(*(table[c].tolist() for c in fields)))
        sections = {}
        for r in rows:
            sections.setdefault(self._section_of(r[1], r[0], r[2]), []).append(r)
        for key, title in self._SECTIONS:
            part = sections.get(key)
            if (key == ":=" and not defined) or not part:
                continue
            w(f"{title}:")
            w(hdr)
            current = None
            for lhs, op, rhs, label, *values in part:
                if key in ("=~", "~") and lhs != current:
                    current = lhs
                    w(f"  {lhs} {op}")
                name = rhs if key in ("=~", "~") else f"{lhs}|{rhs}" if key == "|" else (
                    f"{lhs} ~~ {rhs}" if key == "~~cov" else
                    (lhs if key != ":=" else f"{lhs} := {rhs}"))
                if label and key != ":=":
                    name = f"{name} ({label})"
                cells = ""
                for c, v in zip(cols, values):
                    cells += f"{'':>10}" if (isinstance(v, float) and math.isnan(v)) or \
                        (c == "se" and v == 0 and op != ":=") else f"{v:>10.3f}"
                w(f"    {name:<20}{cells}")
            w("")

    def __str__(self):
        return self.summary()

    def __repr__(self):
        fm = self.fit_measures
        if fm is None:
            return f"<SEMResult converged={self.converged}>"
        return (f"<SEMResult n={self.nobs} npar={self.npar} chisq={fm['chisq']:.3f} "
                f"df={int(fm['df'])} cfi={fm['cfi']:.3f} rmsea={fm['rmsea']:.3f}>")

    def _repr_html_(self):
        fm = self.fit_measures
        head = (f"<p><b>SEM ({self.estimator})</b>, n = {self.nobs}, "
                f"{'converged' if self.converged else 'not converged'}; "
                f"&chi;&sup2;({int(fm['df'])}) = {fm['chisq']:.3f}, p = "
                f"{fm['pvalue']:.3f}, CFI = {fm['cfi']:.3f}, TLI = {fm['tli']:.3f}, "
                f"RMSEA = {fm['rmsea']:.3f} [{fm['rmsea_ci_lower']:.3f}, "
                f"{fm['rmsea_ci_upper']:.3f}], SRMR = {fm['srmr']:.3f}</p>")
        warn = "".join(f"<p style='color:#a00'>Warning: {html.escape(m)}</p>"
                       for m in self.warnings)
        table = self.params.round(3).to_html(index=False, na_rep="")
        return head + warn + table


class TwoLevelResult(SEMResult):
    """The result of a two-level fit, :func:`im_research.fit` with ``level:`` blocks and
    ``cluster=``.

    ``params`` has lavaan's ``level`` column: 1 for the rows of the ``level: 1``
    (within) block, 2 for ``level: 2`` (between), 0 for ``:=`` rows. ``implied_cov``,
    ``sample_cov`` (the unrestricted h1 moments, as lavaan's ``lavInspect(fit, "h1")``),
    their means, ``residuals()`` and ``rsquare`` are given per level (keys/columns
    ``"within"`` and ``"between"``); ``icc()`` gives the intraclass correlations;
    ``nclusters`` and ``cluster`` name the clusters. Modification indices and factor
    scores are not available for two-level fits.
    """

    LEVELS = ("within", "between")
    # single-level internals that other computations (bootstrap, reliability, ...) read
    _SINGLE_LEVEL = frozenset({"_rams", "_stats", "_problem", "_information", "_C",
                               "_implied"})

    def __getattr__(self, name):
        if name in TwoLevelResult._SINGLE_LEVEL:
            raise NotImplementedError(
                "this computation works on single-level fits; it is not available for a "
                "two-level fit (level: blocks) yet. Use the two-level result's own "
                "params, fit_measures, icc() and summary()")
        raise AttributeError(f"'TwoLevelResult' object has no attribute {name!r}")

    @classmethod
    def _from_twolevel(cls, est, *, model, parsed, std_lv, fixed_x, raise_on_heywood):
        self = cls.__new__(cls)
        self.model, self._parsed, self.partable = model, parsed, est.partable
        self._est = est
        self.theta = np.asarray(est.theta, float)
        self.npar, self.ndat, self.fmin_ml = len(self.theta), est.ndat, est.F
        self.converged, self.iterations = est.converged, est.iterations
        self.estimator, self.missing, self.meanstructure = "ML", "listwise", True
        self.group, self.group_labels = None, [None]
        self.std_lv_option, self.fixed_x = std_lv, fixed_x
        self.cluster, self.nclusters = est.cluster, est.stats.nclusters
        self.nobs, self.data, self.dropped_rows = est.stats.nobs, est.data, est.dropped
        self.warnings = ([f"listwise deletion dropped {len(est.dropped)} rows"]
                         if est.dropped else [])
        infos = est.infos
        self.observed = list(dict.fromkeys(infos[0].ov + infos[1].ov))
        self.latent = list(dict.fromkeys(infos[0].lv + infos[1].lv))
        self.indicators = {}
        for info in infos:
            for lv, inds in info.indicators.items():
                self.indicators.setdefault(lv, [])
                self.indicators[lv] += [v for v in inds if v not in self.indicators[lv]]
        self._pt_value = est.partable["value"].to_numpy(dtype=float)
        self._pt_pid = est.partable["pid"].to_numpy()
        self._pt_free = self._pt_pid >= 0
        self._def_cache, self._n_eq, self._wlsmv = None, 0, None
        self._robust = {"vcov": est.vcov, "c": None}
        self._vcov = est.vcov
        self._finalise_levels()
        self._flag_heywood(raise_on_heywood, stacklevel=4)
        return self

    def _finalise_levels(self):
        pt, est = self.partable, self._est
        lhs_a, op_a, rhs_a = (pt[c].to_numpy() for c in ("lhs", "op", "rhs"))
        level_a, pid = pt["level"].to_numpy(), self._pt_pid
        vals = self._row_values(self.theta)
        is_def = op_a == ":="
        free = pid >= 0
        se = np.zeros(len(pt))
        se[free] = np.sqrt(np.clip(np.diag(self._vcov)[pid[free]], 0, None))
        std_lv, std_all = np.full(len(pt), np.nan), np.full(len(pt), np.nan)
        self._level_C, self._level_implied, rsq = [], [], {}
        for number, (info, ram) in enumerate(zip(est.infos, est.rams), start=1):
            Sigma, mu, B, C, S, m = ram.implied(self.theta)
            self._level_implied.append((Sigma, mu))
            self._level_C.append((C, S))
            mask = (level_a == number) & ~is_def
            std_lv[mask], std_all[mask] = standardize_values(
                op_a[mask], lhs_a[mask], rhs_a[mask], vals[mask], C, S, info.ov, info.lv)
            rsq[self.LEVELS[number - 1]] = pd.Series(rsquare_values(
                C, S, info.ov, info.lv, list(info.ov_nox) + list(info.lv_y)), dtype=float)
        if is_def.any():
            base, J = self._def_jacobian(self.theta)
            vals[is_def] = base
            var = np.einsum("ik,kl,il->i", J, self._vcov, J)
            se[is_def] = np.where(var >= 0, np.sqrt(np.abs(var)), np.nan)
            std_lv[is_def] = self._definitions(np.where(np.isnan(std_lv), vals, std_lv))
            std_all[is_def] = self._definitions(np.where(np.isnan(std_all), vals, std_all))
        estimated = free | is_def
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(estimated & (se > 0), vals / se, np.nan)
        self.params = pd.DataFrame({
            "lhs": lhs_a, "op": op_a, "rhs": rhs_a, "level": level_a.astype(int),
            "label": np.where(is_def, lhs_a, pt["label"].to_numpy()), "est": vals, "se": se,
            "z": z, "pvalue": _pvalue(z), "ci_lower": np.where(estimated, vals - _Z975 * se,
                                                                vals),
            "ci_upper": np.where(estimated, vals + _Z975 * se, vals), "std_lv": std_lv,
            "std_all": std_all})
        self.fit_measures = est.fit_measures.copy()
        self._rsq = rsq

    def _level_frames(self, mats, kind):
        out = {}
        for name, info, m in zip(self.LEVELS, self._est.infos, mats):
            out[name] = (pd.DataFrame(m, index=info.ov, columns=info.ov) if kind == "cov"
                         else pd.Series(m, index=info.ov))
        return out

    @functools.cached_property
    def vcov(self):
        pt = self.partable
        names = [""] * self.npar
        for k in range(len(pt) - 1, -1, -1):  # first row of each pid wins
            r = pt.iloc[k]
            if r["pid"] >= 0:
                names[r["pid"]] = r["label"] or (f"{r['lhs']}{r['op']}{r['rhs']}"
                                                 + (".l2" if r["level"] == 2 else ""))
        return pd.DataFrame(self._vcov, index=names, columns=names)

    @functools.cached_property
    def rsquare(self):
        names = list(dict.fromkeys([*self._rsq["within"].index, *self._rsq["between"].index]))
        return pd.DataFrame(self._rsq).reindex(names)

    @functools.cached_property
    def implied_cov(self):
        return self._level_frames([s for s, _ in self._level_implied], "cov")

    @functools.cached_property
    def implied_mean(self):
        return self._level_frames([m for _, m in self._level_implied], "mean")

    @functools.cached_property
    def sample_cov(self):
        h1 = self._est.h1
        return self._level_frames([h1[0], h1[2]], "cov")

    @functools.cached_property
    def sample_mean(self):
        h1 = self._est.h1
        return self._level_frames([h1[1], h1[3]], "mean")

    def icc(self):
        """Intraclass correlations of the level-1 variables, as lavaan's
        ``lavInspect(fit, "icc")``: the between share of each variable's variance in the
        unrestricted (h1) model; 0 for variables that appear only at level 1.

        Examples
        --------
        >>> import numpy as np, pandas as pd, im_research as ir
        >>> rng = np.random.default_rng(5)
        >>> cl = np.repeat(np.arange(50), 10)
        >>> b, f = rng.normal(0, 0.7, 50)[cl], rng.normal(size=500)
        >>> df = pd.DataFrame({f"y{k}": b + rng.normal(0, 0.3, 50)[cl] + f
        ...                    + rng.normal(0, 0.8, 500) for k in (1, 2, 3)})
        >>> df["branch"] = cl
        >>> res = ir.fit("level: 1\\n fw =~ y1 + y2 + y3\\nlevel: 2\\n fb =~ y1 + y2 + y3",
        ...              data=df, cluster="branch")
        >>> bool(res.icc().between(0.1, 0.5).all())
        True
        """
        return self._est.icc.copy()

    def residuals(self, type="raw"):
        """Residual covariances per level (h1 minus model-implied): ``"raw"`` or
        ``"cor"`` (difference of the correlation matrices)."""
        if type not in ("raw", "cor"):
            raise NotImplementedError(f"type={type!r}: two-level fits give 'raw' and 'cor' "
                                      "residuals")
        h1 = self._est.h1
        out = []
        for S, (Sigma, _) in zip((h1[0], h1[2]), self._level_implied):
            if type == "raw":
                out.append(S - Sigma)
            else:
                d, e = np.sqrt(np.diag(S)), np.sqrt(np.abs(np.diag(Sigma)))
                out.append(S / np.outer(d, d) - Sigma / np.outer(e, e))
        return self._level_frames(out, "cov")

    def modindices(self, min_mi=0.0, sort=True):
        raise NotImplementedError("modification indices are not available for two-level "
                                  "fits yet; compare nested models with a likelihood-ratio "
                                  "test instead")

    def predict(self, method="regression", data=None):
        raise NotImplementedError("factor scores are not available for two-level fits yet")

    def _heywood_messages(self):
        out = []
        t = self.params
        bad = t[(t["op"] == "~~") & (t["lhs"] == t["rhs"]) & (t["est"] < 0)]
        for _, r in bad.iterrows():
            out.append(f"Heywood case: variance of {r['lhs']} at level {r['level']} "
                       f"({self.LEVELS[r['level'] - 1]}) is negative ({r['est']:.4g}); the "
                       "solution is improper. Between-level variances are often near 0: "
                       "consider fixing it at 0 or simplifying the between model.")
        for info, (C, _) in zip(self._est.infos, self._level_C):
            lv_idx = [len(info.ov) + i for i in range(len(info.lv))]
            if lv_idx and np.any(np.linalg.eigvalsh(C[np.ix_(lv_idx, lv_idx)]) < -1e-10):
                out.append("the latent covariance matrix is not positive definite (a "
                           "latent correlation exceeds 1 in absolute value)")
        return out

    def summary(self, standardized=True):
        """A lavaan-style text summary with one section per level."""
        fm = self.fit_measures
        lines = []
        w = lines.append
        w(f"im-research two-level SEM: estimator ML, "
          f"{'converged' if self.converged else 'NOT converged'} after "
          f"{self.iterations} iterations")
        w("")
        w(f"  {'Number of observations':<40}{self.nobs:>12d}")
        w(f"  {'Number of clusters [' + str(self.cluster) + ']':<40}{self.nclusters:>12d}")
        if self.dropped_rows:
            what = ("Rows removed (FIML)" if self.missing == "fiml"
                    else "Rows dropped (listwise)")
            w(f"  {what:<40}{len(self.dropped_rows):>12d}")
        w(f"  {'Number of free parameters':<40}{self.npar:>12d}")
        w("")
        self._write_chisq(w, fm)
        self._write_indices(w, fm, [
            ("cfi", "CFI"), ("tli", "TLI"), ("rmsea", "RMSEA"),
            ("rmsea_ci_lower", "  90% CI lower"), ("rmsea_ci_upper", "  90% CI upper"),
            ("srmr_within", "SRMR (within covariance)"),
            ("srmr_between", "SRMR (between covariance)"), ("logl", "Loglikelihood"),
            ("aic", "AIC"), ("bic", "BIC")])
        cols, hdr = self._estimate_columns(standardized)
        table = self.params
        for number, title in ((1, "within"), (2, str(self.cluster))):
            w(f"Level {number} [{title}]:")
            w("")
            self._write_sections(w, table[table["level"] == number], cols, hdr, defined=False)
        self._write_sections(w, table[table["op"] == ":="], cols, hdr)
        return "\n".join(lines)

    def __repr__(self):
        fm = self.fit_measures
        return (f"<TwoLevelResult n={self.nobs} clusters={self.nclusters} npar={self.npar} "
                f"chisq={fm['chisq']:.3f} df={int(fm['df'])} cfi={fm['cfi']:.3f} "
                f"rmsea={fm['rmsea']:.3f}>")

    def _repr_html_(self):
        fm = self.fit_measures
        head = (f"<p><b>Two-level SEM (ML)</b>, n = {self.nobs} in {self.nclusters} "
                f"clusters ({html.escape(str(self.cluster))}); &chi;&sup2;({int(fm['df'])}) "
                f"= {fm['chisq']:.3f}, p = {fm['pvalue']:.3f}, CFI = {fm['cfi']:.3f}, "
                f"RMSEA = {fm['rmsea']:.3f}, SRMR within = {fm['srmr_within']:.3f}, "
                f"between = {fm['srmr_between']:.3f}</p>")
        warn = "".join(f"<p style='color:#a00'>Warning: {html.escape(m)}</p>"
                       for m in self.warnings)
        return head + warn + self.params.round(3).to_html(index=False, na_rep="")
