"""Column roles: which columns can describe customers, and why the others cannot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from custseg_gui.core.sources import LoadedTable


class Role(str, Enum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    IDENTIFIER = "identifier"
    DATE = "date"
    TEXT = "free text"
    CONSTANT = "constant"
    EMPTY = "empty"


USABLE_ROLES = (Role.NUMERIC, Role.CATEGORICAL)

# A text column with at most this many distinct values (and repeated values) is a category.
MAX_CATEGORIES = 30

# Whole numbers with at most this many values, in a column named like a grouping, are codes.
MAX_CODES = 12
_CODE_WORDS = {"channel", "region", "type", "category", "class", "group", "segment", "cluster",
               "status", "zone", "area", "store", "branch", "gender", "sex", "country", "state",
               "city", "department", "sector", "industry"}

_ID_REASON = ("It identifies customers (an ID or code), so it says nothing about what customers "
              "are like.")
_ID_WORDS = {"id", "ids", "key", "uuid", "guid", "no", "nr", "num", "number", "code", "ref"}


@dataclass(frozen=True)
class ColumnInfo:
    """What one column is, and whether it can be a segmentation feature."""

    name: str
    role: Role
    missing: int
    distinct: int
    reason: str | None = None  # why it cannot be a feature; None when usable

    @property
    def usable(self) -> bool:
        return self.reason is None


def _looks_like_id_name(name: str) -> bool:
    """`CustomerID`, `CUST_ID`, `Invoice No`, `id_client`: the name ends (or starts) with an ID word."""
    words = [word for word in re.split(r"[^a-z0-9]+",
                                       re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()) if word]
    return bool(words) and (words[-1] in _ID_WORDS or words[0] in {"id", "key"})


def _looks_like_code_name(name: str) -> bool:
    words = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())
    return any(word in _CODE_WORDS for word in words)


def _looks_like_row_number_name(name: str) -> bool:
    """The header of a row number column: empty (renamed `Column N`), `index`, `#`, `row`..."""
    return bool(re.fullmatch(r"column \d+|index|#|row|rows|row ?(no|nr|number)|n|no|nr|"
                             r"unnamed.*|level_\d+", name.strip().lower()))


def _is_row_counter(values: pd.Series) -> bool:
    """1..n or 0..n-1 in order: a row number exported with the data."""
    if values.isna().any() or len(values) < 3:
        return False
    array = values.to_numpy()
    return bool(np.all(np.diff(array) == 1) and array[0] in (0, 1))


# Rows per step when counting the distinct values of a text column (see _distinct_count).
DISTINCT_BLOCK = 100_000


def _distinct_count(present: pd.Series) -> int:
    """present.nunique(), a block of rows at a time for long text columns: counting a million
    distinct IDs in one call holds Python's interpreter lock for about 150 ms, during which the
    window (opening the file meanwhile) cannot react."""
    if present.dtype != object or len(present) <= DISTINCT_BLOCK:
        return int(present.nunique())
    cells, seen = present.to_numpy(dtype=object), set()
    for start in range(0, len(cells), DISTINCT_BLOCK):
        seen.update(cells[start:start + DISTINCT_BLOCK])
    return len(seen)


def describe_column(name: str, values: pd.Series) -> ColumnInfo:
    """Decide the role of one typed column."""
    rows = len(values)
    present = values.dropna()
    missing = rows - len(present)
    if present.empty:
        return ColumnInfo(name, Role.EMPTY, missing, 0,
                          "It has no values, so it cannot tell customers apart.")
    distinct = _distinct_count(present)
    if distinct == 1:
        return ColumnInfo(name, Role.CONSTANT, missing, 1,
                          f"Every customer has the same value ({present.iloc[0]}), so it cannot "
                          "tell customers apart.")
    unique_per_row = distinct == rows and missing == 0
    if pd.api.types.is_datetime64_any_dtype(values):
        return ColumnInfo(name, Role.DATE, missing, distinct,
                          "It holds dates. A date is not a measure of a customer by itself; "
                          "derive a number from it first (for example days since last purchase).")
    if pd.api.types.is_numeric_dtype(values):
        with np.errstate(invalid="ignore"):  # infinity has no remainder; prep refuses it later
            whole_numbers = bool(np.all(np.mod(present.to_numpy(), 1) == 0))
        # A whole-number code named like an ID identifies customers even when it repeats, as in a
        # transaction log where one customer has many rows.
        code_like = whole_numbers and _looks_like_id_name(name) and (
            unique_per_row or distinct > MAX_CATEGORIES)
        row_counter = (unique_per_row and whole_numbers and _looks_like_row_number_name(name)
                       and _is_row_counter(values))
        if code_like or row_counter:
            return ColumnInfo(name, Role.IDENTIFIER, missing, distinct, _ID_REASON)
        if whole_numbers and distinct <= MAX_CODES and _looks_like_code_name(name):
            # `Channel` 1/2, `Region` 1/2/3: numbers standing for groups, not amounts.
            return ColumnInfo(name, Role.CATEGORICAL, missing, distinct)
        return ColumnInfo(name, Role.NUMERIC, missing, distinct)
    if unique_per_row or (distinct == len(present) and _looks_like_id_name(name)):
        return ColumnInfo(name, Role.IDENTIFIER, missing, distinct, _ID_REASON)
    if distinct <= MAX_CATEGORIES and distinct < len(present):
        return ColumnInfo(name, Role.CATEGORICAL, missing, distinct)
    return ColumnInfo(name, Role.TEXT, missing, distinct,
                      f"It holds free text ({distinct:,} different values), which K-Means cannot "
                      "measure.")


def describe_columns(table: LoadedTable) -> tuple[ColumnInfo, ...]:
    """The role of every column of a loaded table, in file order."""
    return tuple(describe_column(name, table.frame[name]) for name in table.frame.columns)


def default_features(columns: tuple[ColumnInfo, ...]) -> tuple[str, ...]:
    """Every usable numeric column: what is pre-selected when a user has not chosen."""
    return tuple(info.name for info in columns if info.usable and info.role is Role.NUMERIC)
