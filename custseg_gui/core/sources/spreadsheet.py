"""Workbooks (Excel .xlsx/.xlsm/.xls, OpenDocument .ods), read with python-calamine.

Before a sheet is read, what it expands to is measured against the memory this computer has
(sources/budget.py). Unless the user picked a sheet, every sheet that fits is read and the one
that holds the table is chosen: the most rows of one consistent width, with columns of numbers
(a cover page, a notes sheet or a chart sheet loses to the customers). Error cells (`#DIV/0!`)
keep their text; the typed values treat them as missing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import budget


def cell_text(value) -> str:
    """The text a user sees for a spreadsheet cell value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


@dataclass
class Sheet:
    """One sheet as read: its rows of cell texts and how much of a table it holds."""

    name: str
    position: int
    visible: bool
    rows: list[list[str]]
    row_numbers: list[int]
    table_rows: int = 0  # rows as wide as the table's usual width
    number_columns: int = 0  # columns that are mostly numbers
    filled_cells: int = 0

    def fitness(self) -> tuple:
        """Larger is more likely the customers: numbers first, then rows, then columns."""
        return (self.number_columns > 0, self.table_rows, self.number_columns, self.visible,
                -self.position)

    def summary(self) -> str:
        if not self.filled_cells:
            return "empty"
        if self.table_rows < 2:
            cells = self.filled_cells
            kind = "numbers" if self.number_columns else "text"
            return f"{cells} cell{'s' if cells > 1 else ''} of {kind}"
        numbers = (f", {self.number_columns} column{'s' if self.number_columns > 1 else ''} "
                   "of numbers") if self.number_columns else ", no numbers"
        return f"{self.table_rows:,} rows{numbers}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _read_sheet(workbook, name: str, position: int, visible: bool,
                extent: budget.SheetExtent | None, progress: Progress) -> Sheet:
    """The sheet's non-blank rows as texts, and the measures of how much of a table it is."""
    sheet = workbook.get_sheet_by_name(name)
    first_column = (sheet.start or (0, 0))[1]
    errors = extent.errors if extent is not None else {}
    rows, row_numbers = [], []
    widths, numbers_per_column, filled_per_column = [], {}, {}
    for number, values in enumerate(sheet.iter_rows(), start=1):
        texts = [value if type(value) is str else cell_text(value) for value in values]
        if errors:
            for column in range(len(texts)):
                error = errors.get((number, first_column + column + 1))
                if error is not None:
                    texts[column] = error
                    values[column] = None  # not the 0 a reader may give an error cell
        filled = [column for column, text in enumerate(texts) if text.strip()]
        if not filled:
            continue
        if len(rows) % 10_000 == 0:
            progress.check()
        rows.append(texts)
        row_numbers.append(number)
        widths.append(len(filled))
        if len(rows) > 1:  # below the first row: the column names are not numbers
            for column in filled:
                filled_per_column[column] = filled_per_column.get(column, 0) + 1
                if _is_number(values[column]):
                    numbers_per_column[column] = numbers_per_column.get(column, 0) + 1
    result = Sheet(name, position, visible, rows, row_numbers, filled_cells=sum(widths))
    if rows:
        usual = max(set(widths), key=widths.count)
        result.table_rows = sum(width >= max(2, usual * 0.6) for width in widths)
        result.number_columns = sum(
            count >= 0.8 * filled_per_column[column] and count >= 2
            for column, count in numbers_per_column.items())
    return result


