"""One 40-person survey exported ten ways (tests/survey/fixtures) reads to one identical
DataFrame through ``read_survey`` + the codebook, with a report that names every change."""

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.survey.codebook import load_codebook
from im_research.survey.io import read_survey

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)

# export file -> profile
EXPORTS = {
    "survey.sav": "spss",
    "persian_labels.csv": None,
    "windows1256.csv": None,
    "arabic_indic.csv": None,
    "qualtrics.csv": "qualtrics",
    "qualtrics_legacy.csv": "qualtrics",
    "google_forms.csv": "google_forms",
    "porsline.csv": "porsline",
    "limesurvey.csv": "limesurvey",
    "survey.xlsx": None,
}
USER_MISSING = {"im1": {99: 1}, "im2": {99: 1}, "im4": {99: 1}, "im5": {99: 1},
                "js2": {99: 1}, "js3": {99: 1}}


@pytest.fixture(scope="module")
def truth():
    return make_fixtures.truth()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(FIXTURES / "codebook.yaml")


def test_fixtures_are_byte_reproducible(tmp_path):
    built = make_fixtures.build(tmp_path)
    committed = sorted(p.name for p in FIXTURES.iterdir() if p.suffix != ".py")
    assert sorted(built) == committed
    for name, data in built.items():
        assert (FIXTURES / name).read_bytes() == data, f"{name} differs: rerun make_fixtures"


def test_truth_table_exercises_what_the_exports_must_carry(truth):
    """Guard the fixture: the comparisons below are not vacuous."""
    assert truth.shape == (40, 14) and truth["emp_id"].is_unique
    comments = " ".join(truth["comment"].dropna())
    for piece in ("،", "\u200c", "؛", "\n", "ی", "ک", "«"):
        assert piece in comments
    assert not any(ch in comments for ch in "يكى")
    assert truth["gender"].isna().sum() == 1 and truth["dept"].isna().sum() == 1
    assert (truth["tenure"] % 1 != 0).any() and truth[["im2", "js1"]].isna().any().all()


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_reads_to_the_truth(name, truth, codebook):
    data, report = read_survey(FIXTURES / name, codebook=codebook, profile=EXPORTS[name])
    pd.testing.assert_frame_equal(data, truth)
    assert report.rows_read == 40 and report.problems.empty
    assert not report.duplicate_ids and not report.missing_from_data
    # "no answer" (99 or its label) is told apart from empty cells, item by item
    assert {k: v for k, v in report.user_missing.items() if k != "gender"} == USER_MISSING
    assert sum(report.user_missing["gender"].values()) == 1
    assert report.missing["im2"] == 2 and report.missing["comment"] == 6


def test_spss_user_missing_and_value_labels_are_reported(codebook):
    data, report = read_survey(FIXTURES / "survey.sav", codebook=codebook, profile="spss")
    assert report.file_type == "sav" and report.file_type_note is None
    assert report.declared_missing["im1"] == [(99.0, 99.0)]
    assert report.user_missing["gender"] == {99: 1}
    assert report.value_labels["dept"][1] == "منابع انسانی"
    assert "user-missing values declared in the file" in report.summary()


def test_qualtrics_headers_metadata_and_renames(codebook):
    data, report = read_survey(FIXTURES / "qualtrics.csv", codebook=codebook,
                               profile="qualtrics")
    assert report.header_rows_skipped == 2 and report.encoding == "utf-8-sig"
    assert report.renamed["ExternalReference"] == "emp_id"
    assert report.renamed["IM_1"] == "im1" and report.renamed["RecordedDate"] == "submitted"
    assert "IPAddress" in report.metadata_columns and report.not_in_codebook == []
    # "Prefer not to answer" -> 99 (a declared missing code) -> missing, reported as such
    assert report.user_missing["im1"] == {99: 1}
    assert report.user_missing["gender"] == {"Prefer not to say": 1}
    legacy, rep = read_survey(FIXTURES / "qualtrics_legacy.csv", codebook=codebook,
                              profile="qualtrics")
    assert rep.header_rows_skipped == 1 and rep.renamed["ExternalDataReference"] == "emp_id"


def test_text_encodings_and_normalisation_are_counted(codebook):
    _, rep = read_survey(FIXTURES / "windows1256.csv", codebook=codebook)
    assert rep.encoding == "cp1256"
    truth = make_fixtures.truth()
    # the comments written with Arabic letters (ي always, ك on even ids) in that file
    arabic = sum(make_fixtures._arabic_keyboard(c, int(i) % 2 == 0) != c
                 for i, c in zip(truth["emp_id"], truth["comment"]) if isinstance(c, str))
    assert arabic > 20 and rep.normalized["comment"] == arabic
    assert rep.recoded["dept"] == 39  # Persian names -> codes via the value map
    _, rep = read_survey(FIXTURES / "persian_labels.csv", codebook=codebook)
    assert rep.encoding == "utf-8-sig" and rep.delimiter == ","
    # CRLF inside the quoted multi-line comments becomes \n; nothing else changes
    assert rep.normalized["comment"] == sum("\n" in c for c in truth["comment"].dropna())
    _, rep = read_survey(FIXTURES / "arabic_indic.csv", codebook=codebook)
    assert rep.recoded["emp_id"] == 40 and rep.recoded["tenure"] == 39
    assert rep.normalized["comment"] == 0  # free text untouched, ، included


