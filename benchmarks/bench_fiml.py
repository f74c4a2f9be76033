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
import tempfile  # noqa: E402
import types  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from _timing import fmt, interleaved, lavaan_times, r_model, vs_lavaan  # noqa: E402  (benchmarks/ is on sys.path)

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
            lav = lavaan_times(f"d <- read.csv('{csv}')", f"sem({r_model(model)}, data = d, "
                               f"missing = 'ml', estimator = '{est}')", args.repeats)
            print(f"(a) FIML {est:<3} full fit: im-research {fmt(ours)}{vs_lavaan(ours, lav)}")

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
