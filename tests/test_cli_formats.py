"""The report command's --formats and --page-size options."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from report_helpers import CHART_IMAGES, REPORT_FILES, assert_one_error_line, run_report

FAST = ["--k", "3", "--k-min", "3", "--k-max", "3"]




@pytest.fixture(scope="module")
def customers(tmp_path_factory) -> Path:
    """45 customers in three clear groups of income and spending."""
    rng = np.random.default_rng(5)
    groups = [rng.normal(centre, 4, size=(15, 2)).round(1)
              for centre in ((30, 80), (80, 20), (60, 60))]
    path = tmp_path_factory.mktemp("input") / "customers.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CustomerID", "Income", "Spend"])
        for number, (income, spend) in enumerate(np.vstack(groups), start=1):
            writer.writerow([f"{number:04d}", income, spend])
    return path


def test_formats_csv_and_json_write_only_those_two_files(customers, tmp_path):
    # When the report is asked for the customer list and the summary only
    out = tmp_path / "report"
    status, stdout, stderr = run_report([customers, "--out", out, "--formats", "csv,json",
                                         *FAST])

    # Then exactly segments.csv and summary.json are written, and the message counts them
    assert status == 0, stderr
    assert stderr == ""
    assert sorted(path.name for path in out.iterdir()) == ["segments.csv", "summary.json"]
    assert stdout.startswith(f"Wrote 2 files to {out}")
    assert "3 segments of 45 customers" in stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [segment["size"] for segment in summary["segments"]] == [15, 15, 15]


def test_formats_are_read_in_any_order_case_and_spacing(customers, tmp_path):
    # When the formats are typed loosely, with a repeat
    out = tmp_path / "report"
    status, _, stderr = run_report([customers, "--out", out, "--formats", " JSON, csv ,json",
                                    *FAST])

    # Then the same two files are written
    assert status == 0, stderr
    assert sorted(path.name for path in out.iterdir()) == ["segments.csv", "summary.json"]


def test_formats_png_writes_every_chart_image_and_nothing_else(customers, tmp_path):
    out = tmp_path / "report"
    status, stdout, stderr = run_report([customers, "--out", out, "--formats", "png", *FAST])
    assert status == 0, stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(CHART_IMAGES)
    assert stdout.startswith(f"Wrote {len(CHART_IMAGES)} files to {out}")


def test_without_formats_every_file_is_written(customers, tmp_path):
    # When the report runs with no --formats
    out = tmp_path / "report"
    status, stdout, stderr = run_report([customers, "--out", out, *FAST])

    # Then every format's files are written: customer list, workbook, PDF, images, summary
    assert status == 0, stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(REPORT_FILES)
    assert len(REPORT_FILES) == 15
    assert stdout.startswith(f"Wrote 15 files to {out}")


@pytest.mark.parametrize("value", ["csv,docx", "pdf;png", "", ",", "all"])
def test_bad_formats_exit_2_with_one_error_line_and_write_nothing(customers, tmp_path, value):
    # When --formats names something that is not a format
    out = tmp_path / "report"
    status, stdout, stderr = run_report([customers, "--out", out, "--formats", value, *FAST])

    # Then the command exits 2 with one line listing the formats, and makes no folder
    assert status == 2
    assert_one_error_line(stderr, "--formats", "csv, customers, xlsx, pdf, pptx, html, png, json, model, sql, lists",
                          f"'{value}'")
    assert stdout == ""
    assert not out.exists()


def test_bad_formats_leave_an_earlier_report_alone(customers, tmp_path):
    # Given an earlier report in the folder
    out = tmp_path / "report"
    assert run_report([customers, "--out", out, "--formats", "csv", *FAST])[0] == 0
    before = (out / "segments.csv").read_bytes()

    # When the report runs again with a bad --formats, then nothing changes
    status, _, stderr = run_report([customers, "--out", out, "--formats", "csv,xls", *FAST])
    assert status == 2
    assert_one_error_line(stderr, "'csv,xls'")
    assert [path.name for path in out.iterdir()] == ["segments.csv"]
    assert (out / "segments.csv").read_bytes() == before


def test_page_size_letter_writes_a_us_letter_report(customers, tmp_path):
    # When the PDF report alone is asked for on US Letter paper
    out = tmp_path / "report"
    status, _, stderr = run_report([customers, "--out", out, "--formats", "pdf",
                                    "--page-size", "letter", *FAST])

    # Then report.pdf is the only file, and every page is 612 x 792 points
    assert status == 0, stderr
    assert [path.name for path in out.iterdir()] == ["report.pdf"]
    pages = PdfReader(out / "report.pdf").pages
    assert len(pages) >= 5
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (612, 792), abs=1)


def test_page_size_defaults_to_a4(customers, tmp_path):
    out = tmp_path / "report"
    status, _, stderr = run_report([customers, "--out", out, "--formats", "pdf", *FAST])
    assert status == 0, stderr
    page = PdfReader(out / "report.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        (595.4, 841.7), abs=1)


def test_unknown_page_size_exits_2_and_writes_nothing(customers, tmp_path):
    out = tmp_path / "report"
    status, _, stderr = run_report([customers, "--out", out, "--page-size", "a5", *FAST])
    assert status == 2
    assert_one_error_line(stderr, "--page-size", "invalid choice: 'a5'")
    assert not out.exists()


def test_help_describes_formats_and_page_size():
    status, stdout, _ = run_report(["--help"])
    assert status == 0
    assert "--formats LIST" in stdout and "csv,customers,xlsx,pdf,pptx,html,png,json" in stdout
    assert "--csv-encoding {utf-8-sig,utf-8}" in stdout
    assert "--page-size {a4,letter}" in stdout


def test_csv_files_carry_a_byte_order_mark_unless_plain_utf8_is_asked(customers, tmp_path):
    # When the report writes the customer list and the lists, by default and for plain UTF-8
    for out, extra in ((tmp_path / "excel", []), (tmp_path / "plain",
                                                   ["--csv-encoding", "utf-8"])):
        status, _, stderr = run_report([customers, "--out", out, "--formats", "csv,lists",
                                        *extra, *FAST])
        assert status == 0, stderr
    # Then Excel's byte order mark starts every CSV file of the first, none of the second
    excel = [tmp_path / "excel" / "segments.csv", *(tmp_path / "excel" / "segments").iterdir()]
    plain = [tmp_path / "plain" / "segments.csv", *(tmp_path / "plain" / "segments").iterdir()]
    assert len(excel) == len(plain) == 4
    for with_mark, without in zip(sorted(excel), sorted(plain)):
        assert with_mark.name == without.name
        assert with_mark.read_bytes() == b"\xef\xbb\xbf" + without.read_bytes()
        assert without.read_bytes().startswith(b"CustomerID,")


def test_unknown_csv_encoding_exits_2_and_writes_nothing(customers, tmp_path):
    out = tmp_path / "report"
    status, _, stderr = run_report([customers, "--out", out, "--csv-encoding", "latin-1",
                                    *FAST])
    assert status == 2
    assert_one_error_line(stderr, "--csv-encoding", "invalid choice: 'latin-1'")
    assert not out.exists()