def read(data: bytes, kind: str, path: Path, settings: LoadSettings, notes: list[str],
         progress: Progress) -> tuple[pd.DataFrame, dict]:
    """The sheet that holds the table (or the one asked for) as a grid of cell texts."""
    from python_calamine import CalamineWorkbook

    progress.report(0.0, f"Measuring {path.name}...")
    budget.check_unpacked_parts(path.name, data, kind)
    extents = budget.workbook_extents(data, kind) or {}
    wanted = [extents[settings.sheet]] if settings.sheet in extents else list(extents.values())
    if wanted and not any(budget.fits(extent) for extent in wanted):
        _refuse(path, data, wanted)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = tuple(workbook.sheet_names)
        hidden = {meta.name for meta in workbook.sheets_metadata
                  if "Visible" not in str(meta.visible)}
    except Exception as error:  # calamine raises its own error types for damaged files
        raise UserError(f"{path.name} could not be opened as a spreadsheet: it may be damaged "
                        "or protected by a password. Open it in Excel or LibreOffice and save "
                        "it again.", details=repr(error)) from None
    if settings.sheet is not None and settings.sheet not in sheets:
        raise UserError(f"{path.name} has no sheet named '{settings.sheet}'. Its sheets are: "
                        f"{', '.join(sheets)}.")
    candidates = [settings.sheet] if settings.sheet else list(sheets)
    best: Sheet | None = None
    read_sheets: list[Sheet] = []
    too_large: list[budget.SheetExtent] = []
    unreadable: list[str] = []
    for position, name in enumerate(candidates):
        extent = extents.get(name)
        if extent is not None and not budget.fits(extent):
            too_large.append(extent)
            continue
        progress.report(0.1 + 0.8 * position / len(candidates), f"Reading sheet '{name}'...")
        try:
            sheet = _read_sheet(workbook, name, sheets.index(name), name not in hidden, extent,
                                progress)
        except Cancelled:
            raise
        except Exception as error:  # a chart sheet, or one calamine cannot parse
            if settings.sheet:
                raise UserError(f"The sheet '{name}' of {path.name} could not be read. Open the "
                                "workbook in Excel or LibreOffice and save it again, or pick "
                                "another sheet.", details=repr(error)) from None
            unreadable.append(name)
            continue
        read_sheets.append(sheet)
        if sheet.rows and (best is None or sheet.fitness() > best.fitness()):
            best = sheet
        for other in read_sheets:  # only the best sheet's cells are kept
            if other is not best:
                other.rows = []
    if best is None and too_large:
        _refuse(path, data, too_large)
    if best is None:
        which = f"The sheet '{settings.sheet}'" if settings.sheet else "Every sheet"
        raise UserError(f"{which} of {path.name} is empty. Pick the sheet that holds your "
                        "customers.")
    if not settings.sheet and len(sheets) > 1:
        notes.append(_choice_note(best, read_sheets, too_large, unreadable))
    width = max(len(row) for row in best.rows)
    grid = pd.DataFrame([row + [""] * (width - len(row)) for row in best.rows], dtype=object)
    errors = extents[best.name].errors if best.name in extents else {}
    if errors:
        notes.append(_errors_note(errors))
    summaries = {sheet.name: sheet.summary() for sheet in read_sheets}
    summaries.update({extent.name: "too large to read" for extent in too_large})
    return grid, {"file_format": kind, "sheet": best.name, "sheets": sheets,
                  "sheet_summaries": summaries, "_rows": np.array(best.row_numbers)}


def _refuse(path: Path, data: bytes, extents: list[budget.SheetExtent]):
    largest = max(extents, key=lambda extent: extent.cells)
    raise UserError(budget.too_large_message(
        path.name, budget.sheet_description(largest, len(data)), largest.memory,
        budget.SHEET_ADVICE))


def _choice_note(chosen: Sheet, read_sheets: list[Sheet], too_large: list[budget.SheetExtent],
                 unreadable: list[str]) -> str:
    others = [f"'{sheet.name}' ({sheet.summary()})" for sheet in read_sheets
              if sheet is not chosen]
    others += [f"'{extent.name}' (not read: {extent.rows:,} rows x {extent.columns:,} columns, "
               "too large for this computer's memory)" for extent in too_large]
    others += [f"'{name}' (not a sheet of cells)" for name in unreadable]
    return (f"The sheet '{chosen.name}' was read because it holds the table "
            f"({chosen.summary()}). The other sheets: {', '.join(others)}. To read another, "
            "choose it under Sheet in the import options (or with --sheet).")


def _errors_note(errors: dict[tuple[int, int], str]) -> str:
    kinds = sorted(set(errors.values()))
    count = len(errors)
    return (f"The sheet has {count:,} error cell{'s' if count > 1 else ''} "
            f"({', '.join(kinds)}); {'they are' if count > 1 else 'it is'} treated as missing "
            "and written back as the sheet shows them.")
