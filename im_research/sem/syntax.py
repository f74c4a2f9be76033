"""lavaan model syntax: a reader that turns a model string into formulas.

Supported (as in lavaan): ``=~`` (measured by), ``<~`` (formed by: a composite),
``~`` (regressed on), ``~~`` (covariance), ``~ 1`` (intercept), ``:=`` (defined parameter),
``==``/``<``/``>`` (constraints between parameter labels: ``a == b`` shares one
parameter, others such as ``a == 2*b``, ``a == b*c`` or ``a > 0`` go to the constrained
optimiser of ML fits), several names on either side (``a + b ~ x + y``), modifiers
``a*x`` (label), ``1*x`` / ``0*x`` (fixed value), ``NA*x`` (free a marker),
``start(0.5)*x``, ``label("a")*x``, ``equal("a")*x`` or ``equal("f=~x2")*x`` (equal to
the parameter so labelled or so named) and per-group vectors ``c(a, b)*x``; comments with
``#`` or ``!``; statements separated by new lines or ``;``; a formula may run over several
lines (a line that ends with an operator or ``+``, or that starts with ``+``, continues the
previous one). Variable names may use any letters (Persian names too), digits, ``_`` and
``.``, and not start with a digit.

Two-level models: ``parse(model, levels=True)`` reads lavaan's ``level: 1`` /
``level: 2`` blocks (also ``level: within`` / ``level: between``); each formula then
carries its ``level`` (1 or 2) and ``ParsedModel.levels`` lists the block headers.
Without ``levels=True`` a level block raises a ``ModelSyntaxError`` (two-level models are
fitted by ``fit(..., cluster=)``).

lavaan syntax that is not supported raises a ``ModelSyntaxError`` naming the feature:
``group:`` blocks, ``efa()``, ``lower()``/``upper()``, ``rv()``, ``prior()``,
``~*~``, interaction terms ``x1:x2``.

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
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import special

from ..errors import ModelSyntaxError

__all__ = ["Term", "Formula", "Definition", "Constraint", "ParsedModel", "parse"]

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<op>=~|<~|~\*~|~~|:=|==|~|<|>|\|)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?(?!\w))
  | (?P<str>"[^"]*"|'[^']*')
  | (?P<name>(?:[^\W\d]|\.)[\w.\u200c]*)
  | (?P<punct>[+*(),^/-])
    """,
    re.VERBOSE,
)
# formula operators, for telling a new formula from the continuation of the previous one
_FORMULA_OP_RE = re.compile(r"=~|<~|~|:=|==|<|>")
_QUOTED_RE = re.compile(r"\"[^\"]*\"|'[^']*'")
# lavaan's block headers ("level: 1", "group: 2") and the modifiers we do not support
_BLOCK_RE = re.compile(r"^\s*([^\W\d]\w*)\s*:(?!=)\s*(.*)$")
_BLOCKS = {
    "level": ("two-level models (level:) need the cluster variable: fit them with "
              "im_research.fit(model, data, cluster='<column>')"),
    "group": ("group blocks (group:) in the model syntax are not supported yet; fit a "
              "multi-group model with group= and per-group modifiers such as c(a, b)*x"),
    "class": "latent class blocks (class:) are not supported",
}
_UNSUPPORTED_MODIFIERS = {
    "efa": "efa() blocks (exploratory SEM) are not supported",
    "lower": "lower() bounds on parameters are not supported yet",
    "upper": "upper() bounds on parameters are not supported yet",
    "rv": "rv() random-variance modifiers are not supported",
    "prior": "prior() modifiers (Bayesian estimation, blavaan) are not supported",
}


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
    equal: tuple | None = None  # equal("a") / equal("f=~x2"): resolved by the partable


@dataclass
class Formula:
    lhs: str
    op: str  # "=~", "<~", "~", "~~", "~1", "|"
    terms: list[Term]
    line: int
    level: int = 0  # 1 (within) or 2 (between) inside lavaan's level: blocks, else 0


@dataclass
class Definition:
    name: str
    expr: str  # Python expression over parameter labels
    line: int
    names: tuple[str, ...] = ()
    text: str = ""  # as lavaan shows it: the user's expression without spaces


@dataclass
class Constraint:
    lhs: str  # Python expressions over parameter labels
    op: str  # "==", "<", ">"
    rhs: str
    line: int
    names: tuple[str, ...] = ()  # the labels used
    text: str = ""  # as written, without spaces

    @property
    def simple(self) -> bool:
        """``a == b`` between two labels: a shared parameter, no optimiser constraint."""
        return self.op == "==" and self.lhs.isidentifier() and self.rhs.isidentifier()


