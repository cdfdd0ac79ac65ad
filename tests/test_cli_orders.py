"""`report ORDERS --orders`: the files a user gets from an order log, the flags that override
detection, and the one `error:` line of each kind of bad input."""

from __future__ import annotations

import hashlib
import json

import pytest
from made_data import read_rows
from order_logs import (SHOP_AS_OF, SHOP_CUSTOMERS, SHOP_EXPECTED, SHOP_LOG, many_customers_log,
                        shop_log_with, write_log)
from report_helpers import assert_one_error_line, run_report

from custseg_gui.core.rfm import RFM_SEGMENTS
from custseg_gui.core.sources.orders import CUSTOMER_COLUMNS

FAST = ["--k-max", "4"]


@pytest.fixture(scope="module")
def big_log(tmp_path_factory):
    """120 customers' orders, enough to find segments."""
    return write_log(tmp_path_factory.mktemp("orders"), many_customers_log(120))


@pytest.fixture(scope="module")
def report(big_log, tmp_path_factory):
    """The report of the 120 customers' log: customer table, segments.csv and summary.json."""
    out = tmp_path_factory.mktemp("report") / "out"
    status, stdout, stderr = run_report([big_log, "--orders", "--out", out, "--formats",
                                         "csv,customers,json", *FAST])
    assert status == 0, stderr
    return out, stdout


def test_the_report_writes_the_customer_table_segments_and_summary(report, big_log):
    out, stdout = report
    assert sorted(path.name for path in out.iterdir()) == ["customers.csv", "segments.csv",
                                                           "summary.json"]
    lines = len(big_log.read_text().splitlines()) - 1
    assert stdout.startswith(f"Wrote 3 files to {out}: ")
    assert f"of 120 customers (from {lines:,} order lines)." in stdout


