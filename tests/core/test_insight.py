"""Segment names, descriptions, actions, profiles against the average, and stability."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from made_data import (AGE, AVERAGE, BY_SIZE, CAREFUL_RICH, FOUR_GROUPS, PREMIUM, YOUNG_SPENDERS,
                       four_groups, write_columns, write_csv)
from made_data import INCOME as MADE_INCOME, SPENDING as MADE_SPENDING

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.insight import eta_squared, profile_segments, with_rfm_segments
from custseg_gui.core.pipeline import analyse as analyse_table, run as run_analysis
from custseg_gui.core.prep import prepare, with_categories
from custseg_gui.core.segment import SegmentSettings, segment
from custseg_gui.core.settings import AnalysisSettings, PrepSettings
from custseg_gui.core.sources import LoadedTable, LoadReport, load_table
from custseg_gui.core.stability import Stability
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


# --- profiles of made-up customers, checked against the groups they were made in -----------------

GAP_ROW = 50  # an AVERAGE customer whose income is left empty: left out of the segments


@pytest.fixture(scope="module")
def profiled(tmp_path_factory):
    """The four made-up groups with a Gender (careful rich all women, young spenders all men,
    premium 24 women and 10 men, average half and half), a Visits column not used to group
    (2, 5, 9 and 12 per group, one gap), and one customer left out; profiled in 4 segments."""
    frame = four_groups()
    genders = {CAREFUL_RICH.name: ["Female"] * 14, AVERAGE.name: ["Female", "Male"] * 23,
               YOUNG_SPENDERS.name: ["Male"] * 24, PREMIUM.name: ["Female"] * 24 + ["Male"] * 10}
    frame.insert(2, "Gender", np.concatenate([genders[group.name] for group in FOUR_GROUPS]))
    frame["Visits"] = np.concatenate([np.full(group.size, visits, dtype=float)
                                      for group, visits in zip(FOUR_GROUPS, (2, 5, 9, 12))])
    frame.loc[3, "Visits"] = np.nan
    frame.loc[GAP_ROW, MADE_INCOME] = np.nan
    table = load_table(write_csv(frame, tmp_path_factory.mktemp("insight")))
    columns = describe_columns(table)
    prepared = prepare(table, columns, PrepSettings(
        features=(AGE, MADE_INCOME, MADE_SPENDING, "Gender")))
    segmentation = segment(prepared, SegmentSettings(k=4))
    used = frame.drop(index=GAP_ROW)
    return SimpleNamespace(frame=frame, used=used, table=table, columns=columns,
                           prepared=prepared, segmentation=segmentation,
                           insights=profile_segments(table, columns, prepared, segmentation))


def rows_of(profiled, group) -> pd.DataFrame:
    """The customers used of one made-up group."""
    return profiled.used[profiled.used["Group"] == group.name]


NUMBERS = (AGE, MADE_INCOME, MADE_SPENDING, "Visits")


def test_profiles_give_each_segments_size_share_means_and_medians(profiled):
    # Given the made-up groups, Segment 1 the largest (average, one customer left out)
    # Then each segment's size, share of the 117 customers used, means and medians are those
    # of its group, in the file's units (a gap in Visits skipped, not counted as zero)
    assert profiled.insights.numeric_columns == NUMBERS
    assert profiled.insights.categorical_columns == ("Gender",)
    for profile, group in zip(profiled.insights.profiles, BY_SIZE):
        rows = rows_of(profiled, group)
        assert (profile.number, profile.size) == (BY_SIZE.index(group) + 1, len(rows))
        assert profile.share == pytest.approx(len(rows) / 117)
        for column in NUMBERS:
            assert profile.means[column] == pytest.approx(rows[column].mean()), column
            assert profile.medians[column] == pytest.approx(rows[column].median()), column


def test_index_and_standardized_difference_are_against_every_customer_used(profiled):
    # Given the overall mean and (population) standard deviation of each column
    insights, used = profiled.insights, profiled.used
    for column in NUMBERS:
        assert insights.overall_means[column] == pytest.approx(used[column].mean())
        assert insights.overall_stds[column] == pytest.approx(used[column].std(ddof=0))
        assert insights.overall_medians[column] == pytest.approx(used[column].median())
    # Then a segment's index is its mean against the overall mean (100 = average), and its
    # difference is in standard deviations
    for profile in insights.profiles:
        for column in NUMBERS:
            mean, overall = profile.means[column], used[column].mean()
            assert profile.index[column] == pytest.approx(100 * mean / overall)
            assert profile.difference[column] == pytest.approx(
                (mean - overall) / used[column].std(ddof=0))


def test_category_shares_per_segment_against_all_customers(profiled):
    # Given the genders of the made-up groups
    insights = profiled.insights

    # Then each segment has the share of each gender, most common overall first
    assert [profile.categories for profile in insights.profiles] == [
        {"Gender": {"Female": pytest.approx(22 / 45), "Male": pytest.approx(23 / 45)}},
        {"Gender": {"Female": pytest.approx(24 / 34), "Male": pytest.approx(10 / 34)}},
        {"Gender": {"Female": 0.0, "Male": 1.0}},
        {"Gender": {"Female": 1.0, "Male": 0.0}}]
    assert [list(profile.categories["Gender"]) for profile in insights.profiles] == [
        ["Female", "Male"]] * 4
    assert insights.overall_categories == {"Gender": {"Female": pytest.approx(60 / 117),
                                                      "Male": pytest.approx(57 / 117)}}


def test_feature_importance_is_eta_squared_with_a_category_counted_once(profiled):
    # Given the share of each feature's variance that the groups explain (eta squared); the
    # Gender column's two 0/1 columns count together
    used = profiled.used
    groups = used["Group"]

    def eta_squared_of(values: pd.DataFrame) -> float:
        means = values.groupby(groups).transform("mean")
        between = ((means - values.mean()) ** 2).to_numpy().sum()
        return between / ((values - values.mean()) ** 2).to_numpy().sum()

    expected = {column: eta_squared_of(used[[column]]) for column in (AGE, MADE_INCOME,
                                                                       MADE_SPENDING)}
    expected["Gender"] = eta_squared_of(pd.get_dummies(used["Gender"], dtype=float))

    # Then the features are ranked by it, largest first
    importance = profiled.insights.feature_importance
    assert importance == pytest.approx(expected)
    assert list(importance) == sorted(expected, key=lambda name: -expected[name])


def test_segment_silhouette_is_the_mean_of_its_customers(profiled):
    # Given every customer's silhouette, as scikit-learn computes it
    from sklearn.metrics import silhouette_samples

    labels = profiled.segmentation.labels
    values = silhouette_samples(profiled.prepared.matrix, labels)

    # Then each segment's silhouette is the mean over its customers
    assert [profile.silhouette for profile in profiled.insights.profiles] == pytest.approx(
        [values[labels == number].mean() for number in (1, 2, 3, 4)])


def test_profiles_are_named_described_and_advised_from_their_numbers(profiled):
    # Given the made-up groups, then the names say what sets each apart, Visits included
    # (it is not used to group, but the segments separate it)
    insights = profiled.insights
    assert insights.names() == {
        1: "Occasional", 2: "High income and spending, frequent",
        3: "Very young, very low income, high spending",
        4: "Much older, very low spending, rare"}
    # and the descriptions give the numbers, the columns used to group first, then Visits
    # and the gender that stands out
    assert insights.profile(3).description == (
        "24 customers (20.5%). Younger (23.4 vs 36.5 on average); income 23.9 k$ vs 67.1; "
        "spending score 84.6 vs 65.1; visits 9.00 vs 7.54; mostly Male (100% vs 49% of all "
        "customers).")
    assert insights.profile(1).description == (
        "45 customers (38.5%). Close to the average customer; spending score 55.5 vs 65.1 on "
        "average; visits 5.00 vs 7.54.")
    # every segment gets an action: the average one from what sets it apart (fewer visits)
    assert insights.profile(1).action.startswith("Build a habit:")
    assert insights.profile(4).action.startswith("Re-engage:")


def test_stability_is_given_with_each_segments_reading(profiled):
    # Given stability figures for the four segments
    stability = Stability(jaccard=(0.9, 0.8, 0.7, 0.4), ari=0.8, resamples=20, rows=117)

    # When the segments are profiled with them
    insights = profile_segments(profiled.table, profiled.columns, profiled.prepared,
                                profiled.segmentation, stability)

    # Then each profile has its own segment's figure and reading
    assert insights.stability is stability
    assert [(profile.stability, profile.stability_reading) for profile in insights.profiles] \
        == [(0.9, "highly stable"), (0.8, "stable"), (0.7, "doubtful"),
            (0.4, "not to be trusted")]
    # and without a check, every segment reads "not assessed"
    assert all(np.isnan(profile.stability) and profile.stability_reading == "not assessed"
               for profile in profiled.insights.profiles)
    assert profiled.insights.stability is None


def test_eta_squared_is_the_share_of_variance_between_segments():
    # Given two segments of two customers, a column that separates them, a constant one, and
    # one with a gap (skipped) and a single value left in one segment
    values = np.array([[1.0, 5.0, 1.0], [2.0, 5.0, np.nan], [10.0, 5.0, 3.0],
                       [11.0, 5.0, 5.0]])
    labels = np.array([1, 1, 2, 2])

    # Then the first is 81/82 explained, the constant one 0, and the third 3/4 (means 1 and
    # 4 around 3)
    assert eta_squared(values, labels, 2) == pytest.approx([81 / 82, 0.0, 6 / 8])
    # and a column with fewer than two values is not explained at all, while one with two
    # values in different segments is wholly explained; neither stops the next column
    sparse = np.array([[np.nan, 1.0, 1.0], [1.0, np.nan, 2.0], [np.nan, np.nan, 10.0],
                       [np.nan, 5.0, 11.0]])
    assert eta_squared(sparse, labels, 2) == pytest.approx([0.0, 1.0, 81 / 82])


def test_profiles_of_edge_columns_codes_and_gaps(tmp_path):
    # Given 12 customers in two groups of spending (one more left out for a gap), described by
    # columns that are not used to group: Tenure the same for every customer used, Rate with a
    # small spread (0.1 against 0.3), Balance averaging 0 (-1 against 1), Score known only in
    # the first group; Region codes (one missing) treated as categories, and a Gender (one
    # missing)
    columns = {
        "Spend": ["10", "11", "12", "10", "11", "12", "90", "91", "92", "90", "91", "92", ""],
        "Tenure": ["5"] * 12 + ["9"],
        "Rate": ["0.1"] * 6 + ["0.3"] * 6 + ["0.2"],
        "Balance": ["-1"] * 6 + ["1"] * 6 + ["0"],
        "Score": ["1", "2", "3", "4", "5", "6"] + [""] * 6 + ["3"],
        "Region": ["1", "1", "1", "2", "", "1", "2", "2", "2", "1", "2", "2", "1"],
        "Gender": ["F", "F", "F", "F", "F", "", "M", "M", "M", "M", "M", "F", "M"],
    }
    table = load_table(write_columns(tmp_path, columns))
    described = with_categories(describe_columns(table), ("Region",))
    prepared = prepare(table, described, PrepSettings(features=("Spend",)))

    # When the two segments are profiled (numpy's warnings made errors: the report command
    # would print them under its output)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        insights = profile_segments(table, described, prepared, segment(prepared,
                                                                         SegmentSettings(k=2)))
    low, high = insights.profiles

    # Then a column the same for everyone used is average in every segment, not undefined
    assert (low.difference["Tenure"], low.index["Tenure"]) == (0.0, 100.0)
    # a small spread still counts: Rate is a full deviation apart and names the segments
    assert (low.difference["Rate"], high.difference["Rate"]) == pytest.approx((-1.0, 1.0))
    assert (low.difference["Balance"], high.difference["Balance"]) == (-1.0, 1.0)
    assert [low.name, high.name] == ["Low spend, rate and balance",
                                     "High spend, rate and balance"]
    # an index against an average of 0 has no meaning, and a column a segment has no values
    # in has no mean there
    assert np.isnan(low.index["Balance"]) and np.isnan(high.index["Balance"])
    assert low.means["Score"] == 3.5 and np.isnan(high.means["Score"])
    assert np.isnan(high.medians["Score"]) and np.isnan(high.difference["Score"])
    # codes are shares of the codes as written, and a missing value is a category of its own
    assert low.categories == {
        "Region": {"2": pytest.approx(1 / 6), "1": pytest.approx(4 / 6),
                   "(missing)": pytest.approx(1 / 6)},
        "Gender": {"F": pytest.approx(5 / 6), "M": 0.0, "(missing)": pytest.approx(1 / 6)}}
    assert insights.overall_categories["Region"] == pytest.approx(
        {"2": 6 / 12, "1": 5 / 12, "(missing)": 1 / 12})
    assert list(insights.overall_categories["Region"]) == ["2", "1", "(missing)"]
    assert high.description == (
        "6 customers (50.0%). Spend 91.0 vs 51.0 on average; rate 0.3 vs 0.2; balance 1.00 vs "
        "0; mostly M (83% vs 42% of all customers); mostly region 2 (83% vs 50% of all "
        "customers).")


def test_a_segment_like_the_average_customer_is_called_so(profiled):
    # Given the made-up groups profiled without Visits, on which the average group differs
    columns = tuple(info for info in profiled.columns if info.name != "Visits")
    insights = profile_segments(profiled.table, columns, profiled.prepared,
                                profiled.segmentation)

    # Then Segment 1 is "Average customers", with no number added
    assert insights.names() == {
        1: AVERAGE_NAME, 2: "High income and spending",
        3: "Very young, very low income, high spending",
        4: "Much older, high income, very low spending"}


# --- actions by share and split, yes/no columns, ties among categories, RFM mixes ---------------

OVERLAP = "The groups overlap a lot, so test this on a small group before a campaign."


def profiled_columns(folder, columns: dict[str, list[str]], features: tuple[str, ...], k: int):
    """The customers of `columns` profiled in k segments grouped on `features`."""
    table = load_table(write_columns(folder, columns))
    described = describe_columns(table)
    prepared = prepare(table, described, PrepSettings(features=features))
    segmentation = segment(prepared, SegmentSettings(k=k))
    return segmentation, profile_segments(table, described, prepared, segmentation)


def spenders(low: int, high: int) -> dict[str, list[str]]:
    """`low` customers of low income and spending, all but one not on the newsletter (a yes/no
    column, not used to group), then `high` customers of high income and spending, all on it."""
    return {"Income": [str(20 + i % 3) for i in range(low)] + [str(80 + i % 3)
                                                               for i in range(high)],
            "Spending": [str(10 + i % 3) for i in range(low)] + [str(90 + i % 3)
                                                                 for i in range(high)],
            "Newsletter": ["0"] * (low - 1) + ["1"] * (high + 1)}


def test_a_large_low_income_low_spending_segment_is_kept_cheaply_a_small_one_lightly(tmp_path):
    # Given 6 customers of low income and spending and 4 of high (a clear split)
    _, large = profiled_columns(tmp_path, spenders(6, 4), ("Income", "Spending"), 2)
    # Then the low ones, 60% of the customers, are not to be neglected
    assert (large.profile(1).size, large.profile(1).name.split(",")[0]) == (
        6, "Low income and spending")
    assert large.profile(1).action.startswith("Keep them, cheaply: they are a large part")
    # Given 3 such customers against 7 (30%), then little marketing effort goes to them
    _, small = profiled_columns(tmp_path, spenders(3, 7), ("Income", "Spending"), 2)
    assert small.profile(2).size == 3
    assert small.profile(2).action.startswith("Keep it light:")
    # and a clear split needs no warning that the groups overlap
    assert not any(profile.action.endswith(OVERLAP)
                   for profile in large.profiles + small.profiles)


def test_a_yes_no_column_reads_as_shares_in_names_descriptions_and_values(tmp_path):
    # Given a yes/no Newsletter column: 1 of the 6 low customers on it, all 4 high ones
    _, insights = profiled_columns(tmp_path, spenders(6, 4), ("Income", "Spending"), 2)
    low, high = insights.profiles
    # Then the names say how often, and the descriptions give shares, not averages of 0 and 1
    assert low.name == "Low income and spending, rarely newsletter"
    assert high.name == "High income and spending, often newsletter"
    assert low.description.endswith("newsletter: 16.7% vs 50.0% of all customers.")
    assert high.description.endswith("newsletter: 100.0% vs 50.0% of all customers.")
    # and a value of it is shown as a share, a value of another column as a number
    assert insights.value_text("Newsletter", 0.5) == "50.0%"
    assert insights.value_text("Newsletter", low.means["Newsletter"]) == "16.7%"
    assert insights.value_text("Income", 21.0) == "21.0"


def test_categories_as_common_as_each_other_keep_the_order_they_first_appear_in(tmp_path):
    # Given stores of 10 customers: North 1, South 2, East 2, West 2 and Centre 3, in the file
    # first in the order North, South, East, West, Centre
    columns = spenders(6, 4)
    columns["Store"] = ["North", "South", "East", "West", "Centre",
                        "South", "East", "West", "Centre", "Centre"]
    _, insights = profiled_columns(tmp_path, columns, ("Income", "Spending"), 2)
    # Then the most common comes first, and the three as common as each other keep the file's
    # order, among all customers and in every segment
    expected = ["Centre", "South", "East", "West", "North"]
    assert list(insights.overall_categories["Store"]) == expected
    assert insights.overall_categories["Store"]["Centre"] == pytest.approx(0.3)
    assert [list(profile.categories["Store"]) for profile in insights.profiles] == [expected] * 2


def test_a_weak_split_advises_testing_each_action_on_a_small_group_first(tmp_path):
    # Given 30 customers spread evenly over income, spending and visits, with no groups in
    # them, cut in two: a weak split (a silhouette of 0.35 or less)
    values = np.random.default_rng(1).uniform(0, 100, size=(30, 3)).round(0)
    names = ("Income", "Spending", "Visits")
    columns = {name: [str(value) for value in values[:, i]] for i, name in enumerate(names)}
    segmentation, insights = profiled_columns(tmp_path, columns, names, 2)
    assert segmentation.silhouette < 0.35
    # Then every segment's action ends by saying the groups overlap
    assert all(profile.action.endswith(" " + OVERLAP) for profile in insights.profiles)


def test_each_segment_gets_its_own_mix_of_rfm_segments(profiled):
    # Given the share of each RFM segment in each of the four segments
    mix = {1: {"Champions": 0.5, "Loyal customers": 0.5}, 2: {"At risk": 1.0},
           3: {"New customers": 0.75, "Champions": 0.25}, 4: {"Hibernating": 1.0}}
    # When they are added to the profiles
    insights = with_rfm_segments(profiled.insights, mix)
    # Then each profile holds its own segment's mix, and nothing else changes
    assert [profile.rfm_segments for profile in insights.profiles] == [mix[1], mix[2], mix[3],
                                                                        mix[4]]
    assert insights.names() == profiled.insights.names()
    assert [profile.description for profile in insights.profiles] == [
        profile.description for profile in profiled.insights.profiles]
    assert insights.feature_importance == profiled.insights.feature_importance
    # and the profiles it was given are left as they were
    assert all(profile.rfm_segments == {} for profile in profiled.insights.profiles)
