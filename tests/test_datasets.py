"""Bundled datasets: listed, loadable with codebooks, regenerable byte for byte."""

import subprocess
import sys
from pathlib import Path

import pytest

import im_research as ir
from im_research.flagship import fit_flagship

ROOT = Path(__file__).resolve().parents[1]


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
    for f in (ROOT / "datasets").glob("bank_service_profit_chain*"):
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


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
