"""Exports: customer list (CSV), workbook, PDF report, chart images, summary.json.

Every file is first written in full beside its destination under a temporary name; only when
all of an export's files are complete are they renamed into place. A failure at any point
leaves no partial file and no temporary one.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from custseg_gui import __version__
from custseg_gui.core.analysis import Analysis
from custseg_gui.core.errors import UserError

SUMMARY_SCHEMA = "custseg-summary/1"


FORMATS = ("csv", "xlsx", "pdf", "png", "json")
FORMAT_NAMES = {"csv": "Customer list (CSV)", "xlsx": "Workbook (Excel)",
                "pdf": "PDF report", "png": "Chart images (PNG)", "json": "Summary (JSON)"}
# Chart images: file name -> what it shows.
CHART_FILES = {
    "elbow.png": "elbow chart", "silhouette.png": "silhouette chart",
    "segments.png": "segment scatter", "segment_sizes.png": "segment sizes",
    "segment_profiles.png": "profile heatmap", "feature_importance.png": "what sets them apart",
    "segment_distributions.png": "distributions by segment",
}
IMAGE_SIZE_IN, IMAGE_DPI = (8.0, 5.0), 300
# Text that a spreadsheet would read as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d[\d,. ]*|[.,]\d+)([eE][-+]?\d+)?\s*%?\s*$")


def output_files(formats) -> list[str]:
    """The file names an export of these formats writes."""
    names = {"csv": ["segments.csv"], "xlsx": ["segments.xlsx"], "pdf": ["report.pdf"],
             "png": list(CHART_FILES), "json": ["summary.json"]}
    return [name for fmt in FORMATS if fmt in formats for name in names[fmt]]


def neutralize_formulas(column: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would evaluate (=, +, -, @, tab, return).

    Genuine numbers, negative ones included, are left alone.
    """
    text = column.astype(str)
    risky = text.str.startswith(FORMULA_START) & ~text.str.match(NUMBER_TEXT)
    return text.where(~risky, "'" + text) if risky.any() else column


def _file_mode() -> int:
    """rw for everyone the user's umask allows (a temporary file starts private)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _temporary(path: Path):
    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part", delete=False)
        with suppress(OSError):
            os.chmod(handle.name, _file_mode())
        return handle
    except FileNotFoundError:
        raise UserError(f"The folder {path.parent} does not exist any more. Choose another "
                        "folder to export to.") from None
    except PermissionError:
        raise UserError(f"CustSeg is not allowed to write in {path.parent}. Choose a folder of "
                        "your own, such as Documents.") from None
    except OSError as error:
        raise UserError(f"Could not write in {path.parent} ({error.strerror}). Choose another "
                        "folder.") from None


def _write_failed(path: Path, error: OSError) -> UserError:
    if isinstance(error, PermissionError):
        return UserError(f"CustSeg is not allowed to write {path.name}. If it is open in another "
                         "program (such as Excel), close it and try again.")
    return UserError(f"Writing {path.name} failed ({error.strerror or error}). Check that the "
                     "disk has space and the folder is still there, then try again.")


class Staging:
    """Files written completely under temporary names, renamed into place together."""

    def __init__(self):
        self._staged: list[tuple[str, Path]] = []

    def write(self, path: Path, write: Callable[[IO[bytes]], None]) -> None:
        path = Path(path)
        handle = _temporary(path)
        self._staged.append((handle.name, path))
        try:
            with handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise _write_failed(path, error) from None

    def commit(self) -> list[Path]:
        """Rename every staged file into place; if one rename fails, undo the others."""
        done, backups = [], []
        try:
            for temporary, path in self._staged:
                if path.exists():
                    # Keep the earlier file until every new one is in place.
                    holder = _temporary(path)
                    holder.close()
                    backup = Path(holder.name)
                    try:
                        os.replace(path, backup)
                    except OSError:
                        os.unlink(backup)
                        raise
                    backups.append((backup, path))
                os.replace(temporary, path)
                done.append(path)
        except OSError as error:
            for placed in done:
                with suppress(OSError):
                    os.unlink(placed)
            for backup, original in backups:
                with suppress(OSError):
                    os.rename(backup, original)  # the name is free again: no replace needed
            self.rollback()
            raise _write_failed(path, error) from None
        for backup, _path in backups:
            with suppress(OSError):
                os.unlink(backup)
        self._staged = []
        return done

    def rollback(self) -> None:
        for temporary, _path in self._staged:
            with suppress(OSError):
                os.unlink(temporary)
        self._staged = []


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write one file through a temporary file in the same folder, then rename it into place.

    A failure at any point leaves neither a partial file nor the temporary one behind.
    """
    staging = Staging()
    try:
        staging.write(path, write)
    except BaseException:
        staging.rollback()
        raise
    staging.commit()


