"""The window, driven as a user would: open, choose, find segments, change k, cancel, close."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QListWidget, QTableView, QTableWidget
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

from custseg_gui.gui import MainWindow

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"


def open_file(wait_for_task, window, path):
    assert wait_for_task(window, "load", lambda: window.open_path(path)) == "returned"


def run(qtbot, wait_for_task, window):
    assert wait_for_task(window, "analysis",
                         lambda: qtbot.mouseClick(window.findChild(object, "runButton"),
                                                  Qt.LeftButton)) == "returned"


def feature_items(window):
    features = window.findChild(QListWidget, "featureList")
    return {features.item(row).text(): features.item(row) for row in range(features.count())}


def tick_only(window, names):
    for name, item in feature_items(window).items():
        if item.flags() & Qt.ItemIsUserCheckable:
            item.setCheckState(Qt.Checked if name in names else Qt.Unchecked)


def legend_entries(window):
    canvas = window.findChild(FigureCanvasQTAgg, "segmentsCanvas")
    return [text.get_text() for text in canvas.figure.legends[0].get_texts()]


def profile_sizes(window):
    table = window.findChild(QTableWidget, "profileTable")
    return [int(table.item(row, 1).text().replace(",", "")) for row in range(table.rowCount())]


def test_key_widgets_have_stable_object_names(window):
    # Given a freshly built window
    # Then every widget automation relies on can be found by its object name
    for name in ("openButton", "featureList", "kMinSpin", "kMaxSpin", "kSpin", "runButton",
                 "cancelButton", "progressBar", "recommendationLabel", "elbowCanvas",
                 "silhouetteCanvas", "segmentsCanvas", "sizesCanvas", "profileTable",
                 "dataTable"):
        assert window.findChild(object, name) is not None, name
    for name in ("elbowCanvas", "silhouetteCanvas", "segmentsCanvas", "sizesCanvas"):
        assert isinstance(window.findChild(FigureCanvasQTAgg, name), FigureCanvasQTAgg)
    assert isinstance(window.findChild(QTableView, "dataTable"), QTableView)


@pytest.mark.shared_data
def test_mall_whole_path_recommends_five_then_four_on_request(qtbot, wait_for_task, window, mall_csv):
    # Given the Mall data open with only income and spending ticked
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    # When the user finds segments
    run(qtbot, wait_for_task, window)
    # Then five segments are recommended and shown everywhere, largest first
    assert "5 segments" in window.findChild(object, "recommendationLabel").text()
    assert window.findChild(object, "kSpin").value() == 5
    assert len(legend_entries(window)) == 5
    assert profile_sizes(window) == [81, 39, 35, 23, 22]
    # When the user asks for 4 segments
    assert wait_for_task(window, "segment",
                         lambda: window.findChild(object, "kSpin").setValue(4)) == "returned"
    # Then every segment view shows 4, without a new search
    assert len(legend_entries(window)) == 4
    assert len(profile_sizes(window)) == 4 and sum(profile_sizes(window)) == 200
    elbow = window.findChild(FigureCanvasQTAgg, "elbowCanvas").figure
    assert any("Chosen: 4" in text.get_text() for text in elbow.axes[0].get_legend().get_texts())


@pytest.mark.shared_data
def test_feature_list_shows_roles_and_disables_unusable_columns(qtbot, wait_for_task, window, mall_csv):
    # Given the Mall data
    open_file(wait_for_task, window, mall_csv)
    items = feature_items(window)
    # Then the ID cannot be ticked and says why; numeric columns are ticked by default
    assert list(items) == ["CustomerID", "Gender", "Age", INCOME, SPENDING]
    assert not items["CustomerID"].flags() & Qt.ItemIsEnabled
    assert "identifies customers" in items["CustomerID"].toolTip()
    assert items["Gender"].checkState() == Qt.Unchecked
    assert all(items[name].checkState() == Qt.Checked for name in ("Age", INCOME, SPENDING))
    # And the data preview shows every row and the file's details
    assert window.findChild(QTableView, "dataTable").model().rowCount() == 200
    assert "200 rows x 5 columns" in window.findChild(object, "fileLabel").text()


def test_changing_a_feature_marks_results_out_of_date(qtbot, wait_for_task, window, sample_csv):
    # Given segments found on the sample data
    open_file(wait_for_task, window, sample_csv)
    run(qtbot, wait_for_task, window)
    stale = window.findChild(object, "staleLabel")
    assert not stale.isVisible()
    # When a column is unticked
    feature_items(window)["Age"].setCheckState(Qt.Unchecked)
    # Then the results say they are out of date
    assert stale.isVisible()


@pytest.mark.shared_data
def test_selecting_a_segment_filters_the_data_table(qtbot, wait_for_task, window, mall_csv):
    # Given the Mall segments
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    # When the user clicks the third row of the profile table
    window.findChild(QTableWidget, "profileTable").selectRow(2)
    # Then the data table lists only that segment's 35 customers, all in segment 3
    model = window.findChild(QTableView, "dataTable").model()
    assert model.rowCount() == 35
    segment_column = model.header_names().index("Segment")
    assert {model.index(row, segment_column).data() for row in range(35)} == {"3"}
    assert "35 customers" in window.results.filter_label.text()
    # When the user shows all customers again
    qtbot.mouseClick(window.results.show_all_button, Qt.LeftButton)
    assert model.rowCount() == 200


def test_cancel_stops_a_long_search_within_a_second(qtbot, wait_for_task, window, big_csv):
    # Given a large file whose search takes several seconds
    open_file(wait_for_task, window, big_csv)
    running = []
    window.worker.progress.connect(
        lambda channel, fraction, message: running.append(message) if channel == "analysis"
        and "Trying" in message else None)
    window.run_search()
    qtbot.waitUntil(lambda: bool(running), timeout=30_000)
    search_thread = next(thread for thread in threading.enumerate()
                         if thread.name.startswith("custseg-analysis"))
    # When the user presses Cancel
    started = time.monotonic()
    qtbot.mouseClick(window.findChild(object, "cancelButton"), Qt.LeftButton)
    # Then the background work stops within a second and the window is usable again
    search_thread.join(timeout=5)
    assert not search_thread.is_alive()
    assert time.monotonic() - started < 1.0
    assert window.findChild(object, "runButton").isEnabled()
    assert window.panel.status_label.text() == "Cancelled."
    assert window.current_analysis() is None


def test_a_broken_file_shows_a_message_and_the_next_file_works(qtbot, wait_for_task, window, tmp_path,
                                                                sample_csv):
    # Given a file that is not a table at all
    broken = tmp_path / "customers.csv"
    broken.write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    # When the user opens it
    assert wait_for_task(window, "load", lambda: window.open_path(broken)) == "errored"
    # Then a plain message says what is wrong, and the window keeps working
    assert window.message_box is not None
    assert "is not a table of customers" in window.message_box.text()
    window.message_box.close()
    open_file(wait_for_task, window, sample_csv)
    assert window.findChild(QTableView, "dataTable").model().rowCount() == 300
    run(qtbot, wait_for_task, window)
    assert window.findChild(QTableWidget, "profileTable").rowCount() >= 2


def test_closing_the_window_during_a_run_is_clean(qtbot, wait_for_task, settings_file, big_csv):
    # Given a window busy finding segments in a large file
    window = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    open_file(wait_for_task, window, big_csv)
    window.run_search()
    qtbot.waitUntil(lambda: window.worker.is_busy("analysis"), timeout=5_000)
    # When the user closes it
    window.close()
    # Then the background thread has ended and nothing crashed
    assert not any(thread.name.startswith("custseg-") for thread in threading.enumerate())


@pytest.mark.shared_data
def test_window_geometry_and_recent_files_persist(qtbot, wait_for_task, settings_file, sample_csv, mall_csv):
    # Given a window in which the user opened a file and resized the window
    first = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(first)
    first.show()
    open_file(wait_for_task, first, mall_csv)
    first.resize(first.minimumSizeHint())
    size_at_close = (first.width(), first.height())
    first.close()
    # When the app starts again
    second = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(second)
    # Then it has about the size it had (offscreen the screen is 800 x 600 and a restored
    # window is fitted into it), not the 1280 x 800 of a first start, and it offers the file
    # among the recent ones
    assert abs(second.width() - size_at_close[0]) <= 15
    assert second.height() == size_at_close[1]
    assert second.recent_files()[0] == str(mall_csv)
    assert any("Mall_Customers.csv" in action.text() for action in second.recent_menu.actions())


def test_dropping_a_file_opens_it(qtbot, wait_for_task, window, sample_csv):
    # Given a file dragged from the file manager
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample_csv))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    # When it is dropped on the window
    assert wait_for_task(window, "load", lambda: window.dropEvent(event)) == "returned"
    # Then it is open
    assert window.document.table.report.file_name == "sample_customers.csv"


@pytest.mark.parametrize("view", ["Map (PCA)", "Age"])
def test_scatter_axes_can_be_changed(qtbot, wait_for_task, window, sample_csv, view):
    # Given segments of the sample data
    open_file(wait_for_task, window, sample_csv)
    run(qtbot, wait_for_task, window)
    canvas = window.findChild(FigureCanvasQTAgg, "segmentsCanvas")
    # When the user picks another horizontal axis
    assert wait_for_task(window, "scatter",
                         lambda: window.results.x_combo.setCurrentText(view)) == "returned"
    # Then the scatter is redrawn with it
    assert view.split(" ")[0] in canvas.figure.axes[0].get_xlabel() or \
        "Map axis 1" in canvas.figure.axes[0].get_xlabel()
    assert len(legend_entries(window)) == len(profile_sizes(window))


def _mouse_event(canvas, name, x, y, button=None):
    from matplotlib.backend_bases import MouseEvent

    return MouseEvent(name, canvas, x, y, button=button)


@pytest.mark.shared_data
def test_hovering_a_customer_shows_its_id_and_values(qtbot, wait_for_task, window, mall_csv):
    # Given the Mall segments on income and spending
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    canvas = window.findChild(FigureCanvasQTAgg, "segmentsCanvas")
    canvas.draw()
    scatter = window.document.scatter
    # When the mouse rests on the first plotted customer
    ax = canvas.figure.axes[0]
    x, y = ax.transData.transform((scatter.x[0], scatter.y[0]))
    canvas.callbacks.process("motion_notify_event",
                             _mouse_event(canvas, "motion_notify_event", x, y))
    # Then that customer is identified, with its ID and values
    row = window.segments.hovered_customer
    assert row is not None
    text = window.segments.customer_text(row)
    assert f"CustomerID {window.document.table.raw.at[row, 'CustomerID']}" in text
    assert f"{INCOME}: {window.document.table.raw.at[row, INCOME]}" in text


@pytest.mark.shared_data
def test_clicking_a_legend_entry_highlights_that_segment(qtbot, wait_for_task, wait_for_charts,
                                                         window, mall_csv):
    # Given the Mall segments
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    canvas = window.findChild(FigureCanvasQTAgg, "segmentsCanvas")
    canvas.draw()
    legend_text = canvas.figure.legends[0].get_texts()[3]
    box = legend_text.get_window_extent(canvas.get_renderer())
    # When the user clicks the fourth legend entry
    canvas.callbacks.process("button_press_event", _mouse_event(
        canvas, "button_press_event", box.x0 + box.width / 2, box.y0 + box.height / 2,
        button=1))
    # Then segment 4 is selected: its 23 customers are listed and the others fade
    assert window.document.selected == 4
    assert window.findChild(QTableView, "dataTable").model().rowCount() == 23
    wait_for_charts(window)
    lines = {line.get_gid(): line for line in canvas.figure.axes[0].get_lines()}
    assert lines["segment-4"].get_alpha() > lines["segment-1"].get_alpha()


@pytest.mark.shared_data
def test_renaming_a_segment_in_the_profile_table_renames_it_everywhere(qtbot, wait_for_task,
                                                                       wait_for_charts, window,
                                                                       mall_csv):
    # Given the Mall segments
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    table = window.findChild(QTableWidget, "profileTable")
    # When the user edits the name of segment 3 in the profile table
    table.item(2, 0).setText("Careful big earners")
    # Then the new name shows in the scatter legend, the table, the sizes chart and the data
    wait_for_charts(window)
    assert "3: Careful big earners" in legend_entries(window)
    assert table.item(2, 0).text() == "Careful big earners"
    sizes = window.findChild(FigureCanvasQTAgg, "sizesCanvas").figure.axes[0]
    assert any("Careful big earners" in text.get_text() for text in sizes.texts)
    model = window.findChild(QTableView, "dataTable").model()
    name_column = model.header_names().index("Segment name")
    names = {model.index(row, name_column).data() for row in range(model.rowCount())}
    assert "Careful big earners" in names
    assert "Careful big earners" in window.results.descriptions.toPlainText()


@pytest.mark.shared_data
def test_a_duplicate_or_empty_name_is_refused_with_a_message(qtbot, wait_for_task, window,
                                                             mall_csv):
    # Given the Mall segments
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    first_name = window.document.names[1]
    # When the user gives segment 2 the name of segment 1
    assert not window.rename_segment(2, first_name)
    # Then a message explains why, and segment 2 keeps its name
    assert "already called" in window.message_box.text()
    assert window.document.names[2] != first_name
    window.message_box.close()
    assert not window.rename_segment(2, "   ")
    assert "needs a name" in window.message_box.text()


@pytest.mark.shared_data
def test_double_clicking_a_legend_entry_asks_for_a_new_name(qtbot, wait_for_task,
                                                            wait_for_charts, window, mall_csv):
    # Given the Mall segments
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    run(qtbot, wait_for_task, window)
    canvas = window.findChild(FigureCanvasQTAgg, "segmentsCanvas")
    canvas.draw()
    box = canvas.figure.legends[0].get_texts()[1].get_window_extent(canvas.get_renderer())
    event = _mouse_event(canvas, "button_press_event", box.x0 + box.width / 2,
                         box.y0 + box.height / 2, button=1)
    event.dblclick = True
    # When the user double-clicks the legend entry of segment 2 and types a name
    canvas.callbacks.process("button_press_event", event)
    dialog = window.segments.rename_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("Big spenders")
    dialog.accept()
    # Then the legend and the profile table use it
    wait_for_charts(window)
    assert "2: Big spenders" in legend_entries(window)
    assert window.findChild(QTableWidget, "profileTable").item(1, 0).text() == "Big spenders"


def test_about_box_shows_the_version_and_the_licences(window):
    # When the user opens Help > About
    box = window.show_about()
    # Then it names the version and the licence of Qt
    from custseg_gui import __version__

    assert __version__ in box.text() and "LGPL" in box.text()


def test_customers_left_out_show_why_on_the_data_tab(qtbot, wait_for_task, window, tmp_path):
    # Given customers of whom one has no income
    rows = [f"{n},{20 + n % 50},{30 + (n * 7) % 60}" for n in range(1, 61)]
    rows[4] = "5,,41"
    path = tmp_path / "customers.csv"
    path.write_text("CustomerID,Income,Spend\n" + "\n".join(rows) + "\n", encoding="utf-8")
    open_file(wait_for_task, window, path)
    # When segments are found (missing values: leave the customer out)
    run(qtbot, wait_for_task, window)
    # Then that customer's row says why it has no segment, and the others say nothing
    model = window.findChild(QTableView, "dataTable").model()
    reason = model.header_names().index("Left out because")
    assert "Income" in model.index(4, reason).data()
    assert model.index(3, reason).data() == ""
    assert model.index(4, model.header_names().index("Segment")).data() == ""
