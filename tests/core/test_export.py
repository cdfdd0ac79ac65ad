"""Exports read back as a user would open them, and failures that leave nothing behind.

Every exported file is opened again here: the CSV with the csv module, the workbook with
openpyxl, the PDF with pypdf, the images with Pillow, summary.json with json. Expensive
analyses and exports are made once per module.
"""

from __future__ import annotations

import csv
import errno
import functools
import gc
import hashlib
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

import custseg_gui.core.exports.images as images_module
import custseg_gui.core.exports.staging as staging_module
import custseg_gui.core.settings as settings_module
from custseg_gui import __version__
from custseg_gui.core import exports
from custseg_gui.core.charts import CHARTS
from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.exports import FORMATS, ExportContext
from custseg_gui.core.formatting import format_share
from custseg_gui.core.pipeline import run as run_analysis
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import AnalysisSettings, StabilitySettings

INCOME = "Annual Income (k$)"
SPENDING = "Spending Score (1-100)"
SHEETS = ["Customers", "Segments", "How k was chosen", "Settings"]
A4_POINTS = (595.4, 841.7)  # 8.27 x 11.69 in
LETTER_POINTS = (612.0, 792.0)  # 8.5 x 11 in


# The chart images of a table of customers (the RFM grid is drawn for order logs only).
CHART_FILES = [chart.file for chart in CHARTS if chart.file and chart.needs == "segments"]


def export_files(analysis, folder, formats, names=None, page_size="a4", progress=None):
    """Export as the window and the report command do, with the user's names over the
    automatic ones."""
    return exports.export_files(ExportContext(analysis, names or {}, page_size), folder, formats,
                                progress or NO_PROGRESS)


def output_files(analysis, formats) -> list[str]:
    return exports.output_files(ExportContext(analysis), formats)


# --- reading files back ----------------------------------------------------------------------

def read_csv_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file as the exact text of its cells (header first)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def sheet_text_rows(sheet) -> list[list[str]]:
    """Every row of a worksheet as text: an empty cell is '', a number its str()."""
    return [["" if value is None else str(value) for value in row]
            for row in sheet.iter_rows(values_only=True)]


