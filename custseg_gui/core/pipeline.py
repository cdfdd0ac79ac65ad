"""The one chain of stages, from a file to described segments; the report command, the window and
the self-test all run it.

    file -> LoadedTable -> column roles -> PreparedData -> k search -> Segmentation
         -> stability -> Insights                                    = AnalysisResult

Each stage is a function of the previous result and its view of the settings. Given the
previous result, `analyse` reuses every stage whose inputs did not change: a new number of
segments reuses the preparation and the k search, a new seed reruns the search, and the same
settings again cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from custseg_gui.core.columns import ColumnInfo, default_features, describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.insight import Insights, profile_segments
from custseg_gui.core.ksearch import KSearchResult, search_k
from custseg_gui.core.prep import PreparedData, prepare, with_categories
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.segment import Segmentation, segment
from custseg_gui.core.settings import AnalysisSettings
from custseg_gui.core.sources import LoadedTable, load_table
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

    @property
    def k(self) -> int:
        return self.segmentation.k

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
            detected: tuple[ColumnInfo, ...] | None = None) -> AnalysisResult:
    """Prepare, search k, segment, check stability and profile, reusing what `previous` (a
    result on the same table) already computed with the same settings.

    `detected` are the table's column roles when the caller has them already."""
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
    progress.report(1.0, "Done")
    return AnalysisResult(settings=settings, table=table, columns=columns, prepared=prepared,
                          search=search, segmentation=segmentation, insights=insights)
