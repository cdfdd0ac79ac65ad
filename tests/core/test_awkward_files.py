"""Awkward real-world exports, round two (issue 19): every test writes the file a user had, loads
it, and checks the numbers read, the text kept and what CustSeg says about it.

Kinds: apostrophe thousands (Swiss, Liechtenstein), Excel's Accounting format and ledger signs
(`$ (1,234.56)`, ` $ -   `, `120.50-`, `+5`), encodings (stray bytes in UTF-8, Cyrillic,
Japanese, Chinese), workbooks (the sheet that holds the table, error cells, what a workbook
expands to), and total rows.
"""

from __future__ import annotations

import re

import pytest

from custseg_gui.core.columns import Role, describe_columns
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import load_table


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
