"""Exporting from the window, and saving and reopening analyses."""

from __future__ import annotations

import csv
import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (QAbstractButton, QCheckBox, QComboBox, QFileDialog, QLineEdit,
                               QSpinBox, QTableWidget, QWidget)

from report_helpers import REPORT_FILES
from custseg_gui.core.exports import FORMATS
from custseg_gui.gui import MainWindow
from window_helpers import (GROUP_CENTRES, GROUP_SIZES, choose_k, click_button, find,
                            find_segments, open_file, profile_names, profile_sizes, show_tab,
                            text_of, tick_only, ticked_features, try_k_from, write_groups)

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"


def analyse(qtbot, wait_for_task, window, path, features=None):
    open_file(wait_for_task, window, path)
    if features:
        tick_only(window, set(features))
    try_k_from(window, 2, 4)
    find_segments(qtbot, wait_for_task, window)


def export_only(window, formats) -> None:
    """Tick only these kinds of file on the Export tab."""
    for fmt in FORMATS:
        find(window, QCheckBox, f"{fmt}Check").setChecked(fmt in formats)


def rename(window, row: int, name: str) -> None:
    """Type a new name into a segment's row of the profile table."""
    find(window, QTableWidget, "profileTable").item(row, 0).setText(name)


def test_export_panel_writes_every_format_and_says_where(qtbot, wait_for_task, window,
                                                         customers_csv, tmp_path):
    # Given segments of made-up customers and an export folder
    folder = tmp_path / "export"
    folder.mkdir()
    analyse(qtbot, wait_for_task, window, customers_csv)
    show_tab(window, "Export")
    find(window, QLineEdit, "exportFolderEdit").setText(str(folder))
    export_button = find(window, QAbstractButton, "exportButton")
    assert export_button.isEnabled()
    # When the user presses Export
    assert wait_for_task(window, "export", lambda: qtbot.mouseClick(
        export_button, Qt.LeftButton)) == "returned"
    # Then every file is there, and the panel says where, with a button to open the folder
    written = REPORT_FILES
    assert sorted(path.name for path in folder.iterdir()) == sorted(written)
    result = text_of(window, "exportResultLabel")
    assert result.startswith(f"Exported {len(written)} files to {folder}: segments.csv, ")
    assert find(window, QAbstractButton, "openFolderButton").isVisible()


def test_exports_carry_the_users_segment_names(qtbot, wait_for_task, window, customers_csv,
                                               tmp_path):
    # Given segments of made-up customers, the second (IDs 31-50) renamed
    folder = tmp_path / "export"
    folder.mkdir()
    analyse(qtbot, wait_for_task, window, customers_csv)
    rename(window, 1, "Big spenders")
    export_only(window, ("csv", "json"))
    # When exported
    assert wait_for_task(window, "export", lambda: window.export_to(folder)) == "returned"
    # Then only the chosen files are written, and both carry the name
    assert sorted(path.name for path in folder.iterdir()) == ["segments.csv", "summary.json"]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["segments"][1]["name"] == "Big spenders"
    with open(folder / "segments.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    named = [int(row["CustomerID"]) for row in rows if "Big spenders" in row.values()]
    assert named == list(range(31, 51))


def test_overwriting_an_earlier_export_asks_first(qtbot, wait_for_task, window, customers_csv,
                                                  tmp_path):
    # Given an earlier export in the folder
    folder = tmp_path / "export"
    folder.mkdir()
    analyse(qtbot, wait_for_task, window, customers_csv)
    export_only(window, ("csv",))
    find(window, QLineEdit, "exportFolderEdit").setText(str(folder))
    (folder / "segments.csv").write_text("earlier export", encoding="utf-8")
    # When the user exports again
    qtbot.mouseClick(find(window, QAbstractButton, "exportButton"), Qt.LeftButton)
    # Then the window asks before replacing it, and nothing is written yet
    box = window.question_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Replace earlier export?"
    assert box.text() == (f"{folder} already holds segments.csv. Replace them with this "
                          "export, or keep them and write this export into a new folder beside "
                          "it (export (2))?")
    assert (folder / "segments.csv").read_text(encoding="utf-8") == "earlier export"
    # And once the user agrees, the file is replaced
    assert wait_for_task(window, "export", lambda: click_button(box, "Replace")) == "returned"
    assert (folder / "segments.csv").read_text(encoding="utf-8-sig").startswith("CustomerID")


def test_export_to_a_missing_folder_shows_a_message_and_the_window_stays_usable(
        qtbot, wait_for_task, window, customers_csv, tmp_path):
    # Given segments of made-up customers
    analyse(qtbot, wait_for_task, window, customers_csv)
    export_only(window, ("csv",))
    missing = tmp_path / "gone"
    # When the export folder does not exist
    assert wait_for_task(window, "export", lambda: window.export_to(missing)) == "errored"
    # Then a plain message says so, nothing is created, and exporting elsewhere works
    box = window.message_box
    assert box.windowTitle() == "Export failed"
    assert box.text() == (f"The folder {missing} does not exist. Choose an existing folder to "
                          "export to.")
    assert not missing.exists()
    box.close()
    assert wait_for_task(window, "export", lambda: window.export_to(tmp_path)) == "returned"
    assert (tmp_path / "segments.csv").is_file()


def test_save_and_reopen_gives_the_same_segments_and_names(qtbot, wait_for_task, window,
                                                           settings_file, customers_csv,
                                                           tmp_path):
    # Given segments on two of three columns at k = 2, one renamed, saved as an analysis
    analyse(qtbot, wait_for_task, window, customers_csv, {"Income", "Spend"})
    choose_k(wait_for_task, window, 2)
    rename(window, 0, "Core shoppers")
    sizes = profile_sizes(window)
    saved = tmp_path / "customers.custseg"
    window.save_analysis_to(saved)
    # When it is opened in a new window
    other = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(other)
    try:
        assert wait_for_task(other, "analysis", lambda: other.open_analysis(saved)) \
            == "returned"
        # Then the same columns, k range, k, segments and names are back
        assert ticked_features(other) == ["Income", "Spend"]
        assert (find(other, QSpinBox, "kMinSpin").value(),
                find(other, QSpinBox, "kMaxSpin").value()) == (2, 4)
        assert find(other, QSpinBox, "kSpin").value() == 2
        assert profile_sizes(other) == sizes
        assert profile_names(other)[0] == "Core shoppers"
    finally:
        other.worker.shutdown(timeout=10)


def test_reopening_after_the_data_changed_warns_first(qtbot, wait_for_task, window, tmp_path):
    # Given an analysis saved on a made-up file, whose last five customers are then removed
    data = write_groups(tmp_path / "customers.csv", GROUP_CENTRES, GROUP_SIZES)
    analyse(qtbot, wait_for_task, window, data)
    saved = tmp_path / "customers.custseg"
    window.save_analysis_to(saved)
    lines = data.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(lines[:-5]) + "\n", encoding="utf-8")
    started = []
    window.worker.started.connect(started.append)
    # When it is reopened
    assert wait_for_task(window, "load", lambda: window.open_analysis(saved)) == "returned"
    # Then the user is warned before anything is recomputed
    box = window.question_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "The data has changed"
    assert box.text() == ("customers.csv has changed since this analysis was saved, so the "
                          "segments may differ from before. Continue with the current data?")
    assert started == ["load"]
    assert find(window, QTableWidget, "profileTable").rowCount() == 0
    # And continuing reruns the analysis on the current data
    assert wait_for_task(window, "analysis", lambda: click_button(box, "Continue")) == "returned"
    assert sum(profile_sizes(window)) == 55


