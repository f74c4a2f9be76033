"""Lesson 02's tasks and the exports it imports: the right answer passes, the lesson's
worked example or a typical slip fails."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.teaching.tasks import lesson02, lesson_tasks
from im_research.teaching.widgets import CarelessScreen


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return lesson02.write_exports(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def imported(exports):
    return ir.io.read_survey(exports["spss"], codebook=lesson02.survey_codebook())


def _checked(task, answer, capsys):
    task.check(answer)
    return task._exercise.results[task.name], capsys.readouterr().out


def test_both_exports_read_back_to_the_bundled_answers_with_the_planted_gaps(exports,
                                                                             imported):
    data, report = imported
    online, online_report = ir.io.read_survey(exports["excel"],
                                              codebook=lesson02.survey_codebook(),
                                              profile="porsline")
    assert online.equals(data)
    bank = ir.datasets.load("bank_service_profit_chain")
    items = lesson02.items()
    answers, declined = lesson02.planted_answers()
    # every answer that was not planted missing comes back unchanged
    assert (data[items].isna().to_numpy() == answers[items].isna().to_numpy()).all()
    kept = data[items].notna()
    assert (data[items][kept] == bank[items][kept]).sum().sum() == kept.sum().sum()
    # the declined cells are exactly the user-missing ones the import reports
    assert sum(sum(v.values()) for v in report.user_missing.values()) == declined.sum().sum()
    assert report.user_missing["im3"] == {99: int(declined["im3"].sum())}
    # the cards that never came back: whole blocks of customer items
    blank_rows = data[["cs1", "cs2", "cs3", "loy1", "loy2", "loy3"]].isna().all(axis=1)
    assert blank_rows.sum() == lesson02.CARDS_NOT_RETURNED
    assert list(data["role"].cat.categories) == ["frontline", "back office"]


def test_exports_are_reproducible(tmp_path, imported):
    again, _ = ir.io.read_survey(lesson02.write_exports(tmp_path)["spss"],
                                 codebook=lesson02.survey_codebook())
    assert again.equals(imported[0])


def test_q1_recall_with_three_flags_from_the_widget(imported, capsys):
    data, _ = imported
    planted = [str(i) for i in
               ir.datasets.info("bank_service_profit_chain")["careless_respondents"]]
    screen = CarelessScreen(data, lesson02.items(), id_col="employee_id", planted=planted)
    default_recall = screen.hits["recall"]
    screen.min_flags.value = 3
    answer = screen.hits["recall"]
    assert answer < default_recall
    capsys.readouterr()
    t = lesson_tasks("02")
    assert _checked(t.q1, round(answer, 3), capsys) == (True, "Correct: q1.\n")
    assert not _checked(t.q1, round(default_recall, 3), capsys)[0]  # the lesson's value
    assert not _checked(t.q1, round(screen.hits["precision"], 3), capsys)[0]


def test_q2_employees_not_cells(imported, capsys):
    data, _ = imported
    im = data[["im1", "im2", "im3", "im4"]].isna()
    answer = int(im.any(axis=1).sum())
    assert answer < im.sum().sum()  # some employees declined two of them
    t = lesson_tasks("02")
    assert _checked(t.q2, answer, capsys)[0]
    assert not _checked(t.q2, int(im.sum().sum()), capsys)[0]  # counting cells


def test_q3_suppressed_cells_at_k10(imported, capsys):
    data, _ = imported
    rel = ir.anonymize.anonymize(data, id_col="employee_id", k=10, items=lesson02.items(),
                                 quasi_identifiers={"branch": "keep",
                                                    "tenure_years": lesson02.TENURE_BANDS})
    released = rel.data
    answer = int((released[["branch", "role", "tenure_years"]] == "*").sum().sum())
    sizes = released.groupby(["branch", "role", "tenure_years"]).size()
    assert sizes.min() >= 10  # the promise, checked as the attacker would
    t = lesson_tasks("02")
    assert _checked(t.q3, answer, capsys)[0]
    # the log's local suppressions alone miss a column suppressed as a whole
    local = sum(rel.log["suppressed_cells"].values())
    assert local < answer and "column suppressed" in rel.log["generalised"]["branch"]
    assert not _checked(t.q3, local, capsys)[0]
    k5 = lesson02.release(data).data
    assert not _checked(t.q3, int((k5[["branch", "role", "tenure_years"]] == "*")
                                   .sum().sum()), capsys)[0]  # the lesson's k = 5


def test_hints_and_no_answer(capsys):
    t = lesson_tasks("02")
    t.q3.hint()
    assert "'*'" in capsys.readouterr().out
    t.q2.check(None)
    assert "no answer yet" in capsys.readouterr().out
    assert repr(t) == "<Lesson 02 tasks: 0/3 correct>"


def test_codebook_reads_reverse_keys_and_scales():
    cb = lesson02.survey_codebook()
    by = cb.variables_by_name()
    assert by["oc3"]["reverse"] and not by["oc1"]["reverse"]
    assert by["im1"]["points"] == 7 and by["cs1"]["points"] == 5
    assert cb.missing_labels == [lesson02.NO_ANSWER_FA]
    scored, _ = cb.score(pd.DataFrame({c: [1.0, 7.0] if by[c]["points"] == 7 else [1.0, 5.0]
                                       for c in lesson02.items()}))
    assert np.array_equal(scored["oc3r"], [7.0, 1.0])
