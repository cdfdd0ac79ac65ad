"""From a loaded table to segments: preparation, the k search, the final fit and the profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import silhouette_samples, silhouette_score

from custseg_gui.core.pipeline import run as run_analysis

from custseg_gui.core.settings import AnalysisSettings

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.ksearch import search_k, silhouette_sample
from custseg_gui.core.settings import KSearchSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import PrepSettings
from custseg_gui.core.segment import segment
from custseg_gui.core.settings import SegmentSettings

INCOME = "Annual Income (k$)"
SPENDING = "Spending Score (1-100)"


def load_frame(tmp_path, frame: pd.DataFrame, name: str = "customers.csv"):
    """Write a frame as a CSV file and load it the way a user's file is loaded."""
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return load_table(path)


def prepared_from(table, features, missing="drop", scaling="standard"):
    return prepare(table, describe_columns(table),
                   PrepSettings(features=tuple(features), missing=missing, scaling=scaling))


def blobs(sizes, centres, seed=3, spread=1.0) -> pd.DataFrame:
    """Customers in well-separated groups of the given sizes, in file order group by group."""
    rng = np.random.default_rng(seed)
    parts = [rng.normal(centre, spread, size=(size, len(centre)))
             for size, centre in zip(sizes, centres)]
    values = np.vstack(parts).round(3)
    return pd.DataFrame({"Income": values[:, 0], "Spend": values[:, 1]})


# --- the mall reference (../shared/data/README.md) -----------------------------------------

@pytest.fixture(scope="module")
def mall_analysis(mall_csv):
    return run_analysis(mall_csv, AnalysisSettings(features=(INCOME, SPENDING)))


@pytest.mark.shared_data
def test_mall_recommends_five_segments(mall_analysis):
    # Given income and spending of the mall customers, standardized, searched over k 2..10,
    # then 5 segments are recommended, with the reason in words
    assert mall_analysis.search.recommended_k == 5
    assert [score.k for score in mall_analysis.search.scores] == list(range(2, 11))
    assert mall_analysis.search.recommendation.startswith("5 segments fit best")
    assert "How clearly customers fall into groups: 0.55, good (silhouette" in \
        mall_analysis.search.recommendation


@pytest.mark.shared_data
def test_mall_five_segments_match_reference_scores(mall_analysis):
    # Given the mall analysis, then k = 5 scores as in the reference table
    score = mall_analysis.search.score(5)
    assert score.silhouette == pytest.approx(0.5547, abs=0.0005)
    assert score.inertia == pytest.approx(65.568, abs=0.01)
    assert mall_analysis.segmentation.k == 5
    assert mall_analysis.segmentation.silhouette == pytest.approx(0.5547, abs=0.0005)
    assert mall_analysis.segmentation.inertia == pytest.approx(65.568, abs=0.01)
    assert mall_analysis.search.silhouette_sample_size is None  # 200 rows: every row scored


@pytest.mark.shared_data
def test_mall_segment_sizes_are_numbered_largest_first(mall_analysis):
    # Given the mall analysis at k = 5, then segments 1..5 hold 81, 39, 35, 23 and 22 customers
    assert mall_analysis.segmentation.sizes == (81, 39, 35, 23, 22)
    assert [profile.size for profile in mall_analysis.insights.profiles] == [81, 39, 35, 23, 22]
    names = [profile.name for profile in mall_analysis.insights.profiles]
    assert len(set(names)) == 5 and all(names)


# (income, spending, age) per segment, from the README table
MALL_PROFILES = [
    (55.30, 49.52, 42.7),
    (86.54, 82.13, 32.7),
    (88.20, 17.11, 41.1),
    (26.30, 20.91, 45.2),
    (25.73, 79.36, 25.3),
]


