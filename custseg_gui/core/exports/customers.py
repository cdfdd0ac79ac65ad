"""segments.csv: every customer as in the file, with their segment (and why some have none); for
an order log every order line, with its customer's segment and RFM segment."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from custseg_gui.core.exports.segment_columns import segment_columns, written_rows

# Text that a spreadsheet would read as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TEXT = re.compile(r"^\s*[-+]?(\d[\d,. ]*|[.,]\d+)([eE][-+]?\d+)?\s*%?\s*$")
FILE = "segments.csv"


def neutralize_formulas(column: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would evaluate (=, +, -, @, tab, return).

    Genuine numbers, negative ones included, are left alone.
    """
    text = column.astype(str)
    risky = text.str.startswith(FORMULA_START) & ~text.str.match(NUMBER_TEXT)
    return text.where(~risky, "'" + text) if risky.any() else column


def labelled_customers(result, names: dict[int, str]) -> pd.DataFrame:
    """Every input row and column as read, plus Segment, Segment name (RFM segment for order
    lines) and Left out because."""
    table = written_rows(result).copy()
    for name, values in segment_columns(result, names).items():
        table[free_column_name(name, table.columns)] = values
    return table


def free_column_name(name: str, taken) -> str:
    """`name`, or `name (2)`, ... when the input already has a column of that name."""
    taken, candidate, copy = set(taken), name, 2
    while candidate in taken:
        candidate, copy = f"{name} ({copy})", copy + 1
    return candidate


def customers_csv_bytes(customers: pd.DataFrame) -> bytes:
    """The customer list as UTF-8 CSV, formula-like text neutralized."""
    safe = customers.apply(neutralize_formulas)
    safe.columns = [neutralize_formulas(pd.Series([name])).iat[0] for name in customers.columns]
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE,
                  lambda handle: handle.write(customers_csv_bytes(context.customers)))


def check(folder: Path, context) -> None:
    """Every row back, the file's own cells exactly as written, each with its segment."""
    written = pd.read_csv(folder / FILE, dtype=str, keep_default_na=False)
    raw = written_rows(context.result)
    if len(written) != len(raw):
        raise AssertionError(f"{FILE} has {len(written)} rows, expected {len(raw)}")
    first = raw.columns[0]
    if list(written.iloc[:, 0]) != list(neutralize_formulas(raw[first])):
        raise AssertionError(f"{FILE} changed the cells of {first}")
    numbers = {str(number) for number in range(1, context.result.k + 1)}
    if not set(written["Segment"]) - {""} == numbers:
        raise AssertionError(f"{FILE} has segments {sorted(set(written['Segment']))}")
