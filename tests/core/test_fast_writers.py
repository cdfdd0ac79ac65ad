"""The fast writers of the customer list (segments.csv, the workbook's Customers sheets) give
the same cells as the careful ones, on awkward text; long lists go on over several sheets; a
cancelled export leaves the folder as it was.

The careful CSV writer takes each cell on its own; the careful workbook has XlsxWriter write
every cell itself. Small blocks make every list span several blocks."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custseg_gui.core.errors import Cancelled
from custseg_gui.core.exports import ExportContext, customers, export_files, sheet_rows, workbook
from custseg_gui.core.exports.customers import (careful_csv_bytes, customer_list, neutral_text,
                                                write_csv)
from custseg_gui.core.pipeline import run as run_analysis
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import AnalysisSettings

# Text that trips writers: quotes, separators, line breaks, formula starts, spaces at the
# ends, XML characters and escapes, control characters, non-ASCII, numbers written many ways.
AWKWARD = ['say "hi"', "a,b", "two\nlines", "cr\rinside", "crlf\r\nend", "=1+1", "+cmd", "-foo",
           "@SUM(A1)", "\tlead tab", "\rlead return", " lead space", "trail space ", "x\n",
           "<b>&amp;</b>", "_x0041_", "bell\x07", "vt\x0b", "Émilie", "日本語", "😀 emoji",
           "\u00a0nbsp", "Ann-Marie", "Jean-5e", "", "-", ".", "'quoted"]
NUMBERS = ["12", "-3.5", "0", "-0", "007", "1.50", "25.0", "9224.7", "0.1", "1e5", "1e-05",
           "1E-05", "-1e+16", "0.0001", "0.00001", "-0.5", ".5", "5.", "--5", "1-2", "1.2.3",
           "123456789012345", "1234567890123456", "-123456789012345", "0.14285714285714285",
           "99999999999999.9", "-42.75", "1,234.5", " 12", "12 ", "+5", "4.0e3", "1e400"]
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
               max_size=12)
CELL = st.one_of(st.sampled_from(AWKWARD), st.sampled_from(NUMBERS), TEXT,
                 st.floats(allow_nan=False, allow_infinity=False).map(repr),
                 st.integers(-10**16, 10**16).map(str))
ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_")
# Longer than Excel's 32,767 characters (an emoji counts twice there), or just under.
LONG_CELL = st.tuples(st.sampled_from(["a", "😀", ' ab,"\n', "é"]),
                      st.sampled_from([16_400, 32_767, 40_000])).map(
    lambda piece_length: (piece_length[0] * piece_length[1])[:piece_length[1]])


@st.composite
def customer_tables(draw, long_text: bool = False):
    """A table of text cells, each row's segment (0: left out) and the segment names."""
    rows = draw(st.integers(1, 14))
    width = draw(st.integers(1, 4))
    header = draw(st.lists(st.one_of(st.sampled_from(AWKWARD), TEXT), min_size=width,
                           max_size=width, unique=True))
    columns = {name: draw(st.lists(CELL, min_size=rows, max_size=rows)) for name in header}
    if long_text:
        columns[header[0]][0] = draw(LONG_CELL)
    raw = pd.DataFrame(columns, dtype=object)
    segments = np.array(draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows)))
    names = {number: draw(st.one_of(st.sampled_from(AWKWARD), TEXT)) for number in (1, 2, 3)}
    left = np.flatnonzero(segments == 0)
    left_out = pd.Series([f"Missing value in {header[0]}"] * len(left), index=left)
    return customer_list(raw, segments, names, left_out)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of 3 rows: every list spans several blocks."""
    monkeypatch.setattr(customers, "BLOCK_ROWS", 3)
    monkeypatch.setattr(sheet_rows, "BLOCK_ROWS", 3)


def read_csv_text(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def fast_csv_bytes(listed) -> bytes:
    handle = io.BytesIO()
    write_csv(handle, listed)
    return handle.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(customer_tables())
def test_fast_csv_writes_the_careful_writers_bytes_and_the_cells_as_read(listed):
    # Given a customer list of awkward text, written by the fast and the careful writer
    fast, careful = fast_csv_bytes(listed), careful_csv_bytes(listed)

    # Then both files are the same, byte for byte
    assert fast == careful
    # and a CSV reader gets back every cell as read (formula-like text with an apostrophe)
    expected = [[neutral_text(name) for name in listed.header]] + [
        [neutral_text(cell) for cell in row] for row in zip(*listed.columns)]
    assert read_csv_text(fast) == expected


# --- the workbook ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(sample_csv):
    return run_analysis(sample_csv, AnalysisSettings(k=3, k_min=3, k_max=3))


def workbook_bytes(analysis, listed, fast: bool) -> bytes:
    handle = io.BytesIO()
    workbook.write_workbook(handle, analysis, listed, {1: "One"}, fast=fast)
    return handle.getvalue()


def customer_cells(data: bytes) -> dict[str, list[list[tuple[str, object]]]]:
    """Every Customers sheet's cells as (type, value), as openpyxl reads them."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {name: [[(cell.data_type, cell.value) for cell in row]
                   for row in book[name].iter_rows()]
            for name in book.sheetnames if name.startswith("Customers")}


