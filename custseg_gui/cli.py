"""`custseg-gui report`: the whole analysis without a window.

The options are built from the settings' own declarations (core/settings.py) and the
exporter registry (core/exports), so a new setting or export format needs no edit here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.errors import UserError
from custseg_gui.core.exports import (CSV_ENCODINGS, DEFAULT_CSV_ENCODING, DEFAULT_FORMATS,
                                      EXPORTERS, FORMATS, ExportContext, export_files)
from custseg_gui.core.settings import (SETTINGS_CLASSES, AnalysisSettings, LoadSettings,
                                       OrderSettings, SettingsError, default_of, from_document,
                                       options)
from custseg_gui.core.sources import extensions_text
from custseg_gui.core.sql import DIALECTS
from custseg_gui.logs import log, log_file, setup_logging

PAGE_SIZES = ("a4", "letter")


class _Parser(argparse.ArgumentParser):
    """Argument mistakes end like every other user error: one `error:` line and status 2."""

    def error(self, message: str):
        raise UserError(f"{message}. Run '{self.prog} --help' to see the options.")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"--formats takes a comma list of {', '.join(FORMATS)}, not '{text}'")
    return chosen


def _dest(name: str) -> str:
    return f"setting_{name}"


def _add_setting_options(parser: argparse.ArgumentParser,
                         classes=SETTINGS_CLASSES) -> None:
    """One option per declared setting that has a flag."""
    for settings_class in classes:
        for name, declared in options(settings_class):
            if declared.flag is None:
                continue
            extra = {}
            if declared.choices:
                extra["choices"] = list(declared.choices)
            if declared.kind.action:  # a switch: --orders / --no-orders, unset when not given
                extra["action"] = declared.kind.action
            if declared.kind.nargs:
                extra["nargs"] = declared.kind.nargs
            if declared.kind.cli_type:
                extra["type"] = declared.kind.cli_type
            if declared.metavar and not declared.choices:
                extra["metavar"] = declared.metavar
            default = declared.kind.describe(default_of(settings_class, name))
            parser.add_argument(declared.flag, dest=_dest(name),
                                help=f"{declared.help} (default: {default})", **extra)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="custseg-gui report",
                     description="Segment the customers in INPUT and write the report into DIR.")
    parser.add_argument("input", metavar="INPUT",
                        help=f"customer file ({extensions_text()})")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the report files")
    parser.add_argument("--settings", metavar="FILE", type=Path,
                        help="JSON file of settings (any option below, as in summary.json's "
                             "settings, or a whole summary.json); options given here override it")
    _add_setting_options(parser)
    described = "; ".join(f"{exporter.key}: {exporter.tip}" for exporter in EXPORTERS)
    parser.add_argument("--formats", type=_formats, default=DEFAULT_FORMATS, metavar="LIST",
                        help=f"comma list of files to write (default: "
                             f"{','.join(DEFAULT_FORMATS)}). {described}")
    parser.add_argument("--page-size", choices=list(PAGE_SIZES), default="a4",
                        help="paper size of report.pdf (default: a4)")
    parser.add_argument("--sql-dialect", choices=list(DIALECTS), default="standard",
                        help="SQL of segments.sql: standard (" + DIALECTS["standard"]
                        + ") or bigquery (default: standard)")
    _add_csv_encoding(parser)
    parser.add_argument("--version", action="version", version=f"CustSeg {__version__}")
    return parser


def _add_csv_encoding(parser: argparse.ArgumentParser) -> None:
    described = "; ".join(f"{key}: {words}" for key, words in CSV_ENCODINGS.items())
    parser.add_argument("--csv-encoding", choices=list(CSV_ENCODINGS),
                        default=DEFAULT_CSV_ENCODING,
                        help=f"how the CSV files are encoded ({described}; default: "
                             f"{DEFAULT_CSV_ENCODING})")


def _settings_file(path: Path) -> dict:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"The settings file {path} could not be found.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"The settings file {path.name} is not valid JSON ({error}). Fix it or "
                        "leave out --settings.") from None
    if not isinstance(content, dict):
        raise UserError(f"The settings file {path.name} must hold a JSON object such as "
                        '{"features": ["Age", "Income"], "k": 4}.')
    return content


def analysis_settings(args: argparse.Namespace) -> AnalysisSettings:
    """Options on the command line, over a settings file, over the defaults."""
    try:
        base = from_document(_settings_file(args.settings)) if args.settings \
            else AnalysisSettings()
        given = base.to_dict()
        for settings_class in SETTINGS_CLASSES:
            for name, declared in options(settings_class):
                value = getattr(args, _dest(name), None) if declared.flag else None
                if value is None:
                    continue
                try:
                    given[declared.key] = declared.kind.to_plain(
                        declared.kind.from_plain(value))
                except SettingsError as error:
                    raise UserError(f"{declared.flag} {error}.") from None
        return AnalysisSettings.from_dict(given)
    except SettingsError as error:
        raise UserError(f"A setting has the wrong form ({error}). See 'custseg-gui report "
                        "--help' for what each option takes.") from None


def _import_kneed_alone() -> None:
    """Import kneed (the elbow finder) without matplotlib.

    kneed imports matplotlib.pyplot for plotting helpers CustSeg never calls: half a second,
    and all of matplotlib, for a report that may draw nothing (--formats csv,json). With
    matplotlib hidden while kneed loads, kneed only notes that it cannot plot. A report that
    draws charts imports matplotlib when it draws them."""
    hidden = [name for name in ("matplotlib", "matplotlib.pyplot") if name not in sys.modules]
    if "kneed" in sys.modules or len(hidden) < 2:
        return
    for name in hidden:
        sys.modules[name] = None  # an import of it now fails with ImportError
    try:
        import kneed  # noqa: F401
    except ImportError:
        pass
    finally:
        for name in hidden:
            del sys.modules[name]


def run_command(name: str, work) -> int:
    """Run one command's `work` (which returns the line to print); return the exit status: 2
    with one `error:` line for a problem the user can act on, 1 with the log file's name for
    anything unexpected."""
    try:
        done = work()
    except UserError as error:
        log.info("%s failed: %s", name, error)
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    except Exception:
        log.exception("%s crashed", name)
        print(f"error: Something unexpected went wrong. Details are in the log file "
              f"{log_file()}.", file=sys.stderr)
        return 1
    print(done)
    return 0


def report(argv: list[str]) -> int:
    """Run the report command; return the exit status."""
    setup_logging()
    _import_kneed_alone()

    def work() -> str:
        args = build_parser().parse_args(argv)
        settings = analysis_settings(args)
        out = Path(args.out)
        check_out_folder(out)
        from custseg_gui.core.pipeline import run

        result = run(args.input, settings)
        written = write_report(ExportContext(result, page_size=args.page_size,
                                             sql_dialect=args.sql_dialect,
                                             csv_encoding=args.csv_encoding), out, args.formats)
        made = f" (from {result.orders.rows:,} order lines)" if result.orders is not None \
            else ""
        said = (f"Wrote {len(written)} files to {out}: {result.k} segments of "
                f"{len(result.prepared.rows_used):,} customers{made}.")
        if result.orders is None and _looks_like_orders(result.table):
            said += (f"\nNote: {Path(args.input).name} looks like order lines (one line per item "
                     "sold, several per customer). Add --orders to analyse one row per customer, "
                     "by recency, frequency and net spend.")
        return said

    return run_command("report", work)


def check_out_folder(out: Path) -> None:
    """A UserError, before the analysis runs, when the report folder cannot be made there."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file, not a folder. Give --out a folder name.")
    if out.is_dir():
        return
    parent = out.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"The folder {out} cannot be created: {parent} is a file, not a folder. "
                        "Give --out a folder you can write to.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"The folder {out} cannot be created: CustSeg is not allowed to write "
                        f"in {parent}. Give --out a folder you can write to.")


