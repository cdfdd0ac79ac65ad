"""Which customers are used, which are left out and why, and how gaps are filled."""

from __future__ import annotations

import numpy as np
import pytest
from made_data import INCOME, SPENDING, four_groups, with_gaps, write_columns, write_csv

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import Cap, PrepSettings
from custseg_gui.core.sources import load_table

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



# --- the fixes: log scale, caps, codes as categories ------------------------------------------

def prepared_of(folder, columns: dict, features, **settings):
    """Customers with these columns (after a CustomerID), prepared on `features`."""
    table = load_table(write_columns(folder, columns))
    return prepare(table, describe_columns(table), PrepSettings(features=tuple(features),
                                                               **settings))


def test_log_scale_is_log_of_one_plus_the_value_and_undone_for_profiles(tmp_path):
    # Given spending of 0, 9, 99 and 999, put on a log scale (no other scaling)
    prepared = prepared_of(tmp_path, {"Spend": [0, 9, 99, 999], "Visits": [1, 2, 3, 4]},
                           ["Spend", "Visits"], log=("Spend",), scaling="none")

    # Then K-Means sees log(1 + spending), and the data's own units come back for profiles
    assert prepared.matrix[:, 0] == pytest.approx(np.log([1, 10, 100, 1000]))
    assert prepared.matrix[:, 1] == pytest.approx([1, 2, 3, 4])
    assert prepared.original_units[:, 0] == pytest.approx([0, 9, 99, 999])
    assert prepared.original_units[:, 1] == pytest.approx([1, 2, 3, 4])


def test_log_scale_of_negative_values_is_refused(tmp_path):
    # Given a balance that some customers owe (negative), when it is put on a log scale
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Balance": [-5, 10, 20, 30], "Visits": [1, 2, 3, 4]},
                    ["Balance", "Visits"], log=("Balance",))

    # Then the user is told why not and what to do instead
    assert str(raised.value) == ("'Balance' has negative values, so it cannot be put on a log "
                                 "scale. Use capping instead, or untick the log scale.")


def test_cap_clips_a_column_at_its_percentiles(tmp_path):
    # Given incomes 1 to 99 and one of 10,000, capped at the 5th and 95th percentiles
    incomes = [*range(1, 100), 10_000]
    prepared = prepared_of(tmp_path, {"Income": incomes, "Visits": [1, 2] * 50},
                           ["Income", "Visits"], cap=(Cap("Income", 5, 95),), scaling="none")

    # Then nobody is below the 5th or above the 95th percentile any more; the rest is unchanged
    low, high = np.percentile(incomes, [5, 95])
    assert prepared.matrix[:, 0].min() == pytest.approx(low)
    assert prepared.matrix[:, 0].max() == pytest.approx(high)
    assert prepared.matrix[50, 0] == 51
    assert prepared.matrix[:, 1].max() == 2


@pytest.mark.parametrize("cap", [Cap("Income", 0, 100), Cap("Income", 0, 1), Cap("Income", 99,
                                                                                  100)])
def test_caps_may_go_from_0_to_100(tmp_path, cap):
    # Given caps at the very ends of the allowed range, then they are accepted
    prepared = prepared_of(tmp_path, {"Income": [10, 20, 30, 40], "Visits": [1, 2, 3, 4]},
                           ["Income", "Visits"], cap=(cap,))
    assert len(prepared.rows_used) == 4


@pytest.mark.parametrize("low, high", [(90, 10), (50, 50), (-1, 50), (50, 101)])
def test_caps_outside_0_to_100_or_upside_down_are_refused(tmp_path, low, high):
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Income": [10, 20, 30, 40], "Visits": [1, 2, 3, 4]},
                    ["Income", "Visits"], cap=(Cap("Income", low, high),))
    assert str(raised.value) == (f"The caps for 'Income' must be percentiles from 0 to 100, the "
                                 f"lower below the upper (got {low:g} and {high:g}).")


