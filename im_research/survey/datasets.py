"""Bundled datasets with codebooks (folder ``datasets/`` of the repository).

Every file is built by ``scripts/make_datasets.py`` from the simulator (synthetic data
with known truth) or from published summary statistics; the codebook says which.

Examples
--------
>>> import im_research as ir
>>> "bank_service_profit_chain" in set(ir.datasets.list()["name"])
True
>>> bank = ir.datasets.load("bank_service_profit_chain")
>>> bank.attrs["codebook"]["kind"]
'synthetic'
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..resources import resource_dir

__all__ = ["list", "load", "codebook", "info", "fit_inputs", "data_dir"]


def data_dir() -> Path:
    """The folder holding the bundled CSV files and their codebooks."""
    return resource_dir("datasets")


def _codebooks():
    folder = data_dir()
    books = {p.name.removesuffix(".codebook.json"): p
             for p in sorted(folder.glob("*.codebook.json"))}
    if not books:
        raise DataError(f"the datasets folder {folder} holds no codebooks; run "
                        "`python scripts/make_datasets.py` from the repository root")
    return books


def info(name: str) -> dict:
    """The full codebook of ``name`` (description, provenance, variables, true values)."""
    books = _codebooks()
    if name not in books:
        raise DataError(f"unknown dataset {name!r}; available: {builtins.list(books)}")
    return json.loads(books[name].read_text(encoding="utf-8"))


def list() -> pd.DataFrame:  # noqa: A001 - mirrors pandas/pingouin naming (datasets.list)
    """One row per dataset: ``name, kind, n, description``."""
    rows = []
    for name in _codebooks():
        cb = info(name)
        rows.append({"name": name, "kind": cb["kind"], "n": cb["n"],
                     "description": cb["description"]})
    return pd.DataFrame(rows)


def codebook(name: str) -> pd.DataFrame:
    """The variables of ``name``: column, construct, item text, coding, reverse key."""
    return pd.DataFrame(info(name)["variables"])


def load(name: str, reverse_scored: bool = False) -> pd.DataFrame:
    """Load a dataset; ``df.attrs["codebook"]`` holds its codebook.

    With ``reverse_scored=True`` every reverse-keyed item ``x`` gets a reverse-scored copy
    ``xr`` (k + 1 - x), the names the datasets' model syntax uses."""
    from ..scales.scoring import reverse_code

    cb = info(name)
    df = pd.read_csv(data_dir() / cb["file"])
    if reverse_scored:
        rev = {v["column"]: int(v["coding"].split("-")[1].split()[0])
               for v in cb["variables"] if v.get("reverse")}
        df = reverse_code(df, rev) if rev else df
    df.attrs["codebook"] = cb
    return df


def fit_inputs(name: str) -> dict:
    """Keyword arguments for :func:`im_research.fit` from a published summary dataset:
    ``cov`` (covariance, or correlation with ``sd``) and ``nobs``.

    >>> import im_research as ir
    >>> kw = ir.datasets.fit_inputs("williams_anderson1994")
    >>> sorted(kw), kw["nobs"]
    (['cov', 'nobs'], 232)
    """
    cb = info(name)
    if cb["kind"] != "published summary statistics":
        raise DataError(f"{name!r} holds raw data; pass it as data= to fit()")
    mat = pd.read_csv(data_dir() / cb["file"], index_col="variable")
    mat.index.name = None
    kwargs = {"cov": mat, "nobs": int(cb["n"])}
    if cb["matrix"] == "correlation":
        kwargs["sd"] = pd.Series(cb["sd"])
    return kwargs
