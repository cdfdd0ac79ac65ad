"""The score command: next month's customers get this month's segments, with who moved, and
every bad input is one clear line."""

from __future__ import annotations

import csv
import io
import json
import contextlib
from pathlib import Path

import pandas as pd
import pytest
from made_data import four_groups, write_csv
from report_helpers import assert_one_error_line, run_report

from custseg_gui.cli import score


def run_score(args: list) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = score([str(arg) for arg in args])
    return status, stdout.getvalue(), stderr.getvalue()


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The four made-up groups' report: segments.csv and segmentation.custseg."""
    folder = tmp_path_factory.mktemp("score")
    data = write_csv(four_groups(), folder)
    status, _, stderr = run_report([data, "--out", folder / "report", "--formats",
                                    "csv,model", "--k-max", "5"])
    assert status == 0, stderr
    return folder, data


def test_scoring_the_training_file_gives_every_customer_the_same_segment(report):
    folder, data = report
    out = folder / "again"
    status, stdout, stderr = run_score([folder / "report" / "segmentation.custseg", data,
                                        "--out", out, "--previous",
                                        folder / "report" / "segments.csv", "--id",
                                        "CustomerID"])
    assert status == 0, stderr
    assert stdout.startswith(f"Wrote 2 files to {out}: 118 of 118 customers placed in 4 "
                             "segments.")
    scored, segments = rows_of(out / "scored.csv"), rows_of(folder / "report" / "segments.csv")
    assert [row["Segment"] for row in scored] == [row["Segment"] for row in segments]
    assert [row["Segment name"] for row in scored] == [row["Segment name"] for row in segments]
    assert all(row["Previous segment"] == row["Segment name"] for row in scored)
    assert list(scored[0])[:4] == list(segments[0])[:4]  # the file's own columns first
    assert list(scored[0])[4:] == ["Segment", "Segment name", "Second closest segment", "Fit",
                                   "Previous segment", "Left out because"]
    summary = json.loads((out / "scoring.json").read_text(encoding="utf-8"))
    assert (summary["rows"], summary["rows_scored"], summary["rows_left_out"]) == (118, 118, {})
    assert summary["migration"]["moved"] == 0 and summary["migration"]["stayed"] == 118
    assert (summary["migration"]["new"], summary["migration"]["gone"]) == (0, 0)
    assert [segment["size"] for segment in summary["segments"]] == [46, 34, 24, 14]
    assert not any(item["drifted"] for item in summary["drift"].values())


def test_a_changed_file_says_who_moved_and_what_drifted(report, tmp_path):
    folder, data = report
    frame = pd.read_csv(data, dtype=str)
    frame = frame.iloc[4:].copy()  # four customers gone
    frame["Income (k$)"] = (frame["Income (k$)"].astype(float) * 1.6).round(1).astype(str)
    frame.loc[len(frame) + 10] = ["9999", "30", "50", "50"]  # one new
    changed = tmp_path / "changed.csv"
    frame.to_csv(changed, index=False)
    out = tmp_path / "out"
    status, _, stderr = run_score([folder / "report" / "segmentation.custseg", changed, "--out",
                                   out, "--previous", folder / "report" / "segments.csv",
                                   "--id", "CustomerID"])
    assert status == 0, stderr
    summary = json.loads((out / "scoring.json").read_text(encoding="utf-8"))
    scored = rows_of(out / "scored.csv")
    moved = sum(row["Previous segment"] not in ("", row["Segment name"]) for row in scored)
    assert summary["migration"]["moved"] == moved > 0
    assert (summary["migration"]["new"], summary["migration"]["gone"]) == (1, 4)
    assert sum(flow["customers"] for flow in summary["migration"]["from_to"]) == 114
    assert summary["drift"]["Income (k$)"]["drifted"]


