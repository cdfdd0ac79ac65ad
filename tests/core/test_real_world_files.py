"""Customer files as real programs and people write them (issue 7).

Every test writes its own file into tmp_path (or reads a shared data set, skipped when absent)
and checks the numbers a user would see: column means, missing counts, the detected format.
"""

from __future__ import annotations

import datetime
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwt  # from the test extra: writes Excel 97-2003 files

from custseg_gui.core.pipeline import run as run_analysis

from custseg_gui.core.settings import AnalysisSettings

from custseg_gui.core.columns import Role, describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.parsing import NumberFormat

EUROPEAN_ENCODINGS = {"Windows-1252", "Latin-1"}


def write(path, content: str | bytes, encoding: str = "utf-8"):
    """Write text in the given encoding (or bytes as they are) and return the path."""
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def roles(table) -> dict[str, Role]:
    return {info.name: info.role for info in describe_columns(table)}


# --- German and French exports (Windows-1252, decimal comma) --------------------------------------

GERMAN_EXPORT = (
    "Kundennr;Name;Ort;Umsatz;Alter;Rabatt\r\n"
    "00017;Jürgen Müller;München;1.234,50 €;34;2,5\r\n"
    "00018;Anna Groß;Köln;2.000,00 €;41;0,0\r\n"
    "00019;Björn Weiß;Düsseldorf;765,50 €;29;5,0\r\n"
    "00020;Eva Schäfer;Nürnberg;12.000,00 €;56;2,5\r\n"
)


def test_german_excel_export_reads_decimal_commas_thousands_points_and_euros(tmp_path):
    # Given a German Excel export: Windows-1252, semicolons, `1.234,50 €`, umlauts, CRLF
    path = write(tmp_path / "kunden.csv", GERMAN_EXPORT, "cp1252")
    assert b"\x80" in path.read_bytes()  # the euro sign is the cp1252 byte, not UTF-8

    # When it is loaded
    table = load_table(path)

    # Then the encoding, separator and number format are recognised
    report = table.report
    assert report.encoding in EUROPEAN_ENCODINGS
    assert report.delimiter == ";"
    assert report.number_format.decimal == ","
    assert report.number_format.thousands == "."
    # and the amounts are the numbers written, with the euro as their unit
    assert table.frame["Umsatz"].mean() == pytest.approx((1234.5 + 2000 + 765.5 + 12000) / 4)
    assert table.frame["Rabatt"].mean() == pytest.approx(2.5)
    assert table.frame["Alter"].mean() == pytest.approx(40.0)
    assert report.units["Umsatz"] == "€"
    # and the umlauts and the raw text are intact
    assert list(table.frame["Ort"]) == ["München", "Köln", "Düsseldorf", "Nürnberg"]
    assert table.raw["Umsatz"].iloc[0] == "1.234,50 €"


FRENCH_EXPORT = (
    "N° client;Nom;Ville;Montant;Âge\r\n"
    "00017;Hélène Dupré;Orléans;1{sep}234,50 €;34\r\n"
    "00018;François Léger;Besançon;2{sep}000,00 €;41\r\n"
    "00019;Zoé Noël;Évry;765,50 €;29\r\n"
    "00020;Jérôme Gâteau;Nîmes;12{sep}000,00 €;56\r\n"
)


@pytest.mark.parametrize("separator, encoding, encodings", [
    (" ", "cp1252", EUROPEAN_ENCODINGS),
    ("\u00a0", "cp1252", EUROPEAN_ENCODINGS),  # no-break space, byte A0 in cp1252
    ("\u202f", "utf-8", {"UTF-8"}),  # narrow no-break space: cp1252 has no byte for it
], ids=["space", "no-break-space", "narrow-no-break-space"])
def test_french_export_reads_space_grouped_thousands(tmp_path, separator, encoding, encodings):
    # Given a French export whose thousands are grouped by a (no-break) space
    path = write(tmp_path / "clients.csv", FRENCH_EXPORT.format(sep=separator), encoding)

    # When it is loaded
    table = load_table(path)

    # Then the decimal comma and space grouping are recognised and the amounts parsed
    report = table.report
    assert report.encoding in encodings
    assert report.delimiter == ";"
    assert report.number_format.decimal == ","
    assert report.number_format.thousands == " "
    assert table.frame["Montant"].mean() == pytest.approx(4000.0)
    assert table.frame["Âge"].mean() == pytest.approx(40.0)
    assert report.units["Montant"] == "€"
    assert list(table.frame["Ville"]) == ["Orléans", "Besançon", "Évry", "Nîmes"]
    assert table.raw["Montant"].iloc[0] == f"1{separator}234,50 €"


@pytest.mark.parametrize("text, city_column, cities, amount_column, mean", [
    ("Kunde;Ort;Umsatz\nK1;München;1.234,50\nK2;Köln;2.000,00\nK3;Düsseldorf;3,50\n",
     "Ort", ["München", "Köln", "Düsseldorf"], "Umsatz", (1234.5 + 2000 + 3.5) / 3),
    ("Client;Ville;Montant\n"
     "C1;Orléans;1 234,50 €\nC2;Besançon;2 000,00 €\nC3;Évry;12,00 €\n",
     "Ville", ["Orléans", "Besançon", "Évry"], "Montant", (1234.5 + 2000 + 12) / 3),
], ids=["german-umlauts", "french-accents-and-euro"])
def test_short_windows_1252_export_is_not_read_as_another_code_page(
        tmp_path, text, city_column, cities, amount_column, mean):
    # Given a short Windows-1252 export with accented city names (a handful of customers)
    path = write(tmp_path / "export.csv", text, "cp1252")

    # When it is loaded
    table = load_table(path)

    # Then it is read as Windows-1252/Latin-1: the names are spelled right, the euro sign is a
    # euro sign and the amounts are numbers (Mac Roman would turn `ü` into `¸` and `€`
    # into `Ä`)
    assert table.report.encoding in EUROPEAN_ENCODINGS
    assert list(table.frame[city_column]) == cities
    assert table.frame[amount_column].mean() == pytest.approx(mean)


