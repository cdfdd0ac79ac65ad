"""Driving the window as a user does, and reading what it shows, through object names only.

Everything here finds widgets with findChild and an object name set in custseg_gui/gui, reads
what is on screen (cells, label texts, the figures on the canvases) and acts through widgets or
MainWindow's public methods, so that the tests survive a restructure of the window's insides.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QLabel, QListWidget, QMessageBox, QSpinBox,
                               QTableView, QTableWidget, QTabWidget, QWidget)


def find(window: QWidget, kind: type, name: str):
    """The widget called `name`; fails the test (naming it) when there is none."""
    widget = window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} called {name!r}"
    return widget


def text_of(window, name: str) -> str:
    return find(window, QLabel, name).text()


def figure(window, canvas_name: str):
    """The figure on screen in the canvas called `canvas_name`."""
    return find(window, FigureCanvasQTAgg, canvas_name).figure


# --- made-up customers ---------------------------------------------------------------------

# Three well-apart groups of 30, 20 and 10 customers (IDs 1-30, 31-50, 51-60): segments 1, 2
# and 3, largest first (the `customers_csv` fixture).
GROUP_CENTRES = {"Age": [25, 45, 65], "Income": [30, 90, 60], "Spend": [80, 20, 50]}
GROUP_SIZES = [30, 20, 10]


def write_groups(path: Path, centres: dict[str, list[float]], sizes: list[int],
                 spread: float = 3.0, seed: int = 1) -> Path:
    """A CSV of customers in well-apart groups: CustomerID (1, 2, ...), then one column per
    entry of `centres` (that column's centre in each group); whole numbers, group after group,
    sizes[g] customers in group g."""
    rng = np.random.default_rng(seed)
    columns = list(centres)
    lines = ["CustomerID," + ",".join(columns)]
    for group, size in enumerate(sizes):
        for _ in range(size):
            values = [round(centres[name][group] + rng.normal(0, spread)) for name in columns]
            lines.append(f"{len(lines)}," + ",".join(str(value) for value in values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- opening and running ------------------------------------------------------------------------

def open_file(wait_for_task, window, path: Path, settings=None) -> None:
    assert wait_for_task(window, "load", lambda: window.open_path(path, settings)) == "returned"


def find_segments(qtbot, wait_for_task, window) -> None:
    """Press Find segments and wait until the results and their charts are on screen."""
    run_button = find(window, QAbstractButton, "runButton")
    assert run_button.isEnabled()
    assert wait_for_task(window, "analysis",
                         lambda: qtbot.mouseClick(run_button, Qt.LeftButton)) == "returned"


def try_k_from(window, low: int, high: int) -> None:
    """Set the range of segment numbers to try (fewer tries keep a test quick)."""
    find(window, QSpinBox, "kMaxSpin").setValue(high)
    find(window, QSpinBox, "kMinSpin").setValue(low)


def choose_k(wait_for_task, window, k: int) -> None:
    assert wait_for_task(window, "segment",
                         lambda: find(window, QSpinBox, "kSpin").setValue(k)) == "returned"


def feature_items(window) -> dict:
    features = find(window, QListWidget, "featureList")
    return {features.item(row).text(): features.item(row) for row in range(features.count())}


def tick_only(window, names) -> None:
    """Tick exactly these columns, one click-equivalent per column."""
    for name, item in feature_items(window).items():
        if item.flags() & Qt.ItemIsUserCheckable:
            wanted = Qt.Checked if name in names else Qt.Unchecked
            if item.checkState() != wanted:
                item.setCheckState(wanted)


def ticked_features(window) -> list[str]:
    return [name for name, item in feature_items(window).items()
            if item.flags() & Qt.ItemIsEnabled and item.checkState() == Qt.Checked]


def list_texts(window, name: str) -> list[str]:
    widget = find(window, QListWidget, name)
    return [widget.item(row).text() for row in range(widget.count())]


def tick_list_item(window, list_name: str, text: str, on: bool = True) -> None:
    """Tick (or untick) the item of a check list that says `text`."""
    widget = find(window, QListWidget, list_name)
    items = [widget.item(row) for row in range(widget.count())
             if widget.item(row).text() == text]
    assert items, f"{list_name} has no item {text!r}: {list_texts(window, list_name)}"
    items[0].setCheckState(Qt.Checked if on else Qt.Unchecked)


def show_tab(window, title: str) -> None:
    """Turn to the result tab called `title`, as a click on it would."""
    tabs = find(window, QTabWidget, "resultsTabs")
    titles = [tabs.tabText(index) for index in range(tabs.count())]
    assert title in titles, titles
    tabs.setCurrentIndex(titles.index(title))


# --- tables ---------------------------------------------------------------------------------

def table_rows(window, name: str) -> list[dict[str, str]]:
    """A table widget's cells as the user reads them: one dict per row, by column title."""
    table = find(window, QTableWidget, name)
    titles = [table.horizontalHeaderItem(column).text() for column in range(table.columnCount())]
    return [{title: (table.item(row, column).text() if table.item(row, column) else "")
             for column, title in enumerate(titles)} for row in range(table.rowCount())]


def profile_sizes(window) -> list[int]:
    return [int(row["Size"].replace(",", "")) for row in table_rows(window, "profileTable")]


def profile_names(window) -> list[str]:
    return [row["Segment"] for row in table_rows(window, "profileTable")]


def data_headers(window) -> list[str]:
    model = find(window, QTableView, "dataTable").model()
    return [model.headerData(column, Qt.Horizontal) for column in range(model.columnCount())]


def data_column(window, title: str) -> list[str]:
    """The texts of one column of the Data tab, top to bottom, as shown."""
    model = find(window, QTableView, "dataTable").model()
    column = data_headers(window).index(title)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def data_rows_shown(window) -> int:
    return find(window, QTableView, "dataTable").model().rowCount()


# --- charts ---------------------------------------------------------------------------------

def legend_entries(window, canvas_name: str = "segmentsCanvas") -> list[str]:
    return [text.get_text() for text in figure(window, canvas_name).legends[0].get_texts()]


def segment_lines(window) -> dict[int, object]:
    """The scatter's line of each segment (gid "segment-N"), by segment number."""
    axes = figure(window, "segmentsCanvas").axes[0]
    return {int(line.get_gid().split("-")[1]): line for line in axes.get_lines()
            if (line.get_gid() or "").startswith("segment-")}


def _sorted_points(x, y) -> np.ndarray:
    points = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    return points[np.lexsort((points[:, 1], points[:, 0]))]


def plotted_points(line) -> np.ndarray:
    """A line's (x, y) points, in sorted order."""
    return _sorted_points(*line.get_data())


def segment_values(window, column: str) -> dict[int, np.ndarray]:
    """Per segment, the values of `column` of its customers as the Data tab shows them, sorted."""
    values = np.array([float(text) for text in data_column(window, column)])
    segments = np.array(data_column(window, "Segment"))
    return {int(number): np.sort(values[segments == number]) for number in set(segments)
            if number}


def segment_points(window, x_column: str, y_column: str) -> dict[int, np.ndarray]:
    """Per segment, the (x, y) values of its customers as the Data tab shows them, sorted."""
    x = [float(text) for text in data_column(window, x_column)]
    y = [float(text) for text in data_column(window, y_column)]
    segments = np.array(data_column(window, "Segment"))
    return {int(number): _sorted_points(np.array(x)[segments == number],
                                        np.array(y)[segments == number])
            for number in set(segments) if number}


# --- messages -------------------------------------------------------------------------------

def click_button(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()
