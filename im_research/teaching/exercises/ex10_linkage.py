"""Exercise 10 (lesson 10, employees in branches, customers of branches): does the branch
climate reach the customers?

Every student gets their own bank: 40-55 branches, an employee survey (internal
marketing ``im1``-``im4``, commitment ``com1``-``com3``) and a customer survey
(satisfaction ``sat1``-``sat3``) drawn by
:func:`~im_research.synthetic.linkage.simulate_linkage` with their own branch share of
the climate (ICC), linkage path and branch sizes. Both surveys come in one table, as an
export would: the column ``survey`` says which rows are employees and which customers."""

from __future__ import annotations

import warnings

import pandas as pd

from .framework import Choice, ExerciseSpec, Mistake, Numeric, Written

EMPLOYEE_CONSTRUCTS = {"im": ["im1", "im2", "im3", "im4"], "com": ["com1", "com2", "com3"]}
CUSTOMER_CONSTRUCTS = {"sat": ["sat1", "sat2", "sat3"]}
# the customer-level shortcut: every customer gets their branch's climate
DISAGGREGATED = "sat =~ sat1 + sat2 + sat3\nsat ~ climate\n"
# the two-level linkage: the customers' branch mean of satisfaction on the branch climate
TWOLEVEL = """level: 1
  im_w =~ im1 + im2 + im3 + im4
level: 2
  im_b =~ im1 + im2 + im3 + im4
  sat ~ im_b
"""


def make_data(rng) -> pd.DataFrame:
    """Employees and customers of 40-55 branches in one table (``survey`` column); the
    climate's branch share, the linkage path and the branch sizes differ per student.

    A draw whose realised ICC(1) of the climate is below .08 is drawn again (from the
    same generator, so still reproducible): with so little between-branch variance the
    two-level model of q6 often fails to converge on 40-odd branches."""
    from ...measurement.multilevel import icc
    from ...synthetic.linkage import simulate_linkage

    for _ in range(20):
        icc_im = float(rng.uniform(0.12, 0.35))
        path = float(rng.uniform(0.3, 0.8))
        sim = simulate_linkage(
            int(rng.integers(40, 56)), (3, int(rng.integers(10, 17))),
            (4, int(rng.integers(14, 25))), seed=rng, icc_im=icc_im, icc_com=0.15,
            beta_between=0.5, climate_to_satisfaction=path,
            icc_sat=path ** 2 * icc_im + float(rng.uniform(0.05, 0.15)), points=5)
        score = sim.employees.assign(im=sim.employees[EMPLOYEE_CONSTRUCTS["im"]].mean(axis=1))
        if icc(score, "im", "branch")["icc1"] >= 0.08:
            break
    emp = sim.employees.rename(columns={"employee_id": "id"}).assign(survey="employee")
    cus = sim.customers.drop(columns=["loy1", "loy2", "loy3"]).rename(
        columns={"customer_id": "id"}).assign(survey="customer")
    data = pd.concat([emp, cus], ignore_index=True)
    lead = ["survey", "branch", "id"]
    return data[lead + [c for c in data.columns if c not in lead]]


def surveys(data):
    """The employee and the customer rows of an exercise's table.

    Examples
    --------
    >>> from im_research.teaching.exercises import start
    >>> ex = start("ex10_linkage", "demo", course_secret="doc-example")
    >>> emp, cus = surveys(ex.data)
    >>> sorted(set(emp["survey"])), sorted(set(cus["survey"]))
    (['employee'], ['customer'])
    """
    return (data[data["survey"] == "employee"].reset_index(drop=True),
            data[data["survey"] == "customer"].reset_index(drop=True))


def _linkage(ex):
    from ...errors import DataWarning
    from ...measurement.linkage import linkage

    def run():
        emp, cus = surveys(ex.source_data())
        with warnings.catch_warnings():  # small branches are dropped and reported
            warnings.simplefilter("ignore", DataWarning)
            return linkage(emp, cus, branch="branch", employee_constructs=EMPLOYEE_CONSTRUCTS,
                           customer_constructs=CUSTOMER_CONSTRUCTS)

    return ex.cached("linkage", run)


