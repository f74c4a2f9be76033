"""Codebooks: schema checks, generation from the scale library, hand-off to fit()."""

import pandas as pd
import pytest

import im_research as ir
from im_research.survey.codebook import Codebook, from_scales, load_codebook


def test_yaml_round_trip_and_model(tmp_path):
    cb = from_scales(["job_satisfaction", "affective_commitment"], study="pilot",
                     missing_codes=[-99])
    path = cb.to_yaml(tmp_path / "cb.yaml")
    again = load_codebook(path)
    assert again.variables == cb.variables and again.missing_codes == [-99]
    syntax = again.measurement_model()
    assert "js4r" in syntax and "ac5r" in syntax and syntax.count("=~") == 2


def test_csv_codebook(tmp_path):
    path = tmp_path / "cb.csv"
    pd.DataFrame({"name": ["q1", "q2"], "construct": ["x", "x"], "points": ["5", "5"],
                  "reverse": ["no", "yes"], "missing_codes": ["99", "99;-9"]}).to_csv(
        path, index=False)
    cb = load_codebook(path)
    assert cb.variables[1]["reverse"] is True and cb.variables[1]["missing_codes"] == [99, -9]


def test_scores_and_fit_without_retyping_names():
    pop = ir.simulate.PopulationModel(loadings={
        "job_satisfaction": {"js1": .8, "js2": .75, "js3": .7, "js4": -.6}})
    data = ir.simulate.draw(pop, 400, seed=3, points=7).data
    cb = from_scales(["job_satisfaction"])
    scored, composites = cb.score(data)
    res = ir.fit(cb.measurement_model(), data=scored)
    assert res.converged and "job_satisfaction" in composites.columns
    assert composites["job_satisfaction"].corr(scored[["js1", "js2", "js3"]].mean(axis=1)) > .9


def test_schema_errors():
    with pytest.raises(ir.DataError, match="listed twice"):
        Codebook("x", [{"name": "a"}, {"name": "a"}])
    with pytest.raises(ir.DataError, match="points must be"):
        Codebook("x", [{"name": "a", "points": 1}])
    with pytest.raises(ir.DataError, match="no 'name'"):
        Codebook("x", [{"construct": "a"}])
