"""Customer file -> LoadedTable: the untouched text of every cell, a typed frame, and a report.

The raw text is what exports write back, so an ID `0001` stays `0001`; the typed frame is what
the analysis reads. Both have the same rows and columns in the same order. Everything that
was detected (encoding, separator, number format, header row, date order) is in the report,
and each can be set by hand in LoadSettings when the detection is wrong.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.parsing import (MISSING_TOKENS, NumberFormat, guess_day_first,
                                      guess_number_format, is_code, parse_column)
from custseg_gui.core.progress import NO_PROGRESS, Progress

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ""}
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# The report command's words for separators and marks (and back).
DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
MARK_WORDS = {"point": ".", "comma": ",", "space": " ", "apostrophe": "'", "none": ""}
CHUNK_ROWS = 100_000  # rows read between progress reports and cancel checks

__all__ = ["LoadSettings", "LoadReport", "LoadedTable", "load_table", "MISSING_TOKENS"]


@dataclass(frozen=True)
class LoadSettings:
    """How to read a file; None means detect."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # ",", ".", " ", "'" or "" for none
    header_row: int | None = None  # 1-based row of the column names
    day_first: bool | None = None


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
    header_row: int = 1
    number_format: NumberFormat = NumberFormat()
    day_first: bool | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

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

    @property
    def n_rows(self) -> int:
        return len(self.raw)


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
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


def load_table(path: str | Path, settings: LoadSettings = LoadSettings(),
               progress: Progress = NO_PROGRESS) -> LoadedTable:
    """Read a CSV/TSV/TXT or Excel/OpenDocument file of customers."""
    path = Path(path)
    try:
        return _load(path, settings, progress)
    except (UserError, Cancelled):
        raise
    except MemoryError:
        raise UserError(f"{path.name} is too large to open on this computer. Close other "
                        "programs, or split the file.") from None
    except Exception as error:  # a file that trips a parser in a way not foreseen
        raise UserError(f"{path.name} could not be read as a table of customers. Check that it "
                        "is a CSV or Excel export, or export it again.",
                        details=traceback.format_exc()) from error


def preview_table(path: str | Path, settings: LoadSettings = LoadSettings(),
                  size: int = 64_000) -> LoadedTable:
    """The first rows of a text file (or a whole spreadsheet) read with `settings`, quickly:
    for a live preview while the user adjusts how the file is read."""
    path = Path(path)
    data = _read_bytes(path, size)  # a text file's head is enough; a spreadsheet needs it all
    if len(data) > size and sniff_format(data[:size]) != "csv":
        data = _read_bytes(path)
    elif len(data) > size:
        cut = data.rfind(b"\n", 0, size)
        data = data[:cut + 1] if cut > 0 else data[:size]
    try:
        return _load_data(data, path, settings, NO_PROGRESS)
    except (UserError, Cancelled):
        raise
    except Exception as error:
        raise UserError(f"{path.name} could not be read this way.", details=repr(error)) \
            from error


def _load(path: Path, settings: LoadSettings, progress: Progress) -> LoadedTable:
    progress.report(0.0, f"Opening {path.name}...")
    return _load_data(_read_bytes(path), path, settings, progress)


