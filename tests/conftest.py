"""Shared fixtures: reference values (made by tests/reference/make_reference.R) and data."""

import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

REF = Path(__file__).parent / "reference"


def load_reference(name: str) -> dict:
    """Load ``tests/reference/<name>.json``."""
    with open(REF / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_reference_data(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / "data" / name)


def lavaan_keys(res, table: pd.DataFrame) -> list:
    """Merge keys for a lavaan table; lavaan numbers the groups 1, 2, ... in the order
    we label them, so ``table["group"]`` is relabelled in place for multi-group fits."""
    keys = ["lhs", "op", "rhs"]
    if res.ngroups > 1:
        table["group"] = [res.group_labels[int(g) - 1] for g in table["group"]]
        keys.append("group")
    return keys


def merge_with_lavaan(res, ref) -> pd.DataFrame:
    """Our ``params`` beside lavaan's ``parameterEstimates()`` of ``ref`` (columns of
    lavaan suffixed ``_lavaan`` where the names clash), outer-merged with ``_merge``.
    Rows match on ``lhs op rhs`` (spaces dropped from ``:=`` expressions) and, for
    multi-group fits, the group: lavaan numbers groups 1, 2, ... in our label order."""
    theirs = pd.DataFrame(ref["parameter_estimates"])
    ours = res.params.copy()
    for table in (ours, theirs):
        table["rhs"] = table["rhs"].astype(str).str.replace(" ", "")
    return ours.merge(theirs, on=lavaan_keys(res, theirs), suffixes=("", "_lavaan"),
                      how="outer", indicator=True)


@pytest.fixture(scope="session")
def hs():
    return load_reference_data("HolzingerSwineford1939.csv")


@pytest.fixture(scope="session")
def poldem():
    return load_reference_data("PoliticalDemocracy.csv")


def pytest_collection_modifyitems(items):
    """The browser tests (tests/browser/) start JupyterLab and chromium: slow, and run on
    Linux only (Debian's chromium)."""
    import sys

    browser = Path(__file__).parent / "browser"
    for item in items:
        if browser in Path(item.fspath).parents:
            item.add_marker(pytest.mark.kernels)
            item.add_marker(pytest.mark.slow)
            if not sys.platform.startswith("linux"):
                item.add_marker(pytest.mark.skip(
                    reason="the browser test runs on Linux (Debian's chromium) only"))