@pytest.mark.shared_data
@pytest.mark.parametrize("number", range(1, 6))
def test_mall_segment_profile_in_original_units(mall_analysis, number):
    # Given the mall analysis at k = 5, when segment `number` is profiled
    profile = mall_analysis.insights.profiles[number - 1]
    income, spending, age = MALL_PROFILES[number - 1]

    # Then its means are in the data's units, as in the reference table. The README gives ages
    # to one decimal, so they are compared to within half of that last digit.
    assert profile.number == number
    assert profile.means[INCOME] == pytest.approx(income, abs=0.01)
    assert profile.means[SPENDING] == pytest.approx(spending, abs=0.01)
    assert profile.means["Age"] == pytest.approx(age, abs=0.05)
    # and the segment centre of the fit agrees with the profile of its members
    centre = mall_analysis.segmentation.centres.loc[number]
    assert centre[INCOME] == pytest.approx(income, abs=0.01)
    assert centre[SPENDING] == pytest.approx(spending, abs=0.01)


@pytest.mark.shared_data
def test_mall_profiles_leave_out_the_customer_id(mall_analysis):
    # Given the mall analysis, then profiles average numbers but not the ID column
    assert mall_analysis.insights.numeric_columns == ("Age", INCOME, SPENDING)
    assert sum(profile.share for profile in mall_analysis.insights.profiles) == pytest.approx(1.0)
    assert mall_analysis.insights.profiles[0].share == pytest.approx(81 / 200)


# --- scaling on skewed data -------------------------------------------------------------------

@pytest.mark.shared_data
def test_wholesale_scaling_changes_the_segments(wholesale_csv):
    # Given the wholesale customers, whose spend columns are on very different scales
    table = load_table(wholesale_csv)
    columns = describe_columns(table)
    features = ("Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen")
    results = {}
    for scaling in ("standard", "none"):
        prepared = prepare(table, columns, PrepSettings(features=features, scaling=scaling))
        results[scaling] = segment(prepared, SegmentSettings(k=3))

    # When segmented into 3 with and without scaling, then the customers are grouped differently
    assert not np.array_equal(results["standard"].row_segments, results["none"].row_segments)
    # and without scaling the centres are the raw spend amounts (Fresh in the thousands)
    assert results["none"].centres["Fresh"].max() > 10_000


# --- missing values -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cc_table(cc_general_csv):
    table = load_table(cc_general_csv)
    return table, describe_columns(table)


@pytest.mark.shared_data
def test_cc_general_drop_leaves_out_rows_with_gaps_and_says_why(cc_table):
    # Given the credit-card customers and every usable numeric column
    table, columns = cc_table
    features = tuple(info.name for info in columns if info.usable)

    # When customers with a gap are dropped
    prepared = prepare(table, columns, PrepSettings(features=features, missing="drop"))

    # Then 314 are left out: 313 for MINIMUM_PAYMENTS and 1 for CREDIT_LIMIT
    assert len(prepared.left_out) == 314
    assert len(prepared.rows_used) == 8950 - 314
    reasons = prepared.left_out.value_counts().to_dict()
    assert reasons == {"Missing value in MINIMUM_PAYMENTS": 313,
                       "Missing value in CREDIT_LIMIT": 1}
    # and the left-out rows are exactly the rows with a gap
    gaps = table.frame[["MINIMUM_PAYMENTS", "CREDIT_LIMIT"]].isna().any(axis=1).to_numpy()
    assert sorted(prepared.left_out.index) == list(np.flatnonzero(gaps))
    assert prepared.matrix.shape == (8636, 17)


@pytest.mark.shared_data
def test_cc_general_median_fills_gaps_and_keeps_everyone(cc_table):
    # Given the credit-card customers and every usable numeric column
    table, columns = cc_table
    features = tuple(info.name for info in columns if info.usable)

    # When gaps are filled with the median
    prepared = prepare(table, columns, PrepSettings(features=features, missing="median"))

    # Then nobody is left out and the filled counts are reported
    assert len(prepared.left_out) == 0
    assert len(prepared.rows_used) == 8950
    assert prepared.filled == {"MINIMUM_PAYMENTS": 313, "CREDIT_LIMIT": 1}
    assert np.isfinite(prepared.matrix).all()


