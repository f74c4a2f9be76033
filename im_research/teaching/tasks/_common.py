"""Helpers the lessons' task modules share."""

from __future__ import annotations


def bank_data():
    from ..flagship import load_flagship_data

    return load_flagship_data()


def std_all(res, lhs, op, rhs) -> float:
    p = res.params
    return float(p.loc[(p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs),
                       "std_all"].iloc[0])
