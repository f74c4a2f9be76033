"""Timing helper shared by the benchmark scripts (medians of repeated runs)."""

import statistics
import subprocess
import sys
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


def fresh_import_times(codes, repeats):
    """Seconds that each snippet in ``codes`` takes in a fresh interpreter, timed inside
    that interpreter (so that the start of Python itself, and its noise, stay out), the
    snippets run in turn: {code: (median, min, max)}."""
    probe = "import time; t0 = time.perf_counter(); {}; print(time.perf_counter() - t0)"
    times = {code: [] for code in codes}
    for _ in range(repeats):
        for code in codes:
            out = subprocess.run([sys.executable, "-c", probe.format(code)], check=True,
                                 capture_output=True, text=True).stdout
            times[code].append(float(out.split()[-1]))
    return {c: (statistics.median(t), min(t), max(t)) for c, t in times.items()}


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


def lavaan_times(setup, call, repeats, timeout=1800):
    """Wall times of the R expression ``call`` in lavaan, after ``setup`` (R code that
    reads the data and defines the model), in one fresh ``Rscript``: (median, min, max)
    seconds over ``repeats`` runs after a warm-up, or None when Rscript with lavaan is
    not installed (``./dev bench`` installs it on Debian when run as root)."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("Rscript") is None:
        return None
    script = (f"suppressPackageStartupMessages(library(lavaan))\n{setup}\n"
              f"f <- function() {call}\ninvisible(f())\n"
              f"t <- replicate({repeats}, system.time(f())[['elapsed']])\n"
              "cat(median(t), min(t), max(t))\n")
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(["Rscript", fh.name], capture_output=True, text=True,
                             timeout=timeout)
        t = tuple(float(v) for v in out.stdout.split()[-3:])
        return t if len(t) == 3 else None
    except (subprocess.SubprocessError, ValueError):
        return None


def r_model(model):
    """Model syntax as an R string literal (one line, single quotes escaped)."""
    lines = [ln.split("#")[0].strip() for ln in model.strip().splitlines()]
    return "'" + "; ".join(ln for ln in lines if ln).replace("'", "\\'") + "'"


def fmt(t, unit="ms"):
    """``median [min-max]`` of a (median, min, max) triple in seconds."""
    k, d = (1000, 1) if unit == "ms" else (1, 2)
    med, lo, hi = t
    return f"{k * med:8.{d}f} {unit} [{k * lo:.{d}f}-{k * hi:.{d}f}]"


def vs_lavaan(ours, lav, unit="ms"):
    """The lavaan part of a benchmark line: its time and the ratio to ours."""
    if lav is None:
        return "; lavaan not found (Rscript with lavaan)"
    return f"; lavaan {fmt(lav, unit)}; ratio {lav[0] / ours[0]:.1f}x"
