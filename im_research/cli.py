"""Command line: ``im-research fit MODEL_FILE DATA_FILE``, ``im-research flagship``,
``im-research lessons [--copy DIR]``, ``im-research exercise ...``, ``im-research datasets``,
and the researcher's journey: ``survey read``, ``anonymize``, ``simulate``, ``pls`` and
``analyze`` (survey file to HTML/Word report). Exit codes: 0 done, 1 the data or the model
stop the analysis, 2 usage (an option, or a file that is missing, a folder or empty).

Examples
--------
    im-research fit model.lav survey.csv            # lavaan-style summary
    im-research fit model.lav survey.csv --json     # params + fit measures as JSON
    im-research flagship --out reports              # the bundled service-profit-chain study
    im-research lessons --copy my-course            # lessons + exercises to work in
    im-research analyze survey.sav --codebook cb.yaml --model model.lav --out report.docx
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import pandas as pd

from .errors import ArgumentError, DataError, IMResearchError

__all__ = ["main"]


class UsageError(IMResearchError):
    """The command line is wrong (exit code 2)."""


def _check_file(path: Path, what: str):
    """Refuse a missing path, a folder or an empty file, naming it."""
    if not path.exists():
        raise UsageError(f"{what} {str(path)!r} does not exist")
    if path.is_dir():
        raise UsageError(f"{what} {str(path)!r} is a folder; give the path of a file")
    if path.stat().st_size == 0:
        raise UsageError(f"{what} {str(path)!r} is empty")


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
        with pd.option_context("display.width", 160, "display.max_colwidth", 60):
            print(exercises.list_exercises().to_string(index=False))
        return 0
    secret = (Path(args.secret_file).read_text(encoding="utf-8").strip()
              if args.secret_file else None)
    if args.action in ("release", "grade", "data"):
        secret = exercises.course_secret(secret, config=args.config,
                                         required=args.action != "release" or bool(args.roster))
    roster = exercises.read_roster(args.roster) if getattr(args, "roster", None) else None
    if args.action == "release":
        src = Path(args.source) if args.source else resource_dir("exercises")
        files = exercises.release_for_students(
            src, Path(args.out), roster=roster, course_secret=secret,
            solutions=args.solutions, keep_right_answers=not args.last_answer_counts)
        print(f"wrote {len(files)} files to {args.out}"
              + (f" ({len(roster)} student folders)" if roster else ""))
    elif args.action == "grade":
        paths = []
        for item in map(Path, args.notebooks):
            paths += sorted(item.rglob("*.ipynb")) if item.is_dir() else [item]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing or not paths:
            print("error: " + (f"no such notebook: {missing[0]}" if missing else
                               "no notebooks to grade; give the submitted .ipynb files or "
                               "their folder"), file=sys.stderr)
            return 2
        grading = exercises.grade_notebooks(paths, course_secret=secret, roster=roster,
                                            timeout=args.timeout, manual=args.manual)
        files = grading.write(Path(args.out))
        with pd.option_context("display.width", 160):
            print(grading.scores[["notebook", "student", "exercise", "score", "out_of",
                                  "forged", "error"]].to_string(index=False))
        if not grading.issues.empty:
            print(f"{len(grading.issues)} issue(s): see {Path(args.out) / 'issues.csv'}")
        print(f"wrote {len(files)} files to {args.out}")
    elif args.action == "data":
        exercises.get_spec(args.exercise)
        data = exercises.catalog.generate(
            args.exercise, exercises.check_student_id(args.student, roster), secret)
        data.to_csv(args.out, index=False)
        print(f"wrote {len(data)} rows for {args.student} to {args.out}")
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


# --------------------------------------------------------------------------- the journey
# analyze, survey read, anonymize, simulate, pls: from a survey export to a report.
_JOURNEY_EPILOGS = {
    "analyze": """examples:
  im-research analyze survey.sav --codebook codebook.yaml --model model.lav --seed 1 \\
      --out report.html --out report.docx
  im-research analyze datasets/bank_service_profit_chain.csv \\
      --codebook datasets/bank_service_profit_chain.codebook.json --model model.lav \\
      --group role --cluster branch --pls --lang fa --labels labels.yaml --out report.docx
