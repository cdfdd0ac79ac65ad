"""segments.csv: every customer as in the file, with their segment (and why some have none); for
an order log every order line, with its customer's segment and RFM segment.

The list is written straight from the table's raw text, in blocks of rows: each block's cells
are checked a whole column at a time (by numpy over the column's bytes, cell_bytes.py), so the
common cell (no comma, quote, line break or formula start) costs no Python work of its own.
Only cells that need quoting or an apostrophe take the careful path. `careful_csv_bytes` is
that careful path for every cell: the tests hold the fast writer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from custseg_gui.core.exports.cell_bytes import (DIGITS, MINUS, NOT_NUMBER, CellBytes,
                                                   byte_class)
from custseg_gui.core.exports.segment_columns import labelled, segment_columns, written_rows
from custseg_gui.core.progress import NO_PROGRESS, Progress

DIGIT = byte_class(DIGITS)

# Text that a spreadsheet would read as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d[\d,. ]*|[.,]\d+)([eE][-+]?\d+)?\s*%?\s*$")
FILE = "segments.csv"
# How every CSV file is encoded (--csv-encoding, the export panel): UTF-8 with a byte order
# mark by default, so that Excel on Windows shows accents right; plain UTF-8 for tools that
# take the mark for part of the first column's name. Declared here once.
CSV_ENCODINGS = {
    "utf-8-sig": "UTF-8 with a byte order mark, for Excel",
    "utf-8": "UTF-8 without a byte order mark, for other tools",
}
DEFAULT_CSV_ENCODING = "utf-8-sig"
# Rows per block: joining a block's lines is one step that holds Python's interpreter lock
# (about 10 ms for 10,000 rows); the window, exporting meanwhile, must not wait much longer.
BLOCK_ROWS = 10_000
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def neutralize_formulas(column: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would evaluate (=, +, -, @, tab, return).

    Genuine numbers, negative ones included, are left alone.
    """
    text = column.astype(str)
    risky = text.str.startswith(FORMULA_START) & ~text.str.match(NUMBER_TEXT)
    return text.where(~risky, "'" + text) if risky.any() else column


def neutral_text(text: str) -> str:
    """One cell as neutralize_formulas makes it."""
    if text.startswith(FORMULA_START) and not NUMBER_TEXT.match(text):
        return "'" + text
    return text


def free_column_name(name: str, taken) -> str:
    """`name`, or `name (2)`, ... when the input already has a column of that name."""
    taken, candidate, copy = set(taken), name, 2
    while candidate in taken:
        candidate, copy = f"{name} ({copy})", copy + 1
    return candidate


@dataclass(frozen=True)
class CustomerList:
    """Every input row and column as read, plus Segment, Segment name and, when some
    customers were left out, Left out because: the table's own columns, never copied."""

    header: tuple[str, ...]
    columns: tuple[np.ndarray, ...]  # one object array of cell texts per column

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def block(self, start: int, end: int) -> list[np.ndarray]:
        """The cells of rows start..end, column by column (views, not copies)."""
        return [column[start:end] for column in self.columns]

    def blocks(self, rows: int | None = None):
        """(start, end) of each block of rows."""
        total, rows = len(self), rows or BLOCK_ROWS
        return [(start, min(total, start + rows)) for start in range(0, total, rows)]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The same as a DataFrame (a copy): for the careful writers and the tests."""
        return pd.DataFrame(dict(zip(self.header, self.columns)), dtype=object)


def with_columns(raw: pd.DataFrame, added: dict[str, np.ndarray]) -> CustomerList:
    """The file's own columns (never copied), then the added ones under free names."""
    header = [str(name) for name in raw.columns]
    columns = [raw[name].to_numpy(dtype=object) for name in raw.columns]
    for name, values in added.items():
        header.append(free_column_name(name, header))
        columns.append(values)
    return CustomerList(tuple(header), tuple(columns))


def customer_list(raw: pd.DataFrame, row_segments: np.ndarray, names: dict[int, str],
                  left_out: pd.Series | None = None) -> CustomerList:
    """The customer list of a table: `row_segments` holds each row's segment (0: left out),
    `left_out` the reason of each left-out row, by row position."""
    reasons = None
    if left_out is not None and len(left_out):
        reasons = np.full(len(raw), "", dtype=object)
        reasons[left_out.index.to_numpy()] = left_out.to_numpy()
    return with_columns(raw, labelled(np.asarray(row_segments, dtype=np.int64), names, reasons))


