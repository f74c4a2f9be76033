"""Anonymisation: k-anonymity reached, every row accounted for, nothing leaks."""

import sys
from pathlib import Path

import pandas as pd
import pytest

import im_research as ir
from im_research.survey.anonymize import anonymize, pseudonymize, unit_summary

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from make_datasets import raw_hr_export  # noqa: E402

KEY = "test key that must never leak 1234"


@pytest.fixture(scope="module")
def release():
    raw = raw_hr_export()
    rel = anonymize(raw, key=KEY, id_col="employee_id",
                    direct_identifiers=["full_name", "email"],
                    quasi_identifiers={"birth_date": "age_from_date",
                                       "tenure_years": [0, 2, 5, 10, 20],
                                       "department": "merge_rare"},
                    sensitive=["gender"], k=5, items=["vis1", "vis2", "js1", "js2"])
    return raw, rel


def test_k_anonymity_reached(release):
    raw, rel = release
    assert rel.log["k_reached"] >= 5
    from pycanon import anonymity
    qi = ["birth_date_ageband", "tenure_years", "department"]
    assert anonymity.k_anonymity(rel.data, qi) >= 5


def test_every_row_accounted_for(release):
    raw, rel = release
    acc = rel.accounting
    assert len(acc) == len(raw) and acc["row"].tolist() == list(raw.index)
    assert (acc["status"] != "removed").sum() == len(rel.data) == rel.log["rows_out"]
    assert sum(rel.log["rows_accounted"].values()) == len(raw)
    removed = {r["row"] for r in rel.log["removed_rows"]}
    assert removed == set(acc.loc[acc["status"] == "removed", "row"])


def test_no_identifier_or_key_leaks(release):
    raw, rel = release
    text = rel.data.to_csv(index=False) + rel.log_json()
    for col in ("full_name", "email", "employee_id"):
        for value in raw[col].astype(str):
            assert value not in text, (col, value)
    for d in raw["birth_date"].astype(str).str[:10]:
        assert d not in text
    assert KEY not in text and "never leak" not in text


def test_bundled_release_has_no_identifiers():
    raw = raw_hr_export()
    files = [p for p in (ROOT / "datasets").glob("hr_release_teaching*")]
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    assert len(files) == 2
    for col in ("full_name", "email", "employee_id"):
        assert not any(v in text for v in raw[col].astype(str))
    book = ir.datasets.info("hr_release_teaching")
    assert book["release_log"]["k_reached"] >= 5 and "pid" not in ir.datasets.load(
        "hr_release_teaching").columns


def test_same_key_same_pseudonyms_links_waves():
    a = pseudonymize(["E1", "E2"], KEY)
    assert a == pseudonymize(["E1", "E2"], KEY) and a != pseudonymize(["E1", "E2"], KEY + "x")
    with pytest.raises(ir.DataError, match="at least 8 characters"):
        pseudonymize(["E1"], "short")


def test_utility_cost_is_logged(release):
    _, rel = release
    assert 0 <= rel.log["utility"]["max_abs_change_item_correlation"] < 0.05


def test_small_cell_suppression_with_complement():
    df = pd.DataFrame({"unit": ["a"] * 3 + ["b"] * 6 + ["c"] * 9, "x": range(18)})
    out = unit_summary(df, "unit", ["x"]).set_index("unit")
    assert out.loc["a", "suppressed"] == "small cell"
    assert out.loc["b", "suppressed"] == "complementary" and pd.isna(out.loc["b", "x"])
    assert out.loc["c", "suppressed"] == "" and out.loc["c", "n"] == 9
