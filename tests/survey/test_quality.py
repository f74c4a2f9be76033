"""Careless-responding screens on simulated data with known careless respondents."""

import pytest

import im_research as ir
from im_research.survey.quality import precision_recall, screen


@pytest.mark.parametrize("model", ["internal_branding", "integrated_marketing"])
def test_screen_finds_planted_careless_respondents(model):
    pop = getattr(ir.models, model)().population
    sim = ir.simulate.draw(pop, 600, seed=4, points=7, careless=0.05)
    items = [c for c in sim.data if c != "id"]
    res = screen(sim.data, items, id_col="id")
    pr = precision_recall(res.table.loc[res.table["suspect"], "id"], sim.truth["careless"])
    # measured: precision .78 / 1.0, recall .60 / .70 (5% careless, half straight-lining)
    assert pr["precision"] >= 0.7 and pr["recall"] >= 0.55
    assert len(res.data) == 600 and res.dropped == []  # nothing dropped unless asked


def test_drop_returns_ids_and_attention_checks():
    pop = ir.models.internal_branding().population
    sim = ir.simulate.draw(pop, 300, seed=5, points=7, careless=0.05)
    data = sim.data.assign(check=4)
    data.loc[data["id"].isin(sim.truth["careless"][:5]), "check"] = 1
    items = [c for c in sim.data if c != "id"]
    res = screen(data, items, id_col="id", attention={"check": 4}, drop=True)
    assert res.table["attention_failures"].sum() == 5
    assert len(res.data) == 300 - len(res.dropped)
    assert set(res.dropped) == set(res.table.loc[res.table["suspect"], "id"])


def test_indices_on_hand_made_rows():
    import pandas as pd
    data = pd.DataFrame({"a1": [3, 5, 1], "a2": [3, 4, 2], "b1": [3, 5, 1], "b2": [3, 4, 2]})
    res = screen(data, ["a1", "a2", "b1", "b2"])
    assert res.table["longstring"].tolist() == [4, 1, 1]
    assert res.table["irv"].iloc[0] == 0
    with pytest.raises(ir.DataError, match="lack items"):
        screen(data, ["a1", "zz"])


def test_a_respondent_without_answers_to_one_side_gets_nan_and_a_note(recwarn):
    """Psychometric synonyms for someone who skipped every first item of the pairs: NaN
    with a note, no RuntimeWarning from an empty mean."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(8)
    f = rng.normal(size=(120, 3))
    data = pd.DataFrame({f"{c}{k}": f[:, j] + rng.normal(scale=0.3, size=120)
                         for j, c in enumerate("abc") for k in (1, 2)})
    data.loc[0, ["a1", "b1", "c1"]] = np.nan
    res = screen(data, list(data.columns))
    assert np.isnan(res.table.loc[0, "psychsyn"]) and res.table["psychsyn"].notna().sum() == 119
    assert "missing for 1 respondents" in res.notes["psychsyn"]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
