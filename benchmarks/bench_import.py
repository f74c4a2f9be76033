"""Import-time benchmark (issue 19): ``import im_research`` in a fresh interpreter.

Each line is the median (min-max) wall time of fresh ``python -c`` processes, run in turn
so that load from other processes hits them alike, minus the time of ``python -c pass``:

- ``import numpy, pandas`` (the floor of any use of the package);
- ``import im_research`` (target <= 0.3 s: the subpackages load on first use);
- ``import im_research; im_research.fit`` (what a first fit pays to load the engine).
``python -X importtime -c "import im_research"`` shows where the time goes.

    python benchmarks/bench_import.py [--repeats 9]
"""

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "import numpy, pandas": "import numpy, pandas",
    "import im_research": "import im_research",
    "import im_research; im_research.fit": "import im_research; im_research.fit",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    times = {name: [] for name in CASES}
    for _ in range(args.repeats):
        for name, code in CASES.items():
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times[name].append(time.perf_counter() - t0)
    base = statistics.median(times["python -c pass"])
    for name, ts in times.items():
        if name == "python -c pass":
            print(f"{name:<38}{1000 * base:8.0f} ms (interpreter start, subtracted below)")
            continue
        print(f"{name:<38}{1000 * (statistics.median(ts) - base):8.0f} ms "
              f"[{1000 * (min(ts) - base):.0f}-{1000 * (max(ts) - base):.0f}]")
    print("target: import im_research <= 300 ms")


if __name__ == "__main__":
    main()
