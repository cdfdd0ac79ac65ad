"""Run by test_fits_the_screen.py in a process of its own, on an offscreen screen of a given size:
opens a file, finds 8 segments, and prints what fits the screen as JSON.

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python screen_probe.py FILE SETTINGS.ini
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtWidgets import QScrollArea, QSpinBox, QTableWidget, QTabWidget, QWidget

from custseg_gui.gui.application import create_application
from custseg_gui.gui.main_window import MainWindow


def main() -> None:
    path, settings_path = sys.argv[1], sys.argv[2]
    app = create_application([])
    window = MainWindow(QSettings(settings_path, QSettings.IniFormat))
    window.show()
    done: list[str] = []
    window.worker.finished.connect(lambda channel, outcome: done.append(channel))

    def wait(condition, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        for _ in range(30):
            app.processEvents()
            time.sleep(0.01)

    window.open_path(path)
    wait(lambda: "load" in done)
    window.findChild(QSpinBox, "kMinSpin").setValue(8)
    window.findChild(QSpinBox, "kMaxSpin").setValue(8)
    window.run_search()
    wait(lambda: "analysis" in done)
    settle()
    screen = app.primaryScreen().availableGeometry()
    inside = QRect(QPoint(0, 0), window.size())

    def shown_whole(name: str, kind=QWidget) -> bool:
        widget = window.findChild(kind, name)
        corner = widget.mapTo(window, QPoint(0, 0))
        return widget.isVisible() and inside.contains(QRect(corner, widget.size()))

    tabs = window.findChild(QTabWidget, "resultsTabs")
    bar = tabs.tabBar()
    last = bar.tabRect(bar.count() - 1)
    # The left panel's scroll area: the one around the feature list.
    features = window.findChild(QWidget, "featureList")
    scroll = next(area for area in window.findChildren(QScrollArea)
                  if area.widget() is not None and area.widget().isAncestorOf(features))
    measures = {
        "screen": [screen.width(), screen.height()],
        "frame": [window.frameGeometry().width(), window.frameGeometry().height()],
        "window": [window.width(), window.height()],
        "every_tab_in_view": last.right() <= bar.width(),
        "tab_titles": [tabs.tabText(index) for index in range(tabs.count())],
        "k_spin_in_view": shown_whole("kSpin", QSpinBox),
        "run_button_in_view": shown_whole("runButton"),
        "status_bar_in_view": shown_whole("statusBar"),
        "panel_scrolls_sideways": scroll.horizontalScrollBar().isVisible(),
    }
    # The Data health tab: the advice column starts within the table's view.
    tabs.setCurrentIndex(1)
    settle()
    health = window.findChild(QTableWidget, "healthTable")
    advice = [health.horizontalHeaderItem(column).text()
              for column in range(health.columnCount())].index("Advice")
    measures["advice_in_view"] = (health.columnViewportPosition(advice)
                                  + health.columnWidth(advice) <= health.viewport().width())
    # The Profiles tab: every one of the 8 segments' rows in view.
    tabs.setCurrentIndex([tabs.tabText(index) for index in range(tabs.count())].index(
        "Profiles"))
    settle()
    table = window.findChild(QTableWidget, "profileTable")
    measures["profile_rows"] = table.rowCount()
    measures["profile_rows_in_view"] = sum(
        0 <= table.rowViewportPosition(row) and
        table.rowViewportPosition(row) + table.rowHeight(row) <= table.viewport().height()
        for row in range(table.rowCount()))
    # Every tab shown once (a tab's content may ask for more room when first shown): the
    # window still fits the screen.
    frames = []
    for index in range(tabs.count()):
        if tabs.isTabVisible(index):
            tabs.setCurrentIndex(index)
            settle()
            frames.append([window.frameGeometry().width(), window.frameGeometry().height()])
    measures["frame_after_every_tab"] = [max(frame[0] for frame in frames),
                                         max(frame[1] for frame in frames)]
    print(json.dumps(measures))
    window.close()


if __name__ == "__main__":
    main()
