"""lavaan model syntax: a reader that turns a model string into formulas.

Supported (as in lavaan): ``=~`` (measured by), ``~`` (regressed on), ``~~`` (covariance),
``~ 1`` (intercept), ``:=`` (defined parameter), ``==``/``<``/``>`` (constraints, parsed
and rejected by the estimator for now unless they are simple label equalities), modifiers
``a*x`` (label), ``1*x`` / ``0*x`` (fixed value), ``NA*x`` (free a marker),
``start(0.5)*x``, ``label("a")*x``, ``equal("a")*x`` and per-group vectors ``c(a, b)*x``;
comments with ``#`` or ``!``; statements separated by new lines or ``;``; a formula may
run over several lines (a line that ends with an operator or ``+``, or that starts with
``+``, continues the previous one).

Examples
--------
>>> from im_research.sem.syntax import parse
>>> model = parse('''
... visual =~ x1 + a*x2 + a*x3   # equal loadings
... speed  =~ x7 + x8 + x9
... ''')
>>> [(f.lhs, f.op, [t.var for t in f.terms]) for f in model.formulas]
[('visual', '=~', ['x1', 'x2', 'x3']), ('speed', '=~', ['x7', 'x8', 'x9'])]
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..errors import ModelSyntaxError

__all__ = ["Term", "Formula", "Definition", "Constraint", "ParsedModel", "parse"]

_OPERATORS = ("=~", "~~", "~*~", ":=", "==", "<", ">", "~", "|")
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<op>=~|~\*~|~~|:=|==|~|<|>|\|)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_]))
  | (?P<str>"[^"]*"|'[^']*')
  | (?P<name>[A-Za-z_.][A-Za-z0-9_.]*)
  | (?P<punct>[+*(),^/-])
    """,
    re.VERBOSE,
)


@dataclass
class Term:
    """One right-hand-side term: a variable with optional modifiers.

    ``fixed``, ``labels`` and ``starts`` are tuples with one entry (applies to every
    group) or one entry per group; ``None`` entries mean "not set". ``free`` is True
    when the user wrote ``NA*`` (force the parameter free).
    """

    var: str
    fixed: tuple | None = None
    labels: tuple | None = None
    starts: tuple | None = None
    free: bool = False


@dataclass
class Formula:
    lhs: str
    op: str  # "=~", "~", "~~", "~1", "|"
    terms: list[Term]
    line: int


@dataclass
class Definition:
    name: str
    expr: str  # Python expression over parameter labels
    line: int
    names: tuple[str, ...] = ()
    text: str = ""  # as lavaan shows it: the user's expression without spaces


@dataclass
class Constraint:
    lhs: str
    op: str
    rhs: str
    line: int


@dataclass
class ParsedModel:
    formulas: list[Formula] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    source: str = ""


def _strip_comment(line: str) -> str:
    out = []
    quote = None
    for ch in line:
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif ch in "#!":
            break
        else:
            out.append(ch)
    return "".join(out)


