"""Order logs made into customers: every rule of the README's "Order logs" on small hand-made
logs with known answers (tests/order_logs.py), the shared retail sample against an independent
pandas computation, dates read day first or written two ways, whole-row-quoted files, and every
kind of bad input counted and explained."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from order_logs import (SHOP_AS_OF, SHOP_CUSTOMERS, SHOP_EXPECTED, SHOP_LOG, many_customers_log,
                        shop_log_with, write_log)

from custseg_gui.core import rfm
from custseg_gui.core.errors import Cancelled, UserError
from custseg_gui.core.pipeline import analyse, order_defaults, run
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import AnalysisSettings, Cap, LoadSettings, OrderSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.sources.orders import (CUSTOMER_COLUMNS, DEFAULT_FEATURES, FREQUENCY,
                                             MONETARY, RECENCY, RFM_SEGMENT, OrderColumns,
                                             customers_from_orders, detect_order_columns)

RETAIL = "online_retail_rfm_sample_latin1.csv"


def customers_of(path, settings: OrderSettings = OrderSettings(), load=LoadSettings()):
    return customers_from_orders(load_table(path, load), settings, day_first=load.day_first)


def column(ordered, name) -> list:
    """A column of the customer table as a user reads it in customers.csv."""
    return list(ordered.customers.raw[name])


@pytest.fixture
def shop(tmp_path):
    return customers_of(write_log(tmp_path))


# --- the rules, on the shop's log ----------------------------------------------------------------

def test_one_row_per_customer_with_its_id_exactly_as_written(shop):
    # Given the shop's log, when its lines are made into customers, then there is one row per
    # customer who bought something, in order of first appearance, the ID as written (00017)
    assert column(shop, "Customer") == SHOP_CUSTOMERS
    assert list(shop.customers.raw.columns) == ["Customer", *CUSTOMER_COLUMNS]


@pytest.mark.parametrize("name", [name for name in SHOP_EXPECTED if name != RFM_SEGMENT])
def test_every_customer_figure_has_its_known_answer(shop, name):
    # Given the shop's log, then each customer's figure is the one worked out by hand
    values = shop.customers.frame[name]
    expected = SHOP_EXPECTED[name]
    if name.endswith("purchase"):
        assert [day.date().isoformat() for day in values] == expected
        assert column(shop, name) == expected
    else:
        assert values.to_numpy() == pytest.approx(expected)


def test_recency_is_counted_to_the_day_after_the_latest_date_in_the_file(shop):
    # Given a log whose latest line (2024-03-10) has no customer, then the as-of day is the
    # day after it, and the summary says it was not chosen
    assert shop.as_of == dt.date.fromisoformat(SHOP_AS_OF)
    assert shop.summary()["as_of"] == SHOP_AS_OF and shop.summary()["as_of_chosen"] is False


def test_a_line_amount_is_quantity_times_price_or_the_amount_column(tmp_path):
    # Given the same sales with an amount column instead of quantity and price
    rows = [line.split(",") for line in SHOP_LOG.splitlines()[1:]]
    text = "Invoice,Customer,Date,Amount\n" + "".join(
        f"{invoice},{customer},{date},{float(quantity) * float(price):.2f}\n"
        for invoice, customer, date, quantity, price, _product in rows)
    # When it is made into customers, then the amount column is used and the net spend is the same
    ordered = customers_of(write_log(tmp_path, text))
    assert ordered.columns.amount == "Amount" and ordered.columns.quantity is None
    assert list(ordered.customers.frame[MONETARY]) == SHOP_EXPECTED[MONETARY]


def test_without_an_order_column_an_order_is_one_customers_lines_of_one_date_and_time(tmp_path):
    # Given the log without its invoice numbers (each invoice has its own date and time)
    text = "\n".join(line.split(",", 1)[1] for line in SHOP_LOG.splitlines()) + "\n"
    # When it is made into customers
    ordered = customers_of(write_log(tmp_path, text))
    # Then the orders, and so every figure, are the same
    assert ordered.columns.order is None
    for name in (FREQUENCY, "Returns (orders)", RECENCY):
        assert list(ordered.customers.frame[name]) == SHOP_EXPECTED[name]


def test_a_column_set_to_none_is_not_detected_again(tmp_path):
    # Given the shop's log, whose invoice numbers are detected
    path = write_log(tmp_path, shop_log_with({3: "C1003,C1,2024-01-10 09:00,-1,10.00,Mug"}))
    assert customers_of(path).columns.order == "Invoice"
    # When the user says there is no order column (the window's "(none)", --order "")
    ordered = customers_of(path, OrderSettings(enabled=True, order=""))
    # Then none is used: C1's return on the time of its first purchase joins that order
    assert ordered.columns.order is None
    assert ordered.settings.order == ""
    assert column(ordered, "Returns (orders)")[0] == "0"
    assert ordered.matches(OrderSettings(enabled=True, order=""))
    # and a customer column set to none is named as missing
    with pytest.raises(UserError, match="recognised as the customer"):
        customers_of(path, OrderSettings(enabled=True, customer=""))


def test_an_order_totalling_zero_is_a_return_not_a_purchase(shop):
    # C5's order 1009 (a card bought and returned at once) totals 0: a return
    c5 = SHOP_CUSTOMERS.index("C5")
    assert shop.customers.frame[FREQUENCY].iat[c5] == 1
    assert shop.customers.frame["Returns (orders)"].iat[c5] == 1


def test_a_customer_with_only_returns_is_left_out_and_counted_with_its_lines(shop):
    # C4 only returned a vase: no row, counted, and its line says why
    assert "C4" not in column(shop, "Customer")
    assert shop.customers_only_returns == 1
    assert shop.rows_left_out["only_returns"] == 1
    c4_line = 8
    assert shop.line_customers[c4_line] == -1
    assert shop.line_reason_texts()[c4_line] == "The customer only returned goods (no purchase)"


def test_lines_without_a_customer_are_left_out_and_counted(shop):
    assert shop.rows == 13 and shop.rows_without_customer == 1 and shop.rows_used == 11
    assert shop.line_reason_texts()[12] == "No customer"
    assert "1 line without a customer" in shop.describe()


def test_each_line_knows_the_row_of_its_customer(shop):
    # Given the lines in file order, then each used line points at its customer's row
    assert list(shop.line_customers) == [0, 0, 0, 0, 1, 2, 2, 2, -1, 3, 3, 3, -1]


def test_an_as_of_day_leaves_out_later_lines_and_counts_them(tmp_path):
    # Given the shop's log analysed as of 2024-03-05 (a line on that day still counts)
    ordered = customers_of(write_log(tmp_path), OrderSettings(as_of=dt.date(2024, 3, 5)))
    # Then the 3 lines after it are left out (C2's only order, 00017's 1007, the bag without a
    # customer counts as without a customer first), and recency is counted to that day
    assert ordered.rows_left_out["after_as_of"] == 2
    assert ordered.rows_without_customer == 1
    assert column(ordered, "Customer") == ["C1", "00017", "C5"]
    assert list(ordered.customers.frame[RECENCY]) == [4, 19, 60]
    assert ordered.summary()["as_of_chosen"] is True
    assert ordered.line_reason_texts()[4] == "Dated after the as-of day (2024-03-05)"


# --- RFM scores and segments -------------------------------------------------------------------

def test_a_score_is_one_plus_the_fifths_of_customers_strictly_worse():
    # Given 10 customers' net spends with ties
    spends = np.array([5, 5, 5, 10, 20, 20, 30, 40, 50, 60])
    # Then each score is 1 + floor(5 x strictly worse / 10): equal values share a score
    assert list(rfm.scores(spends)) == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    # and for recency fewer days is better
    assert list(rfm.scores(np.array([1, 1, 3, 7, 30]), fewer_is_better=True)) == [
        4, 4, 3, 2, 1]


def test_a_five_beats_at_least_80_percent_of_customers():
    values = np.arange(1, 101)
    scores = rfm.scores(values)
    assert values[scores == 5].min() == 81  # 80 customers are strictly below it
    assert np.bincount(scores)[1:].tolist() == [20, 20, 20, 20, 20]


# The grid exactly as the issue words it.
GRID_WORDS = {
    (1, 2): {(1, 2): "Hibernating", (3, 4): "At risk", (5, 5): "Can't lose them"},
    (3, 3): {(1, 2): "About to sleep", (3, 3): "Need attention", (4, 5): "Loyal customers"},
    (4, 4): {(1, 1): "Promising", (2, 3): "Potential loyalists", (4, 5): "Loyal customers"},
    (5, 5): {(1, 1): "New customers", (2, 3): "Potential loyalists", (4, 5): "Champions"},
}
GRID_CELLS = [(r, f, name) for (r_low, r_high), row in GRID_WORDS.items()
              for (f_low, f_high), name in row.items()
              for r in range(r_low, r_high + 1) for f in range(f_low, f_high + 1)]


@pytest.mark.parametrize("r, f, name", GRID_CELLS)
def test_the_rfm_segment_of_each_cell_of_the_grid(r, f, name):
    assert rfm.segment_of(r, f) == name


def test_the_grid_has_25_cells_and_10_segments():
    assert len(GRID_CELLS) == 25 and len(set(GRID_CELLS)) == 25
    assert set(rfm.RFM_SEGMENTS) == {name for _r, _f, name in GRID_CELLS}


def test_every_customer_has_the_rfm_segment_of_its_r_and_f_scores(shop):
    assert column(shop, RFM_SEGMENT) == SHOP_EXPECTED[RFM_SEGMENT]
    assert shop.rfm_counts() == {**{name: 0 for name in rfm.RFM_SEGMENTS}, "At risk": 1,
                                 "Promising": 1, "Loyal customers": 1, "Hibernating": 1}


# --- the shared retail sample against an independent computation -------------------------------

def independent_rfm(path) -> pd.DataFrame:
    """Recency, frequency and net spend by the rules, with plain pandas."""
    lines = pd.read_csv(path, encoding="latin-1", dtype={"InvoiceNo": str, "CustomerID": str})
    lines["InvoiceDate"] = pd.to_datetime(lines["InvoiceDate"], format="%m/%d/%Y %H:%M")
    as_of = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    lines = lines.dropna(subset=["CustomerID"]).assign(
        amount=lambda frame: frame["Quantity"] * frame["UnitPrice"])
    orders = lines.groupby(["CustomerID", "InvoiceNo"]).agg(
        total=("amount", "sum"), day=("InvoiceDate", "min")).reset_index()
    purchases = orders[orders["total"] > 0]
    customers = purchases.groupby("CustomerID").agg(frequency=("total", "size"),
                                                     last=("day", "max"))
    customers["recency"] = (as_of - customers["last"].dt.normalize()).dt.days
    customers["monetary"] = lines.groupby("CustomerID")["amount"].sum()
    count = len(customers)
    # Strictly worse: fewer (more days for recency); equal values share a score.
    worse = {"recency": count - customers["recency"].rank(method="max"),
             "frequency": customers["frequency"].rank(method="min") - 1,
             "monetary": customers["monetary"].rank(method="min") - 1}
    for name, key in (("recency", "R"), ("frequency", "F"), ("monetary", "M")):
        customers[key] = (1 + (5 * worse[name]) // count).astype(int)
    customers.attrs["as_of"] = as_of
    return customers


@pytest.mark.shared_data
def test_the_shared_retail_sample_matches_an_independent_computation(shared_file):
    # Given the shared Online Retail sample (300 customers, 1,532 lines without a customer)
    path = shared_file(RETAIL)
    expected = independent_rfm(path)
    # When CustSeg makes its lines into customers
    ordered = customers_of(path)
    frame = ordered.customers.frame.set_index("CustomerID")
    # Then every customer and figure agrees with plain pandas and the data README's table
    assert ordered.rows == 35_329 and ordered.rows_without_customer == 1_532
    assert len(frame) == len(expected) == 300 and ordered.customers_only_returns == 0
    assert ordered.as_of.isoformat() == expected.attrs["as_of"].date().isoformat() == "2011-12-10"
    frame = frame.loc[expected.index]
    assert frame[RECENCY].tolist() == expected["recency"].tolist()
    assert frame[FREQUENCY].tolist() == expected["frequency"].tolist()
    assert frame[MONETARY].to_numpy() == pytest.approx(expected["monetary"].to_numpy(), abs=1e-6)
    assert frame[RECENCY].median() == 54.5 and frame[RECENCY].min() == 1
    assert frame[RECENCY].max() == 374
    assert frame[FREQUENCY].sum() == 1_483 and frame[FREQUENCY].max() == 124
    assert frame[MONETARY].sum() == pytest.approx(637_839.32, abs=0.005)
    assert frame[MONETARY].median() == pytest.approx(645.30)
    assert frame[MONETARY].max() == pytest.approx(113_384.14)
    for key, name in (("R", "R score"), ("F", "F score"), ("M", "M score")):
        assert frame[name].tolist() == expected[key].tolist()
    summary = ordered.summary()
    assert summary["score_counts"] == {"R": [60, 60, 62, 58, 60], "F": [102, 65, 34, 44, 55],
                                       "M": [60, 60, 60, 60, 60]}
    independent_segments = pd.Series([rfm.segment_of(r, f) for r, f in
                                      zip(expected["R"], expected["F"])]).value_counts()
    assert summary["rfm_segments"] == {name: int(independent_segments.get(name, 0))
                                       for name in rfm.RFM_SEGMENTS}
    assert summary["rfm_segments"] == {
        "Champions": 43, "Loyal customers": 43, "Potential loyalists": 34, "New customers": 6,
        "Promising": 11, "Need attention": 13, "About to sleep": 30, "At risk": 18,
        "Can't lose them": 3, "Hibernating": 99}


@pytest.mark.shared_data
def test_the_shared_retail_sample_is_detected_as_order_lines(shared_file):
    table = load_table(shared_file(RETAIL))
    assert detect_order_columns(table) == OrderColumns(
        customer="CustomerID", date="InvoiceDate", order="InvoiceNo", quantity="Quantity",
        price="UnitPrice")


# --- dates -------------------------------------------------------------------------------------

def test_day_first_dates_are_read_day_first(tmp_path):
    # Given the shop's log with dates written day first (13/01 can only be read so)
    def day_first(line):
        fields = line.split(",")
        day = dt.datetime.strptime(fields[2], "%Y-%m-%d %H:%M")
        fields[2] = day.strftime("%d/%m/%Y %H:%M")
        return ",".join(fields)

    text = "\n".join([SHOP_LOG.splitlines()[0], *map(day_first, SHOP_LOG.splitlines()[1:])])
    text += "\n1012,C2,13/01/2024 09:00,1,1.00,Pen\n"
    # When it is made into customers, then 01/03/2024 is the 1st of March, as the file means
    ordered = customers_of(write_log(tmp_path, text))
    assert column(ordered, "Last purchase")[:3] == ["2024-03-01", "2024-03-09", "2024-03-08"]
    assert column(ordered, "First purchase")[1] == "2024-01-13"
    assert list(ordered.customers.frame[RECENCY]) == SHOP_EXPECTED[RECENCY]


def test_dates_that_never_say_their_order_follow_the_dates_setting(tmp_path):
    # Given dates that read either way (no day above 12)
    text = ("Invoice,Customer,Date,Amount\n1,A,01/02/2024,10\n2,A,03/04/2024,10\n"
            "3,B,05/06/2024,10\n")
    path = write_log(tmp_path, text)
    # Then day first makes the last purchase of A the 3rd of April, month first the 4th of March
    day_first = customers_of(path, load=LoadSettings(day_first=True))
    month_first = customers_of(path, load=LoadSettings(day_first=False))
    assert column(day_first, "Last purchase") == ["2024-04-03", "2024-06-05"]
    assert column(month_first, "Last purchase") == ["2024-03-04", "2024-05-06"]


def test_dates_written_two_ways_are_both_read_and_the_ways_counted(tmp_path):
    # Given a log whose dates are mostly ISO, two written day first
    text = shop_log_with({0: "1001,C1,10/01/2024 09:00,2,10.00,Mug",
                          1: "1001,C1,10/01/2024 09:00,1,5.50,Tea"},
                         extra=["1012,C2,25/02/2024 10:00,1,1.00,Pen"])
    ordered = customers_of(write_log(tmp_path, text))
    # Then every date is read (25/02 can only be day first, so 10/01 is the 10th of January)
    assert column(ordered, "First purchase")[:2] == ["2024-01-10", "2024-02-25"]
    assert ordered.rows_left_out["unreadable_date"] == 0
    # and the note says how many lines were written which way
    assert any("written in 2 ways: 11 lines year first (like 2011-12-31), 3 lines day first "
               "(like 31/12/2011)" in note for note in ordered.notes)


def test_a_date_that_cannot_be_read_or_is_missing_leaves_its_line_out_with_the_reason(
        tmp_path):
    text = shop_log_with({2: "1002,C1,soon,3,4.00,Spoon", 6: "1006,00017,,2,8.00,Cake"})
    ordered = customers_of(write_log(tmp_path, text))
    assert ordered.rows_left_out["unreadable_date"] == 1
    assert ordered.rows_left_out["no_date"] == 1
    reasons = ordered.line_reason_texts()
    assert reasons[2] == "Date could not be read" and reasons[6] == "No date"
    # C1's last purchase is now its first order
    assert column(ordered, "Last purchase")[0] == "2024-01-10"


# --- file shapes ---------------------------------------------------------------------------------

def test_a_file_whose_every_line_is_quoted_whole_is_read_inside_the_quotes(tmp_path):
    # Given the shop's log with each whole line in quotes (as some exports write it)
    quoted = "".join(f'"{line}"\n' for line in SHOP_LOG.splitlines())
    ordered = customers_of(write_log(tmp_path, quoted))
    # Then the columns inside the quotes are found and every answer is the same
    assert ordered.columns.customer == "Customer" and ordered.columns.price == "Price"
    assert column(ordered, "Customer") == SHOP_CUSTOMERS
    assert list(ordered.customers.frame[MONETARY]) == SHOP_EXPECTED[MONETARY]
    assert "wrapped in quotes" in " ".join(ordered.lines.report.notes)


def test_a_table_of_customers_is_not_taken_for_order_lines(tmp_path):
    text = "CustomerID,Date joined,Spend\nA,2024-01-01,10\nB,2024-01-02,20\nC,2024-01-03,30\n"
    assert detect_order_columns(load_table(write_log(tmp_path, text))) is None


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, missing", [
    ("Invoice,Buyer name,Date,Quantity,Price,Product", "the customer"),
    ("Invoice,Customer,Shipped,Quantity,Price,Product", "the date of each sale"),
    ("Invoice,Customer,Date,N,Each,Product", "the amount (or the quantity and the unit "
                                                   "price)"),
])
def test_a_missing_column_is_named_with_what_to_do(tmp_path, header, missing):
    # Given a log whose customer, date or amount column is not recognisable by its name
    text = shop_log_with(header=header)
    if "Shipped" in header:  # no dates at all then: a text column named like nothing
        text = text.replace("2024-", "day 2024-")
    table = load_table(write_log(tmp_path, text))
    # When it is made into customers, then one message names what is missing
    with pytest.raises(UserError) as raised:
        customers_from_orders(table)
    message = str(raised.value)
    assert f"No column of these order lines could be recognised as {missing}." in message
    assert "The columns are: " + ", ".join(header.split(",")) in message
    # and detection says the same, for the window's dialog
    detected = detect_order_columns(table)
    if detected is not None:
        assert missing in detected.reason


def test_naming_the_columns_overrides_detection(tmp_path):
    text = shop_log_with(header="Invoice,Buyer name,Shipped,Pieces,Euros,Product")
    ordered = customers_of(write_log(tmp_path, text), OrderSettings(
        customer="Buyer name", date="Shipped", quantity="Pieces", price="Euros"))
    assert list(ordered.customers.frame[MONETARY]) == SHOP_EXPECTED[MONETARY]


def test_a_named_column_that_is_not_there_is_refused_naming_the_columns(tmp_path):
    table = load_table(write_log(tmp_path))
    with pytest.raises(UserError, match="The order lines have no column named 'Client' \\(given "
                                        "as the customer column\\). The columns are: Invoice, "
                                        "Customer, Date, Quantity, Price, Product."):
        customers_from_orders(table, OrderSettings(customer="Client"))


def test_an_amount_column_of_text_is_refused(tmp_path):
    table = load_table(write_log(tmp_path))
    with pytest.raises(UserError, match="The column 'Product', chosen as the amount, does not "
                                        "hold numbers \\(for example 'Mug'\\)"):
        customers_from_orders(table, OrderSettings(amount="Product"))


def test_negative_prices_and_zero_quantities_are_kept_counted_and_explained(tmp_path):
    # Given a bad-debt adjustment (negative price) and a line of quantity 0
    text = shop_log_with(extra=["1013,C2,2024-03-09 11:00,1,-30.00,Adjust bad debt",
                                "1014,00017,2024-03-08 09:00,0,8.00,Cake"])
    ordered = customers_of(write_log(tmp_path, text))
    notes = " ".join(ordered.notes)
    assert "1 line has a negative 'Price'; its amount counts against the customer's net " \
           "spend." in notes
    assert "1 line has a 'Quantity' of 0" in notes
    # C2's adjustment is an order totalling -30: a return, lowering the net spend to 70
    c2 = SHOP_CUSTOMERS.index("C2")
    assert ordered.customers.frame[MONETARY].iat[c2] == 70
    assert ordered.customers.frame["Returns (orders)"].iat[c2] == 1
    # 00017's order of nothing is a return too
    assert ordered.customers.frame["Returns (orders)"].iat[2] == 1
    assert ordered.rows_used == 13


def test_every_line_after_the_as_of_day_is_refused_with_what_to_do(tmp_path):
    table = load_table(write_log(tmp_path))
    with pytest.raises(UserError, match="Every dated line of orders.csv is after the as-of day "
                                        "2023-12-31. Choose a later as-of day"):
        customers_from_orders(table, OrderSettings(as_of=dt.date(2023, 12, 31)))


def test_lines_without_any_customer_are_refused(tmp_path):
    text = shop_log_with({position: ",".join(line.split(",")[:1] + [""] + line.split(",")[2:])
                          for position, line in enumerate(SHOP_LOG.splitlines()[1:])})
    table = load_table(write_log(tmp_path, text))
    with pytest.raises(UserError, match="None of the 13 lines of orders.csv has a customer in "
                                        "'Customer'"):
        customers_from_orders(table, OrderSettings(customer="Customer"))


def test_a_log_of_only_returns_is_refused(tmp_path):
    text = shop_log_with({position: line.replace(",1,", ",-1,").replace(",2,", ",-2,")
                          .replace(",3,", ",-3,")
                          for position, line in enumerate(SHOP_LOG.splitlines()[1:])})
    table = load_table(write_log(tmp_path, text))
    with pytest.raises(UserError, match="bought anything: every order totals 0 or less"):
        customers_from_orders(table)


def test_the_order_log_is_never_changed(tmp_path):
    path = write_log(tmp_path, many_customers_log())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run(path, AnalysisSettings(orders=OrderSettings(enabled=True), k_max=4))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# --- progress and cancel -------------------------------------------------------------------------

def test_progress_is_reported_and_a_cancel_stops_the_order_stage(tmp_path):
    table = load_table(write_log(tmp_path, many_customers_log()))
    seen = []
    customers_from_orders(table, progress=Progress(lambda fraction, _message: seen.append(
        fraction)))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(Cancelled):
        customers_from_orders(table, progress=Progress(is_cancelled=lambda: True))


# --- the analysis of an order log ----------------------------------------------------------------

@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    path = write_log(tmp_path_factory.mktemp("orders"), many_customers_log(120))
    return run(path, AnalysisSettings(orders=OrderSettings(enabled=True), k_max=5))


def test_an_order_log_is_segmented_on_recency_frequency_and_net_spend(analysed):
    # Then the features are the three RFM columns, the skewed ones on a log scale, and the
    # settings as run name the columns that were detected
    assert analysed.settings.features == DEFAULT_FEATURES
    assert analysed.settings.log == (FREQUENCY, MONETARY)
    assert analysed.settings.orders == OrderSettings(
        enabled=True, customer="Customer", date="Date", order="Invoice", quantity="Quantity",
        price="Price")
    assert analysed.table is analysed.orders.customers
    assert analysed.source is analysed.orders.lines
    assert len(analysed.segmentation.row_segments) == analysed.orders.customers.n_rows == 120


def test_each_segment_profile_has_its_mix_of_rfm_segments(analysed):
    codes = analysed.orders.rfm_codes
    for profile in analysed.insights.profiles:
        assert list(profile.rfm_segments) == list(rfm.RFM_SEGMENTS)
        assert sum(profile.rfm_segments.values()) == pytest.approx(1.0)
        members = codes[analysed.segmentation.row_segments == profile.number]
        for position, name in enumerate(rfm.RFM_SEGMENTS):
            assert profile.rfm_segments[name] == pytest.approx(np.mean(members == position))


def test_another_number_of_segments_reuses_the_customers(analysed):
    again = analyse(analysed.source, replace(analysed.settings, k=2), previous=analysed)
    assert again.orders is analysed.orders and again.search is analysed.search
    assert again.k == 2


def test_chosen_features_and_no_log_scale_are_kept(analysed):
    settings = AnalysisSettings(orders=OrderSettings(enabled=True), k_max=4,
                                features=(RECENCY, MONETARY))
    result = analyse(analysed.source, settings)
    assert result.settings.features == (RECENCY, MONETARY) and result.settings.log == ()


def test_a_net_spend_made_negative_by_returns_is_lifted_to_its_1st_percentile_for_the_log(
        tmp_path):
    # Given 120 customers, one of whom returned more than they bought (net spend -95)
    text = many_customers_log(120) + ("9001,NEG,2024-05-01 10:00,1,5.00,Card\n"
                                      "C9002,NEG,2024-05-02 10:00,-1,100.00,Lamp\n")
    ordered = customers_of(write_log(tmp_path, text))
    assert ordered.customers.frame[MONETARY].min() == -95
    # When the analysis takes its defaults, then net spend is capped at its 1st percentile
    # below only (the big spenders are left to the log scale), and both are chosen fixes
    settings = order_defaults(AnalysisSettings(orders=OrderSettings(enabled=True)),
                              ordered.customers)
    assert settings.log == (FREQUENCY, MONETARY)
    assert settings.cap == (Cap(MONETARY, 1.0, 100.0),)
    result = analyse(ordered.lines, replace(settings, k_max=4), ordered=ordered)
    assert result.orders is ordered and result.prepared.matrix.min() > -10


def test_a_saved_analysis_remembers_the_order_settings(analysed, tmp_path):
    from custseg_gui.core.session import SavedAnalysis, load_analysis, save_analysis

    # Given an order log's analysis as run, with a chosen as-of day
    settings = replace(analysed.settings, orders=replace(analysed.settings.orders,
                                                         as_of=dt.date(2024, 12, 31)))
    report = analysed.table.report
    # When it is saved and opened again
    save_analysis(tmp_path / "orders.custseg", SavedAnalysis(report.path, report.sha256, settings))
    saved = load_analysis(tmp_path / "orders.custseg")
    # Then every order setting comes back, and the data file is the order log itself
    assert saved.settings == settings
    assert saved.settings.orders.enabled and saved.settings.orders.customer == "Customer"
    assert saved.data_path == str(analysed.source.report.path)
    assert saved.data_sha256 == analysed.source.report.sha256


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["Mall_Customers.csv", "Wholesale customers data.csv",
                                  "CC GENERAL.csv", "marketing_campaign_semicolon.csv"])
def test_the_shared_customer_tables_are_not_taken_for_order_lines(shared_file, name):
    # Given a table of customers (marketing_campaign even has a date and a spend column)
    table = load_table(shared_file(name))
    # Then no bar would offer to read it as order lines
    assert detect_order_columns(table) is None


def test_the_sample_customers_are_not_taken_for_order_lines(sample_csv):
    assert detect_order_columns(load_table(sample_csv)) is None