def _agg(ex, col):
    return _linkage(ex).aggregation.set_index("construct").loc["im", col]


def _item_icc1(ex) -> float:
    """ICC(1) of the first item over all employees (``ir.icc(emp, "im1", "branch")``)."""
    from ...measurement.multilevel import icc

    emp, _ = surveys(ex.source_data())
    return float(icc(emp, "im1", "branch")["icc1"])


def _se_ratio(ex, robust_over_naive=True) -> float:
    from ...sem.estimate import fit

    def ses():
        _, cus = surveys(ex.source_data())
        climate = _linkage(ex).branches[["branch", "im"]].rename(columns={"im": "climate"})
        data = cus.merge(climate, on="branch")
        out = []
        for kwargs in ({}, {"cluster": "branch", "estimator": "MLR"}):
            with warnings.catch_warnings():  # "few clusters": the student's fit says so
                warnings.simplefilter("ignore")
                p = fit(DISAGGREGATED, data=data, **kwargs).params
            out.append(float(p.loc[(p["op"] == "~") & (p["rhs"] == "climate"), "se"].iloc[0]))
        return out

    naive, robust = ex.cached("se", ses)
    return robust / naive if robust_over_naive else naive / robust


def _between_path(ex, col="est") -> float:
    from ...sem.estimate import fit

    def params():
        emp, _ = surveys(ex.source_data())
        data = emp.merge(_linkage(ex).branches[["branch", "sat"]], on="branch")
        with warnings.catch_warnings():  # between item variances near 0 do not matter here
            warnings.simplefilter("ignore")
            return fit(TWOLEVEL, data=data, cluster="branch").params

    p = ex.cached("twolevel", params)
    return float(p.loc[(p["lhs"] == "sat") & (p["op"] == "~"), col].iloc[0])


def _branch_means_path(ex) -> float:
    p = _linkage(ex).branch_sem.params
    return float(p.loc[(p["lhs"] == "sat") & (p["op"] == "~") & (p["rhs"] == "im"),
                       "est"].iloc[0])


