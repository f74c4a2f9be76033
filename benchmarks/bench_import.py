"""Import-time benchmark (issue 19): ``import im_research`` in a fresh interpreter.

Each line is the median (min-max) time of the import inside fresh ``python -c``
processes (the interpreter's own start stays out), run in turn so that load from other
processes hits them alike:

- ``import numpy, pandas`` (the floor of any use of the package);
- ``import im_research`` (target <= 0.3 s: the subpackages load on first use);
- ``import im_research; im_research.fit`` (what a first fit pays to load the engine).
``python -X importtime -c "import im_research"`` shows where the time goes.

    python benchmarks/bench_import.py [--repeats 9]
"""

import argparse

from _timing import fresh_import_times

CASES = {
    "import numpy, pandas": "import numpy, pandas",
    "import im_research": "import im_research",
    "import im_research; im_research.fit": "import im_research; im_research.fit",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    times = fresh_import_times(list(CASES.values()), args.repeats)
    for name, code in CASES.items():
        med, lo, hi = times[code]
        print(f"{name:<38}{1000 * med:8.1f} ms [{1000 * lo:.1f}-{1000 * hi:.1f}]")
    print("target: import im_research <= 300 ms")


if __name__ == "__main__":
    main()
