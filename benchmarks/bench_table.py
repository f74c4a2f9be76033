"""Issue 19's speed table, every row beside lavaan 0.6 timed in the same run.

Rows: FIML (17 indicators, 420 rows, ~150 missing-data patterns), WLSMV (the flagship's
17 seven-point items, 420 rows), a CFA with 24 factors x 4 indicators (p = 96, n = 500),
PoliticalDemocracy full fit (estimates, SEs, all fit measures) without and with
``summary()``, the 1000-draw bootstrap of the flagship SEM (serial), the BCa bootstrap at
n = 20 000 (no lavaan counterpart: lavaan has no BCa with a jackknife) and
``import im_research``. Each: median [min-max] of interleaved runs, the target of the
issue, lavaan's time and the ratio; lavaan is reported as not found without Rscript.

    python benchmarks/bench_table.py [--repeats 7]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _timing import (  # noqa: E402
    fmt,
    fresh_import_times,
    interleaved,
    lavaan_times,
    r_model,
    vs_lavaan,
)
from bench_fiml import fiml_data  # noqa: E402
from bench_growth import cfa_data  # noqa: E402

import im_research as ir  # noqa: E402
from im_research.teaching.flagship import load_flagship_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLDEM = ROOT / "tests" / "reference" / "data" / "PoliticalDemocracy.csv"


def flagship():
    """The flagship SEM without its := lines, and its 17 items."""
    bank = load_flagship_data()
    model = "\n".join(re.sub(r"#.*", "", line) for line in
                      bank.attrs["codebook"]["model_syntax"].splitlines()
                      if ":=" not in line and line.split("#")[0].strip())
    items = list(dict.fromkeys(re.findall(r"\b(?:im|js|oc|sq|cs)\d+r?\b", model)))
    return model, bank[items]


def csv_of(data, tmp, name):
    path = Path(tmp) / f"{name}.csv"
    data.to_csv(path, index=False)
    return f"d <- read.csv('{path}')"


def line(label, target, ours, lav, unit="ms"):
    """One row; ``lav=False``: no lavaan counterpart."""
    other = "; no lavaan counterpart" if lav is False else vs_lavaan(ours, lav, unit)
    print(f"{label:<44} {fmt(ours, unit)}  (target {target}){other}")


def import_time(repeats):
    """``import im_research`` in a fresh interpreter, timed inside it."""
    return fresh_import_times(["import im_research"], repeats)["import im_research"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    reps = args.repeats
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        model, data = fiml_data()
        ours = interleaved([lambda: ir.fit(model, data=data, missing="fiml")], reps)[0]
        lav = lavaan_times(csv_of(data, tmp, "fiml"),
                           f"sem({r_model(model)}, data = d, missing = 'ml')", reps)
        line(f"FIML, 17 indicators, {len(data.isna().drop_duplicates())} patterns",
             "<= 300 ms", ours, lav)

        bank_model, items = flagship()
        ours = interleaved([lambda: ir.fit(bank_model, data=items, ordered=True)], reps)[0]
        lav = lavaan_times(csv_of(items, tmp, "wlsmv"),
                           f"sem({r_model(bank_model)}, data = d, ordered = names(d))", reps)
        line("WLSMV, 17 seven-point items, n = 420", "<= 40 ms", ours, lav)

        model, data = cfa_data(24, 500)
        ours = interleaved([lambda: ir.fit(model, data=data)], reps)[0]
        lav = lavaan_times(csv_of(data, tmp, "cfa96"),
                           f"{{fit <- cfa({r_model(model)}, data = d); fitMeasures(fit)}}", 1)
        line("CFA 24 factors x 4 indicators, n = 500", "<= 200 ms", ours, lav)

        pd_model = (
            "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\n"
            "dem60 ~ ind60\ndem65 ~ ind60 + dem60\ny1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\n"
            "y4 ~~ y8\ny6 ~~ y8\n")
        poldem = pd.read_csv(POLDEM)
        fit_only, with_summary = interleaved(
            [lambda: ir.fit(pd_model, data=poldem),
             lambda: ir.fit(pd_model, data=poldem).summary()], 10 * reps)
        setup = f"d <- read.csv('{POLDEM}')"
        lav = lavaan_times(setup, f"{{fit <- sem({r_model(pd_model)}, data = d); "
                                  "fitMeasures(fit)}", 10 * reps)
        line("PoliticalDemocracy full fit", "<= 3 ms", fit_only, lav)
        lav = lavaan_times(setup, f"capture.output(summary(sem({r_model(pd_model)}, "
                                  "data = d), fit.measures = TRUE))", 10 * reps)
        line("  + summary()", "<= 5 ms", with_summary, lav)

        bank = load_flagship_data()
        res = ir.fit(bank.attrs["codebook"]["model_syntax"], data=bank)
        ours = interleaved([lambda: ir.bootstrap(res, n_boot=1000, seed=1, progress=False)],
                           max(3, reps // 2))[0]
        lav = lavaan_times(csv_of(items, tmp, "boot") + f"\nfit <- sem({r_model(bank_model)}, "
                           "data = d)\nset.seed(1)",
                           "bootstrapLavaan(fit, R = 1000, FUN = 'coef')", 1)
        line("1000-draw bootstrap, 17 indicators, serial", "<= 0.6 s", ours, lav, "s")

        rng = np.random.default_rng(1)
        x = rng.normal(size=20_000)
        m = 0.4 * x + rng.normal(size=20_000)
        y = 0.3 * m + 0.1 * x + rng.normal(size=20_000)
        med = ir.fit("m ~ a*x\ny ~ b*m + x\nind := a*b",
                     data=pd.DataFrame({"x": x, "m": m, "y": y}))
        ours = interleaved([lambda: ir.bootstrap(med, n_boot=1000, seed=1, ci="bca",
                                                 progress=False)], 3)[0]
        line("BCa bootstrap (1000 draws), n = 20 000", "<= 10 s", ours, False, "s")
    line("import im_research", "<= 0.3 s", import_time(reps), False)


if __name__ == "__main__":
    main()
