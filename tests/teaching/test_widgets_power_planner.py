"""The power planner, driven by setting its controls (no browser)."""

import numpy as np
import pytest

from im_research.inference.power import power
from im_research.teaching.widgets import PowerPlanner
from im_research.teaching.widgets.power_planner import INDIRECT, population

A, B, C, IND = "a: ic → oc", "b: oc → sq", "c: ic → sq (direct)", "indirect a·b"


@pytest.fixture()
def planner(capsys):
    planner = PowerPlanner(a=0.3, b=0.25, c=0.1, n=(60, 400), reps=60, seed=2)
    capsys.readouterr()  # outside a notebook the planner's displays go to stdout
    return planner


def test_the_table_is_the_library_s_power(planner):
    ns = planner.table["n"].tolist()
    assert ns == [60, 128, 196, 264, 332, 400]
    ref = power(population(0.3, 0.25, 0.1), n=ns, reps=60, seed=2, indirect=INDIRECT)
    assert planner.result.equals(ref)
    ind = ref[ref["op"] == ":="].set_index("n")["power"]
    assert planner.table.set_index("n")[IND].equals(ind.rename(IND))


def test_more_employees_give_more_power(planner):
    small = planner.table.iloc[0]
    large = planner.table.iloc[-1]
    assert all(large[c] > small[c] for c in (A, B, IND))
    before = planner.table[IND].mean()
    planner.n.value = (500, 1200)
    assert planner.table["n"].iloc[0] == 500
    assert planner.table[IND].mean() > before
    assert planner.smallest_n()[A] == 500  # .3 is found at 500 in (nearly) every sample


def test_a_smaller_path_gives_less_power(planner):
    before = planner.table[[A, IND]].to_numpy()
    planner.a.value = 0.15
    after = planner.table[[A, IND]].to_numpy()
    assert np.all(after <= before) and after.sum() < before.sum() - 1
    # the other path's population did not change: its power stays high
    assert planner.table[B].iloc[-1] > 0.8


def test_branches_design_with_icc(planner):
    planner.design.value = "branches"
    tab = planner.table
    assert tab["branches"].tolist() == [10, 20, 30, 40, 50, 60]
    assert (tab["n"] == tab["branches"] * 8).all()
    assert tab["deff (paths)"].iloc[0] == pytest.approx(1 + 7 * 0.1 ** 2)
    ind_low_icc = tab[IND].to_numpy()
    planner.icc.value = 0.5
    assert planner.table["deff (paths)"].iloc[0] == pytest.approx(1 + 7 * 0.25)
    # the same employees carry less information when branches differ more
    assert planner.table[IND].sum() < ind_low_icc.sum()
    assert (planner.table["effective n"] < planner.table["n"]).all()


def test_an_impossible_population_is_refused_and_the_last_state_kept(planner):
    before = planner.table.copy()
    planner.b.value = 0.7
    planner.c.value = 0.7
    planner.a.value = 0.7  # R² of sq above 1
    assert "Not a possible population" in planner.message
    assert not planner.table.empty
    planner.a.value = 0.3
    planner.b.value = 0.25
    planner.c.value = 0.1
    assert planner.message == "" and planner.table.equals(before)


def test_bad_design_is_refused():
    with pytest.raises(ValueError, match="design='clusters'"):
        PowerPlanner(design="clusters", reps=20)