def trimmed(rows):
    """Rows without the empty cells at their ends (a careful sheet's rows end at their last
    value, a fast one's at its last column)."""
    result = []
    for row in rows:
        row = list(row)
        while row and row[-1][1] is None:
            row.pop()
        result.append(row)
    return result


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(listed=customer_tables())
def test_fast_workbook_has_the_cells_xlsxwriter_writes_one_by_one(sample, listed):
    # Given a customer list of awkward text, in a workbook written fast and one where
    # XlsxWriter writes every cell itself
    fast = customer_cells(workbook_bytes(sample, listed, fast=True))
    careful = customer_cells(workbook_bytes(sample, listed, fast=False))

    # Then the Customers sheets hold the same cells: same types, same values
    assert fast.keys() == careful.keys() == {"Customers"}
    assert trimmed(fast["Customers"]) == trimmed(careful["Customers"])
    # and every cell reads back as its text, or as the number the careful rule makes of it
    rows = fast["Customers"]
    for row, cells in zip(rows[1:], zip(*listed.columns)):
        for (kind, value), text in zip(row, cells):
            number = sheet_rows.cell_number(text)
            if number is not None:
                assert (kind, value) == ("n", number)
            elif text:
                assert kind == "s"
                if not ESCAPED.search(text):  # (openpyxl reads escapes as they are written)
                    assert value == sheet_rows.excel_text(text)
            else:
                assert value is None


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(listed=customer_tables(long_text=True))
def test_text_longer_than_a_cell_holds_is_cut_alike(sample, listed):
    fast = customer_cells(workbook_bytes(sample, listed, fast=True))
    careful = customer_cells(workbook_bytes(sample, listed, fast=False))
    assert trimmed(fast["Customers"]) == trimmed(careful["Customers"])


@pytest.mark.parametrize("text, number", [
    ("12", 12), ("-3.5", -3.5), ("0", 0), ("9224.7", 9224.7), ("0.0001", 0.0001),
    ("1e-05", 1e-05), ("123456789012345", 123456789012345), ("-0.5", -0.5),
    ("007", None), ("1.50", None), ("25.0", None), ("1e5", None), ("-0", None),
    ("0.00001", None), ("1234567890123456", None), ("0.14285714285714285", None),
    (".5", None), ("5.", None), ("+5", None), (" 12", None), ("1,234.5", None), ("1E-05", None),
])
def test_a_cell_is_a_number_where_excel_holds_it_exactly_as_written(text, number):
    assert sheet_rows.cell_number(text) == number
    assert type(sheet_rows.cell_number(text)) is type(number)


# --- more customers than a sheet holds ------------------------------------------------------------

def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture(scope="module")
def eleven(tmp_path_factory):
    """11 customers in 2 segments, analysed once for the file (the tests only read it)."""
    rows = [["CustomerID", "Income", "Spend"]] + [
        [f"{number:04d}", str(20 + number % 4 * 25), str(90 - number % 3 * 35)]
        for number in range(11)]
    analysis = run_analysis(write_rows(tmp_path_factory.mktemp("eleven") / "customers.csv",
                                       rows),
                            AnalysisSettings(k=2, k_min=2, k_max=2))
    return rows, analysis


