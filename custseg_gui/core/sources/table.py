"""What every reader produces: a LoadedTable (raw text, typed values, a report of what was
detected), and the steps shared by all of them once a file is a grid of cells: finding the row
of column names, trimming empty columns, unique names, and typing each column."""

from __future__ import annotations

import functools
import re
import zipfile
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.parsing import (NumberFormat, guess_day_first, guess_number_format, is_code,
                                      parse_column)
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources.totals import find_totals, totals_note

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


CHUNK_ROWS = 100_000  # rows read between progress reports and cancel checks


@dataclass(frozen=True)
class LoadReport:
    """What was detected while reading, in words a user can check."""

    path: str
    file_name: str
    sha256: str
    file_format: str  # "csv", "xlsx", "xls" or "ods"
    rows: int
    columns: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    sheet_summaries: dict[str, str] = field(default_factory=dict)  # "31 rows, 2 columns of ..."
    header_row: int = 1
    number_format: NumberFormat = NumberFormat()
    day_first: bool | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    total_rows: tuple[int, ...] = ()  # rows of the file recognised as totals, not customers

    def describe(self) -> str:
        """One line for the window: what was read and how."""
        parts = [f"{self.rows:,} rows x {self.columns} columns"]
        if self.file_format == "csv":
            parts.append(f"{DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated")
            parts.append(f"encoding {self.encoding}")
        else:
            parts.append(f"sheet '{self.sheet}'")
        parts.append(self.number_format.describe())
        if self.header_row > 1:
            parts.append(f"column names on row {self.header_row}")
        orders = {fmt.split(" ")[0] for fmt in self.date_formats.values()}
        if orders:
            parts.append("dates " + ", ".join(sorted(orders)))
        return ", ".join(parts)


@dataclass(frozen=True)
class LoadedTable:
    """A customer file as read: raw text cells, typed values, and what was detected."""

    raw: pd.DataFrame  # object dtype, every cell the text as written ("" when empty)
    frame: pd.DataFrame  # float64 for numbers, datetime64 for dates, object text otherwise
    report: LoadReport
    # Rows that are not customers (totals), by position, with the reason: the analysis leaves
    # them out and the exports write them back with it.
    left_out: pd.Series = field(default_factory=lambda: pd.Series([], dtype=object))

    @property
    def n_rows(self) -> int:
        return len(self.raw)

    def customer_rows(self) -> np.ndarray:
        """True for each row that is a customer: every row but those the loader found are not
        (totals, in `left_out`)."""
        customers = np.ones(len(self.frame), dtype=bool)
        customers[self.left_out.index.to_numpy(dtype=np.int64)] = False
        return customers

    def customer_frame(self) -> pd.DataFrame:
        """`frame` without the rows that are not customers (totals): what a column's counts,
        gaps and spread are of."""
        return self.frame[self.customer_rows()] if len(self.left_out) else self.frame


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (the first `limit` + 1 at most), or a UserError saying why not."""
    try:
        if limit is None:
            return path.read_bytes()
        with path.open("rb") as file:
            return file.read(limit + 1)
    except FileNotFoundError:
        raise UserError(f"The file {path.name} could not be found. It may have been moved, "
                        "renamed or deleted; open it again from where it is now.") from None
    except IsADirectoryError:
        raise UserError(f"{path.name} is a folder, not a file. Pick a CSV or Excel file.") \
            from None
    except PermissionError:
        raise UserError(f"CustSeg is not allowed to read {path.name}. It may be open and locked "
                        "by another program: close it there, or check its permissions, then "
                        "try again.") from None
    except OSError as error:
        raise UserError(f"The file {path.name} could not be read ({error.strerror}). Check that "
                        "it is still there and not locked by another program.") from None


def sniff_format(data: bytes) -> str:
    """What the bytes are, whatever the file is called: csv, xlsx, xls, ods or binary."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                    return "ods"
        except zipfile.BadZipFile:
            pass
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "csv"
    if data[:5] == b"%PDF-" or data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return "binary"
    head = data[:65536]
    if b"\x00" in head:
        return "binary"
    controls = sum(byte < 9 or 13 < byte < 32 for byte in head)
    return "binary" if controls > len(head) * 0.01 else "csv"


