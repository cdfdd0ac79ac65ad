"""File > Assign segments to new customers: the whole flow in the window, through object names.

Train on made-up customers, export the segment list and the segmentation, score a changed copy
with last time's segments, and read what the window shows: the Data tab's rows, the Movement
grid's counts, the drift table, a clicked customer's explanation, the SQL on the clipboard, the
export; and every bad input shown as a message while the window keeps working.
"""

from __future__ import annotations

import html
import json
import re
import threading

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox, QDialog, QLabel,
                               QLineEdit, QRadioButton, QTableView, QTableWidget, QTabWidget)

from custseg_gui.core.charts import segment_color
from custseg_gui.core.model import load
from custseg_gui.core.sql import to_sql
from window_helpers import (data_column, data_headers, data_rows_shown, figure, find,
                            find_segments, open_file, show_tab, try_k_from)

NEW_ROW = "New customers"


def trained(qtbot, wait_for_task, window, customers_csv, folder):
    """Segments of the made-up customers (three groups), the largest renamed "Loyal", with
    segments.csv and segmentation.custseg exported into `folder`."""
    open_file(wait_for_task, window, customers_csv)
    try_k_from(window, 3, 3)
    find_segments(qtbot, wait_for_task, window)
    assert window.rename_segment(1, "Loyal")
    folder.mkdir()
    for key in ("csv", "model"):
        find(window, QCheckBox, f"{key}Check").setChecked(True)
    assert wait_for_task(window, "export", lambda: window.export_to(
        folder, ("csv", "model"))) == "returned"
    return folder / "segments.csv", folder / "segmentation.custseg"


def changed_copy(customers_csv, path):
    """This month's customers: five gone (IDs 1-5), three new (IDs 901-903), customers 6-15 of
    the first group with the second group's income and spend (they move), and everyone ten
    years older (Age drifts)."""
    frame = pd.read_csv(customers_csv)
    frame = frame[frame["CustomerID"] > 5].copy()
    moving = frame["CustomerID"].between(6, 15)
    frame.loc[moving, "Income"] = 90
    frame.loc[moving, "Spend"] = 20
    frame["Age"] = frame["Age"] + 10
    new = pd.DataFrame({"CustomerID": [901, 902, 903], "Age": [35, 55, 75],
                        "Income": [30, 90, 60], "Spend": [80, 20, 50]})
    pd.concat([frame, new]).to_csv(path, index=False)
    return path


def assign_through_dialog(qtbot, wait_for_task, window, new_file, segmentation=None,
                          previous=None, id_column=None) -> str:
    """File > Assign segments to new customers, filled in as a user does; the outcome."""
    window.findChild(type(window.menus.score_action), "scoreAction").trigger()
    dialog = find(window, QDialog, "scoreDialog")
    if segmentation is not None:
        find(dialog, QRadioButton, "useFileRadio").setChecked(True)
        find(dialog, QLineEdit, "segmentationEdit").setText(str(segmentation))
    else:
        find(dialog, QRadioButton, "useCurrentRadio").setChecked(True)
    find(dialog, QLineEdit, "newFileEdit").setText(str(new_file))
    if previous is not None:
        find(dialog, QLineEdit, "previousEdit").setText(str(previous))
        combo = find(dialog, QComboBox, "idCombo")
        assert combo.isEnabled()
        combo.setCurrentIndex(combo.findText(id_column))
    return wait_for_task(window, "score", lambda: qtbot.mouseClick(
        find(dialog, QAbstractButton, "assignButton"), Qt.LeftButton))


def grid_counts(window) -> dict[tuple[str, str], int]:
    """The Movement grid's cells as drawn: (before, now) -> customers."""
    counts = {}
    for text in figure(window, "migrationCanvas").axes[0].texts:
        gid = text.get_gid() or ""
        if gid.startswith("cell:"):
            before, now = gid[len("cell:"):].split("->")
            counts[(before, now)] = int(text.get_text().split("\n")[0].replace(",", ""))
    return counts