def _statements(text: str) -> list[tuple[str, int]]:
    """Split model text into (statement, first line number) pairs."""
    pieces: list[tuple[str, int]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        for part in _strip_comment(raw).split(";"):
            part = part.strip()
            if part:
                pieces.append((part, lineno))
    merged: list[list] = []
    for part, lineno in pieces:
        continues = bool(merged) and (
            merged[-1][0].rstrip().endswith(("+", "*", "=~", "~", ":=", "==", ",", "("))
            or part.startswith(("+", "*"))
        )
        if continues:
            merged[-1][0] += " " + part
        else:
            merged.append([part, lineno])
    return [(s, n) for s, n in merged]


def _tokenize(text: str, line: int) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            bad = text[pos:].split()[0] if text[pos:].split() else text[pos]
            if bad[0].isdigit():
                msg = ("a variable name cannot start with a digit; write e.g. 2*x2 to fix a "
                       "parameter, or rename the variable")
            elif bad[0] == "=":
                msg = "unknown operator; did you mean '=~' (measured by)?"
            else:
                msg = "unexpected character; variable names use letters, digits, '_' and '.'"
            raise ModelSyntaxError(msg, line=line, token=bad)
        kind = m.lastgroup
        if kind != "ws":
            tokens.append((kind, m.group()))
        pos = m.end()
    return tokens


def _find_operator(tokens, line):
    ops = [(i, v) for i, (k, v) in enumerate(tokens) if k == "op"]
    if not ops:
        raise ModelSyntaxError("no operator found (expected one of =~ ~ ~~ := == < >)",
                               line=line, token=" ".join(v for _, v in tokens))
    return ops[0]


def _parse_modifier_value(tokens, line):
    """Parse one modifier (tokens before a '*'). Returns (kind, values)."""
    if not tokens:
        raise ModelSyntaxError("empty modifier before '*'", line=line, token="*")
    if len(tokens) == 2 and tokens[0] in (("punct", "-"), ("punct", "+")) and tokens[1][0] == "num":
        tokens = [("num", tokens[0][1] + tokens[1][1])]
    kind0, v0 = tokens[0]
    if len(tokens) == 1:
        if kind0 == "num":
            return "fixed", (float(v0),)
        if kind0 == "name" and v0 == "NA":
            return "free", (None,)
        if kind0 == "name":
            return "label", (v0,)
        if kind0 == "str":
            return "label", (v0[1:-1],)
    if kind0 == "name" and v0 in ("start", "label", "equal", "c") and tokens[1] == ("punct", "("):
        if tokens[-1] != ("punct", ")"):
            raise ModelSyntaxError(f"missing ')' after {v0}(", line=line, token=v0)
        inner = tokens[2:-1]
        items, cur = [], []
        for tok in inner:
            if tok == ("punct", ","):
                items.append(cur)
                cur = []
            else:
                cur.append(tok)
        items.append(cur)
        values = []
        for item in items:
            if len(item) == 2 and item[0] == ("punct", "-") and item[1][0] == "num":
                item = [("num", "-" + item[1][1])]
            if len(item) != 1:
                raise ModelSyntaxError(f"cannot read the arguments of {v0}(...)", line=line,
                                       token=" ".join(t[1] for t in item) or v0)
            k, v = item[0]
            if k == "num":
                values.append(float(v))
            elif k == "name" and v == "NA":
                values.append(None)
            elif k in ("name", "str"):
                values.append(v.strip("\"'"))
            else:
                raise ModelSyntaxError(f"cannot read {v!r} inside {v0}(...)", line=line, token=v)
        if v0 == "start":
            return "start", tuple(values)
        if v0 in ("label", "equal"):
            return "label", tuple(values)
        # c(...): numbers/NA are fixed values, names are labels
        if all(isinstance(x, float) or x is None for x in values):
            return "fixed", tuple(values)
        if all(isinstance(x, str) or x is None for x in values):
            return "label", tuple(values)
        raise ModelSyntaxError("c(...) mixes numbers and labels; use two modifiers",
                               line=line, token=v0)
    raise ModelSyntaxError("cannot read this modifier", line=line,
                           token=" ".join(t[1] for t in tokens))


def _split_top(tokens, sep):
    parts, cur, depth = [], [], 0
    for tok in tokens:
        if tok == ("punct", "("):
            depth += 1
        elif tok == ("punct", ")"):
            depth -= 1
        if depth == 0 and tok == ("punct", sep):
            parts.append(cur)
            cur = []
        else:
            cur.append(tok)
    parts.append(cur)
    return parts


def _parse_term(tokens, line, op) -> Term:
    parts = _split_top(tokens, "*")
    var_tokens = parts[-1]
    if len(var_tokens) != 1:
        shown = " ".join(t[1] for t in tokens)
        if len(var_tokens) == 2 and var_tokens[0][0] == "num" and var_tokens[1][0] == "name":
            raise ModelSyntaxError(
                f"a number directly before a name; write {var_tokens[0][1]}*{var_tokens[1][1]} "
                "to fix a parameter, or rename the variable (names cannot start with a digit)",
                line=line, token=shown)
        raise ModelSyntaxError("expected one variable name in this term", line=line, token=shown)
    kind, var = var_tokens[0]
    if kind == "num" and var in ("1", "1.0") and op == "~":
        var = "1"
    elif kind != "name":
        raise ModelSyntaxError("expected a variable name", line=line, token=var)
    term = Term(var=var)
    for mod in parts[:-1]:
        what, values = _parse_modifier_value(mod, line)
        if what == "fixed":
            term.fixed = values
        elif what == "free":
            term.free = True
        elif what == "label":
            term.labels = values
        elif what == "start":
            term.starts = values
    return term


_DEF_ALLOWED_FUNCS = {"exp", "log", "sqrt", "abs", "sin", "cos", "tan", "pnorm", "qnorm"}


def _expression_names(expr: str, line: int, token: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise ModelSyntaxError("cannot read this expression", line=line, token=token) from None
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _DEF_ALLOWED_FUNCS:
                raise ModelSyntaxError(
                    f"only these functions are allowed: {sorted(_DEF_ALLOWED_FUNCS)}",
                    line=line, token=token)
        elif isinstance(node, ast.Name) and node.id not in _DEF_ALLOWED_FUNCS:
            names.append(node.id)
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant,
                                   ast.Name, ast.Load, ast.operator, ast.unaryop, ast.Call)):
            raise ModelSyntaxError("unsupported element in expression", line=line, token=token)
    return tuple(dict.fromkeys(names))