def exported_workbook(context, folder, monkeypatch, sheet_rows: int):
    """segments.xlsx exported into a new folder with sheets of `sheet_rows` rows (the column
    names included), read back."""
    monkeypatch.setattr(workbook, "EXCEL_ROWS", sheet_rows)
    out = folder / "out"
    out.mkdir()
    export_files(context, out, ["xlsx"])
    return openpyxl.load_workbook(out / "segments.xlsx")


def test_a_list_longer_than_a_sheet_goes_on_over_further_sheets(eleven, tmp_path, monkeypatch):
    # Given sheets that hold 6 rows (5 customers under the column names) and 11 customers
    rows, analysis = eleven

    # When the workbook is exported
    book = exported_workbook(ExportContext(analysis), tmp_path, monkeypatch, sheet_rows=6)

    # Then the customers fill three sheets, in order, each with the column names on top and a
    # filter over its own customers (the last sheet's one customer included, no empty row)
    assert book.sheetnames == ["Customers", "Customers (2)", "Customers (3)", "Segments",
                               "How k was chosen", "Settings"]
    listed = []
    for name, count in (("Customers", 5), ("Customers (2)", 5), ("Customers (3)", 1)):
        sheet_rows_read = [[("" if value is None else str(value)) for value in row]
                           for row in book[name].iter_rows(values_only=True)]
        assert sheet_rows_read[0][:5] == rows[0] + ["Segment", "Segment name"]
        assert len(sheet_rows_read) == count + 1
        assert book[name].freeze_panes == "A2"
        assert book[name].auto_filter.ref == f"A1:E{count + 1}"
        listed += [row[:3] for row in sheet_rows_read[1:]]
    assert listed == rows[1:]
    # and the first sheet says where the rest is, a sheet of one customer by its number alone
    note = book["Customers"].cell(row=1, column=7).value
    assert note == ("11 customers are more than one Excel sheet holds: this sheet lists "
                    "customers 1 to 5, and the list goes on over 'Customers (2)' (6 to 10), "
                    "'Customers (3)' (11).")
    # and the self-test's check counts every customer
    workbook.check(tmp_path / "out", ExportContext(analysis))


def test_a_sheet_holds_excels_rows_less_the_header_and_the_last_sheet_the_rest():
    # Given Excel's 1,048,576 rows a sheet, one of them for the column names
    ranges = workbook.customer_sheet_ranges

    # Then a list fills 1,048,575 customers a sheet, and the next customer starts another
    assert ranges(3) == [(0, 3)]
    assert ranges(1_048_575) == [(0, 1_048_575)]
    assert ranges(1_048_576) == [(0, 1_048_575), (1_048_575, 1_048_576)]
    # and smaller sheets split the same way, the last holding what is left, however little
    assert ranges(5, per_sheet=2) == [(0, 2), (2, 4), (4, 5)]
    assert ranges(1, per_sheet=1) == [(0, 1)]
    assert ranges(2, per_sheet=1) == [(0, 1), (1, 2)]
    # and a list without customers still has its one sheet, for the column names
    assert ranges(0) == [(0, 0)]


