"""The report command imports only what the chosen files need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, sys
from custseg_gui.cli import report
status = report([sys.argv[1], "--out", sys.argv[2], "--formats", sys.argv[3], "--k-max", "4"])
print(json.dumps({"status": status, "modules": sorted(
    name for name in sys.modules if name.split(".")[0] in ("PySide6", "matplotlib"))}))
"""


def modules_after_report(sample_csv: Path, out: Path, formats: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(sample_csv), str(out), formats],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("formats", ["json", "csv,json", "csv,xlsx,json"])
def test_a_report_without_charts_imports_neither_qt_nor_matplotlib(sample_csv, tmp_path,
                                                                   formats):
    done = modules_after_report(sample_csv, tmp_path / "report", formats)
    assert done == {"status": 0, "modules": []}


def test_a_report_with_charts_imports_matplotlib_but_not_qt(sample_csv, tmp_path):
    done = modules_after_report(sample_csv, tmp_path / "report", "png")
    assert done["status"] == 0
    assert "matplotlib.figure" in done["modules"]
    assert not [name for name in done["modules"] if name.startswith("PySide6")]
    assert "matplotlib.backends.backend_pdf" not in done["modules"]  # PNG only: no PDF
