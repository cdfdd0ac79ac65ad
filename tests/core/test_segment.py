"""Segments are numbered by size: Segment 1 is the largest, whatever order K-Means finds them in."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from made_data import (BY_SIZE, CAREFUL_RICH, INCOME, SPENDING, four_groups, group_rows,
                       no_groups, write_columns, write_csv)
from sklearn.metrics import silhouette_samples, silhouette_score

from custseg_gui.core import ksearch
from custseg_gui.core.columns import describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.progress import Progress

from custseg_gui.core.ksearch import KMeansFit, KSearchResult, fit_kmeans, search_k
from custseg_gui.core.settings import KSearchSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import PrepSettings
from custseg_gui.core.segment import SegmentSettings, renumber_by_size, segment


# --- renumbering labels ----------------------------------------------------------------------

def test_renumbering_gives_the_largest_label_number_one():
    # Given K-Means labels where label 0 is the smallest group (2), label 1 the largest (5)
    labels = np.array([0, 0, 1, 1, 1, 1, 1, 2, 2, 2])

    # Then label 1 becomes Segment 1, label 2 Segment 2 and label 0 Segment 3
    assert list(renumber_by_size(labels, 3)) == [3, 1, 2]
    assert list(renumber_by_size(labels, 3)[labels]) == [3, 3, 1, 1, 1, 1, 1, 2, 2, 2]


def test_renumbering_breaks_a_tie_by_who_comes_first_in_the_file():
    # Given labels 1 and 0 with two customers each, label 1 seen first, and label 2 with one
    labels = np.array([1, 1, 0, 0, 2])

    # Then label 1 (first in the file) is Segment 1 and label 0 Segment 2
    assert list(renumber_by_size(labels, 3)) == [2, 1, 3]


def test_renumbering_puts_a_label_with_no_customers_last():
    # Given 4 labels of which 1 and 3 have no customer at all (a centre nobody is nearest to)
    labels = np.array([0, 0, 2])

    # Then the labels with customers come first, the empty ones after them in label order
    assert list(renumber_by_size(labels, 4)) == [1, 3, 2, 4]


# --- on made data ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The four made-up groups, smallest first in the file, prepared as a report would."""
    frame = four_groups()
    table = load_table(write_csv(frame, tmp_path_factory.mktemp("segment")))
    features = ("Age", "Income (k$)", "Spending Score")
    return frame, prepare(table, describe_columns(table), PrepSettings(features=features))


def test_kmeans_alone_would_not_number_the_made_groups_by_size(prepared):
    # A check of the made data: K-Means's own labels (seed 42, as the report uses) are not in
    # order of size, so the next test shows the renumbering and not K-Means' luck
    _frame, data = prepared
    search = search_k(data, KSearchSettings(k_min=4, k_max=4))
    sizes = list(np.bincount(search.fits[4].labels))
    assert sorted(sizes) == [14, 24, 34, 46]
    assert sizes != sorted(sizes, reverse=True)


def test_segment_1_is_the_largest_whatever_the_file_order(prepared):
    # Given groups of 14, 46, 24 and 34 customers in that file order
    frame, data = prepared

    # When they are segmented into four
    segmentation = segment(data, SegmentSettings(k=4))

    # Then the segments are numbered 46, 34, 24, 14, and each group is its own segment
    assert segmentation.sizes == (46, 34, 24, 14)
    assert list(np.bincount(segmentation.labels)[1:]) == [46, 34, 24, 14]
    for number, group in enumerate(BY_SIZE, start=1):
        assert set(segmentation.row_segments[group_rows(frame, group)]) == {number}, group.name
    # and the first customers of the file (the smallest group) are in Segment 4
    assert list(segmentation.row_segments[:CAREFUL_RICH.size]) == [4] * CAREFUL_RICH.size
    # and each segment's centre is its group's, in the data's units
    for number, group in enumerate(BY_SIZE, start=1):
        centre = segmentation.centres.loc[number]
        assert centre["Income (k$)"] == pytest.approx(group.centre["Income (k$)"], abs=3)
        assert centre["Spending Score"] == pytest.approx(group.centre["Spending Score"], abs=3)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_numbering_by_size_holds_for_any_seed(prepared, seed):
    # Given single K-Means starts from different seeds (each labels the groups its own way)
    _frame, data = prepared
    segmentation = segment(data, SegmentSettings(k=4, seed=seed, n_init=1))

    # Then the segments are always numbered from the largest group to the smallest
    assert segmentation.sizes == (46, 34, 24, 14)