def test_two_missing_columns_are_both_named_in_the_reason(tmp_path):
    # Given a customer with gaps in two chosen columns and one with a gap in one
    frame = pd.DataFrame({"Income": [10, None, None, 40, 50, 60],
                          "Spend": [1, None, 3, 4, 5, 6]})
    table = load_frame(tmp_path, frame)

    # When gaps are dropped
    prepared = prepared_from(table, ["Income", "Spend"])

    # Then each left-out customer's reason names its own gaps
    assert prepared.left_out.to_dict() == {1: "Missing values in Income, Spend",
                                           2: "Missing value in Income"}


@pytest.mark.parametrize("missing, expected_fill", [("median", 30.0), ("mean", 130 / 4)])
def test_fill_policies_fill_with_the_column_statistic(tmp_path, missing, expected_fill):
    # Given an Income column with one gap
    frame = pd.DataFrame({"Income": [10, 20, None, 40, 60], "Spend": [5, 4, 3, 2, 1]})
    table = load_frame(tmp_path, frame)

    # When the gap is filled with the median or the mean
    prepared = prepared_from(table, ["Income", "Spend"], missing=missing, scaling="none")

    # Then the customer is kept with the filled value, and the fill is reported
    assert len(prepared.rows_used) == 5 and len(prepared.left_out) == 0
    assert prepared.original_units[2, 0] == pytest.approx(expected_fill)
    assert prepared.filled == {"Income": 1}


# --- scalings ----------------------------------------------------------------------------------

@pytest.fixture
def skewed_table(tmp_path):
    frame = pd.DataFrame({"Income": [20, 25, 30, 35, 40, 45, 1000],
                          "Spend": [3, 1, 4, 2, 7, 5, 6]})
    return load_frame(tmp_path, frame)


def test_standard_scaling_gives_mean_zero_spread_one(skewed_table):
    prepared = prepared_from(skewed_table, ["Income", "Spend"], scaling="standard")
    assert prepared.matrix.mean(axis=0) == pytest.approx([0, 0], abs=1e-12)
    assert prepared.matrix.std(axis=0) == pytest.approx([1, 1])


def test_minmax_scaling_squeezes_into_zero_to_one(skewed_table):
    prepared = prepared_from(skewed_table, ["Income", "Spend"], scaling="minmax")
    assert prepared.matrix.min(axis=0) == pytest.approx([0, 0])
    assert prepared.matrix.max(axis=0) == pytest.approx([1, 1])


def test_robust_scaling_uses_median_and_quartiles(skewed_table):
    # Given incomes with one extreme customer (1000), when scaled robustly
    prepared = prepared_from(skewed_table, ["Income", "Spend"], scaling="robust")

    # Then the median maps to 0 and the quartile range to 1, so the outlier stays far out
    assert np.median(prepared.matrix, axis=0) == pytest.approx([0, 0])
    assert prepared.center[0] == 35 and prepared.scale[0] == pytest.approx(42.5 - 27.5)
    assert prepared.matrix[6, 0] == pytest.approx((1000 - 35) / 15)


@pytest.mark.parametrize("scaling", ["standard", "minmax", "robust", "none"])
def test_scaling_can_be_undone_to_original_units(skewed_table, scaling):
    prepared = prepared_from(skewed_table, ["Income", "Spend"], scaling=scaling)
    assert prepared.original_units[:, 0] == pytest.approx([20, 25, 30, 35, 40, 45, 1000])


def test_chosen_category_becomes_unscaled_zero_one_columns(tmp_path):
    # Given a Gender column chosen as a feature beside a number
    frame = pd.DataFrame({"Gender": ["Female", "Male", "Female", "Male", "Female"],
                          "Spend": [10, 20, 30, 40, 50]})
    table = load_frame(tmp_path, frame)

    # When prepared with standard scaling
    prepared = prepared_from(table, ["Gender", "Spend"])

    # Then each category is its own 0/1 column, left unscaled
    assert prepared.matrix_columns == ("Gender = Female", "Gender = Male", "Spend")
    assert list(prepared.matrix[:, 0]) == [1, 0, 1, 0, 1]
    assert list(prepared.matrix[:, 1]) == [0, 1, 0, 1, 0]


