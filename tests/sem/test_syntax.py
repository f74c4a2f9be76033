"""The lavaan model-syntax reader: what it accepts and how it reports mistakes."""

import pytest

from im_research.errors import ModelSyntaxError
from im_research.sem.partable import build_partable
from im_research.sem.syntax import parse


def test_multiline_labels_fixed_and_comments():
    m = parse("""
    # a comment
    visual =~ x1 + a*x2 +
              a*x3          ! lavaan also allows '!'
    textual =~ NA*x4 + 0.5*x5 + start(0.7)*x6; textual ~~ 1*textual
    y ~ 1 + b*x
    ind := a*b^2
    """)
    f = m.formulas
    assert [t.var for t in f[0].terms] == ["x1", "x2", "x3"]
    assert f[0].terms[1].labels == ("a",) and f[0].terms[2].labels == ("a",)
    assert f[1].terms[0].free and f[1].terms[1].fixed == (0.5,)
    assert f[1].terms[2].starts == (0.7,)
    assert (f[2].op, f[2].terms[0].fixed) == ("~~", (1.0,))
    assert [(x.lhs, x.op) for x in f[3:]] == [("y", "~1"), ("y", "~")]
    assert m.definitions[0].expr == "a*b**2" and m.definitions[0].names == ("a", "b")


def test_defaults_marker_variances_and_covariances():
    pt, info = build_partable("f1 =~ x1 + x2 + x3\nf2 =~ x4 + x5 + x6\nf2 ~ f1 + z")
    row = pt.set_index(["lhs", "op", "rhs"])
    assert not row.loc[("f1", "=~", "x1"), "free"] and row.loc[("f1", "=~", "x1"), "value"] == 1
    assert row.loc[("f1", "=~", "x2"), "free"]
    assert row.loc[("x1", "~~", "x1"), "free"] and row.loc[("f2", "~~", "f2"), "free"]
    assert info.ov_x == ["z"] and info.lv_x == ["f1"] and info.lv_y == ["f2"]
    assert row.loc[("z", "~~", "z"), "exo"]  # fixed.x
    assert ("f1", "~~", "f2") not in row.index  # f2 is regressed on f1


def test_std_lv_frees_markers_and_fixes_variances():
    pt, _ = build_partable("f =~ x1 + x2 + x3", std_lv=True)
    row = pt.set_index(["lhs", "op", "rhs"])
    assert row.loc[("f", "=~", "x1"), "free"]
    assert not row.loc[("f", "~~", "f"), "free"] and row.loc[("f", "~~", "f"), "value"] == 1


def test_shared_labels_share_one_free_parameter():
    pt, _ = build_partable("f =~ x1 + a*x2 + a*x3")
    pids = pt[pt["op"] == "=~"].set_index("rhs").loc[["x2", "x3"], "pid"]
    assert pids.iloc[0] == pids.iloc[1] >= 0


@pytest.mark.parametrize("model, line, token", [
    ("visual =~ x1 + x2 +", 1, "visual =~ x1 + x2 +"),
    ("f =~ x1 + x2\nf =! x3", 2, "="),
    ("f =~ x1 + x2\nx3 + x4", 2, None),
    ("f =~ x1 + 2x2", 1, "2x2"),
    ("f =~ x1 +\n\n  + x2", 1, None),
    ("f =~ x1 + x2 ~ x3", 1, "~"),
    ("y ~ x\nind := a*b", 2, "a"),
])
def test_errors_name_line_and_token(model, line, token):
    with pytest.raises(ModelSyntaxError) as exc:
        build_partable(model)
    assert exc.value.line == line
    if token is not None:
        assert exc.value.token == token
    assert f"line {line}" in str(exc.value)


def test_duplicate_parameter_is_reported():
    with pytest.raises(ModelSyntaxError, match="specified twice"):
        build_partable("f =~ x1 + x2 + x3\nf =~ x2")


def test_non_string_model():
    with pytest.raises(ModelSyntaxError, match="string"):
        parse(42)
