"""Lesson 08, integrated marketing in an airline: its "your turn" tasks."""

from __future__ import annotations

from ..exercises import Question
from ._common import std_all

DATASET = "airline_integrated_marketing"
GROUP = "department"
# The chain for several groups: no labels (in a multi-group model a label makes a
# parameter equal in every group).
GROUP_MODEL = ("ifc =~ ifc1 + ifc2 + ifc3 + ifc4\ntms =~ tms1 + tms2 + tms3\n"
               "cons =~ cons1 + cons2 + cons3\ncs =~ cs1 + cs2 + cs3\n"
               "cons ~ ifc + tms\ncs ~ cons\n")
# Latent means and paths are compared with equal loadings and intercepts (scalar
# invariance), the level the lesson establishes first.
SCALAR = ("loadings", "intercepts")


# ---------------------------------------------------------------------------------------
def _data():
    from ...survey.datasets import load

    return load(DATASET)


def _q1_hr_vs_cabin_crew(t):
    from ...sem.estimate import fit

    def compute():
        air = _data()
        measurement = "\n".join(line for line in GROUP_MODEL.splitlines() if "=~" in line)
        # groups are numbered in order of appearance: cabin crew first makes it the
        # reference group whose latent means are fixed at zero
        first = air.sort_values(GROUP, key=lambda s: s != "cabin crew", kind="stable")
        return fit(measurement, data=first, group=GROUP, group_equal=SCALAR)

    p = t.cached("scalar_cabin_crew", compute).params
    row = p[(p["lhs"] == "ifc") & (p["op"] == "~1") & (p["group"] == "HR")]
    return float(row["est"].iloc[0])


def _q2_smallest_path_p(t):
    from ...inference.compare import chisq_difference
    from ...sem.estimate import fit

    air = _data()
    paths = ("cons ~ ifc", "cons ~ tms", "cs ~ cons")

    def group_fit(equal, partial=()):
        return fit(GROUP_MODEL, data=air, group=GROUP, group_equal=SCALAR + equal,
                   group_partial=list(partial))

    free = t.cached("paths_free", lambda: group_fit(()))
    return min(chisq_difference(free, group_fit(("regressions",),
                                                [q for q in paths if q != path]))["pvalue"]
               for path in paths)


def _q3_indirect_tms(t):
    from ...sem.estimate import fit

    model = _data().attrs["codebook"]["model_syntax"].replace(
        "cons ~ a*ifc + tms", "cons ~ a*ifc + c*tms") + "ind_tms_cs := c*b\n"
    res = t.cached("tms", lambda: fit(model, data=_data()))
    return std_all(res, "ind_tms_cs", ":=", "c*b")


QUESTIONS = [
        Question("q1", "Make cabin crew the reference group. How far does HR's latent mean "
                 "of inter-functional coordination lie from cabin crew's (in answer "
                 "points, negative if lower; 3 decimals)?",
                 _q1_hr_vs_cabin_crew,
                 "Groups are numbered in order of appearance, and the first is the "
                 "reference: put the cabin-crew rows first, fit the measurement model "
                 "with group=GROUP, group_equal=SCALAR and read the ifc ~1 row of HR. "
                 "(Or subtract the two departments' means in the lesson's table.)",
                 0.002),
        Question("q2", "With the group path explorer, test each path in turn. Which path "
                 "comes closest to differing between departments? Enter its p-value "
                 "(3 decimals).",
                 _q2_smallest_path_p,
                 "Choose each path in the dropdown and read p in the line under the "
                 "table; enter the smallest.", 0.001),
        Question("q3", "What is the standardized indirect effect of top-management support "
                 "on passenger satisfaction, through consistency (std_all, 3 decimals)?",
                 _q3_indirect_tms,
                 "Label the path: 'cons ~ a*ifc + c*tms', add 'ind_tms_cs := c*b', fit, "
                 "and read std_all of the := row (or use ir.indirect_effects(chain, "
                 "x='tms', y='cs')).", 0.001),
]
