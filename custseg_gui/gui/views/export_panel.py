"""The Export tab (view only): what to export, where, and where the files went."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from custseg_gui.core.exports import CSV_ENCODINGS, EXPORTERS
from custseg_gui.core.scoring import SCORED_FILE, SCORING_FILE
from custseg_gui.core.sql import DIALECTS


class ExportPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("exportPanel")
        # Two columns: what to export and where on the left (scrolling on a short screen while
        # an export's progress bars show), the SQL on the right.
        columns = QHBoxLayout(self)
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        columns.addWidget(scroll, 3)
        self._left, self._scroll = left, scroll
        intro = QLabel("Save the segments to hand on: tick what you need, choose a folder, and "
                       "press Export. Nothing in your data file is changed.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        what = QGroupBox("What to export")
        what_layout = QVBoxLayout(what)
        # Two columns of checkboxes: the list stays short enough for a 768-pixel screen.
        checks = QGridLayout()
        self.checks: dict[str, QCheckBox] = {}
        rows = (len(EXPORTERS) + 1) // 2
        for position, exporter in enumerate(EXPORTERS):  # one per format of the registry
            check = QCheckBox(exporter.label)
            check.setObjectName(f"{exporter.key}Check")
            check.setChecked(exporter.default)
            check.setToolTip(exporter.tip)
            checks.addWidget(check, position % rows, position // rows)
            self.checks[exporter.key] = check
        checks.setColumnStretch(2, 1)
        what_layout.addLayout(checks)
        form = QFormLayout()
        self.page_size_combo = QComboBox()
        self.page_size_combo.setObjectName("pageSizeCombo")
        self.page_size_combo.addItem("A4", "a4")
        self.page_size_combo.addItem("US Letter", "letter")
        self.page_size_combo.setToolTip("Paper size of the PDF report")
        self.page_size_combo.setMaximumWidth(180)
        if QLocale().territory() in (QLocale.UnitedStates, QLocale.Canada):
            self.page_size_combo.setCurrentIndex(1)
        form.addRow("PDF paper size:", self.page_size_combo)
        self.csv_encoding_combo = QComboBox()
        self.csv_encoding_combo.setObjectName("csvEncodingCombo")
        for key, words in CSV_ENCODINGS.items():
            self.csv_encoding_combo.addItem(words[0].upper() + words[1:], key)
        self.csv_encoding_combo.setToolTip(
            "Excel on Windows shows accents right only with the byte order mark; a few other "
            "tools take the mark for part of the first column's name")
        self.csv_encoding_combo.setMaximumWidth(420)
        form.addRow("CSV files:", self.csv_encoding_combo)
        what_layout.addLayout(form)
        layout.addWidget(what)

        # New customers given their segments: shown while a scoring is on screen.
        self.scoring_box = QGroupBox("New customers with their segments")
        self.scoring_box.setObjectName("scoringExportBox")
        scoring_layout = QVBoxLayout(self.scoring_box)
        self.scored_check = QCheckBox(f"Customers with their segments ({SCORED_FILE}) and what "
                                      f"changed ({SCORING_FILE})")
        self.scored_check.setObjectName("scoredCheck")
        self.scored_check.setChecked(True)
        self.scored_check.setToolTip(f"{SCORED_FILE}: every new customer as in the file, plus "
                                     f"their segment, the second closest, the fit and the "
                                     f"previous segment; {SCORING_FILE}: counts, drift and who "
                                     "moved, for other programs")
        scoring_layout.addWidget(self.scored_check)
        self.scoring_box.setVisible(False)
        layout.addWidget(self.scoring_box)

        where = QGroupBox("Where")
        where_layout = QHBoxLayout(where)
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("exportFolderEdit")
        self.folder_edit.setPlaceholderText("Choose a folder for the report files")
        self.folder_edit.setToolTip("The folder the report files are written into")
        self.browse_button = QPushButton("Choose folder...")
        self.browse_button.setObjectName("exportBrowseButton")
        self.browse_button.setToolTip("Pick the folder for the report files")
        where_layout.addWidget(self.folder_edit, 1)
        where_layout.addWidget(self.browse_button)
        layout.addWidget(where)

        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip("Write the ticked files into the folder (Ctrl+E)")
        self.export_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setObjectName("exportCancelButton")
        self.cancel_button.setToolTip("Stop the export: no file is written or changed")
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        # One bar per kind of file, shown for the files of the export under way.
        self.progress_box = QWidget()
        self.progress_box.setObjectName("exportProgress")
        grid = QGridLayout(self.progress_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.progress_labels: dict[str, QLabel] = {}
        self.progress_bars: dict[str, QProgressBar] = {}
        for row, exporter in enumerate(EXPORTERS):
            label = QLabel(exporter.label)
            bar = QProgressBar()
            bar.setObjectName(f"{exporter.key}ProgressBar")
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setMaximumHeight(12)
            grid.addWidget(label, row, 0)
            grid.addWidget(bar, row, 1)
            self.progress_labels[exporter.key], self.progress_bars[exporter.key] = label, bar
        grid.setColumnStretch(1, 1)
        self.progress_box.setVisible(False)
        layout.addWidget(self.progress_box)

        self.result_label = QLabel("")
        self.result_label.setObjectName("exportResultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setObjectName("openFolderButton")
        self.open_folder_button.setToolTip("Show the exported files in your file manager")
        self.open_folder_button.setVisible(False)
        layout.addWidget(self.open_folder_button, 0, Qt.AlignLeft)

        # Below the export, in the same column: side by side the two would not fit a
        # 1024-pixel screen.
        sql = QGroupBox("SQL for your database")
        sql.setObjectName("sqlBox")
        sql_layout = QVBoxLayout(sql)
        sql_intro = QLabel("Your data team can give every customer in the company's database "
                           "their segment with one SQL statement: it reads a table named "
                           "customers (orders, for an order log) with your file's column "
                           "names, and prepares the values exactly as CustSeg did.")
        sql_intro.setWordWrap(True)
        sql_layout.addWidget(sql_intro)
        sql_row = QHBoxLayout()
        self.sql_dialect_combo = QComboBox()
        self.sql_dialect_combo.setObjectName("sqlDialectCombo")
        for key, engines in DIALECTS.items():
            self.sql_dialect_combo.addItem(engines, key)
        self.sql_dialect_combo.setToolTip("The database the SQL is for (also the dialect of "
                                          "segments.sql when it is exported)")
        self.sql_dialect_combo.setMinimumContentsLength(16)
        self.sql_dialect_combo.setSizeAdjustPolicy(
            QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.show_sql_button = QPushButton("Show SQL")
        self.show_sql_button.setObjectName("showSqlButton")
        self.show_sql_button.setToolTip("Show the SQL statement here")
        self.copy_sql_button = QPushButton("Copy SQL")
        self.copy_sql_button.setObjectName("copySqlButton")
        self.copy_sql_button.setToolTip("Put the SQL statement on the clipboard, to paste into "
                                        "an e-mail or your database tool")
        sql_row.addWidget(self.sql_dialect_combo, 1)
        sql_row.addWidget(self.show_sql_button)
        sql_row.addWidget(self.copy_sql_button)
        sql_layout.addLayout(sql_row)
        self.sql_view = QPlainTextEdit()
        self.sql_view.setObjectName("sqlView")
        self.sql_view.setReadOnly(True)
        self.sql_view.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.sql_view.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.sql_view.setPlaceholderText("Press Show SQL to see the statement.")
        sql_layout.addWidget(self.sql_view, 1)
        self.sql_label = QLabel("")
        self.sql_label.setObjectName("sqlLabel")
        self.sql_label.setWordWrap(True)
        sql_layout.addWidget(self.sql_label)
        self.sql_view.setMinimumHeight(8 * self.sql_view.fontMetrics().height())
        layout.addWidget(sql)
        layout.addStretch(1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # The left column is never narrower than its content (it scrolls only up and down);
        # measured once shown, when its fonts and the parts shown are known.
        self._scroll.setMinimumWidth(self._left.sizeHint().width()
                                     + self._scroll.verticalScrollBar().sizeHint().width() + 2)

    def formats(self) -> tuple[str, ...]:
        return tuple(fmt for fmt, check in self.checks.items() if check.isChecked())

    def show_progress(self, formats) -> None:
        """Empty bars for these formats; the others hidden."""
        for key, bar in self.progress_bars.items():
            bar.setValue(0)
            bar.setVisible(key in formats)
            self.progress_labels[key].setVisible(key in formats)
        self.progress_box.setVisible(True)
