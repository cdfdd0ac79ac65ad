"""Order logs in the window: the bar above the data, the dialog of columns with its live count,
the customer table that replaces the lines (and the way back), the RFM grid tab, each segment's
mix of RFM segments, cancel, and what the user is told when the columns do not fit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from order_logs import SHOP_HEADER, SHOP_LINES, SHOP_LOG, many_customers_log, write_log
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractButton, QCheckBox, QComboBox, QDateEdit, QFrame, QLabel,
                               QSplitter, QTabWidget, QWidget)
from window_helpers import (data_column, data_headers, figure, find, find_segments, show_tab,
                            table_rows, text_of, ticked_features, try_k_from)

from custseg_gui.core.settings import OrderSettings
from custseg_gui.core.sources.orders import CUSTOMER_COLUMNS, DEFAULT_FEATURES


def combo_texts(dialog) -> dict[str, str]:
    """What each column box of the dialog shows, by role."""
    return {role: find(dialog, QComboBox, f"order{role.capitalize()}Combo").currentText()
            for role in ("customer", "date", "order", "amount", "quantity", "price")}


def choose(dialog, role: str, text: str) -> None:
    """Pick `text` in a role's box, as a user does."""
    combo = find(dialog, QComboBox, f"order{role.capitalize()}Combo")
    index = combo.findText(text)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def count_text(dialog) -> str:
    return find(dialog, QLabel, "ordersCountLabel").text()


def wait_for_count(qtbot, dialog, words: str) -> str:
    """Wait until the dialog's count says `words` (it is counted in the background)."""
    qtbot.waitUntil(lambda: words in count_text(dialog), timeout=30_000)
    return count_text(dialog)


def open_dialog(qtbot, window):
    """Press the bar's button; the dialog of columns opens."""
    qtbot.mouseClick(find(window, QAbstractButton, "ordersButton"), Qt.LeftButton)
    dialog = find(window, QWidget, "ordersDialog")
    assert dialog.isVisible()
    return dialog


def banner(window) -> QFrame:
    return find(window, QFrame, "ordersBanner")


def banner_shown(window) -> bool:
    """Whether the bar is shown above the data (the data page is turned to on the event loop's
    next pass after a file opens: asked of the page, not of the screen)."""
    return banner(window).isVisibleTo(find(window, QSplitter, "mainSplitter"))


def accept(qtbot, wait_for_task, window, dialog) -> None:
    """Press the dialog's OK, and wait for the customers to be made and shown."""
    ok = find(dialog, QAbstractButton, "ordersOkButton")
    assert ok.isEnabled()
    assert wait_for_task(window, "orders", lambda: qtbot.mouseClick(ok, Qt.LeftButton)) == \
        "returned"


def rfm_tab_shown(window) -> bool:
    tabs = find(window, QTabWidget, "resultsTabs")
    titles = [tabs.tabText(index) for index in range(tabs.count())]
    return tabs.isTabVisible(titles.index("RFM grid"))


@pytest.fixture
def shop_log(tmp_path):
    return write_log(tmp_path, SHOP_LOG)


@pytest.fixture
def many_log(tmp_path):
    return write_log(tmp_path, many_customers_log(60), name="shop_orders.csv")


def open_log(wait_for_task, window, path) -> None:
    assert wait_for_task(window, "load", lambda: window.open_path(path)) == "returned"


def test_the_bar_appears_for_an_order_log_and_not_for_a_table_of_customers(
        window, wait_for_task, shop_log, customers_csv):
    # Given a table of customers, opened
    open_log(wait_for_task, window, customers_csv)
    # Then no bar speaks of order lines
    assert not banner_shown(window)

    # When an order log is opened
    open_log(wait_for_task, window, shop_log)

    # Then the bar says so in plain words, naming the columns it found
    assert banner_shown(window)
    text = text_of(window, "ordersBannerLabel")
    assert "This file looks like order lines" in text
    assert "customer in 'Customer'" in text and "date of the sale in 'Date'" in text
    assert find(window, QAbstractButton, "ordersButton").text() == "Make one row per customer..."
    # and the lines are shown as they are meanwhile
    assert data_headers(window) == SHOP_HEADER.split(",")


