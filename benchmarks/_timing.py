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


def interleaved(fns, repeats, warmup=True):
    """Wall times of several functions run in turn (a, b, a, b, ...) so that load from
    other processes hits them alike; returns (median, min, max) seconds of each."""
    if warmup:
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [(statistics.median(ts), min(ts), max(ts)) for ts in times]