def test_a_missing_data_file_is_asked_for(qtbot, wait_for_task, window, customers_csv,
                                          tmp_path, monkeypatch):
    # Given an analysis whose data file was moved
    analyse(qtbot, wait_for_task, window, customers_csv)
    saved = tmp_path / "customers.custseg"
    window.save_analysis_to(saved)
    moved = tmp_path / "moved.csv"
    customers_csv.rename(moved)
    asked = []

    def choose_file(parent, caption, folder="", filters=""):
        asked.append(caption)
        return str(moved), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose_file)
    # When it is reopened
    assert wait_for_task(window, "analysis", lambda: window.open_analysis(saved)) == "returned"
    # Then a message says the file is gone, the user is asked where it is, and the analysis
    # runs on the file the user showed
    box = window.message_box
    assert box.windowTitle() == "Data file not found"
    assert box.text() == (f"The data file of this analysis, customers.csv, is no longer at "
                          f"{customers_csv.resolve().parent}. Please show CustSeg where it is "
                          "now.")
    assert asked == ["Where is customers.csv?"]
    assert "moved.csv" in text_of(window, "fileLabel")
    assert profile_sizes(window) == GROUP_SIZES


def test_a_corrupted_analysis_file_gives_a_clear_message(qtbot, window, tmp_path):
    # Given a damaged .custseg file
    broken = tmp_path / "broken.custseg"
    broken.write_text('{"schema": "custseg-analysis", "version": 1, "data": ', encoding="utf-8")
    # When it is opened
    with qtbot.assertNotEmitted(window.worker.started):
        window.open_analysis(broken)
    # Then a plain message says so and nothing else happens
    box = window.message_box
    assert box.windowTitle() == "Could not open the analysis"
    assert box.text() == ("broken.custseg is not a CustSeg analysis, or it is damaged (it is "
                          "not valid JSON). Open a .custseg file saved by CustSeg.")
    assert text_of(window, "fileLabel") == "No file open"
    assert find(window, QWidget, "startPage").isVisible()


