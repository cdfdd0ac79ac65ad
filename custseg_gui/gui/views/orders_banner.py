"""The bar above the data that says a file holds order lines (view only): what was found, a
button to make one row per customer, and, while the customers are shown, the way back."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from custseg_gui.core.settings import ORDER_ROLES
from custseg_gui.core.sources.orders import ROLE_WORDS, OrderColumns, OrderedCustomers


def found_words(columns: OrderColumns) -> str:
    """`customer in 'CustomerID', date in 'InvoiceDate', ...`: what was found where."""
    found = [f"{ROLE_WORDS[role]} in '{getattr(columns, role)}'" for role in ORDER_ROLES
             if getattr(columns, role) is not None
             and not (role in ("quantity", "price") and columns.amount is not None)]
    return ", ".join(found)


class OrdersBanner(QFrame):
    """Hidden unless the file looks like order lines or its customers are shown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ordersBanner")
        self.setFrameShape(QFrame.StyledPanel)
        # A pale blue bar: information, not a warning.
        self.setStyleSheet("#ordersBanner { background: #EAF2FB; border: 1px solid #A9C7E8; "
                           "border-radius: 3px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel("")
        self.label.setObjectName("ordersBannerLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.orders_button = QPushButton("Make one row per customer...")
        self.orders_button.setObjectName("ordersButton")
        self.lines_button = QPushButton("Use the lines as they are")
        self.lines_button.setObjectName("ordersLinesButton")
        self.lines_button.setToolTip("Go back to one row per order line, as in the file")
        layout.addWidget(self.orders_button)
        layout.addWidget(self.lines_button)
        self.setVisible(False)

    def show_lines(self, columns: OrderColumns) -> None:
        """The file looks like order lines; its customers are not made yet."""
        text = ("<b>This file looks like order lines</b>: one line per item sold, not one row "
                "per customer. CustSeg can add each customer's lines up into one row: how "
                "recently, how often and how much they bought (RFM).")
        found = found_words(columns)
        if columns.missing:
            missing = ", ".join(ROLE_WORDS[role] for role in columns.missing)
            text += (f" <span style='color:#B35900'>No column was recognised as the "
                     f"{html.escape(missing, quote=False)}: choose it in the next step.</span>")
        elif found:
            text += f" Found: {html.escape(found, quote=False)}."
        self.label.setText(text)
        self.orders_button.setText("Make one row per customer...")
        self.orders_button.setToolTip("Check the columns found and the day recency is counted "
                                      "to, then analyse one row per customer")
        self.lines_button.setVisible(False)
        self.setVisible(True)

    def show_customers(self, ordered: OrderedCustomers) -> None:
        """The customers made from the order lines are shown in their place."""
        self.label.setText(f"<b>One row per customer</b>, made from the file's order lines: "
                           f"{html.escape(ordered.describe(), quote=False)}")
        self.orders_button.setText("Change...")
        self.orders_button.setToolTip("Change the columns or the day recency is counted to")
        self.lines_button.setVisible(True)
        self.setVisible(True)
