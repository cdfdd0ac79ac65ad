"""Whatever a user opens, load_table returns a table or a UserError: never a crash, never a hang.

Hypothesis writes random bytes and random near-CSV text (any separator, quotes, numbers written
with commas and points, currency signs, missing-value spellings, ragged rows, title lines,
unicode) to a file named .csv, .txt or .xlsx, and checks what comes back.

The runs are derandomized so CI sees the same examples every time, and nothing is written to a
.hypothesis folder in the checkout. To explore further, set CUSTSEG_FUZZ_EXAMPLES=5000 and
CUSTSEG_FUZZ_RANDOM=1.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from custseg_gui.core.errors import UserError

from custseg_gui.core.settings import LoadSettings

from custseg_gui.core.sources import LoadedTable, load_table

EXAMPLES = int(os.environ.get("CUSTSEG_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=3000,  # milliseconds per example: a file that takes longer counts as a hang
    database=None,
    derandomize=not os.environ.get("CUSTSEG_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The message load_table falls back to when a parser fails in a way nobody foresaw: a fuzz
# example that ends there has found a crash hidden behind a polite sentence.
FALLBACK = "could not be read as a table of customers"


def load_file(content: bytes, name: str, load_settings: LoadSettings = LoadSettings()):
    """Write content under the name in a fresh folder and load it: a table or a UserError."""
    with tempfile.TemporaryDirectory(prefix="custseg-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return load_table(path, load_settings)
        except UserError as error:
            return error


def check_outcome(outcome, content: bytes) -> None:
    """A loaded table is consistent; a refusal is a specific sentence, not a hidden crash."""
    if isinstance(outcome, UserError):
        assert outcome.message.strip(), "a refusal must say something"
        assert "Traceback" not in outcome.message
        assert FALLBACK not in outcome.message, (
            f"an unforeseen parser error for {content[:300]!r}:\n{outcome.details}")
        return
    assert isinstance(outcome, LoadedTable)
    raw, frame, report = outcome.raw, outcome.frame, outcome.report
    assert raw.shape == frame.shape
    assert list(raw.columns) == list(frame.columns)
    assert raw.columns.is_unique and all(str(name).strip() for name in raw.columns)
    assert report.rows == len(raw) > 0
    assert report.columns == raw.shape[1] > 0
    assert all(isinstance(cell, str) for cell in raw.to_numpy().ravel())
    for name in frame.columns:
        dtype = frame[name].dtype
        assert (dtype == np.float64 or dtype == object
                or pd.api.types.is_datetime64_any_dtype(dtype)), (name, dtype)
    assert report.number_format.decimal in (".", ",")
    assert set(report.units) <= set(frame.columns)
    assert report.header_row >= 1


# --- strategies -----------------------------------------------------------------------------------

MISSING = st.sampled_from(["", "NA", "N/A", "n/a", "-", "?", "NULL", "null", "#N/A", "NaN",
                           " ", "--", "None"])
CURRENCY = st.sampled_from(["", "", "$", "€", "£", "¥", " EUR", " USD", "%", " %"])


@st.composite
def numbers_as_written(draw) -> str:
    """A number the way a person or a program may write it, right or a little wrong."""
    value = draw(st.floats(-1e9, 1e9, allow_nan=False) | st.integers(-10**12, 10**12))
    decimals = draw(st.integers(0, 4))
    text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    style = draw(st.sampled_from(["us", "de", "fr", "ch", "ch-typeset", "plain", "garbled"]))
    if style == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    elif style == "fr":
        text = text.replace(",", draw(st.sampled_from([" ", "\u00a0", "\u202f"]))).replace(
            ".", ",")
    elif style == "ch":
        text = text.replace(",", "'")
    elif style == "ch-typeset":
        text = text.replace(",", "\u2019")
    elif style == "plain":
        text = text.replace(",", "")
    elif style == "garbled":
        text = draw(st.text(alphabet="0123456789.,-+()eE% $€", min_size=1, max_size=12))
    unit = draw(CURRENCY)
    sign = draw(st.sampled_from(["", "", "", "brackets", "trailing", "plus"]))
    if sign == "brackets":  # an accounting negative: (12.00)
        text = f"({text.lstrip('-')})"
    elif sign == "trailing":  # a ledger's negative: 12.00-
        text = text.lstrip("-") + "-"
    elif sign == "plus":
        text = "+" + text.lstrip("-")
    if draw(st.integers(0, 9)) == 0:  # a dash for zero, as Excel's Accounting format writes it
        text = draw(st.sampled_from([" -   ", "-  ", "-"]))
    if unit.strip() in ("$", "€", "£", "¥", "") and draw(st.booleans()):
        text = unit.strip() + draw(st.sampled_from(["", " "])) + text
    else:
        text = text + unit
    if draw(st.integers(0, 4)) == 0:  # Excel's padding around Accounting amounts
        text = f" {text} "
    return text


DATES = st.builds(lambda day, month, year, sep, order: sep.join(
    [f"{day:02d}", f"{month:02d}", str(year)] if order else [f"{month:02d}", f"{day:02d}",
                                                              str(year)]),
    st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2100),
    st.sampled_from(["/", ".", "-"]), st.booleans())
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
CELLS = st.one_of(numbers_as_written(), MISSING, DATES, WORDS,
                  st.from_regex(r"0\d{1,6}", fullmatch=True),  # codes with leading zeros
                  st.sampled_from(['"', '""', '"a,b"', "'", "\\", "a;b", "a\tb", "x\ny"]))


def quoted(cell: str, delimiter: str, quote_all: bool) -> str:
    if quote_all or any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def near_csv_text(draw) -> str:
    """A table-ish text: a header, rows of mixed cells, sometimes ragged, titled or quoted."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|", " ", ":"]))
    width = draw(st.integers(1, 6))
    header = draw(st.lists(WORDS | st.sampled_from(["", "ID", "Income", "Income"]),
                           min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(CELLS, min_size=max(0, width - 2), max_size=width + 2),
                         min_size=0, max_size=25))
    quote_all = draw(st.booleans())
    # Some programs leave the quotes off even when they would be needed: a broken file.
    careless = draw(st.booleans())
    lines = []
    if draw(st.booleans()):
        lines += draw(st.lists(WORDS, min_size=1, max_size=3))  # title lines
    for row in [header, *rows]:
        cells = row if careless else [quoted(cell, delimiter, quote_all) for cell in row]
        lines.append(delimiter.join(cells))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))
    return text


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "mac_roman",
                            "cp1251", "cp932", "gb18030"])


