"""The menus and the toolbar (view only): the actions exist here, the window connects them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from custseg_gui import APP_NAME


class MenuBar:
    """Builds the window's menus and toolbar; each action is an attribute."""

    def __init__(self, window: QMainWindow, tab_names: list[str]):
        menu = window.menuBar()
        file_menu = menu.addMenu("&File")
        self.open_action = QAction("&Open...", window, shortcut=QKeySequence.Open,
                                   statusTip="Open a CSV or Excel file of customers")
        self.sample_action = QAction("Open &sample customers", window,
                                     statusTip="Open the built-in sample data")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.sample_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recentMenu")
        file_menu.addSeparator()
        self.open_analysis_action = QAction("Open &analysis...", window,
                                            shortcut=QKeySequence("Ctrl+Shift+O"),
                                            statusTip="Reopen a saved analysis (.custseg)")
        self.save_analysis_action = QAction("&Save analysis...", window,
                                            shortcut=QKeySequence.Save,
                                            statusTip="Save the settings and segment names to "
                                                      "reopen later")
        self.export_action = QAction("&Export report...", window,
                                     shortcut=QKeySequence("Ctrl+E"),
                                     statusTip="Export the segments: customer list, workbook, "
                                               "PDF report, images")
        self.score_action = QAction("Assign segments to new &customers...", window,
                                    statusTip="Give new customers the segments found before, "
                                              "and see who moved")
        self.score_action.setObjectName("scoreAction")
        for action in (self.open_analysis_action, self.save_analysis_action, self.export_action,
                       self.score_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", window, shortcut=QKeySequence.Quit)
        file_menu.addAction(self.quit_action)

        analysis_menu = menu.addMenu("&Analysis")
        self.run_action = QAction("&Find segments", window, shortcut=QKeySequence("Ctrl+R"),
                                  statusTip="Try every number of segments and recommend one")
        self.cancel_action = QAction("&Cancel", window, shortcut=QKeySequence("Esc"),
                                     statusTip="Stop the work in progress")
        self.orders_action = QAction("&Order lines into customers...", window,
                                     statusTip="For a file of order lines (one line per item "
                                               "sold): choose which column holds what and "
                                               "analyse one row per customer")
        self.orders_action.setObjectName("ordersAction")
        self.orders_action.setEnabled(False)
        analysis_menu.addAction(self.run_action)
        analysis_menu.addAction(self.cancel_action)
        analysis_menu.addSeparator()
        analysis_menu.addAction(self.orders_action)

        view_menu = menu.addMenu("&View")
        self.tab_actions = []
        for index, name in enumerate(tab_names):
            action = QAction(name, window, shortcut=QKeySequence(f"Ctrl+{index + 1}"))
            view_menu.addAction(action)
            self.tab_actions.append(action)

        help_menu = menu.addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", window)
        self.log_action = QAction("Where is the &log file?", window)
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.log_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        toolbar.addAction(self.open_action)
        self.open_action.setToolTip("Open a CSV or Excel file of customers (Ctrl+O)")
        toolbar.widgetForAction(self.open_action).setObjectName("openButton")
        window.addToolBar(toolbar)
