"""The report command on customers made by the tests (no shared data needed): segment numbers,
names, actions, left-out customers and filled gaps, as a user reads them in the files written.

The made-up customers (tests/made_data.py) are four groups with known sizes, written smallest
group first, with known directions: careful rich (high income, low spending, older), average,
young spenders (low income, high spending) and premium (high income, high spending).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import openpyxl
import pytest
from made_data import (AVERAGE, BY_SIZE, CAREFUL_RICH, INCOME, PREMIUM, SPENDING, YOUNG_SPENDERS,
                       four_groups, group_rows, read_rows, with_gaps, write_csv)
from report_helpers import run_report

# Rows (0-based, in the file) whose income and/or spending are left empty; all in AVERAGE.
GAPS = {20: (INCOME,), 33: (SPENDING,), 41: (INCOME, SPENDING)}
REASONS = {20: f"Missing value in {INCOME}", 33: f"Missing value in {SPENDING}",
           41: f"Missing values in {INCOME}, {SPENDING}"}
FORMATS = ["--formats", "csv,json,xlsx"]
NAMES = {
    AVERAGE.name: "Average customers",
    PREMIUM.name: "High income and spending",
    YOUNG_SPENDERS.name: "Very young, very low income, high spending",
    CAREFUL_RICH.name: "Much older, high income, very low spending",
}


def report(path, out, *options) -> SimpleNamespace:
    """Run the report; return what it wrote, read back as a user would open it."""
    status, stdout, stderr = run_report([path, "--out", out, *FORMATS, *options])
    assert status == 0, stderr
    workbook = openpyxl.load_workbook(out / "segments.xlsx", read_only=True)
    settings = dict(workbook["Settings"].iter_rows(min_row=2, values_only=True))
    customers = [["" if value is None else str(value) for value in row]
                 for row in workbook["Customers"].iter_rows(values_only=True)]
    workbook.close()
    return SimpleNamespace(stdout=stdout, rows=read_rows(out / "segments.csv"),
                           summary=json.loads((out / "summary.json").read_text(encoding="utf-8")),
                           settings=settings, customers=customers, input=read_rows(path))


@pytest.fixture(scope="module")
def gapped(tmp_path_factory):
    """The report on the four groups, 3 customers with gaps left out (the default)."""
    folder = tmp_path_factory.mktemp("gapped")
    frame = with_gaps(four_groups(), GAPS)
    path = write_csv(frame, folder)
    return frame, report(path, folder / "report", "--k-max", "6")


@pytest.fixture(scope="module")
def complete(tmp_path_factory):
    """The report on the four groups with no gaps, 4 segments."""
    folder = tmp_path_factory.mktemp("complete")
    path = write_csv(four_groups(), folder)
    return report(path, folder / "report", "--k", "4", "--k-min", "4", "--k-max", "4")


def column(rows: list[list[str]], name: str) -> list[str]:
    """The cells of one column, below the header."""
    position = rows[0].index(name)
    return [row[position] for row in rows[1:]]


# --- segments numbered by size, named by direction ---------------------------------------------

def test_segment_1_is_the_largest_group_though_the_file_starts_with_the_smallest(gapped):
    # Given groups of 14, 46 (3 of them with gaps), 24 and 34 customers in that file order
    frame, written = gapped

    # Then the report recommends 4 segments, numbered by size: 43, 34, 24, 14 customers
    assert written.summary["recommended_k"] == written.summary["k"] == 4
    assert [segment["size"] for segment in written.summary["segments"]] == [43, 34, 24, 14]
    assert written.stdout.strip().endswith("4 segments of 115 customers.")
    # and every customer of a group has that group's segment number in segments.csv
    segments = column(written.rows, "Segment")
    for number, group in enumerate(BY_SIZE, start=1):
        cells = {segments[row] for row in group_rows(frame, group) if row not in GAPS}
        assert cells == {str(number)}, group.name


def test_segment_names_say_which_way_each_group_differs(gapped):
    # Given the report, then each group's customers carry the name of its direction
    frame, written = gapped
    names = column(written.rows, "Segment name")
    for group in BY_SIZE:
        cells = {names[row] for row in group_rows(frame, group) if row not in GAPS}
        assert cells == {NAMES[group.name]}, group.name
    # and summary.json names the segments in number order the same way
    assert [segment["name"] for segment in written.summary["segments"]] == [
        NAMES[group.name] for group in BY_SIZE]


def test_each_segment_is_described_and_advised_in_words(gapped):
    # Given the report, then summary.json describes each segment in words with its size and
    # share, and suggests the action of its pattern; the average customers get one too
    _frame, written = gapped
    average, premium, young, careful = written.summary["segments"]
    assert average["description"].startswith(
        "43 customers (37.4%). Close to the average customer")
    assert average["suggested_action"] == (
        "Your typical customers: keep them informed through your regular campaigns, and watch "
        "which way they move.")
    assert premium["description"].startswith("34 customers (29.6%). Income ")
    assert " k$ vs " in premium["description"] and "spending score " in premium["description"]
    assert premium["suggested_action"].startswith("Premium offers:")
    assert young["description"].startswith("24 customers (20.9%). Younger (")
    assert young["suggested_action"].startswith("Value bundles:")
    assert careful["description"].startswith("14 customers (12.2%). Older (")
    assert careful["suggested_action"].startswith("Re-engage:")
    assert [segment["stability_reading"] for segment in written.summary["segments"]] == [
        "highly stable"] * 4


def test_recommendation_sentence_agrees_with_the_elbow(gapped):
    # Given the report, then the recommendation says why 4 and that the elbow agrees
    _frame, written = gapped
    summary = written.summary
    best = next(entry for entry in summary["k_search"] if entry["k"] == 4)
    assert summary["elbow_k"] == 4
    assert summary["recommendation"] == (
        "4 segments fit best: customers fall into groups very clearly. How clearly customers "
        f"fall into groups: {best['silhouette']:.2f}, strong (silhouette, the highest for 2 to 6 "
        "segments). Adding segments stops paying off there too (the bend of the elbow chart).")


# --- customers left out, and why ------------------------------------------------------------

def test_left_out_customers_have_no_segment_and_say_which_value_is_missing(gapped):
    # Given 3 customers with a gap in income, spending or both
    _frame, written = gapped

    # Then segments.csv keeps every input cell and adds the segment, its name and the reason
    width = len(written.input[0])
    assert written.rows[0] == written.input[0] + ["Segment", "Segment name", "Left out because"]
    assert [row[:width] for row in written.rows] == written.input
    reasons = column(written.rows, "Left out because")
    segments, names = column(written.rows, "Segment"), column(written.rows, "Segment name")
    for row in range(len(reasons)):
        if row in GAPS:
            assert (segments[row], names[row], reasons[row]) == ("", "", REASONS[row]), row
        else:
            assert segments[row] != "" and names[row] != "" and reasons[row] == "", row
    assert (written.summary["rows_used"], written.summary["rows_left_out"]) == (115, 3)


def test_workbook_lists_the_left_out_customers_the_same_way(gapped):
    # Given the workbook, then its customer list gives the same reasons as segments.csv, and
    # its Settings sheet counts the customers used and left out
    _frame, written = gapped
    assert written.customers[0][-3:] == ["Segment", "Segment name", "Left out because"]
    assert [row[-1] for row in written.customers[1:]] == column(written.rows,
                                                                "Left out because")
    assert written.settings["Customers left out"] == "3"
    assert written.settings["Customers used"] == "115"


def test_no_left_out_column_when_nobody_is_left_out(complete):
    # Given a report where every customer has every value, then there is no reason column
    assert complete.rows[0] == complete.input[0] + ["Segment", "Segment name"]
    assert complete.customers[0] == complete.input[0] + ["Segment", "Segment name"]
    assert complete.settings["Customers left out"] == "0"
    assert [segment["size"] for segment in complete.summary["segments"]] == [46, 34, 24, 14]


@pytest.mark.parametrize("missing", ["median", "mean"])
def test_filling_gaps_keeps_everyone_and_says_how_many_were_filled(tmp_path, missing):
    # Given the customers with gaps, when the report fills them with the median or the mean
    path = write_csv(with_gaps(four_groups(), GAPS), tmp_path)
    written = report(path, tmp_path / "report", "--missing", missing, "--k", "4",
                     "--k-min", "4", "--k-max", "4")

    # Then nobody is left out (no reason column), and the workbook says how many were filled
    assert written.rows[0] == written.input[0] + ["Segment", "Segment name"]
    assert "" not in column(written.rows, "Segment")
    assert (written.summary["rows_used"], written.summary["rows_left_out"]) == (118, 0)
    assert written.summary["settings"]["missing"] == missing
    assert written.settings[f"Filled missing values in {INCOME}"] == "2"
    assert written.settings[f"Filled missing values in {SPENDING}"] == "2"
    assert written.settings["Missing values"] == missing
    assert sum(segment["size"] for segment in written.summary["segments"]) == 118
