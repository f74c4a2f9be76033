"""Bootstrap and Monte Carlo power benchmarks (issue 6), medians of repeated runs.

(a) 1000-draw bootstrap of the flagship SEM (bank data, n = 420, 17 indicators) vs naive
    semopy refits (50 timed, scaled to 1000); target <= 2 s on 2 cores, >= 15x faster.
(b) 1000-draw bootstrap of the 3-variable mediation model (n = 500); target <= 0.5 s.
(c) one power point: 1000 replications of the flagship population model at n = 300;
    target <= 5 s.
Where Rscript and lavaan are installed, the same bootstrap work is timed in lavaan
(bootstrapLavaan) and the ratio printed.

    python benchmarks/bench_bootstrap.py [--repeats 3]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _timing import lavaan_times, median_s, r_model  # noqa: E402  (benchmarks/ on sys.path)

import im_research as ir  # noqa: E402
from im_research.synthetic.models import service_profit_chain  # noqa: E402
from im_research.teaching.flagship import load_flagship_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def semopy_naive(model, data, draws, seed=0):
    import semopy

    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(draws):
            rows = rng.integers(0, len(data), len(data))
            semopy.Model(model).fit(data.iloc[rows].reset_index(drop=True))


def lavaan_seconds(model, csv, draws):
    """lavaan's time for bootstrapLavaan with ``draws`` draws (None without lavaan)."""
    t = lavaan_times(f"d <- read.csv('{csv}')\nfit <- sem({r_model(model)}, data = d)\n"
                     "set.seed(1)", f"bootstrapLavaan(fit, R = {draws}, FUN = 'coef')", 1)
    return None if t is None else t[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bank = load_flagship_data()
    model = bank.attrs["codebook"]["model_syntax"]
    res = ir.fit(model, data=bank)
    med = pd.read_csv(ROOT / "tests" / "reference" / "data" / "mediation_sim_n500.csv")
    med_model = "M ~ a*X\nY ~ b*M + cp*X\nindirect := a*b"
    med_res = ir.fit(med_model, data=med)

    print("(a) flagship bootstrap, 1000 draws")
    ours1 = median_s(lambda: ir.bootstrap(res, n_boot=1000, seed=1, progress=False),
                     args.repeats)
    ours2 = median_s(lambda: ir.bootstrap(res, n_boot=1000, seed=1, n_jobs=2,
                                          progress=False), args.repeats)
    plain = "\n".join(line.split("#")[0] for line in model.splitlines()
                      if ":=" not in line and line.split("#")[0].strip())
    items = [c for c in bank.columns if c[:2] in ("im", "js", "oc", "sq", "cs")]
    semopy_50 = median_s(lambda: semopy_naive(plain, bank[items], 50), 1)
    semopy_1000 = semopy_50 * 20
    print(f"  im-research serial     {ours1:8.2f} s")
    print(f"  im-research n_jobs=2   {ours2:8.2f} s")
    ratio = semopy_1000 / min(ours1, ours2)
    print(f"  semopy naive (50 x 20) {semopy_1000:8.2f} s   ratio {ratio:.1f}x"
          "   (targets: <= 2 s, >= 15x)")
    lav = lavaan_seconds(plain, load_csv(bank[items]), 100)
    if lav is not None:
        print(f"  lavaan bootstrapLavaan (100 x 10) {lav * 10:8.2f} s   ratio "
              f"{lav * 10 / min(ours1, ours2):.1f}x")

    print("(b) mediation bootstrap, 1000 draws")
    ours = median_s(lambda: ir.bootstrap(med_res, n_boot=1000, seed=1, progress=False),
                    max(args.repeats, 5))
    print(f"  im-research serial     {ours:8.3f} s   (target <= 0.5 s)")
    lav = lavaan_seconds("M ~ a*X; Y ~ b*M + cp*X",
                         str(ROOT / "tests" / "reference" / "data" / "mediation_sim_n500.csv"),
                         1000)
    if lav is not None:
        print(f"  lavaan bootstrapLavaan {lav:8.3f} s   ratio {lav / ours:.1f}x")

    print("(c) power point: flagship population, n = 300, 1000 replications")
    ours = median_s(lambda: ir.power(service_profit_chain(), n=300, reps=1000, seed=1),
                    args.repeats)
    print(f"  im-research serial     {ours:8.2f} s   (target <= 5 s)")


def load_csv(df):
    path = Path(tempfile.gettempdir()) / "im_research_bench_bank.csv"
    df.to_csv(path, index=False)
    return str(path)


if __name__ == "__main__":
    main()
