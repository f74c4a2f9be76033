"""The attacker's test of every anonymised dataset the project ships, from the files alone:
an employer who knows each employee's demographic and organisational columns must find
every combination of them shared by at least k rows."""

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from im_research.survey.disclosure import looks_demographic, looks_identifying

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
sys.path.insert(0, str(ROOT / "scripts"))
from make_datasets import raw_hr_export  # noqa: E402


def _anonymised():
    books = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted(DATASETS.glob("*.codebook.json"))]
    return [b for b in books if "anonymised" in b["kind"]]


ANONYMISED = _anonymised()


def _read(book):
    # as text, nothing parsed: '*' and every band stay exactly as printed
    return pd.read_csv(DATASETS / book["file"], dtype=str, keep_default_na=False)


def test_the_hr_release_is_among_them():
    assert [b["name"] for b in ANONYMISED] == ["hr_release_teaching"]


@pytest.mark.parametrize("book", ANONYMISED, ids=lambda b: b["name"])
def test_every_demographic_combination_holds_k_rows(book):
    data = _read(book)
    demographic = [c for c in data.columns if looks_demographic(c)]
    log = book["release_log"]
    k = log["k_required"]
    assert k >= 5
    # every demographic column of the file was a quasi-identifier of the release
    assert set(demographic) <= set(log["attacker"]["quasi_identifiers"])
    sizes = data.groupby(log["attacker"]["quasi_identifiers"]).size()
    assert sizes.min() >= k
    assert log["k_reached"] == sizes.min()  # the log tells the truth
    assert log["after"]["equivalence_classes"] == len(sizes)
    from pycanon import anonymity
    assert anonymity.k_anonymity(data, demographic) >= k


def test_hr_release_against_the_employer_of_the_issue():
    book = next(b for b in ANONYMISED if b["name"] == "hr_release_teaching")
    data = _read(book)
    sizes = data.groupby(["birth_date_ageband", "gender", "department",
                          "tenure_years"]).size()
    assert sizes.min() >= 5, sizes[sizes < 5]
    items = [c for c in data.columns if c[-1].isdigit()]
    assert len(items) == 15
    # the employer cannot read any answer off a class: 3 different answers in each
    assert data.groupby(["birth_date_ageband", "gender", "department", "tenure_years"])[
        items].nunique().min().min() >= 3


@pytest.mark.parametrize("book", ANONYMISED, ids=lambda b: b["name"])
def test_no_identifier_or_pseudonym_survives(book):
    data = _read(book)
    text = (DATASETS / book["file"]).read_text(encoding="utf-8") + json.dumps(
        book, ensure_ascii=False)
    assert not [c for c in data.columns if looks_identifying(c, data[c])]
    assert "pid" not in data.columns
    raw = raw_hr_export()
    for col in ("full_name", "email", "employee_id"):
        assert not [v for v in raw[col].astype(str) if v in text], col
    assert not [d for d in raw["birth_date"].astype(str).str[:10] if d in text]
    assert "key" not in json.dumps(book["release_log"]).lower()


def test_docs_quote_the_release_log():
    log = next(b for b in ANONYMISED if b["name"] == "hr_release_teaching")["release_log"]
    docs = (ROOT / "docs" / "datasets.md").read_text(encoding="utf-8")
    cells = sum(log["suppressed_cells"].values())
    assert (f"{cells} cells suppressed (`*`) in {log['records_with_suppression']} of "
            f"{log['rows_in']} records") in docs
    assert (f"| combinations of the four columns (classes) | 109 | "
            f"{log['before']['equivalence_classes']} | "
            f"{log['after']['equivalence_classes']} |") in docs
    assert f"| global risk (mean 1/f_k) | 0.274 | {log['before']['risk_global']:.3f} | " \
           f"{log['after']['risk_global']:.3f} |" in docs
    assert f"0.{round(log['utility']['information_loss_mean'] * 1000):03d} on average" in docs
