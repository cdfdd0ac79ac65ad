"""What a file expands to, measured before it is read, against the memory this computer has.

A workbook is a zip: 1 MB can unpack to a sheet of millions of cells, and one cell far from the
others makes the reader fill the whole rectangle between them. So before a workbook is read,
each sheet's rectangle is measured from its XML (streamed, never held whole): the highest row
and column any cell names (`.xlsx`), or the rows and columns that repeated cells cover
(`.ods`). A sheet whose cells would not fit in the memory budget is not read, and the user is
told how large it is and what to do. Error cells (`#DIV/0!`) are collected on the same pass:
the workbook reader gives them as empty, and they must be written back as the file shows them.
"""

from __future__ import annotations

import html
import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass, field

from custseg_gui.core.errors import UserError

# Memory per cell while a sheet is read: the reader's own copy, the cell's Python value, its
# text and the table's columns (measured on sheets of text and numbers: 90-110 bytes).
BYTES_PER_CELL = 120
# And per byte of a text file: the bytes, the text, its cells and the typed columns (measured:
# 14 on a million customers of seven columns, 100 MB of which is Python itself).
BYTES_PER_TEXT_BYTE = 12
# Share of the memory available now that one file may take.
BUDGET_SHARE = 0.6
# When the memory available cannot be found out.
ASSUMED_AVAILABLE = 2 << 30
CHUNK = 4 << 20  # bytes of XML examined at a time


@dataclass
class SheetExtent:
    """How far one sheet's cells reach, and its error cells."""

    name: str
    rows: int = 0
    columns: int = 0
    xml_bytes: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 1-based
    partial: bool = False  # measured until it was clearly too large; rows extrapolated

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def memory(self) -> int:
        return self.cells * BYTES_PER_CELL


def available_memory() -> int:
    """Bytes of memory this computer can give now (without swapping), or a modest guess."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":
        return _windows_available() or ASSUMED_AVAILABLE
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES") if "SC_AVPHYS_PAGES" in os.sysconf_names \
            else os.sysconf("SC_PHYS_PAGES") // 2  # macOS: half the memory, a fair share
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return ASSUMED_AVAILABLE


def _windows_available() -> int | None:
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong),
                    ("total_physical", ctypes.c_ulonglong),
                    ("available_physical", ctypes.c_ulonglong),
                    ("total_page_file", ctypes.c_ulonglong),
                    ("available_page_file", ctypes.c_ulonglong),
                    ("total_virtual", ctypes.c_ulonglong),
                    ("available_virtual", ctypes.c_ulonglong),
                    ("available_extended", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.length = ctypes.sizeof(MemoryStatus)
    if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return int(status.available_physical)
    return None


def budget() -> int:
    """Bytes one file may take while it is read."""
    return int(available_memory() * BUDGET_SHARE)


def size_text(size: float) -> str:
    """`1.2 GB`, `340 MB`, `12 KB`."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}" if size < 10 * scale else \
                f"{size / scale:,.0f} {unit}"
    return f"{int(size)} bytes"


def too_large_message(file_name: str, what: str, needed: int, advice: str) -> str:
    """The one sentence a user reads when a file does not fit."""
    return (f"{file_name} is too large to open on this computer: {what}, which needs about "
            f"{size_text(needed)} of memory, and about {size_text(budget())} can be spared "
            f"now. {advice}")


def sheet_description(extent: SheetExtent, packed: int) -> str:
    about = "about " if extent.partial else ""
    return (f"its sheet '{extent.name}' expands to {about}{extent.rows:,} rows x "
            f"{extent.columns:,} columns ({about}{extent.cells:,} cells, "
            f"{size_text(extent.xml_bytes)} unpacked from a {size_text(packed)} file)")


SHEET_ADVICE = ("Save that sheet as CSV (in Excel: File > Save As > CSV) and open the CSV, or "
                "delete the empty rows and columns around the table and save the workbook again.")
TEXT_ADVICE = ("Open a file with fewer rows or columns (export only the columns you need), or "
               "close other programs and try again.")


# --- .xlsx ----------------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATION_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,9})"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
MAX_ROW_BYTES = 64 << 20
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(?:(?!</(?:\w+:)?c>).)*?'
                         rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,9})"')


