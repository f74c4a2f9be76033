"""The scale library: instruments as validated data, models, scores, questionnaires."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import im_research as ir
from im_research import scales
from im_research.errors import DataError
from im_research.scales import _validate

REQUIRED = {"internal_marketing", "job_satisfaction", "affective_commitment",
            "employee_brand_commitment", "interfunctional_coordination", "servqual",
            "customer_satisfaction", "loyalty"}


def test_library_covers_the_instruments():
    lib = scales.list()
    assert REQUIRED <= set(lib["name"])
    assert set(lib["points"]) <= {5, 7}
    im = scales.get("internal_marketing")
    assert set(im.dimensions) == {"vision", "development", "rewards", "communication",
                                  "empowerment"}
    assert scales.get("servqual").items["dimension"].nunique() == 5
    for name in REQUIRED:
        items = scales.get(name).items
        assert items["text_fa"].str.contains(r"[\u0600-\u06FF]").all(), name
        assert items["text_en"].str.len().min() > 10


def test_unknown_scale():
    with pytest.raises(DataError, match="unknown scale 'im'"):
        scales.get("im")


def test_measurement_model_by_construct_and_dimension():
    assert scales.measurement_model("job_satisfaction", reversed_suffix="r") == \
        "job_satisfaction =~ js1 + js2 + js3 + js4r"
    syntax = scales.measurement_model(["internal_marketing"], by="dimension")
    assert syntax.count("=~") == 5 and "internal_marketing_vision =~ im_vis1" in syntax


def test_score_reverses_keyed_items_and_applies_min_items():
    df = pd.DataFrame({"js1": [7, 1, 4], "js2": [7, 1, np.nan], "js3": [7, 1, np.nan],
                       "js4": [1, 7, np.nan]})
    s = scales.score(df, "job_satisfaction", min_items=2)
    assert s["job_satisfaction"].iloc[0] == 7 and s["job_satisfaction"].iloc[1] == 1
    assert np.isnan(s["job_satisfaction"].iloc[2])  # only one item answered


def test_questionnaire_in_both_languages():
    en = scales.questionnaire(["job_satisfaction", "loyalty"], lang="en")
    assert "1. All in all" in en and "Strongly agree" in en and "9." in en
    fa = scales.questionnaire("job_satisfaction", lang="fa", fmt="html")
    assert fa.startswith("<div dir='rtl' lang='fa'>") and "کاملاً موافقم" in fa


def test_persian_markdown_renders_right_to_left_with_its_headings_and_items():
    """JupyterLab renders Markdown as CommonMark: the rtl block must contain the rendered
    heading, the response-scale line and the numbered items (not raw Markdown text)."""
    from markdown_it import MarkdownIt

    md = scales.questionnaire(["job_satisfaction", "loyalty"], lang="fa")
    html = MarkdownIt("commonmark").render(md)
    assert html.startswith('<div dir="rtl" lang="fa">') and html.rstrip().endswith("</div>")
    inner = html[len('<div dir="rtl" lang="fa">'):html.rindex("</div>")]
    assert "<h2>" in inner and "<em>۱ = " in inner and "<ol>" in inner
    # the scale line is aligned right (JupyterLab left-aligns Markdown paragraphs)
    assert '<p dir="rtl" style="text-align: right"><em>۱ = ' in inner
    assert "##" not in inner and "(۱ … ۷)" in inner
    job = scales.get("job_satisfaction")
    assert inner.count("<li>") == len(job.items) + len(scales.get("loyalty").items)
    assert job.items["text_fa"].iloc[0] in inner
    en = scales.questionnaire("job_satisfaction", lang="en")
    assert "dir=" not in en and "(1 … 7)" in en


@pytest.mark.parametrize("kwargs, culprit", [
    (dict(names="job_satisfaction", lang="de"), "lang='de'"),
    (dict(names="job_satisfaction", fmt="pdf"), "fmt='pdf'"),
    (dict(names=[]), "names is empty"),
    (dict(names=3), "names=3"),
])
def test_questionnaire_refuses_bad_arguments_by_name(kwargs, culprit):
    with pytest.raises(ir.errors.ArgumentError, match=re.escape(culprit)):
        scales.questionnaire(**kwargs)


def test_validation_names_the_problem(tmp_path):
    raw = yaml.safe_load((Path(scales.DATA) / "job_satisfaction.yaml").read_text("utf-8"))
    raw["points"] = 1
    with pytest.raises(DataError, match="points must be an integer >= 2"):
        _validate(raw, tmp_path / "bad.yaml")
    raw["points"] = 7
    raw["items"][1]["dimension"] = "nope"
    with pytest.raises(DataError, match="unknown dimension 'nope'"):
        _validate(raw, tmp_path / "bad.yaml")


def test_scale_model_fits_simulated_answers():
    pop = ir.simulate.PopulationModel(
        loadings={"job_satisfaction": {"js1": .8, "js2": .75, "js3": .7, "js4": -.6}})
    data = ir.simulate.draw(pop, 500, seed=8, points=7).data
    data = ir.scoring.reverse_code(data, {"js4": 7})
    res = ir.fit(scales.measurement_model("job_satisfaction", reversed_suffix="r"), data=data)
    assert res.params.query("op == '=~' and rhs == 'js4r'")["std_all"].item() > 0.4
