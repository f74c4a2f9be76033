"""Lesson 07, internal branding at a ski resort: its "your turn" tasks."""

from __future__ import annotations

from ..exercises import Question
from ._common import std_all

DATASET = "ski_resort_branding"
# Seasonal staff (hired for the winter, onboarded each season) against permanent staff.
GROUP = "season_contract"
# The chain for several groups: no labels, since in a multi-group model a label makes a
# parameter equal in every group.
GROUP_MODEL = ("bk =~ bk1 + bk2 + bk3\nbc =~ bc1 + bc2 + bc3 + bc4\nbb =~ bb1 + bb2 + bb3\n"
               "bc ~ bk\nbb ~ bc + bk\n")
# The lesson's bootstrap of the indirect effect (complete cases; see the notebook).
N_BOOT = 1000
BOOT_SEED = 7


# ---------------------------------------------------------------------------------------
def _data():
    from ...survey.datasets import load

    return load(DATASET)


def _careful():
    ski = _data()
    return ski[~ski["employee_id"].isin(ski.attrs["codebook"]["careless_respondents"])]


def _q1_indirect_careful(t):
    from ...sem.estimate import fit

    model = _data().attrs["codebook"]["model_syntax"]
    res = t.cached("careful", lambda: fit(model, data=_careful(), missing="fiml"))
    return std_all(res, "ind_bk_bb", ":=", "a*b")


def _q2_bca_lower(t):
    from ...inference.bootstrap import bootstrap
    from ...sem.estimate import fit

    def compute():
        ski = _data()
        res = fit(ski.attrs["codebook"]["model_syntax"], data=ski.dropna())
        return bootstrap(res, n_boot=N_BOOT, seed=BOOT_SEED, ci="bca", progress=False)

    table = t.cached("bca", compute).table
    return float(table.loc[table["lhs"] == "ind_bk_bb", "ci_lower"].iloc[0])


def _q3_omnibus_careful(t):
    from ...inference.compare import chisq_difference
    from ...sem.estimate import fit

    def group_fit(equal):
        return fit(GROUP_MODEL, data=_careful(), group=GROUP, missing="fiml",
                   group_equal=("loadings",) + equal)

    return chisq_difference(group_fit(()), group_fit(("regressions",)))["delta_chisq"]


QUESTIONS = [
        Question("q1", "Refit the chain (FIML) without the careless respondents listed in "
                 "the codebook. What is the standardized indirect effect of brand "
                 "knowledge on brand behaviour now (std_all, 3 decimals)?",
                 _q1_indirect_careful,
                 "ski[~ski['employee_id'].isin(book['careless_respondents'])] keeps the "
                 "careful staff; fit book['model_syntax'] with missing='fiml' and read "
                 "the std_all of the ind_bk_bb row of res.params.", 0.001),
        Question("q2", "Bootstrap the complete-case chain again with the same draws "
                 "(N_BOOT, BOOT_SEED) but bias-corrected and accelerated intervals "
                 "(ci='bca'). What is the lower bound for the indirect effect "
                 "(unstandardized, 3 decimals)?",
                 _q2_bca_lower,
                 "ir.bootstrap(chain_cc, n_boot=N_BOOT, seed=BOOT_SEED, ci='bca', "
                 "progress=False).table lists every parameter; read ci_lower of the "
                 "ind_bk_bb row.", 0.001),
        Question("q3", "All nine careless respondents are seasonal staff. Compare the "
                 "groups again without them: what is the chi-square difference of the test "
                 "that all three paths are equal for seasonal and permanent staff "
                 "(3 decimals)?",
                 _q3_omnibus_careful,
                 "Fit GROUP_MODEL to the careful staff twice, with group=GROUP, "
                 "missing='fiml' and group_equal=('loadings',) or ('loadings', "
                 "'regressions'); ir.lrt(free, equal) gives delta_chisq.", 0.001),
]