def make_out_folder(out: Path) -> None:
    """Create the report folder, or a UserError saying why it cannot be."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise UserError(f"The folder {out} cannot be created ({reason.lower()}). Give --out a "
                        "folder you can write to.") from None


def _looks_like_orders(table) -> bool:
    from custseg_gui.core.sources.orders import detect_order_columns

    try:
        detected = detect_order_columns(table)
    except Exception:  # a hint only: never what makes a report fail
        log.exception("order-line detection failed")
        return False
    return detected is not None and detected.complete


def write_report(context: ExportContext, out: Path, formats=DEFAULT_FORMATS,
                 progress=None) -> list[Path]:
    """Write the report files into `out` (created if needed); on failure nothing is left."""
    from custseg_gui.core.progress import NO_PROGRESS

    created_folder = not out.exists()
    try:
        make_out_folder(out)
        # Both cores: the formats are written in two processes at once (exports/lanes.py).
        return export_files(context, out, formats, progress or NO_PROGRESS, parallel=True)
    except BaseException:
        if created_folder:
            shutil.rmtree(out, ignore_errors=True)
        raise


# --- score: a saved segmentation applied to new customers -----------------------------------------

def build_score_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="custseg-gui score",
                     description="Give the customers of NEWFILE the segments of SEGMENTATION and "
                                 "write scored.csv and scoring.json into DIR.")
    parser.add_argument("segmentation", metavar="SEGMENTATION",
                        help="segmentation.custseg written by the report (or a saved analysis)")
    parser.add_argument("input", metavar="NEWFILE", help=f"customer file ({extensions_text()})")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    parser.add_argument("--previous", metavar="FILE", type=Path,
                        help="the segments.csv (or scored.csv) of an earlier month, to see who "
                             "moved; needs --id")
    parser.add_argument("--id", metavar="COLUMN",
                        help="the customer ID column of both files (for an order log, its "
                             "customer column unless given)")
    as_of = dict(options(OrderSettings))["as_of"]
    parser.add_argument(as_of.flag, dest="as_of", metavar=as_of.metavar,
                        help="order logs: the day recency is counted to (default: the day "
                             "after the new file's latest date)")
    _add_setting_options(parser, (LoadSettings,))
    _add_csv_encoding(parser)
    return parser


def score(argv: list[str]) -> int:
    """Run the score command; return the exit status."""
    setup_logging()

    def work() -> str:
        args = build_score_parser().parse_args(argv)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise UserError(f"{out} is a file, not a folder. Give --out a folder name.")
        load = AnalysisSettings.from_dict(analysis_settings_of_load(args)).load
        from custseg_gui.core.scoring import run_scoring

        as_of = None
        if args.as_of is not None:
            declared = dict(options(OrderSettings))["as_of"]
            try:
                as_of = declared.kind.from_plain(args.as_of)
            except (TypeError, ValueError):
                raise UserError(f"--as-of {args.as_of} is not a day: write it as YYYY-MM-DD, "
                                "for example 2026-11-30.") from None
        scoring = run_scoring(Path(args.segmentation), Path(args.input), load, args.previous,
                              args.id, as_of=as_of, csv_encoding=args.csv_encoding)
        written = write_files(out, scoring.files)
        return (f"Wrote {len(written)} files to {out}: {scoring.summary['rows_scored']:,} of "
                f"{scoring.summary['rows']:,} customers placed in "
                f"{len(scoring.summary['segments'])} segments.")

    return run_command("score", work)


def analysis_settings_of_load(args: argparse.Namespace) -> dict:
    """How the new file is read: the options given, in the settings' dictionary form."""
    given = AnalysisSettings().to_dict()
    for name, declared in options(LoadSettings):
        value = getattr(args, _dest(name), None)
        if value is not None:
            try:
                given[declared.key] = declared.kind.to_plain(declared.kind.from_plain(value))
            except SettingsError as error:
                raise UserError(f"{declared.flag} {error}.") from None
    return given


def write_files(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write named files into `out` (created if needed), all or nothing."""
    from custseg_gui.core.exports.staging import Staging

    created = not out.exists()
    staging = Staging()
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"The folder {out} cannot be created ({error.strerror or error}). "
                            "Give --out a folder you may write in.") from None
        for name, content in files.items():
            staging.write(out / name, lambda handle, data=content: handle.write(data))
        return staging.commit()
    except BaseException:
        staging.rollback()
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
