"""segments.xlsx of an order log: a Customers sheet with one row per customer, as customers.csv
has them, and the order lines after it, each with its customer's segment."""

from __future__ import annotations

import openpyxl
import pytest
from made_data import read_rows
from order_logs import many_customers_log, write_log

from custseg_gui.core.exports import ExportContext, export_files
from custseg_gui.core.exports import workbook
from custseg_gui.core.pipeline import run
from custseg_gui.core.settings import AnalysisSettings, OrderSettings
from custseg_gui.core.sources.orders import CUSTOMER_COLUMNS


def sheet_texts(book, name) -> list[list[str]]:
    """A sheet's cells as text, trailing empty cells dropped (openpyxl pads rows)."""
    rows = []
    for row in book[name].iter_rows(values_only=True):
        cells = ["" if value is None else str(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return rows


def as_number_text(text: str) -> str:
    """A cell of customers.csv as openpyxl reads the same cell back from the workbook."""
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number == int(number) and "." not in text else str(number)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orders")
    log = write_log(folder, many_customers_log(80))
    analysis = run(log, AnalysisSettings(k=3, k_min=3, k_max=3,
                                         orders=OrderSettings(enabled=True)))
    out = folder / "out"
    out.mkdir()
    context = ExportContext(analysis, {1: "Best friends"})
    export_files(context, out, ["xlsx", "customers"])
    return analysis, context, out


def test_an_order_logs_workbook_lists_its_customers_first_then_its_order_lines(exported):
    analysis, _context, out = exported
    book = openpyxl.load_workbook(out / "segments.xlsx")
    assert book.sheetnames == ["Customers", "Order lines", "Segments", "How k was chosen",
                               "Settings"]
    customers = sheet_texts(book, "Customers")
    assert customers[0] == ["Customer", *CUSTOMER_COLUMNS, "Segment", "Segment name"]
    assert len(customers) == 1 + analysis.table.n_rows == 81
    lines = sheet_texts(book, "Order lines")
    assert lines[0][:6] == ["Invoice", "Customer", "Date", "Quantity", "Price", "Product"]
    assert "RFM segment" in lines[0]
    assert len(lines) == 1 + analysis.orders.rows


def test_the_customers_sheet_holds_what_customers_csv_holds(exported):
    _analysis, _context, out = exported
    book = openpyxl.load_workbook(out / "segments.xlsx")
    from_csv = read_rows(out / "customers.csv")
    from_sheet = sheet_texts(book, "Customers")
    assert from_sheet[0] == from_csv[0]
    for sheet_row, csv_row in zip(from_sheet[1:], from_csv[1:]):
        assert sheet_row == [as_number_text(cell) for cell in csv_row][:len(sheet_row)]
    # and the user's name of segment 1 is on its customers
    named = [row for row in from_sheet[1:] if row[-2] == "1"]
    assert named and all(row[-1] == "Best friends" for row in named)
    # and numbers are numbers a spreadsheet can add up
    first = book["Customers"].cell(row=2, column=2).value
    assert isinstance(first, (int, float))


def test_the_self_tests_check_counts_customers_and_lines_apart(exported):
    _analysis, context, out = exported
    workbook.check(out, context)


def test_customers_and_lines_longer_than_a_sheet_go_on_over_further_sheets(exported, tmp_path,
                                                                           monkeypatch):
    analysis, context, _out = exported
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 51)
    export_files(context, tmp_path, ["xlsx"])
    book = openpyxl.load_workbook(tmp_path / "segments.xlsx", read_only=True)
    names = book.sheetnames
    assert names[:2] == ["Customers", "Customers (2)"]
    assert names[2] == "Order lines" and names[-3:] == ["Segments", "How k was chosen",
                                                         "Settings"]
    customers = sum(book[name].max_row - 1 for name in names if name.startswith("Customers"))
    lines = sum(book[name].max_row - 1 for name in names if name.startswith("Order lines"))
    assert (customers, lines) == (analysis.table.n_rows, analysis.orders.rows)
    note = book["Order lines"].cell(row=1, column=len(context.customers.header) + 2).value
    assert note.startswith(f"{analysis.orders.rows:,} order lines are more than one Excel "
                           "sheet holds: this sheet lists order lines 1 to 50")
    book.close()
    workbook.check(tmp_path, context)


def test_the_careful_writer_writes_the_same_customers(exported):
    import io

    analysis, context, _out = exported
    books = []
    for fast in (True, False):
        handle = io.BytesIO()
        workbook.write_workbook(handle, analysis, context.customers, context.segment_names,
                                fast=fast)
        books.append(openpyxl.load_workbook(io.BytesIO(handle.getvalue())))
    assert sheet_texts(books[0], "Customers") == sheet_texts(books[1], "Customers")
