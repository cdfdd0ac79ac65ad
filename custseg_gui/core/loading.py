"""Customer file -> LoadedTable: the untouched text of every cell, a typed frame, and a report.

The raw text is what exports write back, so an ID `0001` stays `0001`; the typed frame is what
the analysis reads. Both have the same rows and columns in the same order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.progress import NO_PROGRESS, Progress

CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}

# How people and programs write "no value" in an export. Compared after stripping whitespace.
MISSING_TOKENS = frozenset(
    {"", "NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "NULL", "null", "Null", "None", "none",
     "#N/A", "#NA", "-", "?", "<NA>", "NaT"}
)


@dataclass(frozen=True)
class LoadSettings:
    """How to read a file; None means detect."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class LoadReport:
    """What was detected while reading, in words a user can check."""

    path: str
    file_name: str
    sha256: str
    file_format: str  # "csv" or "xlsx"
    rows: int
    columns: int
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    date_formats: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the window: what was read and how."""
        parts = [f"{self.rows:,} rows x {self.columns} columns"]
        if self.file_format == "csv":
            parts.append(f"{DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated")
            parts.append(f"encoding {self.encoding}")
        else:
            parts.append(f"sheet '{self.sheet}'")
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_table(path: str | Path, settings: LoadSettings = LoadSettings(),
               progress: Progress = NO_PROGRESS) -> LoadedTable:
    """Read a CSV or Excel file of customers."""
    path = Path(path)
    progress.report(0.0, f"Opening {path.name}...")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"The file {path.name} could not be found. It may have been moved or "
                        "deleted; open it again from its new place.") from None
    except IsADirectoryError:
        raise UserError(f"{path.name} is a folder, not a file. Pick a CSV or Excel file.") from None
    except PermissionError:
        raise UserError(f"CustSeg is not allowed to read {path.name}. Close it in other programs "
                        "or check its permissions, then try again.") from None
    except OSError as error:
        raise UserError(f"The file {path.name} could not be read ({error.strerror}). Check that it "
                        "is still there and not locked by another program.") from None
    if not data.strip():
        raise UserError(f"The file {path.name} is empty. Export your customer data again and "
                        "open the new file.")
    sha256 = hashlib.sha256(data).hexdigest()
    progress.report(0.1, f"Reading {path.name}...")

    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04":
        if suffix in CSV_SUFFIXES:
            raise UserError(f"{path.name} is named like a text file but is an Excel workbook. "
                            "Rename it to end in .xlsx, or save it from Excel as CSV.")
        raw, report_parts = _read_excel(data, path, settings)
    elif suffix in EXCEL_SUFFIXES:
        raise UserError(f"{path.name} is named like an Excel workbook but is not one. "
                        "Open it in Excel and save it again as .xlsx, or rename it to .csv if it "
                        "is a text export.")
    elif suffix in CSV_SUFFIXES or suffix == "":
        raw, report_parts = _read_csv(data, path, settings)
    else:
        raise UserError(f"CustSeg cannot read {suffix} files. Save your customer data as CSV "
                        "(.csv) or Excel (.xlsx) and open that.")
    progress.report(0.6, "Recognising numbers and dates...")

    raw = _unique_column_names(raw)
    if len(raw) == 0:
        raise UserError(f"{path.name} has column names but no customer rows. Export the data "
                        "again with its rows.")
    frame, date_formats = _typed_frame(raw, progress.part(0.6, 1.0))
    report = LoadReport(path=str(path), file_name=path.name, sha256=sha256, rows=len(raw),
                        columns=raw.shape[1], date_formats=date_formats, **report_parts)
    progress.report(1.0, "Loaded")
    return LoadedTable(raw=raw, frame=frame, report=report)


# --- text files -------------------------------------------------------------------------------

def _decode(data: bytes, forced: str | None) -> tuple[str, str]:
    """Return (text, encoding name). UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1."""
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
    if b"\x00" in data[:4096]:
        raise UserError("This file does not look like a customer table: it contains binary data. "
                        "Open a CSV or Excel export of your customers.")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 is a superset of Latin-1 in the printable range; bytes 0x80-0x9F tell them apart.
    if re.search(rb"[\x80-\x9f]", data):
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "Latin-1"


def _detect_delimiter(text: str) -> str:
    """The candidate that splits the first lines into the most consistent number of fields."""
    lines = [line for line in text[:200_000].splitlines()[:60] if line.strip()]
    if len(lines) > 1 and len(lines) == len(text[:200_000].splitlines()[:60]):
        lines = lines[:-1]  # the last line of the sample may be cut in the middle
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(fields) for fields in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, path: Path, settings: LoadSettings) -> tuple[pd.DataFrame, dict]:
    text, encoding = _decode(data, settings.encoding)
    if "\x00" in text:
        raise UserError(f"{path.name} does not look like a customer table: it contains binary "
                        "data. Open a CSV or Excel export of your customers.")
    delimiter = settings.delimiter or _detect_delimiter(text)
    notes: list[str] = []
    try:
        # header=None: the header row is taken as written (pandas would rename repeated names
        # "a.1" and could take a trailing separator as an index column).
        table = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=object, na_filter=False,
                            keep_default_na=False, skip_blank_lines=True, engine="c",
                            header=None, index_col=False)
    except pd.errors.EmptyDataError:
        raise UserError(f"{path.name} is empty. Export your customer data again and open the "
                        "new file.") from None
    except pd.errors.ParserError:
        # Some row has more fields than the first: read row by row, keeping every value.
        table = _read_ragged(text, delimiter, notes)
    # With na_filter off, a missing cell can only come from a row with too few fields.
    short = np.flatnonzero(table.isna().any(axis=1).to_numpy())
    if len(short):
        notes.append(_rows_note(short, "fewer fields than the header; the missing cells are "
                                       "left empty"))
    header = [str(name) if isinstance(name, str) else "" for name in table.iloc[0]]
    raw = table.iloc[1:].reset_index(drop=True).fillna("")
    raw.columns = header
    return raw, {"file_format": "csv", "encoding": encoding, "delimiter": delimiter,
                 "notes": tuple(notes)}


def _rows_note(rows: np.ndarray, what: str) -> str:
    """'3 rows have ...: rows 5, 9, 12 (the header is row 1).' with the first few row numbers."""
    numbers = ", ".join(str(int(row) + 1) for row in rows[:5])
    more = ", ..." if len(rows) > 5 else ""
    return (f"{len(rows)} row{'s' if len(rows) > 1 else ''} ha{'ve' if len(rows) > 1 else 's'} "
            f"{what}: row{'s' if len(rows) > 1 else ''} {numbers}{more} (the header is row 1).")


def _read_ragged(text: str, delimiter: str, notes: list[str]) -> pd.DataFrame:
    """Rows of uneven length: trailing empty fields are dropped, extra values get new columns."""
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            if any(field.strip() for field in row)]
    width = len(rows[0])
    longer = []
    for position, row in enumerate(rows):
        while len(row) > width and not row[-1].strip():
            row.pop()
        if len(row) > width:
            longer.append(position)
    if longer:
        notes.append(_rows_note(np.array(longer), "more fields than the header; the extra "
                                                  "values are kept in extra columns"))
    widest = max(len(row) for row in rows)
    padded = [row + [None] * (widest - len(row)) if position else row + [""] * (widest - len(row))
              for position, row in enumerate(rows)]
    return pd.DataFrame(padded, dtype=object)


# --- Excel --------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    """The text a user sees for an Excel cell value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


