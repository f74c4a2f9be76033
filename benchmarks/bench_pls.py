"""PLS-SEM benchmark (issue 14), medians of repeated runs, on the corporate-reputation
extended model (Hair et al.; n = 344, 31 items, -99 = missing, mean replacement):

(a) one estimate; (b) a 5000-draw bootstrap (target <= 2 s on 2 cores), serially and on
two joblib workers; (c) PLSpredict, 10 folds x 10 repetitions (target <= 1 s).
Where the seminr PyPI port (GPL, a test-only cross-check) is installed, the same work is
timed with it in the same run and the ratio printed (its bootstrap on 200 draws, scaled
to 5000); R's seminr is timed when Rscript has it. What is not found is said.

The data are read in place from the shared reference folder (``../shared/reference/pls``
or ``$IM_RESEARCH_SHARED``); they are GPL-3 and never copied into the project.

    python benchmarks/bench_pls.py [--repeats 3]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from _timing import median_s  # noqa: E402  (benchmarks/ is on sys.path)

import im_research as ir  # noqa: E402

MODEL = """
QUAL <~ qual_1 + qual_2 + qual_3 + qual_4 + qual_5 + qual_6 + qual_7 + qual_8
PERF <~ perf_1 + perf_2 + perf_3 + perf_4 + perf_5
CSOR <~ csor_1 + csor_2 + csor_3 + csor_4 + csor_5
ATTR <~ attr_1 + attr_2 + attr_3
COMP =~ comp_1 + comp_2 + comp_3
LIKE =~ like_1 + like_2 + like_3
CUSA =~ cusa
CUSL =~ cusl_1 + cusl_2 + cusl_3
COMP ~ QUAL + PERF + CSOR + ATTR
LIKE ~ QUAL + PERF + CSOR + ATTR
CUSA ~ COMP + LIKE
CUSL ~ COMP + LIKE + CUSA
"""


def _data():
    shared = Path(os.environ.get("IM_RESEARCH_SHARED",
                                 Path(__file__).resolve().parents[2] / "shared"))
    path = shared / "reference" / "pls" / "data" / "corp_rep_data.csv"
    if not path.is_file():
        raise SystemExit(f"not found: {path} (set IM_RESEARCH_SHARED to the shared folder)")
    return pd.read_csv(path)


def _seminr_port(data):
    """(estimate, bootstrap(nboot), predict) callables of the seminr port, or None."""
    try:
        import seminr as sr
    except ImportError:
        return None
    items = [c for c in data.columns]
    X = data.to_numpy(float)
    mm = sr.constructs(
        sr.composite("QUAL", sr.multi_items("qual_", range(1, 9)), weights=sr.mode_B),
        sr.composite("PERF", sr.multi_items("perf_", range(1, 6)), weights=sr.mode_B),
        sr.composite("CSOR", sr.multi_items("csor_", range(1, 6)), weights=sr.mode_B),
        sr.composite("ATTR", sr.multi_items("attr_", range(1, 4)), weights=sr.mode_B),
        sr.composite("COMP", sr.multi_items("comp_", range(1, 4))),
        sr.composite("LIKE", sr.multi_items("like_", range(1, 4))),
        sr.composite("CUSA", sr.single_item("cusa")),
        sr.composite("CUSL", sr.multi_items("cusl_", range(1, 4))))
    sm = sr.relationships(
        sr.paths(["QUAL", "PERF", "CSOR", "ATTR"], ["COMP", "LIKE"]),
        sr.paths(["COMP", "LIKE"], ["CUSA", "CUSL"]), sr.paths("CUSA", "CUSL"))

    def est():
        return sr.estimate_pls((items, X), mm, sm, missing_value=-99)

    model = est()
    return (est, lambda nboot: sr.bootstrap_model(model, nboot, seed=1),
            lambda: sr.predict_pls(model, technique=sr.predict_DA, no_folds=10, seed=1))


def _r_seminr():
    if shutil.which("Rscript") is None:
        return "Rscript not found"
    ok = subprocess.run(["Rscript", "-e", "library(seminr)"], capture_output=True)
    return None if ok.returncode == 0 else "R package seminr not installed"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = _data()
    warnings.simplefilter("ignore", ir.DataWarning)
    fit = ir.pls(MODEL, data, missing_value=-99)

    ours = {
        "estimate": median_s(lambda: ir.pls(MODEL, data, missing_value=-99), args.repeats,
                             warmup=True),
        "bootstrap 5000 (serial)": median_s(lambda: fit.bootstrap(5000, seed=1),
                                            args.repeats, warmup=True),
        "bootstrap 5000 (n_jobs=2)": median_s(lambda: fit.bootstrap(5000, seed=1, n_jobs=2),
                                              args.repeats, warmup=True),
        "PLSpredict 10 x 10": median_s(lambda: fit.predict(10, 10, seed=1), args.repeats,
                                       warmup=True),
    }
    print("corp_rep extended model, n = 344; medians of", args.repeats, "runs")
    for name, t in ours.items():
        print(f"  im_research {name:28s} {t:8.3f} s")
    boot = min(ours["bootstrap 5000 (serial)"], ours["bootstrap 5000 (n_jobs=2)"])
    print(f"  targets: bootstrap <= 2 s ({'met' if boot <= 2 else 'NOT met'}), PLSpredict "
          f"<= 1 s ({'met' if ours['PLSpredict 10 x 10'] <= 1 else 'NOT met'})")

    port = _seminr_port(data)
    if port is None:
        print("seminr PyPI port: not installed (pip install seminr), no ratio")
    else:
        est, boot, predict = port
        t_est = median_s(est, args.repeats, warmup=True)
        t_boot = median_s(lambda: boot(200), 1) * 5000 / 200
        print(f"  seminr port estimate                      {t_est:8.3f} s  "
              f"(ratio {t_est / ours['estimate']:.1f}x)")
        print(f"  seminr port bootstrap 5000 (from 200)     {t_boot:8.3f} s  "
              f"(ratio {t_boot / ours['bootstrap 5000 (serial)']:.1f}x vs our serial run)")
        try:
            t_pred = 10 * median_s(predict, 1)  # one repetition per call
            print(f"  seminr port PLSpredict 10 x 10 (1 x 10)   {t_pred:8.3f} s  "
                  f"(ratio {t_pred / ours['PLSpredict 10 x 10']:.1f}x)")
        except Exception as err:  # the port's predict API differs between releases
            print(f"  seminr port PLSpredict: not timed ({type(err).__name__}: {err})")
    why = _r_seminr()
    print(f"R seminr: {why}" if why else "R seminr: installed but not timed here")


if __name__ == "__main__":
    main()
