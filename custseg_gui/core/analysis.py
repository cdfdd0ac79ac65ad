"""The whole pipeline in one call, for the `report` command and the self-test.

The window runs the same stages one at a time (so it can rerun only what a change affects);
this module chains them for callers that want everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from custseg_gui.core.columns import ColumnInfo, default_features, describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.insight import Insights, profile_segments
from custseg_gui.core.ksearch import KSearchResult, KSearchSettings, search_k
from custseg_gui.core.loading import LoadedTable, LoadSettings, load_table
from custseg_gui.core.prep import PreparedData, PrepSettings, prepare, with_categories
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.segment import Segmentation, SegmentSettings, segment
from custseg_gui.core.stability import StabilitySettings, assess_stability


@dataclass(frozen=True)
class AnalysisSettings:
    """Every choice a user makes, from reading the file to the number of segments."""

    load: LoadSettings = LoadSettings()
    features: tuple[str, ...] | None = None  # None: every usable numeric column
    missing: str = "drop"
    scaling: str = "standard"
    k_min: int = 2
    k_max: int = 10
    k: int | None = None  # None: the recommended k
    seed: int = 42
    log: tuple[str, ...] = ()  # data-health fixes, see PrepSettings
    cap: tuple[tuple[str, float, float], ...] = ()
    as_category: tuple[str, ...] = ()

    def prep_settings(self, features: tuple[str, ...]) -> PrepSettings:
        return PrepSettings(features=tuple(features), missing=self.missing, scaling=self.scaling,
                            log=tuple(self.log), cap=tuple(self.cap),
                            as_category=tuple(self.as_category))


@dataclass(frozen=True)
class Analysis:
    """Every stage's result, from the file to the segment profiles."""

    settings: AnalysisSettings
    table: LoadedTable
    columns: tuple[ColumnInfo, ...]
    prepared: PreparedData
    search: KSearchResult
    segmentation: Segmentation
    insights: Insights


def run_analysis(path: str | Path, settings: AnalysisSettings = AnalysisSettings(),
                 progress: Progress = NO_PROGRESS) -> Analysis:
    """Load, prepare, search k, segment and profile, reporting progress along the way."""
    table = load_table(path, settings.load, progress.part(0.0, 0.2))
    return analyse_table(table, settings, progress.part(0.2, 1.0))


def analyse_table(table: LoadedTable, settings: AnalysisSettings,
                  progress: Progress = NO_PROGRESS) -> Analysis:
    columns = with_categories(describe_columns(table), settings.as_category)
    features = settings.features if settings.features is not None else default_features(columns)
    if not features:
        raise UserError("The file has no numeric columns to group customers by. Pick a file "
                        "with at least one column of numbers, such as age, income or spending.")
    prepared = prepare(table, columns, settings.prep_settings(features))
    search = search_k(prepared, KSearchSettings(k_min=settings.k_min, k_max=settings.k_max,
                                                seed=settings.seed), progress.part(0.0, 0.85))
    k = settings.k if settings.k is not None else search.recommended_k
    segmentation = segment(prepared, SegmentSettings(k=k, seed=settings.seed), search,
                           progress.part(0.85, 0.9))
    stability = assess_stability(prepared, segmentation, StabilitySettings(seed=settings.seed),
                                 progress.part(0.9, 0.99))
    insights = profile_segments(table, columns, prepared, segmentation, stability)
    progress.report(1.0, "Done")
    return Analysis(settings=settings, table=table, columns=columns, prepared=prepared,
                    search=search, segmentation=segmentation, insights=insights)
