"""The ``cloudgeo`` command line.

Subcommands::

    cloudgeo regions [--as-of DATE] [--partition P ...] [--format table|csv|json]
    cloudgeo edges [--as-of DATE] [--format table|csv|json]
    cloudgeo lookup-edge CODE [CODE ...] [--as-of DATE] [--format table|csv|json]
    cloudgeo check [--data-dir DIR] [--format table|csv|json]

Exit status 0 on success, 2 on bad input (one line on stderr).

Adding a subcommand: write ``_add_<name>_parser(sub)`` that registers its parser with
``set_defaults(run=<function taking the parsed args and returning the text to print>)``, and
append it to ``_COMMANDS`` below (the ``report`` command plugs in there).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cloudgeo.errors import CatalogDateWarning, CloudGeoError, InvalidTypeError

__all__ = ["main"]

_FORMATS = ("table", "csv", "json")


def _render(df: pd.DataFrame, fmt: str) -> str:
    """Render a table as text in the requested format."""
    if fmt == "csv":
        return str(df.to_csv())
    if fmt == "json":
        return str(df.reset_index().to_json(orient="records", date_format="iso", indent=1))
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
        return str(df.to_string())


def _add_common(p: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    if as_of:
        p.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="date YYYY-MM-DD (default: the catalogue's own date; later dates warn)",
        )
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="table", help="output format")


# ---- regions -------------------------------------------------------------------------------

_REGION_VIEW = ["name", "partition", "country_code", "city", "lat", "lon", "az_count", "opened", "opt_in"]


def _run_regions(args: argparse.Namespace) -> str:
    from cloudgeo.catalog import DEFAULT_PARTITIONS, load_regions

    parts = args.partition or list(DEFAULT_PARTITIONS)
    df = load_regions(as_of=args.as_of, partitions=parts)
    if args.fmt == "table":
        df = df[_REGION_VIEW]
    return _render(df, args.fmt)


def _add_regions_parser(sub: Any) -> None:
    p = sub.add_parser("regions", help="AWS regions open on a date")
    _add_common(p)
    p.add_argument(
        "--partition",
        action="append",
        default=None,
        help="partition to include (repeatable): aws, aws-us-gov, aws-cn, aws-eusc (default: all)",
    )
    p.set_defaults(run=_run_regions)


# ---- edges ---------------------------------------------------------------------------------

_EDGE_VIEW = ["city", "country_code", "lat", "lon", "pops", "snapshot"]


def _run_edges(args: argparse.Namespace) -> str:
    from cloudgeo.catalog import load_edge_locations

    df = load_edge_locations(as_of=args.as_of)
    if args.fmt == "table":
        df = df[_EDGE_VIEW]
    return _render(df, args.fmt)


def _add_edges_parser(sub: Any) -> None:
    p = sub.add_parser("edges", help="CloudFront edge-location cities (newest list on or before a date)")
    _add_common(p)
    p.set_defaults(run=_run_edges)


# ---- lookup-edge ---------------------------------------------------------------------------

_LOOKUP_VIEW = ["code", "iata", "city", "country_code", "lat", "lon", "listed", "lookup_source"]


def _run_lookup_edge(args: argparse.Namespace) -> str:
    from cloudgeo.catalog import lookup_edge_location

    df = lookup_edge_location(list(args.codes), as_of=args.as_of)
    if args.fmt == "table":
        df = df[_LOOKUP_VIEW]
    return _render(df.set_index("code"), args.fmt)


def _add_lookup_edge_parser(sub: Any) -> None:
    p = sub.add_parser("lookup-edge", help="locate CloudFront x-edge-location codes (IAD12, FRA56-C1)")
    p.add_argument("codes", nargs="+", metavar="CODE", help="edge-location code(s) from CloudFront logs")
    _add_common(p)
    p.set_defaults(run=_run_lookup_edge)


# ---- report --------------------------------------------------------------------------------


def _run_logs_report(args: argparse.Namespace) -> str:
    """``cloudgeo report --logs PATH...``: the report for the user's own CloudFront logs."""
    from cloudgeo.report import write_logs_report

    if args.regions is not None or args.figures_dir is not None:
        raise _UsageError("--logs writes the traffic report; --regions and --figures-dir do not apply to it")
    _say_what_is_written(Path(args.out))
    try:
        path = write_logs_report(
            args.out,
            args.logs,
            origin_region=args.origin,
            placement_k=args.placement_k,
            as_of=args.as_of,
        )
    except OSError as exc:
        if isinstance(exc, CloudGeoError):
            raise  # e.g. a glob that matches no log: main reports it
        msg = f"cannot write the report to {args.out!r}: {exc.strerror or exc}"
        raise _UsageError(msg) from None
    return str(path.resolve())


