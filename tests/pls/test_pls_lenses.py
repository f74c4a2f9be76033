"""compare_lenses: CB-SEM, PLS and PLSc side by side. Each column is checked against the
fit it comes from, and on a common-factor population (cSEM's DGP, data with sample
covariance exactly Σ) PLSc and CB-SEM must both return the population values."""

import numpy as np
import pytest
from plsref import data, exact_sample, oracle

import im_research as ir
from im_research.errors import ArgumentError, ModelSyntaxError

BANK = """
im =~ im1 + im2 + im3 + im4
js =~ js1 + js2 + js3
oc =~ oc1 + oc2 + oc3
js ~ im
oc ~ js + im
"""


@pytest.fixture(scope="module")
def bank_table():
    bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    return ir.compare_lenses(BANK, bank), bank


def test_columns_come_from_the_three_fits(bank_table):
    table, bank = bank_table
    cb = ir.fit(BANK, bank)
    plain = ir.pls(BANK, bank, missing="casewise")
    plsc = ir.pls(BANK, bank, missing="casewise", consistent=True)
    rows = table.set_index("subject")
    std = cb.params.set_index(["lhs", "op", "rhs"])["std_all"]
    assert rows.loc["im -> js", "cb_sem"] == pytest.approx(std[("js", "~", "im")], abs=1e-12)
    assert rows.loc["im -> js", "pls"] == pytest.approx(plain.path_matrix.loc["im", "js"])
    assert rows.loc["im -> js", "plsc"] == pytest.approx(plsc.path_matrix.loc["im", "js"])
    lam = np.array([std[("js", "=~", f"js{i}")] for i in (1, 2, 3)])
    rel = rows[rows["kind"] == "reliability"].loc["js"]
    assert rel["cb_sem"] == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))
    assert rel["pls"] == pytest.approx(plain.reliability().loc["js", "rhoC"])
    assert rows[rows["kind"] == "r2"].loc["oc", "cb_sem"] == pytest.approx(cb.rsquare["oc"])
    assert (table["pls_minus_cb"] == table["pls"] - table["cb_sem"]).all()
    assert set(table["kind"]) == {"path", "loading", "r2", "reliability", "ave"}
    assert set(table.attrs["fits"]) == {"cb_sem", "pls", "plsc"}


def test_composites_attenuate_and_plsc_recovers(bank_table):
    table, _ = bank_table
    paths = table[table["kind"] == "path"].set_index("subject")
    assert abs(paths.loc["im -> js", "pls"]) < abs(paths.loc["im -> js", "cb_sem"])
    assert paths.loc["im -> js", "note"].startswith("PLS smaller")
    # PLSc estimates the common-factor model: much closer to CB-SEM than plain PLS
    assert (table["plsc_minus_cb"].abs().mean() < table["pls_minus_cb"].abs().mean() / 3)


def test_population_common_factor_model_agrees_exactly():
    sigma = oracle("cSEM_dgp", "DGP_linear_3commonfactors_Sigma")
    x = exact_sample(sigma, n=400)
    model = "\n".join(f"eta{j} =~ y{j}1 + y{j}2 + y{j}3" for j in (1, 2, 3))
    table = ir.compare_lenses(model + "\neta2 ~ eta1\neta3 ~ eta1 + eta2", x)
    assert table["plsc_minus_cb"].abs().max() < 1e-5
    truth = oracle("cSEM_dgp", "DGP_linear_3commonfactors_pop_Path_coefficients")["x"]
    paths = table[table["kind"] == "path"].set_index("subject")
    assert paths.loc["eta1 -> eta2", "cb_sem"] == pytest.approx(truth["eta2 ~ eta1"], abs=1e-5)


def test_refuses_what_one_lens_cannot_read():
    mobi = data("mobi")
    with pytest.raises(ModelSyntaxError, match="both lenses"):
        ir.compare_lenses("A <~ CUEX1 + CUEX2\nB =~ CUSA1 + CUSA2\nB ~ A", mobi)
    with pytest.raises(ModelSyntaxError, match="both lenses"):
        ir.compare_lenses("A =~ CUEX1 + CUEX2\nB =~ CUSA1 + CUSA2\nC =~ PERV1 + PERV2\n"
                          "B ~ A + C + A:C", mobi)
    with pytest.raises(ArgumentError, match="tol"):
        ir.compare_lenses("A =~ CUEX1 + CUEX2\nB =~ CUSA1 + CUSA2\nB ~ A", mobi, tol=0)
