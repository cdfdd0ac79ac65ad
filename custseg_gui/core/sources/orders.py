"""Order logs: what a shop, till or ERP exports (one line per item sold) made into one row per
customer, scored the standard RFM way.

    order lines (LoadedTable) --customers_from_orders--> OrderedCustomers
        .customers   a LoadedTable, one row per customer: the ID as written, Recency (days),
                     Frequency (orders), Monetary (net spend), ..., R/F/M score, RFM segment
        .line_customers   per order line, the row of its customer (-1: left out, and why)

The rules (README, "Order logs"): a line's amount is its amount column, or quantity x unit
price. An order is one customer's lines with the same order number (without an order column:
the same date and time); an order totalling more than 0 is a purchase, any other a return.
Lines without a customer, without a readable date or amount, or dated after the as-of day are
left out and counted by reason; so are customers who only returned goods. Nothing is dropped
unsaid, and the file is never changed.

Everything works on whole columns (factorize, bincount, searchsorted), in blocks between which
progress is reported and a cancel is noticed. Text is handled once per distinct value (a
customer ID or an order number), not once per line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from custseg_gui.core import rfm
from custseg_gui.core.errors import UserError
from custseg_gui.core.parsing import MISSING_TOKENS
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import ORDER_ROLES, OrderSettings
from custseg_gui.core.sources.order_columns import (
    ROLE_WORDS, SHAPE_EXAMPLES, OrderColumns, detect_order_columns, guess_order_columns,
    missing_message, parse_date_texts, resolve_order_columns, split_quoted_rows)
from custseg_gui.core.sources.table import LoadedTable, LoadReport

__all__ = ["OrderColumns", "OrderedCustomers", "customers_from_orders", "detect_order_columns",
           "guess_order_columns", "resolve_order_columns", "missing_message", "ROLE_WORDS",
           "CUSTOMER_COLUMNS", "DEFAULT_FEATURES", "LEFT_OUT", "RECENCY", "FREQUENCY",
           "MONETARY", "FIRST_PURCHASE", "LAST_PURCHASE", "TENURE", "AVERAGE_ORDER", "RETURNS",
           "R_SCORE", "F_SCORE", "M_SCORE", "RFM_SEGMENT"]

# The customer table's columns, in the user's words (after the customer's own ID column).
RECENCY = "Recency (days)"
FREQUENCY = "Frequency (orders)"
MONETARY = "Monetary (net spend)"
FIRST_PURCHASE = "First purchase"
LAST_PURCHASE = "Last purchase"
TENURE = "Tenure (days)"
AVERAGE_ORDER = "Average order value"
RETURNS = "Returns (orders)"
R_SCORE, F_SCORE, M_SCORE = "R score", "F score", "M score"
RFM_SEGMENT = "RFM segment"
CUSTOMER_COLUMNS = (RECENCY, FREQUENCY, MONETARY, FIRST_PURCHASE, LAST_PURCHASE, TENURE,
                    AVERAGE_ORDER, RETURNS, R_SCORE, F_SCORE, M_SCORE, RFM_SEGMENT)
# What K-Means groups customers by unless the user chooses.
DEFAULT_FEATURES = (RECENCY, FREQUENCY, MONETARY)

# Why an order line is left out: (key in summary.json, words in segments.csv). Code 0 is kept.
LEFT_OUT = (
    ("", ""),
    ("no_customer", "No customer"),
    ("no_date", "No date"),
    ("unreadable_date", "Date could not be read"),
    ("after_as_of", "Dated after the as-of day"),
    ("no_amount", "No amount (or no quantity or price)"),
    ("only_returns", "The customer only returned goods (no purchase)"),
)
KEPT, NO_CUSTOMER, NO_DATE, BAD_DATE, AFTER_AS_OF, NO_AMOUNT, ONLY_RETURNS = range(len(LEFT_OUT))

# The same reasons in a sentence: "1,532 lines without a customer".
LEFT_OUT_PHRASES = {"no_customer": "without a customer", "no_date": "without a date",
                    "unreadable_date": "with a date that could not be read",
                    "after_as_of": "dated after the as-of day", "no_amount": "without an amount",
                    "only_returns": "of customers who only returned goods"}

# Rows handled between two progress reports (and cancel checks).
BLOCK = 250_000
_BLANKS = "\u00a0\u202f\u2009 \t\r\n"


# --- reading the lines' values --------------------------------------------------------------------

def _codes(cells: np.ndarray, progress: Progress, what: str) -> tuple[np.ndarray, list[str]]:
    """Each cell's number among the distinct texts (surrounding blanks ignored), -1 for a missing
    value; and those texts in order of first appearance."""
    index: dict[str, int] = {}
    number = index.setdefault
    codes = np.empty(len(cells), dtype=np.int32)
    for start in range(0, len(cells), BLOCK):
        progress.report(start / max(len(cells), 1), what)
        local, distinct = pd.factorize(cells[start:start + BLOCK], use_na_sentinel=True)
        texts = [cell.strip(_BLANKS) if type(cell) is str else str(cell).strip(_BLANKS)
                 for cell in distinct]
        mapping = np.fromiter((-1 if text in MISSING_TOKENS else number(text, len(index))
                               for text in texts), dtype=np.int32, count=len(texts))
        # factorize's -1 (a None) is missing too: it picks the -1 appended at the end.
        codes[start:start + BLOCK] = np.append(mapping, np.int32(-1))[local]
    return codes, list(index)


@dataclass(frozen=True)
class _Dates:
    seconds: np.ndarray  # int64 seconds since 1970 per line; meaningless where not `readable`
    readable: np.ndarray  # bool
    missing: np.ndarray  # bool: no date written
    note: str | None = None  # how dates written in more than one way were read


def _line_dates(table: LoadedTable, name: str, day_first: bool | None,
                progress: Progress) -> _Dates:
    values = table.frame[name]
    if pd.api.types.is_datetime64_any_dtype(values):  # the loader read every date already
        if getattr(values.dt, "tz", None) is not None:  # days as written, not in UTC
            values = values.dt.tz_localize(None)
        stamps = values.to_numpy(dtype="datetime64[s]")
        readable = ~np.isnat(stamps)
        return _Dates(stamps.astype("int64"), readable, ~readable)
    codes, texts = _codes(table.raw[name].to_numpy(dtype=object), progress,
                          "Reading the dates...")
    if day_first is None:
        day_first = table.report.day_first
    stamps, shape, shapes, day_first = parse_date_texts(texts, day_first)
    # A missing date (code -1) picks the NaN and the no-shape appended at the end.
    line_stamps = np.append(stamps, np.nan)[codes]
    readable = np.isfinite(line_stamps)
    seconds = np.where(readable, line_stamps, 0).astype(np.int64)
    line_shapes = np.append(shape, -1)[codes]
    used = np.bincount(line_shapes[readable], minlength=3)
    note = None
    if (used > 0).sum() > 1:
        ways = [f"{count:,} line{'s' if count != 1 else ''} {shapes[position]} (like "
                f"{SHAPE_EXAMPLES[shapes[position]]})"
                for position, count in enumerate(used) if count]
        note = (f"The dates in '{name}' are written in {(used > 0).sum()} ways: "
                f"{', '.join(ways)}; all of them are read.")
    return _Dates(seconds, readable, codes < 0, note)


def _line_amounts(table: LoadedTable, columns: OrderColumns) -> np.ndarray:
    """Each line's amount: its amount, or quantity x unit price (NaN when it cannot be told)."""
    if columns.amount is not None:
        return table.frame[columns.amount].to_numpy(dtype=float)
    quantity = table.frame[columns.quantity].to_numpy(dtype=float)
    return quantity * table.frame[columns.price].to_numpy(dtype=float)


