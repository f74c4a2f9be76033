"""Lesson 07 (internal branding at a ski resort): the "your turn" checks accept the
answer a student computes with the public API and reject the lesson's own numbers."""

import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson07 import BOOT_SEED, GROUP, GROUP_MODEL, N_BOOT


@pytest.fixture(scope="module")
def ski():
    return ir.datasets.load("ski_resort_branding")


def _std(res, lhs, op, rhs):
    p = res.params
    return p.loc[(p.lhs == lhs) & (p.op == op) & (p.rhs == rhs), "std_all"].item()


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_q1_indirect_effect_without_careless_respondents(ski, capsys):
    book = ski.attrs["codebook"]
    careful = ski[~ski["employee_id"].isin(book["careless_respondents"])]
    assert len(careful) == len(ski) - len(book["careless_respondents"])
    answer = _std(ir.fit(book["model_syntax"], data=careful, missing="fiml"),
                  "ind_bk_bb", ":=", "a*b")
    lesson = _std(ir.fit(book["model_syntax"], data=ski, missing="fiml"),
                  "ind_bk_bb", ":=", "a*b")
    t = lesson_tasks("07")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    assert not _checked(t.q1, round(lesson, 3), capsys)[0]  # the lesson's value


def test_q2_bca_lower_bound(ski, capsys):
    chain_cc = ir.fit(ski.attrs["codebook"]["model_syntax"], data=ski.dropna())
    bca = ir.bootstrap(chain_cc, n_boot=N_BOOT, seed=BOOT_SEED, ci="bca", progress=False)
    answer = bca.table.set_index("lhs").loc["ind_bk_bb", "ci_lower"]
    perc = ir.indirect_effects(chain_cc, x="bk", y="bb", boot=ir.bootstrap(
        chain_cc, n_boot=N_BOOT, seed=BOOT_SEED, progress=False))
    percentile_lower = perc.set_index("kind").loc["indirect", "boot_ci_lower"]
    t = lesson_tasks("07")
    assert _checked(t.q2, round(answer, 3), capsys)[0]
    # the percentile bound shown in the lesson is a typical slip
    assert round(percentile_lower, 3) != round(answer, 3)
    assert not _checked(t.q2, round(percentile_lower, 3), capsys)[0]


def test_q3_omnibus_test_without_careless_respondents(ski, capsys):
    book = ski.attrs["codebook"]
    careful = ski[~ski["employee_id"].isin(book["careless_respondents"])]

    def chisq_diff(data):
        free = ir.fit(GROUP_MODEL, data=data, group=GROUP, missing="fiml",
                      group_equal=["loadings"])
        equal = ir.fit(GROUP_MODEL, data=data, group=GROUP, missing="fiml",
                       group_equal=["loadings", "regressions"])
        return ir.lrt(free, equal)["delta_chisq"].iloc[1]

    t = lesson_tasks("07")
    assert _checked(t.q3, round(chisq_diff(careful), 3), capsys)[0]
    assert not _checked(t.q3, round(chisq_diff(ski), 3), capsys)[0]  # with them
    t.q3.hint()
    assert "regressions" in capsys.readouterr().out
    assert repr(t) == "<Lesson 07 tasks: 0/3 correct>"
