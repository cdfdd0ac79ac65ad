"""File > Assign segments to new customers (view only): which segments, which new file, and
optionally last time's segment file with the column that identifies a customer in both."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget)


def _path_row(name: str, placeholder: str, tip: str) -> tuple[QWidget, QLineEdit, QPushButton]:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    edit = QLineEdit()
    edit.setObjectName(f"{name}Edit")
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tip)
    browse = QPushButton("Choose...")
    browse.setObjectName(f"{name}BrowseButton")
    browse.setToolTip(tip)
    layout.addWidget(edit, 1)
    layout.addWidget(browse)
    return row, edit, browse


class ScoreDialog(QDialog):
    def __init__(self, current_text: str | None, parent: QWidget | None = None):
        """`current_text`: how the analysis on screen is described, None when there is none."""
        super().__init__(parent)
        self.setObjectName("scoreDialog")
        self.setWindowTitle("Assign segments to new customers")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel("Give new customers (next month's export, say) the segments found "
                       "before, prepared exactly as the first customers were. With last time's "
                       "segment file, CustSeg also shows who moved from one segment to "
                       "another.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        which = QGroupBox("Segments to use")
        which_layout = QVBoxLayout(which)
        self.current_radio = QRadioButton(current_text or "The segments on screen (find "
                                                          "segments first)")
        self.current_radio.setObjectName("useCurrentRadio")
        self.current_radio.setEnabled(current_text is not None)
        self.file_radio = QRadioButton("A segmentation file (.custseg), from an export or a "
                                       "saved analysis:")
        self.file_radio.setObjectName("useFileRadio")
        group = QButtonGroup(self)
        group.addButton(self.current_radio)
        group.addButton(self.file_radio)
        (self.current_radio if current_text is not None else self.file_radio).setChecked(True)
        row, self.segmentation_edit, self.segmentation_button = _path_row(
            "segmentation", "segmentation.custseg", "The segmentation.custseg an export wrote, "
            "or an analysis saved with File > Save analysis")
        which_layout.addWidget(self.current_radio)
        which_layout.addWidget(self.file_radio)
        which_layout.addWidget(row)
        layout.addWidget(which)

        files = QGroupBox("Customers")
        form = QFormLayout(files)
        row, self.new_file_edit, self.new_file_button = _path_row(
            "newFile", "The new customers (CSV or Excel)", "The new customer file: the same kind "
            "of export as the one the segments were found in, with the same column names")
        form.addRow("New customers:", row)
        row, self.previous_edit, self.previous_button = _path_row(
            "previous", "Optional: last time's segments.csv or scored.csv", "The customer list "
            "exported last time (segments.csv or scored.csv), to see who moved")
        form.addRow("Previous segments:", row)
        self.id_combo = QComboBox()
        self.id_combo.setObjectName("idCombo")
        self.id_combo.setToolTip("The column that names each customer in both files, such as "
                                 "a customer ID")
        self.id_combo.setEnabled(False)
        form.addRow("Customer ID column:", self.id_combo)
        layout.addWidget(files)

        self.message_label = QLabel("")
        self.message_label.setObjectName("scoreMessageLabel")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #B35900;")
        self.message_label.setVisible(False)
        layout.addWidget(self.message_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.assign_button = self.buttons.addButton("Assign segments",
                                                    QDialogButtonBox.AcceptRole)
        self.assign_button.setObjectName("assignButton")
        self.assign_button.setDefault(True)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def show_problem(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def set_id_columns(self, columns: list[str], chosen: str | None) -> None:
        self.id_combo.clear()
        self.id_combo.addItems(columns)
        if chosen in columns:
            self.id_combo.setCurrentIndex(columns.index(chosen))
        self.id_combo.setEnabled(bool(columns))