def pdf_text(path: Path) -> str:
    """The text of every page, with line breaks and runs of spaces made single spaces."""
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def one_line(text: str) -> str:
    return " ".join(text.split())


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file in a folder (hidden ones too) and its content."""
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def expected_segment_cells(analysis) -> list[str]:
    """The Segment cell of every input row: its number, or '' for a left-out customer."""
    return ["" if number == 0 else str(number) for number in analysis.segmentation.row_segments]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


# --- the mall customers, every format ----------------------------------------------------------

@pytest.fixture(scope="module")
def mall(mall_csv, tmp_path_factory):
    """Mall customers by income and spending, k = 5, segment 2 renamed, every format."""
    analysis = run_analysis(mall_csv, AnalysisSettings(features=(INCOME, SPENDING), k=5))
    out = tmp_path_factory.mktemp("mall-export")
    written = export_files(analysis, out, FORMATS, names={2: "Big spenders"})
    workbook = openpyxl.load_workbook(out / "segments.xlsx")
    return SimpleNamespace(analysis=analysis, input=mall_csv, out=out, written=written,
                           workbook=workbook,
                           names={**analysis.insights.names(), 2: "Big spenders"})


@pytest.mark.shared_data
def test_export_writes_exactly_the_chosen_files(mall):
    # Given the mall analysis exported in every format
    # Then the files are those of every format, in order, and no temporary file is left
    assert mall.written == [mall.out / name for name in output_files(mall.analysis, FORMATS)]
    assert sorted(path.name for path in mall.out.iterdir()) == sorted(
        ["segments.csv", "segments.xlsx", "report.pdf", "report.pptx", "report.html",
         "summary.json", "segmentation.custseg", "segments.sql", "segments", *CHART_FILES])
    assert all(path.stat().st_size > 0 for path in mall.written)


@pytest.mark.shared_data
def test_csv_keeps_every_input_cell_and_adds_the_right_segment(mall):
    # Given the exported customer list and the input file, both read as text
    written, original = read_csv_rows(mall.out / "segments.csv"), read_csv_rows(mall.input)

    # Then every input cell is there as written, followed by the segment and its name
    assert written[0] == original[0] + ["Segment", "Segment name"]
    assert len(written) == len(original) == 201
    assert [row[:5] for row in written[1:]] == original[1:]
    assert [row[5] for row in written[1:]] == expected_segment_cells(mall.analysis)
    assert [row[6] for row in written[1:]] == [mall.names[int(row[5])] for row in written[1:]]
    # and the user's own name for segment 2 is used
    assert sum(row[6] == "Big spenders" for row in written[1:]) == 39


@pytest.mark.shared_data
def test_workbook_customer_list_matches_the_input_cell_by_cell(mall):
    # Given the Customers sheet read back, and the input file read as text
    rows = sheet_text_rows(mall.workbook["Customers"])
    original = read_csv_rows(mall.input)

    # Then every cell reads back as the input's text (numbers stored as numbers included)
    assert rows[0] == original[0] + ["Segment", "Segment name"]
    assert [row[:5] for row in rows] == original
    assert [row[5] for row in rows[1:]] == expected_segment_cells(mall.analysis)
    assert [row[6] for row in rows[1:]] == [mall.names[int(row[5])] for row in rows[1:]]
    # and numbers are numbers Excel can sum, IDs included
    first = next(mall.workbook["Customers"].iter_rows(min_row=2, max_row=2))
    assert [cell.data_type for cell in first] == ["n", "s", "n", "n", "n", "n", "s"]


@pytest.mark.shared_data
def test_workbook_has_its_four_sheets_in_order(mall):
    assert mall.workbook.sheetnames == SHEETS


@pytest.mark.shared_data
def test_customers_sheet_has_a_bold_frozen_header_and_a_filter(mall):
    # Given the Customers sheet
    sheet = mall.workbook["Customers"]

    # Then its header row is bold and stays in view, and a filter covers the whole table
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G201"


@pytest.mark.shared_data
def test_segments_sheet_has_one_row_per_segment_with_name_size_and_share(mall):
    # Given the Segments sheet
    sheet = mall.workbook["Segments"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) for name in ("Segment", "Name", "Size", "Share")}
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True)
            if row[0] is not None]

    # Then there is one row per segment with its (user's) name, size and share
    assert [(row[column["Segment"]], row[column["Name"]], row[column["Size"]]) for row in rows] \
        == [(profile.number, mall.names[profile.number], profile.size)
            for profile in mall.analysis.insights.profiles]
    assert [row[column["Size"]] for row in rows] == [81, 39, 35, 23, 22]
    assert [row[column["Share"]] for row in rows] == pytest.approx(
        [81 / 200, 39 / 200, 35 / 200, 23 / 200, 22 / 200])
    # shown as a percentage
    assert sheet.cell(row=2, column=column["Share"] + 1).number_format == "0.0%"


@pytest.mark.shared_data
def test_k_sheet_lists_every_k_tried_and_the_recommendation(mall):
    # Given the "How k was chosen" sheet
    rows = list(mall.workbook["How k was chosen"].iter_rows(values_only=True))

    # Then it has a row of scores for every k from 2 to 10
    assert rows[0][:3] == ("Segments (k)", "Inertia", "Silhouette")
    scores = [row for row in rows[1:] if isinstance(row[0], int)]
    assert [row[0] for row in scores] == list(range(2, 11))
    assert scores[3][2] == pytest.approx(0.5547, abs=0.0005)  # silhouette at k = 5
    # and says in words why 5 was recommended (the sentence as the user reads it, not the
    # analysis' own copy, so a wrong sentence fails here too)
    notes = [row[0] for row in rows if isinstance(row[0], str)]
    assert ("5 segments fit best: customers fall clearly into groups. How clearly customers fall "
            "into groups: 0.55, good (silhouette, the highest for 2 to 10 segments). Adding "
            "segments stops paying off there too (the bend of the elbow chart).") in notes
    assert "Recommended: 5 segments. Shown: 5 segments." in notes


@pytest.mark.shared_data
def test_settings_sheet_records_the_input_checksum_and_features(mall):
    # Given the Settings sheet as label -> value
    rows = list(mall.workbook["Settings"].iter_rows(values_only=True))
    settings = dict(rows[1:])

    # Then it names the input and its SHA-256, the features and the segments
    assert rows[0] == ("Setting", "Value")
    assert settings["Input file"] == "Mall_Customers.csv"
    assert settings["SHA-256 of the input file"] == hashlib.sha256(
        mall.input.read_bytes()).hexdigest()
    assert settings["Features"] == f"{INCOME}, {SPENDING}"
    assert (settings["Fewest segments tried"], settings["Most segments tried"]) == ("2", "10")
    assert settings["Segments shown"] == "5"
    assert settings["Random seed"] == "42"


@pytest.mark.shared_data
def test_pdf_report_names_every_segment_with_its_size_and_the_recommendation(mall):
    # Given the PDF report
    reader = PdfReader(mall.out / "report.pdf")
    text = pdf_text(mall.out / "report.pdf")

    # Then it has a title page, the k choice, charts, profiles, sections and an appendix
    assert len(reader.pages) >= 5
    assert reader.metadata.title == "Customer segments: Mall_Customers.csv"
    # the recommendation in full
    assert one_line(mall.analysis.search.recommendation) in text
    # and every segment by its (user's) name, with its size and share, in the table at a glance
    # and in its own section
    for profile in mall.analysis.insights.profiles:
        name = mall.names[profile.number]
        assert (f"{profile.number} {name} {profile.size:,} {format_share(profile.share)}"
                in text), name
        assert f"{profile.number}. {name}" in text
        # the size said once per segment, at the start of its description
        opening = f"{profile.size:,} customers ({format_share(profile.share)})."
        assert text.count(f"{profile.number}. {name} {opening}") == 1, name
    assert "Size:" not in text
    assert "Big spenders" in text and "High income and spending" not in text


@pytest.mark.shared_data
def test_pdf_report_is_a4_by_default(mall):
    # Given the default export, then every page is A4 (595 x 842 points)
    for page in PdfReader(mall.out / "report.pdf").pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4_POINTS, abs=1)


@pytest.mark.shared_data
def test_pdf_report_on_us_letter_paper(mall, tmp_path):
    # When the report alone is exported on US Letter paper
    written = export_files(mall.analysis, tmp_path, ["pdf"], page_size="letter")

    # Then only report.pdf is written, every page 612 x 792 points, with the same content
    assert written == [tmp_path / "report.pdf"]
    assert [path.name for path in tmp_path.iterdir()] == ["report.pdf"]
    reader = PdfReader(tmp_path / "report.pdf")
    assert len(reader.pages) >= 5
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            LETTER_POINTS, abs=1)
    text = pdf_text(tmp_path / "report.pdf")
    assert one_line(mall.analysis.search.recommendation) in text
    assert all(name in text for name in mall.analysis.insights.names().values())


@pytest.mark.shared_data
@pytest.mark.parametrize("name", list(CHART_FILES))
def test_chart_image_is_2400_by_1500_pixels_at_300_dpi(mall, name):
    # Given one exported chart image
    with Image.open(mall.out / name) as image:
        # Then it is a PNG of 8 x 5 inches at 300 dpi
        assert image.format == "PNG"
        assert image.size == (2400, 1500)
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        # and something is drawn on it (not a blank canvas)
        pixels = np.asarray(image.convert("L"))
    assert (pixels < 128).mean() > 0.001


@pytest.mark.shared_data
def test_summary_json_is_strict_json_with_the_exported_names_and_sizes(mall):
    # Given summary.json
    text = (mall.out / "summary.json").read_text(encoding="utf-8")

    # Then it is strict JSON (no NaN) and lists the segments as exported
    content = json.loads(text, parse_constant=lambda constant: pytest.fail(constant))
    assert content["input"]["sha256"] == hashlib.sha256(mall.input.read_bytes()).hexdigest()
    assert [(segment["number"], segment["name"], segment["size"])
            for segment in content["segments"]] == [
        (number, mall.names[number], size)
        for number, size in zip(range(1, 6), (81, 39, 35, 23, 22))]
    assert content["segments"][1]["automatic_name"] == "High income and spending"
    assert content["recommendation"] == mall.analysis.search.recommendation


# --- credit-card customers, some left out ------------------------------------------------------

@pytest.fixture(scope="module")
def cc_general(cc_general_csv, tmp_path_factory):
    """CC GENERAL, default features, 3 segments; customer list as CSV and workbook."""
    # The bootstrap stability check refits K-Means 20 times (about 20 s on 8,950 rows) and
    # plays no part in the customer list; 2 resamples keep this module quick.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=2))
        analysis = run_analysis(cc_general_csv, AnalysisSettings(k=3, k_min=3, k_max=3))
    out = tmp_path_factory.mktemp("cc-export")
    export_files(analysis, out, ["csv", "xlsx"])
    workbook = openpyxl.load_workbook(out / "segments.xlsx", read_only=True)
    rows = sheet_text_rows(workbook["Customers"])
    workbook.close()
    return SimpleNamespace(analysis=analysis, input=cc_general_csv, out=out, xlsx_rows=rows,
                           csv_rows=read_csv_rows(out / "segments.csv"),
                           original=read_csv_rows(cc_general_csv))


def check_left_out_customer_list(rows, original, analysis):
    """The checks shared by the CSV and the workbook of CC GENERAL."""
    width = len(original[0])
    assert rows[0] == original[0] + ["Segment", "Segment name", "Left out because"]
    assert len(rows) == len(original) == 8951
    assert [row[:width] for row in rows[1:]] == original[1:]
    assert [row[width] for row in rows[1:]] == expected_segment_cells(analysis)
    left_out = [row for row in rows[1:] if row[width] == ""]
    assert len(left_out) == len(analysis.prepared.left_out) == 314
    # a left-out customer has no segment or name, but a reason naming the missing column
    assert all(row[width + 1] == "" for row in left_out)
    assert sorted({row[width + 2] for row in left_out}) == [
        "Missing value in CREDIT_LIMIT", "Missing value in MINIMUM_PAYMENTS"]
    assert [row[width + 2] for row in left_out] == list(analysis.prepared.left_out)
    # and a segmented one has a segment, its name and no reason
    names = analysis.insights.names()
    segmented = [row for row in rows[1:] if row[width] != ""]
    assert all(row[width + 1] == names[int(row[width])] and row[width + 2] == ""
               for row in segmented)


@pytest.mark.shared_data
def test_cc_csv_keeps_every_cell_and_says_why_customers_were_left_out(cc_general):
    check_left_out_customer_list(cc_general.csv_rows, cc_general.original, cc_general.analysis)


@pytest.mark.shared_data
def test_cc_workbook_keeps_every_cell_and_says_why_customers_were_left_out(cc_general):
    check_left_out_customer_list(cc_general.xlsx_rows, cc_general.original, cc_general.analysis)


# --- text a spreadsheet would run as a formula ------------------------------------------------

RISKY = ["=1+1", "+cmd", "-foo", "@SUM(A1)", "\tfoo", '=HYPERLINK("x")']
SAFE = ["plain", "Ann-Marie"]
BALANCES = ["-42.75", "-3", "12.5", "0", "-1200", "7"]
EVIL_NAME = '=HYPERLINK("http://example.com","Click")'


@pytest.fixture(scope="module")
def risky(tmp_path_factory):
    """A customer file with formula-like text and negative numbers, exported as CSV and xlsx."""
    folder = tmp_path_factory.mktemp("risky")
    rows = [["Note", "Balance", "Visits"]]
    for number in range(48):
        texts = RISKY + SAFE
        rows.append([texts[number % len(texts)], BALANCES[number % len(BALANCES)],
                     str(number % 6 + 20 * (number % 3))])
    path = write_csv(folder / "customers.csv", rows)
    analysis = run_analysis(path, AnalysisSettings(features=("Balance", "Visits"), k=3,
                                                   k_min=3, k_max=3))
    out = folder / "export"
    out.mkdir()
    export_files(analysis, out, ["csv", "xlsx"], names={1: EVIL_NAME})
    workbook = openpyxl.load_workbook(out / "segments.xlsx")
    return SimpleNamespace(original=rows, csv_rows=read_csv_rows(out / "segments.csv"),
                           workbook=workbook, analysis=analysis)


def test_risky_text_is_read_exactly_as_written(risky):
    # Given the made-up file's notes, a leading tab and '=' among them
    # When it is read, then every note is the text as written, character for character (a tab
    # or quote lost in reading would hide a formula from the checks below)
    texts = RISKY + SAFE
    assert list(risky.analysis.table.raw["Note"]) == [texts[number % len(texts)]
                                                      for number in range(48)]
    assert "\tfoo" in list(risky.analysis.table.raw["Note"])


def test_csv_prefixes_formula_like_text_with_an_apostrophe(risky):
    # Given the exported CSV
    # Then text starting with = + - @ or a tab is prefixed with an apostrophe, other text is not
    for written, original in zip(risky.csv_rows[1:], risky.original[1:]):
        expected = "'" + original[0] if original[0] in RISKY else original[0]
        assert written[0] == expected
    assert {row[0] for row in risky.csv_rows[1:]} == {
        "'=1+1", "'+cmd", "'-foo", "'@SUM(A1)", "'\tfoo", "'=HYPERLINK(\"x\")", "plain",
        "Ann-Marie"}


def test_csv_leaves_negative_numbers_alone(risky):
    # Given the exported CSV, then the Balance column is exactly as in the input
    assert [row[1] for row in risky.csv_rows] == [row[1] for row in risky.original]
    assert "-42.75" in [row[1] for row in risky.csv_rows]


def test_workbook_stores_formula_like_text_as_text(risky):
    # Given the Customers sheet
    cells = [row[0] for row in risky.workbook["Customers"].iter_rows(min_row=2)]

    # Then every Note is a text cell holding the input's text unchanged (no apostrophe added)
    assert [cell.data_type for cell in cells] == ["s"] * 48
    assert [cell.value for cell in cells] == [row[0] for row in risky.original[1:]]


def test_workbook_stores_negative_numbers_as_numbers(risky):
    # Given the Customers sheet
    cells = [row[1] for row in risky.workbook["Customers"].iter_rows(min_row=2)]

    # Then every Balance is a number cell with the input's value
    assert [cell.data_type for cell in cells] == ["n"] * 48
    assert [cell.value for cell in cells] == [float(row[1]) for row in risky.original[1:]]


def test_user_segment_name_that_looks_like_a_formula_is_never_a_formula(risky):
    # Given segment 1 renamed to a HYPERLINK formula
    width = len(risky.original[0])
    named = [row for row in risky.csv_rows[1:] if row[width] == "1"]
    assert named

    # Then the CSV neutralizes it, and the workbook keeps it as text on both sheets
    assert {row[width + 1] for row in named} == {"'" + EVIL_NAME}
    customer_cells = [row[width + 1] for row in risky.workbook["Customers"].iter_rows(min_row=2)
                      if row[width].value == 1]
    assert {(cell.data_type, cell.value) for cell in customer_cells} == {("s", EVIL_NAME)}
    segment_cell = risky.workbook["Segments"].cell(row=2, column=2)
    assert (segment_cell.data_type, segment_cell.value) == ("s", EVIL_NAME)


# --- the text of numbers in the workbook -----------------------------------------------------

# Numbers as programs write them: pandas writes floats with ".0" and with up to 17 digits.
NUMBER_TEXTS = ["12", "-3.5", "0.1", "007", "1.50", "1e5", "25.0", "0.14285714285714285"]


@pytest.fixture(scope="module")
def number_texts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numbers")
    rows = [["Code", "Spend"]] + [[NUMBER_TEXTS[number % len(NUMBER_TEXTS)],
                                   str(number * 7 % 50)] for number in range(40)]
    path = write_csv(folder / "customers.csv", rows)
    analysis = run_analysis(path, AnalysisSettings(features=("Spend",), k=2, k_max=2))
    export_files(analysis, folder, ["xlsx"])
    sheet = openpyxl.load_workbook(folder / "segments.xlsx")["Customers"]
    return {row[0]: cell.value for row, (cell, _spend, *_rest)
            in zip(rows[1:], sheet.iter_rows(min_row=2))}


@pytest.mark.parametrize("text", NUMBER_TEXTS)
def test_workbook_cell_reads_back_as_the_input_text(number_texts, text):
    # Given a cell of the input holding this text, when the workbook is read back
    value = number_texts[text]

    # Then the cell reads back as exactly that text (a number only where that holds)
    assert str(value) == text


@pytest.mark.parametrize("text", ["12", "-3.5", "0.1"])
def test_workbook_stores_plain_numbers_as_numbers_excel_can_sum(number_texts, text):
    assert isinstance(number_texts[text], (int, float))


# --- failures leave nothing behind ------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(sample_csv):
    """The committed sample customers in 3 segments (always available)."""
    return run_analysis(sample_csv, AnalysisSettings(k=3, k_min=3, k_max=3))


@pytest.fixture
def earlier_export(sample, tmp_path):
    """A folder holding an earlier export (CSV, workbook and summary) of the sample."""
    folder = tmp_path / "export"
    folder.mkdir()
    export_files(sample, folder, ["csv", "xlsx", "json"])
    return folder


RENAMED = {1: "Renamed since", 2: "Also renamed"}  # so a new export's files would differ


def assert_nothing_changed(folder: Path, before: dict[str, bytes]) -> None:
    after = folder_state(folder)
    assert [name for name in after if name.endswith(".part")] == []
    assert sorted(after) == sorted(before)
    changed = [name for name in before if after[name] != before[name]]
    assert changed == []


def test_export_to_a_missing_folder_is_refused_and_creates_nothing(sample, tmp_path):
    # Given a folder that does not exist
    missing = tmp_path / "gone"

    # When exporting there, then the user is told, and the folder is not made
    with pytest.raises(UserError, match="does not exist"):
        export_files(sample, missing, ["csv", "json"])
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("formats", [["docx"], [], ["csv", "odp"]])
def test_unknown_or_no_format_is_refused_and_writes_nothing(sample, tmp_path, formats):
    with pytest.raises(UserError, match="Choose from: csv, customers, xlsx, pdf, pptx, html, "
                                        "png, json, model, sql, lists"):
        export_files(sample, tmp_path, formats)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_the_pdf_leaves_the_earlier_export_untouched(
        sample, earlier_export, monkeypatch):
    # Given an earlier export, and a disk that fills up halfway through report.pdf
    before = folder_state(earlier_export)

    def fill_disk(handle, *args, **kwargs):
        handle.write(b"%PDF-1.4 half a report")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("custseg_gui.core.exports.pdf.write_pdf_report", fill_disk)

    # When every format is exported again (the CSV and workbook are already staged by then)
    with pytest.raises(UserError) as raised:
        export_files(sample, earlier_export, FORMATS, names=RENAMED)

    # Then the user is told which file failed and why, and the folder is exactly as it was:
    # no half report, no new file, no temporary file, the earlier files unchanged
    assert "report.pdf" in str(raised.value) and "No space left on device" in str(raised.value)
    assert_nothing_changed(earlier_export, before)


def test_crash_while_drawing_a_chart_leaves_nothing(sample, earlier_export, monkeypatch):
    # Given an earlier export, and a bug in drawing the fourth chart image (simulated)
    before = folder_state(earlier_export)
    draw = images_module.draw

    def broken(chart, *args):
        if chart.file == "segment_sizes.png":
            raise ValueError("simulated bug in a chart")
        return draw(chart, *args)

    monkeypatch.setattr(images_module, "draw", broken)

    # When exporting every format, then the error is not hidden, and nothing is left behind
    with pytest.raises(ValueError, match="simulated bug"):
        export_files(sample, earlier_export, FORMATS, names=RENAMED)
    assert_nothing_changed(earlier_export, before)


def may_write_in(folder: Path) -> bool:
    """Whether this process can create a file in `folder` (root can, read-only or not)."""
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except PermissionError:
        return False
    probe.unlink()
    return True


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write in a read-only folder")
def test_read_only_folder_is_explained_and_left_alone(sample, earlier_export):
    # Given an earlier export in a folder the user may no longer write in
    before = folder_state(earlier_export)
    earlier_export.chmod(0o555)
    try:
        if may_write_in(earlier_export):  # e.g. Windows ignores a folder's read-only bit
            pytest.skip("this user may write in a read-only folder")
        # When exporting there, then the user is told, and nothing changes
        with pytest.raises(UserError, match="not allowed to write"):
            export_files(sample, earlier_export, FORMATS, names=RENAMED)
        assert_nothing_changed(earlier_export, before)
    finally:
        earlier_export.chmod(0o755)


def test_permission_denied_is_explained_and_leaves_the_folder_alone(sample, earlier_export,
                                                                    monkeypatch):
    # Given an earlier export in a folder where creating a file is denied (simulated, so it
    # runs as root too)
    before = folder_state(earlier_export)

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(staging_module.tempfile, "NamedTemporaryFile", denied)

    # When exporting there, then the message says so and suggests a folder of one's own
    with pytest.raises(UserError) as raised:
        export_files(sample, earlier_export, ["csv", "json"], names=RENAMED)
    message = str(raised.value)
    assert "not allowed to write" in message and str(earlier_export) in message
    assert "Documents" in message
    assert_nothing_changed(earlier_export, before)


def test_file_locked_when_renamed_into_place_leaves_the_earlier_export_untouched(
        sample, earlier_export, monkeypatch):
    # Given an earlier export whose segments.xlsx is open in Excel, which (on Windows) makes
    # replacing it fail with PermissionError; simulated at the rename
    before = folder_state(earlier_export)
    replace = os.replace

    def locked(source, target, *args, **kwargs):
        if Path(target).name == "segments.xlsx":
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(staging_module.os, "replace", locked)

    # When exporting CSV, workbook and summary again with new names
    with pytest.raises(UserError) as raised:
        export_files(sample, earlier_export, ["csv", "xlsx", "json"], names=RENAMED)
    monkeypatch.undo()

    # Then the user is told to close the workbook, and, all or nothing, no file of the new
    # export replaced an earlier one (segments.csv must still match segments.xlsx)
    assert "segments.xlsx" in str(raised.value) and "close it" in str(raised.value)
    assert_nothing_changed(earlier_export, before)


def test_cancel_during_export_leaves_nothing(sample, tmp_path):
    # Given a user who presses Cancel once the workbook has started
    messages = []
    cancelled = lambda: any("workbook" in message for message in messages)  # noqa: E731
    progress = Progress(lambda fraction, message: messages.append(message), cancelled)

    # When exporting every format, then the export stops and leaves no file at all
    with pytest.raises(Cancelled):
        export_files(sample, tmp_path, FORMATS, progress=progress)
    assert list(tmp_path.iterdir()) == []
    # and the half-written workbook is closed: collected now, it must not raise an "Exception
    # ignored" (pytest turns one into a failure of the test that collects it)
    gc.collect()


def test_progress_only_moves_forward_and_says_what_is_written(sample, tmp_path):
    # Given a progress sink
    reports = []
    progress = Progress(lambda fraction, message: reports.append((fraction, message)))

    # When exporting every format
    export_files(sample, tmp_path, FORMATS, progress=progress)

    # Then the fractions stay within 0..1 and never go back, and each format is announced
    fractions = [fraction for fraction, _ in reports]
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
    assert fractions == sorted(fractions)
    messages = " ".join(message for _, message in reports)
    for words in ("customer list (csv)", "workbook (excel)", "pdf report",
                  "chart images (png)", "summary for other programs (json)"):
        assert f"Writing {words}..." in messages


# --- the input file is never overwritten ------------------------------------------------------

def small_customer_rows() -> list[list[str]]:
    return [["CustomerID", "Income", "Spend"]] + [
        [f"{number:03d}", str(20 + number % 5 * 15), str(90 - number % 3 * 30)]
        for number in range(30)]


def small_customers(path: Path) -> Path:
    return write_csv(path, small_customer_rows())


def small_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    header, *rows = small_customer_rows()
    workbook.active.append(header)
    for customer, income, spend in rows:
        workbook.active.append([customer, int(income), int(spend)])
    workbook.save(path)
    return path


@pytest.mark.parametrize("name, make", [("segments.csv", small_customers),
                                        ("segments.xlsx", small_workbook)])
def test_export_never_overwrites_the_input_file(tmp_path, name, make):
    # Given the customer data itself saved as segments.csv (or .xlsx) in the export folder
    path = make(tmp_path / name)
    content = path.read_bytes()
    analysis = run_analysis(path, AnalysisSettings(k=3, k_min=3, k_max=3))

    # When exporting every format into that folder
    with pytest.raises(UserError) as raised:
        export_files(analysis, tmp_path, FORMATS)

    # Then the export is refused with a way out, and the data file is byte for byte as it was
    assert f"overwrite your data file {name}" in str(raised.value)
    assert "rename the data file" in str(raised.value)
    assert path.read_bytes() == content
    assert [entry.name for entry in tmp_path.iterdir()] == [name]


def test_export_never_overwrites_the_input_through_a_link(tmp_path):
    # Given the export folder's segments.csv is a link to the customer data elsewhere
    data = small_customers(tmp_path / "customers.csv")
    content = data.read_bytes()
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "segments.csv").symlink_to(data)
    analysis = run_analysis(data, AnalysisSettings(k=3, k_min=3, k_max=3))

    # When exporting the customer list there, then it is refused and the data is unchanged
    with pytest.raises(UserError, match="overwrite your data file customers.csv"):
        export_files(analysis, folder, ["csv"])
    assert data.read_bytes() == content
    assert [entry.name for entry in folder.iterdir()] == ["segments.csv"]
    assert (folder / "segments.csv").is_symlink()


# --- made-up customers, every field a user reads --------------------------------------------------

MADE_GAPS = {20: ("Income (k$)",), 33: ("Spending Score",), 41: ("Income (k$)", "Spending Score")}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The four made-up groups (tests/made_data.py) as a tab-separated file, 3 customers with
    gaps left out, k 2..6 searched, segment 2 renamed; CSV, workbook and summary.json."""
    from made_data import four_groups, with_gaps

    folder = tmp_path_factory.mktemp("made-export")
    frame = with_gaps(four_groups(), MADE_GAPS).drop(columns="Group")
    path = folder / "customers.tsv"
    frame.to_csv(path, sep="\t", index=False, lineterminator="\n")
    # 5 stability resamples instead of 20: what is exported of them is the same, sooner
    # (benchmarks/mutation.sh runs these tests once per mutant of the export writers).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=5))
        analysis = run_analysis(path, AnalysisSettings(k_min=2, k_max=6))
    out = folder / "export"
    out.mkdir()
    export_files(analysis, out, ["csv", "xlsx", "json"], names={2: "Big spenders"})
    return SimpleNamespace(
        analysis=analysis, input=path, out=out,
        names={**analysis.insights.names(), 2: "Big spenders"},
        workbook=openpyxl.load_workbook(out / "segments.xlsx"),
        summary=json.loads((out / "summary.json").read_text(encoding="utf-8")))


