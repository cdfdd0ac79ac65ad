"""Which customers are used, which are left out and why, and how gaps are filled."""

from __future__ import annotations

import numpy as np
import pytest
from made_data import INCOME, SPENDING, four_groups, with_gaps, write_csv

from custseg_gui.core.columns import describe_columns

from custseg_gui.core.sources import load_table
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import PrepSettings

FEATURES = ("Age", INCOME, SPENDING)
# Rows (0-based) of the made-up file with gaps, all in the AVERAGE group.
GAPS = {20: (INCOME,), 33: (SPENDING,), 41: (INCOME, SPENDING)}


@pytest.fixture(scope="module")
def gapped(tmp_path_factory):
    """The four made-up groups with 3 customers missing income and/or spending, loaded."""
    frame = with_gaps(four_groups(), GAPS)
    table = load_table(write_csv(frame, tmp_path_factory.mktemp("prep")))
    return frame, table, describe_columns(table)


def prepared_with(gapped, missing: str, features=FEATURES):
    _frame, table, columns = gapped
    return prepare(table, columns, PrepSettings(features=features, missing=missing))


def test_customers_with_a_gap_are_left_out_with_the_column_named(gapped):
    # When customers with a gap in a chosen column are left out (the default)
    prepared = prepared_with(gapped, "drop")

    # Then exactly the 3 customers with gaps are left out, each with its own reason
    assert prepared.left_out.to_dict() == {
        20: f"Missing value in {INCOME}",
        33: f"Missing value in {SPENDING}",
        41: f"Missing values in {INCOME}, {SPENDING}"}
    assert len(prepared.rows_used) == 118 - 3
    assert not set(prepared.rows_used) & set(GAPS)
    assert prepared.filled == {}


def test_a_gap_in_a_column_not_chosen_leaves_nobody_out(gapped):
    # When only Age and spending group customers, then the 2 gaps in income do not matter
    prepared = prepared_with(gapped, "drop", features=("Age", SPENDING))
    assert prepared.left_out.to_dict() == {33: f"Missing value in {SPENDING}",
                                           41: f"Missing value in {SPENDING}"}


@pytest.mark.parametrize("missing", ["median", "mean"])
def test_filling_keeps_every_customer_and_counts_the_gaps_per_column(gapped, missing):
    # When gaps are filled instead
    frame, _table, _columns = gapped
    prepared = prepared_with(gapped, missing)

    # Then nobody is left out, and the count of gaps filled is given per column
    assert len(prepared.left_out) == 0
    assert len(prepared.rows_used) == 118
    assert prepared.filled == {INCOME: 2, SPENDING: 2}
    # and each gap holds the column's median or mean (of the customers who have a value)
    statistic = np.nanmedian if missing == "median" else np.nanmean
    values = prepared.original_units
    income, spending = FEATURES.index(INCOME), FEATURES.index(SPENDING)
    assert values[20, income] == pytest.approx(statistic(frame[INCOME].to_numpy(float)))
    assert values[33, spending] == pytest.approx(statistic(frame[SPENDING].to_numpy(float)))
    assert values[41, income] == values[20, income]


def test_median_and_mean_fill_differently_on_a_lopsided_column(gapped):
    # Given incomes in four groups (so their median and mean differ)
    median = prepared_with(gapped, "median").original_units[20, 1]
    mean = prepared_with(gapped, "mean").original_units[20, 1]
    assert abs(median - mean) > 1