def _run_report(args: argparse.Namespace) -> str:
    from cloudgeo.report import DEFAULT_REGIONS, write_report

    if args.logs is not None:
        return _run_logs_report(args)

    if args.image_format is not None and args.figures_dir is None:
        raise _UsageError("--format needs --figures-dir (the folder for the exported figures)")
    regions = [code for item in (args.regions or []) for code in item.split(",") if code.strip()]
    if args.regions is not None and not regions:
        raise _UsageError("--regions got no region code; pass codes such as us-east-1 or leave it out")
    _say_what_is_written(Path(args.out))
    try:
        path = write_report(
            args.out,
            regions=tuple(c.strip() for c in regions) or DEFAULT_REGIONS,
            as_of=args.as_of,
            figures_dir=args.figures_dir,
            format=args.image_format or "png",
        )
    except OSError as exc:
        msg = f"cannot write the report to {args.out!r}: {exc.strerror or exc}"
        raise _UsageError(msg) from None
    return str(path.resolve())


def _say_what_is_written(out: Path) -> None:
    """Tell stderr when the report replaces a file or needs new folders (both are done)."""
    if out.is_file():
        print(f"cloudgeo: overwriting the existing file {str(out)!r}", file=sys.stderr)
    if not out.parent.exists():
        print(f"cloudgeo: creating the missing folder(s) of {str(out.parent)!r}", file=sys.stderr)


def _add_report_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write the offline HTML report (prints the written path)")
    p.add_argument(
        "--out", default="cloudgeo-report.html", help="HTML file (default: ./cloudgeo-report.html)"
    )
    p.add_argument(
        "--regions",
        nargs="+",
        metavar="CODE",
        default=None,
        help="regions of the several-regions scenario, first = one-region scenario "
        "(default: us-east-1 eu-west-1 ap-southeast-1)",
    )
    p.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        help="catalogue date YYYY-MM-DD for 'now' (default: the catalogue's own date)",
    )
    p.add_argument(
        "--figures-dir", dest="figures_dir", default=None, help="also export every figure into DIR"
    )
    p.add_argument(
        "--format",
        dest="image_format",
        choices=("png", "svg"),
        default=None,
        help="figure format (default png)",
    )
    p.add_argument(
        "--logs",
        nargs="+",
        metavar="PATH",
        default=None,
        help="write the report for your CloudFront logs (files, globs, gzip or plain) instead",
    )
    p.add_argument(
        "--origin",
        default="us-east-1",
        help="with --logs: the distribution's origin region (default us-east-1)",
    )
    p.add_argument(
        "--placement-k",
        dest="placement_k",
        type=int,
        default=1,
        help="with --logs: regions to place for your users (default 1)",
    )
    p.set_defaults(run=_run_report)


# ---- check -----------------------------------------------------------------------------------


def _run_check(args: argparse.Namespace) -> str:
    from cloudgeo.catalog import check_catalog

    df = check_catalog(data_dir=args.data_dir)
    head = f"botocore {df.attrs['botocore_version']} ({df.attrs['source']}): "
    if args.fmt != "table":
        return _render(df.set_index("code"), args.fmt)
    if df.empty:
        return head + "no differences: the catalogue's regions and names match botocore's."
    return head + f"{len(df)} difference(s)\n" + _render(df.set_index("code"), args.fmt)


def _add_check_parser(sub: Any) -> None:
    p = sub.add_parser("check", help="compare the shipped regions with the installed botocore's (offline)")
    p.add_argument(
        "--data-dir",
        dest="data_dir",
        default=None,
        help="folder with partitions.json (+ endpoints.json) instead of the installed botocore's",
    )
    _add_common(p, as_of=False)
    p.set_defaults(run=_run_check)


# ---- registry: add new subcommands here (e.g. _add_report_parser) ----------------------------

_COMMANDS: list[Callable[[Any], None]] = [
    _add_regions_parser,
    _add_edges_parser,
    _add_lookup_edge_parser,
    _add_report_parser,
    _add_check_parser,
]


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that raises instead of exiting, so :func:`main` controls the exit code."""

    def error(self, message: str) -> Any:
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    """Return the ``cloudgeo`` argument parser with every registered subcommand."""
    parser = _Parser(prog="cloudgeo", description="The geography of AWS infrastructure.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cloudgeo`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success, 2 on bad input (a one-line message is written to stderr).

    Raises
    ------
    InvalidTypeError
        If ``argv`` is given but is not a sequence of strings (a programming error, not input).
    """
    parser = build_parser()
    if argv is not None and (
        isinstance(argv, str | bytes)
        or not isinstance(argv, Sequence)
        or not all(isinstance(a, str) for a in argv)
    ):
        msg = f"argv must be a list of strings such as ['regions', '--as-of', '2019-12-31'], got {argv!r}."
        raise InvalidTypeError(msg)
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CatalogDateWarning)
            text = args.run(args)
        for message in dict.fromkeys(str(w.message) for w in caught if w.category is CatalogDateWarning):
            print(f"cloudgeo: warning: {message}", file=sys.stderr)
        for w in caught:
            if w.category is not CatalogDateWarning:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    except _UsageError as exc:
        print(f"cloudgeo: error: {exc} (see cloudgeo --help)", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version
        return exc.code if isinstance(exc.code, int) else 0
    except CloudGeoError as exc:
        text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        print(f"cloudgeo: error: {text or type(exc).__name__}", file=sys.stderr)
        return 2
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
