"""The tabs on the right (view only): data, explore, number of segments, segments, profiles, the
RFM grid (an order log's only), what sets the segments apart, export.

Every chart panel is made for an entry of the chart catalogue (core/charts): its canvas carries
the entry's object name and its "how to read" text; `charts` maps the entry's name to it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView,
                               QLabel, QPushButton, QSplitter, QTableView, QTableWidget,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from custseg_gui.core.charts import CHARTS
from custseg_gui.gui.views.chart_panel import ChartPanel
from custseg_gui.gui.views.data_model import CustomerTableModel
from custseg_gui.gui.views.export_panel import ExportPanel
from custseg_gui.gui.views.health_view import HealthView

PROFILE_HELP = (
    "One row per segment: its size, how stable it is, and the average of every numeric column, "
    "in your data's units. Click a row to highlight the segment everywhere and list its "
    "customers on the Data tab; double-click a name to rename the segment. In the chart, "
    "orange means above the average of all customers, purple below.")


class ResultsView(QTabWidget):
    def __init__(self, chart_renderer=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resultsTabs")
        self.setDocumentMode(True)
        self.charts = {entry.name: ChartPanel(entry.canvas, entry.help, chart_renderer)
                       for entry in CHARTS if entry.canvas}

        # Data
        data_page = QWidget()
        data_layout = QVBoxLayout(data_page)
        # Shown while the Data tab lists new customers given their segments (a scoring).
        self.scoring_bar = QFrame()
        self.scoring_bar.setObjectName("scoringBar")
        self.scoring_bar.setFrameShape(QFrame.StyledPanel)
        self.scoring_bar.setStyleSheet("#scoringBar { background: #EEF5FB; }")
        scoring_row = QHBoxLayout(self.scoring_bar)
        scoring_row.setContentsMargins(8, 4, 8, 4)
        self.scoring_label = QLabel("")
        self.scoring_label.setObjectName("scoringLabel")
        self.scoring_label.setWordWrap(True)
        self.close_scoring_button = QPushButton("Back to the analysis")
        self.close_scoring_button.setObjectName("closeScoringButton")
        self.close_scoring_button.setToolTip("List the customers of the analysis again")
        scoring_row.addWidget(self.scoring_label, 1)
        scoring_row.addWidget(self.close_scoring_button)
        self.scoring_bar.setVisible(False)
        data_layout.addWidget(self.scoring_bar)
        filter_row = QHBoxLayout()
        self.filter_label = QLabel("")
        self.filter_label.setObjectName("filterLabel")
        self.show_all_button = QPushButton("Show all customers")
        self.show_all_button.setObjectName("showAllButton")
        self.show_all_button.setToolTip("Stop showing only one segment's customers")
        self.show_all_button.setVisible(False)
        filter_row.addWidget(self.filter_label, 1)
        filter_row.addWidget(self.show_all_button)
        data_layout.addLayout(filter_row)
        self.data_model = CustomerTableModel(self)
        self.data_table = QTableView()
        self.data_table.setObjectName("dataTable")
        self.data_table.setModel(self.data_model)
        self.data_table.setToolTip("Your customers as read from the file; click a column title "
                                   "to sort")
        self.data_table.setSortingEnabled(True)
        self.data_table.horizontalHeader().setSortIndicatorShown(False)
        self.data_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.data_table.setAlternatingRowColors(True)
        self.data_table.verticalHeader().setDefaultSectionSize(22)
        self.data_table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.data_table.horizontalHeader().setDefaultSectionSize(120)
        data_layout.addWidget(self.data_table)
        self.explanation_label = QLabel("")
        self.explanation_label.setObjectName("explanationLabel")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.explanation_label.setToolTip("Why the customer you clicked has its segment: how "
                                          "far it is from every segment's centre")
        self.explanation_label.setVisible(False)
        data_layout.addWidget(self.explanation_label)
        self.addTab(data_page, "Data")

        self.health = HealthView()
        self.addTab(self.health, "Data health")

        # Explore
        explore = QSplitter(Qt.Horizontal)
        explore.setObjectName("exploreSplitter")
        explore.addWidget(self.charts["distributions"])
        explore.addWidget(self.charts["correlations"])
        explore.setSizes([600, 400])
        self.explore_splitter = explore
        self.addTab(explore, "Explore")

        # Number of segments
        k_page = QSplitter(Qt.Vertical)
        k_page.setObjectName("kSplitter")
        k_page.addWidget(self.charts["elbow"])
        k_page.addWidget(self.charts["silhouette"])
        k_page.setSizes([380, 460])
        self.k_splitter = k_page
        self.addTab(k_page, "How many")
        self.setTabToolTip(self.count() - 1, "How many segments: how clearly customers fall "
                                             "into groups for each number tried")

        # Segments
        segments_page = QWidget()
        segments_layout = QVBoxLayout(segments_page)
        axes_row = QHBoxLayout()
        self.x_combo = QComboBox()
        self.x_combo.setObjectName("xCombo")
        self.x_combo.setToolTip("Column on the horizontal axis, or the map of all ticked columns")
        self.y_combo = QComboBox()
        self.y_combo.setObjectName("yCombo")
        self.y_combo.setToolTip("Column on the vertical axis")
        for widget in (QLabel("Horizontal:"), self.x_combo, QLabel("Vertical:"), self.y_combo):
            axes_row.addWidget(widget)
        axes_row.addStretch(1)
        segments_layout.addLayout(axes_row)
        split = QSplitter(Qt.Horizontal)
        split.setObjectName("segmentsSplitter")
        split.addWidget(self.charts["segments"])
        split.addWidget(self.charts["sizes"])
        split.setSizes([700, 300])
        self.segments_splitter = split
        segments_layout.addWidget(split, 1)
        self.addTab(segments_page, "Segments")

        # Profiles
        profiles = QSplitter(Qt.Vertical)
        profiles.setObjectName("profilesSplitter")
        table_page = QWidget()
        table_layout = QVBoxLayout(table_page)
        table_layout.setContentsMargins(0, 0, 0, 0)
        help_label = QLabel(PROFILE_HELP)
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #555555;")
        table_layout.addWidget(help_label)
        self.profile_table = QTableWidget()
        self.profile_table.setObjectName("profileTable")
        self.profile_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.profile_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.profile_table.setEditTriggers(QAbstractItemView.DoubleClicked
                                           | QAbstractItemView.EditKeyPressed)
        self.profile_table.setToolTip("One row per segment; click a row to focus on it, "
                                      "double-click its name to rename it")
        # Compact rows, so that eight segments fit above the descriptions on a laptop screen.
        self.profile_table.verticalHeader().setDefaultSectionSize(
            self.profile_table.fontMetrics().height() + 8)
        table_layout.addWidget(self.profile_table)
        self.descriptions = QTextBrowser()
        self.descriptions.setObjectName("descriptionsView")
        self.descriptions.setToolTip("Each segment in words: what sets it apart, a suggested "
                                     "action, and how far to trust it")
        self.descriptions.setOpenLinks(False)
        lower = QSplitter(Qt.Horizontal)
        lower.setObjectName("profilesLowerSplitter")
        lower.addWidget(self.descriptions)
        lower.addWidget(self.charts["profiles"])
        lower.setSizes([420, 520])
        self.profiles_lower_splitter = lower
        profiles.addWidget(table_page)
        profiles.addWidget(lower)
        profiles.setSizes([260, 540])
        self.profiles_splitter = profiles
        self.addTab(profiles, "Profiles")

        # RFM grid: an order log's customers by R and F score (hidden for a customer table)
        self.rfm_page = self.charts["rfm"]
        self.addTab(self.rfm_page, "RFM grid")
        self.setTabToolTip(self.count() - 1, "The customers of an order log on the usual RFM "
                                             "grid: how recently by how often they bought")
        self.setTabVisible(self.count() - 1, False)

        # What sets them apart
        apart = QSplitter(Qt.Horizontal)
        apart.setObjectName("apartSplitter")
        apart.addWidget(self.charts["importance"])
        apart.addWidget(self.charts["spread"])
        apart.setSizes([380, 620])
        self.apart_splitter = apart
        self.addTab(apart, "Differences")
        self.setTabToolTip(self.count() - 1, "What sets the segments apart, column by column")

        self.export = ExportPanel()
        self.addTab(self.export, "Export")

        # Movement: new customers given their segments (shown only then): who moved, and how
        # the new customers differ from those the segments were found in.
        movement = QSplitter(Qt.Vertical)
        movement.setObjectName("movementSplitter")
        movement.addWidget(self.charts["movement"])
        drift_page = QWidget()
        drift_layout = QVBoxLayout(drift_page)
        drift_layout.setContentsMargins(0, 0, 0, 0)
        self.drift_label = QLabel("")
        self.drift_label.setObjectName("driftLabel")
        self.drift_label.setWordWrap(True)
        drift_layout.addWidget(self.drift_label)
        self.drift_table = QTableWidget()
        self.drift_table.setObjectName("driftTable")
        self.drift_table.setToolTip("How the new customers differ from those the segments were "
                                    "found in, column by column")
        self.drift_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.drift_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.drift_table.verticalHeader().setVisible(False)
        self.drift_table.verticalHeader().setDefaultSectionSize(
            self.drift_table.fontMetrics().height() + 8)
        drift_layout.addWidget(self.drift_table)
        movement.addWidget(drift_page)
        movement.setSizes([480, 300])
        self.movement_splitter = movement
        self.addTab(movement, "Movement")
        self.setTabToolTip(self.count() - 1, "New customers: who moved between segments, and "
                                             "what changed in the customers")
        self.setTabVisible(self.count() - 1, False)

    def show_rfm_tab(self, shown: bool) -> None:
        """Show the RFM grid's tab (an order log's analysis) or hide it."""
        index = self.indexOf(self.rfm_page)
        if not shown and self.currentIndex() == index:
            self.setCurrentIndex(0)
        self.setTabVisible(index, shown)

    def fit_profile_rows(self, rows: int) -> None:
        """Give the profile table the height its first `rows` rows need (up to 8 segments are
        all in view), the rest of the tab to the descriptions and the chart."""
        table = self.profile_table
        needed = (table.horizontalHeader().height() + 2 * table.frameWidth()
                  + sum(table.rowHeight(row) for row in range(rows))
                  + table.horizontalScrollBar().sizeHint().height() + 4)
        page = self.profiles_splitter.widget(0)
        help_height = page.layout().itemAt(0).widget().sizeHint().height()
        total = sum(self.profiles_splitter.sizes())
        top = min(needed + help_height + 8, int(total * 0.7)) if total else needed
        self.profiles_splitter.setSizes([top, max(total - top, 200)])

    def fit_drift_rows(self, rows: int) -> None:
        """Give the drift table the height its rows need (up to 8 in view), the rest of the
        Movement tab to the chart."""
        table = self.drift_table
        needed = (table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                  + rows * table.verticalHeader().defaultSectionSize()
                  + self.drift_label.sizeHint().height() + 12)
        total = sum(self.movement_splitter.sizes())
        if not total:
            return
        most = min(8, rows) * table.verticalHeader().defaultSectionSize() + \
            table.horizontalHeader().sizeHint().height() + self.drift_label.sizeHint().height()
        bottom = min(needed, max(most, 120), int(total * 0.45))
        self.movement_splitter.setSizes([total - bottom, bottom])

    def splitters(self) -> dict[str, QSplitter]:
        return {"explore": self.explore_splitter, "k": self.k_splitter,
                "segments": self.segments_splitter, "profiles": self.profiles_splitter,
                "profiles_lower": self.profiles_lower_splitter, "apart": self.apart_splitter,
                "health": self.health, "movement": self.movement_splitter}

    def fit_data_columns(self, sample_rows: int = 100, first: int = 0) -> None:
        """Widen the data table's columns (from `first` on) to their title and first values.

        Measured here rather than with resizeColumnsToContents, which asks the model for every
        role of a thousand rows per column through Qt: a tenth of a second on the GUI thread.
        """
        model, table = self.data_model, self.data_table
        cells = table.fontMetrics()
        titles = table.horizontalHeader().fontMetrics()
        for column, name in enumerate(model.header_names()):
            if column < first:
                continue
            texts = model.sample_texts(column, sample_rows)
            width = max([cells.horizontalAdvance(text) for text in texts] + [0]) + 16
            title = titles.horizontalAdvance(name) + 24
            table.setColumnWidth(column, min(max(width, title, 60), 360))