def labelled_customers(result, names: dict[int, str]) -> CustomerList:
    """Every row and column of the file as read (for an order log its order lines), plus
    Segment, Segment name (RFM segment for order lines) and Left out because."""
    return with_columns(written_rows(result), segment_columns(result, names))


# --- the careful writer: every cell on its own ------------------------------------------------

def csv_field(text: str) -> str:
    """One cell as written: neutralized, and quoted when it holds a comma, quote or line break."""
    text = neutral_text(str(text))
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def careful_csv_bytes(customers: CustomerList) -> bytes:
    """The customer list as UTF-8 CSV, cell by cell."""
    lines = [",".join(csv_field(name) for name in customers.header)]
    lines += [",".join(csv_field(cell) for cell in row) for row in zip(*customers.columns)]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- the fast writer: a column of a block at a time ---------------------------------------------

RISKY_FIRST = byte_class("".join(FORMULA_START))
QUOTE_CARE = byte_class(',"\r\n')


def _safe_cells(cells: np.ndarray) -> np.ndarray:
    """A block of one column as written: the cells themselves unless some need care."""
    try:
        view = CellBytes(cells)
    except (TypeError, ValueError):  # not all text: the careful path (never for a table read)
        return np.array([csv_field(cell) for cell in cells], dtype=object)
    first = view.byte(0)
    risky = RISKY_FIRST[first] & (view.lengths > 0)
    quoted = view.any(QUOTE_CARE)
    if not risky.any() and not quoted.any():
        return cells
    cells = cells.copy()
    if risky.any():
        # Mostly negative numbers, which stay as they are: a minus, a digit, digits and points.
        negative = (first == ord("-")) & DIGIT[view.byte(1)] & (view.count(MINUS) == 1) & (
            view.count(NOT_NUMBER) == 0)
        check = np.flatnonzero(risky & ~negative)
        if len(check):
            numbers = np.fromiter(map(NUMBER_TEXT.match, cells[check]), dtype=bool,
                                  count=len(check))
            formulas = check[~numbers]
            cells[formulas] = "'" + cells[formulas]
    needs = np.flatnonzero(quoted)
    if len(needs):
        cells[needs] = ['"' + cell.replace('"', '""') + '"' for cell in cells[needs]]
    return cells


def csv_block(customers: CustomerList, start: int, end: int) -> str:
    """Rows start..end as CSV lines (each ending in a line break)."""
    columns = [_safe_cells(cells) for cells in customers.block(start, end)]
    return "\n".join(map(",".join, zip(*columns))) + "\n"


def write_csv(handle: IO[bytes], customers: CustomerList,
              progress: Progress = NO_PROGRESS, encoding: str = "utf-8") -> None:
    """Stream the customer list into an open binary file, block by block (`encoding`: one of
    CSV_ENCODINGS; utf-8-sig starts the file with the byte order mark)."""
    header = ",".join(csv_field(name) for name in customers.header) + "\n"
    handle.write(header.encode(encoding))
    total = len(customers)
    for start, end in customers.blocks():
        progress.report(start / max(total, 1), f"Writing customers ({start:,} of {total:,})...")
        handle.write(csv_block(customers, start, end).encode("utf-8"))
    progress.report(1.0)


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE, lambda handle: write_csv(handle, context.customers, progress,
                                                          context.csv_encoding))


def check(folder: Path, context) -> None:
    """Every row back, the file's own cells exactly as written, each with its segment."""
    check_list(folder / FILE, written_rows(context.result), context.result.k)


def check_list(path: Path, raw: pd.DataFrame, k: int) -> None:
    """A written customer list has every row of `raw`, its first column's cells exactly as
    written (formula-safe), and each of the k segments."""
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    if len(written) != len(raw):
        raise AssertionError(f"{path.name} has {len(written)} rows, expected {len(raw)}")
    first = raw.columns[0]
    if list(written.iloc[:, 0]) != list(neutralize_formulas(raw[first])):
        raise AssertionError(f"{path.name} changed the cells of {first}")
    numbers = {str(number) for number in range(1, k + 1)}
    if not set(written["Segment"]) - {""} == numbers:
        raise AssertionError(f"{path.name} has segments {sorted(set(written['Segment']))}")
