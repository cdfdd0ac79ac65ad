"""The built app (dist/CustSeg from `python build_spec/build.py`): its files, size and
frozen self-test. Skipped when no build is present, unless CUSTSEG_REQUIRE_BUNDLE=1 (CI builds
first and sets it, so a missing bundle fails there)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from custseg_gui import APP_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / APP_NAME
# 300 MB until the slides: python-pptx brings lxml (its etree alone is 5 MB) and its templates,
# about 10 MB with what else the exports gained (XlsxWriter, charset-normalizer).
MAX_BYTES = 315_000_000


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not (BUNDLE / APP_NAME).is_file():
        if os.environ.get("CUSTSEG_REQUIRE_BUNDLE") == "1":
            pytest.fail(f"no built app at {BUNDLE}: run python build_spec/build.py")
        pytest.skip("no built app in dist/ (python build_spec/build.py makes one)")
    return BUNDLE


def _internal(bundle: Path) -> Path:
    return bundle / "_internal"


def test_bundle_carries_the_icon_sample_data_and_licences(bundle):
    # Given the built app folder
    data = _internal(bundle)
    # Then the spec's data files are inside it
    assert (data / "resources" / "sample_customers.csv").is_file()
    assert (data / "resources" / "icon.png").is_file()
    licences = data / "licenses"
    assert (licences / "README.txt").is_file()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (licences / "Qt-LGPL-3.0.txt").read_text()
    shipped = {path.name.rsplit("-", 1)[0].lower().replace("_", "-")
               for path in licences.glob("*-*.txt")}
    assert {"pandas", "numpy", "scikit-learn", "matplotlib", "pyside6-essentials",
            "openpyxl"} <= shipped


def test_bundle_leaves_out_what_the_app_does_not_use(bundle):
    # Given the built app folder
    data = _internal(bundle)
    # Then Qt translations, tkinter and package test suites are not in it
    assert not (data / "PySide6" / "Qt" / "translations").exists()
    assert not list(data.rglob("_tkinter*"))
    assert not (data / "pandas" / "tests").exists()


def test_bundle_is_at_most_300_mb_and_zipped_with_version_and_platform(bundle):
    # Given the built app folder, symbolic links counted once
    size = sum(path.lstat().st_size for path in bundle.rglob("*")
               if path.is_symlink() or path.is_file())
    # Then it stays within the size budget, and its zip is named for version and platform
    assert size <= MAX_BYTES, f"{size / 1e6:.0f} MB"
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    archive = DIST / f"{APP_NAME}-{__version__}-{system}-{platform.machine().lower()}.zip"
    assert archive.is_file() and archive.stat().st_size > 10_000_000


def test_frozen_report_command_runs_without_python(bundle, tmp_path):
    # Given the frozen executable and the sample data
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    sample = ROOT / "resources" / "sample_customers.csv"
    # When it runs the report command
    result = subprocess.run([str(bundle / APP_NAME), "report", str(sample), "--out",
                             str(tmp_path / "out"), "--formats", "csv,json"],
                            capture_output=True, text=True, timeout=300, env=env)
    # Then it writes the report like the installed app
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "segments.csv", "summary.json"]