def test_the_dialog_shows_the_detected_columns_and_counts_lines_customers_and_left_out(
        qtbot, window, wait_for_task, shop_log):
    open_log(wait_for_task, window, shop_log)

    # When the bar's button is pressed
    dialog = open_dialog(qtbot, window)

    # Then the dialog shows which column holds what, "(none)" where there is none
    assert combo_texts(dialog) == {"customer": "Customer", "date": "Date", "order": "Invoice",
                                   "amount": "(none)", "quantity": "Quantity", "price": "Price"}
    # and counts the customers (tests/order_logs.py works them out by hand)
    text = wait_for_count(qtbot, dialog, "customers</b>")
    assert "<b>4 customers</b> from 11 of 13 order lines." in text
    assert "1 line without a customer" in text
    assert "1 line of customers who only returned goods" in text
    assert "1 customer only returned goods (no purchase) and is left out." in text
    # and recency is counted to the day after the latest date, unless the user says otherwise
    assert find(dialog, QCheckBox, "ordersAsOfAutoCheck").isChecked()
    assert find(dialog, QDateEdit, "ordersAsOfEdit").date().toPython() == dt.date(2024, 3, 11)
    assert not find(window, QLabel, "ordersMissingLabel").isVisible()


def test_changing_the_choices_counts_again(qtbot, window, wait_for_task, shop_log):
    open_log(wait_for_task, window, shop_log)
    dialog = open_dialog(qtbot, window)
    wait_for_count(qtbot, dialog, "<b>4 customers</b>")

    # When the user counts recency to 2024-03-05
    find(dialog, QCheckBox, "ordersAsOfAutoCheck").setChecked(False)
    find(dialog, QDateEdit, "ordersAsOfEdit").setDate(QDate(2024, 3, 5))

    # Then the two later lines of C2 and 00017 are left out, and C2 with them
    text = wait_for_count(qtbot, dialog, "<b>3 customers</b>")
    assert "2 lines dated after the as-of day" in text
    assert dialog.settings().as_of == dt.date(2024, 3, 5)

    # When the order column is set to none (a customer's lines of one date and time are then
    # one order) and the customer column to the product
    choose(dialog, "order", "(none)")
    choose(dialog, "customer", "Product")

    # Then the count follows: the products that sold by then (Mug, Tea, Spoon, Cake, Lamp; the
    # Vase only came back, the Card's sale and return netted to 0, and the Kettle and the Bag
    # were sold after the as-of day)
    text = wait_for_count(qtbot, dialog, "<b>5 customers</b>")
    assert "3 lines dated after the as-of day" in text
    assert "2 customers only returned goods (no purchase) and are left out." in text
    assert dialog.settings().order == ""


def test_a_column_left_to_choose_is_named_and_ok_waits_for_it(qtbot, window, wait_for_task,
                                                               shop_log):
    open_log(wait_for_task, window, shop_log)
    dialog = open_dialog(qtbot, window)
    wait_for_count(qtbot, dialog, "<b>4 customers</b>")
    ok = find(dialog, QAbstractButton, "ordersOkButton")

    # When the quantity is set to none (no amount column: quantity x price is half chosen)
    choose(dialog, "quantity", "(none)")

    # Then the dialog names what is missing, and OK waits for it
    missing = find(dialog, QLabel, "ordersMissingLabel")
    assert missing.isVisible()
    assert missing.text() == "No column was recognised as the quantity. Choose it below."
    assert not ok.isEnabled()

    # When a column of text is chosen as the unit price
    choose(dialog, "quantity", "Quantity")
    choose(dialog, "price", "Product")

    # Then the count says why that cannot be, in the user's words
    text = wait_for_count(qtbot, dialog, "does not hold numbers")
    assert "The column 'Product', chosen as the unit price, does not hold numbers" in text
    assert not ok.isEnabled()