@pytest.mark.parametrize("fix", [{"log": ("Wage",)}, {"cap": (Cap("Wage"),)},
                                 {"categories": ("Wage",)}], ids=["log", "cap", "category"])
def test_a_fix_of_a_column_the_file_does_not_have_is_refused(tmp_path, fix):
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Income": [10, 20, 30, 40], "Visits": [1, 2, 3, 4]},
                    ["Income", "Visits"], **fix)
    assert str(raised.value) == ("A fix names the column 'Wage', which the file does not have. "
                                 "Check the spelling of the column name.")


@pytest.mark.parametrize("fix", [{"log": ("Gender",)}, {"cap": (Cap("Gender"),)}],
                         ids=["log", "cap"])
def test_log_scale_or_cap_of_a_text_column_is_refused(tmp_path, fix):
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Gender": ["Female", "Male"] * 4, "Visits": [1, 2, 3, 4] * 2},
                    ["Visits"], **fix)
    assert str(raised.value) == ("'Gender' is not a column of numbers, so it cannot be put on a "
                                 "log scale or capped.")


def test_codes_treated_as_categories_are_columns_named_as_written(tmp_path):
    # Given region codes 1, 2, 3 (one missing) treated as categories, gaps filled
    prepared = prepared_of(tmp_path, {"Region": ["1", "2", "3", "1", "", "1"],
                                      "Visits": [1, 2, 3, 4, 5, 6]},
                           ["Region", "Visits"], categories=("Region",), missing="median")

    # Then each code is a 0/1 column named as the file writes it, and the gap holds the most
    # common code
    assert prepared.matrix_columns == ("Region = 1", "Region = 2", "Region = 3", "Visits")
    assert list(prepared.matrix[:, 0]) == [1, 0, 0, 1, 1, 1]
    assert prepared.filled == {"Region": 1}


# --- settings refused -------------------------------------------------------------------------

@pytest.mark.parametrize("settings, message", [
    ({"features": ()}, "No columns are chosen to group customers by. Tick at least one column "
                       "of numbers, such as age, income or spending."),
    ({"missing": "zero"}, "Unknown way to handle missing values 'zero'. Choose one of: drop, "
                          "median, mean."),
    ({"scaling": "log"}, "Unknown scaling 'log'. Choose one of: standard, minmax, robust, none."),
], ids=["no features", "missing", "scaling"])
def test_settings_that_cannot_work_are_refused_with_a_way_out(tmp_path, settings, message):
    table = load_table(write_columns(tmp_path, {"Income": [10, 20, 30], "Visits": [1, 2, 3]}))
    with pytest.raises(UserError) as raised:
        prepare(table, describe_columns(table),
                PrepSettings(**{"features": ("Income", "Visits"), **settings}))
    assert str(raised.value) == message


def test_when_every_customer_has_a_gap_the_user_is_told_to_fill_or_untick(tmp_path):
    # Given income and spending gaps that between them touch every customer
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Income": [1, None, 3, None], "Spend": [None, 2, None, 4]},
                    ["Income", "Spend"])
    assert str(raised.value) == (
        "Every customer has a missing value in a chosen column, so none are left to group. "
        "Untick the columns with many gaps, or fill missing values with the median.")


def test_robust_scaling_of_a_column_mostly_zero_falls_back_to_its_spread(tmp_path):
    # Given a column where more than three quarters of the customers are 0 (no quartile range)
    values = [0, 0, 0, 0, 0, 0, 0, 5, 10]
    prepared = prepared_of(tmp_path, {"Returns": values, "Visits": range(9)},
                           ["Returns", "Visits"], scaling="robust")

    # Then it is scaled by its standard deviation instead of dividing by zero
    assert prepared.scale[0] == pytest.approx(np.std(values))
    assert prepared.scale[1] == pytest.approx(4.0)  # quartiles 2 and 6
    assert np.isfinite(prepared.matrix).all()
