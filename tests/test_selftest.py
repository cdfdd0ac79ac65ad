"""`--self-test`: the sample analysis end to end, as a packaged app checks itself.

The self-test builds the main window (offscreen), so it runs in its own process here: a
QApplication made inside the test process would outlive the test and leak into the GUI tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import custseg_gui.selftest as selftest

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_self_test_passes_and_says_so():
    # When `python -m custseg_gui --self-test` runs without a display
    environment = dict(os.environ)
    environment["QT_QPA_PLATFORM"] = "offscreen"
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + ([environment["PYTHONPATH"]] if environment.get("PYTHONPATH") else []))
    done = subprocess.run([sys.executable, "-m", "custseg_gui", "--self-test"], cwd=REPO_ROOT,
                          env=environment, capture_output=True, text=True, timeout=180)

    # Then it exits 0 and prints one "self-test ok" line naming the sample's 5 segments
    assert done.returncode == 0, done.stdout + done.stderr
    ok_lines = [line for line in done.stdout.splitlines() if line.startswith("self-test ok")]
    assert len(ok_lines) == 1, done.stdout
    assert ok_lines[0].startswith("self-test ok: 300 sample customers, 5 segments (sizes ")
    assert "FAILED" not in done.stdout
    assert "Traceback" not in done.stderr


def test_self_test_reports_a_failure(monkeypatch, capsys):
    # Given an analysis that breaks (simulated)
    def broken_analysis(path):
        raise RuntimeError("simulated bug 51c2")

    monkeypatch.setattr(selftest, "run", broken_analysis)

    # When the self-test runs
    status = selftest.self_test()

    # Then it exits 1 and says it failed and why, instead of "ok"
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out.strip().splitlines()[-1] == "self-test FAILED: simulated bug 51c2"
    assert "self-test ok" not in captured.out
    assert "RuntimeError: simulated bug 51c2" in captured.err  # the traceback, for a bug report
