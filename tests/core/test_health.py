"""Data health: the warnings and one-click fixes offered for each column of a made-up file.

The file holds one column per situation, with a known answer: a skewed money column (log scale
offered), a bell-shaped one (nothing to say), a skewed one with negative values (no log scale),
extreme values (caps offered), whole-number codes (categories offered), and gaps (counted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from made_data import codes, skewed_money, symmetric, write_columns, zeros_and_spenders

from custseg_gui.core.columns import describe_columns

from custseg_gui.core.health import column_health
from custseg_gui.core.sources import load_table

ROWS = 100
LOG_WARNING = ("Lopsided: a few customers have much larger values than the rest (skewness "
               "{skew:.1f}) and would dominate the segments. A log scale evens this out.")


def far_out_column() -> np.ndarray:
    """1..98, one value mildly far out (200) and one far out (400): quartiles 25.75 and 75.25,
    so Tukey's far-out fence (3 quartile ranges) is at 223.75 and the usual 1.5 one at 149.5."""
    return np.concatenate([np.arange(1.0, 99.0), [200.0, 400.0]])


COLUMNS = {
    "Spend": skewed_money(ROWS),
    "Balance": skewed_money(ROWS) - 60,  # as skewed, but some customers owe (negative)
    "Age": symmetric(ROWS),
    "Score": far_out_column(),
    "Tier": codes(ROWS, (1, 2, 3)),
    "Region": codes(ROWS, (1, 2, 3), seed=7),
    "Level": codes(ROWS, tuple(range(10))),
    "Visits": codes(ROWS, tuple(range(11))),
    "Wine14": zeros_and_spenders(ROWS, 14),
    "Wine15": zeros_and_spenders(ROWS, 15),
}
GAPS = {"Income": [2, 9, 40], "Tenure": [5]}


@pytest.fixture(scope="module")
def health(tmp_path_factory):
    """Column name -> its health record, for the made-up file loaded as a user's file is."""
    columns = dict(COLUMNS)
    for offset, (name, rows) in enumerate(GAPS.items()):
        values = symmetric(ROWS, seed=8 + offset)
        values[rows] = np.nan
        columns[name] = values
    table = load_table(write_columns(tmp_path_factory.mktemp("health"), columns))
    return {record.name: record for record in column_health(table, describe_columns(table))}


def fix_labels(record) -> list[str]:
    return [fix.label for fix in record.fixes]


# --- log scale -----------------------------------------------------------------------------------

def test_log_scale_is_offered_for_a_skewed_money_column(health):
    # Given a money column where a few customers spend far more than the rest
    record = health["Spend"]
    skew = pd.Series(COLUMNS["Spend"]).skew()
    assert skew > 2  # the made-up column is as skewed as intended

    # Then it warns with the skewness and offers the log scale, as the first fix
    assert record.skewness == pytest.approx(skew)
    assert LOG_WARNING.format(skew=skew) in record.warnings
    assert record.fixes[0].kind == "log"
    assert fix_labels(record)[0] == "Use a log scale for Spend"


def test_no_log_scale_for_a_bell_shaped_column(health):
    # Given ages spread evenly around 50, then there is nothing to warn about
    assert health["Age"].warnings == ()
    assert health["Age"].fixes == ()


def test_no_log_scale_for_a_skewed_column_with_negative_values(health):
    # Given balances as skewed as Spend but some negative (a log scale cannot take them)
    record = health["Balance"]
    assert record.skewness > 2 and record.minimum < 0

    # Then no log scale is offered
    assert "log" not in [fix.kind for fix in record.fixes]
    assert not any("log scale" in warning for warning in record.warnings)


def test_log_scale_is_offered_from_a_skewness_of_two(health):
    # Given 14 of 100 customers who bought wine for 500 (skewness 2.11) and 15 of 100 (1.99)
    assert health["Wine14"].skewness == pytest.approx(2.107, abs=0.001)
    assert health["Wine15"].skewness == pytest.approx(1.990, abs=0.001)

    # Then the first is offered the log scale and the second is not
    assert fix_labels(health["Wine14"]) == ["Use a log scale for Wine14"]
    assert health["Wine14"].warnings == (LOG_WARNING.format(skew=2.107),)
    assert fix_labels(health["Wine15"]) == []
    assert health["Wine15"].warnings == ()


# --- extreme values ------------------------------------------------------------------------------

def test_caps_are_offered_for_far_out_values_only(health):
    # Given scores 1..98, one of 200 (beyond 1.5 quartile ranges) and one of 400 (beyond 3)
    record = health["Score"]

    # Then only 400 counts as extreme, and capping at the 1st and 99th percentiles is offered
    assert record.extremes == 1
    assert "1 far-out value (such as 400): they can pull a segment of their own." in \
        record.warnings
    assert "Cap extreme values of Score at the 1st and 99th percentiles" in fix_labels(record)


def test_no_caps_without_extreme_values(health):
    # Given bell-shaped ages, codes and a 0-or-500 column, then none has extreme values to cap
    for name in ("Age", "Tier", "Wine14"):
        assert health[name].extremes == 0, name
        assert "cap" not in [fix.kind for fix in health[name].fixes], name


# --- codes ---------------------------------------------------------------------------------------

def test_treat_as_categories_is_offered_for_a_few_whole_number_codes(health):
    # Given a Tier column of 1, 2 and 3 (a name CustSeg does not know as a code)
    record = health["Tier"]

    # Then it is a number column, and treating it as categories is offered
    assert record.role == "numeric"
    assert fix_labels(record) == ["Treat Tier as categories"]
    assert record.warnings[0].startswith("Only 3 different whole numbers (")
    assert record.warnings[0].endswith("): if they are codes (like regions), treat them as "
                                       "categories, not amounts.")


