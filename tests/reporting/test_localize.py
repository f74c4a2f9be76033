"""Tables and numbers for the Persian edition: labels translated, Persian digits as the
analysis report writes them, right to left."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir


@pytest.fixture(scope="module")
def cfa():
    from im_research.teaching.flagship import load_flagship_data

    bank = load_flagship_data()
    measurement = "\n".join(line for line in bank.attrs["codebook"]["model_syntax"]
                            .splitlines() if "=~" in line)
    return ir.fit(measurement, data=bank)


def test_a_report_table_in_persian(cfa):
    table = ir.report.reliability_table(cfa)
    styler = ir.report.localize(table, labels={"im": "بازاریابی داخلی"})
    shown = styler.data
    assert list(shown.columns[:3]) == ["سازه", "تعداد گویه", "α"]
    first = shown.iloc[0]
    assert first["سازه"] == "بازاریابی داخلی" and shown.iloc[1]["سازه"] == "js"  # kept
    alpha = table.loc[0, "alpha"]
    assert first["α"] == f"{alpha:.3f}".translate(str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫"))
    assert first["تعداد گویه"] == "۴" and first["CR کافی"] == "بله"
    assert first["بارهای کافی"] == "خیر"
    html = styler.to_html()
    assert 'dir="rtl" lang="fa"' in html and "margin-left: auto" in html
    assert "row0" in html and ">0<" not in html  # the default 0, 1, ... index is hidden


def test_index_labels_missing_values_and_digits(cfa):
    corr = ir.report.correlation_table(cfa)
    shown = ir.report.localize(corr, labels={"im": "بازاریابی داخلی"}, na_rep="").data
    assert shown.index[0] == "بازاریابی داخلی" and shown.columns[0] == "بازاریابی داخلی"
    assert shown.iloc[0, 1] == ""  # the empty upper half stays empty
    negative = ir.report.localize(pd.DataFrame({"v": [-0.0069]})).data.iloc[0, 0]
    assert negative == "−۰٫۰۰۷"
    one = ir.report.localize(pd.DataFrame({"v": [np.nan, 2.25]}), digits=1).data["v"].tolist()
    assert one == ["–", "۲٫۲"]  # round half to even, as Python formats


def test_numbers_are_written_as_the_persian_report_writes_them():
    """Persian digits, the decimal separator ٫ and a leading zero (reporting/analysis.py)."""
    assert ir.report.format_number(0.852, digits=3) == "۰٫۸۵۲"
    assert ir.report.format_number(0.6388) == "۰٫۶۴"


def test_persian_path_diagram_labels_and_numbers(cfa):
    g = ir.report.path_diagram(cfa, labels={"im": "بازاریابی داخلی"}, fontname="DejaVu Sans",
                               number=ir.report.format_number)
    assert 'label="بازاریابی داخلی"' in g.source and 'fontname="DejaVu Sans"' in g.source
    loading = cfa.params.query("lhs == 'im' and rhs == 'im1'")["std_all"].iloc[0]
    assert ir.report.format_number(loading) in g.source
