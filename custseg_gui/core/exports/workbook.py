"""segments.xlsx: the customer list, the segments, how k was chosen, and the settings."""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from custseg_gui.core.exports.facts import settings_rows
from custseg_gui.core.progress import NO_PROGRESS, Progress

FILE = "segments.xlsx"

# Excel holds at most 1,048,576 rows a sheet; longer customer lists continue on another sheet.
EXCEL_ROWS = 1_048_576
# A cell that reads as a plain number (no leading zero to keep, no thousands separator).
PLAIN_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")
HEADER_FILL = "DCE6F1"


def _header_cells(sheet, names):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cells.append(cell)
    return cells


def _text_cell(sheet, text: str):
    """A string cell that Excel and LibreOffice show as text, never evaluate."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _set_widths(sheet, widths: list[float]) -> None:
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[_column_letter(position)].width = max(6.0, min(60.0, width))


def _finish_table(sheet, columns: int, rows: int) -> None:
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_column_letter(columns)}{rows + 1}"


def _customer_columns(customers: pd.DataFrame) -> list[np.ndarray]:
    """Per column: a number where the cell's text is a number that reads back the same
    (12, -3.5), so Excel can sum it; text everywhere else (0001, 1.50, 1e5, names)."""
    prepared = []
    for name in customers.columns:
        text = customers[name].astype(str)
        values = text.to_numpy(dtype=object).copy()
        plain = text.str.match(PLAIN_NUMBER).to_numpy()
        if plain.any():
            whole = plain & ~text.str.contains(r"[.eE]").to_numpy() & (
                text.str.len().to_numpy() <= 15) & (text != "-0").to_numpy()
            values[whole] = text[whole].astype(np.int64).to_numpy().astype(object)
            decimal = plain & ~whole & (text != "-0").to_numpy()
            if decimal.any():
                numbers = text[decimal].astype(float)
                # openpyxl writes a float with 16 significant digits: keep it a number only
                # where that gives back the text as written ("25.0" and "0.1428571428571428571"
                # stay text).
                same = (numbers.map(lambda x: "%.16g" % x) == text[decimal]).to_numpy()
                positions = np.flatnonzero(decimal)[same]
                values[positions] = numbers.to_numpy()[same].astype(object)
        prepared.append(values)
    return prepared


def write_workbook(handle: IO[bytes], analysis, customers: pd.DataFrame,
                   names: dict[int, str], progress: Progress = NO_PROGRESS) -> None:
    """Write the whole workbook to an open binary file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    try:
        _customer_sheets(workbook, customers, progress.part(0.0, 0.9))
        progress.report(0.9, "Writing the segment sheets...")
        _segments_sheet(workbook, analysis, names)
        _k_sheet(workbook, analysis)
        _settings_sheet(workbook, analysis)
        progress.report(0.97, "Saving the workbook...")
        workbook.save(handle)
    except BaseException:
        # A write-only sheet streams into a temporary file: close and remove them all, or
        # they linger (and complain) until the app exits.
        for sheet in workbook.worksheets:
            with suppress(Exception):
                sheet.close()
            with suppress(Exception):
                sheet._writer.cleanup()
        raise
    progress.report(1.0)


def _customer_sheets(workbook, customers: pd.DataFrame, progress: Progress) -> None:
    columns = _customer_columns(customers)
    header = list(customers.columns)
    per_sheet = EXCEL_ROWS - 1
    total = len(customers)
    widths = [max(len(str(name)) + 2, 8) for name in header]
    for position, values in enumerate(columns):
        sample = values[:2000]
        if len(sample):
            widths[position] = max(widths[position], max(len(str(v)) for v in sample) + 2)
    sheets = max(1, int(np.ceil(total / per_sheet)))
    for number in range(sheets):
        sheet = workbook.create_sheet("Customers" if number == 0 else f"Customers ({number + 1})")
        _set_widths(sheet, widths)
        _finish_table(sheet, len(header), min(per_sheet, total - number * per_sheet))
        sheet.append(_header_cells(sheet, header))
        start, end = number * per_sheet, min(total, (number + 1) * per_sheet)
        for row in range(start, end):
            if row % 20_000 == 0:
                progress.report(row / max(total, 1), f"Writing customers to the workbook "
                                                     f"({row:,} of {total:,})...")
            cells = [column[row] for column in columns]
            for index, value in enumerate(cells):
                if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                    cells[index] = _text_cell(sheet, value)
            sheet.append(cells)


