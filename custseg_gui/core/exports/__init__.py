"""The registry of export formats, and `export_files` that writes any of them all or nothing.

Each format is one `Exporter` entry here and one module of this package with three functions:
`files(context)` (the file names it writes), `write(staging, folder, context, progress)` and
`check(folder, context)` (reads the files back; the self-test runs it). The report command's
`--formats`, the window's export panel, the self-test and the README's table all read this
registry, so a new format is one entry and one module.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from custseg_gui.core.errors import UserError
from custseg_gui.core.exports.customers import CSV_ENCODINGS, DEFAULT_CSV_ENCODING  # noqa: F401
from custseg_gui.core.progress import NO_PROGRESS, Progress


@dataclass(frozen=True)
class Exporter:
    key: str  # the word for --formats; the window's checkbox is named f"{key}Check"
    label: str  # the checkbox's text
    tip: str  # what the file is for, in plain words
    module: str  # the module (in this package) with files / write / check
    weight: float  # its share of an export's time, for the progress bar
    default: bool = True  # written when no formats are chosen

    def _module(self):
        return importlib.import_module(f"{__name__}.{self.module}")

    def files(self, context: ExportContext) -> list[str]:
        return self._module().files(context)

    def write(self, staging, folder: Path, context: ExportContext, progress: Progress) -> None:
        self._module().write(staging, folder, context, progress)

    def check(self, folder: Path, context: ExportContext) -> None:
        self._module().check(folder, context)


EXPORTERS: tuple[Exporter, ...] = (
    Exporter("csv", "Customer list (CSV)", "segments.csv: every customer as in your file, plus "
             "their segment", "customers", 0.1),
    Exporter("customers", "Customer table of an order log (CSV)", "customers.csv: for a file "
             "of order lines, one row per customer (recency, frequency, net spend, RFM scores "
             "and segment) with their segment", "customer_table", 0.03),
    Exporter("xlsx", "Workbook (Excel)", "segments.xlsx: the customer list, one row per "
             "segment, how the number was chosen, and the settings, ready for Excel",
             "workbook", 0.35),
    Exporter("pdf", "PDF report", "report.pdf: a report with charts and a page per segment, to "
             "hand on", "pdf", 0.25),
    Exporter("pptx", "Slides (PowerPoint)", "report.pptx: slides for the meeting, a slide per "
             "segment, every word editable, the reading of each chart in the speaker notes",
             "slides", 0.3),
    Exporter("html", "Web page report (HTML)", "report.html: the report as one web page that "
             "opens in any browser, on a phone too, to e-mail or print", "web_page", 0.2),
    Exporter("png", "Chart images (PNG)", "One picture per chart (300 dpi), for slides",
             "images", 0.25),
    Exporter("json", "Summary for other programs (JSON)", "summary.json: the analysis as data, "
             "for other programs (and for `report --settings` to repeat it)", "summary", 0.05),
    Exporter("model", "Segmentation for new customers (.custseg)", "segmentation.custseg: the "
             "segments themselves, to give next month's customers theirs (the score command, or "
             "File > Assign segments to new customers)", "model_file", 0.02),
    Exporter("sql", "SQL for your database", "segments.sql: one SQL statement that gives every "
             "customer of a table named customers their segment, in your company's database",
             "sql_file", 0.02),
    Exporter("lists", "One customer list per segment (CSV)", "segments/: a folder with one "
             "CSV file per segment, every column of its customers, to upload to a mailing tool",
             "segment_lists", 0.1, default=False),
)
FORMATS = tuple(exporter.key for exporter in EXPORTERS)
DEFAULT_FORMATS = tuple(exporter.key for exporter in EXPORTERS if exporter.default)


def exporter(key: str) -> Exporter:
    for entry in EXPORTERS:
        if entry.key == key:
            return entry
    raise KeyError(key)


@dataclass(frozen=True)
class ExportContext:
    """What an export writes from: the analysis, the names the user sees, and the options."""

    result: object  # pipeline.AnalysisResult
    names: dict[int, str] = field(default_factory=dict)  # the user's names over automatic ones
    page_size: str = "a4"
    sql_dialect: str = "standard"  # core/sql.py DIALECTS
    csv_encoding: str = DEFAULT_CSV_ENCODING  # exports/customers.py CSV_ENCODINGS

    @cached_property
    def segment_names(self) -> dict[int, str]:
        return {**self.result.names(), **self.names}

    @cached_property
    def customers(self):
        """Every input row and column as read, plus the segment columns (exports.customers
        .CustomerList: the table's own columns, not a copy)."""
        from custseg_gui.core.exports.customers import labelled_customers

        return labelled_customers(self.result, self.segment_names)

    @cached_property
    def segmentation(self):
        """The segmentation as a saved model (core/model.py), with the user's names."""
        from custseg_gui.core.model import build

        return build(self.result, self.segment_names)

    @cached_property
    def chart_inputs(self):
        from custseg_gui.core.charts import ChartInputs

        return ChartInputs(result=self.result, names=self.segment_names)


def check_formats(formats) -> tuple[str, ...]:
    """The chosen formats in registry order; a UserError for unknown ones."""
    chosen = tuple(formats)
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise UserError(f"Unknown export format {', '.join(unknown) or '(none)'}. Choose from: "
                        f"{', '.join(FORMATS)}.")
    return tuple(fmt for fmt in FORMATS if fmt in chosen)


def output_files(context: ExportContext, formats=DEFAULT_FORMATS) -> list[str]:
    """The file names an export of these formats writes."""
    return [name for key in check_formats(formats) for name in exporter(key).files(context)]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def export_files(context: ExportContext, folder: Path, formats=DEFAULT_FORMATS,
                 progress: Progress = NO_PROGRESS, parallel: bool = False,
                 extra_files: dict[str, bytes] | None = None) -> list[Path]:
    """Write the chosen report files into `folder`, all or nothing; return their paths.

    `parallel`: write them in two processes at once where that is possible (exports/lanes.py);
    the report command does, the window does not. `extra_files` (name -> content, such as a
    scoring's scored.csv) are written in the same all-or-nothing export, after the formats."""
    extra_files = extra_files or {}
    from custseg_gui.core.exports.staging import Staging

    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist. Choose an existing folder to "
                        "export to.")
    chosen = [exporter(key) for key in check_formats(formats)]
    source = Path(context.result.table.report.path)
    names = output_files(context, formats) + list(extra_files)
    for name in names:
        if _same_file(folder / name, source):
            raise UserError(f"Exporting would overwrite your data file {source.name}. Choose "
                            "another folder, or rename the data file.")
    here, there = chosen, []
    if parallel and len(chosen) > 1:
        from custseg_gui.core.exports import lanes

        if lanes.can_fork():
            table = context.result.table
            here, there = lanes.plan(chosen, table.n_rows * (table.raw.shape[1] + 3))
    staging, other = Staging(), None
    try:
        if there:
            other = lanes.Lane(there, folder, context, write_lane)
        write_lane(here, staging, folder, context, progress.part(0.0, 1.0 if not there else
                                                                 0.5))
        if other is not None:
            staging.adopt(other.finish(progress.part(0.5, 1.0)))
            other = None
        for name, content in extra_files.items():
            progress.check()
            staging.write(folder / name, lambda handle, data=content: handle.write(data))
        progress.check()
        staging.order([folder / name for name in names])
        return staging.commit()
    except BaseException:
        if other is not None:
            other.stop()
        staging.rollback()
        raise


def progress_parts(keys) -> list[tuple[str, float, float]]:
    """(format, start, end): each format's share of the progress of an export of these
    formats in one process, as write_lane reports it (the window shows a bar per format)."""
    entries = [exporter(key) for key in check_formats(keys)]
    total, done, parts = sum(entry.weight for entry in entries), 0.0, []
    for entry in entries:
        parts.append((entry.key, done / total, (done + entry.weight) / total))
        done += entry.weight
    return parts


def write_lane(entries, staging, folder: Path, context: ExportContext,
               progress: Progress, started=None) -> None:
    """Write these formats, one after another, into `staging` (telling `started` each one's
    key as it starts)."""
    for entry, (_key, start, end) in zip(entries, progress_parts(e.key for e in entries)):
        if started is not None:
            started(entry.key)
        part = progress.part(start, end)
        part.report(0.0, f"Writing {entry.label.lower()}...")
        entry.write(staging, folder, context, part)
