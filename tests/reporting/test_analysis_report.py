"""The analysis report (ir.report.analysis_report): numbers in the HTML and Word tables
equal the library's own results, in English and Persian."""

import warnings
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

import im_research as ir
from im_research.errors import ArgumentError, DataError
from im_research.survey.text import parse_number

N_BOOT = 60  # small for speed; users get 2000 by default
SEED = 7
LABELS = {"im": {"en": "internal marketing", "fa": "بازاریابی داخلی"},
          "js": {"en": "job satisfaction", "fa": "رضایت شغلی"},
          "oc": {"en": "commitment", "fa": "تعهد سازمانی"},
          "sq": {"en": "service quality", "fa": "کیفیت خدمات"},
          "cs": {"en": "customer satisfaction", "fa": "رضایت مشتری"}}


@pytest.fixture(scope="module")
def bank():
    return ir.datasets.load("bank_service_profit_chain")  # raw: oc3, not oc3r


@pytest.fixture(scope="module")
def model(bank):
    return bank.attrs["codebook"]["model_syntax"]


@pytest.fixture(scope="module")
def reports(bank, model):
    """The full report (invariance, ICCs, PLS) in both languages, built once."""
    return {lang: ir.report.analysis_report(bank, model, codebook=bank.attrs["codebook"],
                                            group="role", cluster="branch", pls=True,
                                            n_boot=N_BOOT, seed=SEED, lang=lang,
                                            labels=LABELS)
            for lang in ("en", "fa")}


@pytest.fixture(params=["en", "fa"])
def report(request, reports):
    return reports[request.param]


@pytest.fixture(scope="module")
def library(bank, model):
    """The same analyses called directly, as a user would."""
    data = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    with warnings.catch_warnings():  # 28 branches: the few-clusters warning, expected
        warnings.simplefilter("ignore", ir.DataWarning)
        fit = ir.fit(model, data=data, cluster="branch")
    boot_seed, htmt_seed, pls_seed = np.random.SeedSequence(SEED).spawn(3)
    boot = ir.bootstrap(fit, n_boot=N_BOOT, seed=boot_seed)
    meas = "\n".join(line.split("#")[0] for line in model.splitlines() if "=~" in line)
    pls_model = "\n".join(line.split("#")[0].replace("a*", "").replace("b*", "")
                          .replace("c*", "").replace("d*", "")
                          for line in model.splitlines() if "=~" in line or " ~ " in line)
    pls = ir.pls(pls_model, data)
    return {"fit": fit, "boot": boot, "rel": ir.reliability(fit),
            "fl": ir.fornell_larcker(fit),
            "htmt": ir.htmt_inference(meas, data, n_boot=N_BOOT, seed=htmt_seed),
            "effects": ir.indirect_effects(fit, boot=boot),
            "inv": ir.invariance(meas, data, group="role"),
            "pls": pls, "pls_boot": pls.bootstrap(N_BOOT, seed=np.random.default_rng(pls_seed)),
            "screen": ir.quality.screen(
                data, [c for c in data.columns if c[:2] in ("im", "js", "oc", "sq", "cs", "lo")
                       and c != "oc3r"], id_col="employee_id"),
            "data": data}


# --------------------------------------------------------------------------- readers
class _Tables(HTMLParser):
    """Cells of each APA table section, keyed by its data-key."""

    def __init__(self):
        super().__init__()
        self.tables, self.key, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-key" in attrs:
            self.key = attrs["data-key"]
            self.tables[self.key] = []
        elif tag == "tr" and self.key:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.key].append(self.row)
            self.row = None
        elif tag == "section":
            self.key = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def html_tables(text):
    parser = _Tables()
    parser.feed(text)
    return {k: rows[1:] for k, rows in parser.tables.items()}  # without the header row


def docx_tables(path, report):
    doc = Document(str(path))
    keys = [t.key for kind, t in report.blocks if kind == "table"]
    assert len(doc.tables) == len(keys)
    return {k: [[c.text for c in row.cells] for row in t.rows[1:]]
            for k, t in zip(keys, doc.tables)}


def num(cell):
    value = parse_number(cell)
    assert value is not None, f"{cell!r} is not a number"
    return value


def interval(cell):
    lo, hi = cell.strip("[]").replace("،", ",").split(",")
    return num(lo), num(hi)


def close(cell, value, digits=3):
    assert abs(num(cell) - value) <= 0.5 * 10 ** -digits + 1e-9, (cell, value)


@pytest.fixture(scope="module")
def all_cells(reports, tmp_path_factory):
    out = {}
    for lang, rep in reports.items():
        out[lang, "html"] = html_tables(rep.to_html())
        path = rep.save(tmp_path_factory.mktemp("docx") / f"report_{lang}.docx")
        out[lang, "docx"] = docx_tables(path, rep)
    return out


