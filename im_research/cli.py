"""Command line: ``im-research fit MODEL_FILE DATA_FILE``, ``im-research flagship``,
``im-research lessons [--copy DIR]``, ``im-research exercise ...``, ``im-research datasets``.

Examples
--------
    im-research fit model.lav survey.csv            # lavaan-style summary
    im-research fit model.lav survey.csv --json     # params + fit measures as JSON
    im-research flagship --out reports              # the bundled service-profit-chain study
    im-research lessons --copy my-course            # lessons + exercises to work in
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import pandas as pd

from .errors import DataError, IMResearchError

__all__ = ["main"]


def _check_file(path: Path, what: str):
    """Refuse a missing path, a folder or an empty file, naming it."""
    if not path.exists():
        raise DataError(f"{what} {str(path)!r} does not exist")
    if path.is_dir():
        raise DataError(f"{what} {str(path)!r} is a folder; give the path of a file")
    if path.stat().st_size == 0:
        raise DataError(f"{what} {str(path)!r} is empty")


def _read_model(path: Path) -> str:
    _check_file(path, "model file")
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: Windows editors add a BOM
    except UnicodeDecodeError as exc:
        raise DataError(f"model file {str(path)!r} is not UTF-8 text (byte {exc.start}); save "
                        "the model as plain text (UTF-8)") from None


def _read_table(path: Path) -> pd.DataFrame:
    _check_file(path, "data file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            data = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataError(f"data file {str(path)!r} could not be read as "
                            f"{'tab' if suffix == '.tsv' else 'comma'}-separated text "
                            f"({reason}); save it as CSV (UTF-8) with a header row") from None
        if data.shape[0] == 0:
            raise DataError(f"data file {str(path)!r} has a header but no rows of data")
        return data
    from .survey.io import read_survey

    try:
        data, _ = read_survey(path)
    except (IMResearchError, OSError):
        raise
    except Exception as exc:  # noqa: BLE001 - a reader library's own error on a bad file
        raise DataError(f"data file {str(path)!r} could not be read as a {suffix or 'data'} "
                        f"file ({type(exc).__name__}: {exc}); check the file, or save it as "
                        "CSV (UTF-8)") from exc
    return data


def _jsonable(obj):
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item"):
        return _jsonable(obj.item())
    return obj


def result_to_dict(res) -> dict:
    """A JSON-ready dict with ``params``, ``fit_measures``, ``rsquare`` and diagnostics."""
    return _jsonable({
        "converged": bool(res.converged),
        "estimator": res.estimator,
        "nobs": int(res.nobs),
        "warnings": list(res.warnings),
        "params": res.params.astype(object).where(res.params.notna(), None)
                    .to_dict(orient="records"),
        "fit_measures": {k: float(v) for k, v in res.fit_measures.items()},
        "rsquare": ({k: float(v) for k, v in res.rsquare.items()}
                    if isinstance(res.rsquare, pd.Series) else
                    res.rsquare.to_dict()),
    })


def _cmd_fit(args) -> int:
    from .sem.estimate import fit

    model = _read_model(Path(args.model_file))
    data = _read_table(Path(args.data_file))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ordered = None
        if args.ordered:
            ordered = True if args.ordered == "all" else [
                c.strip() for c in args.ordered.split(",") if c.strip()]
        res = fit(model, data=data, estimator=args.estimator, std_lv=args.std_lv,
                  group=args.group, ordered=ordered, missing=args.missing)
    if args.json:
        json.dump(result_to_dict(res), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(res.summary())
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    return 0


def _cmd_flagship(args) -> int:
    from .teaching.flagship import run_flagship

    run_flagship(out_dir=Path(args.out), html=not args.no_report)
    return 0


def _cmd_datasets(args) -> int:
    from .survey import datasets

    with pd.option_context("display.max_colwidth", 90, "display.width", 160):
        print(datasets.list().to_string(index=False))
    return 0


def _cmd_exercise(args) -> int:
    from .resources import resource_dir
    from .teaching import exercises

    if args.action == "list":
        print(exercises.list_exercises().to_string(index=False))
    elif args.action == "release":
        src = Path(args.source) if args.source else resource_dir("exercises")
        for f in exercises.release_for_students(src, Path(args.out)):
            print(f)
    elif args.action == "grade":
        table = exercises.grade_notebooks(args.notebooks, course_salt=args.salt)
        table.to_csv(args.out, index=False)
        print(table.to_string(index=False))
    elif args.action == "data":
        ex = exercises.start(args.exercise, args.student, course_salt=args.salt)
        ex.data.to_csv(args.out, index=False)
        print(f"wrote {len(ex.data)} rows for {args.student} to {args.out}")
    return 0


def _cmd_lessons(args) -> int:
    from .teaching import lessons

    if args.copy is None:
        print(lessons.list_lessons().to_string(index=False))
        return 0
    written = lessons.copy_lessons(Path(args.copy), overwrite=args.overwrite)
    print(f"copied {len(written)} notebooks to {args.copy}; open them with "
          f"`jupyter lab {args.copy}`")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="im-research",
        description="Structural equation models for internal-marketing research.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fit", help="fit a lavaan model to a data file")
    p.add_argument("model_file", help="text file with the model in lavaan syntax")
    p.add_argument("data_file", help="CSV (or Excel/SPSS) file, one row per respondent")
    p.add_argument("--estimator", default=None,
                   help="ML (default), MLR, or WLSMV (default with --ordered)")
    p.add_argument("--ordered", default=None, metavar="COLS",
                   help="treat items as ordered categories (WLSMV): 'all' or a "
                        "comma-separated list of columns")
    p.add_argument("--missing", default="listwise", choices=["listwise", "fiml"],
                   help="missing-data handling (default listwise)")
    p.add_argument("--std-lv", action="store_true", help="identify factors by unit variance")
    p.add_argument("--group", default=None, help="column for a multi-group model")
    p.add_argument("--json", action="store_true", help="print params and fit measures as JSON")
    p.set_defaults(func=_cmd_fit)
    p = sub.add_parser("flagship", help="run the flagship service-profit-chain analysis")
    p.add_argument("--out", default="reports", help="folder for the HTML report")
    p.add_argument("--no-report", action="store_true", help="print the summary only")
    p.set_defaults(func=_cmd_flagship)
    p = sub.add_parser("exercise", help="exercises: list, release, grade, per-student data")
    p.add_argument("action", choices=["list", "release", "grade", "data"])
    p.add_argument("notebooks", nargs="*", help="submitted notebooks (grade)")
    p.add_argument("--source", default=None,
                   help="exercise folder (release; default: the bundled exercises)")
    p.add_argument("--out", default="release", help="output folder or file")
    p.add_argument("--exercise", default="ex01_measurement", help="exercise name (data)")
    p.add_argument("--student", default="", help="student id (data)")
    p.add_argument("--salt", default="", help="course salt (data, grade)")
    p.set_defaults(func=_cmd_exercise)
    p = sub.add_parser("lessons", help="list the lessons, or copy them (with the exercises) "
                                       "into a folder to work in")
    p.add_argument("--copy", default=None, metavar="DIR",
                   help="copy notebooks/ and exercises/ (no solutions) into DIR")
    p.add_argument("--overwrite", action="store_true", help="replace notebooks already in DIR")
    p.set_defaults(func=_cmd_lessons)
    p = sub.add_parser("datasets", help="list the bundled datasets")
    p.set_defaults(func=_cmd_datasets)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (IMResearchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
