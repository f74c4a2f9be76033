"""The simulation lab, driven by setting its sliders (no browser)."""

import pytest

from im_research.inference.sampling import sampling_distribution
from im_research.teaching.widgets import SimulationLab
from im_research.teaching.widgets.simulation_lab import MODEL


@pytest.fixture()
def lab(capsys):
    lab = SimulationLab(a=0.4, b=0.3, c=0.1, n=150, reps=20, seed=5)
    capsys.readouterr()  # outside a notebook the lab's displays go to stdout
    return lab


def test_truth_follows_the_sliders_and_the_study_is_refitted(lab):
    assert lab.table.loc["ind", "truth"] == pytest.approx(0.12)
    first = lab.table["this study"].copy()
    lab.a.value = 0.6
    assert lab.table.loc["js~im", "truth"] == pytest.approx(0.6)
    assert lab.table.loc["ind", "truth"] == pytest.approx(0.18)
    assert lab.table.loc["total", "truth"] == pytest.approx(0.28)
    assert not lab.table["this study"].equals(first)
    assert lab.result.nobs == 150


def test_the_sampling_table_is_the_library_s(lab):
    lab.n.value = 300
    ref = sampling_distribution(lab.population(), 300, 20, seed=6, model=MODEL,
                                truth={"ind": 0.12, "total": 0.22})
    assert lab.sampling.loc["ind", "sd"] == pytest.approx(ref.summary.loc["ind", "sd"],
                                                          abs=1e-12)
    assert len(lab.draws) == 20
    small = lab.sampling.loc["ind", "sd"]
    lab.n.value = 1000
    assert lab.sampling.loc["ind", "sd"] < small  # larger studies scatter less


def test_an_impossible_population_is_refused_and_the_last_state_kept(lab):
    lab.b.value = 0.7  # a, b, c = .4, .7, .1: R² of sq .556, possible
    assert lab.message == "" and lab.table.loc["sq~js", "truth"] == 0.7
    before = lab.table.copy()
    lab.c.value = 0.7
    assert "Not a possible population" in lab.message and "R^2" in lab.message
    assert lab.table.equals(before)
    lab.c.value = 0.0
    assert lab.message == ""
    assert lab.table.loc["sq~im", "truth"] == 0.0
