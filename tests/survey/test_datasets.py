"""Bundled datasets: listed, loadable with codebooks, regenerable byte for byte."""

import subprocess
import sys
from pathlib import Path

import pytest

import im_research as ir
from im_research.teaching.flagship import fit_flagship

ROOT = Path(__file__).resolve().parents[2]


def test_list_and_load():
    listing = ir.datasets.list()
    assert {"name", "kind", "n", "description"} <= set(listing.columns)
    bank = ir.datasets.load("bank_service_profit_chain")
    book = bank.attrs["codebook"]
    assert book["kind"] == "synthetic" and "SYNTHETIC" in book["provenance"]
    assert len(bank) == book["n"] == 420
    cb = ir.datasets.codebook("bank_service_profit_chain")
    assert set(cb["column"]) == set(bank.columns)
    assert cb.set_index("column").loc["oc3", "reverse"]
    assert cb["text_fa"].str.len().min() > 0


def test_unknown_dataset():
    with pytest.raises(ir.DataError, match="unknown dataset 'bank'"):
        ir.datasets.load("bank")


def test_regeneration_is_byte_identical(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_datasets.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True)
    committed = sorted(p.name for p in (ROOT / "datasets").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (ROOT / "datasets" / name).read_bytes(), name


def test_flagship_model_fits_and_recovers_the_chain():
    res = fit_flagship()
    fm = res.fit_measures
    assert res.converged and fm["cfi"] > 0.95 and fm["rmsea"] < 0.06
    truth = ir.datasets.info("bank_service_profit_chain")["true_values"]
    true_paths = {(t["lhs"], t["rhs"]): t["std_all"] for t in truth if t["op"] == "~"}
    est = res.params.query("op == '~'").set_index(["lhs", "rhs"])
    for key, value in true_paths.items():
        if key in est.index:
            lo, hi = est.loc[key, "ci_lower"], est.loc[key, "ci_upper"]
            assert lo < est.loc[key, "est"] < hi
            assert abs(est.loc[key, "std_all"] - value) < 0.15, key


EXPECTED = {"bank_service_profit_chain", "clinic_im_programme", "ski_resort_branding",
            "airline_integrated_marketing", "bagozzi1980_salesforce", "williams_anderson1994"}


def test_every_dataset_loads_with_an_honest_codebook():
    listing = ir.datasets.list().set_index("name")
    assert EXPECTED <= set(listing.index)
    for name in EXPECTED:
        book = ir.datasets.info(name)
        data = ir.datasets.load(name, reverse_scored=True)
        assert len(book["description"]) > 20
        if book["kind"] == "synthetic":
            assert "SYNTHETIC" in book["provenance"] and len(data) == book["n"]
            assert set(ir.datasets.codebook(name)["column"]) == set(
                ir.datasets.load(name).columns)
            res = ir.fit(book["model_syntax"], data=data.dropna())
            assert res.converged
        else:
            assert book["kind"] == "published summary statistics"
            assert "PUBLISHED SUMMARY STATISTICS" in book["provenance"] and book["citation"]
            res = ir.fit(book["model_syntax"], **ir.datasets.fit_inputs(name))
            assert res.converged and res.nobs == book["n"]


def test_airline_departments_and_clinic_waves():
    air = ir.datasets.load("airline_integrated_marketing")
    assert set(air["department"]) == {"catering", "maintenance", "HR", "finance",
                                      "cabin crew"}
    clinic = ir.datasets.load("clinic_im_programme")
    gain = clinic[["im1_t2", "im2_t2", "im3_t2"]].mean().mean() - clinic[
        ["im1_t1", "im2_t1", "im3_t1"]].mean().mean()
    assert gain > 0.3  # the programme effect is visible in the item means


def test_fit_inputs_refuses_raw_data():
    with pytest.raises(ir.DataError, match="holds raw data"):
        ir.datasets.fit_inputs("bank_service_profit_chain")
