"""Final fit at the chosen k -> Segmentation: segments numbered 1..k by size, centres in original units."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.ksearch import (KSearchResult, check_k_range, fit_kmeans, nearest, refine,
                                      search_sample, silhouette_sample, silhouettes)
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import SegmentSettings


@dataclass(frozen=True)
class Segmentation:
    """Which segment each customer is in. Segment 1 is the largest."""

    settings: SegmentSettings
    labels: np.ndarray  # segment number 1..k per used row
    row_segments: np.ndarray  # segment number per row of the table, 0 for a left-out row
    centres: pd.DataFrame  # index 1..k, matrix columns, original units
    centres_scaled: np.ndarray
    sizes: tuple[int, ...]
    inertia: float
    silhouette: float  # mean; estimated on the sample rows when silhouette_rows is not None
    silhouette_values: np.ndarray  # per used row, NaN where not computed
    silhouette_rows: np.ndarray | None  # used-row positions that were scored, None = all

    @property
    def k(self) -> int:
        return self.settings.k


def renumber_by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Map labels 0..k-1 to 1..k, largest first; ties go to the segment seen first."""
    sizes = np.bincount(labels, minlength=k)
    first_seen = np.full(k, len(labels))
    seen_labels, seen_at = np.unique(labels, return_index=True)
    first_seen[seen_labels] = seen_at
    order = np.lexsort((first_seen, -sizes))  # last key sorts first
    number_of = np.empty(k, dtype=np.int32)
    number_of[order] = np.arange(1, k + 1)
    return number_of


def segment(prepared: PreparedData, settings: SegmentSettings,
            search: KSearchResult | None = None,
            progress: Progress = NO_PROGRESS) -> Segmentation:
    """Fit the final K-Means (or reuse the k search's identical fit) and describe it."""
    if settings.k < 2:
        raise UserError("Choose at least 2 segments.")
    k_max, _ = check_k_range(prepared, 2, settings.k)
    if k_max < settings.k:
        raise UserError(f"There are only {k_max + 1} different customer profiles, too few for "
                        f"{settings.k} segments. Choose {k_max} or fewer.")
    cached = None
    if (search is not None and search.settings.seed == settings.seed
            and search.settings.n_init == settings.n_init):
        cached = search.fits.get(settings.k)
    progress.report(0.0, f"Fitting {settings.k} segments...")
    rows = search_sample(len(prepared.matrix), settings.seed)
    if cached is None:
        # Large data: the best of n_init starts on the search sample, refined on every row.
        fit_matrix = prepared.matrix if rows is None else prepared.matrix[rows]
        cached = fit_kmeans(fit_matrix, settings.k, settings.seed, settings.n_init,
                            progress.part(0.0, 0.4), sample=rows is not None)
        if rows is not None:
            cached = replace(cached, refined=False)
    fit = cached if cached.refined else refine(prepared.matrix, cached.centres,
                                               progress.part(0.4, 0.7))
    # Each customer's segment is its nearest centre by the arithmetic a saved segmentation and
    # its SQL use (core/model.py, core/sql.py), so that scoring the same customers again gives
    # exactly these segments; K-Means' own labels can differ only for a customer as good as
    # halfway between two centres.
    nearest_labels = nearest(prepared.matrix, fit.centres, progress)[0]
    if not np.array_equal(nearest_labels, fit.labels):
        fit = replace(fit, labels=nearest_labels, silhouettes=None)
    number_of = renumber_by_size(fit.labels, settings.k)
    labels = number_of[fit.labels]
    order = np.argsort(number_of)  # old label positions in new number order
    centres_scaled = fit.centres[order]

    progress.report(0.75, "Measuring how well customers fit their segment...")
    rows = silhouette_sample(len(labels), settings.seed)
    values = np.full(len(labels), np.nan)
    scored = slice(None) if rows is None else rows
    if fit.silhouettes is not None:  # scored by the k search on the same rows and segments
        values[scored] = fit.silhouettes
    elif 1 < len(np.unique(labels[scored])) < len(labels[scored]):
        values[scored] = silhouettes(prepared.matrix[scored], {settings.k: labels[scored] - 1},
                                     progress.part(0.75, 1.0))[settings.k]
    row_segments = np.zeros(prepared.n_rows, dtype=np.int32)
    row_segments[prepared.rows_used] = labels
    centres = pd.DataFrame(prepared.to_original(centres_scaled.copy()),
                           index=pd.RangeIndex(1, settings.k + 1, name="Segment"),
                           columns=list(prepared.matrix_columns))
    sizes = tuple(int(size) for size in np.bincount(labels, minlength=settings.k + 1)[1:])
    progress.report(1.0, "Done")
    return Segmentation(settings=settings, labels=labels, row_segments=row_segments,
                        centres=centres, centres_scaled=centres_scaled, sizes=sizes,
                        inertia=fit.inertia, silhouette=float(np.nanmean(values))
                        if np.isfinite(values).any() else float("nan"),
                        silhouette_values=values, silhouette_rows=rows)