def labelled_customers(analysis: Analysis, names: dict[int, str] | None = None) -> pd.DataFrame:
    """Every input row and column as read, plus Segment, Segment name and Left out because."""
    names = names or analysis.insights.names()
    table = analysis.table.raw.copy()
    segments = analysis.segmentation.row_segments
    added = {"Segment": np.where(segments > 0, segments.astype(str), ""),
             "Segment name": [names.get(int(number), "") for number in segments]}
    left_out = analysis.prepared.left_out
    if len(left_out):
        reasons = np.full(len(table), "", dtype=object)
        reasons[left_out.index.to_numpy()] = left_out.to_numpy()
        added["Left out because"] = reasons
    for name, values in added.items():
        table[free_column_name(name, table.columns)] = values
    return table


def free_column_name(name: str, taken) -> str:
    """`name`, or `name (2)`, ... when the input already has a column of that name."""
    taken, candidate, copy = set(taken), name, 2
    while candidate in taken:
        candidate, copy = f"{name} ({copy})", copy + 1
    return candidate


def customers_csv_bytes(customers: pd.DataFrame) -> bytes:
    """The customer list as UTF-8 CSV, formula-like text neutralized."""
    safe = customers.apply(neutralize_formulas)
    safe.columns = [neutralize_formulas(pd.Series([name])).iat[0] for name in customers.columns]
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _json_safe(value):
    """NaN and infinity become null; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def read_options(load) -> dict:
    """How the file was told to be read, in the report command's own words (None: detected)."""
    from custseg_gui.core.loading import DELIMITER_WORDS, MARK_WORDS

    words = {mark: word for word, mark in DELIMITER_WORDS.items()}
    marks = {mark: word for word, mark in MARK_WORDS.items()}
    return {"sheet": load.sheet, "encoding": load.encoding,
            "delimiter": words.get(load.delimiter, load.delimiter),
            "decimal": marks.get(load.decimal, load.decimal),
            "thousands": marks.get(load.thousands, load.thousands),
            "header_row": load.header_row,
            "dates": None if load.day_first is None else
            ("day-first" if load.day_first else "month-first")}


def summary(analysis: Analysis, names: dict[int, str] | None = None) -> dict:
    """The analysis as plain data: what summary.json holds."""
    names = names or analysis.insights.names()
    report, settings, search = analysis.table.report, analysis.settings, analysis.search
    insights = analysis.insights
    stability = insights.stability
    return _json_safe({
        "schema": SUMMARY_SCHEMA,
        "app_version": __version__,
        "input": {"file": report.file_name, "sha256": report.sha256, "rows": report.rows,
                  "columns": report.columns, "sheet": report.sheet, "encoding": report.encoding,
                  "delimiter": report.delimiter, "decimal": report.number_format.decimal,
                  "thousands": report.number_format.thousands,
                  "header_row": report.header_row, "units": report.units,
                  "date_formats": report.date_formats, "notes": list(report.notes)},
        "settings": {"features": list(analysis.prepared.settings.features),
                     "scaling": analysis.prepared.settings.scaling,
                     "missing": analysis.prepared.settings.missing,
                     "k_min": settings.k_min, "k_max": settings.k_max, "seed": settings.seed,
                     "log": list(analysis.prepared.settings.log),
                     "cap": {name: [low, high] for name, low, high
                             in analysis.prepared.settings.cap},
                     "category": list(analysis.prepared.settings.as_category),
                     **read_options(settings.load)},
        "rows_used": int(len(analysis.prepared.rows_used)),
        "rows_left_out": int(len(analysis.prepared.left_out)),
        "k_search": [{"k": score.k, "inertia": score.inertia, "silhouette": score.silhouette,
                      "calinski_harabasz": score.calinski_harabasz,
                      "davies_bouldin": score.davies_bouldin,
                      "silhouette_interval": [score.silhouette_low, score.silhouette_high]}
                     for score in search.scores],
        "search_sample_size": search.search_sample_size,
        "elbow_k": search.knee,
        "silhouette_sample_size": search.silhouette_sample_size,
        "recommended_k": search.recommended_k,
        "recommendation": search.recommendation,
        "k": analysis.segmentation.k,
        "stability_ari": stability.ari if stability else None,
        "stability_resamples": stability.resamples if stability else None,
        "feature_importance": insights.feature_importance,
        "segments": [{"number": profile.number, "name": names.get(profile.number, profile.name),
                      "automatic_name": profile.name, "size": profile.size,
                      "share": profile.share, "description": profile.description,
                      "suggested_action": profile.action, "means": profile.means,
                      "medians": profile.medians, "index": profile.index,
                      "standardized_difference": profile.difference,
                      "categories": profile.categories, "silhouette": profile.silhouette,
                      "stability": profile.stability,
                      "stability_reading": profile.stability_reading}
                     for profile in insights.profiles],
    })