def test_made_analysis_finds_the_four_groups(made):
    # A check of the made data: 4 segments recommended and shown, sizes by the groups
    assert (made.analysis.search.recommended_k, made.analysis.k) == (4, 4)
    assert made.analysis.segmentation.sizes == (43, 34, 24, 14)


def test_summary_json_states_the_input_the_counts_and_the_search(made):
    # Given summary.json of the made-up file
    summary, analysis = made.summary, made.analysis
    search = analysis.search

    # Then it names the file as read, and the settings as run
    assert summary["schema"] == "custseg-summary/1"
    assert summary["app_version"] == __version__
    assert summary["input"]["file"] == "customers.tsv"
    assert summary["input"]["sha256"] == hashlib.sha256(made.input.read_bytes()).hexdigest()
    assert (summary["input"]["rows"], summary["input"]["columns"]) == (118, 4)
    assert (summary["input"]["delimiter"], summary["input"]["decimal"]) == ("\t", ".")
    assert summary["input"]["header_row"] == analysis.table.report.header_row
    assert summary["input"]["encoding"] == analysis.table.report.encoding
    assert summary["settings"] == analysis.settings.to_dict()
    assert (summary["rows_used"], summary["rows_left_out"]) == (115, 3)
    # and every k tried with its four scores and the silhouette's interval (exact here)
    assert [entry["k"] for entry in summary["k_search"]] == [2, 3, 4, 5, 6]
    for entry, score in zip(summary["k_search"], search.scores):
        assert (entry["inertia"], entry["silhouette"], entry["calinski_harabasz"],
                entry["davies_bouldin"]) == pytest.approx(
            (score.inertia, score.silhouette, score.calinski_harabasz, score.davies_bouldin))
        assert entry["silhouette_interval"] == pytest.approx([score.silhouette] * 2)
    assert (summary["search_sample_size"], summary["silhouette_sample_size"]) == (None, None)
    assert (summary["elbow_k"], summary["recommended_k"], summary["k"]) == (4, 4, 4)
    assert summary["recommendation"] == search.recommendation
    assert summary["stability_ari"] == pytest.approx(analysis.insights.stability.ari)
    assert summary["stability_resamples"] == 5
    assert summary["feature_importance"] == pytest.approx(analysis.insights.feature_importance)
    assert list(summary["feature_importance"]) == list(analysis.insights.feature_importance)