""",
    "survey": """examples:
  im-research survey read export.sav --codebook codebook.yaml --out clean.csv
  im-research survey read porsline.xlsx --profile porsline --out clean.csv \\
      --import-report import.txt
""",
    "anonymize": """examples:
  export RELEASE_KEY='a long secret'          # never on the command line
  im-research anonymize clean.csv --id-col employee_id --key-env RELEASE_KEY \\
      --direct name,email --rule tenure_years=band10 --rule branch=merge_rare \\
      --items im1,im2,im3 --k 5 --out release.csv --log release_log.md
""",
    "simulate": """examples:
  im-research simulate population.lav --n 300 --seed 1 --points 7 --out sim.csv \\
      --truth truth.json
  (population.lav holds standardized values: f =~ .8*x1 + .7*x2 + .7*x3
                                              y =~ .8*y1 + .7*y2 + .7*y3
                                              y ~ .4*f)
""",
    "fit": """examples:
  im-research fit model.lav survey.csv                 # lavaan-style summary
  im-research fit model.lav survey.sav --estimator MLR --json > fit.json
  im-research fit model.lav likert.csv --ordered all   # WLSMV for ordered items
""",
    "lessons": """examples:
  im-research lessons                       # the list
  im-research lessons --copy my-course      # notebooks + exercises to work in
""",
    "pls": """examples:
  im-research pls model.lav survey.csv
  im-research pls model.lav survey.csv --boot 5000 --seed 1 --consistent
""",
}
EXIT_CODES = """
exit codes:
  0  done
  1  the files were read, but the data or the model stop the analysis (a column
     missing, unreadable data, a model syntax error, no convergence)
  2  usage: an unknown or wrong option, a file that does not exist, is a folder or is
     empty, an output file of an unknown type, files that exist (lessons --copy
     without --overwrite)
