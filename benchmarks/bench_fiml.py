"""FIML benchmark (issue 19), medians of interleaved runs in one process.

Data: the flagship bank data (17 indicators, n = 420) with values removed completely at
random (seeded; about 150 missing-data patterns), the service-profit-chain SEM.

(a) Full FIML fit (estimates, SEs from the observed information, all fit measures), and
    the same with MLR; lavaan 0.6 ``sem(..., missing = "ml")`` timed on the same file when
    Rscript with lavaan is installed (otherwise that is printed).
(b) The observed information alone: the analytic pattern-summed Hessian against the
    central-difference Hessian of the gradient it replaced (the baseline, run in turn in
    the same process), with their largest difference.

    python benchmarks/bench_fiml.py [--repeats 7]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _timing import interleaved  # noqa: E402  (benchmarks/ is on sys.path)

import im_research as ir  # noqa: E402
from im_research.sem import ml  # noqa: E402
from im_research.teaching.flagship import load_flagship_data  # noqa: E402


def fiml_data(share=0.08, seed=0):
    bank = load_flagship_data()
    model = bank.attrs["codebook"]["model_syntax"]
    model = "\n".join(re.sub(r"#.*", "", line) for line in model.splitlines()
                      if ":=" not in line and line.split("#")[0].strip())
    items = [v for v in dict.fromkeys(re.findall(r"\b(?:im|js|oc|sq|cs)\d+r?\b", model))]
    rng = np.random.default_rng(seed)
    data = bank[items].mask(rng.random((len(bank), len(items))) < share)
    return model, data


def fmt(t):
    med, lo, hi = t
    return f"{1000 * med:8.1f} ms [{1000 * lo:.1f}-{1000 * hi:.1f}]"


def lavaan_seconds(model, csv, repeats, estimator):
    if shutil.which("Rscript") is None:
        return None
    code = f"""
suppressMessages(library(lavaan))
d <- read.csv("{csv}")
m <- "{model.strip().replace(chr(10), '; ')}"
f <- function() sem(m, data = d, missing = "ml", estimator = "{estimator}")
invisible(f())
t <- replicate({repeats}, system.time(f())[["elapsed"]])
cat(median(t), min(t), max(t))
"""
    try:
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                             timeout=1200)
        t = tuple(float(v) for v in out.stdout.split()[-3:])
        return t if len(t) == 3 else None
    except (subprocess.SubprocessError, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    model, data = fiml_data()
    npat = len(data.isna().drop_duplicates())
    print(f"FIML: {data.shape[1]} indicators, n = {len(data)}, {npat} missing-data patterns")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "fiml.csv"
        data.to_csv(csv, index=False)
        for est in ("ML", "MLR"):
            ours = interleaved([lambda e=est: ir.fit(model, data=data, missing="fiml",
                                                     estimator=e)], args.repeats)[0]
            lav = lavaan_seconds(model, csv, args.repeats, est)
            line = f"(a) FIML {est:<3} full fit: im-research {fmt(ours)}"
            if lav is None:
                line += "; lavaan not found (Rscript with lavaan)"
            else:
                line += f"; lavaan {fmt(lav)}; ratio {lav[0] / ours[0]:.1f}x"
            print(line)

    res = ir.fit(model, data=data, missing="fiml")
    problem, theta = res._problem, res.theta
    numeric = types.SimpleNamespace(evaluate=problem.evaluate)  # no analytic Hessian
    diff = np.max(np.abs(problem.observed_information(theta)
                         - ml.observed_information(numeric, theta)))
    new, old = interleaved([lambda: problem.observed_information(theta),
                            lambda: ml.observed_information(numeric, theta)], args.repeats)
    print(f"(b) observed information ({len(theta)} parameters): analytic {fmt(new)}; "
          f"central differences {fmt(old)}; ratio {old[0] / new[0]:.1f}x; "
          f"max |difference| {diff:.1e}")


if __name__ == "__main__":
    main()
