"""How far to trust each segment: are they found again when the customers are resampled?

Hennig's cluster-wise bootstrap (fpc::clusterboot): refit K-Means on resamples drawn with
replacement, and for each segment take the Jaccard similarity to its best-matching segment in
the refit, on the customers the resample contains. The mean over resamples is the segment's
stability; the adjusted Rand index says the same for the segmentation as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from custseg_gui.core.ksearch import fit_kmeans
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.segment import Segmentation
from custseg_gui.core.settings import StabilitySettings

# Hennig's reading of the mean Jaccard similarity (Hennig 2007, 2008): 0.85 and above highly
# stable, 0.75 or more stable, 0.6 or more doubtful, below 0.6 not to be trusted.
READINGS = (
    (0.85, "highly stable", "found again in almost every resample"),
    (0.75, "stable", "found again in most resamples"),
    (0.60, "doubtful", "shows a pattern, but its edges move from resample to resample"),
    (-1.0, "not to be trusted", "it dissolves when the customers are resampled"),
)


@dataclass(frozen=True)
class Stability:
    jaccard: tuple[float, ...]  # per segment, in segment number order
    ari: float
    resamples: int
    rows: int  # customers the resamples were drawn from

    def reading(self, number: int) -> str:
        return stability_reading(self.jaccard[number - 1])

    def explanation(self, number: int) -> str:
        value = self.jaccard[number - 1]
        for threshold, _label, text in READINGS:
            if value >= threshold:
                return text
        return READINGS[-1][2]


def stability_reading(jaccard: float) -> str:
    """Hennig's words for a mean Jaccard value."""
    if not np.isfinite(jaccard):
        return "not assessed"
    for threshold, label, _text in READINGS:
        if jaccard >= threshold:
            return label
    return READINGS[-1][1]


def assess_stability(prepared: PreparedData, segmentation: Segmentation,
                     settings: StabilitySettings = StabilitySettings(),
                     progress: Progress = NO_PROGRESS) -> Stability:
    """Bootstrap the final segmentation and measure how often each segment reappears."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(settings.seed)
    matrix, labels = prepared.matrix, segmentation.labels - 1
    if len(matrix) > settings.max_rows:
        rows = np.sort(rng.choice(len(matrix), settings.max_rows, replace=False))
        matrix, labels = matrix[rows], labels[rows]
    k, n = segmentation.k, len(matrix)
    totals, counts, aris = np.zeros(k), np.zeros(k), []
    for resample in range(settings.resamples):
        progress.report(resample / settings.resamples,
                        f"Checking how stable the segments are ({resample + 1} of "
                        f"{settings.resamples})...")
        indices = rng.integers(0, n, n)  # with replacement, so some customers count twice
        drawn, first = np.unique(indices, return_index=True)
        if len(np.unique(matrix[drawn], axis=0)) <= k:
            continue
        refit = fit_kmeans(matrix[indices], k, int(rng.integers(0, 2**31 - 1)), settings.n_init,
                           progress.part(resample / settings.resamples,
                                         (resample + 1) / settings.resamples))
        # Compare on the customers the resample holds, each counted once.
        original, again = labels[drawn], refit.labels[first]
        aris.append(adjusted_rand_score(original, again))
        overlap = np.zeros((k, k))
        np.add.at(overlap, (original, again), 1)
        sizes_original = overlap.sum(axis=1)
        sizes_again = overlap.sum(axis=0)
        union = sizes_original[:, None] + sizes_again[None, :] - overlap
        with np.errstate(invalid="ignore", divide="ignore"):
            jaccard = np.where(union > 0, overlap / union, 0.0)
        present = sizes_original > 0
        totals[present] += jaccard.max(axis=1)[present]
        counts[present] += 1
    progress.report(1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_jaccard = np.where(counts > 0, totals / counts, np.nan)
    return Stability(jaccard=tuple(float(value) for value in mean_jaccard),
                     ari=float(np.mean(aris)) if aris else float("nan"),
                     resamples=settings.resamples, rows=n)
