"""Exceptions and warnings raised by im-research.

Every error says what is wrong, where (line, column, row or parameter) and what to do.

Examples
--------
>>> from im_research.errors import ModelSyntaxError
>>> issubclass(ModelSyntaxError, ValueError)
True
"""

__all__ = [
    "IMResearchError",
    "ModelSyntaxError",
    "DataError",
    "ArgumentError",
    "IdentificationError",
    "ConvergenceError",
    "HeywoodWarning",
    "DataWarning",
]


class IMResearchError(Exception):
    """Base class of all im-research errors."""


class ModelSyntaxError(IMResearchError, ValueError):
    """A lavaan model string could not be read.

    Attributes ``line`` (1-based line number) and ``token`` name the place at fault.
    """

    def __init__(self, message, line=None, token=None):
        self.line = line
        self.token = token
        where = []
        if line is not None:
            where.append(f"line {line}")
        if token is not None:
            where.append(f"at {token!r}")
        prefix = f"model syntax, {', '.join(where)}: " if where else "model syntax: "
        super().__init__(prefix + message)


class DataError(IMResearchError, ValueError):
    """The data (or a summary matrix) cannot be used as given."""


class ArgumentError(IMResearchError, ValueError):
    """An argument has the wrong type, range or length; the message names the argument,
    the value given and what to pass instead."""


class IdentificationError(IMResearchError):
    """The model is not identified (more unknowns than information, or a singular
    information matrix)."""


class ConvergenceError(IMResearchError):
    """The optimiser did not reach a solution; no estimates are returned.

    ``result`` holds the last iterate for diagnosis (``converged`` is False).
    """

    def __init__(self, message, result=None):
        self.result = result
        super().__init__(message)


class HeywoodWarning(UserWarning):
    """A variance estimate is negative or a correlation exceeds 1 (a Heywood case)."""


class DataWarning(UserWarning):
    """Something about the data the user should know (e.g. rows dropped listwise)."""