def _read_excel(data: bytes, path: Path, settings: LoadSettings) -> tuple[pd.DataFrame, dict]:
    import openpyxl  # only needed for workbooks

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise UserError(f"{path.name} could not be opened as an Excel workbook. Open it in Excel "
                        "and save it again as .xlsx.", details=repr(error)) from None
    try:
        sheets = tuple(workbook.sheetnames)
        sheet = settings.sheet or sheets[0]
        if sheet not in sheets:
            raise UserError(f"{path.name} has no sheet named '{sheet}'. Its sheets are: "
                            f"{', '.join(sheets)}.")
        rows = [[_cell_text(value) for value in row]
                for row in workbook[sheet].iter_rows(values_only=True)]
    finally:
        workbook.close()
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UserError(f"The sheet '{sheet}' of {path.name} is empty. Pick the sheet that holds "
                        "your customers.")
    width = max(len(row) for row in rows)
    # Trailing columns with neither header nor values are formatting leftovers, not data.
    while width > 1 and not any(len(row) >= width and row[width - 1].strip() for row in rows):
        width -= 1
    rows = [(row + [""] * width)[:width] for row in rows]
    raw = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    return raw, {"file_format": "xlsx", "sheet": sheet, "sheets": sheets}


# --- shared -------------------------------------------------------------------------------------

