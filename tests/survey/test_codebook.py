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


def test_unknown_type_and_keys_are_named():
    with pytest.raises(ir.DataError, match=r"'mood'.*type 'boolean' is unknown.*numeric"):
        Codebook("x", [{"name": "mood", "type": "boolean"}])
    with pytest.raises(ir.DataError, match=r"'q1'.*unknown key\(s\) \['point'\]"):
        Codebook("x", [{"name": "q1", "point": 5}])
    with pytest.raises(ir.DataError, match=r"'dept'.*'points' is for likert"):
        Codebook("x", [{"name": "dept", "type": "category", "points": 4}])
    with pytest.raises(ir.DataError, match=r"'dept'.*value_map sends 'IT' to 9"):
        Codebook("x", [{"name": "dept", "type": "category", "values": ["HR", "IT"],
                        "value_map": {"IT": 9}}])
    with pytest.raises(ir.DataError, match=r"'q1'.*unknown profile\(s\) \['surveymonkey'\]"):
        Codebook("x", [{"name": "q1", "source": {"surveymonkey": "Q1"}}])
    with pytest.raises(ir.DataError, match=r"'when'.*'format' is for date"):
        Codebook("x", [{"name": "when", "type": "text", "format": "%Y"}])


def test_types_aliases_and_defaults():
    cb = Codebook("x", [{"name": "a", "type": "string"}, {"name": "b", "type": "Categorical",
                                                          "categories": ["lo", "hi"]},
                        {"name": "c", "kind": "datetime"}, {"name": "d", "points": 5},
                        {"name": "e"}, {"variable": "f", "type": "item", "scale_points": 7}],
                  missing_codes=[99])
    types = [v["type"] for v in cb.variables]
    assert types == ["text", "category", "date", "likert", "numeric", "likert"]
    assert cb.variables[1]["values"] == {1: "lo", 2: "hi"}
    # missing codes belong to coded variables only
    assert "missing_codes" not in cb.variables[0] and cb.variables[4]["missing_codes"] == [99]
    assert [v["name"] for v in cb.items()] == ["d", "f"]


def test_csv_codebook_with_aliases_profiles_and_maps(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text(
        "Variable,Kind,Question,Scale points,Source,Source_Qualtrics,Missing,Labels,Values,"
        "Recode\n"
        "im1,likert,I am trained,7,,IM_1,99,Prefer not to answer=99,,\n"
        "dept,category,Department,,department,Q_dept;Q_dept_old,99,,1=HR;2=IT,"
        "منابع انسانی=HR;فناوری=2\n", encoding="utf-8")
    cb = load_codebook(path)
    im1, dept = cb.variables
    assert im1 == {"name": "im1", "type": "likert", "text": "I am trained",
                   "source": {"qualtrics": "IM_1"}, "points": 7, "missing_codes": [99],
                   "labels": {"Prefer not to answer": 99}}
    assert dept["source"] == {"default": "department", "qualtrics": ["Q_dept", "Q_dept_old"]}
    assert dept["values"] == {1: "HR", 2: "IT"}
    assert dept["value_map"] == {"منابع انسانی": "HR", "فناوری": 2}
    assert cb.sources("dept", "qualtrics") == ["Q_dept", "Q_dept_old"]
    assert cb.sources("dept") == ["department"] and cb.sources("im1", "spss") == ["im1"]


def test_bad_csv_codebooks_say_what_to_fix(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text("name,colour\nq1,red\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match=r"unknown column\(s\) \['colour'\]"):
        load_codebook(path)
    path.write_text("question\nHow?\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="needs a 'name' column"):
        load_codebook(path)
    path.write_text("name,labels\nq1,agree\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match=r"row 2, labels: 'agree' is not 'text=code'"):
        load_codebook(path)
    path.write_text("name,type\nq1,boolean\n", encoding="utf-8")
    with pytest.raises(ir.DataError, match="'q1': type 'boolean' is unknown"):
        load_codebook(path)


def test_new_codebook_yaml_round_trip(tmp_path):
    cb = Codebook("s", [{"name": "id", "type": "id"},
                        {"name": "dept", "type": "category", "values": {1: "HR", 2: "IT"},
                         "value_map": {"منابع انسانی": 1}},
                        {"name": "when", "type": "date", "format": {"google_forms": "%m/%d/%Y"}},
                        {"name": "q1", "points": 5, "source": {"qualtrics": ["Q1", "Q1_old"]}}],
                  missing_codes=[99], missing_labels=["Prefer not to say"])
    again = load_codebook(cb.to_yaml(tmp_path / "cb.yaml"))
    assert again.variables == cb.variables and again.missing_labels == ["Prefer not to say"]
