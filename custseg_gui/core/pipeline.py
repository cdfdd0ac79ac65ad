"""The one chain of stages, from a file to described segments; the report command, the window and
the self-test all run it.

    file -> LoadedTable [-> order lines made into customers] -> column roles -> PreparedData
         -> k search -> Segmentation -> stability -> Insights        = AnalysisResult

When the settings say the file holds order lines (`settings.orders.enabled`), the order stage
(sources/orders.py) makes one row per customer first, and everything after it works on that
customer table; by default on recency, frequency and net spend, the skewed ones on a log scale.

Each stage is a function of the previous result and its view of the settings. Given the
previous result, `analyse` reuses every stage whose inputs did not change: a new number of
segments reuses the preparation and the k search, a new seed reruns the search, and the same
settings again cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.columns import ColumnInfo, default_features, describe_columns
from custseg_gui.core import rfm
from custseg_gui.core.errors import UserError
from custseg_gui.core.health import SKEWED
from custseg_gui.core.insight import Insights, profile_segments, with_rfm_segments
from custseg_gui.core.ksearch import KSearchResult, search_k
from custseg_gui.core.prep import PreparedData, prepare, with_categories
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.segment import Segmentation, segment
from custseg_gui.core.settings import CAP_PERCENTILES, AnalysisSettings, Cap
from custseg_gui.core.sources import LoadedTable, load_table
from custseg_gui.core.sources.orders import (DEFAULT_FEATURES, OrderedCustomers,
                                             customers_from_orders)
from custseg_gui.core.stability import assess_stability

NO_FEATURES = ("The file has no numeric columns to group customers by. Pick a file with at "
               "least one column of numbers, such as age, income or spending.")


@dataclass(frozen=True)
class AnalysisResult:
    """Every stage's result, from the file to the segment profiles."""

    settings: AnalysisSettings  # as run: the features and the number of segments filled in
    table: LoadedTable
    columns: tuple[ColumnInfo, ...]  # roles, with the columns treated as categories
    prepared: PreparedData
    search: KSearchResult
    segmentation: Segmentation
    insights: Insights
    # The order stage, when the file holds order lines: `table` is then its customer table,
    # and `orders.lines` the lines as read.
    orders: OrderedCustomers | None = None

    @property
    def k(self) -> int:
        return self.segmentation.k

    @property
    def source(self) -> LoadedTable:
        """The file as read: the order lines of an order log, else the customer table."""
        return self.orders.lines if self.orders is not None else self.table

    def names(self) -> dict[int, str]:
        """The automatic segment names, by number."""
        return self.insights.names()


def run(path: str | Path, settings: AnalysisSettings = AnalysisSettings(),
        progress: Progress = NO_PROGRESS) -> AnalysisResult:
    """Load the file and analyse it."""
    table = load_table(path, settings.load, progress.part(0.0, 0.2))
    return analyse(table, settings, progress.part(0.2, 1.0))


def column_roles(table: LoadedTable, settings: AnalysisSettings,
                 detected: tuple[ColumnInfo, ...] | None = None) -> tuple[ColumnInfo, ...]:
    """What each column is, with the user's "treat as categories" choices applied."""
    return with_categories(detected if detected is not None else describe_columns(table),
                           settings.categories)


def order_stage(table: LoadedTable, settings: AnalysisSettings, progress: Progress = NO_PROGRESS,
                previous: AnalysisResult | None = None,
                ordered: OrderedCustomers | None = None) -> OrderedCustomers | None:
    """The order lines of `table` made into customers when the settings say it holds order lines
    (None otherwise), reusing `ordered` or the previous result's when they came from the same
    lines with the same order settings."""
    if not settings.orders.enabled:
        return None
    for earlier in (ordered, previous.orders if previous is not None else None):
        if earlier is not None and earlier.made_from(table) and earlier.matches(settings.orders):
            return earlier
    return customers_from_orders(table, settings.orders, progress, settings.load.day_first)


