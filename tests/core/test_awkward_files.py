"""Awkward real-world exports, round two (issue 19): every test writes the file a user had, loads
it, and checks the numbers read, the text kept and what CustSeg says about it.

Kinds: apostrophe thousands (Swiss, Liechtenstein), Excel's Accounting format and ledger signs
(`$ (1,234.56)`, ` $ -   `, `120.50-`, `+5`), encodings (stray bytes in UTF-8, Cyrillic,
Japanese, Chinese), workbooks (the sheet that holds the table, error cells, what a workbook
expands to), and total rows.
"""

from __future__ import annotations

import re
import string
import time
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from custseg_gui.core.columns import Role, describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import budget, load_table

COLUMN_LETTERS = list(string.ascii_uppercase) + [
    first + second for first in string.ascii_uppercase for second in string.ascii_uppercase]


def write(path, content: str | bytes, encoding: str = "utf-8"):
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def roles(table) -> dict[str, Role]:
    return {info.name: info.role for info in describe_columns(table)}


# --- apostrophe thousands ---------------------------------------------------------------------

SWISS_EXPORT = (
    "Kundennr,Name,Umsatz,Guthaben\n"
    "CH-01,Müller AG,1'234.50,CHF 12'345.00\n"
    "CH-02,Zürcher Treuhand,'980.00',CHF 1'000'000.00\n"
    "LI-03,Vaduz Bau,12'000.00,CHF 250.00\n"
    "LI-04,Schaaner Post,7.25,CHF -2'500.00\n"
)


def test_swiss_amounts_with_apostrophe_thousands_are_numbers(tmp_path):
    # Given a Swiss/Liechtenstein export: `1'234.50` and `CHF 12'345.00`
    path = write(tmp_path / "kunden.csv", SWISS_EXPORT.replace("'980.00'", "980.00"))

    # When it is loaded with nothing set
    table = load_table(path)

    # Then the apostrophe is recognised as the thousands separator and every amount is read
    assert table.report.number_format.decimal == "."
    assert table.report.number_format.thousands == "'"
    assert "thousands apostrophe" in table.report.describe()
    assert list(table.frame["Umsatz"]) == [1234.5, 980.0, 12000.0, 7.25]
    assert list(table.frame["Guthaben"]) == [12345.0, 1_000_000.0, 250.0, -2500.0]
    assert table.report.units["Guthaben"] == "CHF"
    assert roles(table)["Umsatz"] is Role.NUMERIC
    # and the cells keep their text as written
    assert table.raw["Guthaben"].iloc[0] == "CHF 12'345.00"
    assert table.report.notes == ()


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"], ids=["typewriter", "typographic"])
def test_apostrophe_thousands_with_the_setting_and_a_decimal_comma(tmp_path, apostrophe):
    # Given amounts grouped by a (typeset) apostrophe and a semicolon file whose decimal mark
    # is a point, read with `--thousands apostrophe` as the user did
    text = ("Kunde;Betrag\n"
            f"K1;1{apostrophe}234.50\nK2;2{apostrophe}000.00\nK3;12{apostrophe}345.75\n")
    path = write(tmp_path / "betraege.csv", text)

    # When it is loaded with the thousands separator set (and the decimal mark left to detect)
    table = load_table(path, LoadSettings(thousands="'"))

    # Then the amounts are thousands, not text
    assert table.frame["Betrag"].tolist() == [1234.5, 2000.0, 12345.75]
    assert table.report.number_format.thousands == "'"


# --- Excel's Accounting format and ledger signs -------------------------------------------------

ACCOUNTING_EXPORT = (
    "Customer,Balance,Credit\n"
    'A," $ 1,234.56 "," 1,000.00 "\n'
    'B," $ (1,234.56)"," (250.00)"\n'
    'C," $ -   "," -   "\n'
    'D," $ 12.00 "," 12.00 "\n'
    'E," $ -   "," 3,000.00 "\n'
)