def test_new_customers_get_their_segments_and_the_window_shows_who_moved_and_why(
        qtbot, wait_for_task, wait_for_charts, window, customers_csv, tmp_path):
    # Given segments found and exported, and this month's changed customers
    previous, segmentation = trained(qtbot, wait_for_task, window, customers_csv,
                                     tmp_path / "march")
    new_file = changed_copy(customers_csv, tmp_path / "april.csv")
    new = pd.read_csv(new_file)
    # When the user assigns the segments of the saved segmentation, with last time's segments
    assert assign_through_dialog(qtbot, wait_for_task, window, new_file, segmentation,
                                 previous, "CustomerID") == "returned"
    wait_for_charts(window)

    # Then the Data tab lists every new customer, every column of the file plus the segments
    assert data_headers(window) == list(new.columns) + [
        "Segment", "Segment name", "Second closest segment", "Fit", "Previous segment",
        "Left out because"]
    assert data_rows_shown(window) == len(new)
    names = data_column(window, "Segment name")
    assert "Loyal" in names  # the user's name came along in the segmentation file
    assert set(names) <= {"Loyal", *load(segmentation).names().values()}
    assert "Back to the analysis" in find(window, QAbstractButton,
                                          "closeScoringButton").text()

    # And the Movement grid counts, per pair of segments, what a count here finds
    before = pd.read_csv(previous, dtype=str).set_index("CustomerID")["Segment name"]
    ids = [int(value) for value in data_column(window, "CustomerID")]
    expected: dict[tuple[str, str], int] = {}
    for customer, now in zip(ids, names):
        source = before.get(str(customer), NEW_ROW) if str(customer) in before.index \
            else NEW_ROW
        expected[(source, now)] = expected.get((source, now), 0) + 1
    tabs = find(window, QTabWidget, "resultsTabs")
    movement = [tabs.tabText(index) for index in range(tabs.count())].index("Movement")
    assert tabs.isTabVisible(movement)
    show_tab(window, "Movement")
    wait_for_charts(window)
    assert grid_counts(window) == expected
    assert sum(count for (source, now), count in expected.items()
               if source != now and source != NEW_ROW) >= 10  # customers 6-15 moved
    title = figure(window, "migrationCanvas")._suptitle.get_text().replace("\n", " ")
    assert "3 are new and 5 are gone" in title
    # in the segments' own colours, as in the training report
    axes = figure(window, "migrationCanvas").axes[0]
    colours = {text.get_gid(): to_hex(text.get_color()) for text in axes.texts}
    assert colours["column:Loyal"] == colours["row:Loyal"] == to_hex(segment_color(1))

    # And the drift table marks Age (ten years older), in words first
    drift = find(window, QTableWidget, "driftTable")
    rows = {drift.item(row, 0).text(): bool(drift.item(row, 0).data(Qt.UserRole))
            for row in range(drift.rowCount())}
    age = next(text for text in rows if "Age:" in text)
    assert rows[age] and age.startswith("Changed: Age: the new customers are older (+")
    assert [drift.horizontalHeaderItem(c).text() for c in range(4)] == [
        "What changed", "Mean before", "Mean now", "Shift (spreads)"]

    # When the user clicks a customer
    show_tab(window, "Data")
    table = find(window, QTableView, "dataTable")
    table.selectRow(0)
    # Then the window says which segment is closest, and which is second
    text = html.unescape(re.sub("<[^>]+>", "", find(window, QLabel, "explanationLabel").text()))
    first, second = names[0], data_column(window, "Second closest segment")[0]
    assert f"Closest to {first} (distance " in text or "Unlike any segment" in text
    assert f"{second} is " in text

    # When the user copies the SQL
    show_tab(window, "Export")
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(find(window, QAbstractButton, "copySqlButton"), Qt.LeftButton)
    # Then the clipboard holds exactly the segmentation's SQL
    expected_sql = to_sql(load(segmentation))
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == expected_sql, timeout=20_000)
    assert "segments.sql" not in expected_sql and '"Segment name"' in expected_sql

    # And the scoring exports like any analysis: scored.csv and scoring.json
    out = tmp_path / "april"
    out.mkdir()
    assert find(window, QCheckBox, "scoredCheck").isChecked()
    assert wait_for_task(window, "export", lambda: window.export_to(out, ("json",))) == \
        "returned"
    assert sorted(path.name for path in out.iterdir()) == ["scored.csv", "scoring.json",
                                                            "summary.json"]
    scored = pd.read_csv(out / "scored.csv", dtype=str, keep_default_na=False)
    assert scored["Segment name"].tolist() == names
    summary = json.loads((out / "scoring.json").read_text(encoding="utf-8"))
    assert summary["migration"]["new"] == 3 and summary["migration"]["gone"] == 5
    assert summary["drift"]["Age"]["drifted"]

    # When the user goes back to the analysis, its customers are listed again
    qtbot.mouseClick(find(window, QAbstractButton, "closeScoringButton"), Qt.LeftButton)
    assert data_rows_shown(window) == len(pd.read_csv(customers_csv))
    assert not tabs.isTabVisible(movement)
    assert "Segment name" in data_headers(window) and "Fit" not in data_headers(window)


def test_the_analysis_on_screen_scores_new_customers_without_a_previous_file(
        qtbot, wait_for_task, wait_for_charts, window, customers_csv, tmp_path):
    # Given segments on screen, one renamed, and no previous segment file
    open_file(wait_for_task, window, customers_csv)
    try_k_from(window, 3, 3)
    find_segments(qtbot, wait_for_task, window)
    window.rename_segment(2, "Careful")
    # When the new customers are assigned the segments on screen
    assert assign_through_dialog(qtbot, wait_for_task, window,
                                 changed_copy(customers_csv, tmp_path / "new.csv")) == "returned"
    wait_for_charts(window)
    # Then they carry the names on screen, and the Movement tab says what a previous file adds
    assert "Careful" in data_column(window, "Segment name")
    assert "Previous segment" not in data_headers(window)
    assert not figure(window, "migrationCanvas").axes[0].texts == []
    message = figure(window, "migrationCanvas").axes[0].texts[0].get_text()
    assert "previous segment file" in message
    # and the SQL on the clipboard is the analysis's, with the user's names
    window.copy_sql()
    qtbot.waitUntil(lambda: "'Careful'" in QGuiApplication.clipboard().text(), timeout=20_000)


