"""Awkward real-world exports, round two (issue 19): every test writes the file a user had, loads
it, and checks the numbers read, the text kept and what CustSeg says about it.

Kinds: apostrophe thousands (Swiss, Liechtenstein), Excel's Accounting format and ledger signs
(`$ (1,234.56)`, ` $ -   `, `120.50-`, `+5`), encodings (stray bytes in UTF-8, Cyrillic,
Japanese, Chinese), workbooks (the sheet that holds the table, error cells, what a workbook
expands to), and total rows.
"""

from __future__ import annotations

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
