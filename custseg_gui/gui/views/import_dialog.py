"""How a file is read: what was detected, overridable, with a live preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from custseg_gui.core.errors import UserError
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import LoadReport, preview_table
from custseg_gui.core.sources.encoding import ENCODINGS as TEXT_ENCODINGS

PREVIEW_ROWS = 30
# Every encoding CustSeg recognises (core/sources/encoding.py), by script.
ENCODINGS = [("Detect", None)] + [(f"{item.label} ({item.script})", item.codec)
                                  for item in TEXT_ENCODINGS]
SEPARATORS = [("Detect", None), ("Comma ,", ","), ("Semicolon ;", ";"), ("Tab", "\t"),
              ("Vertical bar |", "|")]
DECIMALS = [("Detect", None), ("Point: 1234.5", "."), ("Comma: 1234,5", ",")]
THOUSANDS = [("Detect", None), ("None", ""), ("Comma: 1,234", ","), ("Point: 1.234", "."),
             ("Space: 1 234", " "), ("Apostrophe: 1'234", "'")]
DATES = [("Detect", None), ("Day first: 31/12/2024", True), ("Month first: 12/31/2024", False)]


def _combo(name: str, choices, current, tooltip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tooltip)
    for label, value in choices:
        combo.addItem(label, value)
    index = next((i for i, (_label, value) in enumerate(choices) if value == current), 0)
    combo.setCurrentIndex(index)
    return combo


class ImportDialog(QDialog):
    """Shows what was detected; every choice can be changed and the preview follows."""

    def __init__(self, path: Path, report: LoadReport, settings: LoadSettings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(f"How {path.name} is read")
        self.path = path
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        detected = QLabel(f"Detected: {report.describe()}.")
        detected.setWordWrap(True)
        layout.addWidget(detected)
        form = QFormLayout()
        text_file = report.file_format == "csv"
        self.encoding = _combo("encodingCombo", ENCODINGS, settings.encoding,
                               "How the letters of the file are stored")
        if text_file and report.encoding and settings.encoding is None:
            # "Detect" names what it found, so the user sees it before choosing another.
            self.encoding.setItemText(0, f"Detect (found {report.encoding})")
        self.separator = _combo("separatorCombo", SEPARATORS, settings.delimiter,
                                "What separates the columns")
        self.decimal = _combo("decimalCombo", DECIMALS, settings.decimal,
                              "The mark between whole numbers and decimals")
        self.thousands = _combo("thousandsCombo", THOUSANDS, settings.thousands,
                                "What groups the thousands in big numbers")
        self.dates = _combo("datesCombo", DATES, settings.day_first,
                            "Whether dates like 03/04/2024 mean 3 April or March 4")
        self.header = QSpinBox()
        self.header.setObjectName("headerRowSpin")
        self.header.setRange(0, 50)
        self.header.setSpecialValueText("Detect")
        self.header.setValue(settings.header_row or 0)
        self.header.setToolTip("The row that holds the column names (rows above it are titles)")
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheetCombo")
        self.sheet.setToolTip("The sheet that holds your customers")
        for name in report.sheets:
            summary = report.sheet_summaries.get(name)
            self.sheet.addItem(f"{name} ({summary})" if summary else name, name)
        if report.sheet:
            self.sheet.setCurrentIndex(max(self.sheet.findData(report.sheet), 0))
        if text_file:
            form.addRow("Encoding:", self.encoding)
            form.addRow("Column separator:", self.separator)
        else:
            form.addRow("Sheet:", self.sheet)
        form.addRow("Decimal mark:", self.decimal)
        form.addRow("Thousands separator:", self.thousands)
        form.addRow("Column names on row:", self.header)
        form.addRow("Dates:", self.dates)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addStretch(1)
        layout.addLayout(top)
        self.status = QLabel("")
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview = QTableWidget()
        self.preview.setObjectName("importPreview")
        self.preview.setToolTip("The first rows as they will be read: numbers show as CustSeg "
                                "understands them")
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Read the file this way")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Typing or scrolling through choices re-reads the preview once it settles.
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        for combo in (self.encoding, self.separator, self.decimal, self.thousands, self.dates,
                      self.sheet):
            combo.currentIndexChanged.connect(self._timer.start)
        self.header.valueChanged.connect(self._timer.start)
        self.refresh()

    def settings(self) -> LoadSettings:
        return LoadSettings(sheet=self.sheet.currentData() if self.sheet.count() else None,
                            encoding=self.encoding.currentData(),
                            delimiter=self.separator.currentData(),
                            decimal=self.decimal.currentData(),
                            thousands=self.thousands.currentData(),
                            header_row=self.header.value() or None,
                            day_first=self.dates.currentData())

    def refresh(self) -> None:
        try:
            table = preview_table(self.path, self.settings())
        except UserError as error:
            self.status.setText(f"<span style='color:#B35900'>{error.message}</span>")
            self.preview.setRowCount(0)
            return
        frame = table.frame.head(PREVIEW_ROWS)
        self.status.setText(f"Preview: {table.report.describe()}. Numbers are shown as read; "
                            "a column of numbers shown as text means the choices do not fit it.")
        self.preview.clear()
        self.preview.setColumnCount(frame.shape[1])
        self.preview.setRowCount(len(frame))
        self.preview.setHorizontalHeaderLabels([str(name) for name in frame.columns])
        for column, name in enumerate(frame.columns):
            numeric = frame[name].dtype.kind == "f"
            for row, value in enumerate(frame[name]):
                if value is None or value != value:
                    text = ""
                elif numeric:
                    text = f"{value:.10g}"
                elif hasattr(value, "hour") and (value.hour, value.minute, value.second) == (0, 0, 0):
                    text = value.strftime("%Y-%m-%d")  # a date: shown as read, without a time
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                if numeric:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.preview.setItem(row, column, item)
        self.preview.resizeColumnsToContents()
