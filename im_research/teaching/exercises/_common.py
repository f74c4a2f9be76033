"""Helpers the exercise modules share: a student's model fitted once, one estimate."""

from __future__ import annotations


def fit_once(ex, model, **kw):
    """``fit(model, data=<the student's data>, **kw)``, computed once per exercise.

    One BLAS thread: the matrices are small, so it is faster, and much faster beside
    running kernels (the expected answers are computed in the student's kernel by
    ``check()`` and again by the grader)."""
    from threadpoolctl import threadpool_limits

    from ...sem.estimate import fit

    def run():
        with threadpool_limits(1):
            return fit(model, data=ex.source_data(), **kw)

    return ex.cached(("fit", model, tuple(sorted((k, str(v)) for k, v in kw.items()))), run)


def param(res, lhs, op, rhs, col="std_all", group=None) -> float:
    """One column of one parameter row of a fitted model (``group=`` picks a group)."""
    p = res.params
    mask = (p["lhs"] == lhs) & (p["op"] == op) & (p["rhs"] == rhs)
    if group is not None:
        mask &= p["group"] == group
    return float(p.loc[mask, col].iloc[0])