def test_accounting_format_reads_bracketed_negatives_and_dash_zeros(tmp_path):
    # Given what Excel writes for Accounting (` $ (1,234.56)`, ` $ -   `) and Comma style
    path = write(tmp_path / "balances.csv", ACCOUNTING_EXPORT)

    # When it is loaded
    table = load_table(path)

    # Then the dashes are zeros, the brackets negatives, and the columns numbers
    assert table.frame["Balance"].tolist() == [1234.56, -1234.56, 0.0, 12.0, 0.0]
    assert table.frame["Credit"].tolist() == [1000.0, -250.0, 0.0, 12.0, 3000.0]
    assert table.report.units["Balance"] == "$"
    assert roles(table)["Balance"] is Role.NUMERIC
    assert table.report.notes == ()
    # and the cells keep their text, padding included
    assert table.raw["Balance"].iloc[2] == " $ -   "


def test_a_bare_dash_is_still_missing_and_a_dash_in_text_stays_text(tmp_path):
    # Given a plain dash for "no value" and a text column of dashes
    path = write(tmp_path / "customers.csv",
                 "ID,Income,Note\nA,10,-\nB,-,a - b\nC,30,-\nD,40, $ -   \n")

    # When it is loaded
    table = load_table(path)

    # Then the bare dash is a missing income, and the Note column is untouched text
    assert table.frame["Income"].isna().tolist() == [False, True, False, False]
    assert table.frame["Income"].sum() == 80
    assert table.frame["Note"].tolist() == [None, "a - b", None, "$ -"]


@pytest.mark.parametrize("cells, expected", [
    (["120.50-", "+30.00", "1,234.50-", "45.00", "+0.50"],
     [-120.5, 30.0, -1234.5, 45.0, 0.5]),
    (["1.234,50-", "+30,00", "120,50 €-", "45,00", "(7,25 €)"],
     [-1234.5, 30.0, -120.5, 45.0, -7.25]),
], ids=["sap-point", "sap-comma-and-euro"])
def test_trailing_minus_and_leading_plus_are_signs(tmp_path, cells, expected):
    # Given a ledger export (SAP writes the minus after the amount) with explicit plus signs
    text = "Debitor;Saldo;Jahre\n" + "".join(
        f"D{number};{cell};{number + 3}\n" for number, cell in enumerate(cells))
    path = write(tmp_path / "saldo.csv", text)

    # When it is loaded
    table = load_table(path)

    # Then the signs are read and the column is a number column, not "an ID or code"
    assert table.frame["Saldo"].tolist() == pytest.approx(expected)
    assert roles(table)["Saldo"] is Role.NUMERIC
    assert table.raw["Saldo"].tolist() == cells


@pytest.mark.parametrize("cell", ["-(5.00)", "(5.00)-", "5.00--", "(5.00", "1'23.00"])
def test_numbers_with_two_signs_or_broken_groups_are_not_numbers(tmp_path, cell):
    # Given one malformed amount among good ones
    path = write(tmp_path / "customers.csv",
                 "ID,Amount\n" + "".join(f"C{n},{n}.00\n" for n in range(1, 200))
                 + f"X,{cell}\n")

    # When it is loaded
    table = load_table(path)

    # Then it is reported as not a number, never read as some other number
    assert table.frame["Amount"].isna().sum() == 1
    assert any(f"'{cell}'" in note for note in table.report.notes)


# --- encodings ----------------------------------------------------------------------------------