def _attributes(tag: bytes) -> dict[str, str]:
    return {name.decode("ascii", "replace").split(":")[-1] if name != b"r:id" else "r:id":
            html.unescape(value.decode("utf-8", "replace"))
            for name, value in _ATTRIBUTE.findall(tag)}


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its cells."""
    names = set(archive.namelist())

    def small(member: str) -> bytes:
        if member not in names or archive.getinfo(member).file_size > 50 << 20:
            return b""
        return archive.read(member)

    targets = {}
    for tag in _RELATION_TAG.findall(small("xl/_rels/workbook.xml.rels")):
        attributes = _attributes(tag)
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attributes.get("Id")] = os.path.normpath(target).replace("\\", "/")
    parts = {}
    for tag in _SHEET_TAG.findall(small("xl/workbook.xml")):
        attributes = _attributes(tag)
        relation = next((value for key, value in attributes.items() if key.endswith("id")
                         and key != "sheetId"), None)
        part = targets.get(relation)
        if "name" in attributes and part in names:
            parts[attributes["name"]] = part
    return parts


def xlsx_extent(archive: zipfile.ZipFile, name: str, part: str,
                limit: int | None = None) -> SheetExtent:
    """The rectangle the sheet's cells span and its error cells, streamed through its XML.

    Past `limit` cells the rest is not read: the rows are extrapolated from the share of the
    XML read, and the extent marked `partial` (it is too large either way)."""
    extent = SheetExtent(name, xml_bytes=archive.getinfo(part).file_size)
    rows = columns = row_number = consumed = 0
    tail = b""
    with archive.open(part) as stream:
        first = stream.read(CHUNK)
        # Excel writes <row>; some programs a namespace prefix (<x:row>), read more slowly.
        prefixed = b"<row" not in first and re.search(rb"<\w+:row\b", first) is not None
        row_end, row_start = (b"</row>", b"<row") if not prefixed else (None, None)
        chunk = first
        while True:
            consumed += len(chunk)
            buffer = tail + chunk
            if prefixed:
                ends = [match.end() for match in _ROW_END.finditer(buffer)][-1:]
            else:
                found = buffer.rfind(row_end)
                ends = [found + len(row_end)] if found >= 0 else []
            if chunk and not ends:
                if len(buffer) > MAX_ROW_BYTES:  # one row of more than 64 MB: no table
                    extent.rows, extent.columns = 1, extent.xml_bytes // 4
                    return extent
                tail, chunk = buffer, stream.read(CHUNK)
                continue
            cut = ends[-1] if chunk else len(buffer)
            body, tail = buffer[:cut], buffer[cut:]
            for row in (_ROW_END.split(body) if prefixed else body.split(row_end)):
                # Each piece ends with one row's cells; the last cell names how far it reaches.
                if prefixed:
                    found = _ROW_TAG.search(row)
                    start = found.start() if found else -1
                else:
                    start = row.rfind(row_start)
                if start < 0:
                    continue
                numbered = _ROW_NUMBER.match(row, start)
                row_number = int(numbered.group(1)) if numbered else row_number + 1
                rows = max(rows, row_number)
                last = row.rfind(b' r="')
                reference = _REF.match(row, last + 1) if last >= 0 else None
                if reference:
                    columns = max(columns, column_number(reference.group(1)))
                    rows = max(rows, int(reference.group(2)))
                else:  # cells without references stand one after another
                    columns = max(columns, len(_CELL_TAG.findall(row)))
            if b't="e"' in body:
                for match in _ERROR_CELL.finditer(body):
                    reference = _REF.search(match.group(1))
                    if reference:
                        extent.errors[(int(reference.group(2)),
                                       column_number(reference.group(1)))] = \
                            html.unescape(match.group(2).decode("utf-8", "replace"))
            if not chunk:
                break
            processed = max(consumed - len(tail), 1)
            # Past the limit, or clearly on course to pass it: the rest need not be read.
            if limit is not None and (rows * columns > limit or rows * columns
                                      * extent.xml_bytes / processed > 1.25 * limit):
                if consumed < extent.xml_bytes:
                    extent.partial = True
                    rows = max(rows, int(round(rows * extent.xml_bytes / processed, -3)))
                break
            chunk = stream.read(CHUNK)
    # The reader fills the rectangle from A1 to the farthest cell, whatever <dimension> says.
    extent.rows, extent.columns = rows, columns
    return extent


# --- .ods -----------------------------------------------------------------------------------------

_TABLE = re.compile(rb'<table:table\b([^>]*?)(?:/>|>(.*?)</table:table>)', re.S)
_TABLE_ROW = re.compile(rb'<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)', re.S)
_TABLE_CELL = re.compile(rb'<table:(?:covered-)?table-cell\b([^>]*?)(/?)>')
_TEXT_P = re.compile(rb'\s*<text:p[^>]*>([^<]*)</text:p>')
_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')


def ods_extents(archive: zipfile.ZipFile) -> list[SheetExtent] | None:
    """Each sheet's rectangle as the reader expands it: repeated rows and cells that hold a
    value count as often as they repeat (empty ones at the end are dropped). None when the
    sheets' XML alone is beyond the budget."""
    info = archive.getinfo("content.xml")
    if info.file_size * BYTES_PER_UNPACKED_BYTE > budget():
        return None  # check_unpacked_parts refuses it
    content = archive.read("content.xml")
    extents = []
    for table in _TABLE.finditer(content):
        name = _attributes(table.group(1)).get("name", f"Sheet{len(extents) + 1}")
        extent = SheetExtent(name, xml_bytes=len(table.group(0)))
        row_count = 0
        for row in _TABLE_ROW.finditer(table.group(2) or b""):
            repeated = _ROWS_REPEATED.search(row.group(1))
            times = int(repeated.group(1)) if repeated else 1
            width = used = 0
            cells = row.group(2) or b""
            for cell in _TABLE_CELL.finditer(cells):
                attributes, closed = cell.group(1), cell.group(2)
                across = _COLUMNS_REPEATED.search(attributes)
                count = int(across.group(1)) if across else 1
                if b'value-type="error"' in attributes:
                    # LibreOffice keeps a formula's error as text beside a value of 0, which
                    # the reader would give as the number 0: the text is what the sheet shows.
                    shown = _TEXT_P.match(cells, cell.end())
                    text = html.unescape(shown.group(1).decode("utf-8", "replace")) if shown \
                        else "#VALUE!"
                    for down in range(min(times, 1_000)):
                        for across_ in range(min(count, 1_000)):
                            extent.errors[(row_count + down + 1, width + across_ + 1)] = text
                width += count
                if b"value-type" in attributes or not closed:
                    used = width
            row_count += times
            if used:
                extent.rows = row_count
                extent.columns = max(extent.columns, used)
        extents.append(extent)
    return extents


