"""Column roles: which columns can describe customers, and why the others cannot."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
# The same words run into another, as languages write them: Kundennummer, klantnummer, numéro.
_ID_ENDINGS = ("nummer", "number", "numero", "número", "nr", "id")
_DISTINCT_NUMBER_REASON = ("Every customer has a different whole number here, like a customer "
                           "or card number, so it identifies customers rather than describing "
                           "them.")


# What a numeric column measures, when that changes how it is advised on and shown.
FLAG, COUNT, YEAR = "flag", "count", "year"
# Whole numbers 0, 1, ... up to this many values are a count whatever the column's name.
MAX_SMALL_COUNT = 5

# The usual choice leaves out a column with more customers missing than this: with the usual
# "leave out customers with a gap", one column must not cost more than a small share of them.
MAX_MISSING_SHARE = 0.05

_OUTCOME_WORDS = {"response", "responded", "churn", "churned", "target", "label", "outcome",
                  "converted", "conversion", "purchased", "bought", "clicked", "default",
                  "defaulted", "fraud", "result", "success"}


@dataclass(frozen=True)
class ColumnInfo:
    """What one column is, and whether it can be a segmentation feature."""

    name: str
    role: Role
    missing: int
    distinct: int
    reason: str | None = None  # why it cannot be a feature; None when usable
    measure: str = ""  # FLAG (0/1 yes/no), COUNT (a small count like children), YEAR or ""
    rows: int = 0  # rows of the table, to give the missing share
    left_out_by_default: str | None = None  # why the usual choice does not tick it

    @property
    def usable(self) -> bool:
        return self.reason is None

    @property
    def role_text(self) -> str:
        """The role as the column list shows it."""
        if self.role is Role.NUMERIC and self.measure == FLAG:
            return "yes/no"
        return self.role.value


def _looks_like_id_name(name: str) -> bool:
    """`CustomerID`, `CUST_ID`, `Invoice No`, `id_client`, `Kundennummer`: the name ends (or
    starts) with an ID word."""
    words = [word for word in re.split(r"[^a-zà-ÿ0-9]+",
                                       re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()) if word]
    if not words:
        return False
    return (words[-1] in _ID_WORDS or words[0] in {"id", "key"}
            or (len(words[-1]) > 6 and words[-1].endswith(_ID_ENDINGS[:4]))
            or (len(words[-1]) > 4 and words[-1].endswith("nr")))


def _looks_like_outcome_name(name: str) -> bool:
    """`Response`, `Churn`, `is_churned`, `Converted`: the result a campaign or model is about."""
    words = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())
    return any(word in _OUTCOME_WORDS for word in words)


def _distinct_identifying_numbers(values: np.ndarray) -> bool:
    """Distinct whole numbers that number customers rather than measure them: the rows counted
    in order (1, 2, 3, ...), a run of customer numbers as close together as a customer list's
    (within twice their count, on a list long enough for a measure to have repeated itself),
    or long numbers all of the same length (card and account numbers)."""
    if len(values) < 20 or len(np.unique(values)) != len(values):
        return False
    if np.all(np.diff(values) == 1) and values[0] in (0, 1):
        return True
    low, high = float(values.min()), float(values.max())
    dense = len(values) >= 100 and low >= 0 and (high - low + 1) <= 2 * len(values)
    digits = np.unique(np.floor(np.log10(np.maximum(np.abs(values), 1)))).size == 1
    long_numbers = low >= 1e7 and digits
    return dense or long_numbers


def _measure(name: str, present: np.ndarray, whole: bool) -> str:
    """FLAG for a 0/1 column, YEAR for years, COUNT for a small count, else ""."""
    values = np.unique(present)
    if whole and len(values) == 2 and set(values.tolist()) <= {0.0, 1.0}:
        return FLAG
    if whole and re.search(r"year|\bjahr|\bann[ée]e|yob|birth", name.lower()) and \
            values.min() >= 1800 and values.max() <= 2200:
        return YEAR
    # A small count (children at home 0/1/2): a few whole numbers in a row from 0, or a run
    # under a name that counts; a longer run, or one from 1, under another name may be levels
    # or codes (Tier 1/2/3, Level 0-9).
    in_a_row = whole and np.array_equal(values, np.arange(values.min(),
                                                          values.min() + len(values)))
    if in_a_row and len(values) <= MAX_CODES and not _looks_like_code_name(name) and \
            values.min() in (0, 1) and (_looks_like_count_name(name) or
                                        (values.min() == 0 and len(values) <= MAX_SMALL_COUNT)):
        return COUNT
    return ""


_COUNT_WORDS = {"num", "number", "count", "kids", "kid", "children", "child", "home", "visits",
                "orders", "purchases", "times", "qty", "quantity", "members", "people",
                "persons", "household", "cars", "pets", "products", "items", "accounts"}


def _looks_like_count_name(name: str) -> bool:
    words = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower())
    return any(word in _COUNT_WORDS or word.endswith("home") for word in words)


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
    """Decide the role of one typed column, and whether the usual choice ticks it."""
    info = _role(name, values)
    return replace(info, rows=len(values),
                   left_out_by_default=_left_out_by_default(info, len(values)))


def _role(name: str, values: pd.Series) -> ColumnInfo:
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
        numbers = present.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):  # infinity has no remainder; prep refuses it later
            whole_numbers = bool(np.all(np.mod(numbers, 1) == 0))
        # A whole-number code named like an ID identifies customers even when it repeats, as in a
        # transaction log where one customer has many rows.
        code_like = whole_numbers and _looks_like_id_name(name) and (
            unique_per_row or distinct > MAX_CATEGORIES)
        row_counter = (unique_per_row and whole_numbers and _looks_like_row_number_name(name)
                       and _is_row_counter(values))
        if code_like or row_counter:
            return ColumnInfo(name, Role.IDENTIFIER, missing, distinct, _ID_REASON)
        if unique_per_row and whole_numbers and _distinct_identifying_numbers(numbers):
            return ColumnInfo(name, Role.IDENTIFIER, missing, distinct, _DISTINCT_NUMBER_REASON)
        if whole_numbers and distinct <= MAX_CODES and _looks_like_code_name(name):
            # `Channel` 1/2, `Region` 1/2/3: numbers standing for groups, not amounts.
            return ColumnInfo(name, Role.CATEGORICAL, missing, distinct)
        return ColumnInfo(name, Role.NUMERIC, missing, distinct,
                          measure=_measure(name, numbers, whole_numbers))
    if unique_per_row or (distinct == len(present) and _looks_like_id_name(name)):
        return ColumnInfo(name, Role.IDENTIFIER, missing, distinct, _ID_REASON)
    if distinct <= MAX_CATEGORIES and distinct < len(present):
        return ColumnInfo(name, Role.CATEGORICAL, missing, distinct)
    return ColumnInfo(name, Role.TEXT, missing, distinct,
                      f"It holds free text ({distinct:,} different values), which K-Means cannot "
                      "measure.")


def _left_out_by_default(info: ColumnInfo, rows: int) -> str | None:
    """Why the usual choice leaves a usable number column unticked, or None when it ticks it."""
    if not info.usable or info.role is not Role.NUMERIC:
        return None
    if _looks_like_outcome_name(info.name):
        return ("It looks like an outcome (such as who responded or left): its share in each "
                "segment is shown in the profiles, which says more than grouping by it. Tick "
                "it to group by it anyway.")
    if info.measure == FLAG:
        return ("It is a yes/no column: grouping by it would mostly split the yes from the no. "
                "Its share in each segment is shown in the profiles; tick it to group by it.")
    if rows and info.missing / rows > MAX_MISSING_SHARE:
        return (f"{info.missing:,} customers ({info.missing / rows:.0%}) have no value here, and "
                "would be left out of the segments. Tick it to use it anyway, or fill the gaps "
                "(Missing values).")
    return None


def describe_columns(table: LoadedTable) -> tuple[ColumnInfo, ...]:
    """The role of every column of a loaded table, in file order, from its customers: the rows
    the loader found are not customers (a total row) count neither as values nor as gaps."""
    frame = table.customer_frame()
    return tuple(describe_column(name, frame[name]) for name in frame.columns)


def default_features(columns: tuple[ColumnInfo, ...]) -> tuple[str, ...]:
    """The usual choice: every usable numeric column, except yes/no flags, outcomes and
    columns with many gaps (each says why in `left_out_by_default`). When that leaves
    nothing, the numeric columns that are not outcomes: a choice with gaps beats none."""
    numbers = [info for info in columns if info.usable and info.role is Role.NUMERIC]
    chosen = tuple(info.name for info in numbers if info.left_out_by_default is None)
    return chosen or tuple(info.name for info in numbers
                           if not _looks_like_outcome_name(info.name))