def test_summary_json_profiles_every_segment_under_the_users_names(made):
    # Given summary.json's segments, then each is its profile, under the name the user gave
    for written, profile in zip(made.summary["segments"], made.analysis.insights.profiles):
        assert written["number"] == profile.number
        assert written["name"] == made.names[profile.number]
        assert written["automatic_name"] == profile.name
        assert written["size"] == profile.size
        assert written["share"] == pytest.approx(profile.share)
        assert written["description"] == profile.description
        assert written["suggested_action"] == profile.action
        for key, values in (("means", profile.means), ("medians", profile.medians),
                            ("index", profile.index),
                            ("standardized_difference", profile.difference)):
            assert written[key] == pytest.approx(values), key
        assert written["categories"] == profile.categories
        assert written["silhouette"] == pytest.approx(profile.silhouette)
        assert written["stability"] == pytest.approx(profile.stability)
        assert written["stability_reading"] == profile.stability_reading
    assert made.summary["segments"][1]["name"] == "Big spenders"


def test_json_safe_writes_missing_numbers_as_null_and_numpy_numbers_as_plain_ones():
    from custseg_gui.core.exports.summary import json_safe

    # Given NaN, infinity and numpy numbers, in dicts, lists and tuples
    safe = json_safe({"a": float("nan"), "b": np.float64(1.5), 3: (np.int64(2), float("inf")),
                      "d": [np.nan, "text", None]})

    # Then missing numbers are null and the rest plain Python (keys as text)
    assert safe == {"a": None, "b": 1.5, "3": [2, None], "d": [None, "text", None]}
    assert type(safe["b"]) is float and type(safe["3"][0]) is int


