"""The `clientbase` command line: run, check, demo-data, list.

Errors a user can act on (bad profile, bad data, a failed report) are printed as one clear
message without a traceback, and the exit status is non-zero: 2 for a bad profile or
command line, 1 for bad data or a failed report.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from clientbase import __version__
from clientbase.errors import ClientbaseError, DataError, ProfileError


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    # SIGTERM (a scheduler stopping the run) unwinds like Ctrl-C: workers and their kernels
    # are stopped, temporary folders and the lock removed, published reports left as they were
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.handler(args)
    except ProfileError as exc:
        print(f"clientbase: profile error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"clientbase: {exc}", file=sys.stderr)
        return 1
    except ClientbaseError as exc:
        print(f"clientbase: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("clientbase: stopped (SIGTERM); nothing was published", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("clientbase: interrupted; nothing was published", file=sys.stderr)
        return 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGTERM, previous)


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM, so that every `finally` runs (as for Ctrl-C)."""


def _terminated(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding; a second TERM changes nothing
    raise Terminated


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    from clientbase.runner import run

    result = run(
        args.profile, period=args.period, only=args.only, language=args.lang, jobs=args.jobs,
        pdf=not args.no_pdf, keep_going=args.keep_going, out=args.out,
        timeout_minutes=args.timeout, say=_say,
    )
    if result.index is not None:
        print(result.index)
    return result.exit_code


def _check(args: argparse.Namespace) -> int:
    from clientbase.cache import prepare
    from clientbase.profiles import load_profile
    from clientbase.workbook import Workbook

    profile = load_profile(args.profile)
    prepared = prepare(profile, period=args.period, progress=_say)
    wb = Workbook(profile, prepared, language=profile.language, currency=profile.currency,
                  mask_pii=True, output_dir=None, report=None)
    print(f"profile {profile.name}: valid; period {prepared.period.label} (as of {prepared.period.as_of.date()})")
    for item in prepared.inputs:
        read, used = item.get("rows"), item.get("rows_used")
        unused = f" ({read - used} not used)" if read is not None and used is not None and read > used else ""
        print(f"  {item['table']:<17} {item['rows']!s:>9} rows  {item['file']}{unused}")
    problems = wb.problems
    if len(problems):
        print(f"{len(problems)} warnings (the run goes on):")
        for p in problems.itertuples():
            where = ", ".join(str(x) for x in (p.file, f"row {p.row}" if p.row is not None and p.row == p.row
                                                else None, p.column) if x)
            print(f"  {where}: {p.message}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from clientbase.demo import generate_demo

    summary = generate_demo(Path(args.out), customers=args.customers, years=args.years, seed=args.seed,
                            file_format=args.format, progress=_say)
    print(summary)
    return 0


def _list(args: argparse.Namespace) -> int:
    from clientbase import catalog

    for report in catalog.available_reports():
        print(report)
        model = catalog.options_model(report)
        meanings = model.meanings()
        for name, default in model.defaults().items():
            shown = list(default) if isinstance(default, tuple) else default
            note = f"  # {meanings[name]}" if meanings[name] else ""
            print(f"    {name} = {shown!r}{note}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clientbase", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"clientbase {__version__}")
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="run a profile's reports and publish them into reports/")
    run.add_argument("profile", help="the run profile, e.g. params/demo.yaml")
    run.add_argument("--period", help="a quarter like 2026Q3, or 'latest' (default: the profile's)")
    run.add_argument("--only", nargs="+", action="extend", metavar="REPORT", help="run only these reports")
    run.add_argument("--lang", choices=("en", "ru"), help="report language (default: the profile's)")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks in parallel (default: cores)")
    run.add_argument("--no-pdf", action="store_true", help="render HTML only")
    run.add_argument("--keep-going", action="store_true", help="publish the reports that succeeded")
    run.add_argument("--out", help="output folder (default: the project's reports/)")
    run.add_argument("--timeout", type=float, metavar="MINUTES", help="wall-clock limit per notebook")
    run.set_defaults(handler=_run)

    check = sub.add_parser("check", help="validate a profile and its data without running reports")
    check.add_argument("profile")
    check.add_argument("--period")
    check.set_defaults(handler=_check)

    demo = sub.add_parser("demo-data", help="write the synthetic 1C-style demo dataset")
    demo.add_argument("--out", default="data/demo", help="folder to write (default: data/demo)")
    demo.add_argument("--customers", type=int, default=5000)
    demo.add_argument("--years", type=int, default=3)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--format", choices=("1c", "parquet"), default="1c",
                      help="1c: cp1251 CSV as 1C saves it (default); parquet: canonical Parquet for big data")
    demo.set_defaults(handler=_demo)

    lst = sub.add_parser("list", help="the reports and their parameters")
    lst.set_defaults(handler=_list)
    return parser


if __name__ == "__main__":
    sys.exit(main())
