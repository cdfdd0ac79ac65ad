"""The window shows the one settings model: a reopened analysis shows exactly what it was saved
with, an analysis of the previous version still opens, and the Open dialog offers every kind of
file the loader reads."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QFileDialog, QListWidget, QSpinBox, QTableWidget
from PySide6.QtCore import Qt
from window_helpers import find, profile_names, ticked_features

from custseg_gui.core.session import SavedAnalysis, save_analysis
from custseg_gui.core.settings import AnalysisSettings, Cap, LoadSettings
from custseg_gui.core.sources import extensions


@pytest.fixture
def semicolon_file(tmp_path):
    """90 customers in three groups, written the German way: `;` between columns, decimal
    commas, and a region code."""
    rng = np.random.default_rng(4)
    lines = ["Kunde;Income;Spend;Visits;Region"]
    for number in range(90):
        group = number % 3
        income = rng.normal((20, 50, 80)[group], 4)
        spend = rng.lognormal((2, 4, 6)[group], 0.3)
        lines.append(f"K{number:03d};{income:.2f};{spend:.2f};{rng.integers(1, 9)};"
                     f"{1 + number % 4}".replace(".", ","))
    path = tmp_path / "kunden.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SAVED_SETTINGS = AnalysisSettings(
    load=LoadSettings(delimiter=";", decimal=","),
    features=("Income", "Spend", "Visits", "Region"), missing="median", scaling="robust",
    log=("Spend",), cap=(Cap("Visits", 5.0, 95.0),), categories=("Region",),
    k_min=2, k_max=5, k=3, seed=7)


def fix_states(window) -> dict[str, bool]:
    fixes = find(window, QListWidget, "fixList")
    return {fixes.item(row).text(): fixes.item(row).checkState() == Qt.Checked
            for row in range(fixes.count())}


def test_a_reopened_analysis_shows_exactly_the_settings_it_was_saved_with(
        qtbot, wait_for_task, window, semicolon_file, tmp_path):
    # Given an analysis saved with every kind of setting: how the file is read, the missing
    # values, the scaling, a log scale, a cap at the 5th and 95th percentiles, a code treated
    # as categories, the range tried, the seed, the number of segments and a segment's name
    saved = tmp_path / "kunden.custseg"
    save_analysis(saved, SavedAnalysis(
        str(semicolon_file), hashlib.sha256(semicolon_file.read_bytes()).hexdigest(),
        SAVED_SETTINGS, names={2: "Regulars"}))
    # When it is opened
    assert wait_for_task(window, "analysis", lambda: window.open_analysis(saved)) == "returned"
    # Then every control shows what was saved
    assert ticked_features(window) == ["Income", "Spend", "Visits", "Region"]
    assert find(window, QComboBox, "missingCombo").currentData() == "median"
    assert find(window, QComboBox, "scalingCombo").currentData() == "robust"
    assert [find(window, QSpinBox, name).value() for name in
            ("kMinSpin", "kMaxSpin", "seedSpin", "kSpin")] == [2, 5, 7, 3]
    fixes = fix_states(window)
    assert fixes["Use a log scale for Spend"] is True
    assert fixes["Cap extreme values of Visits at the 5th and 95th percentiles"] is True
    assert fixes["Treat Region as categories"] is True
    assert not any(text.startswith("Cap extreme values of Visits at the 1st") for text in fixes)
    assert profile_names(window)[1] == "Regulars"
    assert find(window, QTableWidget, "profileTable").rowCount() == 3
    # and the analysis on screen ran with exactly those settings, the file read the same way
    assert window.current_analysis().settings == SAVED_SETTINGS
    assert not find(window, object, "staleLabel").isVisible()


# What CustSeg 0.1 wrote (format version 1).
def version_1_file(data_path, sha256) -> dict:
    return {"schema": "custseg-analysis", "version": 1, "app_version": "0.1.0",
            "saved_at": "2026-11-20T10:00:00+01:00",
            "data": {"path": str(data_path), "sha256": sha256,
                     "load": {"sheet": None, "encoding": None, "delimiter": ";",
                              "decimal": ",", "thousands": None, "header_row": None,
                              "day_first": None}},
            "settings": {"features": ["Income", "Spend"], "missing": "drop",
                         "scaling": "standard", "k_min": 2, "k_max": 4, "seed": 3, "k": 2,
                         "log": ["Spend"], "cap": [["Income", 2.5, 97.5]], "category": []},
            "segment_names": {"1": "Big group"}}


def test_an_analysis_saved_by_the_previous_version_still_opens(qtbot, wait_for_task, window,
                                                               semicolon_file, tmp_path):
    # Given an analysis saved by CustSeg 0.1
    saved = tmp_path / "old.custseg"
    saved.write_text(json.dumps(version_1_file(
        semicolon_file, hashlib.sha256(semicolon_file.read_bytes()).hexdigest())),
        encoding="utf-8")
    # When it is opened
    assert wait_for_task(window, "analysis", lambda: window.open_analysis(saved)) == "returned"
    # Then it runs as it was saved: its columns, its fixes with their percentiles, its k and
    # its segment name
    assert ticked_features(window) == ["Income", "Spend"]
    assert fix_states(window)["Cap extreme values of Income at the 2.5th and 97.5th "
                              "percentiles"] is True
    assert find(window, QSpinBox, "kSpin").value() == 2
    assert profile_names(window)[0] == "Big group"
    assert window.current_analysis().settings.cap == (Cap("Income", 2.5, 97.5),)


def test_the_open_dialog_offers_every_kind_of_file_the_loader_reads(window, monkeypatch):
    # Given the Open dialog, as the toolbar button shows it
    asked = {}

    def dialog(parent, caption, folder, filter_text, *args, **kwargs):
        asked["filter"] = filter_text
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    find(window, object, "openButton").click()
    # Then its first choice covers every extension the loader reads, spreadsheets included
    first = asked["filter"].split(";;")[0]
    for suffix in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", *extensions()):
        assert f"*{suffix}" in first.split("(")[1].rstrip(")").split(), suffix
    assert asked["filter"].split(";;")[-1] == "All files (*)"