# --- the checks -----------------------------------------------------------------------------------

def workbook_extents(data: bytes, kind: str) -> dict[str, SheetExtent] | None:
    """Sheet name -> its extent, for the kinds that can be measured (.xlsx, .ods)."""
    if kind not in ("xlsx", "ods"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if kind == "ods":
                extents = ods_extents(archive)
                return None if extents is None else {extent.name: extent for extent in extents}
            limit = budget() // BYTES_PER_CELL
            return {name: xlsx_extent(archive, name, part, limit)
                    for name, part in xlsx_sheet_parts(archive).items()}
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError):
        return None  # the workbook reader says what is wrong with it


# Memory per byte of a part the reader holds whole: its bytes, their text, the values.
BYTES_PER_UNPACKED_BYTE = 4


def check_unpacked_parts(file_name: str, data: bytes, kind: str) -> None:
    """Refuse a workbook whose parts read whole on opening would not fit in memory: an
    .xlsx's shared strings, an .ods's content (all its sheets in one XML)."""
    member, what = {"xlsx": ("xl/sharedStrings.xml", "its text cells"),
                    "ods": ("content.xml", "its sheets")}.get(kind, (None, None))
    if member is None:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = archive.getinfo(member).file_size
    except (KeyError, zipfile.BadZipFile, OSError):
        return
    needed = size * BYTES_PER_UNPACKED_BYTE
    if needed > budget():
        raise UserError(too_large_message(
            file_name, f"{what} unpack to {size_text(size)}", needed, SHEET_ADVICE))


def fits(extent: SheetExtent) -> bool:
    return extent.memory <= budget()
