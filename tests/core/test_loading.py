"""Reading customer files: delimiters, encodings, Excel sheets, and files that cannot be read."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pytest

from custseg_gui.core.errors import UserError

from custseg_gui.core.settings import LoadSettings

from custseg_gui.core.sources import load_table

CUSTOMERS_ROWS = [
    ("0001", "Ann", "50", "40"),
    ("0002", "Bob", "60", "70"),
    ("0003", "Cécile", "70", "10"),
    ("0004", "Dan", "80", "20"),
]
HEADER = ("CustomerID", "Name", "Income", "Score")


def write_text(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def customers_text(delimiter: str) -> str:
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in CUSTOMERS_ROWS]
    return "\n".join(lines) + "\n"


# --- delimiters and encodings ---------------------------------------------------------------

@pytest.mark.parametrize("delimiter, name", [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_csv_delimiter_is_detected_and_numbers_parsed(tmp_path, delimiter, name):
    # Given a customer file separated by commas, semicolons or tabs
    path = write_text(tmp_path / "customers.csv", customers_text(delimiter))

    # When it is loaded
    table = load_table(path)

    # Then the separator is recognised and every column holds its own values
    assert table.report.delimiter == delimiter
    assert f"{name}-separated" in table.report.describe()
    assert list(table.raw.columns) == list(HEADER)
    assert table.report.rows == 4 and table.report.columns == 4
    assert table.frame["Income"].mean() == pytest.approx(65.0)
    assert table.frame["Score"].mean() == pytest.approx(35.0)
    assert list(table.frame["Name"]) == ["Ann", "Bob", "Cécile", "Dan"]


def test_utf8_without_bom_is_read_as_utf8(tmp_path):
    # Given a UTF-8 file with accented names and no byte-order mark
    path = write_text(tmp_path / "customers.csv", customers_text(","), "utf-8")

    # When it is loaded
    table = load_table(path)

    # Then the encoding is reported as UTF-8 and accents survive
    assert table.report.encoding == "UTF-8"
    assert table.frame["Name"].iloc[2] == "Cécile"
    assert "encoding UTF-8" in table.report.describe()


def test_utf8_with_bom_keeps_first_column_name_clean(tmp_path):
    # Given a UTF-8 file written by Excel, which starts with a byte-order mark
    path = write_text(tmp_path / "customers.csv", customers_text(","), "utf-8-sig")

    # When it is loaded
    table = load_table(path)

    # Then the mark is not part of the first column's name, and the text is intact
    assert table.report.encoding == "UTF-8 with BOM"
    assert list(table.raw.columns)[0] == "CustomerID"
    assert table.frame["Name"].iloc[2] == "Cécile"
    assert table.frame["Income"].mean() == pytest.approx(65.0)


def test_latin1_file_falls_back_and_keeps_pound_sign(tmp_path):
    # Given an old Windows/Latin-1 export whose header and cells contain a pound sign (byte 0xA3)
    text = ("Customer,Spend (£),Note\n"
            "A1,10.5,£5 voucher\n"
            "A2,20.5,none used\n"
            "A3,30.5,£10 voucher\n")
    path = write_text(tmp_path / "shop.csv", text, "latin-1")
    assert b"\xa3" in path.read_bytes()  # the file really is Latin-1, not UTF-8

    # When it is loaded
    table = load_table(path)

    # Then it is read as Latin-1 with the pound sign intact and numbers parsed
    assert table.report.encoding == "Latin-1"
    assert "Spend (£)" in table.frame.columns
    assert table.frame["Spend (£)"].mean() == pytest.approx(20.5)
    assert table.frame["Note"].iloc[0] == "£5 voucher"


def test_ids_with_leading_zeros_stay_text_while_amounts_are_numbers(tmp_path):
    # Given IDs written with leading zeros
    path = write_text(tmp_path / "customers.csv", customers_text(","))

    # When it is loaded
    table = load_table(path)

    # Then the ID keeps its text everywhere (it is a code, not the number 1) and the
    # amounts are numbers
    assert table.raw["CustomerID"].iloc[0] == "0001"
    assert table.frame["CustomerID"].iloc[0] == "0001"
    assert table.frame["Income"].mean() == pytest.approx(65.0)
    assert list(table.raw["Income"]) == ["50", "60", "70", "80"]


def test_missing_value_tokens_become_missing_in_frame_but_stay_in_raw(tmp_path):
    # Given a column with an empty cell and an "NA" cell
    path = write_text(tmp_path / "customers.csv", "ID,Income\nA,10\nB,\nC,NA\nD,30\n")

    # When it is loaded
    table = load_table(path)

    # Then the typed column has two gaps and the mean of the rest, the raw text is unchanged
    assert int(table.frame["Income"].isna().sum()) == 2
    assert table.frame["Income"].mean() == pytest.approx(20.0)
    assert list(table.raw["Income"]) == ["10", "", "NA", "30"]


def test_rows_ending_with_a_delimiter_keep_values_in_their_columns(tmp_path):
    # Given an export that ends every data row (but not the header) with a separator, as some
    # shop systems do
    path = write_text(tmp_path / "customers.csv",
                      "CustomerID,Income,Score\n1,50,40,\n2,60,70,\n3,70,10,\n")

    # When it is loaded
    table = load_table(path)

    # Then each value stays under its own header (no column shifted, no value dropped)
    assert list(table.raw["CustomerID"]) == ["1", "2", "3"]
    assert table.frame["Income"].mean() == pytest.approx(60.0)
    assert table.frame["Score"].mean() == pytest.approx(40.0)


# --- Excel --------------------------------------------------------------------------------------

def make_workbook(path):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Customers"
    first.append(["CustomerID", "Income", "Score"])
    first.append(["0001", 50, 40])
    first.append(["0002", 60.5, 70])
    first.append(["0003", 70, 10])
    second = workbook.create_sheet("Shop 2")
    second.append(["Client", "Spend"])
    second.append(["X1", 100])
    second.append(["X2", 300])
    workbook.save(path)
    return path


def test_xlsx_first_sheet_is_read_by_default(tmp_path):
    # Given a workbook with two sheets
    path = make_workbook(tmp_path / "customers.xlsx")

    # When it is loaded without naming a sheet
    table = load_table(path)

    # Then the first sheet is read, text IDs kept and numbers parsed
    assert table.report.file_format == "xlsx"
    assert table.report.sheet == "Customers"
    assert table.report.sheets == ("Customers", "Shop 2")
    assert "sheet 'Customers'" in table.report.describe()
    assert list(table.raw.columns) == ["CustomerID", "Income", "Score"]
    assert list(table.raw["CustomerID"]) == ["0001", "0002", "0003"]
    assert table.frame["Income"].mean() == pytest.approx((50 + 60.5 + 70) / 3)


def test_xlsx_named_sheet_is_read(tmp_path):
    # Given a workbook with two sheets
    path = make_workbook(tmp_path / "customers.xlsx")

    # When the second sheet is asked for by name
    table = load_table(path, LoadSettings(sheet="Shop 2"))

    # Then that sheet's rows are read
    assert table.report.sheet == "Shop 2"
    assert list(table.raw.columns) == ["Client", "Spend"]
    assert table.frame["Spend"].mean() == pytest.approx(200.0)


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    # Given a workbook with two sheets
    path = make_workbook(tmp_path / "customers.xlsx")

    # When a sheet that does not exist is asked for
    with pytest.raises(UserError) as caught:
        load_table(path, LoadSettings(sheet="Shop 3"))

    # Then the message names the missing sheet and lists the real ones
    message = str(caught.value)
    assert "no sheet named 'Shop 3'" in message
    assert "Customers, Shop 2" in message


# --- files that cannot be read --------------------------------------------------------------

def test_empty_file_is_refused(tmp_path):
    # Given a file of zero bytes
    path = tmp_path / "customers.csv"
    path.write_bytes(b"")

    # When it is loaded, then the user is told it is empty and to export again
    with pytest.raises(UserError, match=r"customers\.csv is empty.*[Ee]xport"):
        load_table(path)


def test_header_only_file_is_refused(tmp_path):
    # Given a file with column names but no rows
    path = write_text(tmp_path / "customers.csv", "CustomerID,Income,Score\n")

    # When it is loaded, then the user is told there are no customer rows
    with pytest.raises(UserError, match="has column names but no customer rows"):
        load_table(path)


def test_binary_file_is_refused(tmp_path):
    # Given a PNG image saved with a .csv name
    path = tmp_path / "customers.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4)

    # When it is loaded, then the user is told it is not a customer table
    with pytest.raises(UserError, match="binary data") as caught:
        load_table(path)
    assert "CSV or Excel" in str(caught.value)


def test_missing_file_is_refused(tmp_path):
    # Given a path where no file exists
    path = tmp_path / "gone.csv"

    # When it is loaded, then the message says it could not be found
    with pytest.raises(UserError, match=r"gone\.csv could not be found"):
        load_table(path)


def test_xlsx_that_is_not_a_zip_is_refused(tmp_path):
    # Given a text file renamed to .xlsx
    path = write_text(tmp_path / "customers.xlsx", customers_text(","))

    # When it is loaded, then the user is told it is not really a workbook and what to do
    with pytest.raises(UserError, match="named like a spreadsheet but holds plain text") as caught:
        load_table(path)
    assert "rename it to end in .csv" in str(caught.value)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    # Given a zip archive named .xlsx
    path = tmp_path / "customers.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    # When it is loaded, then the user is told it could not be opened as a workbook
    with pytest.raises(UserError, match="holds binary data"):
        load_table(path)


def test_unsupported_extension_is_refused(tmp_path):
    # Given a file with an extension CustSeg does not read
    path = write_text(tmp_path / "customers.json", '{"a": 1}')

    # When it is loaded, then the message names the extension and the formats to use
    with pytest.raises(UserError, match=r"cannot read \.json files.*CSV.*Excel"):
        load_table(path)


def test_damaged_utf16_file_is_refused_with_a_user_error(tmp_path):
    # Given a UTF-16 export (byte-order mark FF FE) cut off in the middle of a character
    text = "CustomerID,Income\n1,50\n2,60\n".encode("utf-16-le")
    path = tmp_path / "customers.csv"
    path.write_bytes(b"\xff\xfe" + text + b"7")  # odd number of bytes after the mark

    # When it is loaded, then the user gets a message that says what is wrong and what to do,
    # not a crash with a Python exception
    with pytest.raises(UserError, match=r"says it is UTF-16 text but is damaged \(it may have "
                                        r"been cut short\)\. Export it again"):
        load_table(path)


def test_utf16_file_with_bom_is_read(tmp_path):
    # Given a UTF-16 export with its byte-order mark, as Excel's "Unicode text" writes
    path = tmp_path / "customers.csv"
    path.write_bytes(customers_text("\t").encode("utf-16"))

    # When it is loaded
    table = load_table(path)

    # Then the encoding is reported and the values are parsed
    assert table.report.encoding == "UTF-16"
    assert table.frame["Name"].iloc[2] == "Cécile"
    assert table.frame["Income"].mean() == pytest.approx(65.0)


def test_quick_number_reading_of_a_large_file_matches_the_careful_one(tmp_path):
    # Given 25,000 customers (enough for the quick paths): plain numbers, numbers with blanks
    # and a missing-value word far down, codes whose leading zeros start after the first 2,000
    # rows (which the quick path checks), and numbers with one word among them
    rows = 25_000
    visits = [str(n % 17) for n in range(rows)]
    spend = [f"{n * 0.5:.1f}" for n in range(rows)]
    spend[3_000], spend[20_000] = "", "n/a"
    codes = [f"{n:05d}" if 2_000 <= n < 5_000 else str(10_000 + n) for n in range(rows)]
    income = [str(n) for n in range(rows)]
    income[24_000] = "unknown"
    lines = ["Visits,Spend,Code,Income"] + [",".join(values) for values in
                                             zip(visits, spend, codes, income)]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # When it is loaded
    table = load_table(path)
    frame = table.frame
    # Then plain numbers and numbers with gaps are numbers, gaps missing
    assert frame["Visits"].dtype == "float64" and frame["Visits"].iloc[18] == 1.0
    assert frame["Spend"].dtype == "float64" and frame["Spend"].iloc[2] == 1.0
    assert np.isnan(frame["Spend"].iloc[3_000]) and np.isnan(frame["Spend"].iloc[20_000])
    # codes keep their leading zeros as text, and the word among numbers is reported
    assert frame["Code"].iloc[2_042] == "02042"
    assert np.isnan(frame["Income"].iloc[24_000]) and frame["Income"].iloc[23_999] == 23_999
    assert any("'Income'" in note and "unknown" in note for note in table.report.notes)