def test_customers_csv_has_one_row_per_customer_with_the_columns_named_in_the_readme(report):
    out, _ = report
    rows = read_rows(out / "customers.csv")
    assert rows[0] == ["Customer", *CUSTOMER_COLUMNS, "Segment", "Segment name"]
    assert len(rows) == 121
    assert [row[0] for row in rows[1:4]] == ["K001", "K002", "K003"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    names = {str(segment["number"]): segment["name"] for segment in summary["segments"]}
    assert {row[-2] for row in rows[1:]} == set(names)
    assert all(names[row[-2]] == row[-1] for row in rows[1:])


def test_segments_csv_writes_every_order_line_as_written_with_its_customers_segments(
        report, big_log):
    out, _ = report
    original = read_rows(big_log)
    written = read_rows(out / "segments.csv")
    assert written[0] == original[0] + ["Segment", "Segment name", "RFM segment"]
    assert [row[:len(original[0])] for row in written] == original
    # Each line carries its customer's segment and RFM segment, as customers.csv says
    customers = {row[0]: row for row in read_rows(out / "customers.csv")[1:]}
    for line in written[1:]:
        customer = customers[line[1]]
        assert line[-3:] == [customer[-2], customer[-1], customer[-3]]


def test_summary_json_has_the_orders_object(report, big_log):
    out, _ = report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    orders = summary["orders"]
    lines = len(big_log.read_text().splitlines()) - 1
    assert orders["rows"] == summary["input"]["rows"] == lines
    assert orders["rows_without_customer"] == 0 and orders["customers"] == 120
    assert orders["rows_left_out"] == {"no_date": 0, "unreadable_date": 0, "after_as_of": 0,
                                       "no_amount": 0, "only_returns": 0}
    assert orders["columns"] == {"customer": "Customer", "date": "Date", "order": "Invoice",
                                 "amount": None, "quantity": "Quantity", "price": "Price"}
    assert list(orders["rfm_segments"]) == list(RFM_SEGMENTS)
    assert sum(orders["rfm_segments"].values()) == 120
    assert summary["settings"]["orders"] is True
    assert summary["settings"]["features"] == ["Recency (days)", "Frequency (orders)",
                                               "Monetary (net spend)"]
    for segment in summary["segments"]:
        assert sum(segment["rfm_segments"].values()) == pytest.approx(1.0)


def test_the_shop_log_figures_reach_customers_csv_and_left_out_lines_say_why(tmp_path):
    # Given the hand-made shop log (a customer with only returns, a line without a customer)
    log = write_log(tmp_path, SHOP_LOG)
    out = tmp_path / "out"
    status, _, stderr = run_report([log, "--orders", "--out", out, "--formats",
                                    "csv,customers,json", "--k", "2", "--k-max", "2"])
    assert status == 0, stderr
    # Then customers.csv holds the known answers, as written
    rows = read_rows(out / "customers.csv")
    header = rows[0]
    assert [row[0] for row in rows[1:]] == SHOP_CUSTOMERS
    assert [row[header.index("Recency (days)")] for row in rows[1:]] == ["10", "2", "3", "66"]
    assert [row[header.index("Monetary (net spend)")] for row in rows[1:]] == [
        "27.5", "100", "32", "50"]
    assert [row[header.index("RFM segment")] for row in rows[1:]] == SHOP_EXPECTED["RFM segment"]
    # and segments.csv says why two lines have no segment
    lines = read_rows(out / "segments.csv")
    assert lines[0][-1] == "Left out because"
    assert lines[9][-4:] == ["", "", "", "The customer only returned goods (no purchase)"]
    assert lines[13][-4:] == ["", "", "", "No customer"]
    orders = json.loads((out / "summary.json").read_text(encoding="utf-8"))["orders"]
    assert orders["rows_without_customer"] == 1 and orders["customers_only_returns"] == 1
    assert orders["rows_left_out"]["only_returns"] == 1
    assert orders["as_of"] == SHOP_AS_OF


def test_flags_override_detection(tmp_path):
    # Given a log whose columns CustSeg cannot recognise by name
    log = write_log(tmp_path, shop_log_with(header="Ref,Who,When,N,Each,Product"))
    out = tmp_path / "out"
    # When the report names them, with an as-of day
    status, _, stderr = run_report([
        log, "--orders", "--customer", "Who", "--date", "When", "--order", "Ref", "--quantity",
        "N", "--price", "Each", "--as-of", "2024-03-31", "--out", out, "--formats",
        "customers,json", "--k", "2", "--k-max", "2"])
    # Then those columns are used and recency is counted to that day
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["orders"]["columns"] == {"customer": "Who", "date": "When", "order": "Ref",
                                            "amount": None, "quantity": "N", "price": "Each"}
    assert summary["orders"]["as_of"] == "2024-03-31"
    assert summary["settings"]["as_of"] == "2024-03-31"
    rows = read_rows(out / "customers.csv")
    assert [row[1] for row in rows[1:]] == ["30", "22", "23", "86"]


def test_summary_json_as_settings_repeats_an_order_log_report_byte_for_byte(report, big_log,
                                                                             tmp_path):
    out, _ = report
    again = tmp_path / "again"
    status, _, stderr = run_report([big_log, "--out", again, "--formats", "csv,customers,json",
                                    "--settings", out / "summary.json"])
    assert status == 0, stderr
    for name in ("segments.csv", "customers.csv"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_a_file_of_order_lines_without_orders_gets_a_note(big_log, tmp_path):
    status, stdout, stderr = run_report([big_log, "--out", tmp_path / "out", "--formats", "json",
                                         *FAST])
    assert status == 0, stderr
    assert stdout.splitlines()[1] == (
        f"Note: {big_log.name} looks like order lines (one line per item sold, several per "
        "customer). Add --orders to analyse one row per customer, by recency, frequency and net "
        "spend.")


def test_pictures_and_pdf_of_an_order_log_have_the_rfm_grid(big_log, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    status, _, stderr = run_report([big_log, "--orders", "--out", out, "--formats", "pdf,png",
                                    "--k", "3", "--k-max", "3"])
    assert status == 0, stderr
    assert (out / "rfm_grid.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pages = [page.extract_text() for page in PdfReader(out / "report.pdf").pages]
    rfm_page = next(text for text in pages if "\nRFM segments\n" in text)
    assert "120 customers" in rfm_page and "Hibernating" in rfm_page
    assert "Its customers' RFM segments" in rfm_page
    assert sum("RFM segments: " in text for text in pages) >= 1  # in the segment sections


# --- bad input: one error line, nothing written, the file untouched -------------------------------

@pytest.mark.parametrize("header, words", [
    ("Invoice,Buyer name,Date,Quantity,Price,Product",
     ["No column of these order lines could be recognised as the customer.",
      "(--customer NAME in the report command)"]),
    ("Invoice,Customer,Date,N,Each,Product",
     ["recognised as the amount (or the quantity and the unit price)",
      "--amount NAME, or --quantity and --price"]),
])
def test_a_missing_column_ends_in_one_error_line(tmp_path, header, words):
    log = write_log(tmp_path, shop_log_with(header=header))
    before = hashlib.sha256(log.read_bytes()).hexdigest()
    out = tmp_path / "out"
    status, _, stderr = run_report([log, "--orders", "--out", out])
    assert status == 2
    assert_one_error_line(stderr, *words, "The columns are: " + ", ".join(header.split(",")))
    assert not out.exists()
    assert hashlib.sha256(log.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("args, words", [
    (["--customer", "Client"], ["no column named 'Client'", "The columns are: Invoice, "
                                                            "Customer, Date"]),
    (["--as-of", "31/03/2024"], ["--as-of must be a day written YYYY-MM-DD, such as "
                                 "2011-12-10, not '31/03/2024'"]),
    (["--as-of", "2020-01-01"], ["Every dated line of orders.csv is after the as-of day "
                                 "2020-01-01", "Choose a later as-of day"]),
    (["--amount", "Product"], ["The column 'Product', chosen as the amount, does not hold "
                               "numbers"]),
])
def test_bad_order_options_end_in_one_error_line(tmp_path, args, words):
    log = write_log(tmp_path, SHOP_LOG)
    out = tmp_path / "out"
    status, _, stderr = run_report([log, "--orders", *args, "--out", out])
    assert status == 2
    assert_one_error_line(stderr, *words)
    assert not out.exists()
    assert log.read_text() == SHOP_LOG
