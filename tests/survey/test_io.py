"""Survey import: digits, labels, encodings, Qualtrics headers, SPSS labels; every cell
accounted for."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import im_research as ir
from im_research.survey.codebook import Codebook, from_scales
from im_research.survey.io import normalize_digits, parse_cell, read_survey

FA = "۰۱۲۳۴۵۶۷۸۹"
AR = "٠١٢٣٤٥٦٧٨٩"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10 ** 6, max_value=10 ** 6), st.sampled_from(["en", "fa", "ar"]),
       st.booleans())
def test_numbers_in_any_digit_script(n, script, thousands):
    text = f"{n:,}" if thousands else str(n)
    if script != "en":
        digits = FA if script == "fa" else AR
        text = text.translate(str.maketrans("0123456789,", digits + ("٬" if script == "fa"
                                                                     else "،")))
    value, status = parse_cell(text)
    assert value == n and status in ("ok", "recoded")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(range(1, 8))), st.sampled_from(["en", "fa"]), st.booleans(),
       st.booleans())
def test_likert_label_variants(code, lang, upper, spaces):
    labels = ir.scales.RESPONSE_LABELS["agree7"][lang]
    text = labels[code - 1]
    if upper:
        text = text.upper()
    if spaces:
        text = f"  {text}  ".replace(" ", "  ")
    value, status = parse_cell(text, ir.io.LIKERT_LABELS[7])
    assert value == code and status == "recoded"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcxyz!?#", min_size=1, max_size=6))
def test_malformed_cells_are_reported_not_hidden(text):
    value, status = parse_cell(text, ir.io.LIKERT_LABELS[5])
    assert np.isnan(value) and status == "unreadable"


def test_normalize_digits_and_separators():
    assert normalize_digits("۱۲٬۵۰۰ و ٣٫٥") == "12,500 و 3.5"


def test_qualtrics_csv_with_bom_persian_digits_and_labels(tmp_path):
    rows = [
        "ResponseId,im1,im2,js1,comment",
        "Response ID,How clear is...,Training...,Satisfied...,Anything else?",
        '{"ImportId":"_recordId"},{"ImportId":"QID1"},{"ImportId":"QID2"},{"ImportId":"QID3"},'
        '{"ImportId":"QID4"}',
        "R_1,۵,کاملاً موافقم,٣,خوب بود",
        "R_2,2,Strongly disagree,-99,",
        "R_3,7,??,4,ok",
    ]
    path = tmp_path / "qualtrics.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8-sig"))
    cb = Codebook("test", [
        {"name": "ResponseId", "type": "text"}, {"name": "comment", "type": "text"},
        {"name": "im1", "construct": "im", "points": 7},
        {"name": "im2", "construct": "im", "points": 7},
        {"name": "js1", "construct": "js", "points": 7}], missing_codes=[-99])
    data, report = read_survey(path, codebook=cb)
    assert report.encoding == "utf-8-sig" and report.header_rows_skipped == 2
    assert report.rows_read == 3 and len(data) == 3
    assert data["im1"].tolist() == [5, 2, 7]
    assert data["im2"].iloc[:2].tolist() == [7, 1]
    assert data["js1"].iloc[0] == 3 and np.isnan(data["js1"].iloc[1])
    assert report.recoded["im1"] == 1 and report.recoded["im2"] == 2
    assert report.missing["js1"] == 1
    prob = report.problems
    assert prob[["row", "column", "value"]].values.tolist() == [[2, "im2", "??"]]
    assert data["comment"].iloc[0] == "خوب بود"


def test_windows_1256_csv(tmp_path):
    path = tmp_path / "win.csv"
    # Windows-1256 has the Arabic yeh (U+064A), which label matching treats as Persian yeh
    path.write_bytes("q1,q2,name\nموافقم,كاملاً موافقم,علي\n2,مخالفم,رضا\n".encode("cp1256"))
    data, report = read_survey(path, labels={"موافقم": 4})
    assert report.encoding == "cp1256"
    # names compare equal across files: the Arabic YEH of Windows-1256 becomes Persian
    assert data["q1"].tolist() == [4, 2] and data["name"].tolist() == ["علی", "رضا"]
    assert report.normalized["name"] == 1
    # with no scale points declared, Likert words are reported, never guessed
    assert data["q2"].isna().all()
    q2 = report.problems[report.problems["column"] == "q2"]
    assert q2["source_row"].tolist() == [2, 3]
    assert all("set 'points' in the codebook" in r for r in q2["reason"])


def test_out_of_range_codes_listed_by_row_and_column(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"js1": [1, 9, 3], "js2": [0, 2, 3]}).to_csv(path, index=False)
    cb = from_scales(["job_satisfaction"])
    data, report = read_survey(path, codebook=cb)
    bad = report.problems[["row", "column", "value"]].values.tolist()
    assert bad == [[1, "js1", 9.0], [0, "js2", 0.0]]
    assert set(report.missing_from_data) == {"js3", "js4"}


def test_persian_spss_file_keeps_labels_in_order(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    labels = dict(enumerate(ir.scales.RESPONSE_LABELS["agree5"]["fa"], start=1))
    df = pd.DataFrame({"cs1": [1.0, 5.0, 3.0, np.nan], "city": ["تهران", "شیراز", "تبریز",
                                                                 "یزد"]})
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(df, str(path), variable_value_labels={"cs1": labels},
                         column_labels=["رضایت کلی", "شهر"])
    data, report = read_survey(path)
    assert data["cs1"].iloc[:3].tolist() == [1, 5, 3] and np.isnan(data["cs1"].iloc[3])
    assert list(report.value_labels["cs1"]) == [1, 2, 3, 4, 5]
    assert report.value_labels["cs1"][5] == "کاملاً موافقم"
    assert data["city"].tolist() == ["تهران", "شیراز", "تبریز", "یزد"]


def test_excel_and_lossless_round_trip(tmp_path):
    df = pd.DataFrame({"im1": ["۱", "2", "۷"], "dept": ["HR", "IT", "HR"]})
    path = tmp_path / "s.xlsx"
    df.to_excel(path, index=False)
    data, report = read_survey(path)
    assert data["im1"].tolist() == [1, 2, 7] and report.rows_read == 3
    back = tmp_path / "back.csv"
    data.to_csv(back, index=False)
    again, _ = read_survey(back)
    pd.testing.assert_frame_equal(again, data, check_dtype=False)


def test_unknown_format(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}")
    with pytest.raises(ir.DataError, match="cannot read"):
        read_survey(p)


def test_user_labels_do_not_leak_into_later_imports(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("q1\nstrongly agree\nsomewhat agree\n", encoding="utf-8")
    first, _ = read_survey(path, labels={"strongly agree": 99}, points=7)
    assert first["q1"].tolist() == [99, 5]
    again, _ = read_survey(path, points=7)
    assert again["q1"].tolist() == [7, 5]
    # without the scale points the words are reported, not read as a 7-point scale
    unknown, report = read_survey(path)
    assert unknown["q1"].isna().all() and len(report.problems) == 2


def test_legacy_qualtrics_with_one_extra_header_row(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("ResponseId,Q1,Q2\nResponse ID,How satisfied...,Training...\n"
                    "R_1,5,3\nR_2,2,4\n", encoding="utf-8")
    data, report = read_survey(path)
    assert report.header_rows_skipped == 1 and report.rows_read == 2
    assert data["Q1"].tolist() == [5, 2] and "Q1" not in report.text_columns


def test_profile_and_points_arguments_are_checked(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("q1\n3\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="profile='surveymonkey' is unknown"):
        read_survey(path, profile="surveymonkey")
    with pytest.raises(ir.DataError, match="points=4"):
        read_survey(path, points=4)
    with pytest.raises(ir.DataError, match="is a folder"):
        read_survey(tmp_path)


def test_malformed_tables_are_refused_with_the_row(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="row 3 has 1 cells but the header has 2"):
        read_survey(path)
    path.write_text("a,b\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="row 2 has 3 cells"):
        read_survey(path)
    path.write_text("a,a\n1,2\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match=r"\['a'\] occur more than once"):
        read_survey(path)
    path.write_text("a,\n1,2\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="column 2 has answers but no header"):
        read_survey(path)
    path.write_text("a,\n1,\n2,\n", encoding="utf-8")  # a trailing delimiter is harmless
    assert read_survey(path)[0].columns.tolist() == ["a"]


def test_utf16_tab_and_semicolon_files(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_bytes("id\tq1\n1\t۴\n".encode("utf-16"))
    data, report = read_survey(path)
    assert report.encoding == "utf-16" and report.delimiter == "\t"
    assert data["q1"].tolist() == [4.0]
    path = tmp_path / "lime.csv"
    path.write_text('id;q1;note\n1;3;"a;b"\n', encoding="utf-8")
    data, report = read_survey(path)
    assert report.delimiter == ";" and data["note"].tolist() == ["a;b"]


def test_codebook_drives_columns_and_reports_the_rest(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Q_1,extra,when,dept\n5,x,2026-01-02,فروش\n,y,1/2/2026,بازاریابی\n",
                    encoding="utf-8")
    cb = Codebook("t", [{"name": "dept", "type": "category", "values": ["SALES", "HR"],
                         "value_map": {"فروش": "SALES"}},
                        {"name": "q1", "points": 5, "source": "Q_1"},
                        {"name": "when", "type": "date"}, {"name": "absent"}])
    data, report = read_survey(path, codebook=cb)
    assert data.columns.tolist() == ["dept", "q1", "when"]
    assert report.not_in_codebook == ["extra"] and report.missing_from_data == ["absent"]
    assert report.renamed == {"Q_1": "q1"}
    assert data["when"].iloc[0] == pd.Timestamp("2026-01-02") and pd.isna(data["when"].iloc[1])
    probs = report.problems.set_index("column")
    assert "give the variable a 'format'" in probs.loc["when", "reason"]
    assert "not one of the categories ['SALES', 'HR']" in probs.loc["dept", "reason"]
    assert probs.loc["dept", "source_row"] == 3
    kept, _ = read_survey(path, codebook=cb, keep_unlisted=True)
    assert kept.columns.tolist() == ["dept", "q1", "when", "extra"]


def test_two_variables_cannot_read_one_column(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("q1\n3\n", encoding="utf-8")
    cb = Codebook("t", [{"name": "a", "source": "q1"}, {"name": "b", "source": "q1"}])
    with pytest.raises(ir.DataError, match="'a' and 'b' both read the column 'q1'"):
        read_survey(path, codebook=cb)


def test_excel_sheet_choice_and_old_formats(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"q1": [1, 2]}).to_excel(path, index=False, sheet_name="answers")
    assert read_survey(path, sheet="answers")[0]["q1"].tolist() == [1.0, 2.0]
    with pytest.raises(ir.DataError, match=r"no sheet 'data' \(sheets: \['answers'\]\)"):
        read_survey(path, sheet="data")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(ir.DataError, match="old Excel .xls"):
        read_survey(old)


def test_dates_from_every_source_are_datetime64(tmp_path):
    import datetime as dt

    pyreadstat = pytest.importorskip("pyreadstat")
    when = [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    sav = tmp_path / "d.sav"
    pyreadstat.write_sav(pd.DataFrame({"d": when}), str(sav))
    xlsx = tmp_path / "d.xlsx"
    pd.DataFrame({"d": pd.to_datetime(when)}).to_excel(xlsx, index=False)
    csv = tmp_path / "d.csv"
    csv.write_text("d\n2026-03-01\n۲۰۲۶-۰۳-۰۲\n", encoding="utf-8")
    cb = Codebook("t", [{"name": "d", "type": "date"}])
    frames = [read_survey(p, codebook=cb)[0] for p in (sav, xlsx, csv)]
    for f in frames:
        pd.testing.assert_frame_equal(f, frames[0])
    assert frames[0]["d"].dtype == "datetime64[us]"
    # without a codebook too
    assert read_survey(sav)[0]["d"].dtype == read_survey(csv)[0]["d"].dtype


def test_wrong_profile_is_not_an_empty_success(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("IM_1,IM_2\n3,4\n", encoding="utf-8")
    cb = Codebook("t", [{"name": "im1", "points": 5, "source": {"qualtrics": "IM_1"}},
                        {"name": "im2", "points": 5, "source": {"qualtrics": "IM_2"}}])
    with pytest.raises(ir.DataError, match=r"none of the codebook's variables.*profile=None"):
        read_survey(path, codebook=cb)
    data, _ = read_survey(path, codebook=cb, profile="qualtrics")
    assert data.columns.tolist() == ["im1", "im2"]


def test_category_without_declared_values_keeps_sorted_texts(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("branch\nشعبه ۲\nشعبه ۱\n3\nشعبه ۲\n", encoding="utf-8")
    cb = Codebook("t", [{"name": "branch", "type": "category"}])
    data, report = read_survey(path, codebook=cb)
    # free-text categories keep their digits (only a code is a numeric context)
    assert list(data["branch"].cat.categories) == ["3", "شعبه ۱", "شعبه ۲"]
    assert data["branch"].tolist() == ["شعبه ۲", "شعبه ۱", "3", "شعبه ۲"]
    assert report.problems.empty
