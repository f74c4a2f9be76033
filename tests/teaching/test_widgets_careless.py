"""The careless-responding screen widget, driven by setting its controls."""

import pytest

import im_research as ir
from im_research.errors import DataError
from im_research.teaching.widgets import CarelessScreen

BANK = ir.datasets.load("bank_service_profit_chain")
ITEMS = [c for c in BANK.columns if c[:2] in ("im", "js", "oc", "sq", "cs", "lo")]
PLANTED = BANK.attrs["codebook"]["careless_respondents"]


@pytest.fixture()
def screen(capsys):
    s = CarelessScreen(BANK, ITEMS, id_col="employee_id", planted=PLANTED)
    capsys.readouterr()
    return s


def test_the_widget_shows_the_library_s_screen(screen):
    ref = ir.quality.screen(BANK, ITEMS, id_col="employee_id")
    assert screen.summary.equals(ref.summary)
    assert list(screen.table["id"]) == list(ref.table.loc[ref.table["suspect"], "id"])
    suspects = ref.table.loc[ref.table["suspect"], "id"]
    assert screen.hits.equals(ir.quality.precision_recall(suspects, PLANTED))
    assert set(screen.table.loc[screen.table["planted"] == "yes", "id"]) <= set(PLANTED)


def test_more_flags_fewer_suspects_and_the_cutoffs_reach_the_screen(screen):
    n2 = len(screen.table)
    screen.min_flags.value = 3
    assert len(screen.table) < n2 and (screen.table["n_flags"] >= 3).all()
    screen.min_flags.value = 1
    assert len(screen.table) > n2
    assert screen.hits["recall"] == 1.0  # every planted respondent has a flag
    screen.min_flags.value = 2
    few = screen.summary["flag_irv"]
    screen.irv.value = 1.5
    assert screen.summary["flag_irv"] > few
    assert screen.thresholds()["irv_max"] == 1.5
    screen.longstring.value = 1.0  # only a run over every item counts
    assert screen.summary["flag_longstring"] == (
        ir.quality.screen(BANK, ITEMS, thresholds={"longstring_share": 1.0})
        .summary["flag_longstring"])
    screen.mahalanobis.value = 0.05
    assert screen.thresholds()["mahalanobis_p"] == 0.05


def test_no_suspect_is_said_in_words(screen, capsys):
    screen.min_flags.value = 5
    out = capsys.readouterr().out
    assert screen.table.empty and "no one is suspect" in out and "nan" not in out


def test_bad_items_are_refused_before_any_widget():
    with pytest.raises(DataError, match="nope"):
        CarelessScreen(BANK, ["im1", "nope"])
