"""The report command: the files it writes, and how it refuses bad input."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import custseg_gui
from made_data import no_groups, write_csv
from report_helpers import REPORT_FILES, assert_one_error_line, run_report

REPO_ROOT = Path(__file__).resolve().parents[1]
INCOME = "Annual Income (k$)"
SPENDING = "Spending Score (1-100)"


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file as the exact text of its cells (header first)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def column_of(out: Path, name: str) -> list[str]:
    """One column of the segments.csv written into `out`, below its header."""
    header, *rows = read_rows(out / "segments.csv")
    return [row[header.index(name)] for row in rows]


def blob_customers(rows_per_group=(20, 15, 10), seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    centres = ((30, 80), (80, 20), (60, 60))
    parts = [rng.normal(centre, 4, size=(size, 2)).round(1)
             for size, centre in zip(rows_per_group, centres)]
    values = np.vstack(parts)
    return pd.DataFrame({
        "CustomerID": [f"{number:04d}" for number in range(1, len(values) + 1)],
        "Income": values[:, 0],
        "Spend": values[:, 1],
    })


# --- a full report on the mall customers ----------------------------------------------------------

@pytest.fixture(scope="module")
def mall_report(mall_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("mall") / "report"
    status, stdout, stderr = run_report([mall_csv, "--out", out, "--features", INCOME, SPENDING])
    return {"status": status, "stdout": stdout, "stderr": stderr, "out": out, "input": mall_csv}


@pytest.mark.shared_data
def test_report_succeeds_and_says_what_it_wrote(mall_report):
    # Given the mall customers, when the report runs with income and spending,
    # then it exits 0 and says how many segments of how many customers it wrote
    assert mall_report["status"] == 0, mall_report["stderr"]
    assert mall_report["stderr"] == ""
    assert mall_report["stdout"].strip() == (
        f"Wrote {len(REPORT_FILES)} files to {mall_report['out']}: 5 segments of 200 customers.")
    assert sorted(path.name for path in mall_report["out"].iterdir()) == sorted(REPORT_FILES)


@pytest.mark.shared_data
def test_segments_csv_keeps_every_input_cell_and_adds_the_segment(mall_report):
    # Given the mall report
    written = read_rows(mall_report["out"] / "segments.csv")
    original = read_rows(mall_report["input"])

    # Then every input row and column is there as written, followed by Segment and its name
    # (no "Left out because" column: nobody was left out)
    assert written[0] == original[0] + ["Segment", "Segment name"]
    assert len(written) == len(original) == 201
    assert [row[:5] for row in written[1:]] == original[1:]
    segments = [row[5] for row in written[1:]]
    assert sorted(set(segments)) == ["1", "2", "3", "4", "5"]
    assert [segments.count(str(number)) for number in range(1, 6)] == [81, 39, 35, 23, 22]
    # and each customer carries the name of its segment, the same for the whole segment
    content = json.loads((mall_report["out"] / "summary.json").read_text(encoding="utf-8"))
    names = {str(segment["number"]): segment["name"] for segment in content["segments"]}
    assert all(row[6] == names[row[5]] for row in written[1:])


@pytest.mark.shared_data
def test_summary_json_holds_the_whole_analysis(mall_report):
    # Given the mall report, when summary.json is read
    content = json.loads((mall_report["out"] / "summary.json").read_text(encoding="utf-8"))

    # Then it describes the input, the settings, the search and every segment
    assert set(content) >= {"schema", "app_version", "input", "settings", "rows_used",
                            "rows_left_out", "k_search", "silhouette_sample_size",
                            "recommended_k", "recommendation", "k", "segments"}
    assert content["schema"] == "custseg-summary/1"
    assert content["app_version"] == custseg_gui.__version__
    expected_input = {
        "file": "Mall_Customers.csv",
        "sha256": hashlib.sha256(mall_report["input"].read_bytes()).hexdigest(),
        "rows": 200, "columns": 5, "sheet": None, "encoding": "UTF-8", "delimiter": ","}
    assert {key: content["input"][key] for key in expected_input} == expected_input
    expected_settings = {"features": [INCOME, SPENDING], "scaling": "standard",
                         "missing": "drop", "k_min": 2, "k_max": 10, "seed": 42}
    assert {key: content["settings"][key] for key in expected_settings} == expected_settings
    assert (content["rows_used"], content["rows_left_out"]) == (200, 0)
    assert [entry["k"] for entry in content["k_search"]] == list(range(2, 11))
    for entry in content["k_search"]:
        assert set(entry) >= {"k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin",
                              "silhouette_interval"}
        assert all(isinstance(entry[key], float) for key in entry
                   if key not in ("k", "silhouette_interval"))
        low, high = entry["silhouette_interval"]
        assert low <= entry["silhouette"] <= high
    five = content["k_search"][3]
    assert five["silhouette"] == pytest.approx(0.5547, abs=0.0005)
    assert five["inertia"] == pytest.approx(65.568, abs=0.01)
    assert content["silhouette_sample_size"] is None
    assert content["recommended_k"] == 5 and content["k"] == 5
    assert content["recommendation"].startswith("5 segments fit best")

    segments = content["segments"]
    assert [segment["number"] for segment in segments] == [1, 2, 3, 4, 5]
    assert [segment["size"] for segment in segments] == [81, 39, 35, 23, 22]
    for segment in segments:
        assert set(segment) >= {"number", "name", "size", "share", "means", "medians",
                                "silhouette", "description", "index", "categories",
                                "stability", "stability_reading"}
        assert segment["name"] and segment["description"].startswith(f"{segment['size']} ")
        assert segment["share"] == pytest.approx(segment["size"] / 200)
        assert set(segment["means"]) == set(segment["medians"]) == {"Age", INCOME, SPENDING}
        assert -1 <= segment["silhouette"] <= 1
    assert segments[0]["means"][INCOME] == pytest.approx(55.30, abs=0.01)
    assert segments[1]["means"][SPENDING] == pytest.approx(82.13, abs=0.01)


@pytest.mark.shared_data
def test_left_out_customers_are_listed_with_the_reason(cc_general_csv, tmp_path):
    # Given the credit-card customers, 314 of whom have a gap in a default feature
    out = tmp_path / "report"

    # When the report runs with gaps dropped (k 2..3 keeps it quick)
    status, _, stderr = run_report([cc_general_csv, "--out", out, "--k-max", "3"])

    # Then every row is written as read, and the left-out rows have no segment but a reason
    assert status == 0, stderr
    written, original = read_rows(out / "segments.csv"), read_rows(cc_general_csv)
    width = len(original[0])
    assert written[0] == original[0] + ["Segment", "Segment name", "Left out because"]
    assert len(written) == len(original) == 8951
    assert [row[:width] for row in written[1:]] == original[1:]
    left_out = [row for row in written[1:] if row[width] == ""]
    assert len(left_out) == 314
    assert all(row[width + 1] == "" for row in left_out)
    reasons = sorted({row[width + 2] for row in left_out})
    assert reasons == ["Missing value in CREDIT_LIMIT", "Missing value in MINIMUM_PAYMENTS"]
    assert sum(row[width + 2] == "Missing value in MINIMUM_PAYMENTS" for row in left_out) == 313
    segmented = [row for row in written[1:] if row[width] != ""]
    assert all(row[width + 2] == "" for row in segmented)
    assert {row[width] for row in segmented} <= {"1", "2", "3"}
    content = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (content["rows_used"], content["rows_left_out"]) == (8636, 314)


# --- reports on the project's own sample and on made-up files ----------------------------------

def test_report_keeps_leading_zeros_of_ids(sample_csv, tmp_path):
    # Given the sample customers, whose IDs are 0001, 0002, ...
    out = tmp_path / "report"

    # When the report runs
    status, _, stderr = run_report([sample_csv, "--out", out, "--k-max", "6"])

    # Then the IDs in segments.csv are written exactly as in the file
    assert status == 0, stderr
    written = read_rows(out / "segments.csv")
    assert [row[0] for row in written[1:4]] == ["0001", "0002", "0003"]
    assert [row[:5] for row in written] == read_rows(sample_csv)


def test_same_seed_gives_byte_identical_report_and_another_seed_other_segments(tmp_path):
    # Given customers spread evenly with no groups, where K-Means' starts decide the split
    path = write_csv(no_groups(), tmp_path)

    # When the report runs twice with seed 7 and once with seed 8
    for name, seed in (("first", 7), ("second", 7), ("other", 8)):
        status, _, stderr = run_report([path, "--out", tmp_path / name, "--k", "6",
                                        "--k-min", "6", "--k-max", "6", "--seed", seed,
                                        "--formats", "csv,json"])
        assert status == 0, stderr

    # Then both runs with seed 7 write exactly the same files
    first, second, other = tmp_path / "first", tmp_path / "second", tmp_path / "other"
    assert (first / "segments.csv").read_bytes() == (second / "segments.csv").read_bytes()
    assert (first / "summary.json").read_bytes() == (second / "summary.json").read_bytes()
    # and seed 8 puts customers in other segments (so the seed is really used)
    sizes = {name: [segment["size"] for segment in json.loads(
        (tmp_path / name / "summary.json").read_text(encoding="utf-8"))["segments"]]
        for name in ("first", "other")}
    assert sizes == {"first": [35, 28, 24, 24, 21, 18], "other": [34, 28, 25, 24, 21, 18]}
    assert column_of(first, "Segment") != column_of(other, "Segment")


def test_report_reads_a_named_excel_sheet(tmp_path):
    # Given a workbook whose customers are on its second sheet
    customers = blob_customers()
    path = tmp_path / "customers.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Exported from the till"])
    sheet = workbook.create_sheet("Customers 2024")
    sheet.append(list(customers.columns))
    for row in customers.itertuples(index=False):
        sheet.append(list(row))
    workbook.save(path)
    out = tmp_path / "report"

    # When the report runs on that sheet with 3 segments
    status, _, stderr = run_report([path, "--out", out, "--sheet", "Customers 2024",
                                    "--k", "3", "--k-max", "4"])

    # Then it reads that sheet and writes every customer with a segment
    assert status == 0, stderr
    content = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert content["input"]["sheet"] == "Customers 2024"
    assert content["input"]["rows"] == 45
    assert content["settings"]["features"] == ["Income", "Spend"]
    assert [segment["size"] for segment in content["segments"]] == [20, 15, 10]
    written = read_rows(out / "segments.csv")
    assert written[0] == ["CustomerID", "Income", "Spend", "Segment", "Segment name"]
    assert written[1][0] == "0001"


def test_input_column_named_segment_is_not_overwritten(tmp_path):
    # Given a customer file that already has its own "Segment" column (as the well-known
    # Superstore data does: Consumer, Corporate, Home Office)
    customers = blob_customers()
    customers.insert(1, "Segment", ["Consumer", "Corporate", "Home Office"] * 15)
    path = tmp_path / "customers.csv"
    customers.to_csv(path, index=False)
    out = tmp_path / "report"

    # When the report runs
    status, _, stderr = run_report([path, "--out", out, "--k", "3", "--k-max", "4"])

    # Then the user's column is still in segments.csv exactly as written, beside the new ones
    assert status == 0, stderr
    written, original = read_rows(out / "segments.csv"), read_rows(path)
    width = len(original[0])
    assert written[0][:width] == original[0]
    assert [row[:width] for row in written[1:]] == original[1:]
    assert len(written[0]) >= width + 2  # a segment number and name were added after them


def test_help_exits_zero_and_lists_the_options():
    # When the report command is asked for help
    status, stdout, stderr = run_report(["--help"])

    # Then it exits 0 and describes the options
    assert status == 0
    assert "--out DIR" in stdout and "--k-max" in stdout and "--seed" in stdout
    assert stderr == ""


# --- bad input ---------------------------------------------------------------------------------

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _small_customers(folder: Path) -> Path:
    path = folder / "customers.csv"
    blob_customers().to_csv(path, index=False)
    return path


def _few_profiles(folder: Path) -> Path:
    rows = ["Income,Spend"] + ["10,80", "50,20", "90,50", "30,30"] * 3
    return _write(folder / "few.csv", "\n".join(rows) + "\n")


def _id_and_text(folder: Path) -> Path:
    rows = ["CustomerID,Comment"] + [f"C{1000 + n},said something about order {n}"
                                     for n in range(40)]
    return _write(folder / "notes.csv", "\n".join(rows) + "\n")


def _binary(folder: Path) -> Path:
    path = folder / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return path


BAD_INPUTS = {
    # case: (make the input file, extra arguments, words the error line must contain)
    "unknown column": (_small_customers, ["--features", "Age"], "no column named 'Age'"),
    "k above distinct rows": (_few_profiles, ["--k", "6"],
                              "only 4 different customer profiles"),
    "no usable feature": (_id_and_text, [], "group customers"),
    "binary file": (_binary, [], "binary data"),
    "missing file": (lambda folder: folder / "nowhere.csv", [], "could not be found"),
    "bad --k value": (_small_customers, ["--k", "many"], "--k must be a whole number or 'auto'"),
    "k-min above k-max": (_small_customers, ["--k-min", "6", "--k-max", "3"], "Swap them"),
    "k of one": (_small_customers, ["--k", "1"], "at least 2 segments"),
    "unknown scaling": (_small_customers, ["--scaling", "log"], "invalid choice: 'log'"),
    "unknown sheet": (lambda folder: _excel_with_sheet(folder), ["--sheet", "Nope"],
                      "no sheet named 'Nope'"),
}


def _excel_with_sheet(folder: Path) -> Path:
    path = folder / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Income", "Spend"])
    workbook.active.append([1, 2])
    workbook.save(path)
    return path



@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_ends_with_one_error_line_and_writes_nothing(tmp_path, case):
    # Given a file or setting the report cannot use
    make_input, extra, words = BAD_INPUTS[case]
    source = tmp_path / "input"
    source.mkdir()
    path = make_input(source)
    out = tmp_path / "report"

    # When the report runs
    status, stdout, stderr = run_report([path, "--out", out, *extra])

    # Then it exits 2 with one line starting "error:" and leaves no report files
    assert status == 2
    assert_one_error_line(stderr, words)
    assert stdout == ""
    assert not out.exists() or list(out.iterdir()) == []


def test_bad_input_leaves_an_existing_empty_folder_empty(tmp_path):
    # Given an existing, empty output folder and a file with no such column
    out = tmp_path / "report"
    out.mkdir()
    path = _small_customers(tmp_path)

    # When the report fails
    status, _, stderr = run_report([path, "--out", out, "--features", "Nope"])

    # Then the folder is still there and still empty
    assert status == 2
    assert_one_error_line(stderr, "no column named 'Nope'")
    assert out.is_dir() and list(out.iterdir()) == []


def test_out_that_is_a_file_is_refused_and_left_alone(tmp_path):
    # Given --out naming an existing file
    path = _small_customers(tmp_path)
    out = _write(tmp_path / "report.txt", "keep me")

    # When the report runs, then it refuses and the file is untouched
    status, _, stderr = run_report([path, "--out", out])
    assert status == 2
    assert_one_error_line(stderr, "is a file, not a folder")
    assert out.read_text(encoding="utf-8") == "keep me"


def test_file_without_numbers_is_explained_as_a_problem_of_the_file(tmp_path):
    # Given a file with only an ID and free text, and no --features
    path = _id_and_text(tmp_path)

    # When the report runs
    status, _, stderr = run_report([path, "--out", tmp_path / "report"])

    # Then the message says the file has no columns of numbers (the user chose nothing, and
    # there is nothing to tick on the command line)
    assert status == 2
    assert "file" in stderr.lower() and "numbers" in stderr
    assert "Tick" not in stderr


# --- as a separate program ----------------------------------------------------------------------

def run_module(*args: str) -> subprocess.CompletedProcess:
    """`python -m custseg_gui ...` from the checkout, as a user would run it."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + ([environment["PYTHONPATH"]] if environment.get("PYTHONPATH") else []))
    return subprocess.run([sys.executable, "-m", "custseg_gui", *args], cwd=REPO_ROOT,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_program_refuses_a_missing_file_with_status_2(tmp_path):
    # When `python -m custseg_gui report` is given a file that does not exist
    out = tmp_path / "report"
    done = run_module("report", str(tmp_path / "nowhere.csv"), "--out", str(out))

    # Then it exits 2 with a single error line and no traceback, and writes nothing
    assert done.returncode == 2
    assert_one_error_line(done.stderr, "nowhere.csv could not be found")
    assert not out.exists()


def test_program_writes_a_report_for_the_sample(sample_csv, tmp_path):
    # When `python -m custseg_gui report` runs on the sample customers
    out = tmp_path / "report"
    done = run_module("report", str(sample_csv), "--out", str(out), "--k-max", "6")

    # Then it exits 0, says what it wrote, and both files are there
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "5 segments of 300 customers" in done.stdout
    assert (out / "segments.csv").is_file() and (out / "summary.json").is_file()


# --- the log file ------------------------------------------------------------------------------

def test_failure_is_logged_in_the_data_folder(tmp_path):
    # Given the tests' data folder (CUSTSEG_DATA_DIR, set in conftest.py)
    log_path = Path(os.environ["CUSTSEG_DATA_DIR"]) / "logs" / "custseg.log"

    # When a report fails on a file that does not exist
    status, _, _ = run_report([tmp_path / "lost-customers.csv", "--out", tmp_path / "report"])

    # Then the failure is recorded in the log file there
    assert status == 2
    assert "report failed: The file lost-customers.csv could not be found" in log_path.read_text(
        encoding="utf-8")


def test_unexpected_crash_points_to_the_log_and_keeps_the_traceback_there(tmp_path, monkeypatch,
                                                                         sample_csv):
    # Given a bug deep in the analysis (simulated)
    def broken_analysis(*args, **kwargs):
        raise RuntimeError("simulated bug 7f3a")

    monkeypatch.setattr("custseg_gui.core.pipeline.run", broken_analysis)
    log_path = Path(os.environ["CUSTSEG_DATA_DIR"]) / "logs" / "custseg.log"

    # When the report runs
    status, _, stderr = run_report([sample_csv, "--out", tmp_path / "report"])

    # Then it exits 1 with one line naming the log file, and the traceback is in the log
    assert status == 1
    assert_one_error_line(stderr, f"Details are in the log file {log_path}")
    log_text = log_path.read_text(encoding="utf-8")
    assert "Traceback" in log_text and "RuntimeError: simulated bug 7f3a" in log_text
    assert not (tmp_path / "report").exists()