# --- US exports -----------------------------------------------------------------------------------

def test_us_export_with_bom_reads_dollars_percentages_codes_and_accounting_negatives(tmp_path):
    # Given a US export with a UTF-8 byte-order mark, `$1,234.56`, `45%`, `1234 EUR`, `(12.00)`
    text = ("Customer,Spend,Share,Cost,Refund\r\n"
            'A,"$1,234.56",45%,1234 EUR,(12.00)\r\n'
            'B,"$2,000.00",55%,2000 EUR,5.00\r\n'
            "C,$765.44,20%,766 EUR,(3.00)\r\n")
    path = write(tmp_path / "customers.csv", text, "utf-8-sig")

    # When it is loaded
    table = load_table(path)

    # Then the format is a decimal point with comma thousands
    report = table.report
    assert report.encoding == "UTF-8 with BOM"
    assert list(table.raw.columns)[0] == "Customer"
    assert report.number_format.decimal == "."
    assert report.number_format.thousands == ","
    # and every unit is read off, the number kept
    assert table.frame["Spend"].mean() == pytest.approx((1234.56 + 2000 + 765.44) / 3)
    assert table.frame["Share"].mean() == pytest.approx(40.0)  # 45% reads 45
    assert table.frame["Cost"].mean() == pytest.approx((1234 + 2000 + 766) / 3)
    assert table.frame["Refund"].mean() == pytest.approx((-12 + 5 - 3) / 3)
    assert report.units == {"Spend": "$", "Share": "%", "Cost": "EUR"}


def test_us_negative_amounts_written_with_the_dollar_sign_are_numbers(tmp_path):
    # Given negatives as Excel writes currency cells: `-$5.00` and, in accounting format,
    # `($1,234.56)`
    text = ('Customer,Balance,Adjustment\n'
            'A,-$5.00,"($1,234.56)"\n'
            'B,$10.00,$2.50\n'
            'C,$25.00,"$1,000.00"\n')
    path = write(tmp_path / "balances.csv", text)

    # When it is loaded
    table = load_table(path)

    # Then no amount is lost: the negatives count, with their sign
    assert table.frame["Balance"].isna().sum() == 0
    assert table.frame["Balance"].mean() == pytest.approx((-5 + 10 + 25) / 3)
    assert table.frame["Adjustment"].isna().sum() == 0
    assert table.frame["Adjustment"].mean() == pytest.approx((-1234.56 + 2.5 + 1000) / 3)
    assert table.report.notes == ()


# --- UTF-16 "Unicode text" ------------------------------------------------------------------------

@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_excel_unicode_text_export_utf16_tab_separated_is_read(tmp_path, codec, bom):
    # Given what Excel's "Unicode text" writes: UTF-16 with a byte-order mark, tabs, CRLF
    text = ("CustomerID\tName\tIncome\tSpend\r\n"
            "00017\tŁukasz Żółw\t52.5\t$1,200.00\r\n"
            "00018\t李小龙\t61.5\t$800.00\r\n"
            "00019\tRenée\t70\t$1,000.00\r\n")
    path = write(tmp_path / "unicode.txt", bom + text.encode(codec))

    # When it is loaded
    table = load_table(path)

    # Then the text is decoded whole and the numbers parsed
    assert table.report.encoding == "UTF-16"
    assert table.report.delimiter == "\t"
    assert list(table.frame["Name"]) == ["Łukasz Żółw", "李小龙", "Renée"]
    assert table.frame["Income"].mean() == pytest.approx((52.5 + 61.5 + 70) / 3)
    assert table.frame["Spend"].mean() == pytest.approx(1000.0)
    assert list(table.raw["CustomerID"]) == ["00017", "00018", "00019"]


# --- title rows above the header ------------------------------------------------------------------

TITLED = ("Customer export\n"
          "Generated 2024-01-01\n"
          "CustomerID,Income,Score\n"
          "A1,10,1\n"
          "A2,20,2\n"
          "A3,30,6\n")


def test_title_rows_above_the_header_are_skipped_and_reported(tmp_path):
    # Given two title lines above the column names
    path = write(tmp_path / "export.csv", TITLED)

    # When it is loaded
    table = load_table(path)

    # Then the header is found on row 3, the columns are right and the user is told
    assert table.report.header_row == 3
    assert list(table.raw.columns) == ["CustomerID", "Income", "Score"]
    assert table.report.rows == 3
    assert table.frame["Income"].mean() == pytest.approx(20.0)
    assert table.frame["Score"].mean() == pytest.approx(3.0)
    assert any("row 3" in note and "title" in note for note in table.report.notes)
    assert "column names on row 3" in table.report.describe()


def test_title_rows_are_not_reported_as_rows_with_missing_fields(tmp_path):
    # Given a well-formed table under two title lines
    path = write(tmp_path / "export.csv", TITLED)

    # When it is loaded
    table = load_table(path)

    # Then the only note is about the title: no customer row lacks a field
    assert not any("fewer fields" in note for note in table.report.notes), table.report.notes


TITLE_BLANK_HEADER_ROWS = [["Customer export"], ["Generated 2024-01-01"], [],
                           ["CustomerID", "Income", "Score"], ["A1", 10, 1], ["A2", 20, 2],
                           ["A3", 30, 6]]