# --- the customers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderedCustomers:
    """Order lines made into one row per customer, with what was left out and why."""

    requested: OrderSettings  # as given (a column left None: detected)
    settings: OrderSettings  # as used: every column filled in (None: there is none)
    columns: OrderColumns  # as used
    lines: LoadedTable  # the order lines as read (split, when every line was quoted whole)
    customers: LoadedTable  # one row per customer (CUSTOMER_COLUMNS after the ID)
    line_customers: np.ndarray  # per line: row of its customer in `customers`, -1 left out
    line_reasons: np.ndarray  # per line: index into LEFT_OUT (0 = used)
    as_of: dt.date
    as_of_chosen: bool  # False: the day after the latest date in the file
    rfm_codes: np.ndarray  # per customer: position in rfm.RFM_SEGMENTS
    notes: tuple[str, ...] = ()  # odd values that were kept, explained
    customers_only_returns: int = 0
    rows_left_out: dict[str, int] = field(default_factory=dict)  # LEFT_OUT key -> lines
    given: LoadedTable | None = field(default=None, repr=False)  # the table as it was passed

    def made_from(self, table: LoadedTable) -> bool:
        """Whether these customers were made from `table`."""
        return table is self.lines or table is self.given

    @property
    def rows(self) -> int:
        return self.lines.n_rows

    @property
    def rows_without_customer(self) -> int:
        return self.rows_left_out.get("no_customer", 0)

    @property
    def rows_used(self) -> int:
        return self.rows - sum(self.rows_left_out.values())

    @property
    def customer_column(self) -> str:
        return self.customers.frame.columns[0]

    def matches(self, settings: OrderSettings) -> bool:
        """Whether `settings` on the same lines give these customers (switched on or not)."""
        settings = dataclasses.replace(settings, enabled=True)
        return settings in (dataclasses.replace(self.requested, enabled=True), self.settings)

    def rfm_counts(self) -> dict[str, int]:
        return rfm.counts(self.rfm_codes)

    def describe(self) -> str:
        """One line for the window: lines, customers, and what was left out."""
        customers = self.customers.n_rows
        text = f"{self.rows:,} order lines, {customers:,} customer{'s' if customers != 1 else ''}"
        left = self.left_out_words()
        if left:
            text += "; left out: " + left
        if self.customers_only_returns:
            text += (f"; {self.customers_only_returns:,} customer"
                     f"{'s' if self.customers_only_returns != 1 else ''} with only returns "
                     "left out")
        return text + f". Recency is counted to {self.as_of.isoformat()}."

    def left_out_words(self) -> str:
        """`1,532 lines without a customer, 3 lines dated after the as-of day` ('' if none)."""
        return ", ".join(f"{count:,} line{'s' if count != 1 else ''} {LEFT_OUT_PHRASES[key]}"
                         for key, count in self.rows_left_out.items() if count)

    def line_reason_texts(self) -> np.ndarray:
        """Per line, why it was left out ('' when used), for segments.csv."""
        words = np.array([words for _key, words in LEFT_OUT], dtype=object)
        words[AFTER_AS_OF] = f"Dated after the as-of day ({self.as_of.isoformat()})"
        return words[self.line_reasons]

    def summary(self) -> dict:
        """summary.json's `orders` object (keys are only ever added)."""
        score_counts = {
            name: [int(count) for count in np.bincount(
                self.customers.frame[column].to_numpy(dtype=np.int64), minlength=6)[1:]]
            for name, column in (("R", R_SCORE), ("F", F_SCORE), ("M", M_SCORE))}
        return {"rows": self.rows, "rows_used": self.rows_used,
                "rows_without_customer": self.rows_without_customer,
                "rows_left_out": {key: self.rows_left_out.get(key, 0)
                                  for key, _words in LEFT_OUT[2:]},
                "customers": self.customers.n_rows,
                "customers_only_returns": self.customers_only_returns,
                "as_of": self.as_of.isoformat(), "as_of_chosen": self.as_of_chosen,
                "columns": {role: getattr(self.columns, role) for role in ORDER_ROLES},
                "rfm_segments": self.rfm_counts(), "score_counts": score_counts,
                "notes": list(self.notes)}