@pytest.fixture(params=[("en", "html"), ("en", "docx"), ("fa", "html"), ("fa", "docx")],
                ids="-".join)
def cells(request, all_cells):
    """The table cells as a reader sees them, per language and format."""
    return all_cells[request.param]


# --------------------------------------------------------------------------- numbers
def test_loadings_and_reliability_equal_the_library(cells, library):
    p = library["fit"].params
    load = p[p["op"] == "=~"].reset_index(drop=True)
    rows = cells["loadings"]
    assert [r[1] for r in rows] == list(load["rhs"])  # oc3r scored from the codebook
    for row, (_, ref) in zip(rows, load.iterrows()):
        close(row[2], ref["est"])
        close(row[4], ref["std_all"])
        assert (row[7] in ("meets", "قابل قبول")) == (ref["std_all"] >= 0.708)
    rel = library["rel"]
    for row, (_, ref) in zip(cells["reliability"], rel.iterrows()):
        assert row[0] == ref["factor"]
        for cell, col in zip(row[2:6], ["alpha", "omega", "cr", "ave"]):
            close(cell, ref[col])
    fl = library["fl"]
    for row in cells["fornell_larcker"]:
        f = row[0]
        close(row[1 + list(fl.index).index(f)], fl.loc[f, f])  # √AVE on the diagonal


def test_htmt_intervals_equal_htmt_inference(cells, library):
    ref = library["htmt"]
    assert len(cells["htmt"]) == len(ref)
    for row, (_, r) in zip(cells["htmt"], ref.iterrows()):
        assert row[0] == f"{r['factor_a']} – {r['factor_b']}"
        close(row[1], r["htmt"])
        close(row[2], r["ci_lower"])
        close(row[3], r["ci_upper"])


def test_fit_paths_and_indirect_effects_equal_the_library(cells, library):
    fm = library["fit"].fit_measures  # cluster-robust fit: the scaled test and robust indices
    fit_rows = {r[0]: r for r in cells["fit"]}
    close(fit_rows["χ²"][1], fm["chisq_scaled"])
    for k in ("cfi", "tli", "rmsea"):
        close(fit_rows[k.upper()][1].split()[0], fm[f"{k}_robust"])
    close(fit_rows["SRMR"][1], fm["srmr"])
    lo, hi = interval(fit_rows["RMSEA"][1].split(" ", 1)[1])
    assert abs(lo - fm["rmsea_ci_lower_robust"]) < 5e-4
    assert abs(hi - fm["rmsea_ci_upper_robust"]) < 5e-4
    p = library["fit"].params
    reg = p[p["op"] == "~"].reset_index(drop=True)
    bt = library["boot"].table.set_index(["lhs", "op", "rhs"])
    for row, (_, r) in zip(cells["paths"], reg.iterrows()):
        assert row[0] == f"{r['rhs']} → {r['lhs']}"
        close(row[1], r["est"])
        close(row[2], r["se"])
        close(row[3], r["std_all"])
        blo, bhi = interval(row[6])
        assert abs(blo - bt.loc[(r["lhs"], "~", r["rhs"]), "ci_lower"]) < 5e-4
        assert abs(bhi - bt.loc[(r["lhs"], "~", r["rhs"]), "ci_upper"]) < 5e-4
    close(cells["paths"][0][7], library["fit"].rsquare["js"])
    eff = library["effects"]
    ind = eff[eff["kind"] == "indirect"].reset_index(drop=True)
    rows = [r for r in cells["indirect"] if "⇒" not in r[0] and "→" in r[0]]
    assert len(rows) == len(ind)
    for row, (_, r) in zip(rows, ind.iterrows()):
        close(row[2], r["est"])
        lo, hi = interval(row[5])
        assert abs(lo - r["boot_ci_lower"]) < 5e-4 and abs(hi - r["boot_ci_upper"]) < 5e-4
    defined = cells["indirect"][-1]
    assert defined[0] == "ind_im_cs"
    close(defined[2], bt.loc[("ind_im_cs", ":=", "a*b*c*d"), "est"])


def test_invariance_icc_and_pls_equal_the_library(cells, library):
    inv = library["inv"]
    for row, (step, r) in zip(cells["invariance"], inv.iterrows()):
        close(row[1], r["chisq"])
        close(row[4], r["rmsea"])
        if step != "configural":
            close(row[6], r["delta_chisq"])
            close(row[9], r["delta_cfi"])
            assert (row[-1] in ("supported", "برقرار")) == ("NOT" not in r["verdict"])
    data = library["data"]
    scores = data[["im1", "im2", "im3", "im4"]].mean(axis=1).to_frame("im")
    scores["branch"] = data["branch"]
    close(cells["icc"][0][1], ir.icc(scores, "im", "branch")["icc1"])
    pb = library["pls_boot"].paths
    for row, (name, r) in zip(cells["pls_paths"], pb.iterrows()):
        assert row[0] == name.replace("->", "→")
        close(row[1], r["original"])
        lo, hi = interval(row[4])
        assert abs(lo - r["ci_lower"]) < 5e-4 and abs(hi - r["ci_upper"]) < 5e-4
    rel = library["pls"].reliability()
    for row, (f, r) in zip(cells["pls_reliability"], rel.iterrows()):
        assert row[0] == f
        close(row[2], r["rhoA"])
        close(row[4], r["AVE"])


