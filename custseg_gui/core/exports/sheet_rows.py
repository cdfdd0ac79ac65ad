"""The customer rows of a workbook sheet as XML, a block of rows at a time.

Which cells are numbers: `cell_number` decides one cell (the careful rule). The fast path
decides a whole column of a block at once, by numpy over the column's bytes (cell_bytes.py),
so the common cell costs no Python work of its own. Cells that need XML escaping, may have
an exponent, or are too long for Excel take the careful path one by one. The tests hold both
paths, and XlsxWriter's own writing of each cell, to the same cells.
"""

from __future__ import annotations

import math
import re
from itertools import chain, repeat

import numpy as np

from custseg_gui.core.exports.cell_bytes import DIGITS, CellBytes, byte_class

# Rows per block: joining a block's XML is one step that holds Python's interpreter lock (about
# 20 ms for 10,000 rows); the window, exporting meanwhile, must not wait much longer.
BLOCK_ROWS = 10_000
MAX_DIGITS = 15  # Excel keeps 15 significant digits of a number

_WHOLE = re.compile(r"-?(?:0|[1-9]\d*)", re.ASCII)
_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)\.\d*[1-9]", re.ASCII)
_EXPONENT = re.compile(r"-?[1-9](?:\.\d*[1-9])?e[-+]\d+", re.ASCII)
_ESCAPE_LIKE = re.compile(rb"_x[0-9a-fA-F]{4}_")
# Bytes that make a cell need the careful path: what XlsxWriter escapes, and at either end of a
# cell, whitespace (kept with xml:space) or a character outside ASCII (which may be a space).
XML_CARE = byte_class("&<>" + "".join(map(chr, [*range(1, 9), *range(11, 32)])))
EDGE_CARE = byte_class(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", high=True)
EXPONENT_LETTER, EXPONENT_NEXT = byte_class("eE"), byte_class(DIGITS + "+-")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
EXCEL_TEXT_LIMIT = 32_767  # UTF-16 units

NUMBER_OPEN, NUMBER_CLOSE = "<c><v>", "</v></c>"
TEXT_OPEN, TEXT_CLOSE = '<c t="inlineStr"><is><t>', "</t></is></c>"
TEXT_OPEN_KEEP_SPACES = '<c t="inlineStr"><is><t xml:space="preserve">'
BLANK = "<c/>"


def cell_number(text: str) -> int | float | None:
    """The number a customer cell holds in the workbook, or None to keep it as text.

    A cell is a number when Excel holds exactly what is written and shows it back: at most 15
    digits (Excel's precision), written as Python writes that number: 12, -3.5, 9224.7, 0.001,
    1e-05. Codes (0001), amounts written 1.50 or 25.0, 1e5 and longer numbers stay text.
    """
    if text == "-0" or sum(character in "0123456789" for character in text) > MAX_DIGITS:
        return None
    if _WHOLE.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return None if text.lstrip("-").startswith("0.0000") else float(text)
    if _EXPONENT.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) and repr(value) == text else None
    return None


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def excel_text(text: str) -> str:
    """Text cut to what an Excel cell holds, as XlsxWriter cuts it."""
    if len(text) <= EXCEL_TEXT_LIMIT // 2 or _utf16_length(text) <= EXCEL_TEXT_LIMIT:
        return text
    length = 0
    for index, character in enumerate(text):
        length += 2 if ord(character) > 0xFFFF else 1
        if length > EXCEL_TEXT_LIMIT:
            return text[:index]
    return text


def text_xml(text: str) -> str:
    """A text cell, escaped as XlsxWriter escapes it."""
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", excel_text(text))
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    opening = TEXT_OPEN_KEEP_SPACES if _EDGE_SPACE.search(text) else TEXT_OPEN
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return opening + text + TEXT_CLOSE


def cell_xml(text) -> str:
    """One customer cell, the careful way."""
    text = str(text)
    if not text:
        return BLANK
    value = cell_number(text)
    if value is not None:
        return NUMBER_OPEN + text + NUMBER_CLOSE
    return text_xml(text)


LONG_CELL = EXCEL_TEXT_LIMIT // 2  # shorter text always fits a cell
# The XML around a cell's text by its kind: text, number, empty, whole XML made carefully.
_OPENS = np.array([TEXT_OPEN, NUMBER_OPEN, BLANK, ""], dtype=object)
_CLOSES = np.array([TEXT_CLOSE, NUMBER_CLOSE, "", ""], dtype=object)


def column_xml(cells: np.ndarray):
    """One column of a block: ("number", texts) or ("text", texts) when every cell is of that
    kind, else ("xml", (openings, texts, closings))."""
    try:
        view = CellBytes(cells)
    except (TypeError, ValueError):  # not all text, or a NUL inside a cell
        return "xml", (repeat(""), [cell_xml(cell) for cell in cells], repeat(""))
    filled = view.lengths > 0
    care = view.any(XML_CARE) | (view.lengths > LONG_CELL) | (
        filled & (EDGE_CARE[view.byte(0)] | EDGE_CARE[view.last()]))
    if "e" in view.joined or "E" in view.joined:  # an exponent takes the careful path
        care[view.followed(EXPONENT_LETTER, EXPONENT_NEXT)] = True
    if "_x" in view.joined:
        care[view.cells_at([match.start() for match in
                            _ESCAPE_LIKE.finditer(view.bytes.tobytes())])] = True
    kind = view.numbers().astype(np.int8)
    kind[~filled] = 2
    kind[care] = 3
    if (kind == 1).all():
        return "number", cells
    if (kind == 0).all():
        return "text", cells
    values = cells
    careful = np.flatnonzero(care)
    if len(careful):
        values = cells.copy()
        values[careful] = [cell_xml(cell) for cell in cells[careful]]
    return "xml", (_OPENS[kind], values, _CLOSES[kind])


def rows_xml(customers, start: int, end: int, first_row: int) -> str:
    """Customers start..end as <row> elements, the first numbered `first_row` (1-based).

    Cells carry no reference of their own (it is optional): each row's cells follow one
    another from column A, an empty cell written as <c/>."""
    parts = [map('<row r="{}">'.format, range(first_row, first_row + end - start))]
    for kind, values in map(column_xml, customers.block(start, end)):
        if kind == "number":
            parts += [repeat(NUMBER_OPEN), values, repeat(NUMBER_CLOSE)]
        elif kind == "text":
            parts += [repeat(TEXT_OPEN), values, repeat(TEXT_CLOSE)]
        else:
            parts += values
    parts.append(repeat("</row>"))
    return "".join(chain.from_iterable(zip(*parts)))
