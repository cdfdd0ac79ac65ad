"""Segment names, descriptions, actions, profiles against the average, and stability."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg_gui.core.pipeline import analyse as analyse_table, run as run_analysis

from custseg_gui.core.settings import AnalysisSettings

from custseg_gui.core.sources import LoadedTable, LoadReport
from custseg_gui.core.naming import (AVERAGE_NAME, Term, readable, segment_names, suggest_action,
                                     unit_of)

INCOME, SPENDING = "Annual Income (k$)", "Spending Score (1-100)"


@pytest.fixture(scope="module")
def mall(mall_csv):
    return run_analysis(mall_csv, AnalysisSettings(features=(INCOME, SPENDING), k=5))


def _table(frame: pd.DataFrame) -> LoadedTable:
    raw = frame.astype(str)
    report = LoadReport(path="memory.csv", file_name="memory.csv", sha256="0", file_format="csv",
                        rows=len(frame), columns=frame.shape[1])
    return LoadedTable(raw=raw, frame=frame, report=report)


@pytest.mark.shared_data
def test_mall_names_carry_the_directions_of_the_reference_segments(mall):
    # Given the five Mall segments on income and spending
    by_size = {profile.size: profile for profile in mall.insights.profiles}
    # Then each name says what sets the segment apart, in the reference's directions
    assert by_size[81].name == AVERAGE_NAME
    def says(profile, *words):
        return all(word in profile.name.lower() for word in words)

    # (a word is not said twice: "high income and spending")
    assert by_size[39].name == "High income and spending"
    assert says(by_size[35], "high income", "low spending")
    assert by_size[23].name.endswith("Low income and spending")
    young = by_size[22]
    assert says(young, "low income", "high spending")
    assert "young" in young.name.lower() or "younger" in young.description


@pytest.mark.shared_data
def test_mall_descriptions_give_the_numbers_behind_the_name(mall):
    # Given the 39-customer segment (high income, high spending)
    profile = next(p for p in mall.insights.profiles if p.size == 39)
    # Then its description states size, share and the distinctive columns in original units
    assert profile.description.startswith("39 customers (19.5%).")
    assert "86.5 k$ vs 60.6 on average" in profile.description
    assert "spending score 82.1 vs 50.2" in profile.description
    assert "younger (32.7 vs 38.9)" in profile.description
    # And it suggests the action of the pattern
    assert profile.action.startswith("Premium offers")


@pytest.mark.shared_data
def test_mall_segments_are_stable_and_the_segmentation_reproducible(mall):
    # Given the Mall segmentation, refitted on 20 bootstrap resamples
    stability = mall.insights.stability
    # Then every segment reads highly stable or stable, and the overall ARI is above 0.9
    assert stability.resamples >= 20
    assert all(p.stability_reading in ("highly stable", "stable") for p in mall.insights.profiles)
    assert all(p.stability > 0.75 for p in mall.insights.profiles)
    assert stability.ari > 0.9


def test_no_structure_gives_doubtful_segments_and_a_low_ari():
    # Given one Gaussian blob in 3 dimensions, with no segments in it
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(400, 3)), columns=["Alpha", "Beta", "Gamma"])
    # When it is forced into 5 segments
    analysis = analyse_table(_table(frame), AnalysisSettings(k=5, k_max=6))
    # Then at least one segment is doubtful or not to be trusted, and the ARI is low
    readings = [profile.stability_reading for profile in analysis.insights.profiles]
    assert any(reading in ("doubtful", "not to be trusted") for reading in readings)
    assert analysis.insights.stability.ari < 0.7


@pytest.mark.shared_data
def test_profiles_give_index_and_standardized_difference_against_the_average(mall):
    # Given a Mall segment profile
    profile = mall.insights.profiles[1]
    overall = mall.insights.overall_means[INCOME]
    # Then its index is its mean against the overall mean (100 = average)
    assert profile.index[INCOME] == pytest.approx(100 * profile.means[INCOME] / overall)
    assert profile.difference[INCOME] == pytest.approx(
        (profile.means[INCOME] - overall) / mall.insights.overall_stds[INCOME])
    # And categorical columns give the share of each category, against all customers
    genders = profile.categories["Gender"]
    assert set(genders) == {"Female", "Male"} and sum(genders.values()) == pytest.approx(1.0)
    assert sum(mall.insights.overall_categories["Gender"].values()) == pytest.approx(1.0)


@pytest.mark.shared_data
def test_feature_importance_ranks_features_by_eta_squared(mall):
    # Given the Mall segmentation on income and spending
    importance = mall.insights.feature_importance
    # Then both features are ranked, largest share of explained variance first
    assert list(importance) == sorted(importance, key=lambda name: -importance[name])
    assert set(importance) == {INCOME, SPENDING}
    assert all(0.5 < value <= 1.0 for value in importance.values())


def test_names_stay_unique_when_two_segments_share_their_direction_words():
    # Given two segments both clearly high on income, differing in how much they spend
    terms = {
        1: [Term("Income", 1.0, 90, 60, position=0), Term("Spending", 0.6, 70, 50, position=1)],
        2: [Term("Income", 1.1, 92, 60, position=0), Term("Spending", -0.7, 30, 50, position=1)],
        3: [Term("Income", 0.9, 88, 60, position=0)],
    }
    importance = {"Income": 0.1, "Spending": 0.05}
    # When they are named
    names = segment_names(terms, importance)
    # Then every name differs, and the longer names say what sets the first two apart
    assert len(set(names.values())) == 3
    assert "spending" in names[1] and "spending" in names[2]


def test_identical_segments_still_get_distinct_names():
    # Given three segments near the average on everything
    terms = {number: [Term("Income", 0.1, 61, 60)] for number in (1, 2, 3)}
    # When they are named
    names = segment_names(terms, {"Income": 0.5})
    # Then they are all average customers, told apart by a number
    assert names[1] == AVERAGE_NAME and len(set(names.values())) == 3


@pytest.mark.parametrize("column, words, unit", [
    ("Annual Income (k$)", "income", "k$"),
    ("Spending Score (1-100)", "spending", ""),
    ("NumWebPurchases", "web purchases", ""),
    ("CASH_ADVANCE_FREQUENCY", "cash advance frequency", ""),
    ("Age", "age", ""),
])
def test_column_names_read_as_plain_words(column, words, unit):
    assert readable(column) == words
    assert unit_of(column) == unit


def test_actions_only_for_recognised_columns():
    # Given segments standing out on columns whose meaning is not recognised
    unknown = [Term("Fresh", 2.0, 40_000, 12_000), Term("Milk", -1.0, 1_000, 5_800)]
    # Then no advice is invented
    assert suggest_action(unknown) is None
    # But a long recency means the customers need winning back
    assert suggest_action([Term("Recency", 1.5, 90, 30)]).startswith("Win back")
    # And low income with high spending calls for value bundles
    assert suggest_action([Term("Income", -1.2, 20, 60), Term("Spending", 1.1, 80, 50)]) \
        .startswith("Value bundles")
