"""The instructor's side of a course: the course secret and the roster.

The secret decides every student's data (with the student id and the exercise), so it
stays with the instructor. It is read, first found first used, from

1. the ``course_secret=`` argument (``--secret-file`` on the command line),
2. the environment variable ``IM_RESEARCH_COURSE_SECRET``,
3. a TOML file ``im-research.toml`` in the current folder (or ``config=``)::

       [course]
       secret = "a long random text nobody guesses"

Students never need it: ``im-research exercise release --roster roster.csv`` writes each
student's data next to their notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ...errors import ArgumentError
from .framework import check_student_id

__all__ = ["SECRET_ENV", "CONFIG_FILE", "course_secret", "read_roster"]

SECRET_ENV = "IM_RESEARCH_COURSE_SECRET"
CONFIG_FILE = "im-research.toml"


def course_secret(secret=None, config=None, required: bool = False) -> str | None:
    """The course secret from the argument, the environment or the config file.

    Returns None when none is set (and ``required`` is False).

    Examples
    --------
    >>> course_secret("MKT-501-2026-x9")
    'MKT-501-2026-x9'
    """
    if secret is not None:
        if not isinstance(secret, str) or not secret.strip():
            raise ArgumentError("course_secret must be non-empty text")
        return secret
    env = os.environ.get(SECRET_ENV, "").strip()
    if env:
        return env
    path = Path(config) if config is not None else Path.cwd() / CONFIG_FILE
    if config is not None and not path.is_file():
        raise ArgumentError(f"config={str(path)!r} does not exist; write an {CONFIG_FILE} with "
                            "[course] secret = \"...\"")
    if path.is_file():
        import tomllib

        try:
            conf = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ArgumentError(f"{path} is not valid TOML: {exc}") from None
        value = conf.get("course", {}).get("secret")
        if not isinstance(value, str) or not value.strip():
            raise ArgumentError(f"{path} has no [course] secret = \"...\" (non-empty text)")
        return value.strip()
    if required:
        raise ArgumentError(f"no course secret: set the environment variable {SECRET_ENV} or "
                            f"write {CONFIG_FILE} with [course] secret = \"...\" (keep it "
                            "private: it decides every student's data)")
    return None


def read_roster(path) -> list[str]:
    """The student ids of a roster CSV (a column ``student_id``, or ``id``).

    Empty, placeholder and repeated ids are refused with their row numbers.

    Examples
    --------
    >>> import io
    >>> read_roster(io.StringIO("student_id,name\\ns1,Ana\\ns2,Bo\\n"))
    ['s1', 's2']
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ArgumentError(f"roster={str(path)!r} does not exist") from None
    col = next((c for c in ("student_id", "id") if c in table.columns), None)
    if col is None:
        raise ArgumentError(f"the roster needs a column 'student_id' (has {list(table.columns)})")
    ids, seen = [], {}
    for i, raw in enumerate(table[col], start=2):  # row 1 is the header
        try:
            sid = check_student_id(raw)
        except ArgumentError as exc:
            raise ArgumentError(f"roster row {i}: {exc}") from None
        if sid in seen:
            raise ArgumentError(f"roster rows {seen[sid]} and {i} both have id {sid!r}; ids "
                                "must be unique")
        seen[sid] = i
        ids.append(sid)
    if not ids:
        raise ArgumentError("the roster has no students")
    return ids