@dataclass
class ParsedModel:
    formulas: list[Formula] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    source: str = ""
    levels: list[tuple[str, int]] = field(default_factory=list)  # (header, line) per block


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
        prev = merged[-1][0].rstrip() if merged else ""
        ends_op = prev.endswith(("=~", "<~", "~", ":=", "=="))
        continues = bool(merged) and (
            ends_op or prev.endswith(("+", "*", ",", "("))
            or part.startswith(("+", "*"))
        )
        if continues and not part.startswith(("+", "*")) and _is_formula(part):
            # the previous line is unfinished and this one is a formula of its own
            last = merged[-1][2]
            if ends_op:
                op = next(o for o in ("=~", "<~", "~~", ":=", "==", "~") if prev.endswith(o))
                raise ModelSyntaxError(
                    f"nothing after {op!r} (line {lineno} starts a new formula); write the "
                    f"right-hand side, e.g. 'f =~ x1 + x2 + x3'", line=last, token=prev)
            raise ModelSyntaxError(
                f"the formula ends with {prev[-1]!r} but line {lineno} starts a new formula; "
                f"remove the trailing {prev[-1]!r} or add the missing term", line=last,
                token=prev)
        if continues:
            merged[-1][0] += " " + part
            merged[-1][2] = lineno
        else:
            merged.append([part, lineno, lineno])
    return [(s, n) for s, n, _ in merged]


def _is_formula(part: str) -> bool:
    """Does this piece contain a formula operator (outside quoted labels)?"""
    return bool(_FORMULA_OP_RE.search(_QUOTED_RE.sub("", part)))


def _tokenize(text: str, line: int) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            bad = text[pos:].split()[0] if text[pos:].split() else text[pos]
            ch = text[pos]
            if unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Co"):
                raise ModelSyntaxError(
                    f"an invisible character U+{ord(ch):04X} "
                    f"({unicodedata.name(ch, 'control character')}) in the model; delete it "
                    "(it often comes from copying text out of a word processor)",
                    line=line, token=bad)
            if ch == ":":
                raise ModelSyntaxError(
                    "interaction terms (x1:x2) are not supported; add the product as a "
                    "column of the data (e.g. df['x1_x2'] = df.x1 * df.x2) and use that",
                    line=line, token=bad)
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
    if kind0 == "name" and v0 in _UNSUPPORTED_MODIFIERS and tokens[1] == ("punct", "("):
        raise ModelSyntaxError(_UNSUPPORTED_MODIFIERS[v0], line=line, token=v0)
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
        if v0 == "label":
            return "label", tuple(values)
        if v0 == "equal":
            return "equal", tuple(values)
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
        elif what == "equal":
            term.equal = values
        elif what == "start":
            term.starts = values
    return term


# the functions a := definition or a constraint may call (lavaan's R names)
EXPRESSION_FUNCTIONS = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "sin": np.sin,
    "cos": np.cos, "tan": np.tan, "pnorm": special.ndtr, "qnorm": special.ndtri,
}
_DEF_ALLOWED_FUNCS = set(EXPRESSION_FUNCTIONS)


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


def _lhs_names(lhs_tokens, line, op) -> list[str]:
    """The names on the left of a formula (several joined by '+', as lavaan allows)."""
    shown = " ".join(v for _, v in lhs_tokens) or op
    if not lhs_tokens:
        raise ModelSyntaxError(f"nothing before {op!r}; the left-hand side must name a "
                               "variable", line=line, token=op)
    names = []
    for group in _split_top(lhs_tokens, "+"):
        if not group:
            raise ModelSyntaxError("a '+' with nothing after it on the left-hand side",
                                   line=line, token=shown)
        term = _parse_term(group, line, op)  # names unsupported modifiers such as efa()
        if (term.fixed, term.labels, term.starts, term.equal, term.free) != \
                (None, None, None, None, False) or term.var == "1":
            raise ModelSyntaxError("the left-hand side must be variable names; modifiers "
                                   "belong on the right-hand side", line=line, token=shown)
        names.append(term.var)
    return names


@functools.lru_cache(maxsize=64)
def parse_shared(model: str, levels: bool = False) -> ParsedModel:
    """:func:`parse`, cached: the same string gives the same object, which callers share
    and must not change (``fit()`` refits one model many times: bootstrap draws,
    simulations, exercises graded per student)."""
    return parse(model, levels)


def _to_python_expr(raw: str) -> str:
    return raw.replace("^", "**")