def test_codes_in_the_warning_read_as_the_whole_numbers_they_are(health):
    assert health["Tier"].warnings[0].startswith("Only 3 different whole numbers (1, 2, 3):")


def test_up_to_ten_codes_are_offered_as_categories_and_eleven_are_not(health):
    # Given whole numbers 0..9 (Level) and 0..10 (Visits), then only Level may be codes
    assert fix_labels(health["Level"]) == ["Treat Level as categories"]
    assert health["Level"].warnings[0].startswith("Only 10 different whole numbers")
    assert health["Visits"].fixes == () and health["Visits"].warnings == ()


def test_a_column_named_like_a_code_is_already_categories(health):
    # Given Region 1/2/3: the name says it is a code, so it is read as categories outright
    assert health["Region"].role == "categorical"
    assert health["Region"].fixes == () and health["Region"].warnings == ()


# --- missing values ------------------------------------------------------------------------------

def test_missing_values_are_counted_first_among_the_warnings(health):
    # Given Income with 3 gaps and Tenure with 1, of 100 customers
    assert health["Income"].missing == 3
    assert health["Income"].warnings == ("3 missing values (3%).",)
    assert health["Tenure"].missing == 1
    assert health["Tenure"].warnings == ("1 missing value (1%).",)
    assert health["Spend"].missing == 0


def test_an_identifier_says_why_it_is_not_usable(health):
    # Given the CustomerID column, then its health says why it cannot group customers
    assert health["CustomerID"].role == "identifier"
    assert health["CustomerID"].warnings == (
        "Not usable: It identifies customers (an ID or code), so it says nothing about what "
        "customers are like.",)


# --- yes/no columns, counts, years and placeholders ------------------------------------------

@pytest.fixture(scope="module")
def marketing_like(tmp_path_factory):
    """Columns as a marketing export has them: rare yes/no flags (very skewed as numbers), a
    count of children 0/1/2, birth years with a few implausible ones, and incomes with a
    placeholder 666666 typed for an unknown income."""
    rng = np.random.default_rng(12)
    rows = 300
    income = rng.normal(52_000, 15_000, rows).round()
    income[[7, 80]] = 666_666
    years = rng.normal(1969, 10, rows).round()
    years[[3, 4]] = [1893, 1899]
    columns = {
        "Complain": (rng.random(rows) < 0.02).astype(float),
        "AcceptedCmp2": (rng.random(rows) < 0.05).astype(float),
        "Kidhome": rng.choice([0.0, 1.0, 2.0], rows, p=[0.6, 0.35, 0.05]),
        "Year_Birth": years,
        "Income": income,
    }
    table = load_table(write_columns(tmp_path_factory.mktemp("marketing"), columns))
    return {record.name: record for record in column_health(table, describe_columns(table))}


@pytest.mark.parametrize("name", ["Complain", "AcceptedCmp2"])
def test_a_yes_no_column_gets_no_log_scale_or_caps(marketing_like, name):
    # Given a 0/1 column where few customers say yes (as skewed as numbers get)
    record = marketing_like[name]
    assert record.skewness > 3
    # Then it is not called lopsided or extreme, and no fix is offered: a share is a share
    assert record.fixes == ()
    assert not any("Lopsided" in warning or "far-out" in warning for warning in record.warnings)
    assert record.role == "yes/no"


def test_a_small_count_is_not_offered_as_categories(marketing_like):
    # Given the number of children at home, 0, 1 or 2
    record = marketing_like["Kidhome"]
    # Then it is a count: nothing says it may be codes
    assert record.fixes == ()
    assert not any("codes" in warning for warning in record.warnings)


def test_years_are_written_without_a_thousands_separator(marketing_like):
    # Given birth years with two implausible ones (1893, 1899)
    record = marketing_like["Year_Birth"]
    # Then the warning names the year as people write years
    assert any("(such as 1893)" in warning for warning in record.warnings), record.warnings
    assert not any("1,893" in warning for warning in record.warnings)
    assert record.measure == "year"


def test_a_placeholder_value_is_called_out_as_one(marketing_like):
    # Given two incomes of 666,666, typed where the real income was unknown
    record = marketing_like["Income"]
    # Then the health tab says it looks like a placeholder, for how many customers, and offers
    # a cap to limit its pull
    assert ("666,666 looks like a placeholder typed where the real value was unknown (2 "
            "customers): check it in your system; capping extreme values limits its pull."
            ) in record.warnings
    assert "cap" in [fix.kind for fix in record.fixes]


def test_a_total_row_is_no_customers_value_in_the_health_figures(tmp_path):
    # Given 30 customers with an evenly spread Spend, and a total row that sums it below them
    spends = [100 + 5 * number for number in range(30)]
    lines = ["Name,Spend"] + [f"C{number:02d},{spend}" for number, spend in enumerate(spends)]
    lines.append(f"Total,{sum(spends)}")
    path = tmp_path / "with_total.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_table(path)
    assert list(table.left_out.index) == [30]

    # When its health is read
    (spend,) = [record for record in column_health(table, describe_columns(table))
                if record.name == "Spend"]

    # Then the figures are the customers' own: the largest is the largest customer's, and
    # neither a far-out value nor a lopsided column is reported because of the total
    assert (spend.minimum, spend.maximum) == (100, 245)
    assert spend.extremes == 0
    assert spend.warnings == ()
    assert spend.fixes == ()