# --- properties -----------------------------------------------------------------------------------

@FUZZ
@given(content=st.binary(max_size=4096),
       name=st.sampled_from(["customers.csv", "customers.txt", "customers.xlsx", "customers.xls",
                             "customers.ods", "customers"]))
# Found by this test: whitespace that is not a space, tab or line end, and nothing else, made
# the separator detection take the largest of no line lengths (ValueError).
@example(content=b"\x0b", name="customers.csv")
@example(content=b"\x0c\r\n\x0c", name="customers.csv")
@example(content="\u00a0\n\u2028".encode(), name="customers.txt")
def test_random_bytes_load_or_are_refused_plainly(content, name):
    # Given any bytes at all under a customer-file name
    # When they are loaded
    outcome = load_file(content, name)

    # Then the result is a consistent table or a specific UserError
    check_outcome(outcome, content)


@FUZZ
@given(text=near_csv_text(), encoding=ENCODINGS,
       name=st.sampled_from(["customers.csv", "customers.csv", "customers.tsv",
                             "customers.xlsx"]))
def test_near_csv_text_loads_or_is_refused_plainly(text, encoding, name):
    # Given a table-like text in some encoding (characters the encoding lacks become `?`)
    content = text.encode(encoding, errors="replace")

    # When it is loaded
    outcome = load_file(content, name)

    # Then the result is a consistent table or a specific UserError; a text named .xlsx is
    # always refused
    check_outcome(outcome, content)
    if name.endswith(".xlsx") and content.strip():
        assert isinstance(outcome, UserError)


