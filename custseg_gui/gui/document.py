"""The current analysis, as the window holds it: the file, the settings being edited, the shown
results, the user's segment names and the selected segment; and new customers given their
segments (a scoring), shown until the analysis changes. Views learn what changed from its
signals; controllers are the only ones that change it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from custseg_gui.core.charts import ChartInputs, ScatterData
from custseg_gui.core.columns import ColumnInfo, default_features
from custseg_gui.core.health import ColumnHealth
from custseg_gui.core.naming import carry_names
from custseg_gui.core.pipeline import AnalysisResult, column_roles
from custseg_gui.core.settings import AnalysisSettings, LoadSettings
from custseg_gui.core.sources import LoadedTable


class Document(QObject):
    table_changed = Signal()  # a new file, or the same file read another way
    settings_changed = Signal()  # the settings being edited
    result_changed = Signal()  # new results, or none
    names_changed = Signal()  # a segment was renamed
    selection_changed = Signal()  # the highlighted segment
    scatter_changed = Signal()  # the scatter's axes
    scoring_changed = Signal()  # new customers given their segments, or none

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.path: Path | None = None
        self.table: LoadedTable | None = None
        self.detected: tuple[ColumnInfo, ...] = ()  # column roles as detected
        self.health: tuple[ColumnHealth, ...] = ()
        self.settings = AnalysisSettings()
        self.result: AnalysisResult | None = None
        self.scatter: ScatterData | None = None
        self.renamed: dict[int, str] = {}  # the names the user gave
        self.lost_names: list[str] = []  # the user's names the newest results could not keep
        self._earlier = None  # (segment per row, names) of results before the file was re-read
        self.selected: int | None = None
        self.scoring = None  # core/scoring.ScoringResult on screen, or None

    # --- what the views read --------------------------------------------------------------------

    @property
    def columns(self) -> tuple[ColumnInfo, ...]:
        """Column roles with the user's "treat as categories" fixes applied."""
        if self.table is None:
            return ()
        return column_roles(self.table, self.settings, self.detected)

    @property
    def names(self) -> dict[int, str]:
        """Segment number -> the name shown: the user's where given, else the automatic one."""
        if self.result is None:
            return {}
        return {**self.result.names(), **self.renamed}

    @property
    def stale(self) -> bool:
        """True when the settings changed since the shown results were found."""
        if self.result is None:
            return False
        return replace(self.settings, k=None) != replace(self.result.settings, k=None)

    def chart_inputs(self) -> ChartInputs:
        return ChartInputs(result=self.result, names=self.names, highlight=self.selected,
                           scatter=self.scatter)

    # --- changes --------------------------------------------------------------------------------

    def set_table(self, path: Path, table: LoadedTable, detected: tuple[ColumnInfo, ...],
                  health: tuple[ColumnHealth, ...], load: LoadSettings) -> None:
        """A newly read file: its usual columns ticked, no results yet. The same file read
        again (other import options) keeps the user's names for the next results."""
        same_file = self.path is not None and Path(path) == Path(self.path)
        self._earlier = (self.result.segmentation.row_segments, dict(self.renamed)) \
            if same_file and self.result is not None and self.renamed else None
        self.path, self.table, self.detected, self.health = path, table, detected, health
        self.settings = AnalysisSettings(load=load, features=default_features(detected))
        self.result = self.scatter = self.selected = None
        self.renamed = {}
        self.set_scoring(None)
        self.table_changed.emit()
        self.settings_changed.emit()
        self.result_changed.emit()

    def set_settings(self, settings: AnalysisSettings) -> None:
        if settings != self.settings:
            self.settings = settings
            self.settings_changed.emit()

    def update_settings(self, **changes) -> None:
        self.set_settings(replace(self.settings, **changes))

    def set_result(self, result: AnalysisResult, scatter: ScatterData,
                   renamed: dict[int, str] | None = None) -> None:
        """New results. The user's names come along to the new segments that hold the same
        customers (`renamed` instead, when given: a reopened analysis's own names); the names
        that could not follow are kept in `lost_names` for the window to say so."""
        self.lost_names = []
        earlier = self._earlier if self.result is None else (
            (self.result.segmentation.row_segments, self.renamed) if self.renamed else None)
        self._earlier = None
        if renamed is None:
            renamed = {}
            if earlier is not None:
                renamed, self.lost_names = carry_names(earlier[1], earlier[0],
                                                       result.segmentation.row_segments)
        self.result, self.scatter = result, scatter
        self.renamed = {number: name for number, name in renamed.items()
                        if 1 <= number <= result.k}
        self.selected = None
        self.set_scoring(None)
        self.result_changed.emit()

    def set_scoring(self, scoring) -> None:
        """New customers with their segments (a core ScoringResult) to show; None: back to the
        analysis."""
        if scoring is None and self.scoring is None:
            return
        self.scoring = scoring
        self.scoring_changed.emit()

    def set_scatter(self, scatter: ScatterData) -> None:
        self.scatter = scatter
        self.scatter_changed.emit()

    def rename(self, number: int, name: str) -> None:
        self.renamed[number] = name
        self.names_changed.emit()

    def select(self, number: int | None) -> None:
        self.selected = number
        self.selection_changed.emit()
