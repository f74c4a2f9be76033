"""Persian/Arabic text normalisation: free text changes only by the documented letter
mapping (property tests), digits only in numeric contexts."""

import csv
import io
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from im_research.survey.codebook import Codebook
from im_research.survey.io import read_survey
from im_research.survey.text import (
    LETTER_MAP,
    is_na_token,
    label_key,
    normalize_digits,
    normalize_text,
    parse_number,
)

PERSIAN = ("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآأؤئءة" "يكى" "،؛؟«»٫٬" "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
           "\u200c\u200d\u064b\u064c\u064e\u0640 \n\t.,;:!?\"'-0123456789abcXYZ")
free_text = st.text(alphabet=st.one_of(st.sampled_from(PERSIAN), st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\r\x00")), max_size=60)


@settings(max_examples=500, deadline=None)
@given(free_text)
def test_free_text_changes_only_by_the_letter_mapping(text):
    text = text.strip()
    out = normalize_text(text)
    assert len(out) == len(text)
    for before, after in zip(text, out):
        assert after == LETTER_MAP.get(before, before)
    assert normalize_text(out) == out  # idempotent


@settings(max_examples=300, deadline=None)
@given(free_text)
def test_text_without_arabic_letters_round_trips_unchanged(text):
    text = "".join(ch for ch in text if ch not in LETTER_MAP).strip()
    assert normalize_text(text) == text


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("text")


@settings(max_examples=200, deadline=None)
@given(free_text)
def test_free_text_survives_a_csv_export_and_import(folder, text):
    assume(not is_na_token(text))
    path = folder / "comments.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([["id", "comment"], ["1", text],
                                                      ["2", "ok"]])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    cb = Codebook("rt", [{"name": "id", "type": "id"}, {"name": "comment", "type": "text"}])
    data, report = read_survey(path, codebook=cb)
    expected = "".join(LETTER_MAP.get(ch, ch) for ch in text).strip()
    assert data["comment"].tolist() == [expected, "ok"] and report.problems.empty
    assert report.normalized["comment"] == (expected != text)


def test_arabic_comma_zwnj_and_digits_in_free_text_are_kept():
    text = "در ۳ سال، دوره‌ای نداشتیم؛ ٢٫٥ ساعت"
    assert normalize_text(text) == text
    assert normalize_digits("۱۲٬۵۰۰، ٣٫٥") == "12,500، 3.5"  # ، is punctuation
    assert normalize_text("كيك\r\nي ") == "کیک\nی"


@settings(max_examples=300, deadline=None)
@given(st.integers(-10 ** 6, 10 ** 6), st.integers(0, 99), st.sampled_from(["fa", "ar"]))
def test_decimals_in_any_digit_script(whole, frac, script):
    digits = "۰۱۲۳۴۵۶۷۸۹" if script == "fa" else "٠١٢٣٤٥٦٧٨٩"
    text = f"{whole}.{frac:02d}".translate(str.maketrans("0123456789.", digits + "٫"))
    value = float(f"{whole}.{frac:02d}")
    assert math.isclose(parse_number(text), value)


@pytest.mark.parametrize("text", ["nan", "inf", "1e999", "1,00", "12،5", "۱۲ ۳", "١٫٢٫٣", ""])
def test_not_numbers(text):
    assert parse_number(text) is None


def test_label_key_folds_what_labels_differ_in():
    assert label_key("  كاملاً   موافقم ") == label_key("کاملا موافقم")
    assert label_key("می‌دهم") == label_key("می دهم") and label_key("AGREE") == "agree"