def test_excel_blank_row_text_numbers_and_na(codebook, truth):
    data, report = read_survey(FIXTURES / "survey.xlsx", codebook=codebook)
    assert report.blank_rows == [22] and report.rows_read == 40
    assert "skipped 1 blank row(s): rows [22]" in report.summary()
    # respondents 4, 11, 18, 25, 32, 39 had their numbers pasted as text
    answers = make_fixtures._answers().iloc[3::7]
    for col in ("gender", "tenure", "im1", "im2", "js2"):
        assert report.text_numbers[col] == answers[col].notna().sum()
    assert report.text_numbers["im2"] == 6 and report.user_missing["im2"] == {99: 1}  # "99"


def test_n_a_is_missing_in_csv_and_excel_alike(tmp_path):
    from im_research.survey.codebook import Codebook

    cb = Codebook("na", [{"name": "q", "type": "likert", "points": 5},
                         {"name": "c", "type": "text"}])
    csv_path = tmp_path / "na.csv"
    csv_path.write_text("q,c\nn/a,n/a\n3,ok\nN/A,-\n", encoding="utf-8")
    xlsx_path = tmp_path / "na.xlsx"
    pd.DataFrame({"q": ["n/a", 3, "N/A"], "c": ["n/a", "ok", "-"]}).to_excel(
        xlsx_path, index=False)
    a, ra = read_survey(csv_path, codebook=cb)
    b, rb = read_survey(xlsx_path, codebook=cb)
    pd.testing.assert_frame_equal(a, b)
    assert a["q"].isna().tolist() == [True, False, True] and ra.missing == rb.missing


@pytest.mark.parametrize("name", ["survey.sav", "survey.xlsx"])
def test_renamed_binary_file_is_sniffed(name, tmp_path, truth, codebook):
    renamed = tmp_path / "export.csv"
    shutil.copyfile(FIXTURES / name, renamed)
    data, report = read_survey(renamed, codebook=codebook)
    pd.testing.assert_frame_equal(data, truth)
    kind = name.split(".")[1]
    assert report.file_type == kind and "named .csv" in report.file_type_note
    assert report.file_type_note in report.summary()


def test_mixed_encodings_are_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,name\n1,علی\n".encode() + "2,رضا\n".encode("cp1256"))
    with pytest.raises(ir.DataError, match=r"mixes encodings: line\(s\) \[2\] .* \[3\]"):
        read_survey(path)
    data, report = read_survey(path, encoding="cp1256")  # the user decides
    assert report.encoding == "cp1256" and len(data) == 2


def test_duplicate_ids_are_reported(tmp_path, codebook):
    path = tmp_path / "dup.csv"
    path.write_text("emp_id,im1\n1001,3\n1002,4\n\n۱۰۰۱,5\n1003,2\n1002.0,1\n",
                    encoding="utf-8")
    data, report = read_survey(path, codebook=codebook)
    # "۱۰۰۱" is 1001 (digits in an id are a numeric context); "1002.0" is another id
    assert report.duplicate_ids == {"1001": [2, 5]} and report.blank_rows == [4]
    assert "DUPLICATE ids" in report.summary() and len(data) == 5


def test_likert_words_without_scale_points_are_problems_not_guesses(tmp_path, codebook):
    """A 5-point export read without the codebook's points: every word is a reported
    problem, none is coded on a guessed 7-point scale."""
    cb_vars = [dict(v) for v in codebook.variables]
    for v in cb_vars:
        v.pop("points", None)
        v.pop("construct", None)
    from im_research.survey.codebook import Codebook

    cb = Codebook("no points", cb_vars)
    data, report = read_survey(FIXTURES / "persian_labels.csv", codebook=cb)
    words = report.problems[report.problems["column"].isin(["js1", "js2", "js3"])]
    assert data[["js1", "js2", "js3"]].isna().all().all()
    assert len(words) == 40 * 3 - 2 - 1  # all answers but one blank and two "no answer"
    assert words["reason"].str.contains("set 'points' in the codebook").all()
    assert report.user_missing["js2"] == {99: 1}  # the explicit labels still apply


def test_codebook_yaml_csv_and_excel_sheet_agree(codebook):
    from_csv = load_codebook(FIXTURES / "codebook.csv")
    from_xlsx = load_codebook(FIXTURES / "survey.xlsx", sheet="codebook")
    assert from_csv.variables == codebook.variables == from_xlsx.variables
    data, _ = read_survey(FIXTURES / "google_forms.csv", codebook=from_xlsx,
                          profile="google_forms")
    assert data["submitted"].dtype == "datetime64[us]" and data["gender"].dtype == "category"


def test_one_representation_per_type(truth, codebook):
    data, _ = read_survey(FIXTURES / "survey.sav", codebook=codebook, profile="spss")
    assert list(data["dept"].cat.categories) == ["HR", "IT", "SALES", "OPS"]
    assert data["emp_id"].iloc[0] == "1001"  # 1001.0 in SPSS
    assert np.issubdtype(data["submitted"].dtype, np.datetime64)