def test_segments_sheet_lists_each_segment_as_the_window_does(made):
    # Given the Segments sheet
    sheet = made.workbook["Segments"]
    rows = list(sheet.iter_rows(values_only=True))
    numbers = list(made.analysis.insights.numeric_columns)

    # Then its columns are, in order, these
    assert list(rows[0]) == (["Segment", "Name", "Description", "Suggested action", "Size",
                              "Share", "Stability (Jaccard)", "Stability reading"]
                             + [f"Mean {name}" for name in numbers]
                             + [f"Index {name} (100 = average)" for name in numbers])
    # and one row per segment with the user's names and the profile's numbers
    for row, profile in zip(rows[1:], made.analysis.insights.profiles):
        assert row[:3] == (profile.number, made.names[profile.number], profile.description)
        assert (row[3] or None) == profile.action  # no action: an empty cell
        assert row[4:8] == (profile.size, pytest.approx(profile.share),
                            pytest.approx(profile.stability), profile.stability_reading)
        assert list(row[8:8 + len(numbers)]) == pytest.approx(
            [profile.means[name] for name in numbers])
        assert list(row[8 + len(numbers):]) == pytest.approx(
            [profile.index[name] for name in numbers])
    assert len([row for row in rows[1:] if row[0] is not None]) == 4
    # shown as a share, a two-decimal figure, amounts and whole indexes
    second = [cell.number_format for cell in sheet[2]]
    assert second[5:7] == ["0.0%", "0.00"]
    assert set(second[8:8 + len(numbers)]) == {"#,##0.00"}
    assert set(second[8 + len(numbers):]) == {"0"}
    # with the indexes coloured from purple (50) through white (100) to orange (150)
    ranges = [str(rule.sqref) for rule in sheet.conditional_formatting]
    assert ranges == ["L2:N5"]
    # and a bar chart of the customers per segment
    assert [chart.title.tx.rich.p[0].r[0].t for chart in sheet._charts] == [
        "Customers per segment"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N5"


def test_k_sheet_scores_every_k_and_says_why(made):
    # Given the "How k was chosen" sheet
    rows = list(made.workbook["How k was chosen"].iter_rows(values_only=True))
    search = made.analysis.search

    # Then each k tried has its four scores
    assert rows[0] == ("Segments (k)", "Inertia", "Silhouette", "Calinski-Harabasz",
                       "Davies-Bouldin")
    assert [row[0] for row in rows[1:6]] == [2, 3, 4, 5, 6]
    for row, score in zip(rows[1:6], search.scores):
        assert row[1:5] == pytest.approx((score.inertia, score.silhouette,
                                          score.calinski_harabasz, score.davies_bouldin))
    # and below them, in words, why 4 was chosen
    notes = [row[0] for row in rows[6:] if row and row[0]]
    assert notes == [search.recommendation, "Recommended: 4 segments. Shown: 4 segments.",
                     "The elbow of the inertia curve is at 4 segments."]


def test_segments_sheet_charts_each_segments_customers_by_its_name(made):
    # Given the Segments sheet of four segments
    sheet = made.workbook["Segments"]

    # Then its bar chart draws the customer counts (E) against the segment names (B)
    [chart] = sheet._charts
    [series] = chart.series
    assert sheet["E1"].value == "Size" and sheet["B1"].value == "Name"
    assert series.tx.strRef.f == "Segments!$E$1"
    assert series.val.numRef.f == "Segments!$E$2:$E$5"
    assert (series.cat.strRef or series.cat.numRef).f == "Segments!$B$2:$B$5"
    # and the header is styled as a header
    assert sheet["A1"].font.bold and sheet["E1"].fill.fgColor.rgb.endswith("DCE6F1")


def test_k_sheet_charts_the_silhouette_of_each_k_beside_the_scores(made):
    # Given the "How k was chosen" sheet of five k tried
    sheet = made.workbook["How k was chosen"]
    rows = list(sheet.iter_rows(values_only=True))

    # Then the header stays in view and is styled as a header
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet["C1"].fill.fgColor.rgb.endswith("DCE6F1")
    # the notes start after one empty row below the scores
    assert all(cell is None for cell in rows[6]) and rows[7][0] == made.analysis.search \
        .recommendation
    # and its one chart, beside the table, draws the silhouette column (C) against k (A)
    [chart] = sheet._charts
    [series] = chart.series
    assert series.tx.strRef.f == "'How k was chosen'!$C$1"
    assert series.val.numRef.f == "'How k was chosen'!$C$2:$C$6"
    assert series.cat.numRef.f == "'How k was chosen'!$A$2:$A$6"
    assert (chart.anchor._from.row, chart.anchor._from.col) == (1, 6)
    assert chart.title.tx.rich.p[0].r[0].t == (
        "Mean silhouette by number of segments (higher is better)")


def test_settings_sheet_says_how_the_file_was_read_and_what_was_used(made):
    # Given the Settings sheet as label -> value
    rows = list(made.workbook["Settings"].iter_rows(values_only=True))
    settings = dict(rows[1:])
    report = made.analysis.table.report

    # Then it names the file, how it was read (a tab is written as the word), the counts,
    # the stability check, the version and the date
    assert [label for label, _value in rows[1:7]] == [
        "Input file", "SHA-256 of the input file", "Encoding", "Delimiter", "Number format",
        "Rows in the file"]
    assert settings["Input file"] == "customers.tsv"
    assert (settings["Encoding"], settings["Delimiter"]) == (report.encoding, "tab")
    assert settings["Number format"] == "decimal point"
    assert (settings["Rows in the file"], settings["Customers used"],
            settings["Customers left out"]) == ("118", "115", "3")
    assert settings["Stability check"] == "5 bootstrap resamples of 115 customers"
    assert settings["CustSeg version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d.*", settings["Date"])
    assert "Sheet" not in settings


def test_customers_sheet_has_a_frozen_bold_header_and_a_filter_over_every_row(made):
    # Given the Customers sheet: 118 customers, 4 columns of the file and 3 added
    sheet = made.workbook["Customers"]
    assert [cell.value for cell in sheet[1]] == ["CustomerID", "Age", "Income (k$)",
                                                 "Spending Score", "Segment", "Segment name",
                                                 "Left out because"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G119"
    # and the columns are wide enough for their header and cells, within 6 to 60
    # (XlsxWriter stores a width of n characters as Excel does, with its padding: n + 0.71)
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
    assert widths[0] == pytest.approx(len("CustomerID") + 2, abs=0.75)
    assert widths[5] == pytest.approx(max(len(name) for name in made.names.values()) + 2,
                                      abs=0.75)
    assert widths[6] == pytest.approx(len("Missing values in Income (k$), Spending Score") + 2,
                                      abs=0.75)


def test_segments_sheet_shows_a_flag_as_a_share_and_a_year_without_separator(tmp_path):
    from made_data import four_groups, with_measures

    # Given customers with a yes/no flag and a birth year beside their spend
    frame = with_measures(four_groups().drop(columns="Group"), seed=2)
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    analysis = run_analysis(path, AnalysisSettings(
        features=tuple(name for name in frame.columns if name != "CustomerID"), k=3, k_min=3,
        k_max=3))
    (tmp_path / "out").mkdir()
    export_files(analysis, tmp_path / "out", ["xlsx"])
    sheet = openpyxl.load_workbook(tmp_path / "out" / "segments.xlsx")["Segments"]
    header = [cell.value for cell in sheet[1]]
    formats = dict(zip(header, (cell.number_format for cell in sheet[2])))
    values = dict(zip(header, (cell.value for cell in sheet[2])))
    profile = analysis.insights.profiles[0]
    # Then the flag reads as the share of yes, the year as a plain year, other means as amounts
    assert formats["Share Complain (yes)"] == "0.0%"
    assert values["Share Complain (yes)"] == pytest.approx(profile.means["Complain"])
    assert formats["Mean Year_Birth"] == "0"
    # and a small count (children at home) with one decimal
    assert formats["Mean Kidhome"] == "0.0"
    assert values["Mean Kidhome"] == pytest.approx(profile.means["Kidhome"])
    assert "Mean Complain" not in header
    assert {formats[name] for name in header if name.startswith("Mean ")} - {"0", "0.0"} == {
        "#,##0.00"}


# --- summary.json and the Settings rows: every key, of a table and of an order log ----------

SUMMARY_KEYS = {
    "schema", "app_version", "input", "settings", "rows_used", "rows_left_out",
    "rows_left_out_because", "total_rows", "k_search", "search_sample_size", "elbow_k",
    "silhouette_sample_size", "recommended_k", "recommendation", "k", "stability_ari",
    "stability_resamples", "feature_importance", "segments", "orders"}
INPUT_KEYS = {"file", "sha256", "rows", "columns", "sheet", "encoding", "delimiter", "decimal",
              "thousands", "header_row", "units", "date_formats", "notes"}
K_SEARCH_KEYS = {"k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin",
                 "silhouette_interval"}
SEGMENT_KEYS = {"number", "name", "automatic_name", "size", "share", "description",
                "suggested_action", "means", "medians", "index", "standardized_difference",
                "categories", "silhouette", "stability", "stability_reading", "rfm_segments"}


def test_summary_json_has_exactly_its_documented_keys_and_why_rows_were_left_out(made):
    # Given summary.json of the made-up tab-separated file (3 customers with gaps)
    summary = made.summary

    # Then it holds exactly the keys other programs read, at every level
    assert set(summary) == SUMMARY_KEYS
    assert set(summary["input"]) == INPUT_KEYS
    assert all(set(entry) == K_SEARCH_KEYS for entry in summary["k_search"])
    assert all(set(entry) == SEGMENT_KEYS for entry in summary["segments"])
    # and the file as read: no sheet, no thousands separator, no units, dates or notes
    assert (summary["input"]["sheet"], summary["input"]["thousands"]) == (None, None)
    assert (summary["input"]["units"], summary["input"]["date_formats"]) == ({}, {})
    assert (summary["input"]["notes"], summary["total_rows"]) == ([], [])
    # and why each left-out customer was left out, counted
    assert summary["rows_left_out_because"] == {
        "Missing value in Income (k$)": 1, "Missing value in Spending Score": 1,
        "Missing values in Income (k$), Spending Score": 1}
    # a table of customers: no order lines, no RFM mix, no categories
    assert summary["orders"] is None
    assert [entry["rfm_segments"] for entry in summary["segments"]] == [{}] * 4
    assert [entry["categories"] for entry in summary["segments"]] == [{}] * 4
    assert [entry["size"] for entry in summary["segments"]] == [43, 34, 24, 14]


def test_summary_json_keeps_names_as_written_indented_by_two(made, tmp_path):
    # Given summary.json exported with a segment named in German
    export_files(made.analysis, tmp_path, ["json"], names={1: "Große Käufer"})
    text = (tmp_path / "summary.json").read_text(encoding="utf-8")

    # Then the name is written as is (not \u escapes), in a file indented by two spaces
    assert '"name": "Große Käufer"' in text
    assert text.startswith('{\n  "schema": "custseg-summary/1",\n  "app_version": ')
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False)


@pytest.fixture(scope="module")
def order_log(tmp_path_factory):
    """An order log of 80 customers, k = 3, summary.json and the Settings rows."""
    from order_logs import many_customers_log, write_log

    from custseg_gui.core.exports.facts import settings_rows
    from custseg_gui.core.settings import OrderSettings

    folder = tmp_path_factory.mktemp("order-log")
    # (one line sells 0 of an item: kept, with a note)
    log = write_log(folder, many_customers_log(80) + "5280,K080,2024-03-11 10:00,0,5.00,Item\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=5))
        analysis = run_analysis(log, AnalysisSettings(k=3, k_min=3, k_max=3,
                                                      orders=OrderSettings(enabled=True)))
    out = folder / "out"
    out.mkdir()
    export_files(analysis, out, ["json"])
    return SimpleNamespace(analysis=analysis, log=log, rows=settings_rows(analysis),
                           summary=json.loads((out / "summary.json").read_text("utf-8")))


def test_summary_json_of_an_order_log_states_its_orders_and_rfm_mix(order_log):
    # Given summary.json of an order log
    summary, analysis = order_log.summary, order_log.analysis

    # Then the input is the file of order lines, comma-separated
    assert summary["input"]["file"] == "orders.csv"
    assert summary["input"]["delimiter"] == ","
    assert summary["input"]["rows"] == len(order_log.log.read_text().splitlines()) - 1
    # and it states the order lines as the order log sums them up
    assert summary["orders"] == json.loads(json.dumps(analysis.orders.summary()))
    assert summary["orders"]
    # and each segment's mix of RFM segments, which sums to one
    for entry, profile in zip(summary["segments"], analysis.insights.profiles):
        assert entry["rfm_segments"] == pytest.approx(profile.rfm_segments)
        assert sum(entry["rfm_segments"].values()) == pytest.approx(1.0)
    assert summary["k"] == 3 and sum(entry["size"] for entry in summary["segments"]) == 80


def test_settings_rows_of_an_order_log_state_its_customers_and_as_of_day(order_log):
    # Given the Settings rows of an order log of 80 customers
    labels = [label for label, _value in order_log.rows]
    rows = dict(order_log.rows)
    orders = order_log.analysis.orders

    # Then, after how the file was read (a comma written as itself), come the order lines'
    # customers, what was left out, and the day recency is counted to
    assert labels[:10] == [
        "Input file", "SHA-256 of the input file", "Encoding", "Delimiter", "Number format",
        "Rows in the file", "Customers in the order lines", "Order lines left out",
        "Customers with only returns (left out)", "Recency counted to"]
    assert rows["Delimiter"] == ","
    assert rows["Customers in the order lines"] == "80"
    assert rows["Order lines left out"] == "none"
    assert rows["Customers with only returns (left out)"] == "0"
    assert rows["Recency counted to"] == orders.as_of.isoformat()
    assert (rows["Customers used"], rows["Customers left out"]) == ("80", "0")
    assert rows["Stability check"] == "5 bootstrap resamples of 80 customers"
    # and, last, the note on the line that sells nothing
    assert labels[-3:] == ["CustSeg version", "Date", "Order lines note"]
    assert rows["Order lines note"].startswith("1 line has a 'Quantity' of 0")


def test_settings_rows_of_a_workbook_with_thousands_and_a_filled_gap(tmp_path):
    from made_data import four_groups

    from custseg_gui.core.exports.facts import settings_rows
    from custseg_gui.core.exports.summary import summary as summary_of

    # Given a workbook sheet "Shop 2024" with incomes written "$12,000" and one gap filled
    frame = four_groups().drop(columns="Group")
    frame["Income (k$)"] = ["$" + format(value * 1000, ",.0f") for value in frame["Income (k$)"]]
    frame.loc[5, "Spending Score"] = None
    frame.loc[9, "Spending Score"] = None
    path = tmp_path / "shop.xlsx"
    frame.to_excel(path, sheet_name="Shop 2024", index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=5))
        analysis = run_analysis(path, AnalysisSettings(k=3, k_min=3, k_max=3,
                                                       missing="median"))
    rows = settings_rows(analysis)
    values = dict(rows)

    # Then the rows name the sheet, not an encoding, and the number format with thousands
    assert [label for label, _value in rows[:5]] == [
        "Input file", "SHA-256 of the input file", "Sheet", "Number format",
        "Rows in the file"]
    assert (values["Input file"], values["Sheet"]) == ("shop.xlsx", "Shop 2024")
    assert "Encoding" not in values and "Delimiter" not in values
    assert values["Rows in the file"] == "118"
    # and how many gaps were filled; no order lines
    assert values["Filled missing values in Spending Score"] == "2"
    assert "Customers in the order lines" not in values
    # and summary.json says the same of the input
    written = summary_of(analysis, {})
    assert (written["input"]["sheet"], written["input"]["units"]) == (
        "Shop 2024", {"Income (k$)": "$"})
    assert written["input"]["thousands"] == ","
    # with the automatic names where the user gave none
    assert [entry["name"] for entry in written["segments"]] == [
        profile.name for profile in analysis.insights.profiles]
    # and, of an analysis without a stability check, no stability figures
    unchecked = replace(analysis, insights=replace(analysis.insights, stability=None))
    written = summary_of(unchecked, {})
    assert (written["stability_ari"], written["stability_resamples"]) == (None, None)
    assert "Stability check" not in dict(settings_rows(unchecked))


def test_segments_sheet_colours_indexes_purple_white_orange_and_charts_customers(made):
    # Given the Segments sheet of the made-up file
    sheet = made.workbook["Segments"]

    # Then the indexes are coloured purple at 50, white at 100 and orange at 150
    (rule,) = [rule for ranges in sheet.conditional_formatting for rule in ranges.rules]
    scale = rule.colorScale
    assert [(point.type, float(point.val)) for point in scale.cfvo] == [
        ("num", 50.0), ("num", 100.0), ("num", 150.0)]
    assert [color.rgb[-6:] for color in scale.color] == ["8073AC", "FFFFFF", "E08214"]
    # and the bar chart counts customers across, without a legend, below the table
    (chart,) = sheet._charts
    assert chart.legend is None
    titles = [axis.title.tx.rich.p[0].r[0].t for axis in (chart.x_axis, chart.y_axis)
              if axis.title is not None]
    assert titles == ["Customers"]
    assert chart.anchor._from.row == 4 + 3 and chart.anchor._from.col == 1
    # and the name, description and action columns are wide enough to read, and wrap
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["C"] > widths["D"] > widths["B"] > widths["A"]
    for column in (2, 3, 4):
        alignment = sheet.cell(row=2, column=column).alignment
        assert alignment.wrap_text and alignment.vertical == "top"


def test_a_note_on_how_the_file_was_read_is_in_the_settings_rows_and_summary(tmp_path):
    from made_data import four_groups

    from custseg_gui.core.exports.facts import settings_rows
    from custseg_gui.core.exports.summary import summary as summary_of

    # Given a UTF-8 file (Zürich on lines 2 to 4) with one Windows-1252 byte on its fifth line
    frame = four_groups().drop(columns="Group")
    frame["City"] = "Paris"
    data = frame.to_csv(index=False).encode("utf-8").replace(b"Paris", "Zürich".encode(), 3)
    path = tmp_path / "customers.csv"
    path.write_bytes(data.replace(b"Paris", b"Z\xfcrich", 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=5))
        analysis = run_analysis(path, AnalysisSettings(
            features=("Age", "Income (k$)", "Spending Score"), k=3, k_min=3, k_max=3))

    # Then the Settings rows end with the note, and summary.json lists it
    rows = settings_rows(analysis)
    (note,) = analysis.table.report.notes
    assert "line 5" in note and "Windows-1252" in note
    assert rows[-1] == ("Reading note", note)
    assert summary_of(analysis, {})["input"]["notes"] == [note]
