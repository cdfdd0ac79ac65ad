"""Text files (CSV, TSV, TXT): separator, ragged rows, and a quick path for numbers (the
encoding is decided in sources/encoding.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.parsing import MISSING_TOKENS
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources.encoding import decode
from custseg_gui.core.sources.table import CHUNK_ROWS

DELIMITERS = (",", ";", "\t", "|")


def detect_delimiter(text: str) -> str:
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


def text_handle(text: str) -> io.IOBase:
    """The decoded text as a file for pandas' C parser: its UTF-8 bytes. io.StringIO would
    hold the text at four bytes a character (1.5 GB for a 370 MB order log), and the parser
    would encode each chunk it reads to UTF-8 anyway."""
    try:
        return io.BytesIO(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: only a text handle carries it
        return io.StringIO(text)


def read(data: bytes, kind: str, path: Path, settings: LoadSettings, notes: list[str],
         progress: Progress) -> tuple[pd.DataFrame, dict]:
    """The file's rows as a grid of cell texts, and what was detected (encoding, separator)."""
    text, encoding = decode(data, settings.encoding, notes)
    if "\x00" in text:
        raise UserError(f"{path.name} is not a table of customers: it holds binary data. Open a "
                        "CSV or Excel export.")
    if not text.strip():
        raise UserError(f"The file {path.name} is empty. Export your customer data again and "
                        "open the new file.")
    delimiter = settings.delimiter or detect_delimiter(text)
    chunks, widths, ragged = [], set(), False
    try:
        reader = pd.read_csv(text_handle(text), sep=delimiter, dtype=object, na_filter=False,
                             keep_default_na=False, skip_blank_lines=True, engine="c",
                             header=None, index_col=False, chunksize=CHUNK_ROWS)
        lines = max(text.count("\n"), 1)
        for chunk in reader:
            # Blanks filled chunk by chunk: on the whole grid it is one step of ~150 ms per
            # million rows, in which other threads (the window) cannot run.
            chunks.append(chunk.fillna("").astype(object))
            progress.report(min(0.95, len(chunks) * CHUNK_ROWS / lines),
                            f"Reading {path.name} ({len(chunks) * CHUNK_ROWS:,} rows)...")
        reader.close()  # lets the text's UTF-8 copy go before the chunks are joined
        del reader
        grid = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
        widths = {chunk.shape[1] for chunk in chunks}
        chunks.clear()  # the cells live on in the grid alone
    except pd.errors.EmptyDataError:
        raise UserError(f"{path.name} is empty. Export your customer data again and open the "
                        "new file.") from None
    except pd.errors.ParserError:
        # Some row has more fields than the first: read row by row, keeping every value.
        progress.check()
        grid, ragged = read_ragged(text, delimiter, notes), True
    if grid.empty:
        raise UserError(f"{path.name} is empty. Export your customer data again and open the "
                        "new file.")
    if ragged or len(widths) > 1:
        grid = grid.fillna("")  # chunks of different widths leave gaps; ragged reads too
    grid = grid.astype(object)
    details = {"file_format": "csv", "encoding": encoding, "delimiter": delimiter,
               "_text": text}
    if len(text) <= FIELD_COUNT_LIMIT:
        counts, lines = field_counts(text, delimiter)
        if len(counts) == len(grid):
            details["_fields"], details["_lines"] = counts, lines
    return grid, details


# Up to this many characters, every record's fields are counted (with Python's csv module, a
# second or two for 20 MB) to report rows with too few fields and give true line numbers.
FIELD_COUNT_LIMIT = 20_000_000


def field_counts(text: str, delimiter: str) -> tuple[np.ndarray, np.ndarray]:
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


def read_ragged(text: str, delimiter: str, notes: list[str]) -> pd.DataFrame:
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


def fast_numbers(details: dict, header_row: int, rows: int,
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
        reader = pd.read_csv(text_handle(text), sep=details["delimiter"], header=None,
                             skiprows=header_row, skip_blank_lines=True, engine="c",
                             na_values=sorted(MISSING_TOKENS), keep_default_na=False,
                             decimal=settings.decimal or ".", thousands=settings.thousands or None,
                             index_col=False, chunksize=CHUNK_ROWS)
        frame = pd.concat(list(reader), ignore_index=True)
    except (ValueError, pd.errors.ParserError):
        return None
    return frame if len(frame) == rows else None