def _unique_column_names(raw: pd.DataFrame) -> pd.DataFrame:
    """Name empty headers `Column N` and number repeated ones, so every column can be chosen."""
    names, seen = [], set()
    for position, name in enumerate(raw.columns, start=1):
        name = str(name).strip()
        if not name or name.startswith("Unnamed: "):
            name = f"Column {position}"
        candidate, copy = name, 2
        while candidate in seen:
            candidate, copy = f"{name} ({copy})", copy + 1
        seen.add(candidate)
        names.append(candidate)
    raw = raw.copy() if list(raw.columns) != names else raw
    raw.columns = names
    return raw.reset_index(drop=True)


def missing_mask(raw_column: pd.Series) -> np.ndarray:
    """True where a raw text cell means "no value"."""
    stripped = raw_column.str.strip()
    return stripped.isin(MISSING_TOKENS).to_numpy()


_DATE_PATTERNS = (
    # (regex, strptime format of the date part, order)
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}"), "%Y-%m-%d", "YMD"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}"), "%Y/%m/%d", "YMD"),
    (re.compile(r"^\d{1,2}([./-])\d{1,2}\1\d{4}"), None, "DMY or MDY"),
)
_TIME_SUFFIX = re.compile(r"^(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def _parse_numbers(stripped: pd.Series, missing: np.ndarray) -> pd.Series | None:
    """Float values when every non-missing cell is a plain number, else None."""
    values = stripped.where(~missing, None)
    try:
        numbers = pd.to_numeric(values, errors="raise")
    except (ValueError, TypeError):
        return None
    return numbers.astype("float64")


def _parse_dates(stripped: pd.Series, missing: np.ndarray) -> tuple[pd.Series, str] | None:
    """Datetime values and the format used, when every non-missing cell is a date."""
    present = stripped[~missing]
    if present.empty:
        return None
    sample = present.iloc[: 2000]
    for pattern, date_format, order in _DATE_PATTERNS:
        matches = sample.str.match(pattern)
        if not matches.all():
            continue
        rests = sample.str.replace(pattern, "", regex=True)
        if not rests.str.match(_TIME_SUFFIX).all():
            return None
        if date_format is None:
            parts = present.str.extract(r"^(\d{1,2})[./-](\d{1,2})").astype(int)
            separator = re.match(r"^\d{1,2}([./-])", sample.iloc[0]).group(1)
            day_first = bool((parts[0] > 12).any()) or (
                not (parts[1] > 12).any() and separator == ".")
            date_format = (f"%d{separator}%m{separator}%Y" if day_first
                           else f"%m{separator}%d{separator}%Y")
        has_time = rests.str.len().gt(0).any()
        try:
            parsed = pd.to_datetime(stripped.where(~missing, None), format="mixed" if has_time
                                    else date_format, dayfirst=date_format.startswith("%d"),
                                    errors="raise")
        except (ValueError, TypeError):
            return None
        readable = (date_format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY"))
        return parsed, readable + (" hh:mm" if has_time else "")
    return None


def _typed_frame(raw: pd.DataFrame, progress: Progress) -> tuple[pd.DataFrame, dict[str, str]]:
    columns, date_formats = {}, {}
    for position, name in enumerate(raw.columns):
        progress.report(position / max(raw.shape[1], 1), "Recognising numbers and dates...")
        text = raw[name].astype(str)
        stripped = text.str.strip()
        missing = stripped.isin(MISSING_TOKENS).to_numpy()
        numbers = _parse_numbers(stripped, missing)
        if numbers is not None:
            columns[name] = numbers
            continue
        dates = _parse_dates(stripped, missing)
        if dates is not None:
            columns[name], date_formats[name] = dates
            continue
        columns[name] = stripped.where(~missing, None).astype(object)
    return pd.DataFrame(columns, index=raw.index), date_formats
