"""Synthetic employee-customer linkage data: seeded, unbalanced, with a truth that the
data reproduce (issue #13, item 4)."""

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.synthetic.linkage import CUSTOMER_ITEMS, EMPLOYEE_ITEMS, simulate_linkage
from im_research.synthetic.simulate import SimulationError


def test_same_seed_same_bytes_other_seed_other_data():
    a = simulate_linkage(15, (4, 9), (5, 12), seed=42, points=5).to_csv_bytes()
    b = simulate_linkage(15, (4, 9), (5, 12), seed=42, points=5).to_csv_bytes()
    c = simulate_linkage(15, (4, 9), (5, 12), seed=43, points=5).to_csv_bytes()
    assert a == b and a[0] != c[0] and a[1] != c[1]
    gen = simulate_linkage(15, 5, 5, seed=np.random.default_rng(42))
    assert gen.employees.shape == (75, 2 + 7)


def test_layout_and_unbalanced_sizes():
    sim = simulate_linkage(12, (3, 10), [4] * 11 + [30], seed=1)
    emp, cus = sim.employees, sim.customers
    assert list(emp.columns) == ["branch", "employee_id", *EMPLOYEE_ITEMS["im"],
                                 *EMPLOYEE_ITEMS["com"]]
    assert list(cus.columns) == ["branch", "customer_id", *CUSTOMER_ITEMS["sat"],
                                 *CUSTOMER_ITEMS["loy"]]
    sizes = emp.groupby("branch").size()
    assert sizes.tolist() == sim.truth["settings"]["employees"]
    assert sizes.between(3, 10).all() and sizes.nunique() > 1
    assert cus.groupby("branch").size().tolist() == [4] * 11 + [30]
    assert emp["employee_id"].is_unique and cus["customer_id"].is_unique


def test_likert_points():
    sim = simulate_linkage(10, 6, 6, seed=3, points=7)
    items = sim.employees.drop(columns=["branch", "employee_id"])
    assert items.min().min() >= 1 and items.max().max() <= 7
    assert all(pd.api.types.is_integer_dtype(t) for t in items.dtypes)


def test_branch_share_of_the_climate_score_matches_the_truth():
    # composite of the im items: between variance lam^2 icc + e_b/4, within the rest
    icc_im, item_icc = 0.3, 0.05
    sim = simulate_linkage(400, 20, 2, seed=8, icc_im=icc_im, item_icc=item_icc)
    lam = np.mean(list(EMPLOYEE_ITEMS["im"].values()))
    err = sim.truth["item_error_variance"] / 4
    between = lam ** 2 * icc_im + item_icc * err
    within = lam ** 2 * (1 - icc_im) + (1 - item_icc) * err
    emp = sim.employees.assign(score=sim.employees[list(EMPLOYEE_ITEMS["im"])].mean(axis=1))
    est = ir.icc(emp, "score", "branch")["icc1"]
    assert est == pytest.approx(between / (between + within), abs=0.03)


def test_equal_slopes_are_recovered_by_a_pooled_cluster_robust_fit():
    sim = simulate_linkage(150, 10, 2, seed=5, beta_within=0.5, beta_between=0.5)
    res = ir.fit("im =~ im1 + im2 + im3 + im4\ncom =~ com1 + com2 + com3\ncom ~ im",
                 data=sim.employees, cluster="branch", estimator="MLR")
    path = res.params.query("op == '~'").iloc[0]
    assert path["ci_lower"] < 0.5 < path["ci_upper"]
    assert sim.truth["within"]["com ~ im"] == sim.truth["between"]["com ~ im"] == 0.5


@pytest.mark.parametrize("kwargs, match", [
    (dict(seed=None), "seed is required"),
    (dict(seed=1, beta_between=2.0), "icc_com, beta_between"),
    (dict(seed=1, employees_per_branch=[5, 5]), "one count per branch"),
    (dict(seed=1, employees_per_branch="many"), "employees_per_branch"),
    (dict(seed=1, icc_im=1.5), "icc_im"),
    (dict(seed=1, n_branches=1), "n_branches"),
])
def test_impossible_settings_are_refused(kwargs, match):
    with pytest.raises(SimulationError, match=match):
        simulate_linkage(**{"n_branches": 4, **kwargs})


def test_bundled_linkage_dataset():
    emp = ir.datasets.load("bank_branch_linkage_employees")
    cus = ir.datasets.load("bank_branch_linkage_customers")
    book = emp.attrs["codebook"]
    assert book["kind"] == "synthetic" and "SYNTHETIC" in book["provenance"]
    assert book["linked_to"] == "bank_branch_linkage_customers"
    assert emp["branch"].nunique() == cus["branch"].nunique() == 60
    assert 10 <= emp.groupby("branch").size().mean() <= 14
    assert 22 <= cus.groupby("branch").size().mean() <= 28
    assert set(ir.datasets.codebook("bank_branch_linkage_customers")["column"]) == set(
        cus.columns)
    assert book["true_values"]["between"]["com ~ im"] == 0.6
    total = sum((ir.datasets.data_dir() / f"bank_branch_linkage_{w}.{ext}").stat().st_size
                for w in ("employees", "customers") for ext in ("csv", "codebook.json"))
    assert total < 1_000_000