def _load_data(data: bytes, path: Path, settings: LoadSettings,
               progress: Progress) -> LoadedTable:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UserError(f"The file {path.name} is empty. Export your customer data again and "
                        "open the new file.")
    sha256 = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    kind = sniff_format(data)
    if kind in ("binary", "zip"):
        raise UserError(f"{path.name} is not a table of customers: it holds binary data (it may "
                        "be a picture, a PDF or an archive). Open a CSV or Excel export.")
    if suffix in SPREADSHEET_SUFFIXES and kind == "csv":
        raise UserError(f"{path.name} is named like a spreadsheet but holds plain text. If it "
                        "is a CSV export, rename it to end in .csv and open it again.")
    if suffix in TEXT_SUFFIXES and kind != "csv":
        raise UserError(f"{path.name} is named like a text file but is a spreadsheet "
                        f"({kind}). Rename it to end in .{kind} and open it again.")
    if suffix not in TEXT_SUFFIXES | SPREADSHEET_SUFFIXES:
        raise UserError(f"CustSeg cannot read {suffix} files. Save your customer data as CSV "
                        "(.csv) or Excel (.xlsx) and open that.")
    progress.report(0.05, f"Reading {path.name}...")
    notes: list[str] = []
    if kind == "csv":
        grid, details = _read_text(data, path, settings, notes, progress.part(0.05, 0.55))
    else:
        grid, details = _read_spreadsheet(data, kind, path, settings, progress)
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
        position = _find_header_row(grid) - 1
    header_row = int(lines[position])
    if position > 0:
        notes.append(f"The column names are on row {header_row}; the "
                     f"{position} row{'s' if position > 1 else ''} above "
                     f"{'were' if position > 1 else 'was'} skipped as a title.")
    fields = details.pop("_fields", None)
    if fields is not None:
        _report_ragged(fields, np.asarray(lines), position, notes)
    grid = _trim_columns(grid, position + 1)
    raw = grid.iloc[position + 1:].reset_index(drop=True)
    raw.columns = [str(name) for name in grid.iloc[position]]
    raw = _unique_column_names(raw, notes)
    if len(raw) == 0:
        raise UserError(f"{path.name} has column names but no customer rows. Export the data "
                        "again with its rows.")
    progress.report(0.6, "Recognising numbers and dates...")
    fast = functools.cache(lambda: _fast_numbers(data, details, position + 1, len(raw),
                                                 settings)) \
        if kind == "csv" and len(raw) > 20_000 else None
    frame, typed = _typed_frame(raw, settings, details.get("delimiter"), notes,
                                progress.part(0.6, 1.0), fast)
    details.pop("_text", None)
    report = LoadReport(path=str(path), file_name=path.name, sha256=sha256, rows=len(raw),
                        columns=raw.shape[1], header_row=header_row, notes=tuple(notes),
                        **typed, **details)
    progress.report(1.0, "Loaded")
    return LoadedTable(raw=raw, frame=frame, report=report)


# --- text files ---------------------------------------------------------------------------------