def test_each_segments_centre_is_the_mean_of_its_customers(prepared):
    # Given the four groups in four segments
    _frame, data = prepared
    segmentation = segment(data, SegmentSettings(k=4))

    # Then segment n's centre is the mean of its customers, in K-Means' units and in the
    # data's own, and the inertia is their squared distance to it
    for number in range(1, 5):
        members = data.matrix[segmentation.labels == number]
        assert segmentation.centres_scaled[number - 1] == pytest.approx(members.mean(axis=0))
        assert list(segmentation.centres.loc[number]) == pytest.approx(
            data.original_units[segmentation.labels == number].mean(axis=0))
    assert segmentation.inertia == pytest.approx(sum(
        ((data.matrix[segmentation.labels == number]
          - segmentation.centres_scaled[number - 1]) ** 2).sum() for number in range(1, 5)))
    assert list(segmentation.centres.columns) == ["Age", "Income (k$)", "Spending Score"]
    assert list(segmentation.centres.index) == [1, 2, 3, 4]


def test_silhouette_of_every_customer_as_scikit_learn_computes_it(prepared):
    from sklearn.metrics import silhouette_samples

    # Given the four groups in four segments, fitted afresh (not reused from a k search)
    _frame, data = prepared
    segmentation = segment(data, SegmentSettings(k=4))

    # Then every customer is scored (no sample on small data), as scikit-learn does
    values = silhouette_samples(data.matrix, segmentation.labels)
    assert segmentation.silhouette_rows is None
    assert segmentation.silhouette_values == pytest.approx(values)
    assert segmentation.silhouette == pytest.approx(values.mean())


