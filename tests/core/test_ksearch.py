"""How many segments: the recommendation in words, the silhouette's reading and the elbow.

`recommend` is given scores made here, so that each of its sentences is forced: the best
silhouette in the middle of the range, the elbow at, below and above it, and no elbow.
"""

from __future__ import annotations

import math

import pytest
from made_data import four_groups, write_csv

from custseg_gui.core.columns import describe_columns

from custseg_gui.core.ksearch import (KScore, KSearchSettings, _knee, recommend, search_k,
                                      silhouette_reading)
from custseg_gui.core.sources import load_table
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import PrepSettings

NAN = float("nan")
VERY_CLEAR = "customers sit very clearly inside their segment"
CLEAR = "customers sit clearly inside their segment"
OVERLAP = "the segments are real but overlap at their edges"
NO_SEGMENTS = "the data shows no clear segments, so treat them as a convenient split"


def scores(silhouettes: dict[int, float]) -> tuple[KScore, ...]:
    """A k search's scores with these mean silhouettes (inertia falling as k grows)."""
    return tuple(KScore(k=k, inertia=1000.0 / k, silhouette=value, calinski_harabasz=100.0,
                        davies_bouldin=1.0) for k, value in silhouettes.items())


SEARCH = scores({2: 0.41, 3: 0.52, 4: 0.61, 5: 0.48, 6: 0.44})


# --- which k, and why ---------------------------------------------------------------------

def test_highest_silhouette_wins_and_the_sentence_gives_it():
    # Given scores for 2 to 6 segments, best (0.61) at 4, and no elbow found
    k, sentence = recommend(SEARCH, knee=None)

    # Then 4 is recommended, with its reading and silhouette, and nothing about an elbow
    assert k == 4
    assert sentence == (f"4 segments fit best: {CLEAR} (silhouette 0.61, the highest for 2 to 6 "
                        "segments).")


def test_elbow_at_the_recommended_k_agrees():
    # Given the best silhouette at 4, when the elbow chart also bends at 4
    k, sentence = recommend(SEARCH, knee=4)
    assert k == 4
    assert sentence == (f"4 segments fit best: {CLEAR} (silhouette 0.61, the highest for 2 to 6 "
                        "segments). The elbow chart bends there too.")


def test_elbow_below_the_recommended_k_offers_fewer_broader_segments():
    # Given the best silhouette at 4, when the elbow chart bends at 3
    k, sentence = recommend(SEARCH, knee=3)
    assert k == 4
    assert sentence == (f"4 segments fit best: {CLEAR} (silhouette 0.61, the highest for 2 to 6 "
                        "segments). The elbow chart bends at 3; choose 3 if you prefer fewer, "
                        "broader segments.")


def test_elbow_above_the_recommended_k_offers_more_finer_segments():
    # Given the best silhouette at 4, when the elbow chart bends at 6
    k, sentence = recommend(SEARCH, knee=6)
    assert k == 4
    assert sentence.endswith(" The elbow chart bends at 6; choose 6 if you prefer more, finer "
                             "segments.")


def test_a_tie_goes_to_the_fewer_segments():
    # Given 3 and 4 segments with the same silhouette, then 3 is recommended
    k, sentence = recommend(scores({2: 0.3, 3: 0.55, 4: 0.55, 5: 0.2}), knee=None)
    assert k == 3
    assert sentence.startswith("3 segments fit best")


def test_a_k_that_could_not_be_scored_is_passed_over():
    # Given a search where k = 3 could not be scored (fewer segments came out than asked)
    k, sentence = recommend(scores({2: 0.35, 3: NAN, 4: 0.3}), knee=None)
    assert k == 2
    assert sentence == (f"2 segments fit best: {OVERLAP} (silhouette 0.35, the highest for 2 to 4 "
                        "segments).")