def write_rows(path, rows):
    """The rows as a CSV or, for an .xlsx path, as a workbook (an empty list is a blank row)."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
        return path
    return write(path, "".join(",".join(str(cell) for cell in row) + "\n" for row in rows))


@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_header_row_counts_blank_rows_as_the_user_sees_them(tmp_path, name):
    # Given a title, a date line, an empty row, then the column names on row 4 (as a text
    # editor numbers the lines and Excel numbers the rows)
    path = write_rows(tmp_path / name, TITLE_BLANK_HEADER_ROWS)

    # When it is loaded as detected, and with the header row the user reads off the file
    detected = load_table(path)
    chosen = load_table(path, LoadSettings(header_row=4))

    # Then both read the same columns, and the row reported is the file's own row 4
    assert list(detected.raw.columns) == ["CustomerID", "Income", "Score"]
    assert list(chosen.raw.columns) == ["CustomerID", "Income", "Score"]
    assert chosen.frame["Income"].mean() == pytest.approx(20.0)
    assert detected.report.header_row == 4


def test_xlsx_title_rows_above_the_header_are_skipped(tmp_path):
    # Given a workbook with two title lines above the table
    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Customer export"])
    sheet.append(["Generated 2024-01-01"])
    for row in (["CustomerID", "Income", "Score"], ["A1", 10, 1], ["A2", 20, 2], ["A3", 30, 6]):
        sheet.append(row)
    workbook.save(path)

    # When it is loaded
    table = load_table(path)

    # Then the column names come from row 3 and the numbers under them
    assert table.report.header_row == 3
    assert list(table.raw.columns) == ["CustomerID", "Income", "Score"]
    assert table.frame["Income"].mean() == pytest.approx(20.0)


# --- missing values -------------------------------------------------------------------------------

MISSING_SPELLINGS = ["", "NA", "N/A", "n/a", "-", "?", "NULL", "null", "#N/A", "NaN", "   ",
                     "\t"]


def test_every_common_spelling_of_missing_becomes_missing(tmp_path):
    # Given an income column with one real spelling of "no value" per row between numbers
    values = ["10", *MISSING_SPELLINGS, "30", "50"]
    lines = ["CustomerID,Income,Age"] + [f"C{n},{value},{20 + n}"
                                          for n, value in enumerate(values)]
    path = write(tmp_path / "customers.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then every spelling is missing and the mean is over the three numbers only
    assert int(table.frame["Income"].isna().sum()) == len(MISSING_SPELLINGS)
    assert table.frame["Income"].mean() == pytest.approx(30.0)
    assert table.frame["Income"].notna().sum() == 3
    # and no cell was reported as a stray non-number, and the raw text is untouched
    assert table.report.notes == ()
    assert list(table.raw["Income"])[1:4] == ["", "NA", "N/A"]
    info = {column.name: column for column in describe_columns(table)}["Income"]
    assert (info.role, info.missing) == (Role.NUMERIC, len(MISSING_SPELLINGS))


def test_a_stray_word_in_a_number_column_is_missing_and_reported(tmp_path):
    # Given 200 amounts and one cell reading `unknown`
    lines = ["CustomerID,Spend"] + [f"C{n},{n}" for n in range(1, 201)] + ["C201,unknown"]
    path = write(tmp_path / "customers.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then the column is still numbers, the word is missing, and the user is told which
    assert table.frame["Spend"].mean() == pytest.approx(100.5)
    assert int(table.frame["Spend"].isna().sum()) == 1
    assert any("'Spend'" in note and "unknown" in note for note in table.report.notes)


def test_a_large_file_is_typed_by_the_same_rules_as_a_small_one(tmp_path):
    # Given 25,000 customers (a size a faster reader may take shortcuts on) whose postcodes gain
    # leading zeros after the first 3,000 rows, with one income `unknown` and one ` NA `
    rows = 25_000
    lines = ["CustomerID,Income,Visits,Postcode"]
    for number in range(rows):
        income = {rows - 1: "unknown", rows - 2: " NA "}.get(number, f"{number % 100}.5")
        postcode = f"{number % 9000 + 10000}" if number < 3000 else f"0{number % 9000 + 1000}"
        lines.append(f"C{number},{income},{number % 7},{postcode}")
    path = write(tmp_path / "customers.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then the postcodes are codes with their zeros, as in a small file (22,000 of 25,000 start
    # with 0), and the incomes are numbers with the stray word reported
    assert table.frame["Postcode"].iloc[-1] == "07999"
    assert table.frame["Postcode"].dtype == object
    assert int(table.frame["Income"].isna().sum()) == 2
    expected = np.mean([number % 100 + 0.5 for number in range(rows - 2)])
    assert table.frame["Income"].mean() == pytest.approx(expected)
    assert table.frame["Visits"].mean() == pytest.approx(np.mean([n % 7 for n in range(rows)]))
    assert any("'Income'" in note and "unknown" in note for note in table.report.notes)


# --- identifiers ----------------------------------------------------------------------------------

def test_ids_with_leading_zeros_keep_their_text_and_are_identifiers(tmp_path):
    # Given customer numbers written with leading zeros
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Income\n00017,10\n00018,20\n00119,30\n01000,40\n")

    # When it is loaded
    table = load_table(path)

    # Then `00017` stays `00017` in the raw text and the typed frame, as an identifier
    assert list(table.raw["CustomerID"]) == ["00017", "00018", "00119", "01000"]
    assert list(table.frame["CustomerID"]) == ["00017", "00018", "00119", "01000"]
    assert roles(table)["CustomerID"] is Role.IDENTIFIER
    assert table.frame["Income"].mean() == pytest.approx(25.0)


# --- ragged rows ----------------------------------------------------------------------------------

def test_rows_with_extra_fields_keep_the_values_in_extra_columns(tmp_path):
    # Given rows 3 and 5 of the file with one and two values too many
    text = ("CustomerID,Income,Score\n"
            "A,10,1\n"
            "B,20,2,99\n"
            "C,30,3\n"
            "D,40,4,77,extra\n"
            "E,50,5\n")
    path = write(tmp_path / "customers.csv", text)

    # When it is loaded
    table = load_table(path)

    # Then the regular columns hold their own values
    assert table.frame["Income"].mean() == pytest.approx(30.0)
    assert table.frame["Score"].mean() == pytest.approx(3.0)
    # and the extra values are kept in new columns, not dropped
    assert list(table.raw["Column 4"]) == ["", "99", "", "77", ""]
    assert table.frame["Column 4"].mean() == pytest.approx(88.0)
    assert list(table.raw["Column 5"]) == ["", "", "", "extra", ""]
    # and the note counts the rows and gives their numbers in the file
    longer = [note for note in table.report.notes if "more fields" in note]
    assert longer == ["2 rows have more fields than the header; the extra values are kept in "
                      "extra columns: rows 3, 5 of the file."]


def test_rows_with_too_few_fields_are_loaded_and_reported(tmp_path):
    # Given row 3 of the file one field short
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Income,Score\nA,10,1\nB,20\nC,30,3\nD,40,4\n")

    # When it is loaded
    table = load_table(path)

    # Then the row is kept with its missing cell empty
    assert table.report.rows == 4
    assert list(table.raw["Score"]) == ["1", "", "3", "4"]
    assert table.frame["Income"].mean() == pytest.approx(25.0)
    assert table.frame["Score"].mean() == pytest.approx(8 / 3)
    # and the user is told which row was short
    assert [note for note in table.report.notes if "fewer fields" in note] == [
        "1 row has fewer fields than the header; the missing cells are left empty: row 3 of "
        "the file."]


def test_rows_too_long_and_too_short_in_one_file_are_each_reported_once(tmp_path):
    # Given a file with one row too long (row 3) and one row too short (row 4)
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Income,Score\nA,10,1\nB,20,2,99\nC,30\nD,40,4\n")

    # When it is loaded
    table = load_table(path)

    # Then each kind of row is reported with its own row numbers only (the header and the
    # regular rows are not "short" because a long row added a column)
    notes = table.report.notes
    assert [note for note in notes if "more fields" in note] == [
        "1 row has more fields than the header; the extra values are kept in extra columns: "
        "row 3 of the file."]
    assert [note for note in notes if "fewer fields" in note] == [
        "1 row has fewer fields than the header; the missing cells are left empty: row 4 of "
        "the file."]
    assert table.frame["Income"].mean() == pytest.approx(25.0)


def test_ragged_row_numbers_count_blank_lines_of_the_file(tmp_path):
    # Given an empty line 3, and line 4 with a value too many
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Income,Score\nA,10,1\n\nB,20,2,9\nC,30,3\n")

    # When it is loaded
    table = load_table(path)

    # Then the blank line is not a customer, and the long row is named by its line in the file
    assert table.report.rows == 3
    assert table.frame["Income"].mean() == pytest.approx(20.0)
    assert any("more fields" in note and "row 4 of the file" in note
               for note in table.report.notes), table.report.notes


# --- column names ---------------------------------------------------------------------------------

def test_duplicate_and_empty_column_names_are_made_unique_and_reported(tmp_path):
    # Given two columns called Income and two with no name
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Income,Income,,Score,\nA,10,1,x,5,q\nB,20,3,y,7,r\n")

    # When it is loaded
    table = load_table(path)

    # Then every column has its own name and its own values
    assert list(table.raw.columns) == ["CustomerID", "Income", "Income (2)", "Column 4",
                                       "Score", "Column 6"]
    assert table.frame["Income"].mean() == pytest.approx(15.0)
    assert table.frame["Income (2)"].mean() == pytest.approx(2.0)
    assert table.frame["Score"].mean() == pytest.approx(6.0)
    assert list(table.frame["Column 4"]) == ["x", "y"]
    # and one note lists the renames
    notes = [note for note in table.report.notes if "made unique" in note]
    assert len(notes) == 1
    assert "'Income' appeared more than once (now also 'Income (2)')" in notes[0]
    assert "column 4 had no name (now 'Column 4')" in notes[0]
    assert "column 6 had no name (now 'Column 6')" in notes[0]


# --- spreadsheets ---------------------------------------------------------------------------------

def write_two_sheet_xlsx(path, first_empty: bool = False):
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Kunden"
    if not first_empty:
        first.append(["CustomerID", "Income", "Score"])
        for row in (["0001", 50, 40], ["0002", 60.5, 70], ["0003", 70, 10]):
            first.append(row)
    second = workbook.create_sheet("Shop 2")
    second.append(["Client", "Spend"])
    for row in (["X1", 100], ["X2", 300], ["X3", 500]):
        second.append(row)
    workbook.save(path)
    return path


def test_xlsx_reads_the_first_sheet_unless_another_is_chosen(tmp_path):
    # Given a workbook with two filled sheets
    path = write_two_sheet_xlsx(tmp_path / "customers.xlsx")

    # When it is loaded by default and with the second sheet chosen
    default = load_table(path)
    chosen = load_table(path, LoadSettings(sheet="Shop 2"))

    # Then the default is the first sheet, the choice the second, each with its own numbers
    assert (default.report.sheet, default.report.sheets) == ("Kunden", ("Kunden", "Shop 2"))
    assert default.frame["Income"].mean() == pytest.approx((50 + 60.5 + 70) / 3)
    assert list(default.raw["CustomerID"]) == ["0001", "0002", "0003"]
    assert chosen.report.sheet == "Shop 2"
    assert chosen.frame["Spend"].mean() == pytest.approx(300.0)


def test_xlsx_with_an_empty_first_sheet_reads_the_second(tmp_path):
    # Given a workbook whose first sheet is empty
    path = write_two_sheet_xlsx(tmp_path / "customers.xlsx", first_empty=True)

    # When it is loaded
    table = load_table(path)

    # Then the first sheet with data is read
    assert table.report.sheet == "Shop 2"
    assert table.frame["Spend"].mean() == pytest.approx(300.0)


def test_xlsx_date_cells_are_dates(tmp_path):
    # Given a workbook with real date cells
    path = tmp_path / "customers.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CustomerID", "Joined", "Income"])
    sheet.append(["A", datetime.datetime(2024, 12, 31), 10.5])
    sheet.append(["B", datetime.datetime(2024, 1, 2), 30])
    workbook.save(path)

    # When it is loaded
    table = load_table(path)

    # Then they are dates in ISO order, and the amounts numbers
    assert table.report.date_formats == {"Joined": "YYYY-MM-DD"}
    assert list(table.frame["Joined"]) == [pd.Timestamp("2024-12-31"), pd.Timestamp("2024-01-02")]
    assert table.frame["Income"].mean() == pytest.approx(20.25)


def test_xls_file_is_read_with_its_sheets(tmp_path):
    # Given an Excel 97-2003 workbook with two sheets
    workbook = xlwt.Workbook()
    first = workbook.add_sheet("Kunden")
    for r, row in enumerate([["CustomerID", "Income", "Score"], ["0001", 50, 40],
                             ["0002", 60.5, 70], ["0003", 70, 10]]):
        for c, value in enumerate(row):
            first.write(r, c, value)
    second = workbook.add_sheet("Shop 2")
    for r, row in enumerate([["Client", "Spend"], ["X1", 100], ["X2", 300]]):
        for c, value in enumerate(row):
            second.write(r, c, value)
    path = tmp_path / "customers.xls"
    workbook.save(str(path))

    # When it is loaded by default and with the second sheet chosen
    default = load_table(path)
    chosen = load_table(path, LoadSettings(sheet="Shop 2"))

    # Then the numbers of each sheet are read and the text IDs kept
    assert default.report.file_format == "xls"
    assert default.report.sheets == ("Kunden", "Shop 2")
    assert default.frame["Income"].mean() == pytest.approx((50 + 60.5 + 70) / 3)
    assert list(default.raw["CustomerID"]) == ["0001", "0002", "0003"]
    assert chosen.frame["Spend"].mean() == pytest.approx(200.0)


def test_ods_file_is_read_with_its_sheets(tmp_path):
    # Given an OpenDocument spreadsheet with two sheets
    path = tmp_path / "customers.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:  # odfpy, from the test extra
        pd.DataFrame({"CustomerID": ["0001", "0002", "0003"], "Income": [50, 60.5, 70],
                      "Score": [40, 70, 10]}).to_excel(writer, sheet_name="Kunden", index=False)
        pd.DataFrame({"Client": ["X1", "X2"], "Spend": [100, 300]}).to_excel(
            writer, sheet_name="Shop 2", index=False)

    # When it is loaded by default and with the second sheet chosen
    default = load_table(path)
    chosen = load_table(path, LoadSettings(sheet="Shop 2"))

    # Then the numbers of each sheet are read and the text IDs kept
    assert default.report.file_format == "ods"
    assert default.report.sheets == ("Kunden", "Shop 2")
    assert default.frame["Income"].mean() == pytest.approx((50 + 60.5 + 70) / 3)
    assert default.frame["Score"].mean() == pytest.approx(40.0)
    assert list(default.raw["CustomerID"]) == ["0001", "0002", "0003"]
    assert chosen.frame["Spend"].mean() == pytest.approx(200.0)


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dates, day_first, date_format, february_or_january", [
    # the 31 can only be a day: written first, the order is day-first and 01/02 is 1 February
    ("31/12/2024 01/02/2024 15/06/2023", True, "DD/MM/YYYY", "2024-02-01"),
    # written second, the order is month-first and 01/02 is 2 January
    ("12/31/2024 01/02/2024 06/15/2023", False, "MM/DD/YYYY", "2024-01-02"),
])
def test_the_order_of_day_and_month_is_detected(tmp_path, dates, day_first, date_format,
                                               february_or_january):
    # Given dates where the 31 can only be a day
    rows = "".join(f"{customer},{date},{n}\n" for n, (customer, date) in
                   enumerate(zip("ABC", dates.split()), start=1))
    path = write(tmp_path / "customers.csv", "CustomerID,Joined,Income\n" + rows)

    # When it is loaded
    table = load_table(path)

    # Then the order is found, and the ambiguous 01/02 read by it
    assert table.report.day_first is day_first
    assert table.report.date_formats == {"Joined": date_format}
    assert list(table.frame["Joined"]) == [pd.Timestamp("2024-12-31"),
                                           pd.Timestamp(february_or_january),
                                           pd.Timestamp("2023-06-15")]


def test_month_first_order_settled_late_in_the_file_is_reported(tmp_path):
    # Given a transaction log whose first 400 rows are all on 12/1/2010 (either order fits)
    # and whose later rows show 12/13/2010, which can only be month-first
    lines = ["InvoiceNo,InvoiceDate,Quantity"]
    lines += [f"{n},12/1/2010 8:26,1" for n in range(400)]
    lines += [f"{n},12/13/2010 9:00,3" for n in range(400, 500)]
    path = write(tmp_path / "invoices.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then the dates are read month-first, and the report says so in both places
    assert table.report.date_formats == {"InvoiceDate": "MM/DD/YYYY hh:mm"}
    assert table.frame["InvoiceDate"].iloc[-1] == pd.Timestamp("2010-12-13 09:00")
    assert table.report.day_first is False


@pytest.mark.parametrize("day_first, first_date", [
    (True, pd.Timestamp("2024-02-01")), (False, pd.Timestamp("2024-01-02"))])
def test_day_first_setting_decides_ambiguous_dates(tmp_path, day_first, first_date):
    # Given dates that fit either order
    path = write(tmp_path / "customers.csv",
                 "CustomerID,Joined,Income\nA,01/02/2024,1\nB,03/04/2024,2\n")

    # When it is loaded with the order chosen
    table = load_table(path, LoadSettings(day_first=day_first))

    # Then the dates follow the choice
    assert table.report.day_first is day_first
    assert table.frame["Joined"].iloc[0] == first_date
    assert table.report.date_formats["Joined"] == ("DD/MM/YYYY" if day_first else "MM/DD/YYYY")


# --- settings that override detection -------------------------------------------------------------

def test_decimal_setting_overrides_the_detected_decimal_comma(tmp_path):
    # Given a semicolon file whose `1,500` the loader reads as one and a half (a decimal comma,
    # as semicolon files from Europe have)
    path = write(tmp_path / "customers.csv",
                 "ID;Amount;Age\nA;1,500;30\nB;2,500;40\nC;3,000;50\n")
    assert load_table(path).frame["Amount"].mean() == pytest.approx((1.5 + 2.5 + 3) / 3)

    # When the user says the decimal mark is a point and the comma groups thousands
    table = load_table(path, LoadSettings(decimal=".", thousands=","))

    # Then `1,500` is fifteen hundred
    assert table.report.number_format.decimal == "."
    assert table.report.number_format.thousands == ","
    assert table.frame["Amount"].mean() == pytest.approx((1500 + 2500 + 3000) / 3)
    assert table.frame["Age"].mean() == pytest.approx(40.0)


def test_decimal_and_thousands_settings_turn_1_234_into_one_thousand(tmp_path):
    # Given amounts like `1.234` that read as one point two by default
    path = write(tmp_path / "customers.csv", "ID,Amount\nA,1.234\nB,2.000\nC,3.500\n")
    assert load_table(path).frame["Amount"].mean() == pytest.approx((1.234 + 2 + 3.5) / 3)

    # When the user says the point groups thousands and the comma is the decimal mark
    table = load_table(path, LoadSettings(decimal=",", thousands="."))

    # Then they are thousands
    assert table.report.number_format.decimal == ","
    assert table.report.number_format.thousands == "."
    assert table.frame["Amount"].mean() == pytest.approx((1234 + 2000 + 3500) / 3)


def test_thousands_setting_none_keeps_commas_as_decimal_marks(tmp_path):
    # Given quoted amounts `"1,234"` that read as one thousand two hundred by default
    path = write(tmp_path / "customers.csv", 'ID,Amount\nA,"1,234"\nB,"2,000"\n')
    assert load_table(path).frame["Amount"].mean() == pytest.approx(1617.0)

    # When the user says the comma is the decimal mark, with no thousands separator
    table = load_table(path, LoadSettings(decimal=",", thousands=""))

    # Then the amounts are small numbers
    assert table.report.number_format.thousands is None
    assert table.frame["Amount"].mean() == pytest.approx((1.234 + 2.0) / 2)


TWO_COLUMN_DECIMAL_COMMAS = "Kunde;Umsatz\nK1;1,50\nK2;2,50\nK3;3,50\nK4;4,50\n"


def test_two_column_semicolon_file_with_decimal_commas_is_split_on_semicolons(tmp_path):
    # Given a German two-column export: one semicolon and one decimal comma on every data row
    path = write(tmp_path / "umsatz.csv", TWO_COLUMN_DECIMAL_COMMAS)

    # When it is loaded
    table = load_table(path)

    # Then the semicolon separates the columns (the header has no comma at all) and the
    # amounts are decimal-comma numbers
    assert table.report.delimiter == ";"
    assert list(table.raw.columns) == ["Kunde", "Umsatz"]
    assert table.frame["Umsatz"].mean() == pytest.approx(3.0)


def test_semicolon_file_with_quoted_comma_grouped_amounts_is_split_on_semicolons(tmp_path):
    # Given a semicolon file, every field quoted, whose amounts are grouped with commas
    path = write(tmp_path / "customers.csv",
                 '"Customer";"Amount";"Visits"\n"K1";"1,000,000";"3"\n'
                 '"K2";"2,500,000";"4"\n"K3";"750,000";"5"\n')

    # When it is loaded
    table = load_table(path)

    # Then the semicolons outside the quotes separate the columns (the commas are inside quotes)
    assert table.report.delimiter == ";"
    assert list(table.raw.columns) == ["Customer", "Amount", "Visits"]
    assert table.frame["Visits"].mean() == pytest.approx(4.0)


def test_amounts_with_two_comma_groups_are_thousands_even_in_a_semicolon_file(tmp_path):
    # Given a semicolon file (separator given) with amounts like `1,000,000`, which cannot
    # hold a decimal comma (two commas)
    path = write(tmp_path / "customers.csv",
                 "Customer;Amount;Visits\nK1;1,000,000;3\nK2;2,500,000;4\nK3;750,000;5\n")

    # When it is loaded
    table = load_table(path, LoadSettings(delimiter=";"))

    # Then the commas group thousands and the amounts are numbers
    assert table.report.number_format == NumberFormat(".", ",")
    assert table.frame["Amount"].mean() == pytest.approx((1_000_000 + 2_500_000 + 750_000) / 3)


def test_delimiter_setting_overrides_detection(tmp_path):
    # Given the two-column semicolon file with decimal commas
    path = write(tmp_path / "umsatz.csv", TWO_COLUMN_DECIMAL_COMMAS)

    # When the user says it is semicolon-separated
    table = load_table(path, LoadSettings(delimiter=";"))

    # Then the semicolons split the columns and the commas are decimal marks
    assert table.report.delimiter == ";"
    assert list(table.raw.columns) == ["Kunde", "Umsatz"]
    assert table.report.number_format.decimal == ","
    assert table.frame["Umsatz"].mean() == pytest.approx(3.0)


def test_delimiter_setting_splits_on_the_chosen_character(tmp_path):
    # Given a file separated by vertical bars whose names hold semicolons
    path = write(tmp_path / "customers.csv",
                 "ID|Name;Initial|Amount\nA|Smith;J|10\nB|Jones;K|30\nC|Brown;L|50\n")
    assert load_table(path).report.delimiter == "|"

    # When the user says it is semicolon-separated
    table = load_table(path, LoadSettings(delimiter=";"))

    # Then the semicolons split the columns instead
    assert table.report.delimiter == ";"
    assert list(table.raw.columns) == ["ID|Name", "Initial|Amount"]
    assert list(table.raw["ID|Name"]) == ["A|Smith", "B|Jones", "C|Brown"]


def test_encoding_setting_overrides_detection(tmp_path):
    # Given a Windows-1252 file with a euro amount
    path = write(tmp_path / "customers.csv", "Name;Amount\nZoë;10 €\nRené;30 €\n", "cp1252")

    # When the user names the DOS code page, and then UTF-8 (which cannot read the bytes)
    dos = load_table(path, LoadSettings(encoding="cp437"))
    utf8 = load_table(path, LoadSettings(encoding="utf-8"))

    # Then the chosen encoding is used as it is; the bytes UTF-8 cannot read are read alone as
    # Windows-1252, and their lines named (issue 19: the user's choice is always obeyed)
    assert dos.report.encoding == "cp437"
    assert dos.frame["Name"].iloc[0] == "Zoδ"  # byte EB is delta in cp437
    assert utf8.report.encoding == "UTF-8"
    assert list(utf8.frame["Name"]) == ["Zoë", "René"]
    assert utf8.report.notes == ("The file has 4 bytes that are not UTF-8, on lines 2, 3; they "
                                 "were read as Windows-1252.",)
    with pytest.raises(UserError, match="does not know the encoding 'klingon'. Choose one of: "
                                        "utf-8, "):
        load_table(path, LoadSettings(encoding="klingon"))


def test_header_row_setting_overrides_detection(tmp_path):
    # Given a first row that looks like column names but is not
    path = write(tmp_path / "customers.csv", "a,b\nCustomerID,Spend\nX,10\nY,30\n")
    assert load_table(path).report.header_row == 1

    # When the user says the names are on row 2
    table = load_table(path, LoadSettings(header_row=2))

    # Then row 2 names the columns and the numbers beneath are read
    assert table.report.header_row == 2
    assert list(table.raw.columns) == ["CustomerID", "Spend"]
    assert table.frame["Spend"].mean() == pytest.approx(20.0)
    with pytest.raises(UserError, match="has no row 9"):
        load_table(path, LoadSettings(header_row=9))


# --- files that cannot be read or analysed --------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"],
                         ids=["zero-bytes", "blank-lines", "utf8-bom-only", "utf16-bom-only"])
def test_empty_file_is_refused(tmp_path, content):
    # Given a file with nothing in it but whitespace or a byte-order mark
    path = write(tmp_path / "customers.csv", content)

    # When it is loaded, then the user is told it is empty and to export it again
    with pytest.raises(UserError, match=r"empty.*[Ee]xport"):
        load_table(path)


def test_header_only_file_is_refused(tmp_path):
    # Given column names and no rows
    path = write(tmp_path / "customers.csv", "CustomerID;Income;Score\r\n", "cp1252")

    # When it is loaded, then the user is told there are no customer rows
    with pytest.raises(UserError, match="column names but no customer rows"):
        load_table(path)


def test_file_without_numbers_is_refused_by_the_analysis(tmp_path):
    # Given customers described only by text
    path = write(tmp_path / "customers.csv", "Name,City\nAnn,Paris\nBob,Rome\nCy,Paris\n")

    # When the analysis runs, then it asks for a file with numbers
    with pytest.raises(UserError, match="no numeric columns") as caught:
        run_analysis(path)
    assert "column of numbers" in str(caught.value)


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    b"%PDF-1.7\n" + bytes(range(256)) * 4,
    bytes(range(256)) * 16,
    b"ID,Income\n1,2\n" + b"\x00" * 64,
], ids=["png", "pdf", "random-bytes", "text-with-nul-bytes"])
def test_binary_file_named_csv_is_refused(tmp_path, content):
    # Given binary content saved with a .csv name
    path = write(tmp_path / "customers.csv", content)

    # When it is loaded, then the user is told it holds binary data, and what to open instead
    with pytest.raises(UserError, match="binary data") as caught:
        load_table(path)
    assert "CSV or Excel" in str(caught.value)


def test_text_named_xlsx_is_refused_with_the_fix(tmp_path):
    # Given a CSV export renamed to .xlsx
    path = write(tmp_path / "customers.xlsx", "ID,Income\nA,1\nB,2\n")

    # When it is loaded, then the user is told to rename it to .csv
    with pytest.raises(UserError, match="named like a spreadsheet but holds plain text") as caught:
        load_table(path)
    assert ".csv" in str(caught.value)


def test_xlsx_named_csv_is_refused_with_the_fix(tmp_path):
    # Given a real workbook saved with a .csv name
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["ID", "Income"])
    workbook.active.append(["A", 1])
    workbook.save(buffer)
    path = write(tmp_path / "customers.csv", buffer.getvalue())

    # When it is loaded, then the user is told it is a spreadsheet and to rename it
    with pytest.raises(UserError, match=r"is a spreadsheet \(xlsx\)\. Rename it to end in \.xlsx"):
        load_table(path)


def test_file_that_disappeared_is_refused(tmp_path):
    # Given a file that was there and was then deleted
    path = write(tmp_path / "customers.csv", "ID,Income\nA,1\n")
    path.unlink()

    # When it is loaded, then the user is told it could not be found and why that may be
    with pytest.raises(UserError, match=r"customers\.csv could not be found.*moved, renamed"):
        load_table(path)


def test_folder_given_as_the_file_is_refused(tmp_path):
    # Given a folder named like a CSV file
    path = tmp_path / "customers.csv"
    path.mkdir()

    # When it is loaded, then the user is told it is a folder
    with pytest.raises(UserError, match=r"customers\.csv is a folder, not a file"):
        load_table(path)


@pytest.mark.parametrize("error, words", [
    (PermissionError(13, "Permission denied"), "not allowed to read customers.csv"),
    (OSError(5, "Input/output error"), r"could not be read \(Input/output error\)"),
], ids=["locked", "disk-error"])
def test_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch, error, words):
    # Given a file the system refuses to read (locked by another program, or a failing disk;
    # simulated, because the tests may run as an administrator who can read anything)
    path = write(tmp_path / "customers.csv", "ID,Income\nA,1\nB,2\n")

    def refuse(self):
        raise error

    monkeypatch.setattr(type(path), "read_bytes", refuse)

    # When it is loaded, then the user is told why, in words
    with pytest.raises(UserError, match=words):
        load_table(path)


def test_fewer_usable_rows_than_segments_is_refused(tmp_path):
    # Given four customers of whom only two have both values
    path = write(tmp_path / "customers.csv",
                 "ID,Income,Score\nA,1,2\nB,,4\nC,3,NA\nD,5,6\n")

    # When three segments are asked for, then the user is told only two customers are left
    with pytest.raises(UserError, match="Only 2 customers are left to group, too few for 3"):
        run_analysis(path, AnalysisSettings(k=3, k_min=3, k_max=3))


def test_fewer_distinct_rows_than_segments_is_refused(tmp_path):
    # Given five customers with only two different profiles
    path = write(tmp_path / "customers.csv",
                 "ID,Income,Score\nA,1,2\nB,1,2\nC,1,2\nD,5,6\nE,5,6\n")

    # When three segments are asked for, then the user is told there are only two profiles
    with pytest.raises(UserError, match="Only 2 different customer profiles.*too few for 3"):
        run_analysis(path, AnalysisSettings(k=3, k_min=3, k_max=3))


@pytest.mark.parametrize("written", ["inf", "-inf", "1e400", "Infinity"])
def test_infinite_values_are_refused_by_the_analysis(tmp_path, written):
    # Given an income column with one infinite value among numbers
    lines = ["ID,Income,Score", f"A,{written},2"] + [f"C{n},{n},{n * 2}" for n in range(1, 9)]
    path = write(tmp_path / "customers.csv", "\n".join(lines) + "\n")
    assert np.isinf(load_table(path).frame["Income"]).sum() == 1

    # When the analysis runs, then the user is told which column holds it
    with pytest.raises(UserError, match="'Income' holds 1 infinite value"):
        run_analysis(path, AnalysisSettings(features=("Income", "Score")))


@pytest.mark.parametrize("missing", ["drop", "median"])
def test_a_column_of_only_missing_values_cannot_be_a_feature(tmp_path, missing):
    # Given an Empty column with nothing but spellings of "no value"
    path = write(tmp_path / "customers.csv",
                 "ID,Income,Empty\nA,1,\nB,2,NA\nC,3,-\nD,4,\nE,5,n/a\n")
    table = load_table(path)
    assert int(table.frame["Empty"].isna().sum()) == 5

    # When it is chosen as a feature, then the user is told it has no values
    with pytest.raises(UserError, match="'Empty' cannot be used.*no values"):
        run_analysis(path, AnalysisSettings(features=("Income", "Empty"), missing=missing))


# --- shared real data sets ------------------------------------------------------------------------

@pytest.mark.shared_data
def test_marketing_campaign_semicolon_file(shared_file):
    # Given the marketing campaign data: `;`-separated, day-first join dates
    table = load_table(shared_file("marketing_campaign_semicolon.csv"))

    # Then the separator and the date order are detected
    assert table.report.delimiter == ";"
    assert (table.report.rows, table.report.columns) == (2240, 29)
    assert table.report.day_first is True
    assert table.report.date_formats["Dt_Customer"].startswith("DD/MM/YYYY")
    # the first customer joined on 4 September 2012 (written 04/09/2012)
    assert table.raw["Dt_Customer"].iloc[0] == "04/09/2012"
    assert table.frame["Dt_Customer"].iloc[0] == pd.Timestamp("2012-09-04")
    # and the constant columns are unusable, the 24 missing incomes counted
    info = {column.name: column for column in describe_columns(table)}
    for name in ("Z_CostContact", "Z_Revenue"):
        assert info[name].role is Role.CONSTANT
        assert not info[name].usable
    assert info["Income"].role is Role.NUMERIC
    assert info["Income"].missing == 24
    assert int(table.frame["Income"].isna().sum()) == 24
    assert table.frame["Year_Birth"].min() == 1893


@pytest.mark.shared_data
def test_online_retail_latin1_file(shared_file):
    # Given the online retail sample written in ISO-8859-1 with pound signs in descriptions
    path = shared_file("online_retail_rfm_sample_latin1.csv")
    table = load_table(path)

    # Then it is read as Latin-1 with the pound signs intact (no mojibake like `Â£`)
    assert table.report.encoding == "Latin-1"
    descriptions = table.frame["Description"].dropna()
    with_pound = descriptions[descriptions.str.contains("£", regex=False)]
    assert len(with_pound) == path.read_bytes().count(b"\xa3")
    assert "Dotcomgiftshop Gift Voucher £40.00" in set(with_pound)
    assert not descriptions.str.contains("Â|Ã").any()
    # and the transactions without a customer are missing IDs
    assert (table.report.rows, table.report.columns) == (35329, 8)
    assert int(table.frame["CustomerID"].isna().sum()) == 1532
    assert table.frame["InvoiceDate"].iloc[0] == pd.Timestamp("2010-12-01 08:26")
