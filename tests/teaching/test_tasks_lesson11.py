"""Lesson 11's tasks (PLS-SEM and CB-SEM side by side): each accepts the answer a student
computes with the public API and rejects the numbers the lesson prints, which answer a
different question."""

from pathlib import Path

import nbformat
import pytest

import im_research as ir
from im_research.teaching.tasks import lesson_tasks
from im_research.teaching.tasks.lesson11 import FORMATIVE_MODEL, MODEL, SCALE


@pytest.fixture(scope="module")
def bank():
    return ir.datasets.load("bank_service_profit_chain", reverse_scored=True)


@pytest.fixture(scope="module")
def res(bank):
    return ir.pls(MODEL, bank)


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_the_notebook_uses_the_tasks_model_and_settings():
    nb = Path(__file__).resolve().parents[2] / "notebooks/11_pls_and_cb_sem_side_by_side.ipynb"
    source = "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells)
    assert "compare_lenses(MODEL, bank)" in source and 'ipma("cs", scale=SCALE)' in source
    # the lesson's model is the flagship chain of lesson 01, without its labels
    from im_research.teaching.flagship import load_flagship_data

    flagship = load_flagship_data().attrs["codebook"]["model_syntax"]
    for line in ("js ~ a*im", "oc ~ b*js + im", "sq ~ c*oc", "cs ~ d*sq"):
        assert line in flagship
    for line in ("js ~ im", "oc ~ js + im", "sq ~ oc", "cs ~ sq"):
        assert line in MODEL.splitlines()
    assert FORMATIVE_MODEL.startswith("im <~ im1 + im2 + im3 + im4\n")
    assert FORMATIVE_MODEL.replace("<~", "=~", 1) == MODEL
    assert SCALE["cs1"] == (1, 5) and SCALE["oc3r"] == (1, 7)


def test_q1_weight_of_vision_in_the_formative_composite(bank, res, capsys):
    formative = ir.pls(FORMATIVE_MODEL, bank).outer.set_index("item")
    assert formative.loc["im1", "mode"] == "B"
    t = lesson_tasks("11")
    assert _checked(t.q1, round(formative.loc["im1", "weight"], 3), capsys) == (
        True, "Correct: q1.\n")
    # the mode A weight the lesson's model gives, and the formative loading, are not it
    reflective = res.outer.set_index("item").loc["im1", "weight"]
    assert not _checked(t.q1, round(reflective, 3), capsys)[0]
    assert not _checked(t.q1, round(formative.loc["im1", "loading"], 3), capsys)[0]
    t.q1.hint()
    assert "weight column" in capsys.readouterr().out


def test_q2_indirect_effect_along_the_whole_chain(bank, res, capsys):
    B = res.path_matrix
    chain = B.loc["im", "js"] * B.loc["js", "oc"] * B.loc["oc", "sq"] * B.loc["sq", "cs"]
    t = lesson_tasks("11")
    assert _checked(t.q2, round(chain, 4), capsys)[0]
    # the total indirect effect adds the chain through im -> oc: a different number
    assert not _checked(t.q2, round(res.indirect_effects.loc["im", "cs"], 4), capsys)[0]
    # and the CB-SEM chain (lesson 01's lens) is larger: composites attenuate every link
    p = ir.fit(MODEL, data=bank).params
    cb = 1.0
    for lhs, rhs in (("js", "im"), ("oc", "js"), ("sq", "oc"), ("cs", "sq")):
        cb *= p.loc[(p.lhs == lhs) & (p.op == "~") & (p.rhs == rhs), "std_all"].item()
    assert cb > chain
    assert not _checked(t.q2, round(cb, 4), capsys)[0]


def test_q3_importance_of_internal_marketing_for_commitment(res, capsys):
    for_oc = res.ipma("oc", scale=SCALE).loc["im", "importance"]
    for_cs = res.ipma("cs", scale=SCALE).loc["im", "importance"]
    assert for_oc > 5 * for_cs  # one link away instead of four
    t = lesson_tasks("11")
    assert not _checked(t.q3, round(for_cs, 3), capsys)[0]
    standardized = res.ipma("oc", scale=SCALE).loc["im", "importance_std"]
    assert abs(standardized - for_oc) > 0.001
    assert not _checked(t.q3, round(standardized, 3), capsys)[0]
    assert _checked(t.q3, round(for_oc, 3), capsys)[0]
    assert repr(t) == "<Lesson 11 tasks: 1/3 correct>"