def test_when_no_k_could_be_scored_the_smallest_is_suggested_and_the_user_told():
    # Given a search where no k could be scored at all
    k, sentence = recommend(scores({3: NAN, 4: NAN}), knee=None)
    assert k == 3
    assert sentence == ("3 segments: the segments could not be scored, so the smallest number "
                        "tried is suggested.")


def test_two_k_tried_are_named_as_a_range():
    # Given a search of 2 and 3 segments, then the sentence names both ends of the range
    k, sentence = recommend(scores({2: 0.45, 3: 0.4}), knee=None)
    assert k == 2
    assert sentence == (f"2 segments fit best: {OVERLAP} (silhouette 0.45, the highest for 2 to 3 "
                        "segments).")


def test_a_straight_elbow_curve_has_no_bend():
    # Given inertias that fall by the same amount for every segment added
    # Then no elbow is claimed
    assert _knee([2, 3, 4, 5], [400.0, 300.0, 200.0, 100.0]) is None


def test_a_single_k_tried_is_named_alone():
    # Given a search of 5 segments only, then the sentence does not speak of a range
    k, sentence = recommend(scores({5: 0.72}), knee=None)
    assert k == 5
    assert sentence == (f"5 segments fit best: {VERY_CLEAR} (silhouette 0.72, the highest for 5 "
                        "segments).")


# --- the silhouette in words -----------------------------------------------------------------

@pytest.mark.parametrize("silhouette, words", [
    (1.0, VERY_CLEAR),
    (0.701, VERY_CLEAR),
    (0.70, CLEAR),
    (0.699, CLEAR),
    (0.501, CLEAR),
    (0.50, OVERLAP),
    (0.499, OVERLAP),
    (0.251, OVERLAP),
    (0.25, NO_SEGMENTS),
    (0.249, NO_SEGMENTS),
    (0.0, NO_SEGMENTS),
    (-0.2, NO_SEGMENTS),
    (NAN, "the segments could not be scored"),
])
def test_silhouette_reading_at_and_around_each_band(silhouette, words):
    # Kaufman and Rousseeuw: 0.71-1 strong, 0.51-0.70 reasonable, 0.26-0.50 weak, below none
    assert silhouette_reading(silhouette) == words
    if math.isfinite(silhouette):
        # and the recommendation reads the best silhouette the same way
        assert f": {words} (silhouette" in recommend(scores({2: silhouette}), knee=None)[1]


# --- a search on made data ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def four_group_search(tmp_path_factory):
    """k 2..6 searched on the four made-up groups (Age, income and spending)."""
    table = load_table(write_csv(four_groups(), tmp_path_factory.mktemp("ksearch")))
    prepared = prepare(table, describe_columns(table),
                       PrepSettings(features=("Age", "Income (k$)", "Spending Score")))
    return search_k(prepared, KSearchSettings(k_min=2, k_max=6))


def test_four_separate_groups_give_four_segments_and_the_elbow_agrees(four_group_search):
    # Given four well-separated groups, searched over 2..6 segments
    search = four_group_search

    # Then 4 has the highest silhouette (very clear), the elbow bends at 4 too, and says so
    assert [score.k for score in search.scores] == [2, 3, 4, 5, 6]
    best = max(search.scores, key=lambda score: score.silhouette)
    assert best.k == 4 and best.silhouette > 0.7
    assert (search.recommended_k, search.knee) == (4, 4)
    assert search.recommendation == (
        f"4 segments fit best: {VERY_CLEAR} (silhouette {best.silhouette:.2f}, the highest for "
        "2 to 6 segments). The elbow chart bends there too.")


def test_inertia_falls_as_segments_are_added(four_group_search):
    # Given the elbow chart's inertias for 2..6 segments of the four groups
    inertias = [score.inertia for score in four_group_search.scores]
    assert inertias == sorted(inertias, reverse=True)
    # and the drop from 3 to 4 (the last real group found) is far larger than from 4 to 5
    assert inertias[1] - inertias[2] > 5 * (inertias[2] - inertias[3])
