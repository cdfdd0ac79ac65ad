"""Helpers shared by the report command's tests (tests/test_cli*.py)."""

from __future__ import annotations

import contextlib
import io

from custseg_gui.cli import report

# The files a user finds after a report with the default formats.
CHART_IMAGES = ["elbow.png", "silhouette.png", "segments.png", "segment_sizes.png",
                "segment_profiles.png", "feature_importance.png", "segment_distributions.png"]
REPORT_FILES = ["segments.csv", "segments.xlsx", "report.pdf", "report.pptx", "report.html",
                *CHART_IMAGES, "summary.json", "segmentation.custseg", "segments.sql"]


def run_report(args: list) -> tuple[int, str, str]:
    """Run `report` in this process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = report([str(arg) for arg in args])
    return status, stdout.getvalue(), stderr.getvalue()


def assert_one_error_line(stderr: str, *words: str) -> None:
    """The report failed the way a user should see it: one `error:` line naming `words`."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in stderr
