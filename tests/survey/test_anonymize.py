"""Anonymisation against a stated attacker: k holds in the released table as printed,
l-diversity is enforced, every row is accounted for, nothing identifying leaks."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import im_research as ir
from im_research.survey import disclosure
from im_research.survey.anonymize import anonymize, pseudonymize, unit_summary

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from make_datasets import HR_DEPARTMENT_GROUPS, raw_hr_export  # noqa: E402

KEY = "test key that must never leak 1234"
RULES = {"birth_date": "age_from_date", "tenure_years": [[0, 2, 5, 10, 20], [0, 5, 10]],
         "department": ["keep", *HR_DEPARTMENT_GROUPS]}
QI = ["birth_date_ageband", "gender", "department", "tenure_years"]
ITEMS = ["vis1", "vis2", "js1", "js2", "js3"]


def strict_classes(df, qi):
    """Class sizes computed here, independently of the package."""
    return df.astype(str).groupby(qi).size()


@pytest.fixture(scope="module")
def raw():
    return raw_hr_export()


@pytest.fixture(scope="module")
def release(raw):
    return anonymize(raw, key=KEY, id_col="employee_id",
                     direct_identifiers=["full_name", "email"], quasi_identifiers=RULES,
                     k=5, l=3, l_columns=["js1", "js2", "js3"], items=ITEMS)


def test_employer_knows_every_demographic_column(release):
    att = release.log["attacker"]
    assert att["model"] == "employer" and att["quasi_identifiers"] == QI
    assert att["added_by_attacker_model"] == ["gender"]  # named in no rule, still known
    assert release.log["sensitive"] == ITEMS


def test_k_holds_in_the_released_table_as_printed(release):
    # through CSV and back as text: '*' is a value of its own
    text = pd.read_csv(pd.io.common.StringIO(release.data.to_csv(index=False)), dtype=str,
                       keep_default_na=False)
    sizes = strict_classes(text, QI)
    assert sizes.min() >= 5
    assert release.log["k_reached"] == sizes.min()
    assert release.log["after"]["equivalence_classes"] == len(sizes)
    from pycanon import anonymity
    assert anonymity.k_anonymity(text, QI) == sizes.min()


def test_the_unprotected_file_would_fail(raw, release):
    before = release.log["before"]
    finest = pd.DataFrame({
        "age": pd.cut((pd.Timestamp("2026-01-01") - raw["birth_date"]).dt.days / 365.25,
                      [0, 20, 30, 40, 50, 60, np.inf], right=False),
        "gender": raw["gender"], "department": raw["department"],
        "tenure": pd.cut(raw["tenure_years"], [0, 2, 5, 10, 20, np.inf], right=False)})
    sizes = finest.astype(str).groupby(list(finest.columns)).size()
    assert before["k"] == sizes.min() == 1
    assert before["equivalence_classes"] == len(sizes)
    assert before["records_unique"] == (sizes == 1).sum() > 0


def test_l_diversity_is_enforced_not_only_reported(release):
    d = release.data.astype({c: str for c in QI})
    for col in ("js1", "js2", "js3"):
        assert d.groupby(QI)[col].nunique().min() >= 3
        assert release.log["after"]["l_distinct"][col] == d.groupby(QI)[col].nunique().min()
    from pycanon import anonymity
    assert anonymity.l_diversity(d, QI, ["js1", "js2", "js3"]) == min(
        release.log["after"]["l_distinct"][c] for c in ("js1", "js2", "js3"))


def test_entropy_l_and_t_closeness_agree_with_pycanon(release):
    from pycanon import anonymity
    d = release.data.astype({c: str for c in QI})
    after = release.log["after"]
    for col in ITEMS:
        assert anonymity.entropy_l_diversity(d, QI, [col]) == int(after["l_entropy"][col]
                                                                    + 1e-9)
        assert anonymity.t_closeness(d, QI, [col]) == pytest.approx(after["t_closeness"][col],
                                                                   abs=1e-4)


def test_entropy_l_enforced():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"gender": rng.choice(["f", "m"], 80),
                       "department": rng.choice(list("abcd"), 80),
                       "js1": rng.choice([1, 2, 3, 4], 80, p=[.7, .1, .1, .1])})
    rel = anonymize(df, k=4, l=2, l_kind="entropy")
    d = rel.data.astype(str)
    for _, g in d.groupby(["gender", "department"]):
        p = g["js1"].value_counts(normalize=True)
        assert -(p * np.log(p)).sum() >= np.log(2) - 1e-12


def test_risk_figures(release):
    sizes = strict_classes(release.data, QI)
    after = release.log["after"]
    # unit weights: individual risk 1/f_k, so the expected re-identifications = classes
    assert after["expected_reidentifications"] == pytest.approx(len(sizes))
    assert after["risk_global"] == pytest.approx(len(sizes) / len(release.data), abs=1e-6)
    assert after["risk_max"] == pytest.approx(1 / sizes.min())


def test_every_row_and_every_star_accounted_for(raw, release):
    acc, log = release.accounting, release.log
    assert acc["row"].tolist() == list(raw.index)
    assert (acc["status"] != "removed").sum() == len(release.data) == log["rows_out"]
    assert sum(log["rows_accounted"].values()) == len(raw)
    assert {r["row"] for r in log["removed_rows"]} == set(acc.loc[acc["status"] ==
                                                                "removed", "row"])
    stars = (release.data[QI] == "*").sum()
    for col in QI:
        if "suppressed" not in log["generalised"][col.replace("_ageband", "")]:
            assert stars[col] == log["suppressed_cells"][col]
    assert log["records_with_suppression"] == (acc["status"] == "kept, suppressed").sum()


def test_no_identifier_key_or_raw_value_leaks(raw, release):
    text = release.data.to_csv(index=False) + release.log_json() + release.log_markdown()
    for col in ("full_name", "email", "employee_id"):
        for value in raw[col].astype(str):
            assert value not in text, (col, value)
    for d in raw["birth_date"].astype(str).str[:10]:
        assert d not in text
    assert KEY not in text and "never leak" not in text
    assert release.data["pid"].tolist() == pseudonymize(
        raw.loc[release.accounting["status"] != "removed", "employee_id"], KEY)


def test_matches_any_is_an_option_and_reported_honestly(raw):
    rel = anonymize(raw, direct_identifiers=["employee_id", "full_name", "email"],
                    quasi_identifiers=RULES, k=5, items=ITEMS, convention="matches_any")
    d = rel.data[QI]
    assert "matches_any" in rel.log["convention"]
    # the strict k of the same file is reported as k_reached, however small
    assert rel.log["k_reached"] == strict_classes(d, QI).min()
    assert rel.log["after"]["k_matches_any"] >= 5
    a = d.to_numpy()
    compat = ((a[:, None, :] == a[None, :, :]) | (a[:, None, :] == "*") |
              (a[None, :, :] == "*")).all(axis=2)
    assert compat.sum(axis=1).min() == rel.log["after"]["k_matches_any"]


def test_generalisation_before_suppression():
    # two departments of 40 and ten singletons: grouping the singletons costs less than
    # suppressing ten cells, and the search finds it
    df = pd.DataFrame({"department": ["a"] * 40 + ["b"] * 40 + [f"s{i}" for i in range(10)],
                       "js1": np.tile([1, 2, 3], 30)})
    grouping = {"a": "a", "b": "b", **{f"s{i}": "small units" for i in range(10)}}
    rel = anonymize(df, quasi_identifiers={"department": ["keep", grouping]}, k=5)
    assert rel.log["generalised"]["department"].startswith("grouped")
    assert rel.log["suppressed_cells"]["department"] == 0
    assert set(rel.data["department"]) == {"a", "b", "small units"}


def test_records_that_cannot_be_protected_are_removed_with_reason():
    # the two men cannot hide among the five women without breaking the women's class
    df = pd.DataFrame({"gender": ["f"] * 5 + ["m"] * 2, "js1": [1, 2, 3, 4, 5, 6, 7]})
    rel = anonymize(df, quasi_identifiers={"gender": "keep"}, k=5, l=3)
    assert [r["row"] for r in rel.log["removed_rows"]] == [5, 6]
    assert "even with every quasi-identifier suppressed" in rel.log["removed_rows"][0]["reason"]
    assert rel.data["gender"].tolist() == ["f"] * 5 and rel.log["k_reached"] == 5


def test_a_large_class_lends_records_before_any_row_is_removed():
    df = pd.DataFrame({"gender": ["f"] * 8 + ["m"] * 2, "js1": [1, 2, 3, 4, 5, 6, 7, 1, 2, 3]})
    rel = anonymize(df, quasi_identifiers={"gender": "keep"}, k=5, l=3)
    assert rel.log["removed_rows"] == [] and rel.log["rows_out"] == 10
    sizes = strict_classes(rel.data, ["gender"])
    assert sizes.to_dict() == {"*": 5, "f": 5}
    assert rel.data.groupby("gender")["js1"].nunique().min() >= 3


def test_custom_attacker_warns_about_demographic_columns_left_out(raw):
    with pytest.warns(ir.DataWarning, match="gender.*look demographic"):
        rel = anonymize(raw, direct_identifiers=["employee_id", "full_name", "email"],
                        attacker=["department"], quasi_identifiers={"department": "keep"},
                        sensitive=ITEMS, k=5)
    assert rel.log["attacker"]["quasi_identifiers"] == ["department"]
    assert "gender" in rel.log["released_as_recorded"]


def test_employer_model_raises_no_warning_and_drops_the_id_without_a_key(raw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rel = anonymize(raw.drop(columns="full_name"), id_col="employee_id",
                        direct_identifiers="email", quasi_identifiers=RULES, k=5)  # one name
    assert "pid" not in rel.data and "employee_id" not in rel.data
    assert "dropped" in rel.log["identifier"]


def test_bad_input_is_refused_with_what_to_do(raw):
    base = raw.drop(columns=["employee_id", "full_name", "email"])
    with pytest.raises(ir.DataError, match=r"\['full_name', 'email'\] look like direct"):
        anonymize(raw.drop(columns="employee_id"), quasi_identifiers=RULES)
    with pytest.raises(ir.DataError, match="'tenure_years' has .* distinct values"):
        anonymize(base, quasi_identifiers={"birth_date": "age_from_date"})
    with pytest.raises(ir.DataError, match=r"does not map \['IT'\]"):
        anonymize(base, quasi_identifiers={**RULES, "department": {
            k: "x" for k in ("front desk", "treatment", "sales", "admin", "finance")}})
    with pytest.raises(ir.DataError, match="unknown generalisation rule"):
        anonymize(base, quasi_identifiers={**RULES, "gender": "bands"})
    with pytest.raises(ir.DataError, match="below the first cut point"):
        anonymize(base, quasi_identifiers={**RULES, "tenure_years": [1, 5]})
    with pytest.raises(ir.ArgumentError, match="convention must be"):
        anonymize(base, quasi_identifiers=RULES, convention="loose")
    with pytest.raises(ir.ArgumentError, match="k must be an integer of at least 2, not 1"):
        anonymize(base, quasi_identifiers=RULES, k=1)
    with pytest.raises(ir.ArgumentError, match="attacker must be 'employer'"):
        anonymize(base, quasi_identifiers=RULES, attacker="manager")
    with pytest.raises(ir.ArgumentError, match="l_columns= needs l="):
        anonymize(base, quasi_identifiers=RULES, l_columns=["js1"])
    with pytest.raises(ir.DataError, match=r"items \['js1'\] are not numeric"):
        anonymize(base.astype({"js1": str}), quasi_identifiers=RULES, items=["js1"])
    with pytest.raises(ir.DataError, match="cannot be reached for 'js1'"):
        anonymize(base, quasi_identifiers=RULES, l=8, l_columns=["js1"])
    with pytest.raises(ir.DataError, match="both quasi-identifiers and sensitive"):
        anonymize(base, quasi_identifiers=RULES, sensitive=["gender"])
    star = base.assign(gender=base["gender"].where(base.index > 0, "*"))
    with pytest.raises(ir.DataError, match="holds the value '\\*'"):
        anonymize(star, quasi_identifiers=RULES)


def test_markdown_log_tells_the_dpo_the_numbers(release):
    md = release.log_markdown()
    log = release.log
    assert "**Attacker (employer).**" in md
    assert f"| smallest class (k) | {log['before']['k']} | {log['k_reached']} |" in md
    assert f"Cells suppressed ('*'): {sum(log['suppressed_cells'].values())}" in md
    assert "enforced: distinct l = 3" in md


def test_utility_cost_is_logged(release):
    u = release.log["utility"]
    assert set(u["information_loss"]) == set(QI) and 0 < u["information_loss_mean"] < 1
    # answers are released unchanged: correlations move only through removed rows
    if release.log["rows_out"] == release.log["rows_in"]:
        assert u["max_abs_change_item_correlation"] == 0
    assert set(u["max_abs_change_group_mean"]) <= set(QI)


def test_same_key_same_pseudonyms_links_waves():
    a = pseudonymize(["E1", "E2"], KEY)
    assert a == pseudonymize(["E1", "E2"], KEY) and a != pseudonymize(["E1", "E2"], KEY + "x")
    with pytest.raises(ir.DataError, match="at least 8 characters"):
        pseudonymize(["E1"], "short")


def test_demographic_and_identifier_names():
    assert all(map(disclosure.looks_demographic, ["gender", "Department", "birthDate",
                                                  "tenure_years", "سن", "branch_id"]))
    assert not any(map(disclosure.looks_demographic, ["js1", "job_sat", "full_name"]))
    assert disclosure.looks_identifying("contact", ["a@b.org", "c@d.org", None])
    assert not disclosure.looks_identifying("contact", ["yes", "no"])


def test_small_cell_suppression_with_complement():
    df = pd.DataFrame({"unit": ["a"] * 3 + ["b"] * 6 + ["c"] * 9, "x": range(18)})
    out = unit_summary(df, "unit", ["x"]).set_index("unit")
    assert out.loc["a", "suppressed"] == "small cell"
    assert out.loc["b", "suppressed"] == "complementary" and pd.isna(out.loc["b", "x"])
    assert out.loc["c", "suppressed"] == "" and out.loc["c", "n"] == 9


def test_complementary_suppression_with_several_small_units():
    # a (1) and b (2) are small; together only 3 people, so by subtraction from the
    # total their pooled mean would be a small cell: c is suppressed as well
    df = pd.DataFrame({"unit": ["a"] + ["b"] * 2 + ["c"] * 7 + ["d"] * 9 + ["e"] * 8,
                       "x": range(27)})
    out = unit_summary(df, "unit", ["x"]).set_index("unit")
    assert out["suppressed"].to_dict() == {"a": "small cell", "b": "small cell",
                                           "c": "complementary", "d": "", "e": ""}
    hidden = df[df["unit"].isin(["a", "b", "c"])]
    assert len(hidden) >= 5 and out.loc[["a", "b", "c"], "x"].isna().all()