def _to_python_expr(raw: str) -> str:
    return raw.replace("^", "**")


def parse(model: str) -> ParsedModel:
    """Read a lavaan model string.

    Parameters
    ----------
    model : str
        Model in lavaan syntax.

    Returns
    -------
    ParsedModel
        ``formulas`` (``=~``, ``~``, ``~~``, ``~1``), ``definitions`` (``:=``) and
        ``constraints`` (``==``, ``<``, ``>``), each with its line number.

    Raises
    ------
    ModelSyntaxError
        Naming the line and the token at fault.
    """
    if not isinstance(model, str):
        raise ModelSyntaxError(f"the model must be a string in lavaan syntax, got "
                               f"{type(model).__name__}")
    parsed = ParsedModel(source=model)
    for stmt, line in _statements(model):
        tokens = _tokenize(stmt, line)
        idx, op = _find_operator(tokens, line)
        lhs_tokens, rhs_tokens = tokens[:idx], tokens[idx + 1:]
        later_ops = [v for k, v in rhs_tokens if k == "op"]
        if op not in (":=", "==", "<", ">") and later_ops:
            raise ModelSyntaxError("two operators in one formula; put each on its own line",
                                   line=line, token=later_ops[0])
        if not rhs_tokens:
            raise ModelSyntaxError(f"nothing after {op!r}", line=line, token=stmt)
        if op == ":=":
            if len(lhs_tokens) != 1 or lhs_tokens[0][0] != "name":
                raise ModelSyntaxError("a defined parameter needs one name before ':='",
                                       line=line, token=stmt)
            raw = stmt.split(":=", 1)[1].strip()
            expr = _to_python_expr(raw)
            names = _expression_names(expr, line, stmt)
            parsed.definitions.append(
                Definition(lhs_tokens[0][1], expr, line, names, "".join(raw.split())))
            continue
        if op in ("==", "<", ">"):
            lhs_raw, rhs_raw = (s.strip() for s in stmt.split(op, 1))
            for side in (lhs_raw, rhs_raw):
                _expression_names(_to_python_expr(side), line, stmt)
            parsed.constraints.append(
                Constraint(_to_python_expr(lhs_raw), op, _to_python_expr(rhs_raw), line))
            continue
        if op == "~*~":
            raise ModelSyntaxError("scaling factors (~*~) are not supported", line=line, token=op)
        if len(lhs_tokens) != 1 or lhs_tokens[0][0] != "name":
            raise ModelSyntaxError(
                "the left-hand side must be one variable name",
                line=line, token=" ".join(v for _, v in lhs_tokens) or op)
        lhs = lhs_tokens[0][1]
        if op == "|":
            raise ModelSyntaxError(
                "threshold formulas (|) are set automatically for ordered variables; "
                "remove this line", line=line, token=op)
        term_groups = _split_top(rhs_tokens, "+")
        if any(not g for g in term_groups):
            raise ModelSyntaxError("a '+' with nothing after it (or two '+' in a row)",
                                   line=line, token=stmt)
        terms = [_parse_term(g, line, op) for g in term_groups]
        if op == "~":
            ints = [t for t in terms if t.var == "1"]
            regs = [t for t in terms if t.var != "1"]
            for t in ints:
                parsed.formulas.append(Formula(lhs, "~1", [t], line))
            if regs:
                parsed.formulas.append(Formula(lhs, "~", regs, line))
        else:
            if any(t.var == "1" for t in terms):
                raise ModelSyntaxError("'1' is only allowed after '~' (intercepts)",
                                       line=line, token="1")
            parsed.formulas.append(Formula(lhs, op, terms, line))
    if not parsed.formulas:
        raise ModelSyntaxError("the model has no formulas (=~, ~ or ~~)")
    return parsed
