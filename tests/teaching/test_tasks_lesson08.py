"""Lesson 08 (integrated marketing in an airline): the "your turn" checks accept the
answer a student computes with the public API and reject the lesson's own numbers."""

import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson08 import GROUP, GROUP_MODEL, SCALAR
from im_research.teaching.widgets import GroupPathExplorer

MEASUREMENT = "\n".join(line for line in GROUP_MODEL.splitlines() if "=~" in line)


@pytest.fixture(scope="module")
def air():
    return ir.datasets.load("airline_integrated_marketing")


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_q1_hr_against_cabin_crew_by_refit_or_by_subtraction(air, capsys):
    # the refit: cabin crew's rows first make it the reference group
    ordered = air.sort_values(GROUP, key=lambda s: s != "cabin crew", kind="stable")
    refit = ir.fit(MEASUREMENT, data=ordered, group=GROUP, group_equal=SCALAR)
    assert refit.group_labels[0] == "cabin crew"
    answer = ir.report.latent_means_table(refit).loc["HR", "ifc"]
    # the lesson's table (catering the reference): subtracting its rounded values works too
    lesson = ir.report.latent_means_table(
        ir.fit(MEASUREMENT, data=air, group=GROUP, group_equal=SCALAR)).round(3)
    by_subtraction = lesson.loc["HR", "ifc"] - lesson.loc["cabin crew", "ifc"]
    t = lesson_tasks("08")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    assert _checked(t.q1, by_subtraction, capsys)[0]
    # HR's mean against catering, the number printed in the lesson, is a typical slip
    assert not _checked(t.q1, lesson.loc["HR", "ifc"], capsys)[0]


def test_q2_smallest_p_found_with_the_group_path_explorer(air, capsys):
    explorer = GroupPathExplorer(GROUP_MODEL, air, GROUP, measurement=SCALAR)
    pvalues = {}
    for path in explorer.dropdown.options:
        explorer.dropdown.value = path
        pvalues[path] = explorer.test["pvalue"]
    assert len(pvalues) == 3
    t = lesson_tasks("08")
    assert _checked(t.q2, round(min(pvalues.values()), 3), capsys)[0]
    # the path the explorer opens on (quoted in the lesson) is not the answer
    assert not _checked(t.q2, round(pvalues["cons ~ ifc"], 3), capsys)[0]


def test_q3_indirect_effect_of_top_management_support(air, capsys):
    chain = ir.fit(air.attrs["codebook"]["model_syntax"], data=air)
    eff = ir.indirect_effects(chain, x="tms", y="cs").set_index("kind")
    answer = eff.loc["indirect", "std_all"]
    coordination = ir.indirect_effects(chain, x="ifc", y="cs").set_index("kind")
    t = lesson_tasks("08")
    assert _checked(t.q3, round(answer, 3), capsys)[0]
    assert not _checked(t.q3, round(coordination.loc["indirect", "std_all"], 3), capsys)[0]
    t.q3.hint()
    assert "ind_tms_cs" in capsys.readouterr().out
    assert repr(t) == "<Lesson 08 tasks: 0/3 correct>"