# --- refused settings ---------------------------------------------------------------------------

def test_zero_variance_feature_is_refused(tmp_path):
    # Given a column where every customer has the same value
    frame = pd.DataFrame({"Income": [10, 20, 30, 40], "Tenure": [12, 12, 12, 12]})
    table = load_frame(tmp_path, frame)

    # When it is chosen, then the user is told it cannot tell customers apart
    with pytest.raises(UserError, match="'Tenure' cannot be used.*same value"):
        prepared_from(table, ["Income", "Tenure"])


def test_feature_constant_among_customers_used_is_refused(tmp_path):
    # Given a column that differs only in a row that is left out for a gap elsewhere
    frame = pd.DataFrame({"Income": [10, 20, 30, None], "Tenure": [12, 12, 12, 24]})
    table = load_frame(tmp_path, frame)

    # When both are chosen and gaps dropped, then the user is told to untick Tenure
    with pytest.raises(UserError, match="same value in 'Tenure'.*Untick it"):
        prepared_from(table, ["Income", "Tenure"])


def test_infinite_values_are_refused(tmp_path):
    # Given a column holding an infinite value, as some exports write for a division by zero
    path = tmp_path / "customers.csv"
    path.write_text("Income,Ratio\n10,1.5\n20,inf\n30,2.5\n40,3.5\n")
    table = load_table(path)

    # When it is chosen, then the message counts the infinite values and says what to do
    with pytest.raises(UserError, match=r"'Ratio' holds 1 infinite value.*Replace them"):
        prepared_from(table, ["Income", "Ratio"])


def test_unknown_feature_is_refused_with_the_usable_names(tmp_path):
    table = load_frame(tmp_path, pd.DataFrame({"Income": [15, 22, 37], "Spend": [3, 1, 2]}))
    with pytest.raises(UserError, match="no column named 'Age'. Usable columns are: Income, Spend"):
        prepared_from(table, ["Age"])


def test_identifier_chosen_as_feature_is_refused_with_its_reason(tmp_path):
    frame = pd.DataFrame({"CustomerID": [101, 205, 333, 412], "Spend": [3, 1, 2, 5]})
    table = load_frame(tmp_path, frame)
    with pytest.raises(UserError, match="'CustomerID' cannot be used.*identifies customers"):
        prepared_from(table, ["CustomerID", "Spend"])


# --- the k range ------------------------------------------------------------------------------

def test_k_range_shrinks_to_fit_few_distinct_customers(tmp_path):
    # Given 9 customers with only 3 different profiles
    frame = pd.DataFrame({"Income": [10, 50, 90] * 3, "Spend": [80, 20, 50] * 3})
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When k from 2 to 10 is searched
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=10))

    # Then only k = 2 is tried and a note says why
    assert [score.k for score in search.scores] == [2]
    assert search.recommended_k == 2
    assert search.notes == ("Only 3 different customer profiles are in the data, so at most 2 "
                            "segments were tried.",)


def test_too_few_different_profiles_for_two_segments_is_refused(tmp_path):
    # Given 6 customers with only 2 different profiles
    frame = pd.DataFrame({"Income": [10, 50] * 3, "Spend": [80, 20] * 3})
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When k is searched, then the user is told there are too few different customers
    with pytest.raises(UserError, match="Only 2 different customer profiles are left to group"):
        search_k(prepared, KSearchSettings(k_min=2, k_max=10))


def test_two_customers_message_reads_as_plain_english(tmp_path):
    # Given a file of just 2 customers
    frame = pd.DataFrame({"Income": [10, 50], "Spend": [80, 20]})
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When k is searched, then the message says "2 customers" (plural)
    with pytest.raises(UserError) as caught:
        search_k(prepared, KSearchSettings(k_min=2, k_max=10))
    assert str(caught.value).startswith("Only 2 customers are left to group, too few for 2")


