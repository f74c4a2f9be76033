"""Full-fit benchmark: im_research.fit vs semopy in the same process.

A "full fit" is estimates + standard errors + all fit measures:
- im-research: ``im_research.fit(model, data)`` (computes all of them);
- semopy 2.3.11: ``Model(model)``, ``fit(data, options={"ftol": 1e-10})`` (the tolerance
  needed to match lavaan's estimates), ``inspect()`` (SEs), ``calc_stats()`` (fit indices).

Models: PoliticalDemocracy (lavaan tutorial SEM, n = 75) and the flagship 17-indicator,
5-factor service-profit-chain SEM (n = 420). Prints medians (ms) and the ratio.
Targets (issue 2): <= 5 ms for PoliticalDemocracy and >= 5x faster than semopy.

    python benchmarks/bench_fit.py [--reps 60]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

import im_research as ir  # noqa: E402
from im_research.teaching.flagship import load_flagship_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def median_ms(fn, reps):
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def semopy_full_fit(model, data):
    import semopy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = semopy.Model(model)
        m.fit(data, options={"ftol": 1e-10})
        m.inspect()
        semopy.calc_stats(m)


def strip_defined(model):
    """semopy has no ':=' and no labels-with-products; drop those lines for the baseline."""
    return "\n".join(line for line in model.splitlines() if ":=" not in line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=60)
    args = parser.parse_args()
    pd_data = pd.read_csv(ROOT / "tests" / "reference" / "data" / "PoliticalDemocracy.csv")
    pd_model = json.loads((ROOT / "tests" / "reference" / "poldem_sem.json").read_text())[
        "model_syntax"]
    bank = load_flagship_data()
    bank_model = strip_defined(bank.attrs["codebook"]["model_syntax"])
    bank_items = [c for c in bank.columns if c[:2] in ("im", "js", "oc", "sq", "cs")]
    bank_data = bank[bank_items]
    print(f"{'model':<38}{'im-research ms':>15}{'semopy ms':>12}{'ratio':>8}")
    for name, model, data in [("PoliticalDemocracy (n=75)", pd_model, pd_data),
                              ("flagship 17 ind., 5 factors (n=420)", bank_model, bank_data)]:
        ours = median_ms(lambda m=model, d=data: ir.fit(m, data=d), args.reps)
        theirs = median_ms(lambda m=model, d=data: semopy_full_fit(m, d), max(10, args.reps // 4))
        print(f"{name:<38}{ours:>15.2f}{theirs:>12.2f}{theirs / ours:>7.1f}x")
    print("targets: PoliticalDemocracy <= 5 ms; >= 5x faster than semopy")


if __name__ == "__main__":
    main()
