"""Which column of the order lines holds what, and the day recency is counted to (view only):
the detected choices, each changeable, with a live count of lines, customers and what is left
out. The orders controller computes the count in the background and fills it in."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout,
                               QWidget)

from custseg_gui.core.settings import NO_COLUMN, ORDER_ROLES, OrderSettings
from custseg_gui.core.sources.orders import ROLE_WORDS, OrderColumns, OrderedCustomers

# Each role's row: its label and what it is for. Customer and date must be chosen; the rest
# may be "(none)".
ROLES = {
    "customer": ("Customer:", "The column that says who bought: a customer number or name"),
    "date": ("Date of the sale:", "The column of each line's date (and time)"),
    "order": ("Order number:", "The order or invoice number: a customer's lines with the same "
              "number are one order. Without one, a customer's lines of the same date and "
              "time are one order."),
    "amount": ("Amount of the line:", "What the line was sold for. Without an amount column, "
               "the amount is quantity x unit price."),
    "quantity": ("Quantity:", "How many items the line sold (negative for a return)"),
    "price": ("Unit price:", "The price of one item"),
}
REQUIRED = ("customer", "date")
NONE_TEXT, CHOOSE_TEXT = "(none)", "(choose a column)"
WARNING_COLOUR = "#B35900"


def role_combo_name(role: str) -> str:
    """`orderCustomerCombo`, `orderDateCombo`, ...: the object name of a role's combo box."""
    return f"order{role.capitalize()}Combo"


