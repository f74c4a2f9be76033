"""The command line: summary, JSON and clear errors."""

import json

import numpy as np
import pandas as pd
import pytest

from im_research.cli import main


@pytest.fixture()
def files(tmp_path):
    rng = np.random.default_rng(3)
    f = rng.normal(size=200)
    df = pd.DataFrame({f"x{i}": 0.7 * f + rng.normal(scale=0.7, size=200) for i in range(1, 5)})
    data = tmp_path / "survey.csv"
    df.to_csv(data, index=False)
    model = tmp_path / "model.lav"
    model.write_text("# one factor\nf =~ x1 + x2 + x3 + x4\n")
    return model, data


def test_fit_prints_summary(files, capsys):
    model, data = files
    assert main(["fit", str(model), str(data)]) == 0
    out = capsys.readouterr().out
    assert "Number of observations" in out and "Latent variables" in out and "CFI" in out


def test_fit_json(files, capsys):
    model, data = files
    assert main(["fit", str(model), str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["converged"] is True and out["nobs"] == 200
    assert out["fit_measures"]["df"] == 2
    loads = [p for p in out["params"] if p["op"] == "=~"]
    assert [p["rhs"] for p in loads] == ["x1", "x2", "x3", "x4"]
    assert loads[0]["se"] == 0 and loads[0]["z"] is None  # fixed marker


def test_fit_error_is_reported_not_raised(files, tmp_path, capsys):
    model, data = files
    bad = tmp_path / "bad.lav"
    bad.write_text("f =~ x1 + x2 + x9\n")
    assert main(["fit", str(bad), str(data)]) == 1  # a data/model error, not usage (2)
    assert "x9" in capsys.readouterr().err


def test_fit_ordered_items_with_wlsmv(tmp_path, capsys):
    from conftest import load_reference, load_reference_data

    ref = load_reference("hs_likert_wlsmv")
    data = tmp_path / "likert.csv"
    load_reference_data("hs_likert.csv").to_csv(data, index=False)
    model = tmp_path / "model.lav"
    model.write_text(ref["model_syntax"])
    assert main(["fit", str(model), str(data), "--ordered", "all", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["estimator"] == "WLSMV"
    assert abs(out["fit_measures"]["chisq_scaled"] / ref["fit_measures"]["chisq.scaled"] - 1) < 1e-6
    assert sum(p["op"] == "|" for p in out["params"]) == 36