@pytest.mark.parametrize("k_min, k_max, words", [
    (1, 5, "at least 2 segments"),
    (6, 4, "smallest number of segments to try (6) is larger than the largest (4)"),
])
def test_bad_k_range_is_refused(tmp_path, k_min, k_max, words):
    frame = blobs((10, 10, 10), ((0, 0), (10, 0), (0, 10)))
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])
    with pytest.raises(UserError) as caught:
        search_k(prepared, KSearchSettings(k_min=k_min, k_max=k_max))
    assert words in str(caught.value)


def test_final_k_above_distinct_profiles_is_refused(tmp_path):
    # Given 4 different customer profiles
    frame = pd.DataFrame({"Income": [10, 50, 90, 30] * 2, "Spend": [80, 20, 50, 10] * 2})
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When 6 segments are asked for, then the user is told how many are possible
    with pytest.raises(UserError, match="only 4 different customer profiles.*Choose 3 or fewer"):
        segment(prepared, SegmentSettings(k=6))


# --- silhouette on large data ------------------------------------------------------------------

def test_silhouette_is_estimated_on_a_sample_above_ten_thousand_customers(tmp_path):
    # Given 12,000 customers in three groups
    frame = blobs((6000, 4000, 2000), ((0, 0), (8, 0), (0, 8)), seed=11)
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When k 2..3 is searched and 3 segments fitted
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=3))
    segmentation = segment(prepared, SegmentSettings(k=3), search)

    # Then silhouette is estimated on a fixed sample (never all 12,000), and says so, with
    # the estimate's 95% interval
    sample = search.silhouette_sample_size
    assert sample is not None and sample < 12_000
    assert search.recommended_k == 3
    score = search.score(3)
    assert score.silhouette > 0.6 and score.silhouette_low < score.silhouette < \
        score.silhouette_high
    assert len(segmentation.silhouette_rows) == sample
    assert int(np.isfinite(segmentation.silhouette_values).sum()) == sample
    assert segmentation.sizes == (6000, 4000, 2000)


def test_silhouette_uses_every_customer_on_small_data(tmp_path):
    frame = blobs((40, 30, 20), ((0, 0), (8, 0), (0, 8)))
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=4))
    assert search.silhouette_sample_size is None
    assert segment(prepared, SegmentSettings(k=3), search).silhouette_rows is None


def test_silhouette_scores_agree_with_scikit_learn(tmp_path):
    # Given overlapping groups and one lone customer far away (a segment of one, which scores 0)
    frame = blobs((60, 40, 30), ((0, 0), (4, 0), (0, 4)), seed=9, spread=1.3)
    frame.loc[len(frame)] = (40.0, 40.0)
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When k 2..5 is searched and 4 segments fitted
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=5))
    segmentation = segment(prepared, SegmentSettings(k=4), search)

    # Then every mean and per-customer silhouette is the textbook value scikit-learn computes
    for score in search.scores:
        expected = silhouette_score(prepared.matrix, search.fits[score.k].labels)
        assert score.silhouette == pytest.approx(expected, abs=1e-9), f"k = {score.k}"
    expected_values = silhouette_samples(prepared.matrix, segmentation.labels)
    assert segmentation.silhouette_values == pytest.approx(expected_values, abs=1e-9)
    assert segmentation.silhouette == pytest.approx(expected_values.mean(), abs=1e-9)