def order_defaults(settings: AnalysisSettings, customers: LoadedTable) -> AnalysisSettings:
    """An order log's customers are grouped by recency, frequency and net spend unless the user
    chose the features. Unless the user also chose log scales, each of them that is skewed
    (skewness above 2, as the data health check warns) is put on a log scale; a net spend that
    a few customers' returns made negative (under 1% of them) is first lifted to its 1st
    percentile (a cap that leaves the big spenders to the log scale)."""
    if settings.features is not None:
        return settings
    features = tuple(name for name in DEFAULT_FEATURES if name in customers.frame.columns)
    if settings.log:
        return replace(settings, features=features)
    log, caps = [], []
    for name in features:
        values = customers.frame[name].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if len(values) < 3 or not pd.Series(values).skew() > SKEWED:
            continue
        if values.min() < 0:
            if np.percentile(values, CAP_PERCENTILES[0]) < 0 or settings.has_fix("cap", name):
                continue
            caps.append(Cap(name, CAP_PERCENTILES[0], 100.0))
        log.append(name)
    return replace(settings, features=features, log=tuple(log), cap=settings.cap + tuple(caps))


def resolve_features(settings: AnalysisSettings,
                     columns: tuple[ColumnInfo, ...]) -> AnalysisSettings:
    """The settings with the features filled in (every usable numeric column by default)."""
    if settings.features is not None:
        return settings
    features = default_features(columns)
    if not features:
        raise UserError(NO_FEATURES)
    return replace(settings, features=features)


def analyse(table: LoadedTable, settings: AnalysisSettings, progress: Progress = NO_PROGRESS,
            previous: AnalysisResult | None = None,
            detected: tuple[ColumnInfo, ...] | None = None,
            ordered: OrderedCustomers | None = None) -> AnalysisResult:
    """Prepare, search k, segment, check stability and profile, reusing what `previous` (a
    result on the same table) already computed with the same settings.

    With order settings, `table` is the order lines (or `ordered.customers`, when the caller
    made the customers already and passes them as `ordered`); `detected` are then the column
    roles of the customer table. `detected` are the table's column roles when the caller has
    them already."""
    if ordered is not None and table is ordered.customers:  # the window shows the customers
        table = ordered.lines
    ordered = order_stage(table, settings, progress.part(0.0, 0.1), previous, ordered)
    if ordered is not None:
        table = ordered.customers
        settings = order_defaults(replace(settings, orders=ordered.settings), table)
        progress = progress.part(0.1, 1.0)
    same_table = previous is not None and previous.table is table
    if same_table and previous.settings.categories == settings.categories:
        columns = previous.columns
    else:
        columns = column_roles(table, settings, detected)
    settings = resolve_features(settings, columns)

    if same_table and previous.prepared.settings == settings.prep:
        prepared = previous.prepared
    else:
        progress.report(0.0, "Preparing the data...")
        prepared = prepare(table, columns, settings.prep)
        previous = None  # nothing after this stage can be reused

    if previous is not None and previous.search.settings == settings.search:
        search = previous.search
    else:
        search = search_k(prepared, settings.search, progress.part(0.02, 0.85))
        previous = None
    k = settings.k if settings.k is not None else search.recommended_k
    settings = replace(settings, k=k)

    if previous is not None and previous.k == k and previous.columns == columns:
        return replace(previous, settings=settings)
    segmentation = segment(prepared, settings.segment(k), search, progress.part(0.85, 0.9))
    stability = assess_stability(prepared, segmentation, settings.stability,
                                 progress.part(0.9, 0.98))
    progress.report(0.98, "Describing the segments...")
    insights = profile_segments(table, columns, prepared, segmentation, stability)
    if ordered is not None:  # each segment's mix of RFM segments
        insights = with_rfm_segments(insights, rfm.mix(
            ordered.rfm_codes, segmentation.row_segments, segmentation.k))
    progress.report(1.0, "Done")
    return AnalysisResult(settings=settings, table=table, columns=columns, prepared=prepared,
                          search=search, segmentation=segmentation, insights=insights,
                          orders=ordered)
