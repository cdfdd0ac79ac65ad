"""The window, driven as a user would: open, choose, find segments, change k, cancel, close.

Widgets are found by object name and checked by what they show (see window_helpers). Most tests
run on small made-up files whose answer is known; the tests marked shared_data check the real
Mall file beside the checkout.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QInputDialog, QLabel, QMenu,
                               QMessageBox, QProgressBar, QSpinBox, QTableView, QTableWidget,
                               QTextBrowser, QToolTip, QWidget)

from custseg_gui.gui import MainWindow
from window_helpers import (GROUP_CENTRES, GROUP_SIZES, choose_k, data_column, data_headers,
                            data_rows_shown, feature_items, figure, find, find_segments,
                            legend_entries, open_file, plotted_points, profile_names,
                            profile_sizes, segment_lines, segment_points, show_tab, text_of,
                            tick_only, try_k_from)

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"

# customers_csv (conftest): 60 customers in groups of 30, 20 and 10, IDs 1-30, 31-50, 51-60.
CENTRES, SIZES = GROUP_CENTRES, GROUP_SIZES


def open_and_segment(qtbot, wait_for_task, window, path, k_range=(2, 4)):
    open_file(wait_for_task, window, path)
    try_k_from(window, *k_range)
    find_segments(qtbot, wait_for_task, window)


def choose_axis(wait_for_task, window, combo_name: str, text: str) -> None:
    combo = find(window, QComboBox, combo_name)
    assert combo.currentText() != text, f"{combo_name} shows {text} already"
    assert combo.findText(text) >= 0, f"{combo_name} does not offer {text}"
    assert wait_for_task(window, "scatter", lambda: combo.setCurrentText(text)) == "returned"


def mouse_event(canvas, name, x, y, button=None, dblclick=False):
    return MouseEvent(name, canvas, x, y, button=button, dblclick=dblclick)


def click_legend_entry(window, index: int, dblclick: bool = False) -> None:
    canvas = find(window, FigureCanvasQTAgg, "segmentsCanvas")
    canvas.draw()  # places the legend, so its entries have a position to click
    box = canvas.figure.legends[0].get_texts()[index].get_window_extent(canvas.get_renderer())
    canvas.callbacks.process("button_press_event", mouse_event(
        canvas, "button_press_event", box.x0 + box.width / 2, box.y0 + box.height / 2,
        button=1, dblclick=dblclick))


def analysis_threads() -> list[threading.Thread]:
    # The worker names its threads custseg-<channel>-<n>.
    return [thread for thread in threading.enumerate()
            if thread.name.startswith("custseg-analysis")]


def test_key_widgets_have_stable_object_names(window):
    # Given a freshly built window
    # Then every widget the tests (and any automation) rely on can be found by its object name
    kinds = {
        QAbstractButton: ("openButton", "startOpenButton", "sampleButton", "runButton",
                          "cancelButton", "importOptionsButton", "showAllButton",
                          "exportButton", "openFolderButton", "csvCheck", "jsonCheck"),
        QSpinBox: ("kMinSpin", "kMaxSpin", "kSpin", "seedSpin"),
        QComboBox: ("xCombo", "yCombo", "missingCombo", "scalingCombo"),
        QLabel: ("fileLabel", "recommendationLabel", "staleLabel", "statusLabel", "notesLabel",
                 "filterLabel", "exportResultLabel"),
        QTableWidget: ("profileTable", "healthTable"),
        QTableView: ("dataTable",),
        QTextBrowser: ("descriptionsView",),
        QProgressBar: ("progressBar",),
        QMenu: ("recentMenu",),
        QWidget: ("startPage", "featureList", "fixList", "exportFolderEdit", "summaryBar"),
        FigureCanvasQTAgg: ("elbowCanvas", "silhouetteCanvas", "segmentsCanvas", "sizesCanvas",
                            "profileCanvas", "importanceCanvas", "segmentDistributionsCanvas",
                            "distributionsCanvas", "correlationsCanvas"),
    }
    for kind, names in kinds.items():
        for name in names:
            find(window, kind, name)


def test_finding_segments_recommends_the_groups_in_the_file_then_regroups_on_request(
        qtbot, wait_for_task, window, customers_csv):
    # Given made-up customers in three clear groups of 30, 20 and 10
    open_file(wait_for_task, window, customers_csv)
    try_k_from(window, 2, 4)
    # When the user finds segments
    find_segments(qtbot, wait_for_task, window)
    # Then three segments are recommended and shown everywhere, largest first
    recommendation = text_of(window, "recommendationLabel")
    assert recommendation.startswith("3 segments fit best")
    assert find(window, QSpinBox, "kSpin").value() == 3
    assert len(legend_entries(window)) == 3
    assert profile_sizes(window) == SIZES
    assert [text.get_text() for text in figure(window, "sizesCanvas").axes[0].texts
            if "%" in text.get_text()] == [" 30 (50%) ", " 20 (33%) ", " 10 (17%) "]
    # When the user asks for 2 segments
    choose_k(wait_for_task, window, 2)
    # Then every segment view shows 2, and the recommendation still says 3
    assert len(legend_entries(window)) == 2
    assert len(profile_sizes(window)) == 2 and sum(profile_sizes(window)) == 60
    elbow_legend = figure(window, "elbowCanvas").axes[0].get_legend()
    assert "Chosen: 2" in [text.get_text() for text in elbow_legend.get_texts()]
    assert text_of(window, "recommendationLabel") == recommendation


@pytest.mark.shared_data
def test_mall_whole_path_recommends_five_then_four_on_request(qtbot, wait_for_task, window,
                                                              mall_csv):
    # Given the Mall data open with only income and spending ticked
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    # When the user finds segments
    find_segments(qtbot, wait_for_task, window)
    # Then five segments are recommended (the reference result) and shown everywhere
    assert text_of(window, "recommendationLabel").startswith("5 segments fit best")
    assert "How clearly customers fall into groups: 0.55, good (silhouette" in \
        text_of(window, "recommendationLabel")
    assert find(window, QSpinBox, "kSpin").value() == 5
    assert len(legend_entries(window)) == 5
    assert profile_sizes(window) == [81, 39, 35, 23, 22]
    # When the user asks for 4 segments
    choose_k(wait_for_task, window, 4)
    # Then every segment view shows 4, without a new search
    assert len(legend_entries(window)) == 4
    assert len(profile_sizes(window)) == 4 and sum(profile_sizes(window)) == 200
    elbow_legend = figure(window, "elbowCanvas").axes[0].get_legend()
    assert "Chosen: 4" in [text.get_text() for text in elbow_legend.get_texts()]


def test_feature_list_shows_roles_and_disables_unusable_columns(wait_for_task, window,
                                                                tmp_path):
    # Given a file with an ID, a text column and two number columns
    rows = [f"{n},{'Female' if n % 3 else 'Male'},{20 + n % 40},{30 + (n * 7) % 60}"
            for n in range(1, 41)]
    path = tmp_path / "customers.csv"
    path.write_text("CustomerID,Gender,Age,Income\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # When it is opened
    open_file(wait_for_task, window, path)
    items = feature_items(window)
    # Then the ID cannot be ticked and says why; number columns are ticked by default
    assert list(items) == ["CustomerID", "Gender", "Age", "Income"]
    assert not items["CustomerID"].flags() & Qt.ItemIsEnabled
    assert "cannot be used" in items["CustomerID"].toolTip()
    assert "identifies customers" in items["CustomerID"].toolTip()
    assert items["Gender"].checkState() == Qt.Unchecked
    assert "categorical, 2 different values" in items["Gender"].toolTip()
    assert all(items[name].checkState() == Qt.Checked for name in ("Age", "Income"))
    # And the data preview shows every row and the file's details
    assert data_rows_shown(window) == 40
    assert data_column(window, "Gender")[:3] == ["Female", "Female", "Male"]
    assert "40 rows x 4 columns" in text_of(window, "fileLabel")


@pytest.mark.shared_data
def test_mall_feature_list_disables_the_id(wait_for_task, window, mall_csv):
    # Given the Mall data
    open_file(wait_for_task, window, mall_csv)
    items = feature_items(window)
    # Then its ID cannot be ticked, Gender is not ticked and the numbers are
    assert list(items) == ["CustomerID", "Gender", "Age", INCOME, SPENDING]
    assert not items["CustomerID"].flags() & Qt.ItemIsEnabled
    assert [name for name, item in items.items() if item.checkState() == Qt.Checked] == [
        "Age", INCOME, SPENDING]
    assert "200 rows x 5 columns" in text_of(window, "fileLabel")


def test_changing_a_feature_marks_results_out_of_date(qtbot, wait_for_task, window,
                                                      customers_csv):
    # Given segments found on made-up customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    stale = find(window, QLabel, "staleLabel")
    assert not stale.isVisible()
    # When a column is unticked
    feature_items(window)["Age"].setCheckState(Qt.Unchecked)
    # Then the results say they are out of date
    assert stale.isVisible()
    assert "press Find segments to update" in stale.text()


def test_selecting_a_segment_lists_only_its_customers(qtbot, wait_for_task, window,
                                                      customers_csv):
    # Given segments of 30, 20 and 10 customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    # When the user clicks the third row of the profile table
    find(window, QTableWidget, "profileTable").selectRow(2)
    # Then the Data tab lists only segment 3: customers 51 to 60
    show_tab(window, "Data")
    assert data_column(window, "CustomerID") == [str(n) for n in range(51, 61)]
    assert set(data_column(window, "Segment")) == {"3"}
    name = profile_names(window)[2]
    assert text_of(window, "filterLabel") == f"Showing the 10 customers of 3: {name}."
    # When the user shows all customers again
    show_all = find(window, QAbstractButton, "showAllButton")
    assert show_all.isVisible()
    qtbot.mouseClick(show_all, Qt.LeftButton)
    # Then every customer is listed again
    assert data_rows_shown(window) == 60
    assert text_of(window, "filterLabel") == ""
    assert not show_all.isVisible()


@pytest.mark.shared_data
def test_selecting_a_mall_segment_lists_its_35_customers(qtbot, wait_for_task, window,
                                                         mall_csv):
    # Given the Mall segments on income and spending
    open_file(wait_for_task, window, mall_csv)
    tick_only(window, {INCOME, SPENDING})
    find_segments(qtbot, wait_for_task, window)
    # When the user clicks the third row of the profile table
    find(window, QTableWidget, "profileTable").selectRow(2)
    # Then the Data tab lists that segment's 35 customers, all in segment 3
    assert data_rows_shown(window) == 35
    assert set(data_column(window, "Segment")) == {"3"}
    assert "35 customers" in text_of(window, "filterLabel")


def test_cancel_stops_a_long_search_and_the_window_is_usable_again(qtbot, wait_for_task, window,
                                                                   big_csv):
    # Given a large file whose search is under way
    open_file(wait_for_task, window, big_csv)
    with qtbot.waitSignal(window.worker.progress, timeout=30_000,
                          check_params_cb=lambda channel, fraction, message:
                          channel == "analysis" and "Trying" in message):
        qtbot.mouseClick(find(window, QAbstractButton, "runButton"), Qt.LeftButton)
    assert analysis_threads()
    run_button = find(window, QAbstractButton, "runButton")
    assert not run_button.isEnabled()
    # When the user presses Cancel
    qtbot.mouseClick(find(window, QAbstractButton, "cancelButton"), Qt.LeftButton)
    # Then the background work ends, the window says so and can run again
    qtbot.waitUntil(lambda: not analysis_threads(), timeout=30_000)
    qtbot.waitUntil(lambda: run_button.isEnabled(), timeout=5_000)
    assert text_of(window, "statusLabel") == "Cancelled."
    assert find(window, QProgressBar, "progressBar").value() == 0
    assert not find(window, QAbstractButton, "cancelButton").isEnabled()
    # and the search's results never show
    assert text_of(window, "recommendationLabel") == "Press Find segments to get a recommendation."
    assert find(window, QTableWidget, "profileTable").rowCount() == 0


def test_a_broken_file_shows_a_message_and_the_next_file_works(qtbot, wait_for_task, window,
                                                                tmp_path, customers_csv):
    # Given a file that is not a table at all
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02garbage\x00" * 50)
    # When the user opens it
    assert wait_for_task(window, "load", lambda: window.open_path(broken)) == "errored"
    # Then a plain message says what is wrong, and the window keeps working
    box = window.message_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Could not open broken.csv"
    assert box.text().startswith("broken.csv is not a table of customers: it holds binary data")
    box.close()
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    assert data_rows_shown(window) == 60
    assert profile_sizes(window) == SIZES


def test_closing_the_window_during_a_run_is_clean(qtbot, wait_for_task, settings_file, big_csv):
    # Given a window busy finding segments in a large file
    window = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    open_file(wait_for_task, window, big_csv)
    with qtbot.waitSignal(window.worker.progress, timeout=30_000,
                          check_params_cb=lambda channel, *_: channel == "analysis"):
        qtbot.mouseClick(find(window, QAbstractButton, "runButton"), Qt.LeftButton)
    # When the user closes it
    window.close()
    # Then every background thread has ended and nothing crashed
    assert not [thread.name for thread in threading.enumerate()
                if thread.name.startswith("custseg-")]


def test_window_geometry_and_recent_files_persist(qtbot, wait_for_task, settings_file,
                                                  customers_csv):
    # Given a window in which the user opened a file and resized the window
    first = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(first)
    first.show()
    open_file(wait_for_task, first, customers_csv)
    first.resize(first.minimumSizeHint())
    size_at_close = (first.width(), first.height())
    first.close()
    # When the app starts again
    second = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(second)
    # Then it has about the size it had (offscreen the screen is 800 x 600 and a restored
    # window is fitted into it), not the 1280 x 800 of a first start, and it offers the file
    # first among the recent ones, on the menu and on the start page
    assert abs(second.width() - size_at_close[0]) <= 15
    assert second.height() == size_at_close[1]
    recent = find(second, QMenu, "recentMenu").actions()
    assert recent[0].text() == "&1 customers.csv"
    assert recent[0].toolTip() == str(customers_csv)
    assert "customers.csv" in text_of(second, "startRecent")


def test_dropping_a_file_opens_it(qtbot, wait_for_task, window, customers_csv):
    # Given a file dragged from the file manager
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(customers_csv))])
    # When it is dragged over the window, which accepts it, and dropped there
    enter = QDragEnterEvent(QPoint(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QCoreApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    assert wait_for_task(window, "load",
                         lambda: QCoreApplication.sendEvent(window, drop)) == "returned"
    # Then it is open: named in the title and the file panel, its customers on the Data tab
    assert window.windowTitle().startswith("customers.csv")
    assert "customers.csv" in text_of(window, "fileLabel")
    assert data_rows_shown(window) == 60


def test_the_chosen_scatter_axes_show_those_columns_and_stay_when_k_changes(
        qtbot, wait_for_task, window, customers_csv):
    # Given segments of made-up customers, drawn on two columns CustSeg chose
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    # When the user chooses Spend across and Age up (neither is where it was)
    choose_axis(wait_for_task, window, "xCombo", "Spend")
    choose_axis(wait_for_task, window, "yCombo", "Age")
    # Then the axes are labelled with those columns
    axes = figure(window, "segmentsCanvas").axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Spend", "Age")
    # And each segment's points are its customers' (Spend, Age), as the Data tab lists them
    lines = segment_lines(window)
    expected = segment_points(window, "Spend", "Age")
    assert sorted(lines) == sorted(expected) == [1, 2, 3]
    for number, line in lines.items():
        np.testing.assert_allclose(plotted_points(line), expected[number], err_msg=str(number))
    # When the user asks for 2 segments
    choose_k(wait_for_task, window, 2)
    # Then the scatter keeps the chosen columns
    axes = figure(window, "segmentsCanvas").axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Spend", "Age")
    assert (find(window, QComboBox, "xCombo").currentText(),
            find(window, QComboBox, "yCombo").currentText()) == ("Spend", "Age")
    expected = segment_points(window, "Spend", "Age")
    for number, line in segment_lines(window).items():
        np.testing.assert_allclose(plotted_points(line), expected[number], err_msg=str(number))


def test_choosing_the_map_draws_every_customer_on_the_two_map_axes(qtbot, wait_for_task,
                                                                   window, customers_csv):
    # Given segments of made-up customers, drawn on two columns
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    y_combo = find(window, QComboBox, "yCombo")
    assert y_combo.isEnabled()
    # When the user chooses the map of all ticked columns
    choose_axis(wait_for_task, window, "xCombo", "Map (PCA)")
    # Then the axes are the map's, the vertical choice is off, and every customer is drawn
    axes = figure(window, "segmentsCanvas").axes[0]
    assert axes.get_xlabel().startswith("Map axis 1 (")
    assert axes.get_ylabel().startswith("Map axis 2 (")
    assert not y_combo.isEnabled()
    assert [len(line.get_xdata()) for _, line in sorted(segment_lines(window).items())] == SIZES


def test_hovering_a_customer_shows_its_id_and_values(qtbot, wait_for_task, window,
                                                     customers_csv):
    # Given segments of made-up customers, drawn on two of their columns
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    axes = figure(window, "segmentsCanvas").axes[0]
    across, up = axes.get_xlabel(), axes.get_ylabel()
    assert {across, up} <= set(CENTRES)
    canvas = find(window, FigureCanvasQTAgg, "segmentsCanvas")
    canvas.draw()
    line = segment_lines(window)[2]
    point = line.get_xdata()[0], line.get_ydata()[0]
    QToolTip.hideText()
    # When the mouse rests on the first plotted customer of segment 2
    x, y = axes.transData.transform(point)
    canvas.callbacks.process("motion_notify_event",
                             mouse_event(canvas, "motion_notify_event", x, y))
    # Then a tooltip names that customer, its segment and its values (the tooltip is the only
    # place they show)
    assert QToolTip.isVisible()
    lines = QToolTip.text().split("<br>")
    assert lines[0].startswith("<b>CustomerID ")
    customer = lines[0].removeprefix("<b>CustomerID ").removesuffix("</b>")
    row = data_column(window, "CustomerID").index(customer)
    assert 31 <= int(customer) <= 50  # the second group is segment 2
    assert lines[1] == f"2: {profile_names(window)[1]}"
    assert lines[2:] == [f"{name}: {data_column(window, name)[row]}"
                         for name in ("Age", "Income", "Spend")]
    # and it is the customer under the mouse
    assert (float(data_column(window, across)[row]),
            float(data_column(window, up)[row])) == pytest.approx(point)


def test_clicking_a_legend_entry_highlights_that_segment(qtbot, wait_for_task, wait_for_charts,
                                                         window, customers_csv):
    # Given segments of 30, 20 and 10 customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    # When the user clicks the third legend entry
    click_legend_entry(window, 2)
    # Then segment 3 is selected: its 10 customers are listed and the others fade
    assert data_rows_shown(window) == 10
    assert set(data_column(window, "Segment")) == {"3"}
    assert text_of(window, "filterLabel").startswith("Showing the 10 customers of 3: ")
    assert find(window, QTableWidget, "profileTable").selectionModel().selectedRows()[0].row() \
        == 2
    wait_for_charts(window)
    lines = segment_lines(window)
    assert lines[3].get_alpha() > lines[1].get_alpha()
    assert lines[1].get_alpha() == lines[2].get_alpha()
    # When the user clicks it again
    click_legend_entry(window, 2)
    # Then every customer is listed again
    assert data_rows_shown(window) == 60


def test_renaming_a_segment_in_the_profile_table_renames_it_everywhere(qtbot, wait_for_task,
                                                                       wait_for_charts, window,
                                                                       customers_csv):
    # Given segments of made-up customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    table = find(window, QTableWidget, "profileTable")
    # When the user edits the name of segment 3 in the profile table
    table.item(2, 0).setText("Careful big earners")
    # Then the new name shows in the scatter legend, the table, the sizes chart and the data
    wait_for_charts(window)
    assert legend_entries(window)[2] == "3: Careful big earners"
    assert profile_names(window)[2] == "Careful big earners"
    sizes = figure(window, "sizesCanvas").axes[0]
    assert "3: Careful big earners" in [text.get_text() for text in sizes.texts]
    names = data_column(window, "Segment name")
    assert names[50:] == ["Careful big earners"] * 10
    assert "Careful big earners" not in names[:50]
    assert "3: Careful big earners" in find(window, QTextBrowser,
                                           "descriptionsView").toPlainText()


def test_a_duplicate_or_empty_name_is_refused_with_a_message(qtbot, wait_for_task, window,
                                                             customers_csv):
    # Given segments of made-up customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    table = find(window, QTableWidget, "profileTable")
    first, second = profile_names(window)[:2]
    # When the user gives segment 2 the name of segment 1
    table.item(1, 0).setText(first)
    # Then a message explains why, and segment 2 keeps its name
    box = window.message_box
    assert box.windowTitle() == "Rename segment"
    assert box.text() == (f"Another segment is already called '{first}'. Choose a different "
                          "name so the two can be told apart.")
    assert profile_names(window)[:2] == [first, second]
    box.close()
    # When the user empties the name
    table.item(1, 0).setText("   ")
    # Then a message asks for a name, and the old one is back
    assert window.message_box.text().startswith("A segment needs a name. Type at least one "
                                                "letter")
    assert profile_names(window)[1] == second
    assert legend_entries(window)[1].replace("\n", " ") == f"2: {second}"


def test_double_clicking_a_legend_entry_asks_for_a_new_name(qtbot, wait_for_task,
                                                            wait_for_charts, window,
                                                            customers_csv):
    # Given segments of made-up customers
    open_and_segment(qtbot, wait_for_task, window, customers_csv)
    old_name = profile_names(window)[1]
    # When the user double-clicks the legend entry of segment 2
    click_legend_entry(window, 1, dblclick=True)
    # Then a dialog asks for its new name, offering the current one
    dialog = find(window, QInputDialog, "renameDialog")
    assert dialog.isVisible()
    assert dialog.labelText() == "New name for segment 2:"
    assert dialog.textValue() == old_name
    # When the user types a name and confirms
    dialog.setTextValue("Big spenders")
    dialog.accept()
    # Then the legend and the profile table use it
    wait_for_charts(window)
    assert legend_entries(window)[1] == "2: Big spenders"
    assert profile_names(window)[1] == "Big spenders"


def test_about_box_shows_the_version_and_the_licences(window):
    # When the user chooses Help > About
    help_menu = next(action.menu() for action in window.menuBar().actions()
                     if action.text() == "&Help")
    about = next(action for action in help_menu.actions() if action.text().startswith("&About"))
    about.trigger()
    # Then a box names the version and the licence of Qt
    from custseg_gui import __version__

    box = find(window, QMessageBox, "aboutBox")
    assert box.isVisible()
    assert f"CustSeg {__version__}" in box.text()
    assert "Qt (used under the GNU LGPL v3)" in box.text()
    assert "No data leaves this computer" in box.text()


def test_customers_left_out_show_why_on_the_data_tab(qtbot, wait_for_task, window, tmp_path):
    # Given customers of whom one has no income
    rows = [f"{n},{20 + n % 50},{30 + (n * 7) % 60}" for n in range(1, 61)]
    rows[4] = "5,,41"
    path = tmp_path / "customers.csv"
    path.write_text("CustomerID,Income,Spend\n" + "\n".join(rows) + "\n", encoding="utf-8")
    open_file(wait_for_task, window, path)
    try_k_from(window, 2, 4)
    # When segments are found (missing values: leave the customer out)
    find_segments(qtbot, wait_for_task, window)
    # Then that customer's row says why it has no segment, and the others say nothing
    assert "Left out because" in data_headers(window)
    reasons = data_column(window, "Left out because")
    assert "Income" in reasons[4]
    assert reasons[:4] == [""] * 4 and reasons[5:] == [""] * 55
    assert data_column(window, "Segment")[4] == ""
    assert "" not in data_column(window, "Segment")[5:]
    # and the notes say how many were left out
    assert "1 customer was left out because of missing values" in text_of(window,
                                                                            "notesLabel")
    assert sum(profile_sizes(window)) == 59