def test_sampled_silhouette_is_right_when_a_segment_falls_outside_the_sample(tmp_path):
    # Given 12,000 customers in three groups plus one extreme customer (a segment of its own),
    # placed on a row that the silhouette sample of 10,000 does not include
    frame = blobs((6000, 4000, 1999), ((0, 0), (8, 0), (0, 8)), seed=11)
    sample = silhouette_sample(12_000, seed=42)
    outside = int(np.setdiff1d(np.arange(12_000), sample)[0])
    frame = pd.concat([frame.iloc[:outside], pd.DataFrame({"Income": [600.0], "Spend": [600.0]}),
                       frame.iloc[outside:]], ignore_index=True)
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When 4 segments are scored
    search = search_k(prepared, KSearchSettings(k_min=4, k_max=4, seed=42))
    labels = search.fits[4].labels
    assert sorted(np.bincount(labels)) == [1, 1999, 4000, 6000]  # the extreme one is alone

    # Then the silhouette is scikit-learn's on the sampled customers: the three groups sit
    # clearly apart (about 0.77), not 0
    expected = silhouette_score(prepared.matrix[sample], labels[sample])
    assert expected > 0.7
    assert search.score(4).silhouette == pytest.approx(expected, abs=1e-9)


# --- segment numbering and reproducibility ----------------------------------------------------

def test_segments_are_numbered_by_descending_size(tmp_path):
    # Given groups of 10, 50 and 30 customers, the smallest first in the file
    frame = blobs((10, 50, 30), ((0, 20), (0, 0), (20, 0)))
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"], scaling="none")

    # When segmented into 3
    segmentation = segment(prepared, SegmentSettings(k=3))

    # Then Segment 1 is the 50 around (0, 0), Segment 2 the 30, Segment 3 the 10
    assert segmentation.sizes == (50, 30, 10)
    assert list(np.bincount(segmentation.labels)[1:]) == [50, 30, 10]
    assert list(segmentation.row_segments[:10]) == [3] * 10
    assert list(segmentation.row_segments[10:60]) == [1] * 50
    assert segmentation.centres.loc[1].to_numpy() == pytest.approx([0, 0], abs=0.5)
    assert segmentation.centres.loc[3].to_numpy() == pytest.approx([0, 20], abs=0.5)


def test_left_out_customers_have_no_segment(tmp_path):
    # Given a customer with a gap among well-separated groups
    frame = blobs((20, 20), ((0, 0), (10, 10)))
    frame.loc[5, "Spend"] = None
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When segmented, then that customer's segment is 0 (none) and everyone else has one
    segmentation = segment(prepared, SegmentSettings(k=2))
    assert segmentation.row_segments[5] == 0
    assert (np.delete(segmentation.row_segments, 5) > 0).all()
    assert sum(segmentation.sizes) == 39


def test_same_seed_gives_identical_segments_and_another_seed_may_not(tmp_path):
    # Given overlapping groups, where different starts find different splits
    frame = blobs((60, 50, 40), ((0, 0), (3, 0), (0, 3)), seed=5, spread=1.5)
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])

    # When segmented twice with the same seed, and once with another
    first = segment(prepared, SegmentSettings(k=4, seed=7))
    second = segment(prepared, SegmentSettings(k=4, seed=7))
    other = segment(prepared, SegmentSettings(k=4, seed=8))

    # Then with the same seed every customer lands in the same segment, and the scores agree
    # exactly
    assert np.array_equal(first.labels, second.labels)
    assert first.inertia == second.inertia
    assert first.sizes == second.sizes == (46, 43, 33, 28)
    # and the seed is really used: on this data seed 8 splits the customers differently
    assert other.sizes == (45, 44, 33, 28)
    assert not np.array_equal(first.labels, other.labels)


def test_search_reuses_its_fit_for_the_final_segments(tmp_path):
    # Given a k search, when the final segments use the same seed
    frame = blobs((40, 30, 20), ((0, 0), (8, 0), (0, 8)))
    prepared = prepared_from(load_frame(tmp_path, frame), ["Income", "Spend"])
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=4, seed=3))
    with_search = segment(prepared, SegmentSettings(k=3, seed=3), search)
    without = segment(prepared, SegmentSettings(k=3, seed=3))

    # Then the result is the same as fitting afresh
    assert np.array_equal(with_search.labels, without.labels)
    assert with_search.inertia == pytest.approx(search.score(3).inertia)
