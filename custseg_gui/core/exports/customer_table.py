"""customers.csv: an order log's customers, one row each: the customer ID exactly as written,
recency, frequency, net spend, ..., R/F/M scores and RFM segment, then Segment and Segment name.
An analysis of a table of customers has no such file (segments.csv is its customer list)."""

from __future__ import annotations

from pathlib import Path

from custseg_gui.core.exports.customers import (CustomerList, check_list,
                                               with_columns, write_csv)
from custseg_gui.core.exports.segment_columns import customer_segment_columns

FILE = "customers.csv"


def customer_rows(result, names: dict[int, str]) -> CustomerList:
    """One row per customer as written, with their segment (and why some have none), for the
    streamed writers (customers.csv, the workbook's Customers sheet): the table's own columns,
    never copied."""
    return with_columns(result.table.raw, customer_segment_columns(result, names))


def files(context) -> list[str]:
    return [FILE] if context.result.orders is not None else []


def write(staging, folder: Path, context, progress) -> None:
    if context.result.orders is None:
        return
    rows = customer_rows(context.result, context.segment_names)
    staging.write(folder / FILE, lambda handle: write_csv(handle, rows, progress,
                                                          context.csv_encoding))


def check(folder: Path, context) -> None:
    """One row per customer, each ID as written, with a segment."""
    if context.result.orders is not None:
        check_list(folder / FILE, context.result.table.raw, context.result.k)
