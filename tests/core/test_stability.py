"""How far to trust each segment: Hennig's readings of the bootstrap Jaccard similarity.

Hennig (fpc::clusterboot): a mean Jaccard similarity of 0.85 and above is highly stable, 0.75
or more stable, from 0.6 to 0.75 a doubtful pattern, below 0.6 not to be trusted.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from made_data import four_groups, write_columns, write_csv

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.pipeline import run as run_analysis
from custseg_gui.core.prep import prepare
from custseg_gui.core.progress import Progress
from custseg_gui.core.segment import SegmentSettings, segment
from custseg_gui.core.settings import AnalysisSettings, PrepSettings, StabilitySettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.stability import Stability, assess_stability, stability_reading

HIGHLY_STABLE = ("highly stable", "found again in almost every resample")
STABLE = ("stable", "found again in most resamples")
DOUBTFUL = ("doubtful", "shows a pattern, but its edges move from resample to resample")
NOT_TRUSTED = ("not to be trusted", "it dissolves when the customers are resampled")

AROUND_THRESHOLDS = [
    (1.0, HIGHLY_STABLE),
    (0.851, HIGHLY_STABLE),
    (0.849, STABLE),
    (0.751, STABLE),
    (0.749, DOUBTFUL),
    (0.601, DOUBTFUL),
    (0.599, NOT_TRUSTED),
    (0.3, NOT_TRUSTED),
    (0.0, NOT_TRUSTED),
]
EXACTLY_AT_THRESHOLDS = [(0.85, HIGHLY_STABLE), (0.75, STABLE), (0.60, DOUBTFUL)]


def one_segment(jaccard: float) -> Stability:
    return Stability(jaccard=(jaccard,), ari=jaccard, resamples=20, rows=100)


@pytest.mark.parametrize("jaccard, expected", AROUND_THRESHOLDS)
def test_reading_just_above_and_below_each_threshold(jaccard, expected):
    # Given a segment found again with this mean Jaccard similarity
    # Then its reading and the explanation beside it are Hennig's for that value
    label, explanation = expected
    assert stability_reading(jaccard) == label
    assert one_segment(jaccard).reading(1) == label
    assert one_segment(jaccard).explanation(1) == explanation


@pytest.mark.parametrize("jaccard, expected", EXACTLY_AT_THRESHOLDS)
def test_reading_exactly_at_each_threshold_is_the_higher_one(jaccard, expected):
    # Given a segment found again with a mean Jaccard of exactly 0.85, 0.75 or 0.60
    # Then Hennig's reading from that value up applies ("0.85 and above", "0.75 or more")
    label, explanation = expected
    assert stability_reading(jaccard) == label
    assert one_segment(jaccard).explanation(1) == explanation


@pytest.mark.parametrize("jaccard", [float("nan"), float("inf")])
def test_a_segment_that_was_not_checked_reads_not_assessed(jaccard):
    # Given no stability value (the check did not run), then the reading says so
    assert stability_reading(jaccard) == "not assessed"


def test_each_segment_gets_its_own_reading_by_number():
    # Given four segments found again with decreasing similarity
    stability = Stability(jaccard=(0.9, 0.8, 0.7, 0.4), ari=0.8, resamples=20, rows=100)

    # Then segment 1 is highly stable ... segment 4 not to be trusted, each with its sentence
    assert [stability.reading(number) for number in (1, 2, 3, 4)] == [
        "highly stable", "stable", "doubtful", "not to be trusted"]
    assert [stability.explanation(number) for number in (1, 2, 3, 4)] == [
        HIGHLY_STABLE[1], STABLE[1], DOUBTFUL[1], NOT_TRUSTED[1]]


# --- the bootstrap on made data ------------------------------------------------------------------

@pytest.fixture(scope="module")
def well_separated(tmp_path_factory):
    """The four made-up groups in 4 segments, and forced into 6 (splitting real groups)."""
    path = write_csv(four_groups(), tmp_path_factory.mktemp("stability"))
    return {k: run_analysis(path, AnalysisSettings(k=k, k_min=k, k_max=k)) for k in (4, 6)}


def test_well_separated_groups_are_highly_stable(well_separated):
    # Given four groups far apart, in four segments
    analysis = well_separated[4]

    # Then every segment is found again in every resample, and the profiles say so
    assert analysis.insights.stability.jaccard == pytest.approx((1.0, 1.0, 1.0, 1.0))
    assert analysis.insights.stability.ari == pytest.approx(1.0)
    assert [profile.stability_reading for profile in analysis.insights.profiles] == [
        "highly stable"] * 4


def test_splitting_real_groups_makes_segments_less_stable(well_separated):
    # Given the same four groups forced into six segments (two groups split in halves)
    stability = well_separated[6].insights.stability

    # Then at least one segment is not highly stable, and the whole segmentation agrees less
    # with itself across resamples
    assert min(stability.jaccard) < 0.85
    assert stability.ari < 0.95
    readings = [profile.stability_reading for profile in well_separated[6].insights.profiles]
    assert readings != ["highly stable"] * 6
    assert all(np.isfinite(stability.jaccard))


# --- the bootstrap, segment by segment --------------------------------------------------------

def segmented(folder, frame, features, k):
    """The customers of `frame` prepared on `features` and cut into k segments."""
    table = load_table(write_csv(frame, folder))
    prepared = prepare(table, describe_columns(table), PrepSettings(features=features))
    return prepared, segment(prepared, SegmentSettings(k=k))


@pytest.fixture(scope="module")
def far_group_and_blob(tmp_path_factory):
    """60 customers tightly around income 150 and spending 90, far from 100 customers in one
    round cloud around 40 and 30; in 5 segments: the tight group is Segment 1, and the cloud,
    which has no segments in it, is cut into four."""
    rng = np.random.default_rng(1)
    frame = pd.concat([
        pd.DataFrame({"Income": rng.normal(40, 10, 100), "Spending": rng.normal(30, 10, 100)}),
        pd.DataFrame({"Income": rng.normal(150, 2, 60), "Spending": rng.normal(90, 2, 60)}),
    ], ignore_index=True).round(1)
    return segmented(tmp_path_factory.mktemp("blob"), frame, ("Income", "Spending"), 5)


def test_a_far_tight_group_is_highly_stable_and_the_parts_of_a_cut_cloud_less_so(
        far_group_and_blob):
    # Given a tight group far from a cloud of customers cut into four segments
    prepared, segmentation = far_group_and_blob
    assert segmentation.sizes[0] == 60

    # When the segments are refitted on resamples
    stability = assess_stability(prepared, segmentation, StabilitySettings(resamples=10))

    # Then Segment 1 (the tight group) is found again every time, and no part of the cloud
    # is: each reading goes with its own segment
    assert stability.jaccard[0] == pytest.approx(1.0)
    assert max(stability.jaccard[1:]) < 0.85
    assert stability.reading(1) == "highly stable"
    assert "highly stable" not in {stability.reading(number) for number in range(2, 6)}
    assert (stability.resamples, stability.rows) == (10, 160)


def test_the_same_seed_gives_the_same_stability(far_group_and_blob):
    # Given the cut cloud, whose readings depend on the resamples drawn
    prepared, segmentation = far_group_and_blob

    # When the check runs twice with the same settings, then it finds the same figures
    first, again = (assess_stability(prepared, segmentation, StabilitySettings(resamples=4))
                    for _ in range(2))
    assert first == again


def test_progress_names_each_resample_and_moves_forward_within_it(far_group_and_blob):
    # Given a progress sink
    prepared, segmentation = far_group_and_blob
    reports = []
    progress = Progress(lambda fraction, message: reports.append((fraction, message)))

    # When 4 resamples are checked
    assess_stability(prepared, segmentation, StabilitySettings(resamples=4), progress)

    # Then each resample is announced in turn, at its share of the way
    announced = [(fraction, message) for fraction, message in reports if message]
    assert announced == [(number / 4, f"Checking how stable the segments are ({number + 1} "
                                      "of 4)...") for number in range(4)]
    # and the bar moves on while each refit runs, never back, ending full
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    for number in range(4):
        assert any(number / 4 < fraction < (number + 1) / 4 for fraction in fractions), number


def test_large_data_is_checked_on_a_sample_of_customers(far_group_and_blob):
    # Given more customers (160) than the check's sample (100)
    prepared, segmentation = far_group_and_blob

    # When the check runs, then it says it drew its resamples from 100 customers, and still
    # reads every segment
    stability = assess_stability(prepared, segmentation,
                                 StabilitySettings(resamples=3, max_rows=100))
    assert stability.rows == 100
    assert len(stability.jaccard) == 5 and all(np.isfinite(stability.jaccard))
    assert stability.jaccard[0] == pytest.approx(1.0)


def test_exactly_as_many_customers_as_the_sample_are_all_checked(far_group_and_blob):
    # Given 160 customers and a sample of 160
    prepared, segmentation = far_group_and_blob

    # When the check runs, then it uses every customer, as with no limit: the same figures
    exact, unlimited = (assess_stability(prepared, segmentation,
                                         StabilitySettings(resamples=3, max_rows=rows))
                        for rows in (160, 2000))
    assert exact == unlimited and exact.rows == 160


def test_a_sample_of_customers_holds_different_customers(tmp_path):
    # Given four customers in two segments (spend 0 and 1, 10 and 11), checked on a sample of
    # three: three different customers, so resamples holding all three can be refitted
    table = load_table(write_columns(tmp_path, {"Spend": [0, 1, 10, 11],
                                                "Visits": [1, 2, 9, 8]}))
    prepared = prepare(table, describe_columns(table), PrepSettings(features=("Spend",
                                                                              "Visits")))
    segmentation = segment(prepared, SegmentSettings(k=2))

    # Then whatever the seed, both segments of the sample are found again
    for seed in range(5):
        stability = assess_stability(prepared, segmentation,
                                     StabilitySettings(seed=seed, max_rows=3))
        assert (stability.rows, stability.jaccard) == (3, (1.0, 1.0)), seed


def test_a_single_resample_gives_every_segment_a_figure(far_group_and_blob):
    # Given a check of one resample, holding customers of every segment
    stability = assess_stability(*far_group_and_blob, StabilitySettings(resamples=1))

    # Then every segment has its figure from that resample, and the tight group its 1.0
    assert all(np.isfinite(stability.jaccard)) and np.isfinite(stability.ari)
    assert stability.jaccard[0] == pytest.approx(1.0)


def test_a_small_segment_is_judged_only_on_the_resamples_that_hold_it(tmp_path):
    # Given the four made-up groups and two customers far from all of them (Segment 5); two
    # of the 20 resamples happen to draw neither of the two
    outliers = pd.DataFrame({"CustomerID": ["0119", "0120"], "Age": [90, 91],
                             "Income (k$)": [300.0, 302.0], "Spending Score": [5.0, 6.0],
                             "Group": ["far out"] * 2})
    frame = pd.concat([four_groups(), outliers], ignore_index=True)
    prepared, segmentation = segmented(tmp_path, frame, ("Age", "Income (k$)", "Spending Score"),
                                       5)
    assert segmentation.sizes[4] == 2

    # When the segments are refitted on resamples
    stability = assess_stability(prepared, segmentation)

    # Then the two are found together whenever they are drawn: highly stable, not marked down
    # for the resamples that missed them
    assert stability.jaccard[4] == pytest.approx(1.0)
    assert stability.reading(5) == "highly stable"


@pytest.fixture(scope="module")
def three_customers(tmp_path_factory):
    """Three customers in two segments: two alike (spend 0 and 1) and one apart (spend 10).
    A resample of three draws holds all three in 2 draws out of 9."""
    table = load_table(write_columns(tmp_path_factory.mktemp("three"),
                                     {"Spend": [0, 1, 10], "Visits": [1, 2, 9]}))
    prepared = prepare(table, describe_columns(table), PrepSettings(features=("Spend",
                                                                              "Visits")))
    return prepared, segment(prepared, SegmentSettings(k=2))


def test_three_customers_are_assessed_on_the_resamples_that_hold_all_three(three_customers):
    # Given three customers in two segments; a resample that misses one of them cannot be
    # cut in two different segments, and is passed over
    # When the 20 resamples are checked, then the ones holding all three find the same segments
    stability = assess_stability(*three_customers)
    assert stability.jaccard == (1.0, 1.0) and stability.ari == 1.0
    assert stability.reading(1) == "highly stable"


def test_segments_no_resample_could_check_read_not_assessed(three_customers):
    # Given 3 resamples (of seed 0) that each miss one of the three customers (numpy's
    # warnings made errors: the report command would print them under its output)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        stability = assess_stability(*three_customers, StabilitySettings(resamples=3, seed=0))

    # Then no segment could be checked: no figure, "not assessed", and no overall agreement
    assert np.isnan(stability.jaccard).all() and np.isnan(stability.ari)
    assert [stability.reading(number) for number in (1, 2)] == ["not assessed"] * 2


def test_a_resample_that_cannot_be_refitted_is_passed_over_not_the_end(three_customers):
    # Given three customers, whose resamples mostly miss one of them (7 in 9) and cannot be
    # refitted, the first one too for most seeds
    # Then whatever the seed, the 20 resamples find both segments on those that hold all three
    for seed in range(5):
        stability = assess_stability(*three_customers, StabilitySettings(seed=seed))
        assert (stability.jaccard, stability.ari) == ((1.0, 1.0), 1.0), seed
