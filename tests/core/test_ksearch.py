"""How many segments: the recommendation in words, the silhouette's reading and the elbow.

`recommend` is given scores made here, so that each of its sentences is forced: the best
silhouette in the middle of the range, the elbow at, below and above it, and no elbow.
"""

from __future__ import annotations

import math
import re

import pytest
from made_data import four_groups, write_csv

from custseg_gui.core.columns import describe_columns

from custseg_gui.core.ksearch import (KScore, KSearchSettings, _knee, recommend, search_k,
                                      silhouette_band, silhouette_reading)
from custseg_gui.core.sources import load_table
from custseg_gui.core.prep import prepare
from custseg_gui.core.settings import PrepSettings

NAN = float("nan")
VERY_CLEAR = "customers fall into groups very clearly"
CLEAR = "customers fall clearly into groups"
OVERLAP = "the groups are real but overlap at their edges"
ROUGH = "the groups overlap a lot, so treat them as a rough split"
NO_SEGMENTS = "the data shows no clear groups, so treat them as a convenient split"
HELP = (" To find clearer groups, try other columns, or the fixes on the Data health tab (log "
        "scale, caps).")
# Words a manager may not know: each may appear only in brackets, after plain words saying
# the same thing.
TECHNICAL = ("silhouette", "elbow", "inertia", "k-means", "jaccard", "rand index", "cluster")


def scores(silhouettes: dict[int, float]) -> tuple[KScore, ...]:
    """A k search's scores with these mean silhouettes (inertia falling as k grows)."""
    return tuple(KScore(k=k, inertia=1000.0 / k, silhouette=value, calinski_harabasz=100.0,
                        davies_bouldin=1.0) for k, value in silhouettes.items())


SEARCH = scores({2: 0.41, 3: 0.52, 4: 0.61, 5: 0.48, 6: 0.44})


# --- which k, and why ---------------------------------------------------------------------

def test_highest_silhouette_wins_and_the_sentence_gives_it():
    # Given scores for 2 to 6 segments, best (0.61) at 4, and no elbow found
    k, sentence = recommend(SEARCH, knee=None)

    # Then 4 is recommended, in plain words first, the figure and its name after them
    assert k == 4
    assert sentence == (f"4 segments fit best: {CLEAR}. How clearly customers fall into groups: "
                        "0.61, good (silhouette, the highest for 2 to 6 segments).")


def test_elbow_at_the_recommended_k_agrees():
    # Given the best silhouette at 4, when the elbow chart also bends at 4
    k, sentence = recommend(SEARCH, knee=4)
    assert k == 4
    assert sentence.endswith(" Adding segments stops paying off there too (the bend of the "
                             "elbow chart).")


def test_elbow_below_the_recommended_k_offers_fewer_broader_segments():
    # Given the best silhouette at 4, when the elbow chart bends at 3
    k, sentence = recommend(SEARCH, knee=3)
    assert k == 4
    assert sentence.endswith(" Adding segments stops paying off at 3 (the bend of the elbow "
                             "chart); choose 3 if you prefer fewer, broader segments.")


def test_elbow_above_the_recommended_k_offers_more_finer_segments():
    # Given the best silhouette at 4, when the elbow chart bends at 6
    k, sentence = recommend(SEARCH, knee=6)
    assert k == 4
    assert sentence.endswith(" Adding segments stops paying off at 6 (the bend of the elbow "
                             "chart); choose 6 if you prefer more, finer segments.")


def test_a_tie_goes_to_the_fewer_segments():
    # Given 3 and 4 segments with the same silhouette, then 3 is recommended
    k, sentence = recommend(scores({2: 0.3, 3: 0.55, 4: 0.55, 5: 0.2}), knee=None)
    assert k == 3
    assert sentence.startswith("3 segments fit best")


def test_a_k_that_could_not_be_scored_is_passed_over():
    # Given a search where k = 3 could not be scored (fewer segments came out than asked)
    k, sentence = recommend(scores({2: 0.36, 3: NAN, 4: 0.3}), knee=None)
    assert k == 2
    assert sentence == (f"2 segments fit best: {OVERLAP}. How clearly customers fall into "
                        "groups: 0.36, fair (silhouette, the highest for 2 to 4 segments).")


