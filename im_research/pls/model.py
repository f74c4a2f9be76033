"""A PLS path model read from lavaan syntax.

``X =~ x1 + x2`` declares a composite estimated in mode A (correlation weights, the
usual "reflective" block), ``X <~ x1 + x2`` one in mode B (regression weights, a
"formative" block) and ``Y ~ X + Z`` the structural paths; a model of ``=~`` and ``~``
formulas fits with both :func:`im_research.fit` (CB-SEM) and :func:`im_research.pls`.
A variable named in a
``~`` formula that is a data column rather than a construct becomes a single-item
construct of the same name.

Two extensions read the same syntax:

- **interaction terms**: ``Y ~ X + M + X:M`` adds the construct ``"X:M"`` (the product
  of X and M; how it is measured is chosen by ``pls(interaction=...)``);
- **higher-order constructs**: a ``=~`` or ``<~`` formula whose terms are all constructs
  (``H =~ A + B``) declares H over the lower-order constructs A and B (estimated as
  chosen by ``pls(higher_order=...)``).

Examples
--------
>>> from im_research.pls.model import read_model
>>> m = read_model('''
... Q <~ q1 + q2 + q3
... S =~ s1 + s2
... S ~ Q
... ''', columns=["q1", "q2", "q3", "s1", "s2"])
>>> m.constructs, m.modes, m.paths
(['Q', 'S'], {'Q': 'B', 'S': 'A'}, [('Q', 'S')])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelSyntaxError
from ..sem.syntax import parse

__all__ = ["PLSModel", "read_model"]

@dataclass
class PLSModel:
    """Constructs in model order, their items and modes, and the structural paths.

    ``paths`` holds ``(source, target)`` pairs; ``items`` maps a construct to its
    indicator columns; ``modes`` to ``"A"`` or ``"B"`` (or ``"unit"``, set by
    ``pls(weights=...)``). ``interactions`` maps an
    interaction construct (``"X:M"``) to ``(X, M)``; ``higher_order`` a higher-order
    construct to its lower-order constructs (its ``items`` are then those names).
    """

    constructs: list
    items: dict
    modes: dict
    paths: list
    interactions: dict = field(default_factory=dict)
    higher_order: dict = field(default_factory=dict)

    @property
    def indicators(self) -> list:
        """All indicator columns, block by block."""
        return [x for c in self.constructs for x in self.items[c]]

    @property
    def endogenous(self) -> list:
        """Constructs with at least one incoming path, in model order."""
        targets = {t for _, t in self.paths}
        return [c for c in self.constructs if c in targets]

    def predecessors(self, construct) -> list:
        """Constructs with a path into ``construct``, in model order."""
        sources = {s for s, t in self.paths if t == construct}
        return [c for c in self.constructs if c in sources]

    def path_matrix(self) -> np.ndarray:
        """``P[i, j] = 1`` when construct *i* points at construct *j*."""
        pos = {c: k for k, c in enumerate(self.constructs)}
        P = np.zeros((len(self.constructs),) * 2)
        for s, t in self.paths:
            P[pos[s], pos[t]] = 1.0
        return P

    def without_path(self, source, target) -> PLSModel:
        """The same model less one structural path (for f²)."""
        return PLSModel(list(self.constructs), dict(self.items), dict(self.modes),
                        [p for p in self.paths if p != (source, target)],
                        dict(self.interactions), dict(self.higher_order))


# "X:M" in a ~ formula (never the ":" of ":="); the CB-SEM syntax rejects it, so it is
# swapped for a placeholder name before parsing and restored after
_INTERACTION = re.compile(r"(?<![\w.:])([A-Za-z_.][\w.]*)\s*:\s*(?!=)([A-Za-z_.][\w.]*)")
_MARK = "__x__"


def read_model(model: str, columns) -> PLSModel:
    """Read a lavaan model string as a PLS path model.

    Parameters
    ----------
    model : str
        ``=~`` (mode A), ``<~`` (mode B) and ``~`` formulas; ``X:M`` in a ``~`` formula
        is an interaction term; ``H =~ A + B`` over constructs A and B a higher-order
        construct.
    columns : sequence of str
        The data's column names: a structural variable that is a column and not a
        construct becomes a single-item construct.

    Returns
    -------
    PLSModel

    Raises
    ------
    ModelSyntaxError
        For ``~~``, intercepts, ``:=``, constraints, fixed values, a construct declared
        twice, an item used by two constructs, a cycle among the paths, a construct
        with no structural path, or a higher-order construct mixing constructs and
        items.
    """
    if not isinstance(model, str):
        raise ModelSyntaxError(f"model must be a lavaan model string, got {type(model).__name__}")
    pairs = {}

    def mark(match):
        iv, mod = match.group(1), match.group(2)
        name = f"{iv}{_MARK}{mod}"
        pairs[name] = (iv, mod)
        return name

    parsed = parse(_INTERACTION.sub(mark, model))
    if parsed.definitions or parsed.constraints:
        bad = parsed.definitions[0] if parsed.definitions else parsed.constraints[0]
        raise ModelSyntaxError("PLS models take only =~, <~ and ~ formulas; remove "
                               "defined parameters (:=) and constraints", line=bad.line)
    columns = list(columns)
    constructs, items, modes, paths = [], {}, {}, []
    for f in parsed.formulas:
        if f.op not in ("=~", "<~", "~"):
            raise ModelSyntaxError(
                f"PLS models take only =~, <~ and ~ formulas, not {f.op!r} (PLS estimates "
                "no covariances or intercepts)", line=f.line, token=f.op)
        for t in f.terms:
            if t.fixed is not None or t.starts is not None or t.free:
                raise ModelSyntaxError("PLS estimates every weight and path; remove the "
                                       "modifier", line=f.line, token=f"*{t.var}")
        named = [f.lhs] + ([t.var for t in f.terms] if f.op != "~" else [])
        inter = next((v for v in named if v in pairs), None)
        if inter is not None:
            iv, mod = pairs[inter]
            raise ModelSyntaxError(f"the interaction {iv}:{mod} may only be a predictor "
                                   "on the right of ~", line=f.line, token=f"{iv}:{mod}")
        if f.op in ("=~", "<~"):
            if f.lhs in items:
                raise ModelSyntaxError(f"construct {f.lhs!r} is declared twice; list all "
                                       "its items in one formula", line=f.line, token=f.lhs)
            constructs.append(f.lhs)
            items[f.lhs] = [t.var for t in f.terms]
            modes[f.lhs] = "B" if f.op == "<~" else "A"
        else:
            paths.extend((pairs[t.var][0] + ":" + pairs[t.var][1] if t.var in pairs
                          else t.var, f.lhs) for t in f.terms)
    higher = {c: list(items[c]) for c in constructs
              if any(x in items for x in items[c])}
    for h, dims in higher.items():
        loose = [x for x in dims if x not in items]
        if loose:
            raise ModelSyntaxError(
                f"higher-order construct {h!r} mixes constructs and items ({loose[0]!r}); "
                "measure it by lower-order constructs only", token=h)
        nested = [x for x in dims if x in higher]
        if nested:
            raise ModelSyntaxError(f"{h!r} is built on the higher-order construct "
                                   f"{nested[0]!r}; only second-order constructs are "
                                   "supported", token=h)
    interactions = {}
    for s, _ in paths:
        if ":" in s:
            interactions[s] = tuple(s.split(":"))
    for s, t in paths:
        for v in (s, t):
            if v not in items and v not in interactions:
                if v not in columns:
                    raise ModelSyntaxError(
                        f"{v!r} in a ~ formula is neither a construct (=~ or <~) nor a data "
                        "column", token=v)
                constructs.append(v)
                items[v] = [v]
                modes[v] = "A"
    for name, (iv, mod) in interactions.items():
        for v in (iv, mod):
            if v not in items:
                raise ModelSyntaxError(f"{v!r} in the interaction {name} is not a construct; "
                                       "declare it with =~ or <~ or give it a path", token=name)
            if v in higher:
                raise ModelSyntaxError(f"the interaction {name} uses the higher-order "
                                       f"construct {v!r}; not supported", token=name)
        constructs.append(name)
        items[name] = []
        modes[name] = "A"
    if not paths:
        raise ModelSyntaxError("the model has no structural paths (~); PLS needs at least one")
    lower = {x for dims in higher.values() for x in dims}
    owner = {}
    for c in constructs:
        if c in higher:
            continue
        for x in items[c]:
            if x in owner:
                raise ModelSyntaxError(
                    f"item {x!r} is used by both {owner[x]!r} and {c!r}; an item measures "
                    "one construct (for a higher-order construct write H =~ A + B over the "
                    "constructs)", token=x)
            owner[x] = c
    if len(set(paths)) != len(paths):
        dup = next(p for p in paths if paths.count(p) > 1)
        raise ModelSyntaxError(f"the path {dup[0]} -> {dup[1]} is given twice", token=dup[0])
    linked = {v for p in paths for v in p}
    both = sorted(lower & linked)
    if both:
        raise ModelSyntaxError(
            f"{both[0]!r} is a dimension of a higher-order construct and also has a "
            "structural path; give the path to the higher-order construct", token=both[0])
    lonely = [c for c in constructs if c not in linked | lower]
    if lonely:
        raise ModelSyntaxError(
            f"construct {lonely[0]!r} has no structural path; PLS needs every construct in a "
            "~ formula", token=lonely[0])
    m = PLSModel(constructs, items, modes, paths, interactions, higher)
    _check_acyclic(m)
    return m


def _check_acyclic(m: PLSModel) -> None:
    P = m.path_matrix()
    reach = P.copy()
    for _ in range(len(m.constructs)):
        reach = np.minimum(reach + reach @ P, 1.0)
    loop = np.flatnonzero(np.diag(reach))
    if loop.size:
        raise ModelSyntaxError(
            f"the paths form a loop through {m.constructs[loop[0]]!r}; PLS estimates "
            "recursive models only", token=m.constructs[loop[0]])
