"""Column roles: which columns can describe customers, and the reason given for the others."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg_gui.core.columns import (Role, default_features, describe_column,
                                      describe_columns)
from custseg_gui.core.sources import load_table

ROWS = 40


@pytest.fixture(scope="module")
def mixed_table(tmp_path_factory):
    """A 40-row file with one column of every kind, loaded the way a user's file is."""
    rng = np.random.default_rng(7)
    comments = [f"called about order {number}" for number in range(35)] + ["thanks"] * 5
    frame = pd.DataFrame({
        "CustomerID": rng.permutation(np.arange(5001, 5001 + ROWS)),  # unique, shuffled
        "Account": [f"C{10001 + number}" for number in range(ROWS)],  # unique text codes
        "Gender": rng.choice(["Female", "Male"], ROWS),
        "Country": ["UK"] * ROWS,
        "Notes": [""] * ROWS,
        "Joined": pd.date_range("2021-01-05", periods=ROWS, freq="7D").strftime("%Y-%m-%d"),
        "Comment": comments,
        "Age": rng.integers(18, 70, ROWS),
        "Spend": rng.normal(100, 20, ROWS).round(2),
        "Row": np.arange(1, ROWS + 1),
    })
    path = tmp_path_factory.mktemp("columns") / "mixed.csv"
    frame.to_csv(path, index=False)
    table = load_table(path)
    return {info.name: info for info in describe_columns(table)}


@pytest.mark.parametrize("name, role", [
    ("CustomerID", Role.IDENTIFIER),
    ("Account", Role.IDENTIFIER),
    ("Gender", Role.CATEGORICAL),
    ("Country", Role.CONSTANT),
    ("Notes", Role.EMPTY),
    ("Joined", Role.DATE),
    ("Comment", Role.TEXT),
    ("Age", Role.NUMERIC),
    ("Spend", Role.NUMERIC),
    ("Row", Role.IDENTIFIER),
])
def test_column_gets_role(mixed_table, name, role):
    # Given a file with one column of every kind, when its columns are described,
    # then each column gets the role a person would give it
    assert mixed_table[name].role is role


def test_usable_columns_are_numbers_and_categories(mixed_table):
    # Given the described columns, then exactly the numeric and categorical ones are usable
    usable = {name for name, info in mixed_table.items() if info.usable}
    assert usable == {"Gender", "Age", "Spend"}


@pytest.mark.parametrize("name, words", [
    ("CustomerID", "identifies customers"),
    ("Account", "identifies customers"),
    ("Country", "same value (UK)"),
    ("Notes", "has no values"),
    ("Joined", "holds dates"),
    ("Comment", "free text (36 different values)"),
])
def test_unusable_column_says_why(mixed_table, name, words):
    # Given an unusable column, then its reason tells the user what is wrong with it
    assert words in mixed_table[name].reason


def test_categorical_column_counts_its_values(mixed_table):
    # Given the Gender column, then it has two distinct values and no gaps
    gender = mixed_table["Gender"]
    assert (gender.distinct, gender.missing) == (2, 0)
    assert gender.reason is None


def test_default_features_are_the_usable_numeric_columns(mixed_table):
    # Given the described columns, when the default features are chosen
    features = default_features(tuple(mixed_table.values()))

    # Then they are the numeric columns in file order (categories need a deliberate tick)
    assert features == ("Age", "Spend")


def test_numeric_code_named_like_an_id_repeating_in_a_log_is_an_identifier():
    # Given a transaction log where CustomerID repeats (many rows per customer, >30 customers)
    values = pd.Series(np.repeat(np.arange(12346.0, 12346.0 + 50), 3))

    # When the column is described
    info = describe_column("CustomerID", values)

    # Then it is still an identifier, not a number to average
    assert info.role is Role.IDENTIFIER


def test_unique_whole_numbers_with_ordinary_name_stay_numeric():
    # Given a column of distinct whole numbers that are not in row order and not named like an ID
    values = pd.Series([23.0, 45.0, 31.0, 52.0, 38.0, 61.0])

    # When the column is described, then it is a usable number
    info = describe_column("Age", values)
    assert info.role is Role.NUMERIC and info.usable


def test_missing_values_are_counted():
    # Given a numeric column with two gaps
    values = pd.Series([1.5, np.nan, 2.5, np.nan, 4.0])

    # When it is described, then the gaps are counted and it is still usable
    info = describe_column("Balance", values)
    assert (info.role, info.missing, info.distinct) == (Role.NUMERIC, 2, 3)


# --- real data ----------------------------------------------------------------------------------

@pytest.mark.shared_data
def test_mall_columns(mall_csv):
    # Given the mall customers file, when its columns are described
    columns = {info.name: info for info in describe_columns(load_table(mall_csv))}

    # Then CustomerID identifies, Gender is a category and the three measures are numbers
    assert columns["CustomerID"].role is Role.IDENTIFIER
    assert columns["Gender"].role is Role.CATEGORICAL
    assert columns["Gender"].distinct == 2
    for name in ("Age", "Annual Income (k$)", "Spending Score (1-100)"):
        assert columns[name].role is Role.NUMERIC
    assert default_features(tuple(columns.values())) == (
        "Age", "Annual Income (k$)", "Spending Score (1-100)")


@pytest.mark.shared_data
def test_cc_general_columns(cc_general_csv):
    # Given the credit-card customers file, when its columns are described
    columns = describe_columns(load_table(cc_general_csv))
    by_name = {info.name: info for info in columns}

    # Then the text ID C10001... identifies and the other 17 columns are usable numbers
    assert by_name["CUST_ID"].role is Role.IDENTIFIER
    assert "identifies customers" in by_name["CUST_ID"].reason
    features = default_features(columns)
    assert len(features) == 17 and "CUST_ID" not in features
    assert by_name["MINIMUM_PAYMENTS"].missing == 313
    assert by_name["CREDIT_LIMIT"].missing == 1
