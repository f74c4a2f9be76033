"""Two-level SEM benchmark (issue 13): a full two-level fit (estimates, observed-
information SEs, the h1 and baseline models, all fit measures) in im-research and in
lavaan 0.6 (``sem(model, data, cluster = "cluster")``, timed by Rscript in the same run
when R with lavaan is installed), medians over repeated runs.

Models: the lavaan tutorial model on ``Demo.twolevel`` (2500 rows, 200 clusters of 5-20),
the unbalanced-cluster reference (1227 rows, 200 clusters of 1-13, 30 parameters) and the
two-level CFA by FIML on Demo.twolevel with ~10 % of the values missing (lavaan
``missing = "ml"``).

    python benchmarks/bench_twolevel.py [--repeats 15]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from _timing import fmt, interleaved, lavaan_times, r_model, vs_lavaan  # noqa: E402  (benchmarks/ is on sys.path)

import im_research as ir  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "tests" / "reference"


def cases():
    demo = pd.read_csv(REF / "data" / "demo_twolevel.csv")
    unbalanced = demo[demo.groupby("cluster").cumcount() < 1 + demo["cluster"] % 13]
    for name, data, label in [("tutorial", demo, "tutorial model (n=2500, 200 clusters)"),
                              ("unbalanced", unbalanced,
                               "unbalanced, 2 between factors (n=1227)")]:
        model = json.loads((REF / f"twolevel_{name}.json").read_text())["model_syntax"]
        yield label, model, data, "listwise"
    missing = pd.read_csv(REF / "data" / "demo_twolevel_missing.csv")
    model = json.loads((REF / "twolevel_fiml_cfa.json").read_text())["model_syntax"]
    yield "FIML, two-level CFA, ~10 % missing (n=2500)", model, missing, "fiml"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        for label, model, data, missing in cases():
            csv = Path(tmp) / "twolevel.csv"
            data.to_csv(csv, index=False)
            reps = args.repeats if missing == "listwise" else max(3, args.repeats // 5)
            ours = interleaved([lambda m=model, d=data, ms=missing: ir.fit(
                m, data=d, cluster="cluster", missing=ms)], reps)[0]
            r_missing = ", missing = 'ml'" if missing == "fiml" else ""
            lav = lavaan_times(f"d <- read.csv('{csv}')",
                               f"sem({r_model(model)}, data = d, cluster = 'cluster'"
                               f"{r_missing})", reps)
            print(f"{label:<42} im-research {fmt(ours)}{vs_lavaan(ours, lav)}")


if __name__ == "__main__":
    main()
