"""How a fit's time grows with the model and the sample (issue 19's growth table).

CFAs with k factors of 4 indicators (p = 12, 24, 48, 96; factor correlations .3,
loadings .7), simulated with a seeded generator:
- in p at n = 500, and in n at p = 12 (n = 500 ... 500 000);
- each row the median [min-max] of interleaved full fits (estimates, SEs, all fit
  measures), lavaan's time for the same fit beside it when Rscript with lavaan is
  installed, and the least-squares slope of log(time) on log(p) or log(n).

    python benchmarks/bench_growth.py [--repeats 5]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _timing import fmt, interleaved, lavaan_times, r_model, vs_lavaan  # noqa: E402

import im_research as ir  # noqa: E402


def cfa_data(factors, n, seed=0):
    """(model syntax, data) of a CFA with ``factors`` factors of four indicators."""
    rng = np.random.default_rng(seed)
    phi = 0.3 + 0.7 * np.eye(factors)
    eta = rng.multivariate_normal(np.zeros(factors), phi, size=n)
    cols = {f"f{f}x{j}": 0.7 * eta[:, f] + rng.normal(scale=0.7, size=n)
            for f in range(factors) for j in range(4)}
    model = "".join(f"F{f} =~ " + " + ".join(f"f{f}x{j}" for j in range(4)) + "\n"
                    for f in range(factors))
    return model, pd.DataFrame(cols)


def slope(xs, ts):
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def row(label, model, data, repeats, tmp):
    ours = interleaved([lambda: ir.fit(model, data=data)], repeats)[0]
    csv = Path(tmp) / "cfa.csv"
    data.to_csv(csv, index=False)
    lav = lavaan_times(f"d <- read.csv('{csv}')",
                       f"{{fit <- cfa({r_model(model)}, data = d); fitMeasures(fit)}}",
                       max(1, repeats // 2))
    print(f"  {label:<22} im-research {fmt(ours)}{vs_lavaan(ours, lav)}")
    return ours[0], None if lav is None else lav[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("growth in p (n = 500)")
        ps, ours, lav = [], [], []
        for k in (3, 6, 12, 24):
            model, data = cfa_data(k, 500)
            o, lv = row(f"p = {4 * k}", model, data, args.repeats, tmp)
            ps.append(4 * k)
            ours.append(o)
            lav.append(lv)
        line = f"  log-log slope in p: im-research {slope(ps, ours):.2f}"
        if None not in lav:
            line += f", lavaan {slope(ps, lav):.2f}"
        print(line)
        print("growth in n (p = 12)")
        ns, ours, lav = [], [], []
        for n in (500, 5_000, 50_000, 500_000):
            model, data = cfa_data(3, n)
            o, lv = row(f"n = {n}", model, data, args.repeats, tmp)
            ns.append(n)
            ours.append(o)
            lav.append(lv)
        line = f"  log-log slope in n: im-research {slope(ns, ours):.2f}"
        if None not in lav:
            line += f", lavaan {slope(ns, lav):.2f}"
        print(line)


if __name__ == "__main__":
    main()
