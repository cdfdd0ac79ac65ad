"""Segment profiles in the data's own units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg_gui.core.columns import ColumnInfo, Role
from custseg_gui.core.loading import LoadedTable
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.segment import Segmentation


@dataclass(frozen=True)
class SegmentProfile:
    number: int
    name: str
    size: int
    share: float  # of the customers used, 0..1
    means: dict[str, float]
    medians: dict[str, float]
    silhouette: float


@dataclass(frozen=True)
class Insights:
    """What each segment is like, against the customers analysed as a whole."""

    profiles: tuple[SegmentProfile, ...]
    numeric_columns: tuple[str, ...]
    overall_means: dict[str, float]
    overall_medians: dict[str, float]
    overall_stds: dict[str, float]

    def names(self) -> dict[int, str]:
        return {profile.number: profile.name for profile in self.profiles}


def numeric_columns(columns: tuple[ColumnInfo, ...]) -> tuple[str, ...]:
    """Columns whose mean means something: numeric ones, features or not (never IDs)."""
    return tuple(info.name for info in columns if info.role is Role.NUMERIC)


def _clean(value) -> float:
    return float(value) if pd.notna(value) else float("nan")


def profile_segments(table: LoadedTable, columns: tuple[ColumnInfo, ...],
                     segmentation: Segmentation) -> Insights:
    """Size, share, mean and median of every numeric column, per segment."""
    numbers = numeric_columns(columns)
    used = segmentation.row_segments > 0
    values = table.frame.loc[used, list(numbers)]
    segments = segmentation.row_segments[used]
    grouped = values.groupby(segments)
    means, medians = grouped.mean(), grouped.median()
    total = int(used.sum())
    silhouette = pd.Series(segmentation.silhouette_values).groupby(segmentation.labels).mean()
    profiles = []
    for number in range(1, segmentation.k + 1):
        size = segmentation.sizes[number - 1]
        profiles.append(SegmentProfile(
            number=number, name=f"Segment {number}", size=size, share=size / total,
            means={name: _clean(means.at[number, name]) if number in means.index else float("nan")
                   for name in numbers},
            medians={name: _clean(medians.at[number, name]) if number in medians.index
                     else float("nan") for name in numbers},
            silhouette=_clean(silhouette.get(number, np.nan))))
    return Insights(profiles=tuple(profiles), numeric_columns=numbers,
                    overall_means={name: _clean(values[name].mean()) for name in numbers},
                    overall_medians={name: _clean(values[name].median()) for name in numbers},
                    overall_stds={name: _clean(values[name].std(ddof=0)) for name in numbers})


def feature_importance(prepared: PreparedData, segmentation: Segmentation) -> dict[str, float]:
    """Eta squared per feature: the share of its variance the segments explain, largest first.

    A categorical feature's 0/1 columns count together, as one feature.
    """
    matrix, labels = prepared.matrix, segmentation.labels
    counts = np.bincount(labels, minlength=segmentation.k + 1)[1:].astype(float)
    sums = np.vstack([np.bincount(labels, weights=matrix[:, j], minlength=segmentation.k + 1)[1:]
                      for j in range(matrix.shape[1])]).T
    overall = matrix.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        group_means = sums / counts[:, None]
    between = np.nansum(counts[:, None] * (group_means - overall) ** 2, axis=0)
    total = ((matrix - overall) ** 2).sum(axis=0)
    importance = {}
    for feature in prepared.settings.features:
        positions = [j for j, name in enumerate(prepared.matrix_columns)
                     if name == feature or name.startswith(f"{feature} = ")]
        denominator = total[positions].sum()
        importance[feature] = float(between[positions].sum() / denominator) if denominator else 0.0
    return dict(sorted(importance.items(), key=lambda item: -item[1]))