@FUZZ
@given(text=near_csv_text(),
       load_settings=st.builds(
           LoadSettings,
           encoding=st.sampled_from([None, "utf-8", "cp1252", "latin-1", "ascii", "utf-16", "cp932",
                                     "no-such-codec"]),
           delimiter=st.sampled_from([None, ",", ";", "\t", "|"]),
           decimal=st.sampled_from([None, ".", ","]),
           thousands=st.sampled_from([None, "", ",", ".", " ", "'"]),
           header_row=st.none() | st.integers(1, 40),
           day_first=st.sampled_from([None, True, False])))
def test_near_csv_text_with_any_user_settings_loads_or_is_refused_plainly(text, load_settings):
    # Given a table-like text and whatever the user set in the import dialog
    content = text.encode("utf-8")

    # When it is loaded with those settings
    outcome = load_file(content, "customers.csv", load_settings)

    # Then the result is a consistent table or a specific UserError
    check_outcome(outcome, content)
    if isinstance(outcome, LoadedTable) and load_settings.header_row:
        assert outcome.report.header_row == load_settings.header_row


@st.composite
def workbook_bytes(draw) -> bytes:
    """A real .xlsx with a few rows of mixed cells, some sheets empty."""
    workbook = openpyxl.Workbook()
    sheets = draw(st.integers(1, 3))
    for number in range(sheets):
        sheet = workbook.active if number == 0 else workbook.create_sheet(f"Sheet {number + 1}")
        # Excel error values (openpyxl writes them as error cells, t="e"), a total row's label
        cells = st.one_of(st.none(), st.integers(-10**6, 10**6),
                          st.sampled_from(["#DIV/0!", "#N/A", "#REF!", "Total", "Subtotal"]),
                          st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
                          st.booleans(), WORDS.map(lambda word: "".join(
                              ch for ch in word if ch.isprintable())), CELLS.filter(
                              lambda cell: cell.isprintable()))
        for row in draw(st.lists(st.lists(cells, max_size=5), max_size=8)):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(content=workbook_bytes(), name=st.sampled_from(["customers.xlsx", "customers.csv"]))
def test_random_workbooks_load_or_are_refused_plainly(content, name):
    # Given a real workbook with random cells, named .xlsx or (wrongly) .csv
    # When it is loaded
    outcome = load_file(content, name)

    # Then the result is a consistent table or a specific UserError; a workbook named .csv is
    # always refused with the advice to rename it
    check_outcome(outcome, content)
    if name.endswith(".csv"):
        assert isinstance(outcome, UserError) and "Rename it to end in .xlsx" in outcome.message


# --- nothing written is lost ----------------------------------------------------------------------

PRINTABLE_CELLS = CELLS.filter(lambda cell: all(ch in "\n\t" or ord(ch) >= 32 for ch in cell))