def test_a_weak_split_is_announced_as_weak_with_what_would_help():
    # Given a search whose best split is weak (0.27, as on a marketing file with many columns)
    k, sentence = recommend(scores({2: 0.27, 3: 0.2, 4: 0.18}), knee=3)
    # Then it is not "fits best": the user reads that the split is weak and what to try
    assert k == 2
    assert sentence == (f"2 segments split the customers best, but weakly: {ROUGH}. How clearly "
                        "customers fall into groups: 0.27, weak (silhouette, the highest for 2 "
                        "to 4 segments). Adding segments stops paying off at 3 (the bend of the "
                        "elbow chart); choose 3 if you prefer more, finer segments." + HELP)


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
    assert sentence == (f"2 segments fit best: {OVERLAP}. How clearly customers fall into "
                        "groups: 0.45, fair (silhouette, the highest for 2 to 3 segments).")


def test_a_straight_elbow_curve_has_no_bend():
    # Given inertias that fall by the same amount for every segment added
    # Then no elbow is claimed
    assert _knee([2, 3, 4, 5], [400.0, 300.0, 200.0, 100.0]) is None


def test_a_single_k_tried_is_named_alone():
    # Given a search of 5 segments only, then the sentence does not speak of a range
    k, sentence = recommend(scores({5: 0.72}), knee=None)
    assert k == 5
    assert sentence == (f"5 segments fit best: {VERY_CLEAR}. How clearly customers fall into "
                        "groups: 0.72, strong (silhouette, the highest for 5 segments).")


@pytest.mark.parametrize("silhouettes, knee", [
    ({2: 0.41, 3: 0.52, 4: 0.61}, None), ({2: 0.41, 3: 0.52, 4: 0.61}, 4),
    ({2: 0.41, 3: 0.52, 4: 0.61}, 2), ({2: 0.27, 3: 0.2}, 3), ({2: 0.1, 3: 0.05}, None),
    ({5: 0.9}, None)])
def test_the_recommendation_has_no_technical_term_without_plain_words_before_it(silhouettes,
                                                                                knee):
    # Given any recommendation
    _k, sentence = recommend(scores(silhouettes), knee=knee)
    # Then it opens with plain words, and a technical term appears only inside brackets that
    # follow plain words saying the same ("How clearly customers fall into groups ... (silhouette")
    outside = re.sub(r"\([^)]*\)", "", sentence).lower()
    assert not any(term in outside for term in TECHNICAL), sentence
    assert sentence[0].isdigit() and " segments" in sentence.split(".")[0]
    for term in TECHNICAL:
        for found in re.finditer(term, sentence.lower()):
            before = sentence[:found.start()]
            assert before.count("(") > before.count(")"), (term, sentence)
            plain = before[:before.rindex("(")].strip().lower()
            assert plain.endswith(("fair", "good", "strong", "weak", "none", "there too",
                                   f"at {knee}")), (term, sentence)


# --- the silhouette in words -----------------------------------------------------------------

@pytest.mark.parametrize("silhouette, words, band", [
    (1.0, VERY_CLEAR, "strong"),
    (0.701, VERY_CLEAR, "strong"),
    (0.70, CLEAR, "good"),
    (0.699, CLEAR, "good"),
    (0.501, CLEAR, "good"),
    (0.50, OVERLAP, "fair"),
    (0.351, OVERLAP, "fair"),
    (0.35, ROUGH, "weak"),
    (0.251, ROUGH, "weak"),
    (0.25, NO_SEGMENTS, "none"),
    (0.249, NO_SEGMENTS, "none"),
    (0.0, NO_SEGMENTS, "none"),
    (-0.2, NO_SEGMENTS, "none"),
    (NAN, "the segments could not be scored", "not scored"),
])
def test_silhouette_reading_at_and_around_each_band(silhouette, words, band):
    # Kaufman and Rousseeuw's bands (strong above 0.70, reasonable above 0.50, weak above 0.25,
    # none below), with the weak band split at 0.35 into fair and weak
    assert silhouette_reading(silhouette) == words
    assert silhouette_band(silhouette) == (band, words)
    if math.isfinite(silhouette):
        # and the recommendation reads the best silhouette the same way
        sentence = recommend(scores({2: silhouette}), knee=None)[1]
        assert f": {words}. How clearly customers fall into groups: {silhouette:.2f}, {band} " \
               in sentence


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
        f"4 segments fit best: {VERY_CLEAR}. How clearly customers fall into groups: "
        f"{best.silhouette:.2f}, strong (silhouette, the highest for 2 to 6 segments). Adding "
        "segments stops paying off there too (the bend of the elbow chart).")


def test_inertia_falls_as_segments_are_added(four_group_search):
    # Given the elbow chart's inertias for 2..6 segments of the four groups
    inertias = [score.inertia for score in four_group_search.scores]
    assert inertias == sorted(inertias, reverse=True)
    # and the drop from 3 to 4 (the last real group found) is far larger than from 4 to 5
    assert inertias[1] - inertias[2] > 5 * (inertias[2] - inertias[3])
