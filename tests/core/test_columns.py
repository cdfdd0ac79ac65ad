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


# --- the usual choice, and why a column is left out of it ---------------------------------

def roles_of(frame: pd.DataFrame) -> dict:
    return {name: describe_column(name, frame[name]) for name in frame.columns}


@pytest.fixture(scope="module")
def campaign():
    """A marketing file's kinds of column: amounts, a small count, yes/no flags, an outcome, a
    birth year, a mostly empty column, and a loyalty card number."""
    rng = np.random.default_rng(3)
    rows = 200
    income = rng.normal(50_000, 12_000, rows).round()
    sparse = rng.normal(10, 2, rows)
    sparse[:30] = np.nan  # 15% empty
    return roles_of(pd.DataFrame({
        "Income": income,
        "Kidhome": rng.integers(0, 3, rows).astype(float),
        "AcceptedCmp1": (rng.random(rows) < 0.1).astype(float),
        "Complain": (rng.random(rows) < 0.05).astype(float),
        "Response": (rng.random(rows) < 0.15).astype(float),
        "Year_Birth": rng.integers(1940, 2000, rows).astype(float),
        "Overflow": sparse,
        "Loyalty card": rng.choice(np.arange(4_000_000_000_000_000, 4_000_000_000_100_000),
                                   rows, replace=False).astype(float),
        "Spend": rng.gamma(2, 100, rows).round(2),
    }))


def test_the_usual_choice_leaves_out_flags_outcomes_and_mostly_empty_columns(campaign):
    # Given a file with every kind of number column, when the usual choice is made
    chosen = default_features(tuple(campaign.values()))
    # Then amounts, counts and years are ticked; yes/no flags, the outcome, the column that is
    # mostly empty and the card number are not
    assert chosen == ("Income", "Kidhome", "Year_Birth", "Spend")


@pytest.mark.parametrize("name, words", [
    ("AcceptedCmp1", "It is a yes/no column: grouping by it would mostly split the yes from the "
                     "no. Its share in each segment is shown in the profiles; tick it to group "
                     "by it."),
    ("Response", "It looks like an outcome (such as who responded or left): its share in each "
                 "segment is shown in the profiles, which says more than grouping by it. Tick it "
                 "to group by it anyway."),
    ("Overflow", "30 customers (15%) have no value here, and would be left out of the segments. "
                 "Tick it to use it anyway, or fill the gaps (Missing values)."),
])
def test_a_column_the_usual_choice_leaves_out_says_why(campaign, name, words):
    # Then each column left unticked says why, and can still be ticked
    assert campaign[name].usable
    assert campaign[name].left_out_by_default == words


def test_yes_no_counts_and_years_are_recognised_for_what_they_measure(campaign):
    # Then a 0/1 column reads "yes/no", a 0/1/2 count is a count (not a code), a year a year
    assert (campaign["Complain"].measure, campaign["Complain"].role_text) == ("flag", "yes/no")
    assert campaign["Kidhome"].measure == "count"
    assert campaign["Year_Birth"].measure == "year"
    assert campaign["Income"].measure == ""


@pytest.mark.parametrize("name, values", [
    ("Loyalty card", [4_929_000_000_000_000 + 7919 * n for n in range(40)]),  # long, one length
    ("Klantnummer", list(range(80_101, 80_141))),  # a customer number, a name CustSeg may not know
    ("Kundennr", list(np.random.default_rng(1).permutation(np.arange(500, 700)))),
    ("Zähler", list(range(1, 41))),  # the rows counted, whatever the name
    ("Ref", list(np.random.default_rng(2).permutation(np.arange(10_000, 10_150)))),  # dense
])
def test_distinct_whole_numbers_that_number_customers_are_identifiers(name, values):
    # Given a column of distinct whole numbers that count or identify customers
    info = describe_column(name, pd.Series(values, dtype=float))
    # Then it is an identifier, whatever its name, and cannot be ticked
    assert info.role is Role.IDENTIFIER and not info.usable


def test_distinct_amounts_stay_numbers():
    # Given distinct whole-number incomes (far apart, of different lengths) and a short list
    incomes = pd.Series(np.random.default_rng(5).choice(np.arange(9_000, 250_000), 300,
                                                        replace=False), dtype=float)
    short = pd.Series([3.0, 18.0, 7.0, 42.0, 11.0, 25.0])
    # Then they are measures, not identifiers
    assert describe_column("Income", incomes).role is Role.NUMERIC
    assert describe_column("Spend", short).role is Role.NUMERIC


def test_with_every_column_gappy_the_usual_choice_still_takes_them():
    # Given four customers, each number column with a gap
    info = roles_of(pd.DataFrame({"Income": [1.0, np.nan, 3.0, 5.0],
                                  "Score": [2.0, 4.0, np.nan, 6.0]}))
    # Then the usual choice takes them anyway: a choice with gaps beats none
    assert default_features(tuple(info.values())) == ("Income", "Score")


def test_total_rows_count_neither_as_values_nor_as_gaps(tmp_path):
    # Given 20 customers, 2 of them without a Discount, and a total row below them that sums
    # Spend and Discount (a file exported from a spreadsheet with its total line)
    lines = ["Name,Spend,Discount,Region"]
    for number in range(20):
        discount = "" if number < 2 else str(5 + number % 4)
        lines.append(f"C{number:03d},{100 + 7 * number},{discount},North")
    spend = sum(100 + 7 * number for number in range(20))
    discount = sum(5 + number % 4 for number in range(2, 20))
    lines.append(f"Total,{spend},{discount},")
    path = tmp_path / "with_total.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_table(path)
    assert list(table.left_out.index) == [20]  # the loader found the total row

    # When the columns are described
    columns = {info.name: info for info in describe_columns(table)}

    # Then the missing share is of the 20 customers (2 of 20 is 10%, not 2 of 21)
    assert (columns["Discount"].missing, columns["Discount"].rows) == (2, 20)
    assert columns["Discount"].left_out_by_default.startswith(
        "2 customers (10%) have no value here")
    # and a column the same for every customer is constant, though the total row is empty there
    assert columns["Region"].role is Role.CONSTANT and columns["Region"].missing == 0
    # and the name column identifies customers (the total row's label is not one of them)
    assert columns["Name"].role is Role.IDENTIFIER
