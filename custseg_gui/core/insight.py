"""Segment profiles in the data's own units, against the average customer, with names."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from custseg_gui.core.columns import ColumnInfo, Role
from custseg_gui.core.sources import LoadedTable
from custseg_gui.core.formatting import format_value
from custseg_gui.core.ksearch import is_weak_split
from custseg_gui.core.naming import (Term, category_terms, describe, segment_action,
                                     segment_names)
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.segment import Segmentation
from custseg_gui.core.stability import Stability, stability_reading


@dataclass(frozen=True)
class SegmentProfile:
    number: int
    name: str  # the automatic name; the user may rename it (kept apart, in the window)
    size: int
    share: float  # of the customers used, 0..1
    means: dict[str, float]
    medians: dict[str, float]
    index: dict[str, float]  # mean against the overall mean, 100 = average
    difference: dict[str, float]  # (mean - overall mean) / overall standard deviation
    categories: dict[str, dict[str, float]]  # column -> category -> share within the segment
    silhouette: float
    description: str
    action: str | None
    stability: float  # mean Jaccard over bootstrap resamples (NaN when not assessed)
    stability_reading: str
    # An order log's customers: the share of each RFM segment in this segment, best first.
    rfm_segments: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Insights:
    """What each segment is like, against the customers analysed as a whole."""

    profiles: tuple[SegmentProfile, ...]
    numeric_columns: tuple[str, ...]
    categorical_columns: tuple[str, ...]
    overall_means: dict[str, float]
    overall_medians: dict[str, float]
    overall_stds: dict[str, float]
    overall_categories: dict[str, dict[str, float]]
    feature_importance: dict[str, float]  # eta squared per feature, largest first
    stability: Stability | None
    measures: dict[str, str] = field(default_factory=dict)  # column -> "flag", "year", ...

    def value_text(self, column: str, value: float) -> str:
        """A value of a numeric column as people write it (a yes/no column's mean as a share)."""
        return format_value(value, self.measures.get(column, ""))

    def names(self) -> dict[int, str]:
        return {profile.number: profile.name for profile in self.profiles}

    def profile(self, number: int) -> SegmentProfile:
        return self.profiles[number - 1]


def numeric_columns(columns: tuple[ColumnInfo, ...]) -> tuple[str, ...]:
    """Columns whose mean means something: numeric ones, features or not (never IDs)."""
    return tuple(info.name for info in columns if info.role is Role.NUMERIC)


def _clean(value) -> float:
    return float(value) if pd.notna(value) else float("nan")


def eta_squared(values: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Share of each column's variance explained by the segments (rows = customers)."""
    values = np.asarray(values, dtype=float)
    present = np.isfinite(values)
    result = np.zeros(values.shape[1])
    for column in range(values.shape[1]):
        column_values, column_labels = values[present[:, column], column], labels[
            present[:, column]]
        if len(column_values) < 2:
            continue
        counts = np.bincount(column_labels, minlength=k + 1).astype(float)
        sums = np.bincount(column_labels, weights=column_values, minlength=k + 1)
        overall = column_values.mean()
        with np.errstate(invalid="ignore", divide="ignore"):
            between = np.nansum(counts * (sums / counts - overall) ** 2)
        total = ((column_values - overall) ** 2).sum()
        result[column] = between / total if total > 0 else 0.0
    return result


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


def _category_shares(raw: pd.Series, typed: pd.Series, segments: np.ndarray, k: int):
    """Share of each category overall and per segment, as written (a code reads "1")."""
    if typed.dtype == object:  # text categories: the typed values are the stripped text
        text = typed.where(typed.notna(), "(missing)")
    else:
        text = raw.astype(str).str.strip().where(typed.notna().to_numpy(), "(missing)")
    codes, categories = pd.factorize(text)
    counts = np.zeros((k + 1, len(categories)))
    np.add.at(counts, (segments, codes), 1)
    overall = pd.Series(counts.sum(axis=0) / len(codes), index=categories) \
        .sort_values(ascending=False, kind="stable")
    order = list(overall.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = counts / counts.sum(axis=1, keepdims=True)
    per_segment = pd.DataFrame(table, columns=categories).loc[:, order].fillna(0.0)
    shares = {number: {category: float(per_segment.at[number, category]) for category in order}
              for number in range(1, k + 1)}
    return {category: float(overall[category]) for category in order}, shares


def profile_segments(table: LoadedTable, columns: tuple[ColumnInfo, ...],
                     prepared: PreparedData, segmentation: Segmentation,
                     stability: Stability | None = None) -> Insights:
    """Size, share, means and medians against the average, names and descriptions, per segment."""
    numbers = numeric_columns(columns)
    categoricals = tuple(info.name for info in columns if info.role is Role.CATEGORICAL)
    used = segmentation.row_segments > 0
    segments = segmentation.row_segments[used]
    values = table.frame.loc[used, list(numbers)]
    grouped = values.groupby(segments)
    means, medians = grouped.mean(), grouped.median()
    overall_means = {name: _clean(values[name].mean()) for name in numbers}
    overall_stds = {name: _clean(values[name].std(ddof=0)) for name in numbers}
    total = int(used.sum())
    silhouette = pd.Series(segmentation.silhouette_values).groupby(segmentation.labels).mean()
    measures = {info.name: info.measure for info in columns}
    weak = is_weak_split(segmentation.silhouette)

    # Which columns the segmentation separates: features and every other numeric column.
    column_importance = dict(zip(numbers, eta_squared(values.to_numpy(), segments,
                                                      segmentation.k)))
    overall_categories, category_shares = {}, {}
    for name in categoricals:
        overall_categories[name], category_shares[name] = _category_shares(
            table.raw.loc[used, name], table.frame.loc[used, name], segments, segmentation.k)

    terms, rows = {}, {}
    for number in range(1, segmentation.k + 1):
        mean = {name: _clean(means.at[number, name]) if number in means.index else float("nan")
                for name in numbers}
        with np.errstate(invalid="ignore", divide="ignore"):
            difference = {name: (mean[name] - overall_means[name]) / overall_stds[name]
                          if overall_stds[name] > 0 else 0.0 for name in numbers}
            index = {name: 100 * mean[name] / overall_means[name]
                     if overall_means[name] else float("nan") for name in numbers}
        rows[number] = (mean, difference, index)
        terms[number] = [Term(name, difference[name], mean[name], overall_means[name],
                              is_feature=name in prepared.settings.features,
                              position=list(table.frame.columns).index(name),
                              measure=measures[name])
                         for name in numbers if np.isfinite(difference[name])]
    names = segment_names(terms, column_importance)

    profiles = []
    for number in range(1, segmentation.k + 1):
        size = segmentation.sizes[number - 1]
        mean, difference, index = rows[number]
        jaccard = stability.jaccard[number - 1] if stability is not None else float("nan")
        profiles.append(SegmentProfile(
            number=number, name=names[number], size=size, share=size / total, means=mean,
            medians={name: _clean(medians.at[number, name]) if number in medians.index
                     else float("nan") for name in numbers},
            index=index, difference=difference,
            categories={name: category_shares[name][number] for name in categoricals},
            silhouette=_clean(silhouette.get(number, np.nan)),
            description=describe(size, size / total, terms[number], category_terms(
                {name: category_shares[name][number] for name in categoricals},
                overall_categories)),
            action=segment_action(terms[number], size / total, weak),
            stability=jaccard, stability_reading=stability_reading(jaccard)))
    return Insights(profiles=tuple(profiles), numeric_columns=numbers,
                    categorical_columns=categoricals, overall_means=overall_means,
                    overall_medians={name: _clean(values[name].median()) for name in numbers},
                    overall_stds=overall_stds, overall_categories=overall_categories,
                    feature_importance=feature_importance(prepared, segmentation),
                    stability=stability, measures={name: measures[name] for name in numbers})




def with_rfm_segments(insights: Insights, mix: dict[int, dict[str, float]]) -> Insights:
    """The insights with each segment's mix of RFM segments (segment number -> name -> share)."""
    return replace(insights, profiles=tuple(replace(profile, rfm_segments=mix[profile.number])
                                            for profile in insights.profiles))
