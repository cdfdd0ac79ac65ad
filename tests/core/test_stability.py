"""How far to trust each segment: Hennig's readings of the bootstrap Jaccard similarity.

Hennig (fpc::clusterboot): a mean Jaccard similarity of 0.85 and above is highly stable, 0.75
or more stable, from 0.6 to 0.75 a doubtful pattern, below 0.6 not to be trusted.
"""

from __future__ import annotations

import numpy as np
import pytest
from made_data import four_groups, write_csv

from custseg_gui.core.pipeline import run as run_analysis

from custseg_gui.core.settings import AnalysisSettings
from custseg_gui.core.stability import Stability, stability_reading

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