def test_sample_counts_careless_flags_and_methods(report, library):
    sample = report.tables["sample"]
    assert sample["rows"].tolist() == [420, 420]  # nothing dropped: flagged, not removed
    flagged = int(library["screen"].table["suspect"].sum())
    assert int(report.screen.table["suspect"].sum()) == flagged > 0
    text = "\n".join(item for kind, item in report.blocks if kind == "p")
    digits = str(flagged) if report.lang == "en" else str(flagged).translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert digits in text
    assert ir.__version__.translate(str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")) in text or \
        ir.__version__ in text
    assert "Hu" in text and "Henseler" in text and "Fornell" in text


def test_persian_layout_in_html_and_docx(report, tmp_path):
    html = report.to_html()
    path = report.save(tmp_path / "r.docx")
    doc = Document(str(path))
    bidi_tables = [t for t in doc.tables if t._tbl.tblPr.find(qn("w:bidiVisual")) is not None]
    bidi_pars = [p for p in doc.paragraphs if p._p.pPr is not None
                 and p._p.pPr.find(qn("w:bidi")) is not None]
    titles = [p for p in doc.paragraphs if p.runs and all(r.italic for r in p.runs)]
    assert titles, "APA table titles are italic"
    assert len(doc.inline_shapes) == 1  # the path diagram as a picture
    if report.lang == "fa":
        assert '<html lang="fa" dir="rtl">' in html
        assert "بازاریابی داخلی" in html and "۰٫" in html
        assert len(bidi_tables) == len(doc.tables) and len(bidi_pars) > 20
    else:
        assert 'dir="rtl"' not in html and not bidi_tables and not bidi_pars
        assert "internal marketing" in html


def test_same_seed_same_html_bytes(bank, model):
    kw = dict(codebook=bank.attrs["codebook"], n_boot=50, seed=3)
    a = ir.report.analysis_report(bank, model, **kw).to_html()
    b = ir.report.analysis_report(bank, model, **kw).to_html()
    assert a == b
    c = ir.report.analysis_report(bank, model, **{**kw, "seed": 4}).to_html()
    assert c != a


def test_dropped_rows_are_counted_by_reason(bank, model):
    data = bank.copy()
    data.loc[[3, 10], "js2"] = np.nan
    data.loc[5, "role"] = np.nan
    rep = ir.report.analysis_report(data, model, codebook=bank.attrs["codebook"],
                                    group="role", drop_careless=True, n_boot=50, seed=1)
    s = rep.tables["sample"].set_index("step")["rows"]
    assert s["read"] == 420 and s["miss_group"] == -1 and s["listwise"] == -2
    assert s["careless_drop"] < 0
    assert s["analysed"] == 420 + s["miss_group"] + s["careless_drop"] + s["listwise"]
    assert rep.fit.nobs == s["analysed"]


def test_without_codebook_reverse_scored_data_and_no_extras(model):
    data = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    rep = ir.report.analysis_report(data, model, n_boot=50, seed=1)
    assert "invariance" not in rep.tables and "pls_paths" not in rep.tables
    assert rep.tables["fit"].loc[0, "cfi"] == pytest.approx(ir.fit(model, data=data)
                                                            .fit_measures["cfi"])


def test_bad_inputs_are_named(bank, model, tmp_path):
    cb = bank.attrs["codebook"]
    with pytest.raises(ArgumentError, match="lang="):
        ir.report.analysis_report(bank, model, codebook=cb, seed=1, lang="de")
    with pytest.raises(ArgumentError, match="seed= is required"):
        ir.report.analysis_report(bank, model, codebook=cb)
    with pytest.raises(ArgumentError, match="n_boot"):
        ir.report.analysis_report(bank, model, codebook=cb, seed=1, n_boot=10)
    with pytest.raises(DataError, match="group='dept' is not a column"):
        ir.report.analysis_report(bank, model, codebook=cb, seed=1, group="dept")
    bad = bank.copy()
    bad.loc[4, "im2"] = 9
    with pytest.raises(DataError, match=r"'im2', row 4: 9(\.0)? "):
        ir.report.analysis_report(bad, model, codebook=cb, seed=1, n_boot=50)
    rep = ir.report.analysis_report(bank, model, codebook=cb, seed=1, n_boot=50)
    with pytest.raises(ArgumentError, match=r"\.html or \.docx"):
        rep.save(tmp_path / "report.pdf")
    assert isinstance(rep.tables["loadings"], pd.DataFrame)
