"""`custseg_gui report`: the whole analysis without a window."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.analysis import AnalysisSettings, run_analysis
from custseg_gui.core.errors import UserError
from custseg_gui.core.export import FORMATS, export_files
from custseg_gui.core.loading import DELIMITER_WORDS, MARK_WORDS, LoadSettings
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




def _cap(text: str) -> tuple[str, float, float]:
    """COL or COL:LOW:HIGH (percentiles, default 1 and 99)."""
    parts = text.rsplit(":", 2)
    if len(parts) == 3:
        try:
            return parts[0], float(parts[1]), float(parts[2])
        except ValueError:
            pass
    return text, 1.0, 99.0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="custseg-gui report",
                     description="Segment the customers in INPUT and write the report into DIR.")
    parser.add_argument("input", metavar="INPUT",
                        help="customer file (.csv, .tsv, .txt, .xlsx, .xlsm, .xls, .ods)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the report files")
    parser.add_argument("--settings", metavar="FILE", type=Path,
                        help="JSON file of settings (any option below, as in summary.json's "
                             "settings); options given here override it")
    parser.add_argument("--features", nargs="+", metavar="NAME",
                        help="columns to group customers by (default: every usable numeric column)")
    parser.add_argument("--k", type=_k_value, metavar="N|auto",
                        help="number of segments (default: auto, the recommended number)")
    parser.add_argument("--k-min", type=int, metavar="N", help="fewest segments to try (2)")
    parser.add_argument("--k-max", type=int, metavar="N", help="most segments to try (10)")
    parser.add_argument("--scaling", choices=list(SCALINGS), help="(default: standard)")
    parser.add_argument("--missing", choices=list(MISSING_POLICIES), help="(default: drop)")
    parser.add_argument("--seed", type=int, help="random seed: same seed, same result (42)")
    parser.add_argument("--log", nargs="+", metavar="COL", help="put these columns on a log "
                        "scale for the analysis (skewed money columns)")
    parser.add_argument("--cap", nargs="+", metavar="COL[:LOW:HIGH]", type=_cap,
                        help="cap extreme values of these columns at percentiles (default 1:99)")
    parser.add_argument("--category", nargs="+", metavar="COL",
                        help="treat these number columns as categories (codes like Region 1/2/3)")
    parser.add_argument("--sheet", metavar="NAME", help="sheet to read (default: the first with "
                                                         "data)")
    parser.add_argument("--encoding", metavar="NAME", help="text encoding (default: detected)")
    parser.add_argument("--delimiter", choices=list(DELIMITER_WORDS),
                        help="column separator (default: detected)")
    parser.add_argument("--decimal", choices=["point", "comma"], help="decimal mark (detected)")
    parser.add_argument("--thousands", choices=list(MARK_WORDS),
                        help="digit-group separator (detected)")
    parser.add_argument("--header-row", type=int, metavar="N",
                        help="row holding the column names (detected)")
    parser.add_argument("--dates", choices=["day-first", "month-first"],
                        help="order of day and month in dates like 03/04/2024 (detected)")
    parser.add_argument("--formats", type=_formats, default=FORMATS, metavar="LIST",
                        help=f"comma list of files to write: {','.join(FORMATS)} (default: all)")
    parser.add_argument("--page-size", choices=["a4", "letter"], default="a4",
                        help="paper size of report.pdf (default: a4)")
    parser.add_argument("--version", action="version", version=f"CustSeg {__version__}")
    return parser


def _settings_file(path: Path) -> dict:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"The settings file {path} could not be found.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"The settings file {path.name} is not valid JSON ({error}). Fix it or "
                        "leave out --settings.") from None
    if isinstance(content, dict) and isinstance(content.get("settings"), dict):
        content = content["settings"]  # a summary.json can be reused as it is
    if not isinstance(content, dict):
        raise UserError(f"The settings file {path.name} must hold a JSON object such as "
                        '{"features": ["Age", "Income"], "k": 4}.')
    return content


def analysis_settings(args: argparse.Namespace) -> AnalysisSettings:
    """Options on the command line, over a settings file, over the defaults."""
    given = _settings_file(args.settings) if args.settings else {}

    def pick(option, key, default=None):
        value = getattr(args, option)
        return value if value is not None else given.get(key, default)

    def names(option, key):
        value = pick(option, key, ())
        return (value,) if isinstance(value, str) else tuple(value or ())

    cap = pick("cap", "cap", ())
    if isinstance(cap, str):
        cap = [_cap(cap)]
    if isinstance(cap, dict):
        cap = [(name, *bounds) for name, bounds in cap.items()]
    try:
        cap = tuple((str(name), float(low), float(high)) for name, low, high in cap)
        k = pick("k", "k")
        delimiter = pick("delimiter", "delimiter")
        decimal, thousands = pick("decimal", "decimal"), pick("thousands", "thousands")
        dates = pick("dates", "dates")
        load = LoadSettings(
            sheet=pick("sheet", "sheet"), encoding=pick("encoding", "encoding"),
            delimiter=DELIMITER_WORDS.get(delimiter, delimiter),
            decimal=MARK_WORDS.get(decimal, decimal),
            thousands=MARK_WORDS.get(thousands, thousands),
            header_row=pick("header_row", "header_row"),
            day_first=None if dates is None else dates in ("day-first", True))
        features = names("features", "features")
        return AnalysisSettings(
            load=load, features=features or None,
            missing=pick("missing", "missing", "drop"),
            scaling=pick("scaling", "scaling", "standard"),
            k_min=int(pick("k_min", "k_min", 2)), k_max=int(pick("k_max", "k_max", 10)),
            k=None if k in (None, "auto") else int(k), seed=int(pick("seed", "seed", 42)),
            log=names("log", "log"), cap=cap, as_category=names("category", "category"))
    except (TypeError, ValueError) as error:
        raise UserError(f"A setting has the wrong form ({error}). See 'custseg-gui report "
                        "--help' for what each option takes.") from None


def report(argv: list[str]) -> int:
    """Run the report command; return the exit status."""
    setup_logging()
    try:
        args = build_parser().parse_args(argv)
        settings = analysis_settings(args)
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