"""


def _output(path: str, suffixes, option="--out") -> Path:
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {path!r}: give a file name ending in "
                         f"{' or '.join(suffixes)}")
    if out.is_dir():
        raise UsageError(f"{option} {path!r} is a folder; give a file name")
    return out


def _read_codebook(path):
    if path is None:
        return None
    from .reporting.analysis import _as_codebook

    p = Path(path)
    _check_file(p, "codebook file")
    return _as_codebook(p)


def _cmd_analyze(args) -> int:
    from .reporting.analysis import analysis_report

    outs = [_output(o, (".html", ".htm", ".docx")) for o in args.out]
    model = _read_model(Path(args.model))
    survey = Path(args.survey)
    _check_file(survey, "survey file")
    labels = None
    if args.labels:
        import yaml

        lp = Path(args.labels)
        _check_file(lp, "labels file")
        labels = yaml.safe_load(lp.read_text(encoding="utf-8-sig"))
        if not isinstance(labels, dict):
            raise DataError(f"labels file {args.labels!r}: write one 'construct: label' per "
                            "line (YAML), e.g. 'js: job satisfaction'")
    rep = analysis_report(survey, model, codebook=_read_codebook(args.codebook),
                          group=args.group, cluster=args.cluster, pls=args.pls,
                          lang=args.lang, n_boot=args.n_boot, seed=args.seed,
                          estimator=args.estimator, drop_careless=args.drop_careless,
                          labels=labels, title=args.title)
    for out in outs:
        rep.save(out)
        print(f"wrote {out}")
    fm = rep.tables["fit"].iloc[0]
    print(f"n = {rep.fit.nobs}; CFI {fm['cfi']:.3f}, RMSEA {fm['rmsea']:.3f}, "
          f"SRMR {fm['srmr']:.3f}")
    return 0


def _cmd_survey_read(args) -> int:
    from .survey.io import read_survey

    out = _output(args.out, (".csv", ".parquet"))
    export = Path(args.export)
    _check_file(export, "survey export")
    codes = [float(c) for c in args.missing_codes.split(",")] if args.missing_codes else None
    data, report = read_survey(export, codebook=_read_codebook(args.codebook),
                               profile=args.profile, missing_codes=codes)
    if out.suffix.lower() == ".parquet":
        try:
            data.to_parquet(out, index=False)
        except ImportError:
            raise UsageError("--out *.parquet needs pyarrow (pip install pyarrow); or write "
                             ".csv") from None
    else:
        data.to_csv(out, index=False)
    text = report.summary()
    if len(report.problems):
        text += "\n\nUnreadable or out-of-range cells:\n" + report.problems.to_string(
            index=False)
    if args.import_report:
        Path(args.import_report).write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"wrote {len(data)} rows x {data.shape[1]} columns to {out}")
    return 0


def _names_option(value):
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _cmd_anonymize(args) -> int:
    import os

    from .survey.anonymize import anonymize
    from .survey.text import parse_number

    out = _output(args.out, (".csv",))
    log = _output(args.log, (".md", ".json"), "--log")
    data = _read_table(Path(args.data))
    key = None
    if args.key_env:
        key = os.environ.get(args.key_env)
        if not key:
            raise UsageError(f"--key-env {args.key_env}: the environment variable is not set "
                             "or empty; export it first (the key never goes on the command "
                             "line)")
    rules = {}
    for text in args.rule or []:
        col, sep, rule = text.partition("=")
        if not sep or not col.strip() or not rule.strip():
            raise UsageError(f"--rule {text!r}: write COLUMN=RULE, e.g. tenure_years=band10")
        rule = rule.strip()
        if rule not in ("keep", "merge_rare", "band10", "age_from_date"):
            cuts = [parse_number(c) for c in rule.split(",")]
            if any(c is None for c in cuts):
                raise UsageError(f"--rule {text!r}: the rule is keep, merge_rare, band10, "
                                 "age_from_date or comma-separated cut points (e.g. 2,5,10)")
            rule = cuts
        rules[col.strip()] = rule
    release = anonymize(data, key=key, id_col=args.id_col, quasi_identifiers=rules or None,
                        direct_identifiers=_names_option(args.direct),
                        keep=_names_option(args.keep), items=_names_option(args.items),
                        k=args.k)
    release.data.to_csv(out, index=False)
    log.write_text(release.log_json() if log.suffix == ".json" else release.log_markdown(),
                   encoding="utf-8")
    print(f"released {len(release.data)} of {len(data)} rows (k = {release.log['k_reached']}) "
          f"to {out}; release log: {log}")
    return 0


def _cmd_simulate(args) -> int:
    from .synthetic.simulate import PopulationModel, draw, to_csv_bytes

    out = _output(args.out, (".csv",))
    pop = PopulationModel.from_syntax(_read_model(Path(args.model)))
    sim = draw(pop, args.n, seed=args.seed, points=args.points, skew=args.skew,
               careless=args.careless, missing_mcar=args.missing)
    out.write_bytes(to_csv_bytes(sim.data))
    if args.truth:
        truth = {k: (v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v)
                 for k, v in sim.truth.items()}
        Path(args.truth).write_text(json.dumps(_jsonable(truth), indent=1, default=str),
                                    encoding="utf-8")
    print(f"wrote {len(sim.data)} simulated respondents to {out}"
          + (f"; true values in {args.truth}" if args.truth else ""))
    return 0


def _cmd_pls(args) -> int:
    from .pls import pls

    model = _read_model(Path(args.model))
    data = _read_table(Path(args.data))
    res = pls(model, data, consistent=args.consistent)
    print(res.summary())
    if args.boot:
        if args.seed is None:
            raise UsageError("--boot needs --seed (the draws must be reproducible)")
        print()
        print(res.bootstrap(args.boot, seed=args.seed).summary())
    return 0


def _add_journey_parsers(sub):
    def add(name, help_text, epilog_key=None):
        return sub.add_parser(name, help=help_text, description=help_text,
                              epilog=_JOURNEY_EPILOGS.get(epilog_key or name, "") + EXIT_CODES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = add("analyze", "survey file + codebook + lavaan model -> publication-ready report "
                       "(HTML and/or Word, English or Persian)")
    p.add_argument("survey", help="survey export: CSV, Excel (.xlsx) or SPSS (.sav)")
    p.add_argument("--model", required=True, help="text file with the lavaan model")
    p.add_argument("--codebook", default=None,
                   help="codebook (.yaml, .csv, .xlsx, or a bundled .codebook.json)")
    p.add_argument("--out", required=True, action="append",
                   help="report file, .html or .docx (repeat for both)")
    p.add_argument("--group", default=None, help="column: measurement invariance across it")
    p.add_argument("--cluster", default=None,
                   help="column of the unit respondents are nested in (branch): "
                        "cluster-robust SEs and ICCs")
    p.add_argument("--pls", action="store_true", help="add PLS-SEM estimates")
    p.add_argument("--lang", default="en", choices=["en", "fa"], help="report language")
    p.add_argument("--labels", default=None,
                   help="YAML file 'construct: label' (or construct: {en: .., fa: ..})")
    p.add_argument("--n-boot", type=int, default=2000,
                   help="bootstrap draws (default 2000)")
    p.add_argument("--seed", type=int, default=1,
                   help="seed of the bootstrap draws (default 1; printed in the report)")
    p.add_argument("--estimator", default="ML", choices=["ML", "MLR"])
    p.add_argument("--drop-careless", action="store_true",
                   help="leave out respondents flagged as careless (default: flag only)")
    p.add_argument("--title", default=None, help="report title")
    p.set_defaults(func=_cmd_analyze)

    p = add("survey", "read a survey export into a clean table, with an import report")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("read", help="export -> clean CSV/parquet + import report",
                           epilog=_JOURNEY_EPILOGS["survey"] + EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("export", help="CSV, Excel (.xlsx) or SPSS (.sav) export")
    a.add_argument("--out", required=True, help="clean data file, .csv or .parquet")
    a.add_argument("--codebook", default=None,
                   help="codebook (.yaml, .csv, .xlsx or a bundled .codebook.json)")
    a.add_argument("--profile", default=None,
                   choices=["qualtrics", "porsline", "google_forms", "spss", "limesurvey"],
                   help="the survey platform the export comes from")
    a.add_argument("--missing-codes", default=None, metavar="CODES",
                   help="comma-separated codes meaning 'no answer', e.g. -99,99")
    a.add_argument("--import-report", default=None, metavar="FILE",
                   help="also write the import report to FILE")
    a.set_defaults(func=_cmd_survey_read)

    p = add("anonymize", "anonymise a survey table for release, with the release log")
    p.add_argument("data", help="CSV (or Excel/SPSS) file, one row per respondent")
    p.add_argument("--out", required=True, help="released CSV file")
    p.add_argument("--log", required=True, help="release log, .md or .json")
    p.add_argument("--id-col", default=None, help="respondent id column")
    p.add_argument("--key-env", default=None, metavar="VAR",
                   help="environment variable holding the key for keyed pseudonyms "
                        "(without it the id column is dropped)")
    p.add_argument("--direct", default=None, metavar="COLS",
                   help="comma-separated direct identifiers to remove")
    p.add_argument("--keep", default=None, metavar="COLS",
                   help="comma-separated columns released as recorded")
    p.add_argument("--items", default=None, metavar="COLS",
                   help="comma-separated survey items (their correlations measure the cost)")
    p.add_argument("--rule", action="append", metavar="COL=RULE",
                   help="generalisation of a quasi-identifier: keep, merge_rare, band10, "
                        "age_from_date or cut points such as 2,5,10 (repeat per column)")
    p.add_argument("--k", type=int, default=5, help="k-anonymity (default 5)")
    p.set_defaults(func=_cmd_anonymize)

    p = add("simulate", "draw survey data from a population model, with the truth")
    p.add_argument("model", help="lavaan file whose fixed values are standardized population "
                                 "values")
    p.add_argument("--n", type=int, required=True, help="respondents")
    p.add_argument("--seed", type=int, required=True, help="seed (same seed, same bytes)")
    p.add_argument("--out", required=True, help="CSV file")
    p.add_argument("--points", type=int, default=None, help="Likert points (default: "
                                                            "continuous scores)")
    p.add_argument("--skew", type=float, default=0.0, help="threshold shift towards agreement")
    p.add_argument("--careless", type=float, default=0.0, help="share of careless respondents")
    p.add_argument("--missing", type=float, default=0.0, help="share of cells missing (MCAR)")
    p.add_argument("--truth", default=None, metavar="FILE",
                   help="write the true values and careless ids as JSON")
    p.set_defaults(func=_cmd_simulate)

    p = add("pls", "estimate a PLS path model (SmartPLS/seminr conventions)")
    p.add_argument("model", help="text file with the model (=~, <~, ~)")
    p.add_argument("data", help="CSV (or Excel/SPSS) file")
    p.add_argument("--consistent", action="store_true", help="PLSc")
    p.add_argument("--boot", type=int, default=0, help="bootstrap draws (e.g. 5000)")
    p.add_argument("--seed", type=int, default=None, help="seed of the bootstrap")
    p.set_defaults(func=_cmd_pls)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="im-research",
        description="Structural equation models for internal-marketing research.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fit", help="fit a lavaan model to a data file",
                       epilog=_JOURNEY_EPILOGS["fit"] + EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
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
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="the exercises and their questions")
    secret_help = ("file holding the course secret (default: $IM_RESEARCH_COURSE_SECRET or "
                   "[course] secret in im-research.toml)")
    a = actions.add_parser("release", help="student notebooks (and, with --roster, each "
                                           "student's data) without solutions")
    a.add_argument("--source", default=None,
                   help="exercise folder (default: the bundled exercises)")
    a.add_argument("--out", default="release", help="release folder (default: release)")
    a.add_argument("--roster", default=None, help="CSV with a student_id column: one folder "
                                                  "per student with their data")
    a.add_argument("--solutions", action="store_true",
                   help="let q.solution() show worked solutions (off by default)")
    a.add_argument("--last-answer-counts", action="store_true",
                   help="a later wrong answer replaces an earlier right one")
    a = actions.add_parser("grade", help="run submitted notebooks and grade their answers")
    a.add_argument("notebooks", nargs="*", help="submitted notebooks or folders of them")
    a.add_argument("--out", default="grades",
                   help="folder for gradebook.csv, summary.csv, feedback/ (default: grades)")
    a.add_argument("--roster", default=None, help="CSV with a student_id column: reports "
                                                  "missing students and unknown ids")
    a.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    a.add_argument("--manual", default=None,
                   help="manual_grades.csv with your points for the written answers "
                        "(written by a first grading run; fill in points, then re-grade)")
    a = actions.add_parser("data", help="one student's data file")
    a.add_argument("--exercise", required=True, help="exercise name (see `exercise list`)")
    a.add_argument("--student", required=True, help="student id")
    a.add_argument("--out", required=True, help="CSV file to write")
    a.add_argument("--roster", default=None, help="CSV with a student_id column: refuse ids "
                                                  "not in it")
    for a in actions.choices.values():
        if a.prog.split()[-1] != "list":
            a.add_argument("--config", default=None, help="course config file "
                                                          "(default: ./im-research.toml)")
            a.add_argument("--secret-file", default=None, help=secret_help)
    p.set_defaults(func=_cmd_exercise)
    p = sub.add_parser("lessons", help="list the lessons, or copy them (with the exercises) "
                                       "into a folder to work in",
                       epilog=_JOURNEY_EPILOGS["lessons"] + EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--copy", default=None, metavar="DIR",
                   help="copy notebooks/ and exercises/ (no solutions) into DIR")
    p.add_argument("--overwrite", action="store_true", help="replace notebooks already in DIR")
    p.set_defaults(func=_cmd_lessons)
    p = sub.add_parser("datasets", help="list the bundled datasets")
    p.set_defaults(func=_cmd_datasets)
    _add_journey_parsers(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)  # DataWarning, HeywoodWarning
            code = args.func(args)
        for w in caught:
            if issubclass(w.category, UserWarning):
                print(f"warning: {w.message}", file=sys.stderr)
        return code
    except (UsageError, ArgumentError, FileNotFoundError, FileExistsError,
            IsADirectoryError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (IMResearchError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
