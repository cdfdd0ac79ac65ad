"""`custseg-gui report`: the whole analysis without a window.

The options are built from the settings' own declarations (core/settings.py) and the
exporter registry (core/exports), so a new setting or export format needs no edit here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.errors import UserError
from custseg_gui.core.exports import (DEFAULT_FORMATS, EXPORTERS, FORMATS, ExportContext,
                                      export_files)
from custseg_gui.core.settings import (SETTINGS_CLASSES, AnalysisSettings, SettingsError,
                                       default_of, from_document, options)
from custseg_gui.core.sources import extensions_text
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


def _add_setting_options(parser: argparse.ArgumentParser) -> None:
    """One option per declared setting that has a flag."""
    for settings_class in SETTINGS_CLASSES:
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


def report(argv: list[str]) -> int:
    """Run the report command; return the exit status."""
    setup_logging()
    try:
        args = build_parser().parse_args(argv)
        settings = analysis_settings(args)
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise UserError(f"{out} is a file, not a folder. Give --out a folder name.")
        from custseg_gui.core.pipeline import run

        result = run(args.input, settings)
        written = write_report(ExportContext(result, page_size=args.page_size), out,
                               args.formats)
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
    made = f" (from {result.orders.rows:,} order lines)" if result.orders is not None else ""
    print(f"Wrote {len(written)} files to {out}: {result.k} segments of "
          f"{len(result.prepared.rows_used):,} customers{made}.")
    if result.orders is None and _looks_like_orders(result.table):
        print(f"Note: {Path(args.input).name} looks like order lines (one line per item sold, "
              "several per customer). Add --orders to analyse one row per customer, by recency, "
              "frequency and net spend.")
    return 0


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
        out.mkdir(parents=True, exist_ok=True)
        return export_files(context, out, formats, progress or NO_PROGRESS)
    except BaseException:
        if created_folder:
            shutil.rmtree(out, ignore_errors=True)
        raise
