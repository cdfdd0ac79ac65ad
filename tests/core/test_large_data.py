"""Accuracy of the large-data shortcuts (sampled search and silhouette), and prompt cancel.

Accuracy, not timing: the timing targets are measured by benchmarks/bench_pipeline.py.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from custseg_gui.core.errors import Cancelled

from custseg_gui.core.ksearch import SEARCH_SAMPLE, SILHOUETTE_THRESHOLD, search_k

from custseg_gui.core.prep import PreparedData
from custseg_gui.core.progress import Progress
from custseg_gui.core.segment import segment
from custseg_gui.core.settings import KSearchSettings, PrepSettings, SegmentSettings


def prepared_blobs(rows: int, seed: int = 7, overlap: float = 1.0) -> PreparedData:
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0], [4, 0, 1], [0, 4, 2], [4, 4, -2]], dtype=float)
    points = centres[rng.integers(0, 4, rows)] + rng.normal(scale=overlap, size=(rows, 3))
    points = (points - points.mean(axis=0)) / points.std(axis=0)
    names = ("A", "B", "C")
    return PreparedData(PrepSettings(names), points, names, np.zeros(3), np.ones(3),
                        np.arange(rows), pd.Series([], dtype=object), rows)


def test_sampled_silhouette_is_within_0_01_of_the_exact_value_at_20000_rows():
    # Given 20,000 customers: above the threshold, so silhouette is estimated on a sample
    from sklearn.metrics import silhouette_score

    prepared = prepared_blobs(20_000)
    assert len(prepared.matrix) > SILHOUETTE_THRESHOLD
    # When k = 2..4 is searched
    search = search_k(prepared, KSearchSettings(k_min=2, k_max=4))
    assert search.silhouette_sample_size is not None
    # Then every estimate is within 0.01 of the exact silhouette of the same segments, and the
    # reported interval holds the exact value
    for score in search.scores:
        exact = silhouette_score(prepared.matrix, search.fits[score.k].labels)
        assert abs(score.silhouette - exact) < 0.01, (score.k, score.silhouette, exact)
        assert score.silhouette_low - 0.002 <= exact <= score.silhouette_high + 0.002


def test_final_inertia_is_within_half_a_percent_of_kmeans_with_ten_starts():
    # Given 40,000 customers, so the search fits a sample and the final fit refines on all
    from sklearn.cluster import KMeans

    prepared = prepared_blobs(40_000, seed=3, overlap=1.3)
    assert len(prepared.matrix) > SEARCH_SAMPLE
    search = search_k(prepared, KSearchSettings(k_min=3, k_max=6))
    # When each k is fitted
    for k in (3, 4, 6):
        segmentation = segment(prepared, SegmentSettings(k=k), search)
        reference = KMeans(n_clusters=k, n_init=10, random_state=0).fit(prepared.matrix)
        # Then its inertia is within 0.5% of scikit-learn's best of 10 on every row
        assert segmentation.inertia <= reference.inertia_ * 1.005, k
        assert len(segmentation.labels) == 40_000


def test_recommended_k_on_sampled_search_matches_the_structure():
    # Given four well separated groups in 30,000 customers
    prepared = prepared_blobs(30_000, seed=5, overlap=0.6)
    # When the k search runs on its sample
    search = search_k(prepared, KSearchSettings())
    # Then it finds the four groups
    assert search.search_sample_size == SEARCH_SAMPLE
    assert search.recommended_k == 4


def test_cancel_during_a_large_search_stops_promptly():
    # Given a search over 400,000 customers running in the background
    prepared = prepared_blobs(400_000, seed=9, overlap=1.5)
    started = threading.Event()
    cancel = threading.Event()
    outcome = {}

    def work():
        try:
            search = search_k(prepared, KSearchSettings(), Progress(
                lambda fraction, message: started.set() if fraction > 0.05 else None,
                cancel.is_set))
            segment(prepared, SegmentSettings(k=8), search,
                    Progress(is_cancelled=cancel.is_set))
            outcome["result"] = "finished"
        except Cancelled:
            outcome["result"] = "cancelled"

    thread = threading.Thread(target=work)
    thread.start()
    assert started.wait(60)  # well into the search
    # When the user cancels
    asked = time.monotonic()
    cancel.set()
    thread.join(10)
    # Then it stops within a generous bound and says it was cancelled
    assert not thread.is_alive()
    assert time.monotonic() - asked < 3.0
    assert outcome["result"] == "cancelled"


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["Mall_Customers.csv", "Wholesale customers data.csv",
                                  "CC GENERAL.csv"])
def test_shared_data_is_analysed_exactly_not_sampled(shared_file, name):
    # Given the real data sets, all under the sampling thresholds
    from custseg_gui.core.pipeline import run as run_analysis
    from custseg_gui.core.settings import AnalysisSettings

    analysis = run_analysis(shared_file(name), AnalysisSettings(k_max=6))
    # Then neither the search nor the silhouette is sampled: results are the exact ones
    assert analysis.search.search_sample_size is None
    assert analysis.search.silhouette_sample_size is None
