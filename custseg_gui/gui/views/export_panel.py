"""The Export tab (view only): what to export, where, and where the files went."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from custseg_gui.core.exports import CSV_ENCODINGS, EXPORTERS


class ExportPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("exportPanel")
        layout = QVBoxLayout(self)
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
        layout.addStretch(1)

    def formats(self) -> tuple[str, ...]:
        return tuple(fmt for fmt, check in self.checks.items() if check.isChecked())

    def show_progress(self, formats) -> None:
        """Empty bars for these formats; the others hidden."""
        for key, bar in self.progress_bars.items():
            bar.setValue(0)
            bar.setVisible(key in formats)
            self.progress_labels[key].setVisible(key in formats)
        self.progress_box.setVisible(True)