def customers_from_orders(table: LoadedTable, settings: OrderSettings = OrderSettings(),
                          progress: Progress = NO_PROGRESS,
                          day_first: bool | None = None) -> OrderedCustomers:
    """One row per customer from order lines, by the rules of the module docstring.

    `day_first` reads dates like 03/04/2011 when the file's dates need reading again (the
    load settings' choice; None: as detected)."""
    given, table = table, split_quoted_rows(table, day_first) or table
    columns = resolve_order_columns(table, settings)
    rows = table.n_rows
    progress.report(0.0, "Reading the customers of the order lines...")
    customer_codes, customer_ids = _codes(table.raw[columns.customer].to_numpy(dtype=object),
                                          progress.part(0.0, 0.3), "Reading the customers...")
    dates = _line_dates(table, columns.date, day_first, progress.part(0.3, 0.4))
    amounts = _line_amounts(table, columns)
    notes = []
    if dates.note:
        notes.append(dates.note)
    progress.report(0.4, "Reading the orders...")

    reasons = np.zeros(rows, dtype=np.int8)
    reasons[~np.isfinite(amounts)] = NO_AMOUNT
    reasons[~dates.readable & ~dates.missing] = BAD_DATE
    reasons[dates.missing] = NO_DATE
    if not dates.readable.any():
        raise UserError(f"None of the {rows:,} order lines has a date that can be read in "
                        f"'{columns.date}'. Choose the column of the date of each sale.")
    latest = int(dates.seconds[dates.readable].max())
    latest_day = np.datetime64(latest, "s").astype("datetime64[D]")
    as_of = np.datetime64(settings.as_of, "D") if settings.as_of else latest_day + 1
    # Whole days since 1970 (dates carry no time zone).
    days = (dates.seconds // 86_400).astype(np.int32)
    as_of_number = as_of.astype(np.int64)
    reasons[dates.readable & (days > as_of_number)] = AFTER_AS_OF
    reasons[customer_codes < 0] = NO_CUSTOMER
    progress.report(0.45)

    kept = np.flatnonzero(reasons == KEPT)
    if not len(kept):
        raise UserError(_nothing_left(table, columns, reasons, as_of))
    notes += _odd_values(table, columns, kept)
    customer_of_line = customer_codes[kept]
    # Orders: one customer's lines with one order number, else with one date and time.
    if columns.order is not None:
        order_codes, _numbers = _codes(table.raw[columns.order].to_numpy(dtype=object)[kept],
                                       progress.part(0.45, 0.7), "Reading the orders...")
        unnumbered = order_codes < 0  # a line without an order number: its date and time
        order_codes = np.where(unnumbered, len(_numbers) + pd.factorize(
            dates.seconds[kept])[0], order_codes)
    else:
        order_codes = pd.factorize(dates.seconds[kept])[0]
    progress.report(0.7, "Adding up the orders...")
    pairs = customer_of_line.astype(np.int64) * (int(order_codes.max()) + 1) + order_codes
    order_of_line, _pairs = pd.factorize(pairs)
    del pairs, order_codes
    orders = len(_pairs)
    line_amounts = amounts[kept]
    order_total = np.bincount(order_of_line, weights=line_amounts, minlength=orders)
    order_customer = np.empty(orders, dtype=np.int32)
    order_customer[order_of_line] = customer_of_line
    order_day = np.full(orders, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(order_day, order_of_line, days[kept])
    progress.report(0.8, "Scoring the customers...")

    known = len(customer_ids)
    purchase = order_total > 0
    frequency = np.bincount(order_customer[purchase], minlength=known)
    returns = np.bincount(order_customer[~purchase], minlength=known)
    net = np.bincount(customer_of_line, weights=line_amounts, minlength=known)
    first = np.full(known, np.iinfo(np.int32).max, dtype=np.int32)
    last = np.full(known, np.iinfo(np.int32).min, dtype=np.int32)
    np.minimum.at(first, order_customer[purchase], order_day[purchase])
    np.maximum.at(last, order_customer[purchase], order_day[purchase])
    seen = np.bincount(customer_of_line, minlength=known) > 0
    buyers = np.flatnonzero(frequency > 0)
    only_returns = int((seen & (frequency == 0)).sum())
    if not len(buyers):
        sold = columns.amount or columns.quantity
        raise UserError(f"No customer of these {rows:,} order lines bought anything: every "
                        f"order totals 0 or less (returns). Check that '{sold}' holds what was "
                        "sold.")
    # Customer rows in order of first appearance, buyers only.
    row_of_customer = np.full(known, -1, dtype=np.int64)
    row_of_customer[buyers] = np.arange(len(buyers))
    line_customers = np.full(rows, -1, dtype=np.int32)
    line_customers[kept] = row_of_customer[customer_of_line]
    reasons[kept[line_customers[kept] < 0]] = ONLY_RETURNS

    recency = as_of_number - last[buyers].astype(np.int64)
    tenure = as_of_number - first[buyers].astype(np.int64)
    frequency, returns, net = frequency[buyers], returns[buyers], net[buyers]
    r = rfm.scores(recency, fewer_is_better=True)
    f = rfm.scores(frequency)
    m = rfm.scores(net)
    codes = rfm.segment_codes(r, f)
    progress.report(0.9, "Making the customer table...")
    customers = _customer_table(table, columns, [customer_ids[index] for index in buyers], {
        RECENCY: recency, FREQUENCY: frequency, MONETARY: _money(net),
        FIRST_PURCHASE: first[buyers], LAST_PURCHASE: last[buyers], TENURE: tenure,
        AVERAGE_ORDER: _money(net / frequency), RETURNS: returns,
        R_SCORE: r, F_SCORE: f, M_SCORE: m}, codes, notes)
    counted = np.bincount(reasons, minlength=len(LEFT_OUT))
    progress.report(1.0, "Customers ready")
    # As used: every column found, and none where the user said there is none.
    used = dataclasses.replace(settings, enabled=True, **{
        role: getattr(columns, role) if getattr(columns, role) is not None
        else getattr(settings, role) for role in ORDER_ROLES})
    return OrderedCustomers(
        requested=settings, settings=used, columns=columns, lines=table, customers=customers,
        line_customers=line_customers, line_reasons=reasons,
        as_of=as_of.astype(dt.date), as_of_chosen=settings.as_of is not None,
        rfm_codes=codes, notes=tuple(notes), customers_only_returns=only_returns, given=given,
        rows_left_out={key: int(counted[code]) for code, (key, _words) in enumerate(LEFT_OUT)
                       if code != KEPT})


def _money(values: np.ndarray) -> np.ndarray:
    """Sums of amounts without the last bits of floating-point noise (0.1 + 0.2 = 0.3)."""
    return np.round(values.astype(float), 6) + 0.0  # + 0.0 turns -0.0 into 0.0


def _odd_values(table: LoadedTable, columns: OrderColumns, kept: np.ndarray) -> list[str]:
    """Values that are kept but worth a word: negative prices, quantities of 0."""
    notes = []
    if columns.amount is None:
        price = table.frame[columns.price].to_numpy(dtype=float)[kept]
        quantity = table.frame[columns.quantity].to_numpy(dtype=float)[kept]
        negative = int((price < 0).sum())
        if negative:
            notes.append(f"{negative:,} line{'s have' if negative != 1 else ' has'} a negative "
                         f"'{columns.price}'; {'their' if negative != 1 else 'its'} amount "
                         "counts against the customer's net spend.")
        zero = int((quantity == 0).sum())
        if zero:
            notes.append(f"{zero:,} line{'s have' if zero != 1 else ' has'} a '{columns.quantity}'"
                         " of 0: they add nothing to a customer's spend, and an order of nothing "
                         "else totals 0 and counts as a return.")
    else:
        zero = int((table.frame[columns.amount].to_numpy(dtype=float)[kept] == 0).sum())
        if zero:
            notes.append(f"{zero:,} line{'s have' if zero != 1 else ' has'} an amount of 0: an "
                         "order of nothing else totals 0 and counts as a return.")
    return notes


def _nothing_left(table: LoadedTable, columns: OrderColumns, reasons: np.ndarray,
                  as_of: np.datetime64) -> str:
    counted = np.bincount(reasons, minlength=len(LEFT_OUT))
    name = table.report.file_name
    if counted[NO_CUSTOMER] == len(reasons):
        return (f"None of the {len(reasons):,} lines of {name} has a customer in "
                f"'{columns.customer}'. Choose the column that holds the customer.")
    if counted[AFTER_AS_OF] and counted[AFTER_AS_OF] + counted[NO_CUSTOMER] + counted[
            NO_DATE] + counted[BAD_DATE] == len(reasons):
        return (f"Every dated line of {name} is after the as-of day {as_of.astype(dt.date)}. "
                "Choose a later as-of day, or leave it to CustSeg (the day after the latest "
                "date).")
    parts = [f"{count:,} {words.lower()}" for (key, words), count in zip(LEFT_OUT, counted)
             if key and count]
    return (f"No line of {name} could be used ({', '.join(parts)}). Check the columns chosen "
            "for the customer, the date and the amount.")


def _customer_table(lines: LoadedTable, columns: OrderColumns, ids: list[str],
                    values: dict[str, np.ndarray], codes: np.ndarray,
                    notes: list[str]) -> LoadedTable:
    """The customers as a LoadedTable: typed values and the text a user reads."""
    frame, raw = {}, {}
    name = columns.customer
    frame[name] = pd.Series(ids, dtype=object)
    raw[name] = frame[name]
    for column, numbers in values.items():
        if column in (FIRST_PURCHASE, LAST_PURCHASE):
            days = numbers.astype(np.int64).astype("datetime64[D]")
            frame[column] = pd.Series(days.astype("datetime64[s]"))
            raw[column] = pd.Series(np.datetime_as_string(days), dtype=object)
        elif column in (MONETARY, AVERAGE_ORDER):
            frame[column] = pd.Series(numbers, dtype=float)
            raw[column] = pd.Series([_amount_text(number) for number in numbers], dtype=object)
        else:
            frame[column] = pd.Series(numbers, dtype=float)
            raw[column] = pd.Series(numbers.astype(np.int64).astype(str), dtype=object)
    segments = pd.Series(np.array(rfm.RFM_SEGMENTS, dtype=object)[codes], dtype=object)
    frame[RFM_SEGMENT] = raw[RFM_SEGMENT] = segments
    frame = pd.DataFrame(frame)
    raw = pd.DataFrame(raw)
    unit = lines.report.units.get(columns.amount or columns.price or "", "")
    source = lines.report
    report = LoadReport(
        path=source.path, file_name=source.file_name, sha256=source.sha256,
        file_format=source.file_format, rows=len(frame), columns=frame.shape[1],
        encoding=source.encoding, delimiter=source.delimiter, sheet=source.sheet,
        sheets=source.sheets, header_row=source.header_row,
        number_format=dataclasses.replace(source.number_format, decimal=".", thousands=None),
        day_first=None,
        date_formats={FIRST_PURCHASE: "YYYY-MM-DD", LAST_PURCHASE: "YYYY-MM-DD"},
        units={column: unit for column in (MONETARY, AVERAGE_ORDER)} if unit else {},
        notes=tuple(notes))
    return LoadedTable(raw=raw, frame=frame, report=report)


def _amount_text(number: float) -> str:
    """`645.3`, `12`, `-4.25`: an amount without trailing zeros."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
