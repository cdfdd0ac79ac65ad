"""Segments are numbered by size: Segment 1 is the largest, whatever order K-Means finds them in."""

from __future__ import annotations

import numpy as np
import pytest
from made_data import BY_SIZE, CAREFUL_RICH, four_groups, group_rows, write_columns, write_csv

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.progress import Progress

from custseg_gui.core.ksearch import search_k
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
