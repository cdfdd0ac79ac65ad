"""The report command on awkward real-world files (issue 19): what lands in segments.csv and
summary.json, and the one `error:` line when something cannot be done."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from core.test_awkward_files import with_error_cells
from report_helpers import assert_one_error_line, run_report

TWO_SEGMENTS = ["--k", "2", "--k-min", "2", "--k-max", "2"]


def customers_file(path: Path, rows: int = 40) -> Path:
    rng = np.random.default_rng(7)
    lines = ["CustomerID,Income,Spend"] + [
        f"C{row:03d},{rng.normal(50, 10):.1f},{rng.normal(30, 8):.1f}" for row in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def written_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "segments.csv", newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# --- --out that cannot be made --------------------------------------------------------------------

def test_out_below_a_file_is_one_error_line_before_any_work(tmp_path):
    # Given a customer file and --out naming a folder inside a file, which no one can create
    path = customers_file(tmp_path / "customers.csv")
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder", encoding="utf-8")

    # When the report is run
    status, stdout, stderr = run_report([path, "--out", blocker / "out", *TWO_SEGMENTS])

    # Then it ends with one error line and status 2, and nothing is written
    assert status == 2
    assert_one_error_line(stderr, f"The folder {blocker / 'out'} cannot be created",
                          f"{blocker} is a file, not a folder",
                          "Give --out a folder you can write to.")
    assert stdout == ""
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("error, words", [
    (PermissionError(13, "Permission denied"), "(permission denied)"),
    (OSError(30, "Read-only file system"), "(read-only file system)"),
], ids=["not-allowed", "read-only"])
def test_out_that_the_system_refuses_to_create_is_one_error_line(tmp_path, monkeypatch, error,
                                                                 words):
    # Given a folder the system refuses to create (as root in CI, permissions cannot do it,
    # so the refusal is simulated where the folder is made)
    path = customers_file(tmp_path / "customers.csv")
    out = tmp_path / "locked" / "report"

    def refuse(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(Path, "mkdir", refuse)

    # When the report is run
    status, stdout, stderr = run_report([path, "--out", out, *TWO_SEGMENTS])

    # Then the user reads why, in one line, with status 2 (not "Something unexpected")
    assert status == 2
    assert_one_error_line(stderr, f"The folder {out} cannot be created {words}.",
                          "Give --out a folder you can write to.")
    assert "unexpected" not in stderr


# --- what the report writes back ------------------------------------------------------------------

def test_a_total_row_is_no_segment_and_is_written_back_with_its_reason(tmp_path):
    # Given an Excel export of 40 customers in two clear groups, ending with a Total row
    rng = np.random.default_rng(11)
    income = np.concatenate([rng.normal(30, 3, 20), rng.normal(80, 3, 20)]).round(1)
    spend = np.concatenate([rng.normal(200, 20, 20), rng.normal(700, 20, 20)]).round(1)
    lines = ["CustomerID,Income,Spend"] + [f"C{n:03d},{income[n]},{spend[n]}" for n in range(40)]
    total = f"Total,{income.sum():.1f},{spend.sum():.1f}"
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines + [total]) + "\n", encoding="utf-8")
    out = tmp_path / "report"

    # When the report is run with the number of segments left to CustSeg
    status, stdout, stderr = run_report([path, "--out", out, "--formats", "csv,json,pdf"])

    # Then the total is not a segment of one: two segments of 20 customers are found
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["k"] == 2
    assert sorted(segment["size"] for segment in summary["segments"]) == [20, 20]
    assert summary["rows_used"] == 40 and summary["rows_left_out"] == 1
    assert summary["rows_left_out_because"] == {"Total row (labelled 'Total')": 1}
    assert summary["total_rows"] == [42]
    # and segments.csv has every input row, the total exactly as written, with the reason
    rows = written_rows(out)
    assert len(rows) == 41
    assert [rows[-1][name] for name in ("CustomerID", "Income", "Spend")] == total.split(",")
    assert rows[-1]["Segment"] == ""
    assert rows[-1]["Left out because"] == "Total row (labelled 'Total')"
    # and the report says how many rows were left out and why
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    assert "1 total row (not customers) was left out." in " ".join(text.split())


def test_error_cells_and_awkward_amounts_are_written_back_as_the_file_shows_them(tmp_path):
    # Given a workbook with a cover page, and customers whose Margin formula failed in two rows
    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    workbook.active["A1"] = "Quarterly customers"
    sheet = workbook.create_sheet("Customers")
    sheet.append(["CustomerID", "Revenue", "Margin"])
    rng = np.random.default_rng(2)
    for number in range(1, 31):
        sheet.append([f"C{number:02d}", float(rng.integers(100, 900)), number / 10])
    path = tmp_path / "margins.xlsx"
    workbook.save(path)
    with_error_cells(path, {"C4": ("B4/0", "#DIV/0!"), "C9": ("NA()", "#N/A")},
                     sheet_number=2)
    out = tmp_path / "report"

    # When the report is run on both columns (the usual choice leaves out a column with 2 of
    # 30 customers missing)
    status, _, stderr = run_report([path, "--out", out, "--formats", "csv,json",
                                    "--features", "Revenue", "Margin", *TWO_SEGMENTS])

    # Then the sheet with the customers was read, the error cells are missing for the analysis
    # (two customers left out) but written back as the sheet shows them
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["input"]["sheet"] == "Customers"
    assert summary["rows_left_out_because"] == {"Missing value in Margin": 2}
    rows = written_rows(out)
    assert [row["Margin"] for row in rows[2:9:5]] == ["#DIV/0!", "#N/A"]
    assert rows[2]["Left out because"] == "Missing value in Margin"
    assert any("error cells (#DIV/0!, #N/A)" in note for note in summary["input"]["notes"])


def test_a_cyrillic_file_keeps_its_letters_in_the_report_and_names_its_encoding(tmp_path):
    # Given a Windows-1251 export with Cyrillic names and accounting-style amounts
    rng = np.random.default_rng(4)
    lines = ["Клиент;Фамилия;Сумма;Визиты"] + [
        f"{n};Иванов-{n};{rng.integers(100, 999)},{rng.integers(10, 99)};{rng.integers(1, 20)}"
        for n in range(1, 31)]
    path = tmp_path / "клиенты.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1251"))
    out = tmp_path / "report"

    # When the report is run
    status, _, stderr = run_report([path, "--out", out, "--formats", "csv,json", *TWO_SEGMENTS])

    # Then summary.json names the encoding and segments.csv keeps the names
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["input"]["encoding"] == "Windows-1251 (Cyrillic)"
    rows = written_rows(out)
    assert [row["Фамилия"] for row in rows[:2]] == ["Иванов-1", "Иванов-2"]
    assert rows[0]["Сумма"] == lines[1].split(";")[2]


def test_amounts_in_awkward_forms_are_read_and_written_back_as_written(tmp_path):
    # Given a Swiss ledger export: apostrophe thousands, Accounting brackets and dash zeros,
    # SAP's trailing minus and explicit plus signs
    rng = np.random.default_rng(9)
    rows = []
    for number in range(1, 41):
        high = number > 20
        balance = float(rng.integers(50_000, 90_000) if high else rng.integers(1_000, 9_000))
        change = float(rng.integers(-500, 500))
        balance_text = f"CHF {balance:,.2f}".replace(",", "'")
        change_text = (" $ -   " if change == 0 else f" $ ({abs(change):,.2f})" if change < 0
                       else f" $ {change:,.2f} ")
        ledger_text = f"{abs(change):.2f}-" if change < 0 else f"+{change:.2f}"
        rows.append([f"K{number:02d}", balance_text, change_text, ledger_text])
    path = tmp_path / "ledger.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Konto", "Saldo", "Change", "Buchung"], *rows])
    out = tmp_path / "report"

    # When the report is run on the amounts
    status, _, stderr = run_report([path, "--out", out, "--formats", "csv,json", *TWO_SEGMENTS,
                                    "--features", "Saldo", "Change", "Buchung"])

    # Then every amount was read: no customer left out, and the segments' means are those of
    # the amounts written
    assert status == 0, stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_used"] == 40 and summary["rows_left_out"] == 0
    changes = [float(row[3].rstrip("-")) * (-1 if row[3].endswith("-") else 1) for row in rows]
    for column, expected in (("Change", np.mean(changes)), ("Buchung", np.mean(changes))):
        total = sum(segment["size"] * segment["means"][column] for segment in summary["segments"])
        assert total / 40 == pytest.approx(expected)
    assert summary["input"]["thousands"] == "'"
    assert summary["input"]["units"] == {"Saldo": "CHF", "Change": "$"}
    # and segments.csv writes every cell back as the file showed it
    written = [[row[name] for name in ("Konto", "Saldo", "Change", "Buchung")]
               for row in written_rows(out)]
    assert written == rows