@st.composite
def written_table(draw, rectangular: bool):
    """(delimiter, header, rows, text) of a correctly quoted CSV."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(2 if rectangular else 1, 5))
    header = [f"Col{number}" for number in range(width)]
    cells = PRINTABLE_CELLS
    if rectangular:
        # Detection has only the quoting to go by when a cell holds another candidate
        # separator, and judges a sample of whole lines (a line break inside a quoted cell of
        # a two-row file, even U+0085 or U+2028, can leave too little to judge); keep those
        # out so the file has one clear reading.
        cells = cells.filter(lambda cell: cell == "".join(cell.splitlines()) and not any(
            other in cell for other in ",;\t|" if other != delimiter))
    sizes = {"min_size": width, "max_size": width} if rectangular else {
        "min_size": 1, "max_size": width + 2}
    rows = draw(st.lists(st.lists(cells, **sizes), min_size=2, max_size=12))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
               quoting=draw(st.sampled_from([csv.QUOTE_ALL, csv.QUOTE_MINIMAL]))).writerows(
        [header, *rows])
    return delimiter, header, rows, buffer.getvalue()


def filled(rows) -> list[list[str]]:
    """The non-blank cells of each row that has any, in order."""
    cells = [[cell for cell in row if str(cell).strip()] for row in rows]
    return [row for row in cells if row]


@FUZZ
@given(table=written_table(rectangular=False))
def test_every_value_written_is_kept_in_its_row(table):
    # Given a correctly quoted CSV with ragged rows, read with its separator and header row
    delimiter, header, rows, text = table

    # When it is loaded
    outcome = load_file(text.encode("utf-8"), "customers.csv",
                        LoadSettings(delimiter=delimiter, header_row=1))

    # Then every non-blank cell is in the raw table, in its own row and order
    check_outcome(outcome, text.encode("utf-8"))
    if isinstance(outcome, UserError):
        assert not filled(rows)  # refused only when nothing but blanks is under the header
        return
    assert filled(outcome.raw.itertuples(index=False)) == filled(rows)


@FUZZ
@given(table=written_table(rectangular=True))
def test_separator_and_header_of_a_clean_table_are_detected(table):
    # Given a correctly quoted, rectangular CSV with a header of names
    delimiter, header, rows, text = table

    # When it is loaded with nothing set
    outcome = load_file(text.encode("utf-8"), "customers.csv")

    # Then the separator and the header are the ones written
    if not filled(rows):
        return
    check_outcome(outcome, text.encode("utf-8"))
    assert outcome.report.delimiter == delimiter
    assert outcome.report.header_row == 1
    assert list(outcome.raw.columns) == header


# --- numbers written in any one format read back as the numbers written ---------------------------

# (decimal mark, thousands separator) of the formats people write amounts in.
NUMBER_FORMATS = {"us": (".", ","), "de": (",", "."), "fr": (",", "\u202f"), "ch": (".", "'"),
                  "ch-typeset": (".", "\u2019"), "plain": (".", "")}


def written_amount(value: float, decimal: str, thousands: str, sign: str, unit: str,
                   padded: bool) -> str:
    """`value` the way a program of that format writes it (two decimals)."""
    if value == 0 and (unit or padded):
        text = "-"  # Excel's Accounting zero
    else:
        digits = f"{abs(value):,.2f}".replace(",", "\0").replace(".", decimal).replace(
            "\0", thousands)
        if value < 0:
            digits = {"minus": f"-{digits}", "brackets": f"({digits})",
                      "trailing": f"{digits}-"}[sign]
        text = digits
    if unit in ("$", "CHF"):
        text = f"{unit} {text}"
    elif unit:
        text = f"{text} {unit}"
    return f" {text}   " if padded else text


@FUZZ
@given(values=st.lists(st.integers(-10**9, 10**9).map(lambda cents: cents / 100), min_size=2,
                       max_size=30).filter(any),  # dashes alone are not a number column
       style=st.sampled_from(sorted(NUMBER_FORMATS)),
       sign=st.sampled_from(["minus", "brackets", "trailing"]),
       unit=st.sampled_from(["", "$", "€", "CHF"]), padded=st.booleans())
def test_amounts_in_any_one_format_read_back_as_written(values, style, sign, unit, padded):
    # Given a column of amounts written consistently in one format, with one way of writing
    # negatives, perhaps a currency and Excel's Accounting padding
    decimal, thousands = NUMBER_FORMATS[style]
    cells = [written_amount(value, decimal, thousands, sign, unit, padded) for value in values]
    lines = ["Customer;Amount"] + [f"C{number};{cell}" for number, cell in enumerate(cells)]
    content = ("\n".join(lines) + "\n").encode("utf-8")

    # When it is loaded with nothing set
    outcome = load_file(content, "amounts.csv")

    # Then every amount is the number written, and the cells are kept as written
    check_outcome(outcome, content)
    assert isinstance(outcome, LoadedTable), outcome
    assert list(outcome.raw["Amount"]) == cells
    read = outcome.frame["Amount"]
    assert read.dtype == np.float64, (cells, list(read))
    assert np.allclose(read.to_numpy(), values, rtol=1e-12, atol=0), (cells, list(read))
