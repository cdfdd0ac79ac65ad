"""The current analysis, as the window holds it: the file, the settings being edited, the shown
results, the user's segment names and the selected segment; and new customers given their
segments (a scoring), shown until the analysis changes. Views learn what changed from its
signals; controllers are the only ones that change it.

An order log is held two ways: as read (`lines`, one row per order line) and, once the user
makes its customers, as one row per customer (`orders.customers`), which is then `table`: the
table every view shows and every analysis runs on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from custseg_gui.core.charts import ChartInputs, ScatterData
from custseg_gui.core.columns import ColumnInfo, default_features
from custseg_gui.core.health import ColumnHealth
from custseg_gui.core.naming import carry_names
from custseg_gui.core.pipeline import AnalysisResult, column_roles, order_defaults
from custseg_gui.core.settings import AnalysisSettings, LoadSettings
from custseg_gui.core.sources import LoadedTable
from custseg_gui.core.sources.orders import DEFAULT_FEATURES, OrderColumns, OrderedCustomers


@dataclass(frozen=True)
class ReadTable:
    """A table as the window shows it: the values, their column roles and health."""

    table: LoadedTable
    detected: tuple[ColumnInfo, ...]
    health: tuple[ColumnHealth, ...]


@dataclass(frozen=True)
class OrderLines:
    """A file as order lines: the table as read, the names of its columns (inside the quotes of
    a file whose every line is quoted whole), the best guess of which column holds what, and
    whether the file looks like order lines at all."""

    read: ReadTable
    column_names: tuple[str, ...]
    detected: OrderColumns
    looks_like: bool = True


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
        # The file read as order lines (looks_like: it looks like them); `orders` the customers
        # made from them while those are shown.
        self.lines: OrderLines | None = None
        self.orders: OrderedCustomers | None = None

    # --- what the views read --------------------------------------------------------------------

    @property
    def columns(self) -> tuple[ColumnInfo, ...]:
        """Column roles with the user's "treat as categories" fixes applied."""
        if self.table is None:
            return ()
        return column_roles(self.table, self.settings, self.detected)

    def usual_features(self) -> tuple[str, ...]:
        """The columns ticked by "Usual choice": every usable numeric column, or for an order
        log's customers recency, frequency and net spend."""
        if self.orders is not None:
            columns = set(self.orders.customers.frame.columns)
            return tuple(name for name in DEFAULT_FEATURES if name in columns)
        return default_features(self.columns)

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
                  health: tuple[ColumnHealth, ...], load: LoadSettings,
                  lines: OrderLines | None = None) -> None:
        """A newly read file: its usual columns ticked, no results yet. The same file read
        again (other import options) keeps the user's names for the next results. `lines`:
        the file read as order lines (its customers are not made yet)."""
        same_file = self.path is not None and Path(path) == Path(self.path)
        self._earlier = (self.result.segmentation.row_segments, dict(self.renamed)) \
            if same_file and self.result is not None and self.renamed else None
        self.path, self.lines, self.orders = path, lines, None
        self._show(ReadTable(table, detected, health),
                   AnalysisSettings(load=load, features=default_features(detected)))

    def set_customers(self, ordered: OrderedCustomers, detected: tuple[ColumnInfo, ...],
                      health: tuple[ColumnHealth, ...]) -> None:
        """The order lines' customers, shown and analysed in place of the lines: by recency,
        frequency and net spend, each skewed one on a log scale (a fix the user can untick)."""
        if self.lines is None:  # made from a file that did not look like order lines
            read = ReadTable(self.table, self.detected, self.health)
            self.lines = OrderLines(read, tuple(ordered.lines.frame.columns), ordered.columns)
        self._earlier = None
        self.orders = ordered
        settings = AnalysisSettings(load=self.settings.load, orders=ordered.settings)
        self._show(ReadTable(ordered.customers, detected, health),
                   order_defaults(settings, ordered.customers))

    def use_lines(self) -> None:
        """Back to the order lines as they are, one row per line, as the file was opened."""
        if self.lines is None or self.orders is None:
            return
        self._earlier = None
        self.orders = None
        read = self.lines.read
        self._show(read, AnalysisSettings(load=self.settings.load,
                                          features=default_features(read.detected)))

    def _show(self, read: ReadTable, settings: AnalysisSettings) -> None:
        self.table, self.detected, self.health = read.table, read.detected, read.health
        self.settings = settings
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
