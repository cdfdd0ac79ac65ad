"""File readers: one registry of what CustSeg reads, and `load_table` that picks the reader.

The registry's one list of extensions feeds the Open dialog, drag and drop, the report
command's help and the error messages. A new format is one new `Reader` entry: a function
from the file's bytes to a grid of cell texts (see sources/text.py and sources/spreadsheet.py);
everything after that (header row, names, types) is shared (sources/table.py).
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import budget, spreadsheet, text
from custseg_gui.core.sources.table import (LoadedTable, LoadReport, build_table, read_bytes,
                                            sniff_format)

__all__ = ["READERS", "Reader", "LoadedTable", "LoadReport", "LoadSettings", "load_table",
           "preview_table", "extensions", "file_filter", "extensions_text", "reader_for"]


@dataclass(frozen=True)
class Reader:
    """One kind of file CustSeg reads."""

    kind: str  # what sniff_format calls its bytes
    label: str  # for the Open dialog
    suffixes: tuple[str, ...]  # lower case, with the dot
    read: Callable  # read(data, kind, path, settings, notes, progress) -> (grid, details)
    # fast_numbers(data, details, header_position, rows, settings) -> frame | None
    fast_numbers: Callable | None = None


READERS = (
    Reader("csv", "Text files", (".csv", ".tsv", ".txt", ".tab", ".dat"), text.read,
           text.fast_numbers),
    Reader("xlsx", "Excel workbooks", (".xlsx", ".xlsm"), spreadsheet.read),
    Reader("xls", "Excel 97-2003 workbooks", (".xls",), spreadsheet.read),
    Reader("ods", "OpenDocument spreadsheets", (".ods",), spreadsheet.read),
)
# A text export is sometimes saved without any extension.
NO_SUFFIX_KIND = "csv"


def extensions() -> tuple[str, ...]:
    """Every file extension CustSeg reads, with its dot."""
    return tuple(suffix for reader in READERS for suffix in reader.suffixes)


def extensions_text() -> str:
    """`.csv, .tsv, ... and .ods`: for messages and help."""
    names = list(extensions())
    return ", ".join(names[:-1]) + " and " + names[-1]


def file_filter() -> str:
    """The Open dialog's filter: every readable file, then each kind, then all files."""
    every = " ".join(f"*{suffix}" for suffix in extensions())
    kinds = [f"{reader.label} ({' '.join('*' + suffix for suffix in reader.suffixes)})"
             for reader in READERS]
    return ";;".join([f"Customer files ({every})", *kinds, "All files (*)"])


def reader_for(kind: str) -> Reader | None:
    return next((reader for reader in READERS if reader.kind == kind), None)


def _reader_of_suffix(suffix: str) -> Reader | None:
    if not suffix:
        return reader_for(NO_SUFFIX_KIND)
    return next((reader for reader in READERS if suffix in reader.suffixes), None)


def load_table(path: str | Path, settings: LoadSettings = LoadSettings(),
               progress: Progress = NO_PROGRESS) -> LoadedTable:
    """Read a customer file of any kind in the registry."""
    path = Path(path)
    try:
        progress.report(0.0, f"Opening {path.name}...")
        _check_file_size(path)
        return _load_data(read_bytes(path), path, settings, progress)
    except (UserError, Cancelled):
        raise
    except MemoryError:
        raise UserError(f"{path.name} is too large to open on this computer. Close other "
                        "programs, or split the file.") from None
    except Exception as error:  # a file that trips a parser in a way not foreseen
        raise UserError(f"{path.name} could not be read as a table of customers. Check that it "
                        "is a CSV or Excel export, or export it again.",
                        details=traceback.format_exc()) from error


def _check_file_size(path: Path) -> None:
    """Refuse, before reading it, a file whose bytes alone would not fit in memory."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_bytes says what is wrong
    if size > budget.budget():
        raise UserError(budget.too_large_message(
            path.name, f"the file is {budget.size_text(size)}", size, budget.TEXT_ADVICE))


def preview_table(path: str | Path, settings: LoadSettings = LoadSettings(),
                  size: int = 64_000) -> LoadedTable:
    """The first rows of a text file (or a whole spreadsheet) read with `settings`, quickly:
    for a live preview while the user adjusts how the file is read."""
    path = Path(path)
    data = read_bytes(path, size)  # a text file's head is enough; a spreadsheet needs it all
    if len(data) > size and sniff_format(data[:size]) != "csv":
        data = read_bytes(path)
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


def _load_data(data: bytes, path: Path, settings: LoadSettings,
               progress: Progress) -> LoadedTable:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UserError(f"The file {path.name} is empty. Export your customer data again and "
                        "open the new file.")
    suffix = path.suffix.lower()
    kind = sniff_format(data)
    if kind in ("binary", "zip"):
        raise UserError(f"{path.name} is not a table of customers: it holds binary data (it may "
                        "be a picture, a PDF or an archive). Open a CSV or Excel export.")
    named = _reader_of_suffix(suffix)
    if named is None:
        raise UserError(f"CustSeg cannot read {suffix} files. It reads {extensions_text()} "
                        "files: save your customer data as CSV (.csv) or Excel (.xlsx) and open "
                        "that.")
    if named.kind != kind:
        if kind == "csv":
            raise UserError(f"{path.name} is named like a spreadsheet but holds plain text. If "
                            "it is a CSV export, rename it to end in .csv and open it again.")
        if named.kind == "csv":
            raise UserError(f"{path.name} is named like a text file but is a spreadsheet "
                            f"({kind}). Rename it to end in .{kind} and open it again.")
    if kind == "csv" and len(data) * budget.BYTES_PER_TEXT_BYTE > budget.budget():
        raise UserError(budget.too_large_message(
            path.name, f"it holds {budget.size_text(len(data))} of text",
            len(data) * budget.BYTES_PER_TEXT_BYTE, budget.TEXT_ADVICE))
    reader = reader_for(kind)
    progress.report(0.05, f"Reading {path.name}...")
    notes: list[str] = []
    grid, details = reader.read(data, kind, path, settings, notes, progress.part(0.05, 0.55))
    fast = None
    if reader.fast_numbers is not None:
        def fast(header_position, rows):
            return reader.fast_numbers(details, header_position, rows, settings)
    return build_table(grid, details, path, hashlib.sha256(data).hexdigest(), settings, notes,
                       progress, fast)