def draw_chart_image(name: str, analysis: Analysis, names: dict[int, str]):
    """A Figure of one chart, as in the window, for a PNG file."""
    from matplotlib.figure import Figure

    from custseg_gui.core import charts

    figure = Figure(figsize=IMAGE_SIZE_IN, layout="constrained")
    search, segmentation, insights = analysis.search, analysis.segmentation, analysis.insights
    if name == "elbow.png":
        charts.draw_elbow(figure, search, segmentation.k)
    elif name == "silhouette.png":
        charts.draw_silhouette(figure, search, segmentation, names, segmentation.k)
    elif name == "segments.png":
        x, y = charts.default_axes(analysis.prepared, insights.feature_importance)
        charts.draw_segments(figure, charts.scatter_data(analysis.prepared, segmentation, x, y,
                                                         analysis.settings.seed), names)
    elif name == "segment_sizes.png":
        charts.draw_sizes(figure, segmentation, names)
    elif name == "segment_profiles.png":
        charts.draw_profile_heatmap(figure, insights, names)
    elif name == "feature_importance.png":
        charts.draw_importance(figure, insights)
    elif name == "segment_distributions.png":
        ranked = [c for c in insights.feature_importance if c in insights.numeric_columns]
        ranked += [c for c in insights.numeric_columns if c not in ranked]
        charts.draw_segment_distributions(figure, analysis.table.frame, segmentation.row_segments,
                                          ranked, names)
    else:
        raise ValueError(name)
    return figure


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def export_files(analysis: Analysis, folder: Path, formats=FORMATS,
                 names: dict[int, str] | None = None, page_size: str = "a4",
                 progress=None) -> list[Path]:
    """Write the chosen report files into `folder`, all or nothing; return their paths."""
    from custseg_gui.core.progress import NO_PROGRESS

    progress = progress or NO_PROGRESS
    names = {**analysis.insights.names(), **(names or {})}
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist. Choose an existing folder to "
                        "export to.")
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown or not formats:
        raise UserError(f"Unknown export format {', '.join(unknown) or '(none)'}. Choose from: "
                        f"{', '.join(FORMATS)}.")
    targets = [folder / name for name in output_files(formats)]
    source = Path(analysis.table.report.path)
    for target in targets:
        if _same_file(target, source):
            raise UserError(f"Exporting would overwrite your data file {source.name}. Choose "
                            "another folder, or rename the data file.")
    steps = {"csv": 0.1, "xlsx": 0.35, "pdf": 0.25, "png": 0.25, "json": 0.05}
    done = 0.0
    staging = Staging()
    try:
        customers = labelled_customers(analysis, names) if {"csv", "xlsx"} & set(formats) \
            else None
        for fmt in [fmt for fmt in FORMATS if fmt in formats]:
            part = progress.part(done, min(1.0, done + steps[fmt] / sum(
                steps[f] for f in formats)))
            done = min(1.0, done + steps[fmt] / sum(steps[f] for f in formats))
            part.report(0.0, f"Writing {FORMAT_NAMES[fmt].lower()}...")
            if fmt == "csv":
                staging.write(folder / "segments.csv",
                              lambda handle: handle.write(customers_csv_bytes(customers)))
            elif fmt == "xlsx":
                from custseg_gui.core.workbook import write_workbook

                staging.write(folder / "segments.xlsx", lambda handle: write_workbook(
                    handle, analysis, customers, names, part))
            elif fmt == "pdf":
                from custseg_gui.core.report_pdf import write_pdf_report

                staging.write(folder / "report.pdf", lambda handle: write_pdf_report(
                    handle, analysis, names, page_size, part))
            elif fmt == "png":
                for position, name in enumerate(CHART_FILES):
                    part.report(position / len(CHART_FILES), f"Drawing {CHART_FILES[name]}...")
                    figure = draw_chart_image(name, analysis, names)
                    staging.write(folder / name, lambda handle, f=figure: f.savefig(
                        handle, format="png", dpi=IMAGE_DPI))
            elif fmt == "json":
                content = summary(analysis, names)
                staging.write(folder / "summary.json", lambda handle: handle.write(json.dumps(
                    content, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")))
        progress.check()
        return staging.commit()
    except BaseException:
        staging.rollback()
        raise
