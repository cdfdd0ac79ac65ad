"""A made-up order log in the UCI Online Retail layout, for benchmarks: one line per item sold.

    InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country

Made from a fixed seed, so the same size is the same file on every machine. Like the real
file: about 120 lines per customer and 20 lines per invoice; how often a customer orders is
heavy-tailed (most customers order once or twice, a few every week); each customer is active
over a window of the year, so recency and tenure spread out; about 8% of a customer's invoices
are cancellations (`C` + number, negative quantities); about a quarter of the lines have no
customer; dates are written `M/D/YYYY H:MM`; Latin-1 text, and descriptions with commas are
quoted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 15
LINES_PER_CUSTOMER = 120
LINES_PER_INVOICE = 20
NO_CUSTOMER_SHARE = 0.25
CANCELLED_SHARE = 0.08
PRODUCTS = 4_000
FIRST_DAY = np.datetime64("2010-12-01")
DAYS = 374
COUNTRIES = np.array(["United Kingdom"] * 9 + ["Germany", "France", "EIRE", "Spain",
                                               "Netherlands", "Belgium", "Switzerland"])
WORDS = np.array(["WHITE", "HANGING", "HEART", "T-LIGHT", "HOLDER", "METAL", "LANTERN", "CREAM",
                  "CUPID", "COAT", "HANGER", "KNITTED", "UNION", "FLAG", "BOTTLE", "RED",
                  "RETROSPOT", "CAKE", "CASE", "JUMBO", "BAG", "VINTAGE", "PAISLEY", "MUG",
                  "SET/4", "GLASS", "CANDLE", "BOX", "PARIS", "DAYS", "LUNCH", "PINK"])


def _products(rng: np.random.Generator) -> pd.DataFrame:
    words = rng.choice(WORDS, size=(PRODUCTS, 3))
    descriptions = pd.Series(words[:, 0]) + " " + words[:, 1] + " " + words[:, 2]
    # A few descriptions hold a comma (quoted in the file) or a pound sign (Latin-1).
    descriptions[rng.random(PRODUCTS) < 0.03] += ",ASSORTED"
    descriptions[rng.random(PRODUCTS) < 0.01] += " £1 OFF"
    codes = pd.Series(np.arange(20_000, 20_000 + PRODUCTS)).astype(str)
    codes[rng.random(PRODUCTS) < 0.3] += "A"
    prices = np.round(rng.lognormal(0.9, 0.8, PRODUCTS), 2).clip(0.1, 200)
    return pd.DataFrame({"code": codes, "description": descriptions, "price": prices})


def make_order_log(lines: int, seed: int = SEED) -> pd.DataFrame:
    """`lines` order lines, as text cells ready to be written."""
    rng = np.random.default_rng(seed)
    customers = max(50, lines // LINES_PER_CUSTOMER)
    invoices = max(10, lines // LINES_PER_INVOICE * 11 // 10)
    # Who orders: heavy-tailed activity, each customer within a window of the year.
    activity = rng.lognormal(0.0, 1.2, customers)
    start = rng.integers(0, DAYS - 1, customers)
    length = np.minimum(DAYS - start, rng.integers(1, DAYS, customers))
    ids = rng.choice(np.arange(12_000, 12_000 + 4 * customers), customers, replace=False)
    home = rng.choice(COUNTRIES, customers)
    known = rng.random(invoices) >= NO_CUSTOMER_SHARE
    buyer = rng.choice(customers, invoices, p=activity / activity.sum())
    # Every customer orders at least once (a log has only customers who bought something).
    buyer[:customers] = np.arange(customers)
    known[:customers] = True
    minutes = ((start[buyer] + rng.random(invoices) * length[buyer]).astype(np.int64) * 1440
               + rng.integers(8 * 60, 18 * 60, invoices))
    order = np.argsort(minutes, kind="stable")
    minutes, buyer, known = minutes[order], buyer[order], known[order]
    cancelled = known & (rng.random(invoices) < CANCELLED_SHARE)
    size = np.maximum(1, rng.geometric(1 / LINES_PER_INVOICE, invoices))
    size[cancelled] = np.maximum(1, size[cancelled] // 4)
    invoice = np.repeat(np.arange(invoices), size)[:lines]
    if len(invoice) < lines:  # too few invoices drawn: the last one takes the rest
        invoice = np.concatenate([invoice, np.full(lines - len(invoice), invoices - 1)])

    products = _products(rng)
    popularity = 1.0 / np.arange(1, PRODUCTS + 1) ** 0.8
    item = rng.choice(PRODUCTS, lines, p=popularity / popularity.sum())
    quantity = np.maximum(1, rng.geometric(0.15, lines)) * rng.choice([1, 1, 1, 2, 6, 12], lines)
    line_cancelled = cancelled[invoice]
    quantity = np.where(line_cancelled, -quantity, quantity)
    line_known = known[invoice]
    number = (536_365 + invoice).astype(str)
    invoice_no = np.where(line_cancelled, np.char.add("C", number), number)
    stamp = FIRST_DAY + minutes[invoice].astype("timedelta64[m]")
    when = pd.DatetimeIndex(stamp)
    dates = (pd.Series(when.month.astype(str)) + "/" + when.day.astype(str) + "/"
             + when.year.astype(str) + " " + when.hour.astype(str) + ":"
             + pd.Series(when.minute).map("{:02d}".format))
    customer_id = np.where(line_known, ids[buyer[invoice]].astype(str), "")
    country = np.where(line_known, home[buyer[invoice]], "United Kingdom")
    return pd.DataFrame({
        "InvoiceNo": invoice_no, "StockCode": products["code"].to_numpy()[item],
        "Description": products["description"].to_numpy()[item], "Quantity": quantity,
        "InvoiceDate": dates.to_numpy(), "UnitPrice": products["price"].to_numpy()[item],
        "CustomerID": customer_id, "Country": country})


def write_order_log(path: Path, lines: int, seed: int = SEED) -> Path:
    """Write the log once; an existing file of that name is taken as already made."""
    path = Path(path)
    if not path.exists():
        frame = make_order_log(lines, seed)
        partial = path.with_suffix(".part")
        frame.to_csv(partial, index=False, encoding="latin-1", lineterminator="\n")
        partial.rename(path)
    return path