def parse(model: str, levels: bool = False) -> ParsedModel:
    """Read a lavaan model string.

    Parameters
    ----------
    model : str
        Model in lavaan syntax.
    levels : bool
        Accept lavaan's ``level:`` blocks (two-level models, see
        :mod:`im_research.sem.twolevel`).

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
    if model.startswith("\ufeff"):
        raise ModelSyntaxError(
            "the model starts with an invisible byte-order mark (U+FEFF), which some editors "
            "write when saving as 'UTF-8 with BOM'; read the file with encoding='utf-8-sig' "
            "or delete the first character", line=1, token="\ufeff")
    parsed = ParsedModel(source=model)
    level = 0
    for stmt, line in _statements(model):
        block = _BLOCK_RE.match(stmt)
        if block and not _is_formula(stmt):
            word = block.group(1)
            if levels and word.lower() == "level":
                level = _level_header(block.group(2).strip(), parsed, line)
                continue
            raise ModelSyntaxError(_BLOCKS.get(word.lower(), f"'{word}:' blocks are not "
                                                              "supported"),
                                   line=line, token=f"{word}:")
        tokens = _tokenize(stmt, line)
        idx, op = _find_operator(tokens, line)
        lhs_tokens, rhs_tokens = tokens[:idx], tokens[idx + 1:]
        later_ops = [v for k, v in rhs_tokens if k == "op"]
        if op not in (":=", "==", "<", ">") and later_ops:
            raise ModelSyntaxError("two operators in one formula; put each on its own line",
                                   line=line, token=later_ops[0])
        if not rhs_tokens:
            raise ModelSyntaxError(
                f"nothing after {op!r}; write the right-hand side (e.g. 'f =~ x1 + x2 + x3')",
                line=line, token=stmt)
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
            names = tuple(dict.fromkeys(
                n for side in (lhs_raw, rhs_raw)
                for n in _expression_names(_to_python_expr(side), line, stmt)))
            parsed.constraints.append(
                Constraint(_to_python_expr(lhs_raw), op, _to_python_expr(rhs_raw), line,
                           names, "".join(stmt.split())))
            continue
        if op == "~*~":
            raise ModelSyntaxError("scaling factors (~*~) are not supported", line=line, token=op)
        lhs_names = _lhs_names(lhs_tokens, line, op)
        if op == "|":
            raise ModelSyntaxError(
                "threshold formulas (|) are set automatically for ordered variables; "
                "remove this line", line=line, token=op)
        term_groups = _split_top(rhs_tokens, "+")
        if any(not g for g in term_groups):
            raise ModelSyntaxError(
                "the formula ends with '+'; add the missing term or remove the '+'"
                if not term_groups[-1] else "two '+' in a row (a term is missing)",
                line=line, token=stmt)
        terms = [_parse_term(g, line, op) for g in term_groups]
        if op != "~" and any(t.var == "1" for t in terms):
            raise ModelSyntaxError("'1' is only allowed after '~' (intercepts)",
                                   line=line, token="1")
        for lhs in lhs_names:  # 'a + b ~ x' is 'a ~ x' and 'b ~ x' (as lavaan)
            mine = [replace(t) for t in terms]
            if op == "~":
                for t in mine:
                    if t.var == "1":
                        parsed.formulas.append(Formula(lhs, "~1", [t], line, level))
                regs = [t for t in mine if t.var != "1"]
                if regs:
                    parsed.formulas.append(Formula(lhs, "~", regs, line, level))
            else:
                parsed.formulas.append(Formula(lhs, op, mine, line, level))
    if not parsed.formulas:
        raise ModelSyntaxError("the model has no formulas (=~, ~ or ~~)")
    if parsed.levels:
        _check_levels(parsed)
    return parsed


_LEVEL_NAMES = {"1": 1, "within": 1, "2": 2, "between": 2}


def _level_header(label, parsed, line):
    """The level (1 or 2) opened by ``level: <label>``; lavaan's blocks come in order."""
    number = _LEVEL_NAMES.get(label.lower())
    if number is None:
        raise ModelSyntaxError(f"unknown level {label!r}; write 'level: 1' (or 'within') and "
                               "'level: 2' (or 'between')", line=line, token=f"level: {label}")
    if number != len(parsed.levels) + 1:
        raise ModelSyntaxError("level blocks come in order: first 'level: 1' (within), then "
                               "'level: 2' (between), each once", line=line,
                               token=f"level: {label}")
    parsed.levels.append((label, line))
    return number


def _check_levels(parsed):
    before = [f for f in parsed.formulas if f.level == 0]
    if before:
        raise ModelSyntaxError("a formula before the first 'level:' line; in a two-level "
                               "model every formula belongs to 'level: 1' or 'level: 2'",
                               line=before[0].line, token=before[0].lhs)
    if len(parsed.levels) != 2:
        label, line = parsed.levels[0]
        raise ModelSyntaxError("a two-level model needs both blocks, 'level: 1' (within) and "
                               "'level: 2' (between)", line=line, token=f"level: {label}")
    for number in (1, 2):
        if not any(f.level == number for f in parsed.formulas):
            label, line = parsed.levels[number - 1]
            raise ModelSyntaxError(f"the block 'level: {label}' has no formulas", line=line,
                                   token=f"level: {label}")