def test_progress_says_what_the_final_fit_is_doing(prepared):
    # Given a progress sink
    _frame, data = prepared
    reports = []
    progress = Progress(lambda fraction, message: reports.append((fraction, message)))

    # When four segments are fitted
    segment(data, SegmentSettings(k=4), progress=progress)

    # Then the user reads what happens, in order, and the bar only moves forward to the end
    assert [message for _fraction, message in reports if message] == [
        "Fitting 4 segments...", "Measuring how well customers fit their segment...", "Done"]
    fractions = [fraction for fraction, _message in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert (0.75, "Measuring how well customers fit their segment...") in reports


def test_one_segment_is_refused(prepared):
    _frame, data = prepared
    with pytest.raises(UserError) as raised:
        segment(data, SegmentSettings(k=1))
    assert str(raised.value) == "Choose at least 2 segments."


def test_more_segments_than_different_customers_is_refused(tmp_path):
    # Given 8 customers with only 4 different profiles
    table = load_table(write_columns(tmp_path, {"Income": [10, 50, 90, 30] * 2,
                                                "Spend": [80, 20, 50, 10] * 2}))
    data = prepare(table, describe_columns(table), PrepSettings(features=("Income", "Spend")))

    # When 4 segments are asked for, then the user is told how many can be made
    with pytest.raises(UserError) as raised:
        segment(data, SegmentSettings(k=4))
    assert str(raised.value) == ("There are only 4 different customer profiles, too few for 4 "
                                 "segments. Choose 3 or fewer.")
    # and 3 are made
    assert segment(data, SegmentSettings(k=3)).sizes == (4, 2, 2)


def test_the_segmentation_says_its_k_and_numbers_segments_as_whole_numbers(prepared):
    # Given the four groups in four segments
    _frame, data = prepared
    settings = SegmentSettings(k=4)
    segmentation = segment(data, settings)

    # Then it knows its settings, its profile table's rows are headed "Segment", and each
    # row's segment reads as a whole number (as the file of segments writes it)
    assert segmentation.k == 4 and segmentation.settings == settings
    assert segmentation.centres.index.name == "Segment"
    assert [str(number) for number in segmentation.row_segments[:2]] == ["4", "4"]


def test_two_segments_are_scored(prepared):
    # Given the four groups split into two segments, then each customer's fit is measured
    _frame, data = prepared
    segmentation = segment(data, SegmentSettings(k=2))
    assert segmentation.sizes[0] + segmentation.sizes[1] == 118
    assert segmentation.silhouette == pytest.approx(silhouette_score(data.matrix,
                                                                     segmentation.labels))


def test_the_progress_bar_moves_while_fitting_and_while_measuring(tmp_path):
    # Given 1,200 customers (more than one block of the fit measure, 1,000 rows)
    rng = np.random.default_rng(5)
    centres = np.repeat([[20.0, 20.0], [60.0, 70.0], [90.0, 30.0]], 400, axis=0)
    values = (centres + rng.normal(0, 5, centres.shape)).round(1)
    table = load_table(write_columns(tmp_path, {"Income": values[:, 0], "Spend": values[:, 1]}))
    data = prepare(table, describe_columns(table), PrepSettings(features=("Income", "Spend")))
    fractions = []
    progress = Progress(lambda fraction, _message: fractions.append(fraction))

    # When three segments are fitted
    segment(data, SegmentSettings(k=3), progress=progress)

    # Then the bar moves during the fit (0 to 0.4) and during the measuring (0.75 to 1)
    assert any(0 < fraction < 0.4 for fraction in fractions)
    assert any(0.75 < fraction < 1.0 for fraction in fractions)


# --- the k search's fit, and large data ---------------------------------------------------------

@pytest.fixture(scope="module")
def no_structure(tmp_path_factory):
    """150 customers spread evenly (no groups): each K-Means start finds its own segments."""
    table = load_table(write_csv(no_groups(), tmp_path_factory.mktemp("no_groups")))
    return prepare(table, describe_columns(table), PrepSettings(features=(INCOME, SPENDING)))


def search_holding(fit: KMeansFit, seed: int = 42, n_init: int = 10) -> KSearchResult:
    """A k search (of the seed and starts given) whose fit at `fit.k` is `fit`."""
    return KSearchResult(settings=KSearchSettings(k_min=fit.k, k_max=fit.k, seed=seed,
                                                  n_init=n_init),
                         scores=(), knee=None, recommended_k=fit.k, recommendation="",
                         silhouette_sample_size=None, fits={fit.k: fit})


def nearest_centre(matrix: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return ((matrix[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def test_the_k_searchs_fit_is_the_segmentation_when_seed_and_starts_match(no_structure):
    # Given a k search (seed 42, 10 starts) that kept a fit of 4 segments other than the one
    # a fresh fit finds
    data = no_structure
    kept = fit_kmeans(data.matrix, 4, seed=0, n_init=1)
    assert kept.inertia > segment(data, SegmentSettings(k=4)).inertia + 0.1

    # When 4 segments are made with the same seed and starts
    segmentation = segment(data, SegmentSettings(k=4), search=search_holding(kept))

    # Then they are the search's segments, as its charts showed them
    assert segmentation.inertia == pytest.approx(kept.inertia)
    assert len(set(zip(segmentation.labels, kept.labels))) == 4


@pytest.mark.parametrize("searched, chosen", [((0, 1), (1, 1)), ((42, 1), (42, 10))],
                         ids=["another seed", "fewer starts"])
def test_a_k_search_with_another_seed_or_starts_is_not_reused(no_structure, searched, chosen):
    # Given a k search whose seed or number of starts differs from the segmentation's
    data = no_structure
    (search_seed, search_starts), (seed, starts) = searched, chosen
    search = search_k(data, KSearchSettings(k_min=4, k_max=4, seed=search_seed,
                                            n_init=search_starts))
    settings = SegmentSettings(k=4, seed=seed, n_init=starts)
    own = segment(data, settings)
    assert search.score(4).inertia != pytest.approx(own.inertia)  # (the two differ here)

    # Then the segmentation is fitted afresh, as if there were no search
    segmentation = segment(data, settings, search=search)
    assert segmentation.inertia == pytest.approx(own.inertia)
    assert list(segmentation.labels) == list(own.labels)


def test_centres_found_on_a_sample_are_refined_on_every_customer(no_structure):
    # Given a k search on large data: its centres were found on a sample (half the customers)
    data = no_structure
    centres = fit_kmeans(data.matrix[::2], 4, seed=0, n_init=1).centres
    labels = nearest_centre(data.matrix, centres).astype(np.int32)
    unrefined = KMeansFit(k=4, labels=labels, centres=centres, inertia=0.0, refined=False)

    # When 4 segments are made
    segmentation = segment(data, SegmentSettings(k=4), search=search_holding(unrefined))

    # Then each segment's centre is the mean of its customers (all of them), not the sample's
    assert not np.allclose(np.sort(centres, axis=0), np.sort(segmentation.centres_scaled, axis=0))
    for number in range(1, 5):
        members = data.matrix[segmentation.labels == number]
        assert segmentation.centres_scaled[number - 1] == pytest.approx(members.mean(axis=0))


def test_on_large_data_the_final_fit_is_refined_on_every_customer(no_structure, monkeypatch):
    # Given more customers than K-Means is first fitted on (here more than 60)
    monkeypatch.setattr(ksearch, "SEARCH_SAMPLE", 60)
    data = no_structure

    # When 4 segments are made, then each centre is the mean of all its customers
    segmentation = segment(data, SegmentSettings(k=4))
    assert len(segmentation.labels) == 150
    for number in range(1, 5):
        members = data.matrix[segmentation.labels == number]
        assert segmentation.centres_scaled[number - 1] == pytest.approx(members.mean(axis=0))


def test_each_customer_is_in_the_segment_of_its_nearest_centre(no_structure):
    # Given a fit whose K-Means labels put one customer with a centre other than its nearest
    # (as K-Means may for a customer halfway between two), scored by the search that way
    data = no_structure
    fit = fit_kmeans(data.matrix, 4, seed=42, n_init=10)
    labels = fit.labels.copy()
    labels[7] = (labels[7] + 1) % 4
    odd = KMeansFit(k=4, labels=labels, centres=fit.centres, inertia=fit.inertia,
                    silhouettes=silhouette_samples(data.matrix, labels))

    # When 4 segments are made from it
    segmentation = segment(data, SegmentSettings(k=4), search=search_holding(odd))

    # Then every customer is in the segment whose centre is nearest, and scored so
    assert list(segmentation.labels - 1) == list(nearest_centre(data.matrix,
                                                                segmentation.centres_scaled))
    assert segmentation.silhouette_values == pytest.approx(
        silhouette_samples(data.matrix, segmentation.labels))


def test_a_segment_no_customer_is_nearest_to_is_listed_with_size_0(no_structure):
    # Given a fit of 3 segments whose third centre lies far from every customer
    data = no_structure
    two = fit_kmeans(data.matrix, 2, seed=0, n_init=1)
    centres = np.vstack([two.centres, [[40.0, 40.0]]])
    fit = KMeansFit(k=3, labels=nearest_centre(data.matrix, centres).astype(np.int32),
                    centres=centres, inertia=two.inertia)

    # When 3 segments are made, then Segment 3 is listed, with no customers
    segmentation = segment(data, SegmentSettings(k=3), search=search_holding(fit))
    assert len(segmentation.sizes) == 3 and segmentation.sizes[2] == 0
    assert sum(segmentation.sizes) == 150
    assert list(segmentation.centres.index) == [1, 2, 3]


def test_on_large_data_the_same_customers_are_scored_every_time(prepared, monkeypatch):
    # Given more customers than are scored (here 50 of 118)
    monkeypatch.setattr(ksearch, "SILHOUETTE_THRESHOLD", 100)
    monkeypatch.setattr(ksearch, "SILHOUETTE_SAMPLE", 50)
    _frame, data = prepared

    # When the same segmentation is made twice
    first = segment(data, SegmentSettings(k=4))
    second = segment(data, SegmentSettings(k=4))

    # Then the same 50 customers are scored, so the figure shown is the same
    rows = first.silhouette_rows
    assert len(rows) == 50 and list(rows) == list(second.silhouette_rows)
    assert first.silhouette == second.silhouette
    assert first.silhouette_values[rows] == pytest.approx(
        silhouette_samples(data.matrix[rows], first.labels[rows]))
    assert np.isnan(np.delete(first.silhouette_values, rows)).all()


@pytest.mark.parametrize("seed, same", [(4, True), (0, False)],
                         ids=["both in one segment", "each its own segment"])
def test_two_customers_scored_are_too_few_to_score_the_segments(prepared, monkeypatch,
                                                                  seed, same):
    # Given only 2 customers scored: in one segment, or each alone in its segment
    monkeypatch.setattr(ksearch, "SILHOUETTE_THRESHOLD", 10)
    monkeypatch.setattr(ksearch, "SILHOUETTE_SAMPLE", 2)
    _frame, data = prepared

    # When 4 segments are made, then the fit is "not scored" (no number made up), quietly
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segmentation = segment(data, SegmentSettings(k=4, seed=seed))
    scored = segmentation.labels[segmentation.silhouette_rows]
    assert (len(set(scored)) == 1) is same
    assert math.isnan(segmentation.silhouette)
    assert np.isnan(segmentation.silhouette_values).all()