@pytest.mark.parametrize("problem", ["truncated", "newer", "missing column", "no id column",
                                     "duplicate ids"])
def test_bad_input_shows_one_message_and_the_window_keeps_working(
        qtbot, wait_for_task, window, customers_csv, tmp_path, problem):
    # Given a saved segmentation, last time's segments, and a bad input of one kind
    previous, segmentation = trained(qtbot, wait_for_task, window, customers_csv,
                                     tmp_path / "march")
    new_file = changed_copy(customers_csv, tmp_path / "april.csv")
    given = dict(segmentation=segmentation, previous=None, id_column=None)
    if problem == "truncated":
        text = segmentation.read_text(encoding="utf-8")
        broken = tmp_path / "cut.custseg"
        broken.write_text(text[: len(text) // 2], encoding="utf-8")
        given["segmentation"], expected = broken, "cannot be read as JSON"
    elif problem == "newer":
        content = json.loads(segmentation.read_text(encoding="utf-8"))
        content["version"], content["app_version"] = 99, "9.0"
        newer = tmp_path / "newer.custseg"
        newer.write_text(json.dumps(content), encoding="utf-8")
        given["segmentation"], expected = newer, "saved by a newer version of CustSeg (9.0)"
    elif problem == "missing column":
        pd.read_csv(new_file).drop(columns=["Spend"]).to_csv(new_file, index=False)
        expected = "The new file has no column 'Spend'"
    elif problem == "no id column":
        pd.read_csv(previous).rename(columns={"CustomerID": "Number"}).to_csv(previous,
                                                                              index=False)
        given.update(previous=previous, id_column="CustomerID")
        expected = "The previous segment file has no column 'CustomerID'"
    else:
        frame = pd.read_csv(previous)
        frame.loc[1, "CustomerID"] = frame.loc[0, "CustomerID"]
        frame.to_csv(previous, index=False)
        given.update(previous=previous, id_column="CustomerID")
        expected = "lists some customers more than once"
    before = sorted(path.name for path in tmp_path.rglob("*"))
    # When the user assigns segments with it
    outcome = wait_for_task(window, "score", lambda: window.score_customers(new_file, **given))
    # Then one message says what is wrong, nothing is shown as scored and nothing is written
    assert outcome == "errored"
    box = window.message_box
    assert box is not None and expected in box.text(), box.text() if box else None
    box.close()
    assert window.current_scoring() is None
    assert sorted(path.name for path in tmp_path.rglob("*")) == before
    # And the window keeps working: the good segmentation still scores the file
    if problem == "missing column":
        changed_copy(customers_csv, new_file)
    assert wait_for_task(window, "score", lambda: window.score_customers(
        new_file, segmentation)) == "returned"
    assert data_rows_shown(window) == len(pd.read_csv(new_file))
    assert np.isin(data_column(window, "Segment"), ["1", "2", "3"]).all()


def test_cancel_stops_the_scoring_and_nothing_is_shown(qtbot, wait_for_task, window,
                                                      customers_csv, tmp_path):
    # Given segments on screen and a large file of new customers
    open_file(wait_for_task, window, customers_csv)
    try_k_from(window, 3, 3)
    find_segments(qtbot, wait_for_task, window)
    rng = np.random.default_rng(2)
    rows = 200_000
    big = tmp_path / "big.csv"
    pd.DataFrame({"CustomerID": np.arange(rows), "Age": rng.integers(20, 70, rows),
                  "Income": rng.integers(20, 100, rows),
                  "Spend": rng.integers(10, 90, rows)}).to_csv(big, index=False)
    cancel = find(window, QAbstractButton, "cancelButton")

    def start_and_cancel():
        window.score_customers(big)
        assert cancel.isEnabled()  # Cancel is offered while the scoring runs
        qtbot.mouseClick(cancel, Qt.LeftButton)

    # When the user cancels it
    assert wait_for_task(window, "score", start_and_cancel) == "cancelled"
    # Then no scoring is shown, even once the background work has stopped
    qtbot.waitUntil(lambda: not any(thread.name.startswith("custseg-score")
                                    for thread in threading.enumerate()), timeout=60_000)
    QApplication.processEvents()  # the stopped task's delivery, which must be dropped
    assert window.current_scoring() is None
    assert "Fit" not in data_headers(window)


def test_opening_a_segmentation_as_an_analysis_offers_to_assign_its_segments(
        qtbot, wait_for_task, window, customers_csv, tmp_path):
    # Given a segmentation.custseg an export wrote
    _previous, segmentation = trained(qtbot, wait_for_task, window, customers_csv,
                                      tmp_path / "march")
    # When the user opens it with File > Open analysis (or drops it on the window)
    window.open_analysis(segmentation)
    # Then the Assign segments dialog opens with it, rather than a message that it is damaged
    dialog = find(window, QDialog, "scoreDialog")
    assert find(dialog, QLineEdit, "segmentationEdit").text() == str(segmentation)
    assert find(dialog, QRadioButton, "useFileRadio").isChecked()
    assert window.message_box is None
