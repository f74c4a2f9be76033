"""Timing helper shared by the benchmark scripts (medians of repeated runs)."""

import statistics
import time


def median_s(fn, repeats, warmup=False):
    """Median wall time of ``fn()`` over ``repeats`` runs, in seconds."""
    if warmup:
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