def utf8_export_with_a_stray_byte(rows: int = 3_000) -> bytes:
    """A UTF-8 export of `rows` German customers whose line `rows - 1` was pasted from a
    Windows program: its two `ü` are the Windows-1252 byte FC, not UTF-8's two bytes."""
    lines = ["Kundennr;Name;Ort;Umsatz"] + [
        f"K{number};Jürgen Müller {number};Köln;{number},50" for number in range(1, rows + 1)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    stray = f"K{rows - 2};Jürgen Müller {rows - 2};".encode("utf-8")
    return data.replace(stray, stray.replace("ü".encode("utf-8"), b"\xfc"))


@pytest.mark.parametrize("settings", [LoadSettings(), LoadSettings(encoding="utf-8")],
                         ids=["detected", "utf-8-chosen"])
def test_one_stray_windows_byte_in_a_utf8_file_garbles_nothing(tmp_path, settings):
    # Given a UTF-8 file of 3,000 customers with Windows-1252 bytes on line 2,999
    path = write(tmp_path / "kunden.csv", utf8_export_with_a_stray_byte())

    # When it is loaded (detected, or with --encoding utf-8 as the user tried)
    table = load_table(path, settings)

    # Then every name is spelled right, the stray byte included, and the line is named
    names = table.frame["Name"]
    assert names.iloc[0] == "Jürgen Müller 1"
    assert names.iloc[2997] == "Jürgen Müller 2998"  # the stray byte, read as Windows-1252
    assert not names.str.contains("Ã").any()
    assert table.report.encoding == "UTF-8"
    assert table.report.notes == ("The file has 2 bytes that are not UTF-8, on line 2,999; they "
                                  "were read as Windows-1252.",)
    assert table.frame["Umsatz"].iloc[-1] == 3000.5


def test_windows_quotes_pasted_into_a_utf8_file_are_read_and_their_lines_named(tmp_path):
    # Given a UTF-8 file where two notes were pasted from Word: curly quotes as bytes 93/94
    text = ("ID,Name,Note,Spend\n"
            "1,Ærøskøbing Ltd,ok,10\n"
            "2,Łukasz Żółw,\x93VIP\x94,20\n"
            "3,Renée,no,30\n"
            "4,Zoë,\x93call back\x94,40\n")
    data = "".join(ch if ch not in "\x93\x94" else "\0" + ch for ch in text)
    raw = b"".join(part[1:].encode("latin_1") if part.startswith("\0") else part.encode()
                   for part in re.split("(\0.)", data) if part)
    path = write(tmp_path / "notes.csv", raw)

    # When it is loaded
    table = load_table(path)

    # Then the UTF-8 names survive, the quotes are quotes, and lines 3 and 5 are named
    assert list(table.frame["Name"]) == ["Ærøskøbing Ltd", "Łukasz Żółw", "Renée", "Zoë"]
    assert list(table.frame["Note"]) == ["ok", "“VIP”", "no", "“call back”"]
    assert table.report.notes == ("The file has 4 bytes that are not UTF-8, on lines 3, 5; they "
                                  "were read as Windows-1252.",)


LEGACY_EXPORTS = {
    "cyrillic": ("cp1251", "Windows-1251 (Cyrillic)",
                 "Клиент;Фамилия;Город;Сумма покупок\n"
                 "1;Иванов;Москва;1200,50\n2;Петрова;Санкт-Петербург;800,00\n"
                 "3;Сидоров;Новосибирск;300,25\n4;Кузнецова;Екатеринбург;950,00\n"),
    "japanese": ("cp932", "Shift-JIS (Japanese)",
                 "顧客ID,氏名,都道府県,購入額\n"
                 "1,山田太郎,東京都,1200\n2,佐藤花子,大阪府,800\n3,鈴木一郎,北海道,300\n"
                 "4,高橋美咲,福岡県,950\n"),
    "chinese": ("gb18030", "GB18030 (Simplified Chinese)",
                "客户编号,姓名,城市,消费金额\n"
                "1,张伟,北京,1200\n2,王芳,上海,800\n3,李娜,广州,300\n4,刘洋,深圳,950\n"),
    "central-european": ("cp1250", "Windows-1250 (Central European)",
                         "Klient;Miasto;Kwota\n1;Łódź;1200\n2;Kraków;800\n3;Gdańsk;300\n"
                         "4;Wrocław;950\n"),
}


@pytest.mark.parametrize("kind", sorted(LEGACY_EXPORTS))
def test_legacy_encodings_are_detected_and_named(tmp_path, kind):
    # Given an export in a legacy code page of another script
    codec, name, text = LEGACY_EXPORTS[kind]
    path = write(tmp_path / "export.csv", text, codec)

    # When it is loaded with nothing set
    table = load_table(path)

    # Then the encoding is detected and named, and the column names and cells are the ones
    # written (not Latin-1 mojibake)
    assert table.report.encoding == name
    assert f"encoding {name}" in table.report.describe()
    separator = ";" if ";" in text else ","
    rows = [line.split(separator) for line in text.splitlines()]
    assert list(table.raw.columns) == rows[0]
    assert table.raw.iloc[:, 1].tolist() == [row[1] for row in rows[1:]]
    amounts = table.frame.iloc[:, -1]
    assert amounts.dtype == float and amounts.sum() > 3000
    assert table.report.notes == ()


def test_the_chosen_encoding_wins_over_detection(tmp_path):
    # Given a Cyrillic (Windows-1251) file, which detection reads right
    codec, _, text = LEGACY_EXPORTS["cyrillic"]
    path = write(tmp_path / "export.csv", text, codec)

    # When the user chooses KOI8-R instead
    table = load_table(path, LoadSettings(encoding="koi8_r"))

    # Then KOI8-R is used (garbled, as the user asked), and named
    assert table.report.encoding == "KOI8-R (Cyrillic)"
    assert list(table.raw.columns)[1] == text.encode(codec).decode("koi8_r").split(";")[1]


# --- workbooks: the sheet that holds the table ---------------------------------------------------

def customers_sheet(sheet, rows: int = 30) -> None:
    sheet.append(["CustomerID", "Name", "Income", "Spend"])
    for number in range(1, rows + 1):
        sheet.append([f"C{number:03d}", f"Customer {number}", 30 + number, 100 + 2 * number])


def test_a_cover_page_before_the_customers_is_passed_over_and_named(tmp_path):
    # Given a workbook whose first sheet is a cover page (two cells of text) and whose
    # customers are on the second, with a notes sheet after them
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover["B2"] = "Customer report, third quarter"
    cover["B4"] = "Prepared by the sales team"
    customers_sheet(workbook.create_sheet("Kunden"))
    workbook.create_sheet("Notes")["A1"] = "Figures in CHF"
    path = tmp_path / "report.xlsx"
    workbook.save(path)

    # When it is loaded with no sheet chosen
    table = load_table(path)

    # Then the customers' sheet is read, and the report says why and what the others are
    assert table.report.sheet == "Kunden"
    assert table.report.sheets == ("Cover", "Kunden", "Notes")
    assert table.report.rows == 30
    assert table.frame["Income"].sum() == sum(30 + n for n in range(1, 31))
    assert table.report.notes == (
        "The sheet 'Kunden' was read because it holds the table (31 rows, 2 columns of "
        "numbers). The other sheets: 'Cover' (2 cells of text), 'Notes' (1 cell of text). To "
        "read another, choose it under Sheet in the import options (or with --sheet).",)
    assert "sheet 'Kunden'" in table.report.describe()
    # and a chosen sheet still wins
    chosen = load_table(path, LoadSettings(sheet="Cover"))
    assert chosen.report.sheet == "Cover" and chosen.report.notes == ()


def test_a_summary_sheet_of_a_few_numbers_loses_to_the_table_of_customers(tmp_path):
    # Given an OpenDocument workbook: a summary of three totals first, then the customers,
    # then a long lookup list with no numbers
    path = tmp_path / "export.ods"
    rng = np.random.default_rng(1)
    with pd.ExcelWriter(path, engine="odf") as writer:  # odfpy, from the test extra
        pd.DataFrame({"Region": ["North", "South", "West"], "Revenue": [1200.5, 800.0, 430.25]}
                     ).to_excel(writer, sheet_name="Summary", index=False)
        pd.DataFrame({"CustomerID": [f"K{n}" for n in range(40)],
                      "Age": rng.integers(20, 70, 40), "Spend": rng.normal(100, 20, 40).round(2)}
                     ).to_excel(writer, sheet_name="Customers", index=False)
        pd.DataFrame({"Code": [f"P{n:04d}" for n in range(200)],
                      "Label": [f"Product {n}" for n in range(200)]}
                     ).to_excel(writer, sheet_name="Lookup", index=False)

    # When it is loaded
    table = load_table(path)

    # Then the customers are read, not the summary (fewer rows) or the lookup (no numbers)
    assert table.report.sheet == "Customers"
    assert table.report.rows == 40
    assert table.report.notes == (
        "The sheet 'Customers' was read because it holds the table (41 rows, 2 columns of "
        "numbers). The other sheets: 'Summary' (4 rows, 1 column of numbers), 'Lookup' (201 "
        "rows, no numbers). To read another, choose it under Sheet in the import options (or "
        "with --sheet).",)


# --- workbooks: error cells -----------------------------------------------------------------------

def with_error_cells(path, errors: dict[str, tuple[str, str]], sheet_number: int = 1):
    """Give cells of a sheet an Excel error as Excel saves it: the formula and its cached
    error value, e.g. {"C3": ("1/0", "#DIV/0!")}."""
    part = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts[part].decode()
    for reference, (formula, error) in errors.items():
        sheet, replaced = re.subn(
            rf'<c r="{reference}"[^>]*?(?:/>|>.*?</c>)',
            f'<c r="{reference}" s="0" t="e"><f>{formula}</f><v>{error}</v></c>', sheet)
        assert replaced == 1, reference
    parts[part] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def error_workbook(path, errors):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CustomerID", "Revenue", "Margin", "Segment code"])
    for number in range(1, 9):
        sheet.append([f"C{number}", 100.0 * number, number / 10, f"S{number % 3}"])
    workbook.save(path)
    return with_error_cells(path, errors)


def test_excel_error_cells_are_missing_values_that_keep_their_text(tmp_path):
    # Given a workbook whose Margin formula failed in two rows (#DIV/0!, #N/A)
    path = error_workbook(tmp_path / "margins.xlsx",
                          {"C3": ("B3/0", "#DIV/0!"), "C6": ("VLOOKUP(A6,X:Y,2,0)", "#N/A")})

    # When it is loaded
    table = load_table(path)

    # Then the two cells are missing numbers, the column is still numbers, and the raw cells
    # read as the sheet shows them
    assert table.frame["Margin"].isna().tolist() == [False, True, False, False, True, False,
                                                     False, False]
    assert table.frame["Margin"].sum() == pytest.approx((1 + 3 + 4 + 6 + 7 + 8) / 10)
    assert table.raw["Margin"].tolist()[1] == "#DIV/0!"
    assert table.raw["Margin"].tolist()[4] == "#N/A"
    assert roles(table)["Margin"] is Role.NUMERIC
    assert table.report.notes == ("The sheet has 2 error cells (#DIV/0!, #N/A); they are "
                                  "treated as missing and written back as the sheet shows them.",)


def test_an_error_in_a_text_column_keeps_its_text_too(tmp_path):
    # Given a #REF! in a text column and a #VALUE! in a number column
    path = error_workbook(tmp_path / "codes.xlsx",
                          {"D4": ("Sheet9!A1", "#REF!"), "B9": ("A9*2", "#VALUE!")})

    # When it is loaded
    table = load_table(path)

    # Then both cells keep their text and are missing as values
    assert table.raw["Segment code"].iloc[2] == "#REF!"
    assert table.raw["Revenue"].iloc[7] == "#VALUE!"
    assert np.isnan(table.frame["Revenue"].iloc[7])
    assert table.frame["Revenue"].sum() == pytest.approx(100 * sum(range(1, 8)))
    assert "2 error cells (#REF!, #VALUE!)" in table.report.notes[0]


def test_libreoffice_error_cells_are_not_read_as_zero(tmp_path):
    # Given an OpenDocument sheet as LibreOffice saves failed formulas: a value of 0 beside the
    # error text the sheet shows
    cells = ('<table:table-cell office:value-type="string"><text:p>{}</text:p>'
             '</table:table-cell>')
    error = ('<table:table-cell table:formula="of:={}" office:value-type="float" '
             'office:value="0" calcext:value-type="error"><text:p>{}</text:p></table:table-cell>')
    number = ('<table:table-cell office:value-type="float" office:value="{0}"><text:p>{0}'
              '</text:p></table:table-cell>')
    header = cells.format("ID") + cells.format("Margin")
    rows = [f"<table:table-row>{header}</table:table-row>"]
    for row in range(1, 7):
        margin = error.format("1/0", "#DIV/0!") if row == 3 else \
            error.format("NA()", "#N/A") if row == 5 else number.format(row * 1.5)
        rows.append(f"<table:table-row>{cells.format(f'C{row}')}{margin}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Kunden">'
        + "".join(rows) + "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    path = tmp_path / "margins.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)

    # When it is loaded
    table = load_table(path)

    # Then the error cells are missing (not 0) and keep their text
    assert table.raw["Margin"].tolist() == ["1.5", "3", "#DIV/0!", "6", "#N/A", "9"]
    assert table.frame["Margin"].isna().tolist() == [False, False, True, False, True, False]
    assert table.frame["Margin"].sum() == pytest.approx(1.5 + 3 + 6 + 9)


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>')


# --- workbooks: what a workbook expands to -------------------------------------------------------

def sheet_xml_workbook(path, rows_xml: str, dimension: str = "A1:B2"):
    """A workbook whose first sheet's cells are `rows_xml` as written (references and all)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["placeholder"])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_a_tiny_workbook_whose_cells_span_a_whole_sheet_is_refused_at_once(tmp_path):
    # Given a 2 KB workbook with a header, two customers and one cell in the sheet's last
    # corner: reading it would fill 1,048,576 x 16,384 cells (and end the computer's day)
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>Spend</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>C1</t></is></c><c r="B2"><v>10</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>C2</t></is></c><c r="B3"><v>20</v></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    path = sheet_xml_workbook(tmp_path / "corner.xlsx", rows)

    # When it is loaded
    started = time.perf_counter()
    with pytest.raises(UserError) as refused:
        load_table(path)

    # Then it is refused within a second, saying how large it is and what to do
    assert time.perf_counter() - started < 1.0
    message = refused.value.message
    assert message.startswith(
        "corner.xlsx is too large to open on this computer: its sheet 'Sheet' expands to "
        "1,048,576 rows x 16,384 columns (17,179,869,184 cells, ")
    assert "which needs about 1,920 GB of memory" in message
    assert message.endswith("Save that sheet as CSV (in Excel: File > Save As > CSV) and open "
                            "the CSV, or delete the empty rows and columns around the table and "
                            "save the workbook again.")


def test_a_sheet_beyond_the_memory_budget_is_measured_not_read(tmp_path, monkeypatch):
    # Given a computer with 100 MB to spare (a budget of 60 MB: 500,000 cells) and a workbook
    # of 25,000 rows x 40 columns (a million cells) that compresses to a few hundred KB
    monkeypatch.setattr(budget, "available_memory", lambda: 100 << 20)
    row = "".join(f'<c r="{column}{{row}}"><v>1</v></c>' for column in COLUMN_LETTERS[:40])
    rows = "".join(f'<row r="{number}">{row.format(row=number)}</row>'
                   for number in range(1, 25_001))
    path = sheet_xml_workbook(tmp_path / "wide.xlsx", rows, "A1:AN25000")
    assert path.stat().st_size < 2_000_000

    # When it is loaded
    started = time.perf_counter()
    with pytest.raises(UserError) as refused:
        load_table(path)

    # Then it is refused before the workbook reader runs, with its size in the message
    assert time.perf_counter() - started < 5.0
    message = refused.value.message
    assert re.search(r"its sheet 'Sheet' expands to about 2\d,000 rows x 40 columns \(about "
                     r"\d,\d{3},000 cells, 2\d MB unpacked from a 1\.\d MB file\), which needs "
                     r"about 1\d\d MB of memory, and about 60 MB can be spared now\.", message), \
        message


def test_a_sheet_too_large_for_memory_is_skipped_when_another_holds_the_table(tmp_path,
                                                                              monkeypatch):
    # Given a workbook whose first sheet is a far-flung log and whose second the customers
    monkeypatch.setattr(budget, "available_memory", lambda: 100 << 20)
    workbook = openpyxl.Workbook()
    log = workbook.active
    log.title = "Log"
    log["A1"] = "started"
    log["ZZ900000"] = "ended"
    customers_sheet(workbook.create_sheet("Customers"), rows=12)
    path = tmp_path / "mixed.xlsx"
    workbook.save(path)

    # When it is loaded
    table = load_table(path)

    # Then the customers are read and the log is named as too large
    assert table.report.sheet == "Customers"
    assert table.report.rows == 12
    assert "'Log' (not read: 900,000 rows x 702 columns, too large for this computer's " \
           "memory)" in table.report.notes[0]


def test_a_text_file_beyond_the_memory_budget_is_refused_with_its_size(tmp_path, monkeypatch):
    # Given a computer with 10 MB to spare and a CSV of 873 KB (which needs about 10 MB)
    monkeypatch.setattr(budget, "available_memory", lambda: 10 << 20)
    path = write(tmp_path / "big.csv", "ID,Spend\n" + "".join(
        f"C{number:07d},{number % 97}.50\n" for number in range(60_000)))

    # When it is loaded
    with pytest.raises(UserError) as refused:
        load_table(path)

    # Then the message says how large it is, what it needs and what to do
    assert refused.value.message == (
        "big.csv is too large to open on this computer: it holds 873 KB of text, which needs "
        "about 10 MB of memory, and about 6.0 MB can be spared now. Open a file with fewer rows "
        "or columns (export only the columns you need), or close other programs and try again.")


# --- total rows -----------------------------------------------------------------------------------

def test_an_excel_total_row_is_recognised_and_left_out_with_its_reason(tmp_path):
    # Given an Excel export whose last row is "Total", summing every column
    rng = np.random.default_rng(5)
    income, spend = rng.integers(20, 90, 30), rng.integers(100, 900, 30)
    lines = ["CustomerID,Name,Income,Spend"] + [
        f"C{n:03d},Customer {n},{income[n]},{spend[n]}" for n in range(30)]
    lines.append(f"Total,,{income.sum()},{spend.sum()}")
    path = write(tmp_path / "export.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then the total row is named (row 32 of the file) and set aside with its reason, while its
    # cells stay as written
    assert table.report.total_rows == (32,)
    assert table.left_out.to_dict() == {30: "Total row (labelled 'Total')"}
    assert table.raw.iloc[30].tolist() == ["Total", "", str(income.sum()), str(spend.sum())]
    assert table.report.notes == ("1 row is a total, not a customer: row 32 ('Total') of the "
                                  "file. It is left out of the segments and written back with "
                                  "the reason.",)


def test_subtotals_and_a_grand_total_in_other_languages_and_without_labels(tmp_path):
    # Given a German workbook with a subtotal per branch ("Summe Nord", "Zwischensumme"), an
    # unlabelled subtotal row (no name, numbers only) and a "Gesamt" row at the end
    rng = np.random.default_rng(8)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kundennr", "Name", "Umsatz", "Besuche"])
    grand = np.zeros(2)
    expected = {}
    for branch, label in enumerate(["Summe Nord", "Zwischensumme", None]):
        block = np.zeros(2)
        for number in range(6):
            row = [float(rng.integers(100, 999)), float(rng.integers(1, 30))]
            sheet.append([f"K{branch}{number}", f"Kunde {branch}-{number}", *row])
            block += row
        sheet.append([label, None, *block.tolist()] if label else [None, None, *block.tolist()])
        expected[sheet.max_row - 2] = (
            "Total row (labelled 'Summe Nord', sums the rows above)" if branch == 0 else
            "Total row (labelled 'Zwischensumme')" if branch == 1 else
            "Total row (its numbers are the sums of the rows above)")
        grand += block
    sheet.append(["Gesamt", None, *grand.tolist()])
    expected[sheet.max_row - 2] = "Total row (labelled 'Gesamt')"
    path = tmp_path / "filialen.xlsx"
    workbook.save(path)

    # When it is loaded
    table = load_table(path)

    # Then the four total rows are recognised, each with its reason, and no customer is
    assert table.left_out.to_dict() == expected
    assert table.report.total_rows == (8, 15, 22, 23)
    assert table.report.notes[-1].startswith(
        "4 rows are totals, not customers: rows 8 ('Summe Nord'), 15 ('Zwischensumme'), 22, 23 "
        "('Gesamt') of the file.")


@pytest.mark.parametrize("rows", [
    # IDs and amounts that count up: 3 = 1 + 2 in both columns, yet a customer with a name
    ["1,Ann,10,1", "2,Bob,20,2", "3,Cy,30,3", "4,Di,40,4"],
    # a customer named like a total word, whose numbers are not sums
    ["1,Ann,10,1", "2,Bob,20,2", "3,Total Fitness Ltd,5,3", "4,Di,40,4"],
    # a customer with no name whose numbers happen to equal one column's sum only
    ["1,Ann,10,1", "2,Bob,20,2", "3,Cy,30,7", "4,,60,9"],
], ids=["counting-up", "name-with-total", "one-column-sum"])
def test_customers_are_never_taken_for_totals(tmp_path, rows):
    # Given customers whose numbers or names could look like totals
    path = write(tmp_path / "customers.csv", "ID,Name,Spend,Visits\n" + "\n".join(rows) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then no row is set aside
    assert table.left_out.empty
    assert table.report.total_rows == ()


def test_an_ods_whose_repeated_cells_expand_to_a_billion_is_refused_at_once(tmp_path):
    # Given a 2 KB OpenDocument sheet: one row of a value repeated across 1,000 columns,
    # repeated down 1,000,000 rows (the reader would expand it to a billion cells)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Kunden">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>ID</text:p>'
        '</table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="1000"><text:p>1</text:p></table:table-cell>'
        '</table:table-row></table:table></office:spreadsheet></office:body>'
        '</office:document-content>')
    path = tmp_path / "repeated.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)

    # When it is loaded
    started = time.perf_counter()
    with pytest.raises(UserError) as refused:
        load_table(path)

    # Then it is refused at once, with the size it would have
    assert time.perf_counter() - started < 1.0
    assert "its sheet 'Kunden' expands to 1,000,001 rows x 1,000 columns (1,000,001,000 " \
           "cells" in refused.value.message


def test_a_workbook_whose_text_cells_alone_would_not_fit_is_refused(tmp_path, monkeypatch):
    # Given a computer with 1 MB to spare and a workbook whose shared strings (every text
    # cell, which the reader holds whole from the moment it opens the workbook) unpack to
    # 449 KB from a few KB
    monkeypatch.setattr(budget, "available_memory", lambda: 1 << 20)
    path = tmp_path / "strings.xlsx"
    customers_sheet_workbook = openpyxl.Workbook()
    customers_sheet(customers_sheet_workbook.active, rows=3)
    customers_sheet_workbook.save(path)
    strings = "".join(f"<si><t>{'x' * 30}</t></si>" for _ in range(10_000))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml",
                         '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         f"{strings}</sst>")

    # When it is loaded
    with pytest.raises(UserError) as refused:
        load_table(path)

    # Then it is refused before the reader opens it, saying so
    assert refused.value.message.startswith(
        "strings.xlsx is too large to open on this computer: its text cells unpack to 449 KB, "
        "which needs about 1.8 MB of memory, and about 614 KB can be spared now.")


def test_a_grand_total_of_a_table_of_numbers_only_is_recognised(tmp_path):
    # Given a table of numbers only (codes and amounts, no names) whose last row sums the others
    rng = np.random.default_rng(12)
    spend = rng.integers(100, 900, (25, 3))
    lines = ["Channel,Fresh,Milk,Grocery"] + [
        f"{1 + n % 2},{a},{b},{c}" for n, (a, b, c) in enumerate(spend)]
    lines.append(f",{spend[:, 0].sum()},{spend[:, 1].sum()},{spend[:, 2].sum()}")
    path = write(tmp_path / "wholesale.csv", "\n".join(lines) + "\n")

    # When it is loaded
    table = load_table(path)

    # Then the last row is the total, by its numbers alone
    assert table.left_out.to_dict() == {
        25: "Total row (its numbers are the sums of the rows above)"}
    assert table.report.total_rows == (27,)
