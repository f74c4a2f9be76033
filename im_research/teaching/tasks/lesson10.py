"""Lesson 10, employees in branches and customers of branches: its "your turn" tasks."""

from __future__ import annotations

import warnings

from ..exercises import Question

# The lesson's constructs: a construct's score is the mean of its items (ir.linkage).
EMPLOYEE_CONSTRUCTS = {"im": ["im1", "im2", "im3", "im4"], "com": ["com1", "com2", "com3"]}
CUSTOMER_CONSTRUCTS = {"sat": ["sat1", "sat2", "sat3"], "loy": ["loy1", "loy2", "loy3"]}
BRANCH = "branch"


def twolevel_syntax(outcome: str = "sat") -> str:
    """The lesson's two-level model: internal marketing and commitment within and between
    branches, and the customers' branch mean of ``outcome`` on the branch climate (the
    between-branch residual variance of im2, estimated just below 0, fixed at 0)."""
    return ("level: 1\n"
            "  im_w =~ im1 + im2 + im3 + im4\n"
            "  com_w =~ com1 + com2 + com3\n"
            "  com_w ~ im_w\n"
            "level: 2\n"
            "  im_b =~ im1 + im2 + im3 + im4\n"
            "  com_b =~ com1 + com2 + com3\n"
            "  im2 ~~ 0*im2\n"
            "  com_b ~ im_b\n"
            f"  {outcome} ~ im_b\n")


def disaggregated_syntax(outcome: str = "sat") -> str:
    """A customer-level model with the branch climate copied to every customer."""
    items = " + ".join(CUSTOMER_CONSTRUCTS[outcome])
    return f"{outcome} =~ {items}\n{outcome} ~ climate\n"


def surveys():
    """The bundled employee and customer surveys."""
    from ...survey.datasets import load

    return load("bank_branch_linkage_employees"), load("bank_branch_linkage_customers")


def _linkage(t, key, **kwargs):
    from ...errors import DataWarning
    from ...measurement.linkage import linkage

    def run():
        emp, cus = surveys()
        with warnings.catch_warnings():  # the two small branches are dropped, as shown
            warnings.simplefilter("ignore", DataWarning)
            return linkage(emp, cus, branch=BRANCH, employee_constructs=EMPLOYEE_CONSTRUCTS,
                           customer_constructs=CUSTOMER_CONSTRUCTS, **kwargs)

    return t.cached(key, run)


def _q1_icc2_commitment_min10(t):
    out = _linkage(t, "min10", min_employees=10)
    return float(out.aggregation.set_index("construct").loc["com", "icc2"])


def _q2_se_ratio_loyalty(t):
    from ...sem.estimate import fit

    def ratio():
        out = _linkage(t, "default")
        _, cus = surveys()
        climate = out.branches[[BRANCH, "im"]].rename(columns={"im": "climate"})
        data = cus.merge(climate, on=BRANCH)
        se = []
        for kwargs in ({}, {"cluster": BRANCH, "estimator": "MLR"}):
            p = fit(disaggregated_syntax("loy"), data=data, **kwargs).params
            se.append(float(p.loc[(p["op"] == "~") & (p["rhs"] == "climate"), "se"].iloc[0]))
        return se[1] / se[0]

    return t.cached("se_ratio_loy", ratio)


def _q3_between_path_to_loyalty(t):
    from ...sem.estimate import fit

    def path():
        out = _linkage(t, "default")
        emp, _ = surveys()
        data = emp.merge(out.branches[[BRANCH, "sat", "loy"]], on=BRANCH)
        p = fit(twolevel_syntax("loy"), data=data, cluster=BRANCH).params
        return float(p.loc[(p["lhs"] == "loy") & (p["op"] == "~") & (p["rhs"] == "im_b"),
                           "est"].iloc[0])

    return t.cached("between_loy", path)


QUESTIONS = [
    Question("q1", "Keep only branches with at least 10 employees (min_employees=10). What is "
             "ICC(2) of commitment now (3 decimals)?",
             _q1_icc2_commitment_min10,
             "ir.linkage(..., min_employees=10) and read the icc2 column of the 'com' row of "
             "its aggregation table. ICC(2) is the reliability of the branch means, not "
             "ICC(1).", 0.001),
    Question("q2", "Copy the branch climate to every customer and regress loyalty on it, "
             "once ignoring the branches (ML) and once with cluster-robust standard errors "
             "(cluster='branch', estimator='MLR'). What is the cluster-robust SE of the "
             "climate path divided by the naive SE (2 decimals)?",
             _q2_se_ratio_loyalty,
             "disaggregated_syntax('loy') from im_research.teaching.tasks.lesson10 is the "
             "model; fit it twice on the customers merged with the branch climate and "
             "divide the 'se' of the loy ~ climate rows: robust over naive.", 0.01),
    Question("q3", "Fit the lesson's two-level model with loyalty instead of satisfaction as "
             "the customers' branch mean. What is the unstandardized between-branch path "
             "from the branch climate to loyalty (3 decimals)?",
             _q3_between_path_to_loyalty,
             "twolevel_syntax('loy') from im_research.teaching.tasks.lesson10 is the model; "
             "fit it with cluster='branch' on the employees merged with the branch means "
             "and read est of the loy ~ im_b row.", 0.001),
]