def test_a_log_whose_customer_column_is_not_recognised_lets_the_user_pick_it(
        qtbot, window, wait_for_task, tmp_path):
    # Given an order log whose customer column has a name CustSeg does not know
    log = SHOP_LOG.replace("Invoice,Customer,", "Invoice,Who,", 1)
    open_log(wait_for_task, window, write_log(tmp_path, log))
    # Then it is not taken for order lines
    assert not banner_shown(window)

    # When the user asks for order lines (Analysis > Order lines into customers...)
    window.menus.orders_action.trigger()
    dialog = find(window, QWidget, "ordersDialog")

    # Then the dialog names what is missing
    missing = find(dialog, QLabel, "ordersMissingLabel")
    assert missing.text() == "No column was recognised as the customer. Choose it below."
    assert combo_texts(dialog)["customer"] == "(choose a column)"
    assert not find(dialog, QAbstractButton, "ordersOkButton").isEnabled()

    # When the user picks it
    choose(dialog, "customer", "Who")

    # Then the customers are counted
    wait_for_count(qtbot, dialog, "<b>4 customers</b>")
    assert not missing.isVisible()


def test_accepting_shows_one_row_per_customer_that_flows_into_segments_and_the_rfm_tab(
        qtbot, window, wait_for_task, many_log, tmp_path):
    open_log(wait_for_task, window, many_log)
    assert not rfm_tab_shown(window)
    dialog = open_dialog(qtbot, window)
    wait_for_count(qtbot, dialog, "<b>60 customers</b>")

    # When the user accepts the columns found
    accept(qtbot, wait_for_task, window, dialog)

    # Then the data is one row per customer with recency, frequency and net spend
    assert data_headers(window) == ["Customer", *CUSTOMER_COLUMNS]
    assert data_column(window, "Customer")[:3] == ["K001", "K002", "K003"]
    # and those three are the columns ticked, the skewed ones on a log scale
    assert ticked_features(window) == list(DEFAULT_FEATURES)
    settings = window.document.settings
    assert settings.orders.enabled and settings.orders.customer == "Customer"
    assert "Frequency (orders)" in settings.log
    # and "Usual choice" comes back to them
    qtbot.mouseClick(find(window, QAbstractButton, "clearFeaturesButton"), Qt.LeftButton)
    assert ticked_features(window) == []
    qtbot.mouseClick(find(window, QAbstractButton, "defaultFeaturesButton"), Qt.LeftButton)
    assert ticked_features(window) == list(DEFAULT_FEATURES)
    # and the bar says what was made, with the way back
    assert "One row per customer" in text_of(window, "ordersBannerLabel")
    assert "60 customers" in text_of(window, "ordersBannerLabel")
    assert find(window, QAbstractButton, "ordersLinesButton").isVisible()

    # When segments are found
    try_k_from(window, 3, 4)
    find_segments(qtbot, wait_for_task, window)

    # Then the RFM grid has its own tab, drawn
    assert rfm_tab_shown(window)
    show_tab(window, "RFM grid")
    qtbot.waitUntil(lambda: len(figure(window, "rfmGridCanvas").axes) > 0, timeout=30_000)
    # and each segment's profile shows its mix of RFM segments
    rows = table_rows(window, "profileTable")
    assert all("%" in row["Most in RFM segment"] for row in rows)
    assert "RFM segments:" in find(window, QWidget, "descriptionsView").toPlainText()

    # and the saved analysis remembers the order settings
    saved = tmp_path / "shop.custseg"
    window.save_analysis_to(saved)
    stored = json.dumps(json.loads(saved.read_text(encoding="utf-8")))
    assert '"customer": "Customer"' in stored and '"orders": true' in stored
    shown = window.current_analysis()

    # When it is reopened
    outcome = wait_for_task(window, "analysis", lambda: window.open_analysis(saved))

    # Then the customers are made again and the same segments found on them
    assert outcome == "returned"
    reopened = window.current_analysis()
    assert reopened.orders is not None and reopened.table.n_rows == 60
    assert reopened.k == shown.k
    assert list(reopened.segmentation.row_segments) == list(shown.segmentation.row_segments)
    assert rfm_tab_shown(window)
    assert not window.document.stale


