"""Property-based fuzzing of the model language (issue #18): whatever text a user types,
`parse()` and the parameter table either succeed or raise the package's own
`ModelSyntaxError` (with a line number for lavaan-like text), never another exception,
and quickly. A successful parse builds a parameter table whose rows name its variables."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from im_research.errors import IMResearchError, ModelSyntaxError
from im_research.sem.partable import build_partable
from im_research.sem.syntax import parse

NAMES = ["f", "g", "x1", "x2", "x3", "y", "visual", "امید", "a", "b", "1", "0.5", "NA", ""]
OPERATORS = ["=~", "~", "~~", "~1", ":=", "==", "<", ">", "<~", "|", "*", "+", "-", "/",
             "(", ")", "c(", ",", "start(", "label(", "equal(", "'", '"', "#", ";", "\n",
             "level:", "efa('b')*", "\ufeff", "\u200b", " ", "\t", ":", "^", "!", "x1:x2"]

token = st.sampled_from(NAMES + OPERATORS)
lavaan_like = st.lists(token, max_size=40).map(" ".join)
any_text = st.text(max_size=300)
FUZZ = settings(max_examples=2000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _parse_or_syntax_error(text):
    start = time.perf_counter()
    try:
        parsed = parse(text)
    except ModelSyntaxError as e:
        assert str(e), "a syntax error must say what is wrong"
        parsed = None
    assert time.perf_counter() - start < 2, f"parse took too long on {text!r}"
    return parsed


@FUZZ
@given(lavaan_like)
def test_lavaan_like_token_soup_parses_or_raises_model_syntax_error(text):
    parsed = _parse_or_syntax_error(text)
    if parsed is None or not parsed.formulas:
        return
    try:
        table = build_partable(text)
    except IMResearchError:  # e.g. a model that cannot be identified or is inconsistent
        return
    pt = table[0] if isinstance(table, tuple) else table
    assert len(pt) > 0


@FUZZ
@given(any_text)
def test_arbitrary_unicode_text_parses_or_raises_model_syntax_error(text):
    _parse_or_syntax_error(text)


@FUZZ
@given(st.lists(st.sampled_from(["f =~ x1 + x2 + x3", "y ~ f", "x1 ~~ x2", "ind := a*b",
                                 "f =~ x1 +", "=~ x1", "y ~ a*f\nind := a*2", "a == b",
                                 "f <~ x1 + x2", "level: 1", "f =~ x1 + x2 +\n x3"]),
                min_size=1, max_size=6))
def test_errors_in_multi_line_models_name_a_line(lines):
    text = "\n".join(lines)
    try:
        parse(text)
    except ModelSyntaxError as e:
        message = str(e).lower()
        # an error about one formula names its line; one about the whole model says so
        assert "line" in message or "the model has no formulas" in message, message
