"""Scoring in words, without Qt: why a customer has its segment, what drifted, who moved."""

from __future__ import annotations

import pandas as pd
import pytest

from custseg_gui.core.charts.movement import NEW_ROW, movement_grid
from custseg_gui.core.explain import customer_values, drift_words, explain, row_values
from custseg_gui.core.model import Feature, Segment, SegmentationModel, apply, build
from custseg_gui.core.scoring import score_table
from custseg_gui.core.settings import SCALINGS, AnalysisSettings
from custseg_gui.core.sources import load_table
from test_model import EVERY_FIX, analysed, made_customers


def two_segments() -> SegmentationModel:
    """Champions spend a lot and bought lately; At risk spend little and bought long ago.
    Spend: 500 on average, spread 200; Recency (days): 60, spread 40."""
    return SegmentationModel(
        settings=AnalysisSettings(features=("Spend", "Recency")),
        features=(Feature("Spend", "number", None, centre=(500.0,), scale=(200.0,)),
                  Feature("Recency", "number", None, centre=(60.0,), scale=(40.0,))),
        segments=(Segment(1, "Champions", "Champions", "#0072B2", 10, (2.0, -1.0), 3.0),
                  Segment(2, "At risk", "At risk", "#E69F00", 10, (0.0, 1.0), 3.0)))


def test_a_customer_between_two_segments_is_explained_by_what_pulls_it_each_way():
    # Given a customer who spends like Champions (880) but bought 84 days ago, nearer At risk
    model = two_segments()
    values = {"Spend": 880, "Recency": 84}
    prepared = customer_values(model, values)
    assert prepared == pytest.approx([1.9, 0.6])
    # When the window explains its segment
    explained = explain(model, prepared, values)
    # Then it names the closest and the close second, and what pulls it towards each
    assert (explained.closest, explained.second) == (1, 2)
    assert explained.like_closest == ("Spend",) and explained.like_second == ("Recency",)
    assert explained.text == (
        "Closest to Champions (distance 1.60); At risk is a close second (1.94): spend 880 "
        "like Champions (their average: 900), but recency 84 like At risk (their average: "
        "100).")
    assert not explained.unlike_any


def test_a_far_customer_is_said_to_be_unlike_any_segment_and_a_far_second_is_far():
    model = two_segments()
    # a customer spending ten times the average: still nearest Champions, but unlike any
    values = {"Spend": 5_000, "Recency": 0}
    explained = explain(model, customer_values(model, values), values)
    assert explained.unlike_any and explained.closest == 1
    assert explained.text.startswith("Unlike any segment: farther from the centre of Champions "
                                     "than 99% of its own customers (distance 20.5)")
    # a typical Champion: At risk is far behind, and nothing pulls towards it
    values = {"Spend": 920, "Recency": 22}
    explained = explain(model, customer_values(model, values), values)
    assert not explained.unlike_any
    assert "At risk is next but much farther away (2.87): nearer Champions on every column" \
        in explained.text


def test_a_customer_that_cannot_be_placed_has_no_prepared_values():
    model = two_segments()
    assert customer_values(model, {"Spend": None, "Recency": 3}) is None  # gap, no fill
    assert customer_values(model, {"Spend": "n/a", "Recency": 3}) is None  # not a number


@pytest.mark.parametrize("scaling", list(SCALINGS))
@pytest.mark.parametrize("missing", ["drop", "median"])
def test_the_explanation_agrees_with_the_scoring_for_every_customer(tmp_path, scaling,
                                                                   missing):
    # Given an analysis with fills, a log scale, caps and categories, scored back
    result = analysed(made_customers(), tmp_path, AnalysisSettings(
        scaling=scaling, missing=missing, **EVERY_FIX))
    model = build(result)
    scored = apply(model, result.table)
    # Then every placed customer's explanation has the scoring's closest and second segment and
    # distance, and names them
    names = model.names()
    for row in range(result.table.n_rows):
        values = row_values(model, result.table, row)
        prepared = customer_values(model, values)
        if scored.segments[row] == 0:
            continue
        explained = explain(model, prepared, values)
        assert (explained.closest, explained.second) == (scored.segments[row],
                                                         scored.second[row])
        assert explained.distances[explained.closest] == pytest.approx(scored.distance[row])
        assert names[explained.closest] in explained.text
        assert f"{names[explained.second]} is " in explained.text
        assert explained.unlike_any == (scored.fit[row] == "unlike any segment")


@pytest.mark.parametrize("column, drift, words", [
    ("Income", {"new_mean": 80, "shift_sd": 0.81, "drifted": True},
     "Income: the new customers earn more (+0.8 spread)"),
    ("Age", {"new_mean": 30, "shift_sd": -0.6, "drifted": True},
     "Age: the new customers are younger (-0.6 spread)"),
    ("Year_Birth", {"new_mean": 1990, "shift_sd": 0.7, "drifted": True},
     "Year_Birth: the new customers are younger (+0.7 spread)"),
    ("Recency", {"new_mean": 90, "shift_sd": 0.3, "drifted": False},
     "Recency: the new customers bought slightly longer ago (+0.3 spread)"),
    ("Tenure", {"new_mean": 3, "shift_sd": -0.9, "drifted": True},
     "Tenure: lower among the new customers (-0.9 spread)"),
    ("Region = 2", {"new_mean": 0.6, "shift_sd": 0.55, "drifted": True},
     "Region = 2: more of the new customers have region 2 (+0.6 spread)"),
    ("Spend", {"new_mean": 51, "shift_sd": -0.04, "drifted": False},
     "Spend: about the same (+0.0 spread)"),
    ("Spend", {"new_mean": None, "shift_sd": None, "drifted": False},
     "Spend: no values in the new customers to compare"),
])
def test_drift_reads_in_plain_words_with_the_shift_beside(column, drift, words):
    assert drift_words(column, {"training_mean": 0.0, **drift}) == words


def test_the_movement_grid_counts_each_pair_and_the_new_customers(tmp_path):
    # Given last month's segments and this month's file: 10 gone, 5 new, some moved
    result = analysed(made_customers(), tmp_path, AnalysisSettings(**EVERY_FIX))
    model = build(result, {1: "Loyal"})
    names = model.names()
    earlier = result.table.raw.assign(**{"Segment name": [
        names.get(int(number), "") for number in result.segmentation.row_segments]})
    earlier.to_csv(tmp_path / "earlier.csv", index=False)
    now = made_customers().iloc[10:].copy()
    now.loc[now.index[:20], "Spend"] = now["Spend"].iloc[:20] * 100
    extra = made_customers(5, seed=9).assign(CustomerID=[f"N{n}" for n in range(5)])
    pd.concat([now, extra]).to_csv(tmp_path / "now.csv", index=False)
    scoring = score_table(model, load_table(tmp_path / "now.csv"),
                          load_table(tmp_path / "earlier.csv"), "CustomerID")
    grid = movement_grid(scoring)
    # Then every cell is the number of customers with that pair, counted here
    before = dict(zip(earlier["CustomerID"], earlier["Segment name"].replace("", "(left out)")))
    pairs = [(before.get(customer, NEW_ROW), names.get(int(number), "(left out)"))
             for customer, number in zip(scoring.table.raw["CustomerID"],
                                         scoring.scored.segments)]
    for source in grid.rows:
        for target in grid.columns:
            assert grid.count(source, target) == pairs.count((source, target))
    assert grid.counts[grid.rows.index(NEW_ROW)].sum() == 5 and grid.gone == 10
    assert grid.colours["Loyal"] == model.segments[0].colour
    assert movement_grid(score_table(model, load_table(tmp_path / "now.csv"))) is None
