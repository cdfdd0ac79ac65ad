"""Exporting from the window, and saving and reopening analyses."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableWidget

from report_helpers import REPORT_FILES

from custseg_gui.gui import MainWindow

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"


def analyse(qtbot, wait_for_task, window, path, features=None):
    assert wait_for_task(window, "load", lambda: window.open_path(path)) == "returned"
    if features:
        window.panel.check_only(set(features))
    assert wait_for_task(window, "analysis", window.run_search) == "returned"


def click_button(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


def test_export_panel_writes_every_format_and_says_where(qtbot, wait_for_task, window,
                                                         sample_csv, tmp_path):
    # Given segments of the sample customers and an export folder
    tmp_path = tmp_path / "export"
    tmp_path.mkdir()
    analyse(qtbot, wait_for_task, window, sample_csv)
    panel = window.results.export
    panel.folder_edit.setText(str(tmp_path))
    export_button = window.findChild(QPushButton, "exportButton")
    assert export_button.isEnabled()
    # When the user presses Export
    assert wait_for_task(window, "export", lambda: qtbot.mouseClick(
        export_button, Qt.LeftButton)) == "returned"
    # Then every file is there, and the panel says where with a button to open the folder
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(REPORT_FILES)
    assert str(tmp_path) in panel.result_label.text()
    assert not panel.open_folder_button.isHidden()


@pytest.mark.shared_data
def test_exports_carry_the_users_segment_names(qtbot, wait_for_task, window, mall_csv, tmp_path):
    # Given Mall segments, one of them renamed
    tmp_path = tmp_path / "export"
    tmp_path.mkdir()
    analyse(qtbot, wait_for_task, window, mall_csv, {INCOME, SPENDING})
    window.rename_segment(2, "Big spenders")
    for fmt, check in window.results.export.checks.items():
        check.setChecked(fmt in ("csv", "json"))
    # When exported
    assert wait_for_task(window, "export", lambda: window.export_to(tmp_path)) == "returned"
    # Then the name is in the customer list and the summary
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["segments"][1]["name"] == "Big spenders"
    assert "Big spenders" in (tmp_path / "segments.csv").read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["segments.csv", "summary.json"]


def test_overwriting_an_earlier_export_asks_first(qtbot, wait_for_task, window, sample_csv,
                                                  tmp_path):
    # Given an earlier export in the folder
    analyse(qtbot, wait_for_task, window, sample_csv)
    for fmt, check in window.results.export.checks.items():
        check.setChecked(fmt == "csv")
    window.results.export.folder_edit.setText(str(tmp_path))
    (tmp_path / "segments.csv").write_text("earlier export", encoding="utf-8")
    # When the user exports again
    window.export_clicked()
    # Then the window asks before replacing it, and nothing is written yet
    box = window.question_box
    assert box is not None and "Replace" in box.text()
    assert (tmp_path / "segments.csv").read_text(encoding="utf-8") == "earlier export"
    # And once the user agrees, the file is replaced
    assert wait_for_task(window, "export", lambda: click_button(box, "Replace")) == "returned"
    assert (tmp_path / "segments.csv").read_text(encoding="utf-8").startswith("CustomerID")


def test_export_to_a_missing_folder_shows_a_message_and_the_window_stays_usable(
        qtbot, wait_for_task, window, sample_csv, tmp_path):
    # Given segments of the sample customers
    analyse(qtbot, wait_for_task, window, sample_csv)
    missing = tmp_path / "gone"
    # When the export folder does not exist
    assert wait_for_task(window, "export", lambda: window.export_to(missing)) == "errored"
    # Then a plain message says so, nothing is created, and exporting elsewhere works
    assert "does not exist" in window.message_box.text()
    assert not missing.exists()
    window.message_box.close()
    assert wait_for_task(window, "export", lambda: window.export_to(tmp_path)) == "returned"


@pytest.mark.shared_data
def test_save_and_reopen_gives_the_same_segments_and_names(qtbot, wait_for_task, window,
                                                           settings_file, mall_csv, tmp_path):
    # Given Mall segments at k = 4 with a renamed segment, saved as an analysis
    analyse(qtbot, wait_for_task, window, mall_csv, {INCOME, SPENDING})
    assert wait_for_task(window, "segment", lambda: window.panel.k_spin.setValue(4)) \
        == "returned"
    window.rename_segment(1, "Core shoppers")
    saved = tmp_path / "mall.custseg"
    window.save_analysis_to(saved)
    sizes = window.current_analysis().segmentation.sizes
    # When it is opened in a new window
    other = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.worker.finished, timeout=60_000,
                          check_params_cb=lambda name, outcome: name == "analysis"):
        other.open_analysis(saved)
    # Then the same features, k, segments and names are back
    assert other.panel.checked_features() == (INCOME, SPENDING)
    assert other.current_analysis().segmentation.k == 4 and other.current_analysis().segmentation.sizes == sizes
    assert other.document.names[1] == "Core shoppers"
    assert other.findChild(QTableWidget, "profileTable").item(0, 0).text() == "Core shoppers"
    other.worker.shutdown()


def test_reopening_after_the_data_changed_warns_first(qtbot, wait_for_task, window, sample_csv,
                                                      tmp_path):
    # Given an analysis saved on a copy of the sample data, which is then edited
    data = tmp_path / "customers.csv"
    data.write_bytes(sample_csv.read_bytes())
    analyse(qtbot, wait_for_task, window, data)
    saved = tmp_path / "customers.custseg"
    window.save_analysis_to(saved)
    lines = data.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(lines[:-5]) + "\n", encoding="utf-8")
    # When it is reopened
    assert wait_for_task(window, "load", lambda: window.open_analysis(saved)) == "returned"
    # Then the user is warned before anything is recomputed
    box = window.question_box
    assert box is not None and "changed" in box.text()
    assert not window.worker.is_busy("analysis")
    # And continuing reruns the analysis on the current data
    assert wait_for_task(window, "analysis", lambda: click_button(box, "Continue")) == "returned"
    assert sum(window.current_analysis().segmentation.sizes) == 295


def test_a_missing_data_file_is_asked_for(qtbot, wait_for_task, window, sample_csv, tmp_path):
    # Given an analysis whose data file was moved
    data = tmp_path / "customers.csv"
    data.write_bytes(sample_csv.read_bytes())
    analyse(qtbot, wait_for_task, window, data)
    saved = tmp_path / "customers.custseg"
    window.save_analysis_to(saved)
    moved = tmp_path / "moved.csv"
    data.rename(moved)
    asked = []
    window.locate_data_file = lambda missing: asked.append(missing) or str(moved)
    # When it is reopened
    assert wait_for_task(window, "analysis", lambda: window.open_analysis(saved)) == "returned"
    # Then the user was asked where the file is, and the analysis runs on it
    assert asked == [data.resolve()]
    assert window.document.table.report.file_name == "moved.csv"


def test_a_corrupted_analysis_file_gives_a_clear_message(window, tmp_path):
    # Given a damaged .custseg file
    broken = tmp_path / "broken.custseg"
    broken.write_text('{"schema": "custseg-analysis", "version": 1, "data": ', encoding="utf-8")
    # When it is opened
    window.open_analysis(broken)
    # Then a plain message says so and nothing else happens
    assert "not a CustSeg analysis, or it is damaged" in window.message_box.text()
    assert window.document.table is None and not window.worker.is_busy()
