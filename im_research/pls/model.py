"""A PLS path model read from lavaan syntax.

``X =~ x1 + x2`` declares a composite estimated in mode A (correlation weights, the
usual "reflective" block), ``X <~ x1 + x2`` one in mode B (regression weights, a
"formative" block) and ``Y ~ X + Z`` the structural paths; a model of ``=~`` and ``~``
formulas fits with both :func:`im_research.fit` (CB-SEM) and :func:`im_research.pls`.
A variable named in a
``~`` formula that is a data column rather than a construct becomes a single-item
construct of the same name.

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

from dataclasses import dataclass

import numpy as np

from ..errors import ModelSyntaxError
from ..sem.syntax import parse

__all__ = ["PLSModel", "read_model"]

@dataclass
class PLSModel:
    """Constructs in model order, their items and modes, and the structural paths.

    ``paths`` holds ``(source, target)`` pairs; ``items`` maps a construct to its
    indicator columns; ``modes`` to ``"A"`` or ``"B"``.
    """

    constructs: list
    items: dict
    modes: dict
    paths: list

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
                        [p for p in self.paths if p != (source, target)])


def read_model(model: str, columns) -> PLSModel:
    """Read a lavaan model string as a PLS path model.

    Parameters
    ----------
    model : str
        ``=~`` (mode A), ``<~`` (mode B) and ``~`` formulas.
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
        twice, an item used by two constructs, a cycle among the paths, or a construct
        with no structural path.
    """
    parsed = parse(model)
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
        if f.op in ("=~", "<~"):
            if f.lhs in items:
                raise ModelSyntaxError(f"construct {f.lhs!r} is declared twice; list all "
                                       "its items in one formula", line=f.line, token=f.lhs)
            constructs.append(f.lhs)
            items[f.lhs] = [t.var for t in f.terms]
            modes[f.lhs] = "B" if f.op == "<~" else "A"
        else:
            paths.extend((t.var, f.lhs) for t in f.terms)
    for s, t in paths:
        for v in (s, t):
            if v not in items:
                if v not in columns:
                    raise ModelSyntaxError(
                        f"{v!r} in a ~ formula is neither a construct (=~ or <~) nor a data "
                        "column", token=v)
                constructs.append(v)
                items[v] = [v]
                modes[v] = "A"
    if not paths:
        raise ModelSyntaxError("the model has no structural paths (~); PLS needs at least one")
    owner = {}
    for c in constructs:
        for x in items[c]:
            if x in owner:
                raise ModelSyntaxError(
                    f"item {x!r} is used by both {owner[x]!r} and {c!r}; repeated indicators "
                    "(higher-order constructs) are not supported yet", token=x)
            owner[x] = c
    if len(set(paths)) != len(paths):
        dup = next(p for p in paths if paths.count(p) > 1)
        raise ModelSyntaxError(f"the path {dup[0]} -> {dup[1]} is given twice", token=dup[0])
    linked = {v for p in paths for v in p}
    lonely = [c for c in constructs if c not in linked]
    if lonely:
        raise ModelSyntaxError(
            f"construct {lonely[0]!r} has no structural path; PLS needs every construct in a "
            "~ formula", token=lonely[0])
    m = PLSModel(constructs, items, modes, paths)
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
