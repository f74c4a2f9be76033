"""WLSMV benchmarks (issue 3), medians of repeated runs in one process.

(a) One WLSMV fit (estimates, robust SEs, all fit measures) of the ski-resort SEM
    (10 seven-point items, n = 251 complete rows), and the share spent on the sample
    statistics (thresholds, polychorics, Gamma).
(b) One WLSMV fit of the flagship SEM (17 seven-point items, n = 420; the polychorics of
    all 136 pairs are estimated at once), and lavaan's time where available.
(c) A 200-draw WLSMV bootstrap of the ski SEM: our refitter (statistics recomputed,
    warm-started Gauss-Newton, same parameter table) against the naive baseline of
    calling ``im_research.fit`` on every resample; both serial, the ratio is printed.
Where Rscript and lavaan are installed, lavaan's time for the same fit is printed too.

    python benchmarks/bench_wlsmv.py [--repeats 5]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _timing import lavaan_times, r_model  # noqa: E402  (benchmarks/ is on sys.path)
from _timing import median_s as _median  # noqa: E402

import im_research as ir  # noqa: E402
from im_research.sem.ordinal import wls_statistics  # noqa: E402
from im_research.teaching.flagship import load_flagship_data  # noqa: E402


def median_s(fn, repeats):
    return _median(fn, repeats, warmup=True)

ROOT = Path(__file__).resolve().parents[1]


def lavaan_seconds(model, items, repeats, csv=ROOT / "datasets" / "ski_resort_branding.csv"):
    """lavaan's median time for the same WLSMV fit (None without Rscript + lavaan)."""
    t = lavaan_times(f"d <- read.csv('{csv}')\nit <- c({', '.join(repr(v) for v in items)})",
                     f"sem({r_model(model)}, data = d, ordered = it)", repeats)
    return None if t is None else t[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    ski = ir.datasets.load("ski_resort_branding")
    model = ir.datasets.info("ski_resort_branding")["model_syntax"]
    items = [c for c in ski.columns if c[:2] in ("bk", "bc", "bb")]
    complete = ski[items].dropna()

    fit_s = median_s(lambda: ir.fit(model, data=ski, ordered=True), args.repeats)
    stats_s = median_s(lambda: wls_statistics(complete, items), args.repeats)
    print(f"(a) WLSMV fit of the ski SEM: {1000 * fit_s:.0f} ms "
          f"(sample statistics {1000 * stats_s:.0f} ms)")
    lav = lavaan_seconds(model, items, args.repeats)
    if lav is not None:
        print(f"    lavaan 0.6 sem(..., ordered =): {1000 * lav:.0f} ms "
              f"(ratio {lav / fit_s:.1f}x)")

    # (b) the flagship SEM with its 17 seven-point items as ordered (issue 19's row)
    bank = load_flagship_data()
    bank_model = "\n".join(re.sub(r"#.*", "", line) for line in
                           bank.attrs["codebook"]["model_syntax"].splitlines()
                           if ":=" not in line and line.split("#")[0].strip())
    bank_items = list(dict.fromkeys(re.findall(r"\b(?:im|js|oc|sq|cs)\d+r?\b", bank_model)))
    bank_fit = median_s(lambda: ir.fit(bank_model, data=bank[bank_items], ordered=True),
                        args.repeats)
    bank_stats = median_s(lambda: wls_statistics(bank[bank_items], bank_items), args.repeats)
    print(f"(b) WLSMV fit of the flagship SEM ({len(bank_items)} items, n = {len(bank)}): "
          f"{1000 * bank_fit:.0f} ms (sample statistics, 136 polychorics at once: "
          f"{1000 * bank_stats:.0f} ms)")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "bank.csv"
        bank[bank_items].to_csv(csv, index=False)
        lav = lavaan_seconds(bank_model, bank_items, args.repeats, csv)
    print(f"    lavaan 0.6 sem(..., ordered =): {1000 * lav:.0f} ms (ratio {lav / bank_fit:.1f}x)"
          if lav is not None else "    lavaan not found (Rscript with lavaan)")

    res = ir.fit(model, data=ski, ordered=True)
    n_boot = 200
    ours = median_s(lambda: ir.bootstrap(res, n_boot=n_boot, seed=1, progress=False),
                    max(1, args.repeats // 2))
    rng = np.random.default_rng(1)
    rows = [rng.integers(0, len(complete), len(complete)) for _ in range(20)]

    def naive():
        for r in rows:
            try:
                ir.fit(model, data=complete.iloc[r], ordered=True)
            except ir.errors.IMResearchError:
                pass

    naive_s = median_s(naive, 1) * n_boot / len(rows)
    print(f"(c) {n_boot}-draw WLSMV bootstrap: {ours:.1f} s; naive refits through fit(): "
          f"{naive_s:.1f} s (20 timed, scaled); ratio {naive_s / ours:.1f}x")


if __name__ == "__main__":
    main()