class OrdersDialog(QDialog):
    """Shows what was detected; every choice can be changed and the count follows."""

    changed = Signal()  # a choice changed: the count is to be made again

    def __init__(self, file_name: str, column_names: tuple[str, ...], columns: OrderColumns,
                 as_of: dt.date | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ordersDialog")
        self.setWindowTitle(f"Order lines of {file_name}")
        layout = QVBoxLayout(self)
        intro = QLabel("Each line of this file is one item sold. CustSeg adds up each "
                       "customer's lines into one row: days since their last purchase "
                       "(recency), how many orders they placed (frequency) and how much they "
                       "spent, purchases minus returns (net spend). Check the columns it "
                       "found.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.missing_label = QLabel("")
        self.missing_label.setObjectName("ordersMissingLabel")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.missing_label.setVisible(False)
        layout.addWidget(self.missing_label)

        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for role in ORDER_ROLES:
            label, tip = ROLES[role]
            combo = QComboBox()
            combo.setObjectName(role_combo_name(role))
            combo.setToolTip(tip)
            combo.addItem(CHOOSE_TEXT if role in REQUIRED else NONE_TEXT, NO_COLUMN)
            for name in column_names:
                combo.addItem(name, name)
            chosen = getattr(columns, role)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.currentIndexChanged.connect(self._choice_changed)
            self.combos[role] = combo
            form.addRow(label, combo)
        self.as_of_auto = QCheckBox("The day after the latest sale in the file")
        self.as_of_auto.setObjectName("ordersAsOfAutoCheck")
        self.as_of_auto.setToolTip("Untick to count recency to a day of your choice, such as "
                                   "the end of a quarter")
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setObjectName("ordersAsOfEdit")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setToolTip("Recency is the number of days from a customer's last "
                                   "purchase to this day; lines dated after it are left out")
        self.as_of_auto.setChecked(as_of is None)
        self.as_of_edit.setEnabled(as_of is not None)
        if as_of is not None:
            self.as_of_edit.setDate(QDate(as_of.year, as_of.month, as_of.day))
        self.as_of_auto.toggled.connect(self._auto_toggled)
        self.as_of_edit.dateChanged.connect(lambda _date: self._changed())
        as_of_row = QHBoxLayout()
        as_of_row.addWidget(self.as_of_edit)
        as_of_row.addWidget(self.as_of_auto, 1)
        form.addRow("Count recency to:", as_of_row)
        layout.addLayout(form)

        self.count_label = QLabel("Counting the customers...")
        self.count_label.setObjectName("ordersCountLabel")
        self.count_label.setWordWrap(True)
        self.count_label.setTextFormat(Qt.RichText)
        self.count_label.setMinimumHeight(self.fontMetrics().height() * 4)
        self.count_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        layout.addWidget(self.count_label)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("ordersProgressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.setVisible(False)
        layout.addWidget(self.progress_bar)

        after = QLabel("The customers then take the place of the lines in the window (the bar "
                       "above the data brings the lines back); the file itself is never changed.")
        after.setWordWrap(True)
        after.setStyleSheet("color: #555555;")
        layout.addWidget(after)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("Make one row per customer")
        self.ok_button.setObjectName("ordersOkButton")
        self.ok_button.setEnabled(False)  # until the count shows the choices work
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.show_missing(columns.missing)
        self.resize(640, self.sizeHint().height())

    # --- what the user chose ---------------------------------------------------------------------

    def settings(self) -> OrderSettings:
        """The choices as order settings: every column named, or none."""
        as_of = None
        if not self.as_of_auto.isChecked():
            as_of = self.as_of_edit.date().toPython()
        return OrderSettings(enabled=True, as_of=as_of,
                             **{role: combo.currentData() for role, combo in self.combos.items()})

    def chosen_columns(self) -> OrderColumns:
        return OrderColumns(**{role: combo.currentData() or None
                               for role, combo in self.combos.items()})

    def _choice_changed(self) -> None:
        self.show_missing(self.chosen_columns().missing)
        self._changed()

    def _auto_toggled(self, automatic: bool) -> None:
        self.as_of_edit.setEnabled(not automatic)
        self._changed()

    def _changed(self) -> None:
        # The count shown is of the earlier choices: OK waits for the new one.
        self.show_counting()
        self.changed.emit()

    # --- what the controller shows -------------------------------------------------------------

    def show_missing(self, missing: tuple[str, ...]) -> None:
        """Name what must still be chosen (nothing: hidden)."""
        if missing:
            words = [ROLE_WORDS[role] for role in missing]
            listed = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
            extra = (" (or the quantity and the unit price)"
                     if "amount" in missing else "")
            self.missing_label.setText(f"No column was recognised as the {listed}{extra}. "
                                       "Choose it below.")
        self.missing_label.setVisible(bool(missing))

    def show_counting(self, fraction: float | None = None) -> None:
        """The count is being made (`fraction` done, when known)."""
        self.ok_button.setEnabled(False)
        self.count_label.setText("Counting the customers...")
        self.progress_bar.setVisible(True)
        self.progress_bar.setValue(int((fraction or 0.0) * 1000))

    def show_counts(self, ordered: OrderedCustomers) -> None:
        """Lines, customers and what is left out, by reason; the default as-of day."""
        self.progress_bar.setVisible(False)
        customers, rows = ordered.customers.n_rows, ordered.rows
        text = (f"<b>{customers:,} customer{'s' if customers != 1 else ''}</b> from "
                f"{ordered.rows_used:,} of {rows:,} order lines.")
        left = ordered.left_out_words()
        if left:
            text += f"<br>Left out: {html.escape(left, quote=False)}."
        if ordered.customers_only_returns:
            only = ordered.customers_only_returns
            text += (f"<br>{only:,} customer{'s' if only != 1 else ''} only returned goods "
                     f"(no purchase) and {'are' if only != 1 else 'is'} left out.")
        for note in ordered.notes:
            text += f"<br><span style='color:#555555'>{html.escape(note, quote=False)}</span>"
        self.count_label.setText(text)
        if self.as_of_auto.isChecked():
            self.as_of_edit.blockSignals(True)
            self.as_of_edit.setDate(QDate(ordered.as_of.year, ordered.as_of.month,
                                          ordered.as_of.day))
            self.as_of_edit.blockSignals(False)
        self.ok_button.setEnabled(True)

    def show_problem(self, message: str) -> None:
        """The choices do not give customers: why, and what to do."""
        self.progress_bar.setVisible(False)
        self.count_label.setText(f"<span style='color:{WARNING_COLOUR}'>"
                                 f"{html.escape(message, quote=False)}</span>")
        self.ok_button.setEnabled(False)
