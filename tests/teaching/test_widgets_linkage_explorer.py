"""The linkage explorer, driven by setting its controls."""

import warnings

import pytest

import im_research as ir
from im_research.errors import ArgumentError, DataWarning
from im_research.teaching.widgets import LinkageExplorer

EMP = {"im": ["im1", "im2", "im3", "im4"], "com": ["com1", "com2", "com3"]}
CUS = {"sat": ["sat1", "sat2", "sat3"], "loy": ["loy1", "loy2", "loy3"]}


@pytest.fixture(scope="module")
def data():
    return (ir.datasets.load("bank_branch_linkage_employees"),
            ir.datasets.load("bank_branch_linkage_customers"))


@pytest.fixture(scope="module")
def explorer(data):
    return LinkageExplorer(*data, "branch", EMP, CUS)


def _linkage(data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return ir.linkage(*data, branch="branch", employee_constructs=EMP,
                          customer_constructs=CUS, **kwargs)


def test_starts_with_the_library_defaults_and_the_first_outcome(explorer, data):
    row = explorer.table.iloc[0]
    ref = _linkage(data, branch_model="sat ~ im")
    assert row["branches kept"] == len(ref.branches) and row["dropped"] == len(ref.dropped)
    assert row["ICC(2) im"] == pytest.approx(ref.aggregation.set_index("construct")
                                             .loc["im", "icc2"])
    path = ref.branch_sem.params.query("op == '~'").iloc[0]
    assert (row["path estimate"], row["path SE"]) == pytest.approx((path["est"], path["se"]))
    assert row["im aggregation"] in ("justified", "weak", "not justified")


def test_the_outcome_dropdown_changes_the_path_and_the_outcome_icc(explorer, data):
    explorer.min_employees.value, explorer.min_customers.value = 3, 5
    explorer.outcome.value = "loy"
    row = explorer.table.iloc[0]
    ref = _linkage(data, branch_model="loy ~ im")
    assert "ICC(2) loy" in explorer.table.columns and "ICC(2) sat" not in explorer.table
    assert row["ICC(2) loy"] == pytest.approx(ref.customer_icc.set_index("construct")
                                              .loc["loy", "icc2"])
    assert row["path estimate"] == pytest.approx(ref.branch_sem.params.query("op == '~'")
                                            ["est"].iloc[0])
    explorer.outcome.value = "sat"


def test_stricter_minimums_give_reliable_means_but_fewer_branches(explorer):
    explorer.min_customers.value = 5
    before = explorer.table.iloc[0].copy()
    explorer.min_customers.value = 25
    after = explorer.table.iloc[0]
    assert after["branches kept"] < before["branches kept"]
    assert after["ICC(2) sat"] > before["ICC(2) sat"]
    assert after["path SE"] > before["path SE"]  # fewer branches: a less precise linkage
    assert any("Maas & Hox" in n for n in explorer.notes)  # below 50 branches
    explorer.min_customers.value = 5


def test_too_strict_a_minimum_is_reported_not_raised(data):
    emp, cus = data
    size = emp.groupby("branch").size()
    three = list(size[size >= 15].index[:2]) + [size[(size >= 5) & (size < 15)].index[0]]
    ex = LinkageExplorer(emp[emp["branch"].isin(three)], cus[cus["branch"].isin(three)],
                         "branch", EMP, CUS)
    assert ex.table.iloc[0]["branches kept"] == 3
    ex.min_employees.value = 15  # one of the three has fewer: two are left
    assert ex.result is None and ex.table.empty
    assert "branch" in ex.notes[0]


def test_bad_constructs_are_named(data):
    with pytest.raises(ArgumentError, match="climate='js'"):
        LinkageExplorer(*data, "branch", EMP, CUS, climate="js")
    with pytest.raises(ArgumentError, match="customer_constructs"):
        LinkageExplorer(*data, "branch", EMP, {})