def test_a_list_that_fits_one_sheet_says_nothing_of_others(eleven, tmp_path):
    _rows, analysis = eleven
    export_files(ExportContext(analysis), tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(tmp_path / "segments.xlsx")
    assert book.sheetnames == ["Customers", "Segments", "How k was chosen", "Settings"]
    assert book["Customers"].max_column == 5


# --- cancel ---------------------------------------------------------------------------------------

def folder_state(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("when", ["Writing customers to the workbook (6", "Drawing",
                                  "Writing customers (3"])
def test_cancel_mid_export_leaves_the_folder_as_it_was(eleven, tmp_path, when):
    # Given a folder with an earlier export in it
    _rows, analysis = eleven
    folder = tmp_path / "export"
    folder.mkdir()
    export_files(ExportContext(analysis), folder, ["csv", "xlsx", "json"])
    before = folder_state(folder)

    # When a new export with other names is cancelled in the middle of a file
    messages = []
    progress = Progress(lambda fraction, message: messages.append(message),
                        lambda: any(message.startswith(when) for message in messages))
    with pytest.raises(Cancelled):
        export_files(ExportContext(analysis, {1: "Renamed"}), folder,
                     ["csv", "xlsx", "png", "json"], progress)

    # Then every file is as it was, and no half-written or temporary file is left
    assert folder_state(folder) == before


def test_the_careful_writer_splits_a_long_list_as_the_fast_one(eleven, monkeypatch):
    # Given sheets that hold 4 customers each and 11 customers
    rows, analysis = eleven
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 5)
    listed = ExportContext(analysis).customers

    # When the workbook is written fast and with XlsxWriter writing every cell
    fast = customer_cells(workbook_bytes(analysis, listed, fast=True))
    careful = customer_cells(workbook_bytes(analysis, listed, fast=False))

    # Then both have the same three sheets with the same cells, each customer once, in order
    assert list(fast) == list(careful) == ["Customers", "Customers (2)", "Customers (3)"]
    for name in fast:
        assert trimmed(fast[name]) == trimmed(careful[name])
    ids = [row[0][1] for name in careful for row in careful[name][1:]]
    assert ids == [row[0] for row in rows[1:]]  # "0007" stays text


def column_width(sheet, number: int) -> float:
    """The width of a sheet's column (1 is A), also where columns share one width entry."""
    (width,) = [dimension.width for dimension in sheet.column_dimensions.values()
                if dimension.min <= number <= dimension.max]
    return width


def test_customer_sheet_header_is_bold_on_blue_and_columns_fit_their_text(eleven, tmp_path,
                                                                          monkeypatch):
    # Given 11 customers exported over sheets of 4
    rows, analysis = eleven
    book = exported_workbook(ExportContext(analysis, {1: "A rather long segment name"}),
                             tmp_path, monkeypatch, sheet_rows=5)

    for name in ("Customers", "Customers (2)", "Customers (3)"):
        sheet = book[name]
        # Then every sheet's column names are bold, wrapped, on light blue, at the top
        for cell in sheet[1][:5]:
            assert cell.font.b and cell.alignment.wrap_text
            assert cell.alignment.vertical == "top"
            assert cell.fill.fgColor.rgb == "FFDCE6F1"
        # and a column is as wide as its name or longest cell plus 2, at least 8
        # (XlsxWriter stores n characters as n + 0.71)
        widths = [column_width(sheet, number) for number in range(1, 6)]
        assert widths[0] == pytest.approx(len("CustomerID") + 2 + 0.71, abs=0.01)
        assert widths[1] == pytest.approx(8 + 0.71, abs=0.01)
        assert widths[2] == pytest.approx(8 + 0.71, abs=0.01)  # "Spend": 5 characters
        assert widths[4] == pytest.approx(len("A rather long segment name") + 2 + 0.71,
                                          abs=0.01)
    # and the note of the first sheet wraps in a column 70 wide
    note = book["Customers"].cell(row=1, column=7)
    assert note.alignment.wrap_text and not note.font.b
    assert book["Customers"].column_dimensions["G"].width == pytest.approx(70.71, abs=0.01)
    assert column_width(book["Customers"], 7) == pytest.approx(70.71, abs=0.01)
    # that column alone (the one after it keeps Excel's default width)
    assert not [dimension for dimension in book["Customers"].column_dimensions.values()
                if dimension.min <= 8 <= dimension.max and dimension.customWidth]
    assert book["Customers (2)"].cell(row=1, column=7).value is None


def test_a_long_cell_makes_its_column_at_most_60_wide(tmp_path):
    # Given a customer whose note is 200 characters long
    rows = [["CustomerID", "Income", "Spend", "Note"]] + [
        [f"{number:04d}", str(20 + number % 4 * 25), str(90 - number % 3 * 35),
         "x" * (200 if number == 3 else 3)] for number in range(11)]
    analysis = run_analysis(write_rows(tmp_path / "customers.csv", rows),
                            AnalysisSettings(features=("Income", "Spend"), k=2, k_min=2,
                                             k_max=2))
    export_files(ExportContext(analysis), tmp_path, ["xlsx"])
    sheet = openpyxl.load_workbook(tmp_path / "segments.xlsx")["Customers"]
    # Then that column is 60 wide, the others as their names
    assert sheet.column_dimensions["D"].width == pytest.approx(60.71, abs=0.01)
    assert sheet.column_dimensions["A"].width == pytest.approx(12.71, abs=0.01)


def test_an_order_logs_lines_go_on_over_further_sheets_and_say_so(tmp_path, monkeypatch):
    from order_logs import write_log

    # Given an order log of 5 lines (3 customers) and sheets that hold 2 rows under the names
    log = write_log(tmp_path, "Invoice,Customer,Date,Quantity,Price\n"
                    "1,A,2024-01-02,1,10\n2,B,2024-01-05,2,30\n3,C,2024-02-01,1,99\n"
                    "4,A,2024-02-10,3,5\n5,B,2024-03-01,1,70\n")
    from custseg_gui.core.settings import OrderSettings
    analysis = run_analysis(log, AnalysisSettings(k=2, k_min=2, k_max=2,
                                                  orders=OrderSettings(enabled=True)))
    book = exported_workbook(ExportContext(analysis), tmp_path, monkeypatch, sheet_rows=3)

    # Then the customers and then the lines fill sheets of two, and each first sheet says so
    assert book.sheetnames == ["Customers", "Customers (2)", "Order lines", "Order lines (2)",
                               "Order lines (3)", "Segments", "How k was chosen", "Settings"]
    lines = [row[0] for name in ("Order lines", "Order lines (2)", "Order lines (3)")
             for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert lines == [1, 2, 3, 4, 5]
    width = len([cell for cell in book["Order lines"][1] if cell.value is not None]) - 1
    assert book["Order lines"].cell(row=1, column=width + 2).value == (
        "5 order lines are more than one Excel sheet holds: this sheet lists order lines 1 to "
        "2, and the list goes on over 'Order lines (2)' (3 to 4), 'Order lines (3)' (5).")
    customers_note = [cell.value for cell in book["Customers"][1] if cell.value][-1]
    assert customers_note.startswith("3 customers are more than one Excel sheet holds: ")
    workbook.check(tmp_path / "out", ExportContext(analysis))


# --- the customer list: its columns, odd cells, the CSV's encoding and its progress ---------------

def one_column(cells) -> customers.CustomerList:
    return customers.CustomerList(("Cell",), (np.array(cells, dtype=object),))


def test_minus_text_that_is_no_number_gets_an_apostrophe_and_numbers_do_not():
    # Given cells that start with a minus: numbers, and text that only looks like them
    cells = ["-5-3", "-5x", "-.5.", "-5", "-.5", "-5.25", "-12,5", "-5--"]

    # Then segments.csv writes the text with an apostrophe, the numbers as they are
    written = read_csv_text(fast_csv_bytes(one_column(cells)))
    assert [row[0] for row in written[1:]] == [
        "'-5-3", "'-5x", "'-.5.", "-5", "-.5", "-5.25", "-12,5", "'-5--"]


def test_cells_that_are_not_text_are_written_as_their_text():
    # Given a list whose cells are numbers and text mixed (not as a file is read)
    listed = one_column([7, "=x", 2.5, "a,b"])

    # Then each cell is written as its text, formula-safe and quoted where needed
    data = fast_csv_bytes(listed)
    assert data == careful_csv_bytes(listed)
    assert read_csv_text(data) == [["Cell"], ["7"], ["'=x"], ["2.5"], ["a,b"]]


def test_added_columns_take_a_free_name_and_say_why_rows_were_left_out():
    # Given a file with its own columns "Segment" and "Segment (2)", 3 rows, the second left out
    raw = pd.DataFrame({"Segment": ["a", "b", "c"], "Segment (2)": ["x", "y", "z"]},
                       dtype=object)
    listed = customer_list(raw, [1, 0, 2], {1: "One", 2: "Two"},
                           pd.Series(["Missing value in Segment"], index=[1]))

    # Then the added columns come after them, under names not taken yet
    assert listed.header == ("Segment", "Segment (2)", "Segment (3)", "Segment name",
                             "Left out because")
    rows = read_csv_text(fast_csv_bytes(listed))
    assert rows[1:] == [["a", "x", "1", "One", ""], ["b", "y", "", "", "Missing value in Segment"],
                        ["c", "z", "2", "Two", ""]]
    assert len(listed) == 3
    # and with no row left out, there is no "Left out because" column
    kept = customer_list(raw, [1, 1, 2], {1: "One", 2: "Two"}, pd.Series([], dtype=object))
    assert kept.header[-1] == "Segment name"
    assert customers.free_column_name("Segment", ["Segment"]) == "Segment (2)"


@pytest.mark.parametrize("encoding, start", [("utf-8-sig", b"\xef\xbb\xbfCustomerID,"),
                                             ("utf-8", b"CustomerID,")])
def test_segments_csv_is_written_in_the_chosen_encoding(eleven, tmp_path, encoding, start):
    _rows, analysis = eleven
    export_files(ExportContext(analysis, csv_encoding=encoding), tmp_path, ["csv"])
    assert (tmp_path / "segments.csv").read_bytes().startswith(start)


def recorded(write) -> list[tuple[float, str]]:
    reports = []
    write(Progress(lambda fraction, message: reports.append((fraction, message))))
    return reports


def test_csv_progress_is_the_share_of_customers_written(eleven):
    # Given 11 customers written in blocks of 3
    _rows, analysis = eleven
    listed = ExportContext(analysis).customers
    reports = recorded(lambda progress: write_csv(io.BytesIO(), listed, progress))

    # Then each block is announced at the share of customers written before it, then done
    assert reports == [(0.0, "Writing customers (0 of 11)..."),
                       (pytest.approx(3 / 11), "Writing customers (3 of 11)..."),
                       (pytest.approx(6 / 11), "Writing customers (6 of 11)..."),
                       (pytest.approx(9 / 11), "Writing customers (9 of 11)..."), (1.0, "")]


@pytest.mark.parametrize("fast", [True, False])
def test_workbook_progress_moves_forward_to_the_end(eleven, monkeypatch, fast):
    # Given 11 customers over sheets of 4, written fast or cell by cell
    _rows, analysis = eleven
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 5)
    listed = ExportContext(analysis).customers
    reports = recorded(lambda progress: workbook.write_workbook(
        io.BytesIO(), analysis, listed, {}, progress, fast=fast))
    fractions = [fraction for fraction, _message in reports]

    # Then progress only moves forward, stays below the end until the workbook is written,
    # and ends at 1
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0 and all(0.0 <= value < 1.0 for value in fractions[:-1])
    messages = [message for _fraction, message in reports if message]
    assert "Writing the workbook..." in messages
    if fast:
        # and each block of customers is named, at the share already written
        blocks = [(fraction, message) for fraction, message in reports
                  if message.startswith("Writing customers to the workbook")]
        assert [message for _fraction, message in blocks] == [
            f"Writing customers to the workbook ({start} of 11)..."
            for start in (0, 3, 4, 7, 8)]
        assert [fraction for fraction, _message in blocks] == sorted(
            {fraction for fraction, _message in blocks})
        assert blocks[0][0] < 0.05 and blocks[-1][0] < 1.0


def test_the_fast_customer_sheets_hold_only_xml_elements_where_excel_expects_them(eleven,
                                                                                  monkeypatch):
    import zipfile
    from xml.etree import ElementTree

    # Given 11 customers written fast over three sheets
    _rows, analysis = eleven
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 5)
    data = workbook_bytes(analysis, ExportContext(analysis).customers, fast=True)

    # Then each customer sheet is XML with no stray text between its elements (Excel refuses
    # a sheet with text where an element belongs) and one table of rows
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for number in (1, 2, 3):
            root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))
            for element in root.iter():
                assert not (element.tail or "").strip(), element.tag
                if len(element):
                    assert not (element.text or "").strip(), element.tag
            tables = [element for element in root if element.tag.endswith("}sheetData")]
            assert len(tables) == 1 and len(tables[0]) == (4 if number < 3 else 3) + 1
