"""Property: on random HR exports, anonymize() output meets its own release log."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from im_research.survey.anonymize import anonymize


@st.composite
def hr_exports(draw):
    n = draw(st.integers(12, 90))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_dept = draw(st.integers(1, 7))
    weights = rng.dirichlet(np.ones(n_dept) * draw(st.sampled_from([0.3, 1.0, 5.0])))
    df = pd.DataFrame({
        "gender": rng.choice(["female", "male", "other"], n, p=[0.55, 0.4, 0.05]),
        "department": rng.choice([f"d{i}" for i in range(n_dept)], n, p=weights),
        "age": rng.integers(18, 66, n),
        "tenure": np.round(rng.gamma(2.0, 3.0, n), 1),
        "js1": rng.integers(1, 8, n), "js2": rng.integers(1, 6, n)})
    k = draw(st.integers(2, 6))
    l_kind = draw(st.sampled_from([None, "distinct", "entropy"]))
    convention = draw(st.sampled_from(["strict", "matches_any"]))
    return df, k, l_kind, convention


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(hr_exports())
def test_output_meets_its_own_log(case):
    df, k, l_kind, convention = case
    rules = {"age": "band10", "tenure": [[0, 2, 5, 10], [0, 5]]}
    rel = anonymize(df, quasi_identifiers=rules, k=k, l=2 if l_kind else None,
                    l_kind=l_kind or "distinct", l_columns=["js1"] if l_kind else None,
                    convention=convention,
                    items=["js1", "js2"])
    out, log = rel.data, rel.log
    qi = ["gender", "department", "age", "tenure"]
    assert log["attacker"]["quasi_identifiers"] == qi
    assert len(out) == log["rows_out"] == len(df) - len(log["removed_rows"])
    assert (rel.accounting["status"] != "removed").sum() == len(out)
    if len(out) == 0:
        return
    text = out[qi].astype(str)
    sizes = text.groupby(qi).size()
    assert log["k_reached"] == sizes.min()
    assert log["after"]["equivalence_classes"] == len(sizes)
    if convention == "strict":
        assert sizes.min() >= k
    else:
        a = text.to_numpy()
        compat = ((a[:, None] == a[None]) | (a[:, None] == "*") | (a[None] == "*")).all(2)
        assert compat.sum(1).min() == log["after"]["k_matches_any"] >= k
    if l_kind and convention == "strict":
        for _, g in out.assign(**{c: text[c] for c in qi}).groupby(qi)["js1"]:
            if l_kind == "distinct":
                assert g.nunique() >= 2
            else:
                p = g.value_counts(normalize=True)
                assert -(p * np.log(p)).sum() >= np.log(2) - 1e-12
    for c in qi:
        if log["generalised"][c] != "column suppressed (every value '*')":
            assert (text[c] == "*").sum() == log["suppressed_cells"][c]