def _segments_sheet(workbook, analysis, names: dict[int, str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment

    insights = analysis.insights
    sheet = workbook.create_sheet("Segments")
    columns = list(insights.numeric_columns)
    header = (["Segment", "Name", "Description", "Suggested action", "Size", "Share",
               "Stability (Jaccard)", "Stability reading"]
              + [f"Mean {c}" for c in columns] + [f"Index {c} (100 = average)" for c in columns])
    _set_widths(sheet, [9, 30, 60, 50, 9, 9, 11, 16] + [14] * (2 * len(columns)))
    _finish_table(sheet, len(header), len(insights.profiles))
    sheet.append(_header_cells(sheet, header))
    for profile in insights.profiles:
        row = [profile.number, _text_cell(sheet, names.get(profile.number, profile.name)),
               _text_cell(sheet, profile.description), _text_cell(sheet, profile.action or ""),
               profile.size]
        share = WriteOnlyCell(sheet, value=profile.share)
        share.number_format = "0.0%"
        stability = WriteOnlyCell(sheet, value=profile.stability
                                  if np.isfinite(profile.stability) else None)
        stability.number_format = "0.00"
        row += [share, stability, profile.stability_reading]
        for name in columns:
            cell = WriteOnlyCell(sheet, value=_finite(profile.means[name]))
            cell.number_format = "#,##0.00"
            row.append(cell)
        for name in columns:
            cell = WriteOnlyCell(sheet, value=_finite(profile.index[name]))
            cell.number_format = "0"
            row.append(cell)
        for cell in row[1:4]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append(row)
    last = len(insights.profiles) + 1
    if columns:
        first_index = 9 + len(columns)
        cells = f"{_column_letter(first_index)}2:{_column_letter(first_index + len(columns) - 1)}{last}"
        # Purple below average, white at 100, orange above: the window's colours.
        sheet.conditional_formatting.add(cells, ColorScaleRule(
            start_type="num", start_value=50, start_color="8073AC",
            mid_type="num", mid_value=100, mid_color="FFFFFF",
            end_type="num", end_value=150, end_color="E08214"))
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Customers per segment"
    chart.y_axis.title = "Customers"
    chart.add_data(Reference(sheet, min_col=5, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=last))
    chart.legend = None
    chart.height, chart.width = 7 + 0.4 * len(insights.profiles), 16
    sheet.add_chart(chart, f"B{last + 3}")


def _k_sheet(workbook, analysis) -> None:
    from openpyxl.chart import LineChart, Reference

    search = analysis.search
    sheet = workbook.create_sheet("How k was chosen")
    header = ["Segments (k)", "Inertia", "Silhouette", "Calinski-Harabasz", "Davies-Bouldin"]
    _set_widths(sheet, [14, 14, 12, 18, 16, 100])
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, header))
    for score in search.scores:
        sheet.append([score.k, _finite(score.inertia), _finite(score.silhouette),
                      _finite(score.calinski_harabasz), _finite(score.davies_bouldin)])
    last = len(search.scores) + 1
    notes = [search.recommendation,
             f"Recommended: {search.recommended_k} segments. Shown: "
             f"{analysis.segmentation.k} segments."]
    if search.knee is not None:
        notes.append(f"The elbow of the inertia curve is at {search.knee} segments.")
    if search.silhouette_sample_size:
        notes.append(f"Silhouette estimated on a random sample of "
                     f"{search.silhouette_sample_size:,} customers.")
    notes += list(search.notes)
    sheet.append([])
    for note in notes:
        sheet.append([_text_cell(sheet, note)])
    chart = LineChart()
    chart.title = "Mean silhouette by number of segments (higher is better)"
    chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.y_axis.title = "Silhouette"
    chart.x_axis.title = "Segments"
    chart.height, chart.width = 8, 16
    sheet.add_chart(chart, "G2")


def _settings_sheet(workbook, analysis) -> None:
    sheet = workbook.create_sheet("Settings")
    _set_widths(sheet, [30, 90])
    sheet.append(_header_cells(sheet, ["Setting", "Value"]))
    for label, value in settings_rows(analysis):
        sheet.append([_text_cell(sheet, label), _text_cell(sheet, value)])


def _finite(value):
    return float(value) if value is not None and np.isfinite(value) else None


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE, lambda handle: write_workbook(
        handle, context.result, context.customers, context.segment_names, progress))


def check(folder: Path, context) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(folder / FILE, read_only=True)
    try:
        expected = ["Customers", "Segments", "How k was chosen", "Settings"]
        if workbook.sheetnames[:1] != ["Customers"] or not set(expected) <= set(
                workbook.sheetnames):
            raise AssertionError(f"{FILE} has the sheets {workbook.sheetnames}")
        rows = sum(1 for _row in workbook["Customers"].iter_rows(values_only=True))
        if rows != context.result.table.n_rows + 1:
            raise AssertionError(f"{FILE} lists {rows - 1} customers, expected "
                                 f"{context.result.table.n_rows}")
    finally:
        workbook.close()
