"""Small customer data sets made by the tests themselves, with the answers known in advance.

Every data set comes from a fixed seed, so it is the same on every machine, and is small (tens
to a few hundred customers) so a whole analysis of it takes about a second. None needs
../shared/data: tests built on these run in a plain clone.

The main one, `four_groups()`, holds four well-separated groups of customers written to the
file smallest group first and in no order of size, so that "Segment 1 is the largest" is only
true if CustSeg renumbers what K-Means finds:

| order | group          | size | Age | Income (k$) | Spending | what a name says                 |
| ----- | -------------- | ---- | --- | ----------- | -------- | -------------------------------- |
| 1st   | CAREFUL_RICH   |  14  | 52  |     95      |    15    | older, high income, low spending |
| 2nd   | AVERAGE        |  46  | 38  |     60      |    55    | (close to the average customer)  |
| 3rd   | YOUNG_SPENDERS |  24  | 23  |     25      |    85    | young, low income, high spending |
| 4th   | PREMIUM        |  34  | 37  |     95      |    85    | high income, high spending       |

(Spending is the `Spending Score` column.)
so the segments by size are AVERAGE (1), PREMIUM (2), YOUNG_SPENDERS (3), CAREFUL_RICH (4).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

AGE, INCOME, SPENDING = "Age", "Income (k$)", "Spending Score"


@dataclass(frozen=True)
class Group:
    """A group of customers around a centre: how many, and the centre of each column."""

    name: str
    size: int
    centre: dict[str, float]


CAREFUL_RICH = Group("careful rich", 14, {AGE: 52, INCOME: 95, SPENDING: 15})
AVERAGE = Group("average", 46, {AGE: 38, INCOME: 60, SPENDING: 55})
YOUNG_SPENDERS = Group("young spenders", 24, {AGE: 23, INCOME: 25, SPENDING: 85})
PREMIUM = Group("premium", 34, {AGE: 37, INCOME: 95, SPENDING: 85})
FOUR_GROUPS = (CAREFUL_RICH, AVERAGE, YOUNG_SPENDERS, PREMIUM)  # in file order
BY_SIZE = (AVERAGE, PREMIUM, YOUNG_SPENDERS, CAREFUL_RICH)  # Segment 1, 2, 3, 4
# How far customers stray from their group's centre, per column (standard deviation).
SPREAD = {AGE: 2.0, INCOME: 4.0, SPENDING: 4.0}


def grouped_customers(groups=FOUR_GROUPS, spread=None, seed: int = 1) -> pd.DataFrame:
    """Customers of `groups`, group after group in file order, with an ID 0001, 0002, ...

    Values are rounded to one decimal (as a user's export would write them), ages to whole
    years. The frame has a `Group` column saying which group each customer was made in: the
    known answer, which `write_csv` leaves out of the file unless asked.
    """
    spread = spread or SPREAD
    rng = np.random.default_rng(seed)
    columns = list(groups[0].centre)
    parts = []
    for group in groups:
        values = {name: rng.normal(group.centre[name], spread[name], group.size)
                  for name in columns}
        part = pd.DataFrame(values)
        part["Group"] = group.name
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    for name in columns:
        frame[name] = frame[name].round(0).astype("Int64") if name == AGE \
            else frame[name].round(1)
    frame.insert(0, "CustomerID", [f"{number:04d}" for number in range(1, len(frame) + 1)])
    return frame


def four_groups(seed: int = 3) -> pd.DataFrame:
    """The four groups of the table above (118 customers).

    Seed 3 makes a data set whose groups K-Means itself (seed 42, the default) labels in an
    order other than by size (tests/core/test_segment.py checks this), so a report that forgot
    to renumber the segments by size would show it."""
    return grouped_customers(FOUR_GROUPS, seed=seed)


def group_rows(frame: pd.DataFrame, group: Group) -> np.ndarray:
    """Row positions (0-based, in file order) of the customers made in `group`."""
    return np.flatnonzero(frame["Group"].to_numpy() == group.name)


def with_gaps(frame: pd.DataFrame, gaps: dict[int, tuple[str, ...]]) -> pd.DataFrame:
    """A copy with the given cells emptied: row position -> columns left empty."""
    gapped = frame.copy()
    for row, columns in gaps.items():
        for column in columns:
            gapped.loc[row, column] = np.nan
    return gapped


def with_measures(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A copy with a yes/no flag (`Complain`, about 30% yes), a birth year (`Year_Birth`) and a
    small count (`Kidhome`, 0 to 2) beside the other columns: one column of each kind a
    profile shows in its own way."""
    measured = frame.copy()
    rng = np.random.default_rng(seed)
    measured["Complain"] = (rng.random(len(measured)) < 0.3).astype(int)
    measured["Year_Birth"] = rng.integers(1940, 2000, len(measured))
    measured["Kidhome"] = rng.integers(0, 3, len(measured))
    return measured


def skewed_money(rows: int = 120, seed: int = 3) -> np.ndarray:
    """A money column as shops see it: most customers spend a little, a few a great deal
    (log-normal, skewness well above 2), never negative."""
    return np.round(np.random.default_rng(seed).lognormal(3.5, 1.0, rows), 2)


def symmetric(rows: int = 120, seed: int = 4, centre: float = 50.0,
              spread: float = 10.0) -> np.ndarray:
    """A bell-shaped column (skewness near 0) with no extreme values."""
    return np.round(np.random.default_rng(seed).normal(centre, spread, rows), 1)


def zeros_and_spenders(rows: int, spenders: int, amount: float = 500.0) -> np.ndarray:
    """`spenders` customers who spent `amount` and the rest nothing: a column whose skewness is
    set exactly by the share of spenders (14 of 100 gives 2.11, 15 of 100 gives 1.99)."""
    values = np.zeros(rows)
    values[:spenders] = amount
    return values


def codes(rows: int, values=(1, 2, 3), seed: int = 5) -> np.ndarray:
    """Whole-number codes (like a region or a plan), evenly spread over `values`."""
    return np.random.default_rng(seed).permutation(np.resize(np.asarray(values), rows))


def write_csv(frame: pd.DataFrame, folder: Path, name: str = "customers.csv",
              keep_group: bool = False) -> Path:
    """Write `frame` as a comma-separated file (the known-answer `Group` column left out unless
    `keep_group`); an empty cell for a missing value."""
    written = frame if keep_group or "Group" not in frame else frame.drop(columns="Group")
    path = Path(folder) / name
    written.to_csv(path, index=False, lineterminator="\n")
    return path


def write_columns(folder: Path, columns: dict[str, np.ndarray],
                  name: str = "customers.csv") -> Path:
    """A file of the given columns, after a CustomerID 0001, 0002, ..."""
    rows = len(next(iter(columns.values())))
    frame = pd.DataFrame(columns)
    frame.insert(0, "CustomerID", [f"{number:04d}" for number in range(1, rows + 1)])
    return write_csv(frame, folder, name)


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file as the exact text of its cells (header first)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def no_groups(rows: int = 150, seed: int = 0) -> pd.DataFrame:
    """Customers spread evenly over income and spending, with no groups at all: how K-Means
    splits them depends on where it starts, so the random seed decides the segments."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({INCOME: rng.uniform(15, 140, rows).round(1),
                          SPENDING: rng.uniform(1, 100, rows).round(1)})
    frame.insert(0, "CustomerID", [f"{number:04d}" for number in range(1, rows + 1)])
    return frame
