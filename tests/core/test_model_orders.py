"""A segmentation found on an order log lives on too: new order lines are made into customers by
the same rules and placed, and its SQL starts from the order lines themselves, in a real
database engine (DuckDB), giving every customer the app's segment."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from custseg_gui.core import pipeline
from custseg_gui.core.model import build
from custseg_gui.core.scoring import score_table
from custseg_gui.core.settings import AnalysisSettings, LoadSettings, OrderSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.sql import to_sql
from order_logs import many_customers_log, write_log


def shop_with_returns(customers: int = 90, seed: int = 11) -> str:
    """Many customers' orders, with cancellations, a customer who only returned goods and
    lines without a customer."""
    rng = np.random.default_rng(seed)
    extra = []
    for number in rng.choice(np.arange(1, customers + 1), 15, replace=False):
        day = 1 + int(rng.integers(0, 28))
        extra.append(f"C{9000 + int(number)},K{int(number):03d},2024-06-{day:02d} 15:00,-1,"
                     f"{round(float(rng.lognormal(2, 1)), 2)},Item")
    extra += ["C9999,K999,2024-05-05 10:00,-2,12.00,Item", "7777,,2024-05-06 10:00,1,3.00,Bag"]
    return many_customers_log(customers, seed) + "\n".join(extra) + "\n"


def lines_as_a_database_holds_them(path) -> pd.DataFrame:
    lines = pd.read_csv(path, dtype={"Invoice": str, "Customer": str, "Product": str})
    lines["Date"] = pd.to_datetime(lines["Date"])
    return lines


def sql_by_customer(model, lines: pd.DataFrame) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.register("orders", lines)
    return connection.execute(to_sql(model)).df().set_index("Customer")


FEATURE_SETS = {
    "default": {},
    "every figure": dict(features=("Recency (days)", "Frequency (orders)",
                                   "Monetary (net spend)", "Tenure (days)",
                                   "Average order value", "Returns (orders)", "R score",
                                   "M score", "RFM segment"),
                         categories=("RFM segment",), k=4, k_min=4, k_max=4),
}


@pytest.mark.parametrize("chosen", list(FEATURE_SETS))
def test_an_order_log_segmentation_places_its_own_lines_and_its_sql_starts_from_them(
        tmp_path, chosen):
    # Given segments found on an order log
    path = write_log(tmp_path, shop_with_returns())
    result = pipeline.run(path, AnalysisSettings(orders=OrderSettings(enabled=True),
                                                 **FEATURE_SETS[chosen]))
    model = build(result)
    customers = result.table.raw["Customer"].to_list()
    expected = dict(zip(customers, result.segmentation.row_segments.tolist()))
    # When the same lines are scored by the app and by the SQL run on the lines in DuckDB
    scoring = score_table(model, load_table(path, LoadSettings()))
    out = sql_by_customer(model, lines_as_a_database_holds_them(path))
    # Then every customer gets the report's segment both ways, and the SQL's customers carry
    # the report's figures and RFM segments
    assert dict(zip(scoring.table.raw["Customer"], scoring.scored.segments.tolist())) == expected
    assert sorted(out.index) == sorted(customers)  # K999 only returned goods: not a customer
    assert out["Segment"].fillna(0).astype(int).to_dict() == expected
    table = result.table.frame.set_index("Customer")
    for column in ("Recency (days)", "Frequency (orders)", "Returns (orders)", "R score",
                   "F score", "M score", "Tenure (days)"):
        assert out[column].astype(int).to_dict() == table[column].astype(int).to_dict(), column
    assert out["Monetary (net spend)"].to_dict() == pytest.approx(
        table["Monetary (net spend)"].to_dict())
    assert out["RFM segment"].to_dict() == table["RFM segment"].to_dict()
    names = model.names()
    assert out["Segment name"].to_dict() == {customer: names[number]
                                             for customer, number in expected.items()}


def test_next_months_lines_are_counted_to_their_own_day_and_movement_read_from_the_lines(
        tmp_path):
    # Given segments found on the first half of a year's lines, and the report's segments.csv
    # (one row per order line, each with its customer's segment)
    text = shop_with_returns()
    header, *rows = text.strip().split("\n")
    first = [row for row in rows if row.split(",")[2] < "2024-07-01"]
    path = write_log(tmp_path, "\n".join([header, *first]) + "\n", "first_half.csv")
    result = pipeline.run(path, AnalysisSettings(orders=OrderSettings(enabled=True)))
    model = build(result)
    names = model.names()
    segments_csv = result.source.raw.copy()
    line_segment = np.where(result.orders.line_customers >= 0, result.segmentation.row_segments[
        np.maximum(result.orders.line_customers, 0)], 0)
    segments_csv["Segment name"] = [names.get(int(n), "") for n in line_segment]
    previous_path = tmp_path / "segments.csv"
    segments_csv.to_csv(previous_path, index=False)
    # When the whole year is scored, with the first half's segments as the previous ones
    whole = write_log(tmp_path, text, "whole_year.csv")
    scoring = score_table(model, load_table(whole, LoadSettings()),
                          load_table(previous_path, LoadSettings()))
    # Then recency counts to the day after the year's latest line, customers are matched by
    # the log's customer column, and the counts agree with a count done here
    assert scoring.orders.as_of.isoformat() > "2024-07-01"
    assert scoring.summary()["orders"]["as_of"] == scoring.orders.as_of.isoformat()
    # (a customer whose first-half lines were only returns was in the previous file, left out)
    before = {str(customer).strip(): name or "(left out)" for customer, name in
              zip(segments_csv["Customer"], segments_csv["Segment name"])
              if isinstance(customer, str) and customer.strip()}
    after = dict(zip(scoring.table.raw["Customer"],
                     [names.get(int(n), "(left out)") for n in scoring.scored.segments]))
    both = set(before) & set(after)
    moved = sum(before[customer] != after[customer] for customer in both)
    assert (scoring.migration.moved, scoring.migration.stayed) == (moved, len(both) - moved)
    assert scoring.migration.new == len(set(after) - set(before))


def test_a_segment_file_that_gives_one_customer_two_segments_is_refused(tmp_path):
    path = write_log(tmp_path, shop_with_returns())
    result = pipeline.run(path, AnalysisSettings(orders=OrderSettings(enabled=True)))
    model = build(result)
    customers = result.table.raw[["Customer"]].copy()
    customers["Segment name"] = "A"
    clash = pd.concat([customers, customers.iloc[[0]].assign(**{"Segment name": "B"})])
    clash_path = tmp_path / "clash.csv"
    clash.to_csv(clash_path, index=False)
    from custseg_gui.core.errors import UserError
    with pytest.raises(UserError, match="more than once in 'Customer'"):
        score_table(model, load_table(path, LoadSettings()), load_table(clash_path,
                                                                        LoadSettings()))
