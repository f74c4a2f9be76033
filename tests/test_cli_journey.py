"""The researcher's journey on the command line, end to end on a generated SPSS file:
survey read → analyze (HTML and Word, English and Persian) → simulate → pls → anonymize,
with the exit codes scripts rely on (0 done, 1 data/model error, 2 usage)."""

import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn

import im_research as ir
from im_research.cli import main
from im_research.survey.text import parse_number

MODEL = ir.datasets.info("bank_service_profit_chain")["model_syntax"]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A bank survey as SPSS exports it (one declared user-missing answer, 99), its
    codebook in YAML, the model and Persian labels."""
    folder = tmp_path_factory.mktemp("study")
    bank = ir.datasets.load("bank_service_profit_chain")
    bank.attrs = {}
    bank.loc[6, "im2"] = 99
    pyreadstat.write_sav(bank, folder / "bank.sav", missing_ranges={"im2": [99]})
    variables = []
    for v in ir.datasets.codebook("bank_service_profit_chain").to_dict("records"):
        var = {"name": v["column"], "text": v["text_en"]}
        if "Likert" in v["coding"]:
            var.update(type="likert", points=int(v["coding"].split("-")[1].split()[0]),
                       construct=v["construct"], reverse=bool(v["reverse"]))
        else:
            var["type"] = {"employee_id": "id", "role": "text"}.get(v["column"], "numeric")
        variables.append(var)
    (folder / "codebook.yaml").write_text(yaml.safe_dump(
        {"study": "bank", "missing_codes": [99], "variables": variables}, allow_unicode=True))
    (folder / "model.lav").write_text(MODEL)
    (folder / "labels.yaml").write_text("im: {en: internal marketing, fa: بازاریابی داخلی}\n"
                                        "cs: {en: customer satisfaction, fa: رضایت مشتری}\n")
    return folder


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_survey_read_writes_clean_data_and_the_import_report(study, capsys, tmp_path):
    code, out, _ = run(capsys, "survey", "read", study / "bank.sav", "--codebook",
                       study / "codebook.yaml", "--out", tmp_path / "clean.csv",
                       "--import-report", tmp_path / "import.txt")
    assert code == 0
    clean = pd.read_csv(tmp_path / "clean.csv")
    assert clean.shape[0] == 420 and np.isnan(clean.loc[6, "im2"])
    report = (tmp_path / "import.txt").read_text()
    assert "read 420 rows from bank.sav (sav" in report and "user-missing" in report
    assert "wrote 420 rows" in out


def test_analyze_writes_html_and_docx_whose_numbers_are_the_librarys(study, capsys,
                                                                       tmp_path):
    html, docx = tmp_path / "report.html", tmp_path / "report.docx"
    code, out, err = run(capsys, "analyze", study / "bank.sav", "--codebook",
                         study / "codebook.yaml", "--model", study / "model.lav",
                         "--group", "role", "--n-boot", 50, "--seed", 2,
                         "--out", html, "--out", docx)
    assert code == 0, err
    assert f"wrote {html}" in out and f"wrote {docx}" in out
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "data:image/svg+xml;base64," in text
    # the same analysis through the library: the row with the user-missing answer is
    # dropped listwise, oc3r is scored from the codebook
    data = ir.datasets.load("bank_service_profit_chain", reverse_scored=True).drop(index=6)
    fit = ir.fit(MODEL, data=data)
    doc = Document(str(docx))
    titles = [p.text for p in doc.paragraphs if p.runs and all(r.italic for r in p.runs)]
    assert "Standardized factor loadings" in titles
    sample, loadings = doc.tables[0], doc.tables[1]
    rows = {r.cells[0].text: r.cells[1].text for r in sample.rows[1:]}
    assert rows["rows read"] == "420" and rows["analysed"] == "419"
    assert rows["dropped: missing answers to model items (listwise deletion)"] == "1"
    std = fit.params.loc[fit.params["op"] == "=~", "std_all"].to_numpy()
    cells = [parse_number(r.cells[4].text) for r in loadings.rows[1:]]
    np.testing.assert_allclose(cells, std, atol=5e-4 + 1e-9)
    assert "CFI" in out and f"n = {fit.nobs}" in out


def test_analyze_in_persian_is_right_to_left(study, capsys, tmp_path):
    docx = tmp_path / "report_fa.docx"
    code, _, err = run(capsys, "analyze", study / "bank.sav", "--codebook",
                       study / "codebook.yaml", "--model", study / "model.lav", "--lang", "fa",
                       "--labels", study / "labels.yaml", "--n-boot", 50, "--out", docx)
    assert code == 0, err
    doc = Document(str(docx))
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "مدل اندازه‌گیری" in body and "بازاریابی داخلی" in body
    assert doc.tables[0].rows[1].cells[1].text == "۴۲۰"


def test_simulate_gives_the_same_bytes_for_the_same_seed(capsys, tmp_path):
    pop = tmp_path / "pop.lav"
    pop.write_text("f =~ .8*x1 + .7*x2 + .7*x3\ny =~ .8*y1 + .7*y2 + .7*y3\ny ~ .4*f\n")
    args = ["simulate", pop, "--n", 150, "--seed", 3, "--points", 5, "--careless", 0.05]
    assert run(capsys, *args, "--out", tmp_path / "a.csv", "--truth", tmp_path / "t.json")[0] == 0
    assert run(capsys, *args, "--out", tmp_path / "b.csv")[0] == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    truth = json.loads((tmp_path / "t.json").read_text())
    assert {"lhs": "y", "op": "~", "rhs": "f", "std_all": 0.4} in truth["params"]
    sim = pd.read_csv(tmp_path / "a.csv")
    assert len(sim) == 150 and sim["x1"].between(1, 5).all()


def test_pls_and_anonymize(study, capsys, tmp_path):
    clean = tmp_path / "clean.csv"
    assert run(capsys, "survey", "read", study / "bank.sav", "--codebook",
               study / "codebook.yaml", "--out", clean)[0] == 0
    model = tmp_path / "pls.lav"
    model.write_text("im =~ im1 + im2 + im3 + im4\njs =~ js1 + js2 + js3\njs ~ im\n")
    code, out, _ = run(capsys, "pls", model, clean, "--boot", 100, "--seed", 1)
    assert code == 0 and out.startswith("PLS-SEM") and "PLS bootstrap" in out
    code, out, err = run(capsys, "anonymize", clean, "--id-col", "employee_id",
                         "--rule", "tenure_years=band10", "--rule", "branch=merge_rare",
                         "--items", "im1,im2,js1", "--k", 5, "--out", tmp_path / "rel.csv",
                         "--log", tmp_path / "log.md")
    assert code == 0, err
    released = pd.read_csv(tmp_path / "rel.csv")
    assert "employee_id" not in released and len(released) <= 420
    assert (tmp_path / "log.md").read_text().startswith("# Release log")


@pytest.mark.parametrize("args, code, pattern", [
    (["analyze", "{s}/absent.sav", "--model", "{s}/model.lav", "--out", "r.html"], 2,
     r"survey file '.*absent\.sav' does not exist"),
    (["analyze", "{s}/bank.sav", "--model", "{s}/model.lav", "--out", "r.pdf"], 2,
     r"--out 'r\.pdf': give a file name ending in \.html or \.htm or \.docx"),
    (["analyze", "{s}/bank.sav", "--model", "{s}/model.lav", "--n-boot", "5",
      "--out", "r.html"], 2, r"n_boot=5"),
    (["analyze", "{s}/bank.sav", "--codebook", "{s}/codebook.yaml", "--model",
      "{s}/model.lav", "--group", "dept", "--out", "r.html"], 1,
     r"group='dept' is not a column"),
    (["analyze", "{s}/bank.sav", "--model", "{s}/bad.lav", "--out", "r.html"], 1,
     r"model syntax, line 1"),
    (["survey", "read", "{s}/bank.sav", "--out", "clean.xlsx"], 2, r"\.csv or \.parquet"),
    (["anonymize", "{s}/bank.sav", "--key-env", "IMR_UNSET_KEY", "--out", "r.csv",
      "--log", "l.md"], 2, r"--key-env IMR_UNSET_KEY: the environment variable is not set"),
    (["pls", "{s}/model.lav", "{s}/bank.sav", "--boot", "10"], 1, r"remove defined "
                                                                    r"parameters"),
])
def test_errors_name_the_file_column_or_option(study, capsys, monkeypatch, tmp_path, args,
                                               code, pattern):
    import re

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMR_UNSET_KEY", raising=False)
    (study / "bad.lav").write_text("f =~ x1 +\n")
    got, out, err = run(capsys, *[a.format(s=study) for a in args])
    assert got == code, err
    assert err.startswith("error: ") and re.search(pattern, err), err
    assert not (tmp_path / "r.html").exists()


def test_usage_errors_exit_2_and_help_shows_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "survey.sav"])  # --model and --out missing
    assert exc.value.code == 2
    for command in (["analyze"], ["survey", "read"], ["anonymize"], ["simulate"], ["pls"],
                    ["fit"], ["lessons"]):
        with pytest.raises(SystemExit) as exc:
            main(command + ["--help"])
        assert exc.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and "exit codes:" in text, command