QUESTIONS = (
    Numeric(
        "q1", "Run ir.linkage on your two surveys (employee constructs im and com, customer "
        "construct sat; defaults otherwise). How many branches does the linkage rest on?",
        lambda ex: int(len(_linkage(ex).branches)),
        ["emp, cus = surveys(ex.data) splits the table; then ir.linkage(emp, cus, "
         "branch='branch', employee_constructs=EMPLOYEE_CONSTRUCTS, "
         "customer_constructs=CUSTOMER_CONSTRUCTS).",
         "The branches that were kept: len(out.branches) (out.dropped lists the others)."],
        0.0,
        mistakes=[Mistake("employee-level N",
                          lambda ex: int(_linkage(ex).branches["n_employees"].sum()),
                          "that is the number of employees; a linkage compares branches, so "
                          "its sample size is the number of branches kept."),
                  Mistake("customer-level N",
                          lambda ex: int(_linkage(ex).branches["n_customers"].sum()),
                          "that is the number of customers; the linkage's sample size is "
                          "the number of branches kept."),
                  Mistake("dropped branches counted",
                          lambda ex: int(len(_linkage(ex).branches) + len(_linkage(ex).dropped)),
                          "that counts the branches ir.linkage dropped (out.dropped) too.",
                          0.5)],
        solution="len(out.branches)"),
    Numeric(
        "q2", "ICC(1) of internal marketing (the scale score im), from out.aggregation "
        "(3 decimals).",
        lambda ex: float(_agg(ex, "icc1")),
        ["out.aggregation has one row per employee construct.",
         "The icc1 column of the im row."],
        0.002,
        mistakes=[Mistake("ICC(2) instead of ICC(1)", lambda ex: float(_agg(ex, "icc2")),
                          "that is ICC(2), the reliability of a branch mean; ICC(1) is the "
                          "share of an employee's variance that lies between branches."),
                  Mistake("one item", _item_icc1,
                          "that is the ICC(1) of the single item im1; the question asks for "
                          "the scale score im (the mean of im1-im4).", 0.5)],
        solution="out.aggregation.set_index('construct').loc['im', 'icc1']"),
    Numeric(
        "q3", "ICC(2) of internal marketing: how reliable are your branch means of the "
        "climate (3 decimals)?",
        lambda ex: float(_agg(ex, "icc2")),
        ["The icc2 column of the same row."],
        0.002,
        mistakes=[Mistake("ICC(1) instead of ICC(2)", lambda ex: float(_agg(ex, "icc1")),
                          "that is ICC(1), the share of variance between branches; ICC(2) is "
                          "the reliability of the branch means (it grows with the number of "
                          "employees per branch).")],
        solution="out.aggregation.set_index('construct').loc['im', 'icc2']"),
    Choice(
        "q4", "May the employees' im scores be averaged into a branch climate? Answer "
        "'justified', 'weak' or 'not justified' (ICC(1) >= .05 with a significant F, "
        "ICC(2) >= .70, median rwg(j) >= .70).",
        {"justified": "aggregation justified", "weak": "weak: branches differ, means "
         "unreliable or agreement low", "not justified": "aggregation not justified"},
        lambda ex: str(_agg(ex, "verdict")),
        ["Compare icc1, pvalue, icc2 and rwg_j_median of the im row with the cut-offs.",
         "The verdict column of out.aggregation states the same rule."],
        solution="out.aggregation's verdict for im"),
    Numeric(
        "q5", "Copy the branch climate (out.branches' im) to every customer and fit "
        "DISAGGREGATED twice: plain ML and cluster-robust (cluster='branch', "
        "estimator='MLR'). The cluster-robust SE of sat ~ climate divided by the naive SE "
        "(2 decimals).",
        _se_ratio,
        ["climate = out.branches[['branch', 'im']].rename(columns={'im': 'climate'}); "
         "data = cus.merge(climate, on='branch').",
         "Read the se of the op '~' row in both fits; divide robust by naive."],
        0.01,
        mistakes=[Mistake("naive over robust", lambda ex: _se_ratio(ex, False),
                          "that is the naive SE divided by the robust one; the question asks "
                          "how many times larger the cluster-robust SE is.", 0.5)],
        solution="se(MLR, cluster) / se(ML)"),
    Numeric(
        "q6", "Merge the customers' branch means of satisfaction (out.branches' sat) into "
        "the employees and fit the two-level model TWOLEVEL with cluster='branch'. The "
        "unstandardized between-branch path sat ~ im_b (3 decimals).",
        _between_path,
        ["data = emp.merge(out.branches[['branch', 'sat']], on='branch'); "
         "ir.fit(TWOLEVEL, data=data, cluster='branch').",
         "The est of the row with lhs 'sat' and op '~' (level 2)."],
        0.002,
        mistakes=[Mistake("regression on branch means", _branch_means_path,
                          "that is the regression of the customers' branch means on the "
                          "climate means (out.branch_sem): attenuated by the unreliable "
                          "branch means. Give the two-level model's between path."),
                  Mistake("standardized", lambda ex: _between_path(ex, "std_all"),
                          "that is the standardized path (std_all); give est.", 0.5)],
        solution="est of sat ~ im_b in the two-level fit"),
    Written(
        "q7", "For the bank's board: what does your between-branch path say, and what does "
        "it NOT say about individual employees and customers? Mention how many branches it "
        "rests on.",
        ["states the linkage in branch terms (branches with a stronger climate have more "
         "satisfied customers) with the size of the path",
         "names the ecological fallacy: no claim about individual employees or customers",
         "notes that the branches (not respondents) are the sample size, and the limits of "
         "a cross-sectional design"],
        ["A between-branch slope compares branches."],
        solution="Branches whose staff report a stronger climate have more satisfied "
                 "customers (q6); it says nothing about a given employee or customer "
                 "(ecological fallacy), rests on the q1 branches and is cross-sectional."),
)

SPEC = ExerciseSpec(
    name="ex10_linkage", title="Employees in branches, customers of branches: the linkage",
    lesson="10", make_data=make_data, questions=QUESTIONS, intro=TWOLEVEL)
