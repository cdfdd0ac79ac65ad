"""Which customers are used, which are left out and why, and how gaps are filled."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from made_data import INCOME, SPENDING, four_groups, with_gaps, write_columns, write_csv

from custseg_gui.core.columns import Role, describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.prep import left_out_summary, prepare
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
    # and the values filled in are kept, to fill a new customer's gaps the same way
    assert prepared.fill_values[INCOME] == pytest.approx(values[20, income])
    assert prepared.fill_values[SPENDING] == pytest.approx(values[33, spending])
    assert prepared.fill_values["Age"] == pytest.approx(statistic(frame["Age"].to_numpy(float)))


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
    # and the bounds are kept, in the data's units, to cap a new customer the same way
    assert prepared.cap_bounds == {"Income": pytest.approx((low, high))}


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


def test_a_column_of_numbers_can_be_treated_as_categories(tmp_path):
    # Given plan numbers 1, 2, 3 (read as numbers) that the user treats as categories
    prepared = prepared_of(tmp_path, {"Plan": [1, 2, 3, 1, 2, 3], "Visits": [1, 2, 3, 4, 5, 6]},
                           ["Plan", "Visits"], categories=("Plan",))

    # Then each plan is a 0/1 column named as written, and its levels are kept for new
    # customers
    assert prepared.matrix_columns == ("Plan = 1", "Plan = 2", "Plan = 3", "Visits")
    assert list(prepared.original_units[:, 1]) == [0, 1, 0, 0, 1, 0]
    assert prepared.levels == {"Plan": ("1", "2", "3")}


def test_the_same_numbers_as_numbers_are_one_column(tmp_path):
    prepared = prepared_of(tmp_path, {"Plan": [1, 2, 3, 1, 2, 3], "Visits": [1, 2, 3, 4, 5, 6]},
                           ["Plan", "Visits"])
    assert prepared.matrix_columns == ("Plan", "Visits")
    assert prepared.levels == {}


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


def test_robust_scaling_divides_by_a_quartile_spread_below_one(tmp_path):
    # Given shares from 0.1 to 0.9 (quartiles 0.3 and 0.7)
    values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    prepared = prepared_of(tmp_path, {"Share": values, "Visits": range(9)},
                           ["Share", "Visits"], scaling="robust")

    # Then they are scaled by that spread, 0.4
    assert prepared.scale[0] == pytest.approx(0.4)


def test_infinite_values_are_refused_with_what_to_do(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("Income,Ratio\n10,1.5\n20,inf\n30,2.5\n40,3.5\n")
    table = load_table(path)
    with pytest.raises(UserError) as raised:
        prepare(table, describe_columns(table), PrepSettings(features=("Income", "Ratio")))
    assert str(raised.value) == ("The column 'Ratio' holds 1 infinite value(s). Replace them "
                                 "with real numbers or leave them empty, then open the file "
                                 "again.")


def test_a_column_the_same_for_every_customer_used_is_refused(tmp_path):
    # Given a tenure that differs only for the customer left out for a missing income
    with pytest.raises(UserError) as raised:
        prepared_of(tmp_path, {"Income": [10, 20, 30, None], "Tenure": [5, 5, 5, 9]},
                    ["Income", "Tenure"])
    assert str(raised.value) == ("Every customer used has the same value in 'Tenure', so it "
                                 "cannot tell them apart. Untick it.")


# --- total rows, and the sentence saying who was left out --------------------------------------

TOTAL = "Total row (labelled 'Total')"


def with_total_row(folder):
    """Six customers (Bob without income, Eve without visits) and a Total row under them."""
    path = folder / "customers.csv"
    path.write_text("Name,Income,Visits\nAnn,10,1\nBob,,2\nCid,30,3\nDan,40,4\nEve,50,\n"
                    "Fay,60,6\nTotal,190,16\n")
    table = load_table(path)
    assert table.left_out.to_dict() == {6: TOTAL}  # (the loader finds the total row)
    return table, describe_columns(table)


def test_a_total_row_is_left_out_with_its_reason_beside_the_gaps(tmp_path):
    # When customers with a gap are left out
    table, columns = with_total_row(tmp_path)
    prepared = prepare(table, columns, PrepSettings(features=("Income", "Visits")))

    # Then the total row is left out too, each row with its reason, and the user reads both
    assert prepared.left_out.to_dict() == {1: "Missing value in Income",
                                           4: "Missing value in Visits", 6: TOTAL}
    assert list(prepared.rows_used) == [0, 2, 3, 5]
    assert left_out_summary(prepared.left_out) == (
        "3 rows were left out: 2 customers because of missing values and 1 total row (not "
        "customers).")


def test_a_total_row_is_left_out_and_not_counted_when_gaps_are_filled(tmp_path):
    # When gaps are filled with the median instead
    table, columns = with_total_row(tmp_path)
    prepared = prepare(table, columns, PrepSettings(features=("Income", "Visits"),
                                                    missing="median"))

    # Then only the total row is left out, and the medians are those of the customers
    assert prepared.left_out.to_dict() == {6: TOTAL}
    assert list(prepared.rows_used) == [0, 1, 2, 3, 4, 5]
    assert prepared.fill_values == {"Income": 40.0, "Visits": 3.0}
    assert prepared.filled == {"Income": 1, "Visits": 1}
    assert left_out_summary(prepared.left_out) == "1 total row (not customers) was left out."


def test_a_column_with_values_only_in_total_rows_cannot_be_filled(tmp_path):
    # Given spending written only in the subtotal and total rows, no customer has one
    path = tmp_path / "customers.csv"
    path.write_text("Name,Income,Spend\nAnn,10,\nBob,20,\nCid,30,\nDan,40,\n"
                    "Subtotal,100,5\nTotal,100,7\n")
    table = load_table(path)
    with pytest.raises(UserError) as raised:
        prepare(table, describe_columns(table), PrepSettings(features=("Income", "Spend"),
                                                             missing="median"))
    # and the column is refused as empty: the total rows' values are no customer's
    assert str(raised.value) == ("The column 'Spend' cannot be used to group customers. It has "
                                 "no values, so it cannot tell customers apart.")


def test_filling_a_column_no_customer_has_is_refused_with_its_name(tmp_path):
    # Given a file where no customer has a spending figure, and column roles that still call
    # Spend a usable number column (as roles read from an earlier file would)
    path = tmp_path / "customers.csv"
    path.write_text("Name,Income,Spend\nAnn,10,\nBob,20,\nCid,30,\nDan,40,\n")
    table = load_table(path)
    roles = tuple(replace(info, role=Role.NUMERIC, reason=None) if info.name == "Spend" else info
                  for info in describe_columns(table))

    # When its gaps are to be filled, then prepare refuses it by name instead of filling every
    # customer with a made-up value
    with pytest.raises(UserError) as raised:
        prepare(table, roles, PrepSettings(features=("Income", "Spend"), missing="median"))
    assert str(raised.value) == "The column 'Spend' has no values at all. Untick it."


@pytest.mark.parametrize("missing, totals, sentence", [
    (0, 0, ""),
    (3, 0, "3 customers were left out because of missing values."),
    (0, 1, "1 total row (not customers) was left out."),
    (0, 2, "2 total rows (not customers) were left out."),
    (1234, 1, "1,235 rows were left out: 1,234 customers because of missing values and 1 total "
              "row (not customers)."),
    (2, 2, "4 rows were left out: 2 customers because of missing values and 2 total rows (not "
           "customers)."),
    (1, 0, "1 customer was left out because of missing values."),
    (2, 0, "2 customers were left out because of missing values."),
    (1, 1, "2 rows were left out: 1 customer because of missing values and 1 total row (not "
           "customers)."),
], ids=["nobody", "gaps", "a total", "two totals", "gaps and a total", "gaps and totals",
        "one customer", "two customers", "one customer and a total"])
def test_the_sentence_saying_how_many_rows_were_left_out_and_why(missing, totals, sentence):
    reasons = ([f"Missing value in {INCOME}"] * missing
               + [TOTAL, "Total row (its numbers are the sums of the rows above)"][:totals])
    assert left_out_summary(pd.Series(reasons, dtype=object)) == sentence


@pytest.mark.parametrize("scaling", ["minmax", "robust"])
def test_customers_can_be_grouped_by_categories_alone(tmp_path, scaling):
    # Given only region codes and a gender, treated as categories, under any scaling
    prepared = prepared_of(tmp_path, {"Region": ["1", "2", "3", "1", "2", "3"],
                                      "Gender": ["F", "M", "F", "M", "F", "F"]},
                           ["Region", "Gender"], categories=("Region",), scaling=scaling)

    # Then each category is a 0/1 column, left unscaled
    assert prepared.matrix_columns == ("Region = 1", "Region = 2", "Region = 3",
                                       "Gender = F", "Gender = M")
    assert list(prepared.matrix[:, 3]) == [1, 0, 1, 0, 1, 1]
    assert list(prepared.scale) == [1.0] * 5

