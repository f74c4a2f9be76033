"""Jalali (Solar Hijri) dates: known calendar facts, and parsing in any digit script."""

import datetime as dt

import pandas as pd
import pytest

from im_research.survey.codebook import Codebook
from im_research.survey.io import read_survey
from im_research.survey.jalali import is_leap, parse_jalali, to_gregorian

# Nowruz (1 Farvardin) of each year, from the published Iranian calendar
NOWRUZ = {1399: dt.date(2020, 3, 20), 1400: dt.date(2021, 3, 21), 1401: dt.date(2022, 3, 21),
          1402: dt.date(2023, 3, 21), 1403: dt.date(2024, 3, 20), 1404: dt.date(2025, 3, 21),
          1405: dt.date(2026, 3, 21)}


@pytest.mark.parametrize("year", NOWRUZ)
def test_nowruz(year):
    assert to_gregorian(year, 1, 1) == NOWRUZ[year]


def test_other_known_dates_and_month_lengths():
    assert to_gregorian(1357, 11, 22) == dt.date(1979, 2, 11)  # 22 Bahman 1357
    assert to_gregorian(1402, 9, 30) == dt.date(2023, 12, 21)  # Yalda night
    assert is_leap(1403) and to_gregorian(1403, 12, 30) == dt.date(2025, 3, 20)
    assert to_gregorian(1404, 7, 1) - to_gregorian(1404, 6, 31) == dt.timedelta(days=1)
    for bad in ((1404, 12, 30), (1404, 7, 31), (1404, 13, 1), (1250, 1, 1)):
        with pytest.raises(ValueError):
            to_gregorian(*bad)


def test_parse_in_any_digit_script():
    assert parse_jalali("۱۴۰۴/۱۲/۱۰") == dt.datetime(2026, 3, 1)
    assert parse_jalali("١٤٠٤-١٢-١٠ ٠٩:٣٠:١٥") == dt.datetime(2026, 3, 1, 9, 30, 15)
    for bad in ("1404/12", "2026-03-01 25:00", "۱۴۰۴/۱۲/۳۰"):
        with pytest.raises(ValueError):
            parse_jalali(bad)


def test_jalali_column_reads_to_datetime64_and_reports_bad_dates(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("when\n۱۴۰۴/۰۱/۰۱\n1404/12/30\n\n", encoding="utf-8")
    cb = Codebook("t", [{"name": "when", "type": "date", "format": "jalali"}])
    data, report = read_survey(path, codebook=cb)
    assert data["when"].dtype == "datetime64[us]"
    assert data["when"].iloc[0] == pd.Timestamp("2025-03-21") and pd.isna(data["when"].iloc[1])
    assert report.problems[["column", "source_row"]].values.tolist() == [["when", 3]]
    assert report.blank_rows == [4]