def find_header_row(grid: pd.DataFrame) -> int:
    """1-based row of the column names: the first row as wide as the table that is not
    mostly numbers (title rows above a table are narrower)."""
    top = grid.iloc[:30]
    filled = (top.astype(str).apply(lambda column: column.str.strip() != "")).sum(axis=1)
    width = int(filled.iloc[len(filled) // 3:].max() if len(filled) > 3 else filled.max())
    for position in range(min(len(top), 20)):
        if filled.iat[position] < max(2, int(width * 0.6)) and width >= 2:
            continue
        cells = [cell.strip() for cell in top.iloc[position].astype(str) if cell.strip()]
        numeric = sum(bool(re.fullmatch(r"[-+$€£(]?[\d.,\s%]+\)?", cell)) for cell in cells)
        if numeric <= len(cells) / 2:
            return position + 1
        break
    return 1


def trim_columns(grid: pd.DataFrame, header_row: int) -> pd.DataFrame:
    """Drop trailing columns with neither a name nor any value (spreadsheet formatting)."""
    keep = grid.shape[1]
    while keep > 1:
        column = grid.iloc[header_row - 1:, keep - 1]
        # The first rows nearly always settle it; the whole column only when they are blank.
        if _has_value(column.iloc[:1_000]) or _has_value(column):
            break
        keep -= 1
    return grid.iloc[:, :keep]


def _has_value(column: pd.Series) -> bool:
    return any(str(cell).strip() for cell in column.to_numpy(dtype=object))


def unique_column_names(raw: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Name empty headers `Column N` and number repeated ones, so every column can be chosen."""
    names, seen, renamed = [], set(), []
    for position, original in enumerate(raw.columns, start=1):
        name = str(original).strip()
        if not name:
            name = f"Column {position}"
            renamed.append(f"column {position} had no name (now '{name}')")
        candidate, copy = name, 2
        while candidate in seen:
            candidate, copy = f"{name} ({copy})", copy + 1
        if candidate != name:
            renamed.append(f"'{name}' appeared more than once (now also '{candidate}')")
        seen.add(candidate)
        names.append(candidate)
    if renamed:
        notes.append("Column names were made unique: " + "; ".join(renamed[:5])
                     + ("; ..." if len(renamed) > 5 else "") + ".")
    # set_axis instead of copy-and-rename: a copy merges the column blocks, one long step
    # (~150 ms per million rows) in which no other thread, the window's included, can run.
    return raw.set_axis(names, axis=1).reset_index(drop=True)


def report_ragged(counts: np.ndarray, lines: np.ndarray, header_row_index: int,
                   notes: list[str]) -> None:
    """Rows below the header with fewer or more fields than the header, by file line."""
    if not len(counts):
        return
    width = counts[header_row_index]
    below = np.arange(len(counts)) > header_row_index
    short = below & (counts < width)
    if short.any():
        notes.append(rows_note(lines[short] - 1, "fewer fields than the header; the missing "
                                                  "cells are left empty"))
    long = below & (counts > width)
    if long.any() and not any("more fields" in note for note in notes):
        notes.append(rows_note(lines[long] - 1, "more fields than the header; the extra "
                                                 "values are kept in extra columns"))


def rows_note(rows: np.ndarray, what: str) -> str:
    """'3 rows have ...: rows 5, 9, 12.' with the first few row numbers (1-based, in the file)."""
    numbers = ", ".join(str(int(row) + 1) for row in rows[:5])
    more = ", ..." if len(rows) > 5 else ""
    plural = len(rows) > 1
    return (f"{len(rows):,} row{'s' if plural else ''} ha{'ve' if plural else 's'} {what}: "
            f"row{'s' if plural else ''} {numbers}{more} of the file.")


def fast_column(fast: Callable[[], pd.DataFrame | None] | None, position: int,
                 raw: pd.Series, fmt: NumberFormat, day_first: bool | None) -> pd.Series | None:
    """A quick conversion of a column of plain numbers, when the careful parse of its first
    rows agrees: the cells converted directly when every one is a plain number, else the
    C parser's reading of the file (`fast()`, made once, when a column first needs it)."""
    if fast is None:
        return None
    head = parse_column(raw.iloc[:2_000], fmt, day_first)
    if head.kind != "number" or head.unit:
        return None
    try:
        values = pd.Series(as_floats(raw.to_numpy(dtype=object)), index=raw.index)
    except (ValueError, TypeError):  # a blank, a missing-value word, a comma...
        if fmt == NumberFormat():
            # Plain decimal points: the careful parse reads the column in one vectorised step
            # (pd.to_numeric), a tenth of the time of reading the whole file again.
            return None
        frame = fast()
        if frame is None or position >= frame.shape[1] or not \
                pd.api.types.is_numeric_dtype(frame.iloc[:, position]):
            return None
        values = frame.iloc[:, position].astype("float64")
    if not np.allclose(
            head.values.to_numpy(), values.iloc[:2_000].to_numpy(), equal_nan=True):
        return None
    present = np.isfinite(values.to_numpy())
    # Whole numbers may be codes written with leading zeros (postcodes, IDs): the careful
    # parse's own rule decides, on the cells that hold numbers.
    if np.all(np.mod(values.to_numpy()[present], 1) == 0) and is_code(raw[present]):
        return None
    values.index = raw.index
    return values


def as_floats(cells: np.ndarray, block: int = 100_000) -> np.ndarray:
    """Cells of plain numbers as floats; ValueError when one is not. In blocks: one call on a
    million cells would keep other threads (the window) waiting ~50 ms."""
    floats = np.empty(len(cells), dtype=np.float64)
    for start in range(0, len(cells), block):
        floats[start:start + block] = cells[start:start + block].astype(np.float64)
    return floats


def typed_frame(raw: pd.DataFrame, settings: LoadSettings, delimiter: str | None,
                 notes: list[str], progress: Progress,
                 fast: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    samples = []
    for name in raw.columns:
        samples += list(raw[name].iloc[:300].astype(str))
    guessed = guess_number_format(samples, delimiter)
    thousands = settings.thousands if settings.thousands is not None else guessed.thousands
    fmt = NumberFormat(settings.decimal or guessed.decimal, thousands or None)
    day_first = settings.day_first if settings.day_first is not None else guess_day_first(samples)
    columns, date_formats, units = {}, {}, {}
    for position, name in enumerate(raw.columns):
        progress.report(position / max(raw.shape[1], 1), "Recognising numbers and dates...")
        quick = fast_column(fast, position, raw[name], fmt, day_first)
        if quick is not None:
            columns[name] = quick
            continue
        parsed = parse_column(raw[name], fmt, day_first)
        columns[name] = parsed.values
        if parsed.date_format:
            date_formats[name] = parsed.date_format
        if parsed.unit:
            units[name] = parsed.unit
        if parsed.not_numbers:
            notes.append(f"'{name}' holds numbers but {parsed.not_numbers:,} of its cells are "
                         f"not (for example '{parsed.example}'); they are treated as missing.")
    frame = pd.DataFrame(columns, index=raw.index)
    orders = {fmt_[:2] for fmt_ in date_formats.values()} - {"YY"}
    if day_first is None and len(orders) == 1:
        day_first = orders == {"DD"}
    return frame, {"number_format": fmt, "day_first": day_first, "date_formats": date_formats,
                   "units": units}


def build_table(grid: pd.DataFrame, details: dict, path: Path, sha256: str,
                settings: LoadSettings, notes: list[str], progress: Progress,
                fast_numbers: Callable[[int, int], pd.DataFrame | None] | None = None
                ) -> LoadedTable:
    """A reader's grid of cell texts -> a LoadedTable: the header row found (or the one the
    user set), empty trailing columns dropped, names made unique, every column typed.

    `fast_numbers(header_position, rows)`, when a reader offers it, reads plain numbers again
    by a quicker route; it is asked only for long files and only when a column needs it."""
    # Row numbers as the user sees them (blank lines count); grid positions skip blank rows.
    lines = details.pop("_lines", None)
    if lines is None:
        lines = details.pop("_rows", np.arange(1, len(grid) + 1))
    if settings.header_row:
        matches = np.flatnonzero(np.asarray(lines) >= settings.header_row)
        if not len(matches):
            raise UserError(f"{path.name} has no row {settings.header_row}, so it cannot hold "
                            "the column names. Choose a lower row.")
        position = int(matches[0])
    else:
        position = find_header_row(grid) - 1
    header_row = int(lines[position])
    if position > 0:
        notes.append(f"The column names are on row {header_row}; the "
                     f"{position} row{'s' if position > 1 else ''} above "
                     f"{'were' if position > 1 else 'was'} skipped as a title.")
    fields = details.pop("_fields", None)
    if fields is not None:
        report_ragged(fields, np.asarray(lines), position, notes)
    grid = trim_columns(grid, position + 1)
    raw = grid.iloc[position + 1:].reset_index(drop=True)
    raw.columns = [str(name) for name in grid.iloc[position]]
    raw = unique_column_names(raw, notes)
    if len(raw) == 0:
        raise UserError(f"{path.name} has column names but no customer rows. Export the data "
                        "again with its rows.")
    progress.report(0.6, "Recognising numbers and dates...")
    fast = None
    if fast_numbers is not None and len(raw) > QUICK_NUMBERS_ROWS:
        fast = functools.cache(lambda: fast_numbers(position + 1, len(raw)))
    frame, typed = typed_frame(raw, settings, details.get("delimiter"), notes,
                               progress.part(0.6, 1.0), fast)
    totals = find_totals(raw, frame)
    file_rows = np.asarray(lines)[position + 1:]
    if totals:
        notes.append(totals_note(totals, file_rows))
    details = {key: value for key, value in details.items() if not key.startswith("_")}
    report = LoadReport(path=str(path), file_name=path.name, sha256=sha256, rows=len(raw),
                        columns=raw.shape[1], header_row=header_row, notes=tuple(notes),
                        total_rows=tuple(int(file_rows[row]) for row in totals),
                        **typed, **details)
    progress.report(1.0, "Loaded")
    left_out = pd.Series(list(totals.values()), index=np.array(list(totals), dtype=int),
                         dtype=object)
    return LoadedTable(raw=raw, frame=frame, report=report, left_out=left_out)


# Longer files take the quick route for columns of plain numbers (see fast_column).
QUICK_NUMBERS_ROWS = 20_000
