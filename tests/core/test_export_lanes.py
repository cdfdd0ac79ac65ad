"""Exports written in two processes at once (the report command): the split of the work, and
all or nothing kept when one process fails or the export is cancelled.

Each export runs in a fresh Python process, as the report command does: the test process has Qt
loaded and threads running, where exports are never forked."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from custseg_gui.core.exports import DEFAULT_FORMATS, exporter, lanes

REPO_ROOT = Path(__file__).resolve().parents[2]
ALL = ["csv", "xlsx", "pdf", "png", "json"]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="exports are forked on Linux only")


def keys(lane) -> list[str]:
    return [entry.key for entry in lane]


def test_a_small_list_puts_the_pdf_and_the_chart_images_in_different_processes():
    here, there = lanes.plan([exporter(key) for key in ALL], cells=200 * 8)
    assert (keys(here), keys(there)) == (["pdf"], ["csv", "xlsx", "png", "json"])


def test_every_default_format_of_a_small_list_pairs_the_charts_evenly():
    # The slides and the web page (4.1 s) beside the PDF and the images (4.8 s), not the PDF
    # and the slides (5.2 s) beside the rest.
    here, there = lanes.plan([exporter(key) for key in DEFAULT_FORMATS], cells=200 * 8)
    assert (keys(here), keys(there)) == (
        ["pdf", "png"], ["csv", "customers", "xlsx", "pptx", "html", "json", "model", "sql"])


def test_a_million_customers_put_the_lists_beside_the_charts():
    here, there = lanes.plan([exporter(key) for key in ALL], cells=1_000_000 * 10)
    assert (keys(here), keys(there)) == (["csv", "xlsx"], ["pdf", "png", "json"])


def test_one_format_is_written_here_alone():
    here, there = lanes.plan([exporter("csv")], cells=10)
    assert (keys(here), keys(there)) == (["csv"], [])


SCRIPT = """
import json, sys
from pathlib import Path
from custseg_gui.core.errors import Cancelled
from custseg_gui.core.exports import ExportContext, export_files, lanes
from custseg_gui.core.pipeline import run
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import AnalysisSettings
import custseg_gui.core.exports.images as images

analysis = run(sys.argv[1], AnalysisSettings(k=3, k_min=3, k_max=3))
folder, mode = Path(sys.argv[2]), sys.argv[3]
if mode == "chart bug":
    def broken(chart, context):
        raise ValueError("simulated bug in a chart")
    images.draw = broken
progress = Progress()
if mode == "cancel":
    progress = Progress(is_cancelled=lambda: True)
try:
    written = export_files(ExportContext(analysis, {1: "Renamed"}), folder,
                           ["csv", "xlsx", "pdf", "png", "json"], progress, parallel=True)
    outcome = [path.name for path in written]
except Cancelled:
    outcome = "cancelled"
except Exception as error:
    outcome = f"{type(error).__name__}: {error}"
print(json.dumps({"forked": lanes.can_fork(), "outcome": outcome}))
"""


def export_in_a_new_process(sample_csv: Path, folder: Path, mode: str) -> SimpleNamespace:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(SCRIPT), str(sample_csv),
                           str(folder), mode], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return SimpleNamespace(**json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture
def earlier(sample_csv, tmp_path):
    """A folder with an earlier report in it, and what it holds."""
    folder = tmp_path / "report"
    folder.mkdir()
    first = export_in_a_new_process(sample_csv, folder, "plain")
    assert first.forked
    return folder, {path.name: path.read_bytes() for path in folder.iterdir()}


def test_both_processes_files_are_put_in_place_in_registry_order(earlier):
    folder, files = earlier
    assert sorted(files) == sorted(["segments.csv", "segments.xlsx", "report.pdf",
                                    "summary.json", "elbow.png", "silhouette.png",
                                    "segments.png", "segment_sizes.png", "segment_profiles.png",
                                    "feature_importance.png", "segment_distributions.png"])


@pytest.mark.parametrize("mode, outcome", [
    ("chart bug", "RuntimeError: Writing png failed: simulated bug in a chart"),
    ("cancel", "cancelled")])
def test_a_failure_or_cancel_in_either_process_leaves_the_folder_as_it_was(
        sample_csv, earlier, mode, outcome):
    # Given a folder with an earlier report
    folder, before = earlier
    # When a new export fails in the forked process (a chart bug) or is cancelled
    done = export_in_a_new_process(sample_csv, folder, mode)
    # Then the error is told, and every earlier file is as it was, with nothing added
    assert done.outcome.startswith(outcome)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
