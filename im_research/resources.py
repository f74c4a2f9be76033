"""Where the bundled folders live: ``datasets/``, ``notebooks/`` and ``exercises/``.

In a checkout (an editable install) they are the repository's top-level folders; an
installed wheel carries copies in ``im_research/_bundled/``, written at build time by
``setup.py`` (without ``exercises/solutions/``, which never ship). The wheel's copy wins,
so an installed package never picks up an unrelated ``datasets`` folder beside it.

>>> from im_research.resources import resource_dir
>>> resource_dir("datasets").name
'datasets'
"""

from __future__ import annotations

from pathlib import Path

from .errors import IMResearchError

__all__ = ["resource_dir", "FOLDERS"]

FOLDERS = ("datasets", "notebooks", "exercises")
_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_bundled"
_CHECKOUT = _PACKAGE.parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (one of ``FOLDERS``) of this installation."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}; use one of {FOLDERS}")
    for base in (_BUNDLED, _CHECKOUT):
        in_checkout = (_CHECKOUT / "pyproject.toml").is_file()
        if (base / name).is_dir() and (base is _BUNDLED or in_checkout):
            return base / name
    raise IMResearchError(
        f"the {name}/ folder is missing from this installation ({_PACKAGE}); reinstall "
        "im-research from a wheel, or run from a checkout of the repository")
