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


@pytest.fixture(scope="session")
def hs():
    return load_reference_data("HolzingerSwineford1939.csv")


@pytest.fixture(scope="session")
def poldem():
    return load_reference_data("PoliticalDemocracy.csv")