def _decode(data: bytes, forced: str | None) -> tuple[str, str]:
    """Return (text, encoding name). BOMs first, then UTF-8, then the detector's best guess."""
    if forced:
        try:
            return data.decode(forced), forced
        except (UnicodeDecodeError, LookupError) as error:
            raise UserError(f"The file cannot be read as {forced}. Choose another encoding.",
                            details=str(error)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise UserError("The file says it is UTF-16 text but is damaged (it may have been cut "
                            "short). Export it again from the program that made it.") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: nearly always a Windows export (Windows-1252), or Latin-1. Windows-1252 is
    # Latin-1 plus printable characters in 0x80-0x9F: name what the bytes use.
    name = "cp1252" if re.search(rb"[\x80-\x9f]", data) else "latin_1"
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        name, text = "latin_1", data.decode("latin_1")
    readable = {"cp1252": "Windows-1252", "latin_1": "Latin-1"}.get(name, name)
    return text, readable


def _detect_delimiter(text: str) -> str:
    """The candidate that splits the lines into the most consistent number of fields."""
    lines = [line for line in text[:200_000].splitlines()[:80] if line.strip()]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line of the sample may be cut in the middle
    best, best_score = ",", (-1.0, -1.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        # Title rows above the header have fewer fields: judge by the table's own rows.
        tail = counts[len(counts) // 3:] or counts
        if not tail:
            continue
        mode = max(set(tail), key=tail.count)
        if mode < 2:
            continue
        # Consistent in the table's rows first, then over every line (the header too).
        score = (tail.count(mode) / len(tail), counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes, path: Path, settings: LoadSettings, notes: list[str],
               progress: Progress) -> tuple[pd.DataFrame, dict]:
    text, encoding = _decode(data, settings.encoding)
    if "\x00" in text:
        raise UserError(f"{path.name} is not a table of customers: it holds binary data. Open a "
                        "CSV or Excel export.")
    if not text.strip():
        raise UserError(f"The file {path.name} is empty. Export your customer data again and "
                        "open the new file.")
    delimiter = settings.delimiter or _detect_delimiter(text)
    chunks, ragged = [], False
    try:
        reader = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=object, na_filter=False,
                             keep_default_na=False, skip_blank_lines=True, engine="c",
                             header=None, index_col=False, chunksize=CHUNK_ROWS)
        lines = max(text.count("\n"), 1)
        for chunk in reader:
            # Blanks filled chunk by chunk: on the whole grid it is one step of ~150 ms per
            # million rows, in which other threads (the window) cannot run.
            chunks.append(chunk.fillna("").astype(object))
            progress.report(min(0.95, len(chunks) * CHUNK_ROWS / lines),
                            f"Reading {path.name} ({len(chunks) * CHUNK_ROWS:,} rows)...")
        grid = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    except pd.errors.EmptyDataError:
        raise UserError(f"{path.name} is empty. Export your customer data again and open the "
                        "new file.") from None
    except pd.errors.ParserError:
        # Some row has more fields than the first: read row by row, keeping every value.
        progress.check()
        grid, ragged = _read_ragged(text, delimiter, notes), True
    if grid.empty:
        raise UserError(f"{path.name} is empty. Export your customer data again and open the "
                        "new file.")
    if ragged or len({chunk.shape[1] for chunk in chunks}) > 1:
        grid = grid.fillna("")  # chunks of different widths leave gaps; ragged reads too
    grid = grid.astype(object)
    details = {"file_format": "csv", "encoding": encoding, "delimiter": delimiter,
               "_text": text}
    if len(text) <= FIELD_COUNT_LIMIT:
        counts, lines = _field_counts(text, delimiter)
        if len(counts) == len(grid):
            details["_fields"], details["_lines"] = counts, lines
    return grid, details


# Up to this many characters, every record's fields are counted (with Python's csv module, a
# second or two for 20 MB) to report rows with too few fields and give true line numbers.
FIELD_COUNT_LIMIT = 20_000_000


def _field_counts(text: str, delimiter: str) -> tuple[np.ndarray, np.ndarray]:
    """Fields per record and the file line each record starts on, blank lines skipped as
    pandas skips them."""
    counts, lines = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            if row:
                counts.append(len(row))
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error:
        return np.array([]), np.array([])
    return np.array(counts), np.array(lines)


def _report_ragged(counts: np.ndarray, lines: np.ndarray, header_row_index: int,
                   notes: list[str]) -> None:
    """Rows below the header with fewer or more fields than the header, by file line."""
    if not len(counts):
        return
    width = counts[header_row_index]
    below = np.arange(len(counts)) > header_row_index
    short = below & (counts < width)
    if short.any():
        notes.append(_rows_note(lines[short] - 1, "fewer fields than the header; the missing "
                                                  "cells are left empty"))
    long = below & (counts > width)
    if long.any() and not any("more fields" in note for note in notes):
        notes.append(_rows_note(lines[long] - 1, "more fields than the header; the extra "
                                                 "values are kept in extra columns"))


def _rows_note(rows: np.ndarray, what: str) -> str:
    """'3 rows have ...: rows 5, 9, 12.' with the first few row numbers (1-based, in the file)."""
    numbers = ", ".join(str(int(row) + 1) for row in rows[:5])
    more = ", ..." if len(rows) > 5 else ""
    plural = len(rows) > 1
    return (f"{len(rows):,} row{'s' if plural else ''} ha{'ve' if plural else 's'} {what}: "
            f"row{'s' if plural else ''} {numbers}{more} of the file.")


def _read_ragged(text: str, delimiter: str, notes: list[str]) -> pd.DataFrame:
    """Rows of uneven length: trailing empty fields are dropped, extra values get new columns."""
    csv.field_size_limit(1 << 30)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    if not rows:
        return pd.DataFrame()
    width = max(set(len(row) for row in rows[len(rows) // 3:] or rows),
                key=[len(row) for row in rows].count)
    for row in rows:
        while len(row) > width and not row[-1].strip():
            row.pop()
    widest = max(len(row) for row in rows)
    return pd.DataFrame([row + [""] * (widest - len(row)) for row in rows], dtype=object)


# --- spreadsheets -------------------------------------------------------------------------------

def _cell_text(value) -> str:
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


def _read_spreadsheet(data: bytes, kind: str, path: Path, settings: LoadSettings,
                      progress: Progress) -> tuple[pd.DataFrame, dict]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for damaged files
        raise UserError(f"{path.name} could not be opened as a spreadsheet: it may be damaged "
                        "or protected by a password. Open it in Excel or LibreOffice and save "
                        "it again.", details=repr(error)) from None
    sheets = tuple(workbook.sheet_names)
    if settings.sheet is not None and settings.sheet not in sheets:
        raise UserError(f"{path.name} has no sheet named '{settings.sheet}'. Its sheets are: "
                        f"{', '.join(sheets)}.")
    candidates = [settings.sheet] if settings.sheet else list(sheets)
    rows, sheet = [], None
    for name in candidates:
        progress.report(0.1, f"Reading sheet '{name}'...")
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        numbered = [(number, [_cell_text(value) for value in row])
                    for number, row in enumerate(values, start=1)]
        numbered = [(number, row) for number, row in numbered if any(c.strip() for c in row)]
        if numbered:
            sheet = name
            row_numbers = np.array([number for number, _row in numbered])
            rows = [row for _number, row in numbered]
            break
    if not rows:
        which = f"The sheet '{settings.sheet}'" if settings.sheet else "Every sheet"
        raise UserError(f"{which} of {path.name} is empty. Pick the sheet that holds your "
                        "customers.")
    width = max(len(row) for row in rows)
    grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    return grid, {"file_format": kind, "sheet": sheet, "sheets": sheets, "_rows": row_numbers}


# --- shared ---------------------------------------------------------------------------------------

def _find_header_row(grid: pd.DataFrame) -> int:
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


def _trim_columns(grid: pd.DataFrame, header_row: int) -> pd.DataFrame:
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


def _unique_column_names(raw: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
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


def _fast_column(fast: Callable[[], pd.DataFrame | None] | None, position: int,
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
        values = pd.Series(_as_floats(raw.to_numpy(dtype=object)), index=raw.index)
    except (ValueError, TypeError):  # a blank, a missing-value word, a comma...
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


def _as_floats(cells: np.ndarray, block: int = 100_000) -> np.ndarray:
    """Cells of plain numbers as floats; ValueError when one is not. In blocks: one call on a
    million cells would keep other threads (the window) waiting ~50 ms."""
    floats = np.empty(len(cells), dtype=np.float64)
    for start in range(0, len(cells), block):
        floats[start:start + block] = cells[start:start + block].astype(np.float64)
    return floats


def _fast_numbers(data: bytes, details: dict, header_row: int, rows: int,
                  settings: LoadSettings) -> pd.DataFrame | None:
    """The file read again by pandas' C parser, which turns plain numbers into floats far
    faster than text parsing can: used for the columns where it agrees with the text parse."""
    text = details.get("_text")
    if text is None:
        return None
    try:
        # In chunks: converting a million rows in one call keeps other threads (the window)
        # waiting for a third of a second. A column that is numeric in only some chunks comes
        # out as text and takes the careful path.
        reader = pd.read_csv(io.StringIO(text), sep=details["delimiter"], header=None,
                             skiprows=header_row, skip_blank_lines=True, engine="c",
                             na_values=sorted(MISSING_TOKENS), keep_default_na=False,
                             decimal=settings.decimal or ".", thousands=settings.thousands or None,
                             index_col=False, chunksize=CHUNK_ROWS)
        frame = pd.concat(list(reader), ignore_index=True)
    except (ValueError, pd.errors.ParserError):
        return None
    return frame if len(frame) == rows else None


def _typed_frame(raw: pd.DataFrame, settings: LoadSettings, delimiter: str | None,
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
        quick = _fast_column(fast, position, raw[name], fmt, day_first)
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
