"""The report command on awkward real-world files (issue 19): what lands in segments.csv and
summary.json, and the one `error:` line when something cannot be done."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from report_helpers import assert_one_error_line, run_report

TWO_SEGMENTS = ["--k", "2", "--k-min", "2", "--k-max", "2"]


def customers_file(path: Path, rows: int = 40) -> Path:
    rng = np.random.default_rng(7)
    lines = ["CustomerID,Income,Spend"] + [
        f"C{row:03d},{rng.normal(50, 10):.1f},{rng.normal(30, 8):.1f}" for row in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def written_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "segments.csv", newline="", encoding="utf-8") as handle:
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
