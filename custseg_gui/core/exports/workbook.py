"""segments.xlsx: the customer list, the segments, how k was chosen, and the settings; for an
order log the customers (one row each, as in customers.csv) and then its order lines.

XlsxWriter writes the workbook (styles, the segment sheet's colour scale and chart, the k
sheet's chart) in its constant-memory mode. The customer list is most of the file: its rows are
written in blocks straight from the table's text (sheet_rows.py) and put into the sheets
XlsxWriter made, so a million customers cost no Python work per cell. With `fast=False` every
customer cell goes through XlsxWriter one by one instead: the careful writer the tests hold the
fast one to. Lists longer than a sheet holds continue on further sheets, as the first one says.

The listed sheets come first, one list after another: a table of customers has one list
(`Customers`); an order log two, its customers (`Customers`) and its order lines (`Order lines`,
every line as written with its customer's segment, the rows of segments.csv).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path
from dataclasses import dataclass
from typing import IO

import numpy as np

from custseg_gui.core.columns import FLAG
from custseg_gui.core.exports import sheet_rows
from custseg_gui.core.exports.customer_table import customer_rows
from custseg_gui.core.exports.customers import CustomerList
from custseg_gui.core.exports.facts import settings_rows
from custseg_gui.core.progress import NO_PROGRESS, Progress

FILE = "segments.xlsx"

# Excel holds at most 1,048,576 rows a sheet; longer customer lists continue on another sheet.
EXCEL_ROWS = 1_048_576
HEADER_FILL = "#DCE6F1"
CM = 96 / 2.54  # chart sizes are given in cm, XlsxWriter takes pixels
# Deflate level of the customer sheets: level 1 is three times quicker than the default 6 on
# this kind of XML, for a file about a fifth larger.
CUSTOMER_SHEET_LEVEL = 1
SHEETS = ("Customers", "Segments", "How k was chosen", "Settings")
ORDER_LINES = "Order lines"  # an order log's lines, after its Customers sheet


@dataclass(frozen=True)
class ListedSheets:
    """One list written over as many sheets as it needs: `Customers`, `Customers (2)`, ..."""

    title: str  # the first sheet's name
    rows: CustomerList
    what: str  # what a row is, in the note of a list split over sheets: "customers"
    ranges: tuple[tuple[int, int], ...] = ()

    def sheet_name(self, number: int) -> str:
        return self.title if number == 0 else f"{self.title} ({number + 1})"


def listed_sheets(analysis, customers: CustomerList,
                  names: dict[int, str]) -> list[ListedSheets]:
    """The lists of the workbook, in order: the customer list (`customers`, as segments.csv
    has it); for an order log, its customers first and `customers` (its lines) after them."""
    if getattr(analysis, "orders", None) is None:
        lists = [("Customers", customers, "customers")]
    else:
        lists = [("Customers", customer_rows(analysis, names), "customers"),
                 (ORDER_LINES, customers, "order lines")]
    return [ListedSheets(title, rows, what, tuple(customer_sheet_ranges(len(rows))))
            for title, rows, what in lists]


def _column_widths(customers: CustomerList) -> list[float]:
    widths = []
    for name, column in zip(customers.header, customers.columns):
        sample = column[:2000]
        longest = max((len(str(value)) for value in sample), default=0)
        widths.append(max(6.0, min(60.0, max(len(str(name)) + 2, 8, longest + 2))))
    return widths


def customer_sheet_ranges(total: int, per_sheet: int | None = None) -> list[tuple[int, int]]:
    """(first, end) customer positions of each Customers sheet."""
    per_sheet = per_sheet or EXCEL_ROWS - 1  # one row of each sheet holds the column names
    return [(start, min(total, start + per_sheet))
            for start in range(0, max(total, 1), per_sheet)]


def write_workbook(handle: IO[bytes], analysis, customers: CustomerList,
                   names: dict[int, str], progress: Progress = NO_PROGRESS,
                   fast: bool = True) -> None:
    """Write the whole workbook to an open binary file (`customers`: the customer list as
    segments.csv has it, an order log's lines for an order log)."""
    import xlsxwriter

    lists = listed_sheets(analysis, customers, names)
    with tempfile.TemporaryDirectory(prefix="custseg-xlsx-") as folder:
        shell_path = Path(folder) / "workbook.xlsx"
        workbook = xlsxwriter.Workbook(str(shell_path), {
            "constant_memory": True,
            "tmpdir": folder,
            # Every cell is written with write_string / write_number / write_blank, numbers
            # only when finite: these say so again, should a plain write() ever be used.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        })
        try:
            styles = _styles(workbook)
            sheets = [_customer_sheets(workbook, listed, styles) for listed in lists]
            if not fast:
                total = max(sum(len(listed.rows) for listed in lists), 1)
                done = 0
                for listed, listed_sheets_made in zip(lists, sheets):
                    part = progress.part(0.9 * done / total,
                                         0.9 * (done + len(listed.rows)) / total)
                    _careful_customer_rows(listed_sheets_made, listed.rows, listed.ranges, part)
                    done += len(listed.rows)
            _segments_sheet(workbook, analysis, names, styles)
            _k_sheet(workbook, analysis, styles)
            _settings_sheet(workbook, analysis, styles)
            progress.report(0.01 if fast else 0.9, "Writing the workbook...")
        except BaseException:
            workbook.fileclosed = True  # nothing to save: its temporary files go with the folder
            raise
        workbook.close()
        if not fast:
            handle.write(shell_path.read_bytes())
        else:
            _fill_customer_sheets(handle, shell_path, lists, progress.part(0.01, 1.0))
    progress.report(1.0)


def _styles(workbook) -> dict:
    return {
        "header": workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "valign": "top",
                                       "text_wrap": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "share": workbook.add_format({"num_format": "0.0%"}),
        "stability": workbook.add_format({"num_format": "0.00"}),
        "mean": workbook.add_format({"num_format": "#,##0.00"}),
        "index": workbook.add_format({"num_format": "0"}),
        # A segment's average of a column, by what the column measures (core/columns.py):
        # a yes/no flag's average is the share of yes, a year has no thousands separator.
        "mean flag": workbook.add_format({"num_format": "0.0%"}),
        "mean year": workbook.add_format({"num_format": "0"}),
        "mean count": workbook.add_format({"num_format": "0.0"}),
    }


def _header(sheet, names, style) -> None:
    for column, name in enumerate(names):
        sheet.write_string(0, column, str(name), style)


def _widths(sheet, widths) -> None:
    for column, width in enumerate(widths):
        sheet.set_column(column, column, max(6.0, min(60.0, width)))


def _customer_sheets(workbook, listed: ListedSheets, styles) -> list:
    """A list's sheets with their column names, widths, frozen header and filter."""
    header, widths = list(listed.rows.header), _column_widths(listed.rows)
    sheets = []
    for number, (start, end) in enumerate(listed.ranges):
        sheet = workbook.add_worksheet(listed.sheet_name(number))
        _widths(sheet, widths)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(end - start, 1), len(header) - 1)
        _header(sheet, header, styles["header"])
        if number == 0 and len(listed.ranges) > 1:
            sheet.set_column(len(header) + 1, len(header) + 1, 70)
            sheet.write_string(0, len(header) + 1, split_note(listed), styles["wrap"])
        sheets.append(sheet)
    return sheets


def split_note(listed: ListedSheets) -> str:
    """What a list's first sheet says when the list goes on over further sheets."""
    ranges, what = listed.ranges, listed.what
    total = ranges[-1][1]
    return (f"{total:,} {what} are more than one Excel sheet holds: this sheet lists "
            f"{what} 1 to {ranges[0][1]:,}, and the list goes on over "
            + ", ".join(f"'{listed.sheet_name(number)}' ({_span(start, end)})"
                        for number, (start, end) in enumerate(ranges) if number) + ".")


def _span(start: int, end: int) -> str:
    """Rows start+1 to end as a reader counts them: '5 to 8', or '11' for one row."""
    return f"{end:,}" if end == start + 1 else f"{start + 1:,} to {end:,}"


def _careful_customer_rows(sheets, customers: CustomerList, ranges, progress: Progress) -> None:
    """Every customer cell through XlsxWriter, one by one."""
    total = len(customers)
    for sheet, (start, end) in zip(sheets, ranges):
        for position in range(start, end):
            if position % 20_000 == 0:
                progress.report(position / max(total, 1))
            for column, cells in enumerate(customers.columns):
                text = str(cells[position])
                value = sheet_rows.cell_number(text)
                if value is not None:
                    sheet.write_number(position - start + 1, column, value)
                elif text:
                    sheet.write_string(position - start + 1, column, text)


# A zip member's deflate level: private before Python 3.13, public from then on.
_LEVEL = "compress_level" if hasattr(zipfile.ZipInfo("x"), "compress_level") \
    else "_compresslevel"
_SHEET_DATA = re.compile(rb"<sheetData>(.*?)</sheetData>|<sheetData/>", re.S)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def _fill_customer_sheets(handle: IO[bytes], shell_path: Path, lists: list[ListedSheets],
                          progress: Progress) -> None:
    """Copy the workbook XlsxWriter made, with the listed rows streamed into their sheets (the
    first sheets of the workbook, list after list)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    sheet_ranges = [(listed, start, end) for listed in lists for start, end in listed.ranges]
    customer_parts = {f"xl/worksheets/sheet{number + 1}.xml": part
                      for number, part in enumerate(sheet_ranges)}
    total, done = max(sum(len(listed.rows) for listed in lists), 1), 0
    with zipfile.ZipFile(shell_path) as shell, \
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in shell.infolist():
            content = shell.read(info.filename)
            if info.filename not in customer_parts:
                archive.writestr(info, content)
                continue
            listed, start, end = customer_parts[info.filename]
            customers = listed.rows
            width = len(customers.header)
            match = _SHEET_DATA.search(content)
            last = xl_rowcol_to_cell(max(end - start, 0), max(width - 1, 0))
            head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), content[:match.start()],
                                  count=1)
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            setattr(target, _LEVEL, CUSTOMER_SHEET_LEVEL)
            with archive.open(target, "w", force_zip64=True) as part:
                part.write(head + b"<sheetData>" + (match.group(1) or b""))
                for block_start in range(start, end, sheet_rows.BLOCK_ROWS):
                    block_end = min(end, block_start + sheet_rows.BLOCK_ROWS)
                    progress.report(done / total, f"Writing {listed.what} to the workbook "
                                                  f"({block_start:,} of {len(customers):,})...")
                    part.write(sheet_rows.rows_xml(customers, block_start, block_end,
                                                   block_start - start + 2).encode("utf-8"))
                    done += block_end - block_start
                part.write(b"</sheetData>" + content[match.end():])


def _segments_sheet(workbook, analysis, names: dict[int, str], styles) -> None:
    insights = analysis.insights
    sheet = workbook.add_worksheet("Segments")
    columns = list(insights.numeric_columns)
    measures = insights.measures
    header = (["Segment", "Name", "Description", "Suggested action", "Size", "Share",
               "Stability (Jaccard)", "Stability reading"]
              + [f"Share {c} (yes)" if measures.get(c) == FLAG else f"Mean {c}"
                 for c in columns]
              + [f"Index {c} (100 = average)" for c in columns])
    _widths(sheet, [9, 30, 60, 50, 9, 9, 11, 16] + [14] * (2 * len(columns)))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(insights.profiles), len(header) - 1)
    _header(sheet, header, styles["header"])
    for row, profile in enumerate(insights.profiles, start=1):
        sheet.write_number(row, 0, profile.number)
        sheet.write_string(row, 1, names.get(profile.number, profile.name), styles["wrap"])
        sheet.write_string(row, 2, profile.description, styles["wrap"])
        sheet.write_string(row, 3, profile.action or "", styles["wrap"])
        sheet.write_number(row, 4, profile.size)
        sheet.write_number(row, 5, profile.share, styles["share"])
        _write_finite(sheet, row, 6, profile.stability, styles["stability"])
        sheet.write_string(row, 7, profile.stability_reading)
        for offset, name in enumerate(columns):
            _write_finite(sheet, row, 8 + offset, profile.means[name],
                          styles.get(f"mean {measures.get(name, '')}", styles["mean"]))
            _write_finite(sheet, row, 8 + len(columns) + offset, profile.index[name],
                          styles["index"])
    last = len(insights.profiles)
    if columns:
        first_index = 8 + len(columns)
        # Purple below average, white at 100, orange above: the window's colours.
        sheet.conditional_format(1, first_index, last, first_index + len(columns) - 1, {
            "type": "3_color_scale", "min_type": "num", "min_value": 50,
            "min_color": "#8073AC", "mid_type": "num", "mid_value": 100,
            "mid_color": "#FFFFFF", "max_type": "num", "max_value": 150,
            "max_color": "#E08214"})
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series({"name": ["Segments", 0, 4], "values": ["Segments", 1, 4, last, 4],
                      "categories": ["Segments", 1, 1, last, 1]})
    chart.set_title({"name": "Customers per segment"})
    chart.set_x_axis({"name": "Customers"})  # a bar chart's value axis runs across
    chart.set_legend({"none": True})
    chart.set_size({"width": 16 * CM, "height": (7 + 0.4 * last) * CM})
    sheet.insert_chart(last + 3, 1, chart)


def _k_sheet(workbook, analysis, styles) -> None:
    search = analysis.search
    sheet = workbook.add_worksheet("How k was chosen")
    header = ["Segments (k)", "Inertia", "Silhouette", "Calinski-Harabasz", "Davies-Bouldin"]
    _widths(sheet, [14, 14, 12, 18, 16, 100])
    sheet.freeze_panes(1, 0)
    _header(sheet, header, styles["header"])
    for row, score in enumerate(search.scores, start=1):
        sheet.write_number(row, 0, score.k)
        for column, value in enumerate((score.inertia, score.silhouette,
                                        score.calinski_harabasz, score.davies_bouldin), start=1):
            _write_finite(sheet, row, column, value)
    last = len(search.scores)
    notes = [search.recommendation,
             f"Recommended: {search.recommended_k} segments. Shown: "
             f"{analysis.segmentation.k} segments."]
    if search.knee is not None:
        notes.append(f"The elbow of the inertia curve is at {search.knee} segments.")
    if search.silhouette_sample_size:
        notes.append(f"Silhouette estimated on a random sample of "
                     f"{search.silhouette_sample_size:,} customers.")
    notes += list(search.notes)
    for row, note in enumerate(notes, start=last + 2):
        sheet.write_string(row, 0, note)
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"name": ["How k was chosen", 0, 2],
                      "values": ["How k was chosen", 1, 2, last, 2],
                      "categories": ["How k was chosen", 1, 0, last, 0],
                      "marker": {"type": "circle"}})
    chart.set_title({"name": "Mean silhouette by number of segments (higher is better)"})
    chart.set_y_axis({"name": "Silhouette"})
    chart.set_x_axis({"name": "Segments"})
    chart.set_size({"width": 16 * CM, "height": 8 * CM})
    sheet.insert_chart(1, 6, chart)


def _settings_sheet(workbook, analysis, styles) -> None:
    sheet = workbook.add_worksheet("Settings")
    _widths(sheet, [30, 90])
    _header(sheet, ["Setting", "Value"], styles["header"])
    for row, (label, value) in enumerate(settings_rows(analysis), start=1):
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)


def _write_finite(sheet, row: int, column: int, value, style=None) -> None:
    """A number, or an empty (formatted) cell where there is none."""
    if value is not None and np.isfinite(value):
        sheet.write_number(row, column, float(value), style)
    elif style is not None:
        sheet.write_blank(row, column, None, style)


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE, lambda handle: write_workbook(
        handle, context.result, context.customers, context.segment_names, progress))


def check(folder: Path, context) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(folder / FILE, read_only=True)
    try:
        names = workbook.sheetnames
        if names[:1] != ["Customers"] or not set(SHEETS) <= set(names):
            raise AssertionError(f"{FILE} has the sheets {names}")
        lists = listed_sheets(context.result, context.customers, context.segment_names)
        for listed in lists:
            sheets = [listed.sheet_name(number) for number in range(len(listed.ranges))]
            rows = sum(sum(1 for _row in workbook[name].iter_rows(values_only=True)) - 1
                       for name in sheets)
            if rows != len(listed.rows):
                raise AssertionError(f"{FILE} lists {rows} {listed.what}, expected "
                                     f"{len(listed.rows)}")
    finally:
        workbook.close()
