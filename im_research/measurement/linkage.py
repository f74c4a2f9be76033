"""The employee → customer linkage workflow: an employee survey and a customer survey
keyed by branch, from aggregation diagnostics to branch-level and two-level SEMs.

:func:`linkage` runs the steps of a service-climate linkage study (Schneider et al.
1998; the service-profit chain, Heskett et al. 1994) in one call:

(a) **aggregation diagnostics** per employee construct (score = mean of its items):
    ICC(1) and ICC(2) from a one-way ANOVA (Bliese 2000; :func:`~.multilevel.icc`),
    rwg(j) against a named null distribution (James, Demaree & Wolf 1984;
    :func:`~.multilevel.rwg_j`) and a verdict. Aggregation is *justified* when
    ICC(1) ≥ .05 with a significant F test (Bliese 2000: ICC(1) is typically .05–.20),
    ICC(2) ≥ .70 (reliable branch means; Bliese 2000, Klein et al. 2000) and the median
    rwg(j) ≥ .70 (strong agreement in LeBreton & Senter 2008's bands .71–.90);
    *weak* when the branches differ (ICC(1) and F) but the means are unreliable or the
    agreement is low; *not justified* otherwise;
(b) a **branch-level data set**: n employees and n customers, the branch mean of every
    construct, rwg(j) of the employee constructs and the reliability of each branch
    mean by the Spearman–Brown formula n·ICC(1) / (1 + (n − 1)·ICC(1));
(c) a **branch-level SEM** (path model on the branch means; by default every customer
    construct on every employee construct) with a warning below 50 branches (Maas &
    Hox 2005: fewer level-2 units give too small standard errors for branch-level
    effects);
(d) a **two-level SEM** (``twolevel=True``): every employee construct a factor within
    and between branches, the customers' branch means regressed on the between
    factors (the branch climate), fitted by ML with ``fit(..., cluster=branch)`` and
    ``level:`` blocks (random intercepts; lavaan's two-level likelihood). Unlike (c),
    the between factors are latent, so the sampling error of the branch means does
    not attenuate the slopes.

Branches with too few employees or customers (``min_employees``, ``min_customers``), or
present in one survey only, are dropped and reported by name (``result.dropped``).

Examples
--------
>>> import im_research as ir
>>> emp = ir.datasets.load("bank_branch_linkage_employees")
>>> cus = ir.datasets.load("bank_branch_linkage_customers")
>>> out = ir.linkage(emp, cus, branch="branch",
...                  employee_constructs={"im": ["im1", "im2", "im3", "im4"],
...                                       "com": ["com1", "com2", "com3"]},
...                  customer_constructs={"sat": ["sat1", "sat2", "sat3"],
...                                       "loy": ["loy1", "loy2", "loy3"]})
... # doctest: +SKIP
>>> out.dropped["branch"].tolist()                                  # doctest: +SKIP
[17, 43]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ArgumentError, ConvergenceError, DataError, DataWarning
from ..sem.estimate import fit
from ..validation import as_bool, as_count, as_frame, numeric_block, require_columns, show
from .multilevel import icc, null_variance, rwg_j

__all__ = ["linkage", "LinkageResult"]

ICC1_MIN, ICC2_MIN, RWG_MIN, MIN_BRANCHES_SEM = 0.05, 0.70, 0.70, 50


@dataclass
class LinkageResult:
    """What :func:`linkage` returns.

    Attributes
    ----------
    aggregation : DataFrame
        One row per employee construct: ``construct, n_items, n, n_branches, icc1,
        icc2, F, pvalue, rwg_j_median, rwg_j_mean, share_rwg_j_070, null,
        null_variance, verdict, reason``.
    branches : DataFrame
        One row per kept branch: ``branch, n_employees, n_customers``, the branch mean
        of every construct, ``rwg_j_<construct>`` and ``rel_<construct>`` (Spearman–Brown
        reliability of the branch mean).
    customer_icc : DataFrame
        ICC(1) and ICC(2) of the customer constructs (how much customers of one branch
        agree; their branch means' reliability).
    dropped : DataFrame
        ``branch, n_employees, n_customers, reason`` for every branch left out.
    branch_sem : SEMResult
        The branch-level SEM on the branch means.
    branch_model : str
        Its lavaan syntax.
    twolevel_sem : SEMResult or None
        The two-level SEM (``twolevel=True``).
    twolevel_model : str or None
    warnings : list of str
    """

    aggregation: pd.DataFrame
    branches: pd.DataFrame
    customer_icc: pd.DataFrame
    dropped: pd.DataFrame
    branch_sem: object
    branch_model: str
    twolevel_sem: object = None
    twolevel_model: str | None = None
    warnings: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def summary(self) -> str:
        """A readable report of the four steps."""
        s = self.settings
        lines = ["Employee-customer linkage", "=" * 25,
                 f"Branches kept: {len(self.branches)} "
                 f"(employees: {int(self.branches['n_employees'].sum())}, customers: "
                 f"{int(self.branches['n_customers'].sum())}); dropped: {len(self.dropped)}"]
        for _, row in self.dropped.iterrows():
            lines.append(f"  dropped branch {row['branch']!r}: {row['reason']}")
        lines += ["", f"(a) Aggregation of the employee constructs (null distribution for "
                      f"rwg(j): {s['null']}, {s['scale_points']}-point scale; cut-offs "
                      f"ICC(1) >= {ICC1_MIN:.2f}, ICC(2) >= {ICC2_MIN:.2f}, median rwg(j) "
                      f">= {RWG_MIN:.2f})"]
        agg = self.aggregation[["construct", "icc1", "icc2", "pvalue", "rwg_j_median",
                                "verdict"]]
        lines += ["  " + t for t in agg.to_string(index=False, float_format="%.3f")
                  .splitlines()]
        for _, row in self.aggregation.iterrows():
            lines.append(f"  {row['construct']}: {row['reason']}")
        lines += ["", "    Customer constructs (agreement of a branch's customers):"]
        lines += ["  " + t for t in self.customer_icc.to_string(
            index=False, float_format="%.3f").splitlines()]
        lines += ["", "(b) Branch-level data: "
                  f"{len(self.branches)} branches x {self.branches.shape[1]} columns "
                  "(result.branches); mean reliability of the branch means:"]
        rel = {c.removeprefix("rel_"): self.branches[c].mean()
               for c in self.branches.columns if c.startswith("rel_")}
        lines.append("  " + ", ".join(f"{k} {v:.2f}" for k, v in rel.items()))
        lines += ["", "(c) Branch-level SEM on the branch means:",
                  "  " + self.branch_model.replace("\n", "\n  ")]
        lines += _paths(self.branch_sem)
        if self.twolevel_sem is not None:
            lines += ["", "(d) Two-level SEM (between part of the employee constructs -> "
                          "customers' branch means):"]
            lines += _paths(self.twolevel_sem)
        elif self.twolevel_model is not None:
            lines += ["", "(d) Two-level SEM: did not converge (see the warnings)"]
        else:
            lines += ["", "(d) Two-level SEM: not requested (twolevel=True)"]
        if self.warnings:
            lines += ["", "Warnings:"] + [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self):
        return (f"<LinkageResult: {len(self.branches)} branches, "
                f"{len(self.aggregation)} employee constructs, {len(self.dropped)} dropped>")


def _paths(res):
    p = res.params
    cols = [c for c in ("level", "lhs", "op", "rhs", "est", "se", "pvalue", "std_all")
            if c in p.columns]
    table = p.loc[p["op"] == "~", cols]
    return ["  " + t for t in table.to_string(index=False, float_format="%.3f").splitlines()]


def _constructs(value, arg, data, where):
    if not isinstance(value, dict) or not value:
        raise ArgumentError(f"{arg}={show(value)}: give a dict {{construct: [items]}}, e.g. "
                            "{'im': ['im1', 'im2', 'im3']}")
    out = {}
    for name, items in value.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ArgumentError(f"{arg}: construct name {name!r} must be a plain name "
                                "(letters, digits, _), it becomes a column and a variable")
        if isinstance(items, str) or not hasattr(items, "__iter__") or not len(items):
            raise ArgumentError(f"{arg}[{name!r}]={show(items)}: give a list of item columns")
        items = list(items)
        require_columns(data, items, where)
        numeric_block(data, items, f"{where} ({name})")
        out[name] = items
    return out


def _branch_column(data, branch, where):
    if not isinstance(branch, str) or branch not in data.columns:
        raise DataError(f"branch={show(branch)} is not a column of {where}; give the column "
                        "that identifies the branch in both surveys")
    if data[branch].isna().any():
        rows = list(data.index[data[branch].isna()][:5])
        raise DataError(f"{where}: branch column {branch!r} has missing values (rows "
                        f"{rows}); give every respondent a branch or drop those rows first")


def _scores(data, constructs, branch):
    """Respondents' construct scores (mean of the items; a respondent missing an item of a
    construct gets no score for it) with their branch."""
    out = pd.DataFrame({branch: data[branch].to_numpy()}, index=data.index)
    n_incomplete = {}
    for name, items in constructs.items():
        x = data[items].astype(float)
        out[name] = x.mean(axis=1).where(x.notna().all(axis=1))
        n_incomplete[name] = int(x.isna().any(axis=1).sum())
    return out, n_incomplete


def _verdict(ic, rwg_median):
    """The aggregation verdict and its reason, from the cut-offs in the module docstring."""
    differ = ic["icc1"] >= ICC1_MIN and ic["pvalue"] < 0.05
    reliable = ic["icc2"] >= ICC2_MIN
    agree = rwg_median >= RWG_MIN
    facts = (f"ICC(1) = {ic['icc1']:.3f} (F = {ic['F']:.2f}, p = {ic['pvalue']:.3g}), "
             f"ICC(2) = {ic['icc2']:.3f}, median rwg(j) = {rwg_median:.3f}")
    if differ and reliable and agree:
        return "justified", facts + ": branches differ, their means are reliable and " \
                                    "employees agree within branches"
    if differ:
        weak = [w for w, ok in (("branch means unreliable (ICC(2) < .70)", reliable),
                                ("within-branch agreement low (rwg(j) < .70)", agree))
                if not ok]
        return "weak", facts + ": branches differ, but " + " and ".join(weak) + \
            "; interpret branch means with caution"
    return "not justified", facts + ": branches do not differ enough (ICC(1) < .05 or F " \
                                    "not significant); a branch mean is not a branch property"


def _spearman_brown(n, icc1):
    return n * icc1 / (1 + (n - 1) * icc1)


def linkage(employees, customers, *, branch, employee_constructs, customer_constructs,
            scale_points=5, null="uniform", min_employees=3, min_customers=5,
            branch_model=None, twolevel=False, estimator="ML") -> LinkageResult:
    """Link an employee survey and a customer survey through their branch.

    Parameters
    ----------
    employees, customers : pandas.DataFrame
        One row per employee / customer; both have the ``branch`` column.
    branch : str
        Column naming the branch in both surveys.
    employee_constructs, customer_constructs : dict
        ``{construct: [item columns]}``; a construct's score is the mean of its items
        (a respondent missing one of them has no score for that construct).
    scale_points : int
        Answer options of the employee items (the rwg(j) null variance).
    null : {"uniform", "slight_skew", "moderate_skew"} or float
        Null (random responding) distribution of rwg(j).
    min_employees, min_customers : int
        Branches with fewer scored employees (on every employee construct) or customers
        are dropped and reported by name.
    branch_model : str, optional
        lavaan syntax for the branch-level SEM on the branch means (columns named as the
        constructs); default: every customer construct regressed on every employee
        construct.
    twolevel : bool
        Also fit the two-level SEM (d) (by ML whatever ``estimator`` says: two-level
        models are fitted by ML, as lavaan's default for ``level:`` blocks).
    estimator : {"ML", "MLR"}
        Estimator of the branch-level SEM (c).

    Returns
    -------
    LinkageResult
        ``aggregation``, ``branches``, ``customer_icc``, ``dropped``, ``branch_sem``,
        ``twolevel_sem``, ``summary()``.

    Raises
    ------
    ArgumentError, DataError

    Examples
    --------
    >>> import im_research as ir
    >>> from im_research.synthetic.linkage import simulate_linkage
    >>> sim = simulate_linkage(30, 10, 12, seed=3, points=5)
    >>> out = ir.linkage(sim.employees, sim.customers, branch="branch",
    ...                  employee_constructs={"im": ["im1", "im2", "im3", "im4"]},
    ...                  customer_constructs={"sat": ["sat1", "sat2", "sat3"]})
    >>> list(out.aggregation["construct"]), len(out.branches)
    (['im'], 30)
    """
    employees = as_frame(employees, "employees")
    customers = as_frame(customers, "customers")
    _branch_column(employees, branch, "employees")
    _branch_column(customers, branch, "customers")
    emp_c = _constructs(employee_constructs, "employee_constructs", employees, "employees")
    cus_c = _constructs(customer_constructs, "customer_constructs", customers, "customers")
    clash = sorted(set(emp_c) & set(cus_c)) + [c for c in list(emp_c) + list(cus_c)
                                               if c == branch]
    if clash:
        raise ArgumentError(f"construct name(s) {clash} are used twice (or equal the branch "
                            "column); give every construct its own name")
    scale_points = as_count(scale_points, "scale_points", minimum=2)
    null_var = null_variance(scale_points, null)
    min_employees = as_count(min_employees, "min_employees", minimum=2,
                             hint="ICC and rwg(j) need at least two employees per branch")
    min_customers = as_count(min_customers, "min_customers", minimum=1)
    twolevel = as_bool(twolevel, "twolevel")
    if estimator not in ("ML", "MLR"):
        raise ArgumentError(f"estimator={show(estimator)}; choose 'ML' or 'MLR'")

    notes = []
    e_scores, e_missing = _scores(employees, emp_c, branch)
    c_scores, c_missing = _scores(customers, cus_c, branch)
    for who, miss in (("employees", e_missing), ("customers", c_missing)):
        for name, k in miss.items():
            if k:
                notes.append(f"{k} {who} answered only some items of {name!r}; they have "
                             f"no {name} score")

    # branches: counts of scored respondents, then what is dropped and why
    n_emp = e_scores.dropna().groupby(branch).size()
    n_cus = c_scores.dropna().groupby(branch).size()
    all_branches = set(employees[branch]) | set(customers[branch])
    try:
        all_branches = sorted(all_branches)
    except TypeError:  # labels of mixed types
        all_branches = sorted(all_branches, key=str)
    dropped, kept = [], []
    for b in all_branches:
        ne, nc = int(n_emp.get(b, 0)), int(n_cus.get(b, 0))
        reasons = []
        if ne < min_employees:
            reasons.append(f"{ne} scored employee(s) (< min_employees = {min_employees})")
        if nc < min_customers:
            reasons.append(f"{nc} scored customer(s) (< min_customers = {min_customers})")
        if reasons:
            dropped.append({"branch": b, "n_employees": ne, "n_customers": nc,
                            "reason": "; ".join(reasons)})
        else:
            kept.append(b)
    dropped = pd.DataFrame(dropped, columns=["branch", "n_employees", "n_customers",
                                             "reason"])
    if len(dropped):
        msg = (f"{len(dropped)} branch(es) dropped: " + "; ".join(
            f"{r.branch!r} ({r.reason})" for r in dropped.itertuples()))
        warnings.warn(msg, DataWarning, stacklevel=2)
        notes.append(msg)
    if len(kept) < 3:
        raise DataError(f"only {len(kept)} branch(es) have at least {min_employees} employees "
                        f"and {min_customers} customers; a linkage analysis needs many "
                        "branches")
    emp_k = employees[employees[branch].isin(kept)]
    e_k = e_scores[e_scores[branch].isin(kept)].dropna()
    c_k = c_scores[c_scores[branch].isin(kept)].dropna()

    # (a) aggregation diagnostics
    rows, table = [], pd.DataFrame({branch: kept})
    for name, items in emp_c.items():
        ic = icc(e_k, name, branch)
        with warnings.catch_warnings():  # kept branches have >= 2 members
            warnings.simplefilter("ignore", DataWarning)
            agree = rwg_j(emp_k, items, branch, scale_points, null)
        verdict, reason = _verdict(ic, agree["rwg_j"].median())
        rows.append({"construct": name, "n_items": len(items), "n": int(ic["n"]),
                     "n_branches": int(ic["n_groups"]), "icc1": ic["icc1"],
                     "icc2": ic["icc2"], "F": ic["F"], "pvalue": ic["pvalue"],
                     "rwg_j_median": agree["rwg_j"].median(),
                     "rwg_j_mean": agree["rwg_j"].mean(),
                     "share_rwg_j_070": (agree["rwg_j"] >= RWG_MIN).mean(),
                     "null": null if isinstance(null, str) else "user",
                     "null_variance": null_var, "verdict": verdict, "reason": reason})
        table = table.merge(agree[["group", "rwg_j"]].rename(
            columns={"group": branch, "rwg_j": f"rwg_j_{name}"}), on=branch)
    aggregation = pd.DataFrame(rows)
    for r in aggregation.itertuples():
        if r.verdict != "justified":
            notes.append(f"aggregation of {r.construct!r} is {r.verdict}: {r.reason}")
    cus_icc = pd.DataFrame([{"construct": name, **icc(c_k, name, branch)[
        ["icc1", "icc2", "F", "pvalue", "n", "n_groups"]].to_dict()} for name in cus_c])
    cus_icc = cus_icc.astype({"n": int, "n_groups": int})

    # (b) branch-level data set
    e_mean = e_k.groupby(branch)[list(emp_c)].mean()
    c_mean = c_k.groupby(branch)[list(cus_c)].mean()
    table = table.assign(n_employees=table[branch].map(e_k.groupby(branch).size()),
                         n_customers=table[branch].map(c_k.groupby(branch).size()))
    table = table.join(e_mean, on=branch).join(c_mean, on=branch)
    icc1 = {**dict(zip(aggregation["construct"], aggregation["icc1"])),
            **dict(zip(cus_icc["construct"], cus_icc["icc1"]))}
    for name in list(emp_c) + list(cus_c):
        n = table["n_employees" if name in emp_c else "n_customers"]
        table[f"rel_{name}"] = _spearman_brown(n, max(icc1[name], 0.0))
    lead = [branch, "n_employees", "n_customers", *emp_c, *cus_c]
    table = table[lead + [c for c in table.columns if c not in lead]]

    # (c) branch-level SEM
    if branch_model is None:
        branch_model = "\n".join(f"{c} ~ " + " + ".join(emp_c) for c in cus_c)
    elif not isinstance(branch_model, str):
        raise ArgumentError(f"branch_model={show(branch_model)}: give lavaan syntax on the "
                            "construct names, e.g. 'sat ~ im'")
    if len(kept) < MIN_BRANCHES_SEM:
        msg = (f"the branch-level SEM rests on {len(kept)} branches; below about "
               f"{MIN_BRANCHES_SEM} units the standard errors of branch-level effects are "
               "too small (Maas & Hox 2005); read its p-values with caution")
        warnings.warn(msg, DataWarning, stacklevel=2)
        notes.append(msg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        branch_sem = fit(branch_model, data=table, estimator=estimator)
    notes += [f"branch-level SEM: {w.message}" for w in caught]

    # (d) two-level SEM
    tl_sem = tl_model = None
    if twolevel:
        tl_sem, tl_model, tl_notes = _twolevel(emp_k, c_mean, branch, emp_c, cus_c)
        notes += tl_notes
    return LinkageResult(
        aggregation=aggregation, branches=table.reset_index(drop=True),
        customer_icc=cus_icc, dropped=dropped, branch_sem=branch_sem,
        branch_model=branch_model, twolevel_sem=tl_sem, twolevel_model=tl_model,
        warnings=notes, settings={"scale_points": scale_points, "null": null,
                                  "min_employees": min_employees,
                                  "min_customers": min_customers, "estimator": estimator})


def _twolevel(emp, c_mean, branch, emp_c, cus_c):
    """The two-level SEM: employee constructs as factors within and between branches,
    the customers' branch means (between-level variables) on the between factors."""
    within = "\n".join(f"  {c}_w =~ " + " + ".join(items) for c, items in emp_c.items())
    between = "\n".join(f"  {c}_b =~ " + " + ".join(items) for c, items in emp_c.items())
    between += "\n" + "\n".join(f"  {c} ~ " + " + ".join(f"{e}_b" for e in emp_c)
                                for c in cus_c)
    model = f"level: 1\n{within}\nlevel: 2\n{between}\n"
    items = [i for its in emp_c.values() for i in its]
    data = emp[[branch] + items].join(c_mean, on=branch)
    failure = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = fit(model, data=data, cluster=branch)
        except ConvergenceError as err:  # keep (a)-(c); say why (d) is missing
            failure = f"the two-level SEM did not converge, so (d) is missing: {err}"
    if failure:
        warnings.warn(failure, DataWarning, stacklevel=3)
        return None, model, [failure]
    return res, model, [f"two-level SEM: {w.message}" for w in caught]