def test_the_lines_can_be_used_as_they_are_again(qtbot, window, wait_for_task, many_log):
    open_log(wait_for_task, window, many_log)
    dialog = open_dialog(qtbot, window)
    wait_for_count(qtbot, dialog, "<b>60 customers</b>")
    accept(qtbot, wait_for_task, window, dialog)
    try_k_from(window, 3, 3)
    find_segments(qtbot, wait_for_task, window)

    # When the user goes back to the lines
    qtbot.mouseClick(find(window, QAbstractButton, "ordersLinesButton"), Qt.LeftButton)

    # Then the file's lines are shown as they are, with no customers' results and no RFM tab
    assert data_headers(window) == SHOP_HEADER.split(",")
    assert window.current_analysis() is None
    assert not rfm_tab_shown(window)
    assert not window.document.settings.orders.enabled
    # and the bar offers the customers again
    assert "This file looks like order lines" in text_of(window, "ordersBannerLabel")


def test_making_the_customers_can_be_cancelled(qtbot, window, wait_for_task, many_log):
    open_log(wait_for_task, window, many_log)

    # When the customers are being made and the user cancels
    outcome = wait_for_task(window, "orders", lambda: (
        window.make_customers(OrderSettings(enabled=True)), window.cancel()))

    # Then nothing changed: the lines are still shown, and the bar still offers the customers
    assert outcome == "cancelled"
    assert data_headers(window) == SHOP_HEADER.split(",")
    assert window.document.orders is None
    assert "This file looks like order lines" in text_of(window, "ordersBannerLabel")
    assert find(window, QAbstractButton, "runButton").isEnabled()


def test_closing_the_dialog_stops_its_count(qtbot, window, wait_for_task, many_log):
    open_log(wait_for_task, window, many_log)
    outcome = wait_for_task(window, "orders-preview", lambda: (
        open_dialog(qtbot, window), find(window, QWidget, "ordersDialog").reject()))
    assert outcome == "cancelled"
    assert window.findChild(QWidget, "ordersDialog") is None or \
        not window.findChild(QWidget, "ordersDialog").isVisible()


def test_a_log_with_every_line_after_the_as_of_day_says_so(qtbot, window, wait_for_task,
                                                            shop_log):
    open_log(wait_for_task, window, shop_log)
    dialog = open_dialog(qtbot, window)
    wait_for_count(qtbot, dialog, "<b>4 customers</b>")
    find(dialog, QCheckBox, "ordersAsOfAutoCheck").setChecked(False)
    find(dialog, QDateEdit, "ordersAsOfEdit").setDate(QDate(2023, 12, 31))
    text = wait_for_count(qtbot, dialog, "after the as-of day")
    assert "Every dated line of orders.csv is after the as-of day 2023-12-31" in text
    assert not find(dialog, QAbstractButton, "ordersOkButton").isEnabled()
    assert len(SHOP_LINES) == 13


def test_a_log_whose_every_line_is_quoted_whole_shows_the_columns_inside_the_quotes(
        qtbot, window, wait_for_task, tmp_path):
    # Given the shop's log with every line wrapped in quotes (as some exports write it)
    quoted = "".join(f'"{line}"\n' for line in SHOP_LOG.splitlines())
    open_log(wait_for_task, window, write_log(tmp_path, quoted))
    # Then it is recognised as order lines, and the dialog lists the columns inside the quotes
    assert banner_shown(window)
    dialog = open_dialog(qtbot, window)
    assert combo_texts(dialog)["customer"] == "Customer"
    wait_for_count(qtbot, dialog, "<b>4 customers</b> from 11 of 13 order lines.")