@pytest.mark.parametrize("problem, words", [
    ("truncated", "it cannot be read as JSON"),
    ("newer", "saved by a newer version of CustSeg"),
    ("no column", "The new file has no column 'Spending Score', which the segmentation needs"),
    ("previous without id column", "The previous segment file has no column 'Code'"),
    ("duplicate ids", "lists some customers more than once in 'CustomerID'"),
    ("previous without --id", "--previous needs --id"),
])
def test_bad_input_is_one_error_line_and_writes_nothing(report, tmp_path, problem, words):
    folder, data = report
    segmentation = folder / "report" / "segmentation.custseg"
    new, extra = data, []
    if problem == "truncated":
        segmentation = tmp_path / "cut.custseg"
        segmentation.write_text((folder / "report" / "segmentation.custseg").read_text(
            encoding="utf-8")[:300], encoding="utf-8")
    elif problem == "newer":
        content = json.loads((folder / "report" / "segmentation.custseg").read_text(
            encoding="utf-8"))
        content["version"] = 7
        segmentation = tmp_path / "newer.custseg"
        segmentation.write_text(json.dumps(content), encoding="utf-8")
    elif problem == "no column":
        new = tmp_path / "less.csv"
        pd.read_csv(data, dtype=str).drop(columns=["Spending Score"]).to_csv(new, index=False)
    elif problem == "previous without id column":
        extra = ["--previous", folder / "report" / "segments.csv", "--id", "Code"]
        new = tmp_path / "coded.csv"
        pd.read_csv(data, dtype=str).assign(Code="x").to_csv(new, index=False)
    elif problem == "duplicate ids":
        new = tmp_path / "twice.csv"
        frame = pd.read_csv(data, dtype=str)
        pd.concat([frame, frame.iloc[:3]]).to_csv(new, index=False)
        extra = ["--previous", folder / "report" / "segments.csv", "--id", "CustomerID"]
    elif problem == "previous without --id":
        extra = ["--previous", folder / "report" / "segments.csv"]
    out = tmp_path / "out"
    status, _, stderr = run_score([segmentation, new, "--out", out, *extra])
    assert status == 2
    assert_one_error_line(stderr, words)
    assert not out.exists()


def test_an_order_log_segmentation_scores_next_months_lines_per_customer(tmp_path):
    from order_logs import many_customers_log, write_log

    # Given a report of an order log (its segments.csv: one row per order line)
    text = many_customers_log(70, seed=3)
    header, *lines = text.strip().split("\n")
    early = write_log(tmp_path, "\n".join([header, *[line for line in lines
                                                      if line.split(",")[2] < "2024-10"]]) + "\n",
                      "until_september.csv")
    status, _, stderr = run_report([early, "--orders", "--out", tmp_path / "report",
                                    "--formats", "csv,customers,model,sql"])
    assert status == 0, stderr
    # When the whole year's lines are scored, counted to a chosen day, against those segments
    # (no --id: the log's customer column matches the customers)
    whole = write_log(tmp_path, text, "whole_year.csv")
    out = tmp_path / "scored"
    status, stdout, stderr = run_score([tmp_path / "report" / "segmentation.custseg", whole,
                                        "--out", out, "--as-of", "2025-01-01", "--previous",
                                        tmp_path / "report" / "segments.csv"])
    # Then scored.csv has one row per customer with their figures, and scoring.json says how
    # the lines were read and who moved
    assert status == 0, stderr
    scored = rows_of(out / "scored.csv")
    summary = json.loads((out / "scoring.json").read_text(encoding="utf-8"))
    customers = {line.split(",")[1] for line in lines}
    assert sorted(row["Customer"] for row in scored) == sorted(customers)
    assert {"Recency (days)", "Frequency (orders)", "Segment", "Previous segment"} <= set(
        scored[0])
    assert summary["orders"]["as_of"] == "2025-01-01" and summary["orders"]["as_of_chosen"]
    assert summary["rows"] == len(customers)
    flows = summary["migration"]
    before = {row["Customer"] for row in rows_of(tmp_path / "report" / "customers.csv")}
    assert flows["new"] == len(customers - before)
    assert flows["moved"] + flows["stayed"] == len(customers & before)
    assert "orders" in (tmp_path / "report" / "segments.sql").read_text(encoding="utf-8")


def test_a_day_that_is_not_a_day_is_one_error_line(report, tmp_path):
    folder, data = report
    status, stdout, stderr = run_score([folder / "report" / "segmentation.custseg", data,
                                        "--out", tmp_path / "x", "--as-of", "next month"])
    assert status == 2 and stdout == ""
    assert_one_error_line(stderr, "--as-of", "YYYY-MM-DD")
    assert not (tmp_path / "x").exists()


def test_scored_csv_has_a_byte_order_mark_unless_plain_utf8_is_asked(report, tmp_path):
    # Given the segmentation and the same customers
    folder, data = report
    model = folder / "report" / "segmentation.custseg"
    # When scored by default, and again with --csv-encoding utf-8
    assert run_score([model, data, "--out", tmp_path / "excel"])[0] == 0
    assert run_score([model, data, "--out", tmp_path / "plain", "--csv-encoding",
                      "utf-8"])[0] == 0
    # Then the first starts with the byte order mark Excel reads, the second does not
    excel = (tmp_path / "excel" / "scored.csv").read_bytes()
    plain = (tmp_path / "plain" / "scored.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbfCustomerID,") and plain.startswith(b"CustomerID,")
    assert excel[3:] == plain