@pytest.mark.shared_data
def test_mall_exports_carry_the_users_segment_names(qtbot, wait_for_task, window, mall_csv,
                                                    tmp_path):
    # Given the Mall segments on income and spending, the second renamed
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    find_segments(qtbot, wait_for_task, window)
    rename(window, 1, "Big spenders")
    export_only(window, ("csv", "json"))
    # When exported
    assert wait_for_task(window, "export", lambda: window.export_to(tmp_path)) == "returned"
    # Then the summary has the five segments with their sizes and the user's name
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert [segment["size"] for segment in summary["segments"]] == [81, 39, 35, 23, 22]
    assert summary["segments"][1]["name"] == "Big spenders"
    with open(tmp_path / "segments.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 200
    assert sum("Big spenders" in row.values() for row in rows) == 39


def test_export_shows_a_full_bar_for_each_file_written(qtbot, wait_for_task, window,
                                                       customers_csv, tmp_path):
    # Given segments and the customer list and summary ticked
    analyse(qtbot, wait_for_task, window, customers_csv)
    show_tab(window, "Export")
    export_only(window, ("csv", "json"))
    # When exported
    assert wait_for_task(window, "export", lambda: window.export_to(tmp_path)) == "returned"
    # Then the two files' bars are shown full, and no other
    from PySide6.QtWidgets import QProgressBar
    bars = {fmt: find(window, QProgressBar, f"{fmt}ProgressBar") for fmt in
            ("csv", "xlsx", "pdf", "png", "json")}
    assert {fmt for fmt, bar in bars.items() if bar.isVisible()} == {"csv", "json"}
    assert bars["csv"].value() == bars["json"].value() == 1000
    assert not find(window, QAbstractButton, "exportCancelButton").isEnabled()


def test_cancelling_an_export_leaves_the_folder_as_it_was(qtbot, wait_for_task, window,
                                                          customers_csv, tmp_path,
                                                          monkeypatch):
    # Given an earlier export in the folder, and a workbook that is slow to write
    import threading

    import custseg_gui.core.exports.workbook as workbook_module

    folder = tmp_path / "export"
    folder.mkdir()
    analyse(qtbot, wait_for_task, window, customers_csv)
    show_tab(window, "Export")
    export_only(window, ("csv", "xlsx", "json"))
    assert wait_for_task(window, "export", lambda: window.export_to(folder)) == "returned"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    started, release = threading.Event(), threading.Event()
    write = workbook_module.write_workbook

    def slow(handle, *args, progress, **kwargs):
        handle.write(b"half a workbook")
        started.set()
        release.wait(10)
        progress.check()  # the export notices the cancel here
        return write(handle, *args, progress=progress, **kwargs)

    monkeypatch.setattr(workbook_module, "write_workbook",
                        lambda handle, *args, **kwargs: slow(handle, *args, **kwargs))
    monkeypatch.setattr(workbook_module, "write", lambda staging, folder, context, progress:
                        staging.write(folder / "segments.xlsx", lambda handle: slow(
                            handle, context.result, context.customers, context.segment_names,
                            progress=progress)))
    # When the user exports again and presses Cancel while the workbook is half written
    window.export_to(folder)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    cancel = find(window, QAbstractButton, "exportCancelButton")
    assert cancel.isEnabled()
    with qtbot.waitSignal(window.worker.finished, timeout=10_000,
                          check_params_cb=lambda name, outcome: name == "export"):
        qtbot.mouseClick(cancel, Qt.LeftButton)
    release.set()
    # Then the panel says so, and (once the export has stopped) every earlier file is as it
    # was, with no half-written or temporary file left
    assert text_of(window, "exportResultLabel") == ("Export cancelled: no file was written or "
                                                    "changed.")
    qtbot.waitUntil(lambda: not any(thread.name.startswith("custseg-export") and
                                    thread.is_alive() for thread in threading.enumerate()),
                    timeout=10_000)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert find(window, QAbstractButton, "exportButton").isEnabled()


def test_export_panel_offers_slides_a_web_page_and_lists_per_segment(qtbot, wait_for_task,
                                                                      window, customers_csv,
                                                                      tmp_path):
    # Given segments of made-up customers, on the Export tab
    folder = tmp_path / "export"
    folder.mkdir()
    analyse(qtbot, wait_for_task, window, customers_csv)
    show_tab(window, "Export")
    # Then slides and the web page are ticked by default, the lists only when wanted
    pptx, html, lists = (find(window, QCheckBox, name)
                         for name in ("pptxCheck", "htmlCheck", "listsCheck"))
    assert pptx.isChecked() and html.isChecked() and not lists.isChecked()
    assert all(check.isVisible() and check.toolTip() for check in (pptx, html, lists))
    combo = find(window, QComboBox, "csvEncodingCombo")
    assert combo.currentData() == "utf-8-sig"
    # When the user ticks only these three, for plain UTF-8, and exports
    export_only(window, ("pptx", "html", "lists"))
    combo.setCurrentIndex(combo.findData("utf-8"))
    assert wait_for_task(window, "export", lambda: window.export_to(folder)) == "returned"
    # Then the deck, the page and a list per segment are written, without a byte order mark
    assert sorted(path.name for path in folder.iterdir()) == ["report.html", "report.pptx",
                                                              "segments"]
    names = profile_names(window)
    lists_written = sorted(path.name for path in (folder / "segments").iterdir())
    assert lists_written == [f"{number:02d} - {name}.csv"
                             for number, name in enumerate(names, start=1)]
    assert (folder / "segments" / lists_written[0]).read_bytes().startswith(b"CustomerID,")
