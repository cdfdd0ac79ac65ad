"""`custseg_gui report`: the whole analysis without a window."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.analysis import AnalysisSettings, run_analysis
from custseg_gui.core.errors import UserError
from custseg_gui.core.export import FORMATS, export_files
from custseg_gui.core.loading import LoadSettings
from custseg_gui.core.prep import MISSING_POLICIES, SCALINGS
from custseg_gui.logs import log, log_file, setup_logging


class _Parser(argparse.ArgumentParser):
    """Argument mistakes end like every other user error: one `error:` line and status 2."""

    def error(self, message: str):
        raise UserError(f"{message}. Run '{self.prog} --help' to see the options.")


def _k_value(text: str) -> int | None:
    if text.strip().lower() == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k must be a whole number or 'auto', not '{text}'") \
            from None


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"--formats takes a comma list of {', '.join(FORMATS)}, not '{text}'")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="custseg-gui report",
                     description="Segment the customers in INPUT and write the report into DIR.")
    parser.add_argument("input", metavar="INPUT", help="customer file (.csv or .xlsx)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the report files")
    parser.add_argument("--features", nargs="+", metavar="NAME",
                        help="columns to group customers by (default: every usable numeric column)")
    parser.add_argument("--k", type=_k_value, default=None, metavar="N|auto",
                        help="number of segments (default: auto, the recommended number)")
    parser.add_argument("--k-min", type=int, default=2, metavar="N", help="fewest segments to try")
    parser.add_argument("--k-max", type=int, default=10, metavar="N", help="most segments to try")
    parser.add_argument("--scaling", choices=list(SCALINGS), default="standard")
    parser.add_argument("--missing", choices=list(MISSING_POLICIES), default="drop")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same result)")
    parser.add_argument("--sheet", metavar="NAME", help="Excel sheet to read (default: the first)")
    parser.add_argument("--formats", type=_formats, default=FORMATS, metavar="LIST",
                        help=f"comma list of files to write: {','.join(FORMATS)} (default: all)")
    parser.add_argument("--page-size", choices=["a4", "letter"], default="a4",
                        help="paper size of report.pdf (default: a4)")
    parser.add_argument("--version", action="version", version=f"CustSeg {__version__}")
    return parser


def report(argv: list[str]) -> int:
    """Run the report command; return the exit status."""
    setup_logging()
    try:
        args = build_parser().parse_args(argv)
        settings = AnalysisSettings(
            load=LoadSettings(sheet=args.sheet), features=tuple(args.features) if args.features
            else None, missing=args.missing, scaling=args.scaling, k_min=args.k_min,
            k_max=args.k_max, k=args.k, seed=args.seed)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise UserError(f"{out} is a file, not a folder. Give --out a folder name.")
        analysis = run_analysis(args.input, settings)
        written = write_report(analysis, out, args.formats, args.page_size)
    except UserError as error:
        log.info("report failed: %s", error)
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    except Exception:
        log.exception("report crashed")
        print(f"error: Something unexpected went wrong. Details are in the log file "
              f"{log_file()}.", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} files to {out}: {analysis.segmentation.k} segments of "
          f"{len(analysis.prepared.rows_used):,} customers.")
    return 0


def write_report(analysis, out: Path, formats=FORMATS, page_size: str = "a4") -> list[Path]:
    """Write the report files into `out` (created if needed); on failure nothing is left."""
    created_folder = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        return export_files(analysis, out, formats, page_size=page_size)
    except BaseException:
        if created_folder:
            shutil.rmtree(out, ignore_errors=True)
        raise
