"""customers.csv: an order log's customers, one row each: the customer ID exactly as written,
recency, frequency, net spend, ..., R/F/M scores and RFM segment, then Segment and Segment name.
An analysis of a table of customers has no such file (segments.csv is its customer list)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from custseg_gui.core.exports.customers import free_column_name, neutralize_formulas, \
    with_columns, write_csv
from custseg_gui.core.exports.segment_columns import customer_segment_columns

FILE = "customers.csv"


def customer_table(result, names: dict[int, str]) -> pd.DataFrame:
    """The customers as written, with their segment (and why some have none)."""
    table = result.table.raw.copy()
    for name, values in customer_segment_columns(result, names).items():
        table[free_column_name(name, table.columns)] = values
    return table


def files(context) -> list[str]:
    return [FILE] if context.result.orders is not None else []


def write(staging, folder: Path, context, progress) -> None:
    if context.result.orders is None:
        return
    customers = with_columns(customer_table(context.result, context.segment_names), {})
    staging.write(folder / FILE, lambda handle: write_csv(handle, customers, progress))


def check(folder: Path, context) -> None:
    """One row per customer, each ID as written, with a segment."""
    if context.result.orders is None:
        return
    written = pd.read_csv(folder / FILE, dtype=str, keep_default_na=False)
    customers = context.result.table.raw
    if len(written) != len(customers):
        raise AssertionError(f"{FILE} has {len(written)} rows, expected {len(customers)}")
    first = customers.columns[0]
    if list(written.iloc[:, 0]) != list(neutralize_formulas(customers[first])):
        raise AssertionError(f"{FILE} changed the customer IDs of {first}")
    numbers = {str(number) for number in range(1, context.result.k + 1)}
    if not set(written["Segment"]) - {""} == numbers:
        raise AssertionError(f"{FILE} has segments {sorted(set(written['Segment']))}")
