"""Which column of an order log holds what: the customer, the date of the sale, the order
number, and the amount (or the quantity and the unit price); found by the columns' names and
values, changeable by the user (OrderSettings), and named in a message when missing.

Also read here: dates written in more than one way (a column the loader left as text), and
files whose every line is wrapped in quotes.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.parsing import MISSING_TOKENS, guess_day_first
from custseg_gui.core.progress import NO_PROGRESS
from custseg_gui.core.settings import NO_COLUMN, ORDER_ROLES, LoadSettings, OrderSettings
from custseg_gui.core.sources.table import LoadedTable, build_table

# What each column is for, in words: for messages and the window's dialog.
ROLE_WORDS = {"customer": "customer", "date": "date of the sale", "order": "order number",
              "amount": "amount", "quantity": "quantity", "price": "unit price"}


def _words(name: str) -> str:
    """`CustomerID` -> `customer id`, `unit_price` -> `unit price`."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return re.sub(r"[^a-z0-9#]+", " ", spaced.lower()).strip()


_NAMES = {
    "customer": re.compile(r"\b(customer|cust|client|clientid|buyer|member|account|shopper|"
                           r"consumer|kunde|kunden|kundennummer|cliente|email|e mail)\b"),
    "order": re.compile(r"\b(invoice|invoiceno|order|orderid|receipt|transaction|ticket|bill|"
                        r"basket|document|bestellung|rechnung|pedido|factura)\b"),
    "date": re.compile(r"\b(date|time|day|timestamp|datetime|datum|fecha|when|created|placed)\b"),
    "amount": re.compile(r"\b(amount|total|revenue|sales|sale|value|turnover|spend|spent|paid|"
                         r"net|gross|subtotal|sum|betrag|umsatz|importe)\b"),
    "quantity": re.compile(r"\b(qty|quantity|quantities|units|pieces|pcs|menge|cantidad|count)\b"),
    "price": re.compile(r"\b(price|unitprice|rate|cost|preis|precio)\b"),
}
# Words that say a name is about something else (a total quantity is not an amount).
_NOT = {
    "customer": re.compile(r"\b(name|country|city|type|segment|group|since|date)\b"),
    "order": re.compile(r"\b(date|time|day|qty|quantity|amount|total|value|price|line|item|"
                        r"status|type|count)\b"),
    "date": re.compile(r"\b(id|no|number|code)\b"),
    "amount": re.compile(r"\b(qty|quantity|count|units|id|no|number|code|rate|percent|discount|"
                         r"tax rate|unit price|price)\b"),
    "quantity": re.compile(r"\b(price|amount|value|id)\b"),
    "price": re.compile(r"\b(total|id|amount)\b"),
}
_ID_WORDS = re.compile(r"\b(id|no|nr|number|num|code|key|ref|#)\b|id$")


@dataclass(frozen=True)
class OrderColumns:
    """Which column of the order lines holds what (None: not found, or not in the file)."""

    customer: str | None = None
    date: str | None = None
    order: str | None = None
    amount: str | None = None
    quantity: str | None = None
    price: str | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """What must still be chosen: `customer`, `date`, `amount` (or quantity and price)."""
        missing = [role for role in ("customer", "date") if getattr(self, role) is None]
        if self.amount is None:
            if self.quantity is None and self.price is None:
                missing.append("amount")
            else:  # half of quantity x price
                missing += [role for role in ("quantity", "price") if getattr(self, role) is None]
        return tuple(missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def reason(self) -> str | None:
        """What is missing, in a sentence that says what to do; None when nothing is."""
        return missing_message(self.missing) if self.missing else None


def missing_message(missing: tuple[str, ...], columns: list[str] | None = None) -> str:
    words = {"customer": "the customer", "date": "the date of each sale",
             "amount": "the amount (or the quantity and the unit price)",
             "quantity": "the quantity", "price": "the unit price"}
    what = [words[role] for role in missing]
    listed = ", ".join(what[:-1]) + " and " + what[-1] if len(what) > 1 else what[0]
    flags = ", ".join("--amount NAME, or --quantity and --price" if role == "amount"
                      else f"--{role} NAME" for role in missing)
    known = f" The columns are: {', '.join(columns)}." if columns else ""
    return (f"No column of these order lines could be recognised as {listed}. Choose "
            f"{'it' if len(what) == 1 else 'them'} among the columns ({flags} in the report "
            f"command).{known}")


def _repeats(values: pd.Series) -> bool:
    present = values.dropna()
    return len(present) > 1 and present.nunique() < len(present)


def _best(table: LoadedTable, role: str, fits, taken: set[str]) -> str | None:
    """The first column named like `role` that `fits` (its values), ID-like names first."""
    found = []
    for position, name in enumerate(table.frame.columns):
        words = _words(name)
        if name in taken or not _NAMES[role].search(words) or _NOT[role].search(words):
            continue
        if fits(table.frame[name], name):
            found.append((not _ID_WORDS.search(words), position, name))
    return min(found)[2] if found else None


def _numbers(values: pd.Series, _name=None) -> bool:
    return pd.api.types.is_numeric_dtype(values) and values.notna().any()


def _is_date(values: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(values) and values.notna().any()


def _dates_in_text(table: LoadedTable, name: str) -> bool:
    """A text column most of whose first cells read as dates (dates written two ways)."""
    cells = table.raw[name].iloc[:2_000].astype(str).str.strip()
    cells = cells[~cells.isin(MISSING_TOKENS)]
    if cells.empty:
        return False
    return bool(np.isfinite(parse_date_texts(list(cells), None)[0]).mean() >= 0.8)


def guess_order_columns(table: LoadedTable) -> OrderColumns:
    """The best guess of each column's role, None where nothing fits."""
    taken: set[str] = set()

    def pick(role, fits):
        name = _best(table, role, fits, taken)
        if name is not None:
            taken.add(name)
        return name

    date = pick("date", lambda values, name: _is_date(values))
    if date is None:  # no column of dates by name: the first column of dates there is
        date = next((name for name in table.frame.columns if _is_date(table.frame[name])), None)
    if date is None:
        date = pick("date", lambda values, name: values.dtype == object
                    and _dates_in_text(table, name))
    if date is not None:
        taken.add(date)
    customer = pick("customer", lambda values, name: _repeats(values)
                    and not _is_date(values))
    order = pick("order", lambda values, name: not _is_date(values)
                 and not (pd.api.types.is_float_dtype(values)
                          and not np.all(np.mod(values.dropna(), 1) == 0)))
    amount = pick("amount", _numbers)
    quantity = pick("quantity", _numbers)
    price = pick("price", _numbers)
    return OrderColumns(customer=customer, date=date, order=order, amount=amount,
                        quantity=quantity, price=price)


def detect_order_columns(table: LoadedTable) -> OrderColumns | None:
    """The columns of order lines, when the table looks like them: a customer column whose
    values repeat, with a date, and an amount or a quantity and a price. None when it looks like
    a table of customers instead; an OrderColumns whose `reason` says what is missing when only
    part of it was found."""
    table = split_quoted_rows(table) or table
    columns = guess_order_columns(table)
    if columns.customer is None:
        return None
    if columns.date is None and columns.amount is None and columns.quantity is None:
        return None  # a customer column that repeats, and nothing of a sale
    return columns


def resolve_order_columns(table: LoadedTable, settings: OrderSettings) -> OrderColumns:
    """The user's columns over the detected ones; a UserError names a column that is not there
    or what is still missing."""
    names = list(table.frame.columns)
    chosen = settings.chosen_columns()
    for role, name in chosen.items():
        if name != NO_COLUMN and name not in names:
            raise UserError(f"The order lines have no column named '{name}' (given as the "
                            f"{ROLE_WORDS[role]} column). The columns are: {', '.join(names)}.")
    guessed = guess_order_columns(table) if len(chosen) < len(ORDER_ROLES) else OrderColumns()
    values = {role: chosen.get(role, getattr(guessed, role)) for role in ORDER_ROLES}
    values = {role: None if name == NO_COLUMN else name for role, name in values.items()}
    # A detected column is never used twice (a chosen one wins).
    for role in ORDER_ROLES:
        if role not in chosen and values[role] in chosen.values():
            values[role] = None
    if "amount" not in chosen and any(chosen.get(role, NO_COLUMN) != NO_COLUMN
                                      for role in ("quantity", "price")):
        values["amount"] = None  # the user chose to multiply quantity by price
    columns = OrderColumns(**values)
    if columns.missing:
        raise UserError(missing_message(columns.missing, names))
    for role in ("amount", "quantity", "price"):
        name = getattr(columns, role)
        if name is not None and (columns.amount is None or role == "amount"):
            _check_numbers(table, name, role)
    return columns


def _check_numbers(table: LoadedTable, name: str, role: str) -> None:
    values = table.frame[name]
    if pd.api.types.is_numeric_dtype(values) and values.notna().any():
        return
    written = table.raw[name].astype(str).str.strip()
    example = next((cell for cell in written.iloc[:1000] if cell), "")
    raise UserError(f"The column '{name}', chosen as the {ROLE_WORDS[role]}, does not hold "
                    f"numbers (for example '{example}'). Choose the column of the "
                    f"{ROLE_WORDS[role]}.")


# --- whole-row-quoted files ---------------------------------------------------------------------

def split_quoted_rows(table: LoadedTable, day_first: bool | None = None) -> LoadedTable | None:
    """A file whose every line is one quoted field (`"536365,85123A,...,United Kingdom"`) read
    as the columns inside the quotes; None for any other table. Numbers and dates are detected
    again on the columns (`day_first` as the user set it)."""
    if table.raw.shape[1] != 1:
        return None
    header = str(table.raw.columns[0])
    delimiter = next((mark for mark in (",", ";", "\t", "|") if header.count(mark) >= 2), None)
    if delimiter is None:
        return None
    cells = table.raw.iloc[:, 0].astype(str)
    if not (cells.iloc[:200].str.count(re.escape(delimiter)) >= header.count(delimiter)).all():
        return None
    text = "\n".join([header, *cells])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max(len(row) for row in rows)
    grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    report = table.report
    settings = LoadSettings(day_first=day_first)
    notes = [*report.notes, "Every line of the file is wrapped in quotes; the columns inside "
                            "the quotes are read."]
    return build_table(grid, {"file_format": report.file_format, "encoding": report.encoding,
                              "delimiter": delimiter}, Path(report.path), report.sha256,
                       settings, notes, NO_PROGRESS)


# --- dates written in more than one way ------------------------------------------------------

_ISO = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_DMY = re.compile(r"^\d{1,2}([./-])\d{1,2}\1\d{2,4}")
SHAPE_EXAMPLES = {"year first": "2011-12-31", "day first": "31/12/2011",
                  "month first": "12/31/2011", "other": "Dec 31 2011"}
# Any other date names its month in letters: a bare number is not taken for a date.
_WORDY = re.compile(r"[A-Za-z]{3}.*\d|\d.*[A-Za-z]{3}")


def parse_date_texts(texts: list[str], day_first: bool | None
                      ) -> tuple[np.ndarray, np.ndarray, list[str], bool | None]:
    """Seconds since 1970 of each text (NaN where it is no date), the shape of each (index into
    `shapes`), the shapes, and whether day/month dates were read day first."""
    series = pd.Series(texts, dtype=object)
    stamps = np.full(len(texts), np.nan)
    iso = series.str.match(_ISO).to_numpy(dtype=bool)
    dmy = series.str.match(_DMY).to_numpy(dtype=bool)
    wordy = series.str.contains(_WORDY).to_numpy(dtype=bool)
    if dmy.any() and day_first is None:
        day_first = guess_day_first(list(series[dmy]))
        if day_first is None:  # never told: 03.04.2011 is German (day first), 03/04 American
            day_first = _DMY.match(series[dmy].iat[0]).group(1) == "."
    shapes = ["year first", "day first" if day_first else "month first", "other"]
    shape = np.where(iso, 0, np.where(dmy, 1, np.where(wordy, 2, -1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for position, first in ((0, False), (1, bool(day_first)), (2, False)):
            chosen = shape == position
            if not chosen.any():
                continue
            parsed = pd.to_datetime(series[chosen], format="mixed", dayfirst=first,
                                    errors="coerce")
            seconds = parsed.to_numpy(dtype="datetime64[s]").astype("int64").astype(float)
            seconds[parsed.isna().to_numpy()] = np.nan
            stamps[chosen] = seconds
    return stamps, shape, shapes, day_first
