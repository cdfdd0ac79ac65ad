"""The main window: collects settings, runs core stages in the worker, shows their results."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QColor, QDesktopServices, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (QFileDialog, QInputDialog, QLabel,
                               QMainWindow,
                               QMessageBox, QPushButton, QScrollArea, QSplitter, QStackedWidget,
                               QTableWidgetItem, QToolBar, QToolTip, QVBoxLayout, QWidget)

from custseg_gui import APP_NAME, __version__
from custseg_gui.core import charts
from custseg_gui.core.analysis import Analysis, AnalysisSettings
from custseg_gui.core.columns import ColumnInfo, Role, default_features, describe_columns
from custseg_gui.core.export import export_files, output_files
from custseg_gui.core.health import CAP_PERCENTILES, column_health
from custseg_gui.core.errors import UserError
from custseg_gui.core.formatting import format_number, format_share, segment_label
from custseg_gui.core.insight import Insights, profile_segments
from custseg_gui.core.ksearch import KSearchResult, KSearchSettings, import_tools, search_k
from custseg_gui.core.loading import LoadedTable, LoadSettings, load_table
from custseg_gui.core.prep import PreparedData, PrepSettings, prepare, with_categories
from custseg_gui.core.segment import Segmentation, SegmentSettings, segment
from custseg_gui.core.session import SUFFIX, SavedAnalysis, load_analysis, save_analysis
from custseg_gui.core.stability import StabilitySettings, assess_stability
from custseg_gui.gui.import_dialog import ImportDialog
from custseg_gui.gui.results_view import ResultsView
from custseg_gui.gui.settings_panel import SettingsPanel
from custseg_gui.gui.worker import ChartRenderer, Worker
from custseg_gui.logs import log, log_file
from custseg_gui.resources_path import licenses_dir, sample_data

FILE_FILTER = "Customer files (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"
MAX_RECENT = 8
# The explore charts read at most this many rows: enough for a faithful histogram.
EXPLORE_ROWS = 100_000


@dataclass(frozen=True)
class SegmentView:
    """Everything the segment charts need for one k, computed in the worker."""

    segmentation: Segmentation
    insights: Insights
    scatter: charts.ScatterData


@dataclass(frozen=True)
class RunResult:
    prepared: PreparedData
    search: KSearchResult
    view: SegmentView


class MainWindow(QMainWindow):
    """CustSeg's window. `MainWindow()` builds it without starting an event loop."""

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = settings or QSettings()
        self.worker = Worker(self)
        self.worker.started.connect(self._task_started)
        self.worker.progress.connect(self._task_progress)
        self.worker.finished.connect(self._task_finished)
        self.chart_renderer = ChartRenderer(self)
        self.chart_renderer.failed.connect(lambda error, details: self._task_failed(
            "Could not draw a chart", error, details))

        self.table: LoadedTable | None = None
        self.columns: tuple[ColumnInfo, ...] = ()  # roles as detected
        self.path: Path | None = None
        self.prepared: PreparedData | None = None
        self.search: KSearchResult | None = None
        self.view: SegmentView | None = None
        self.names: dict[int, str] = {}  # segment number -> name shown (automatic or renamed)
        self.renamed: dict[int, str] = {}  # the names the user gave
        self.selected_segment: int | None = None
        self.message_box: QMessageBox | None = None
        self.hovered_customer: int | None = None  # table row under the mouse in the scatter
        self.rename_dialog: QInputDialog | None = None
        self.run_settings: AnalysisSettings | None = None  # what the shown results were run with
        self.load_settings = LoadSettings()
        self.pending: SavedAnalysis | None = None  # a saved analysis being reopened
        self.locate_data_file = self._ask_for_data_file  # replaceable in tests
        self.question_box: QMessageBox | None = None
        self.import_dialog: ImportDialog | None = None
        self._warmed_up = False

        self._build()
        self._restore_settings()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.panel = SettingsPanel()
        self.results = ResultsView(self.chart_renderer)
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.panel.summary_bar)
        right_layout.addWidget(self.results, 1)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 940])

        self.stack = QStackedWidget()
        self.stack.addWidget(self._start_page())
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)
        self._build_actions()

        panel = self.panel
        panel.run_button.clicked.connect(self.run_search)
        panel.cancel_button.clicked.connect(self.cancel)
        panel.k_spin.valueChanged.connect(self.change_k)
        panel.features_changed.connect(self._settings_changed)
        panel.missing_combo.currentIndexChanged.connect(self._settings_changed)
        panel.scaling_combo.currentIndexChanged.connect(self._settings_changed)
        panel.k_min_spin.valueChanged.connect(self._k_range_changed)
        panel.k_max_spin.valueChanged.connect(self._k_range_changed)
        panel.seed_spin.valueChanged.connect(self._settings_changed)
        panel.defaults_button.clicked.connect(
            lambda: panel.check_only(set(default_features(self.effective_columns()))))
        panel.none_button.clicked.connect(lambda: panel.check_only(set()))
        panel.import_button.clicked.connect(self.show_import_options)
        self.results.health.fixes_changed.connect(self._fixes_changed)
        self.results.x_combo.currentIndexChanged.connect(self._axes_changed)
        self.results.y_combo.currentIndexChanged.connect(self._axes_changed)
        self.results.profile_table.itemSelectionChanged.connect(self._profile_row_selected)
        self.results.profile_table.itemChanged.connect(self._profile_item_changed)
        self.results.show_all_button.clicked.connect(lambda: self.select_segment(None))
        export = self.results.export
        export.export_button.clicked.connect(self.export_clicked)
        export.browse_button.clicked.connect(self.choose_export_folder)
        export.open_folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(export.folder_edit.text())))
        canvas = self.results.segments.canvas
        canvas.mpl_connect("motion_notify_event", self._hover_customer)
        canvas.mpl_connect("pick_event", self._legend_picked)
        self._explore_timer = QTimer(self, singleShot=True, interval=300)
        self._explore_timer.timeout.connect(self._draw_explore)
        panel.features_changed.connect(self._explore_timer.start)
        self._update_enabled()

    def _start_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("startPage")
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        box = QVBoxLayout()
        title = QLabel(f"<h1>{APP_NAME}</h1>")
        intro = QLabel(
            "<p style='font-size:11pt'>Find the groups in your customers and understand them.</p>"
            "<p>Open a CSV or Excel export with one row per customer. CustSeg suggests how many "
            "segments your customers fall into, shows them in charts, and describes each one "
            "in your data's own units.</p>"
            "<p>You can also drop a file onto this window.</p>")
        intro.setWordWrap(True)
        intro.setMaximumWidth(560)
        self.start_open_button = QPushButton("Open a customer file...")
        self.start_open_button.setObjectName("startOpenButton")
        self.start_open_button.setToolTip("Choose a CSV or Excel file of your customers (Ctrl+O)")
        self.start_open_button.clicked.connect(self.choose_file)
        self.sample_button = QPushButton("Try the sample customers")
        self.sample_button.setObjectName("sampleButton")
        self.sample_button.setToolTip("Open 300 made-up mall customers to see how CustSeg works")
        self.sample_button.clicked.connect(self.open_sample)
        for widget in (title, intro, self.start_open_button, self.sample_button):
            box.addWidget(widget, 0, Qt.AlignHCenter)
        self.start_recent = QLabel("")
        self.start_recent.setObjectName("startRecent")
        self.start_recent.setOpenExternalLinks(False)
        self.start_recent.linkActivated.connect(self.open_path)
        box.addWidget(self.start_recent, 0, Qt.AlignHCenter)
        outer.addLayout(box)
        outer.addStretch(2)
        return page

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.open_action = QAction("&Open...", self, shortcut=QKeySequence.Open,
                                   statusTip="Open a CSV or Excel file of customers")
        self.open_action.triggered.connect(self.choose_file)
        self.sample_action = QAction("Open &sample customers", self,
                                     statusTip="Open the built-in sample data")
        self.sample_action.triggered.connect(self.open_sample)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setObjectName("recentMenu")
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.sample_action)
        file_menu.addSeparator()
        self.open_analysis_action = QAction("Open &analysis...", self,
                                            shortcut=QKeySequence("Ctrl+Shift+O"),
                                            statusTip="Reopen a saved analysis (.custseg)")
        self.open_analysis_action.triggered.connect(self.choose_analysis)
        self.save_analysis_action = QAction("&Save analysis...", self, shortcut=QKeySequence.Save,
                                            statusTip="Save the settings and segment names to "
                                                      "reopen later")
        self.save_analysis_action.triggered.connect(self.choose_save_analysis)
        self.export_action = QAction("&Export report...", self, shortcut=QKeySequence("Ctrl+E"),
                                     statusTip="Export the segments: customer list, workbook, "
                                               "PDF report, images")
        self.export_action.triggered.connect(self.export_from_menu)
        for action in (self.open_analysis_action, self.save_analysis_action, self.export_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        analysis_menu = menu.addMenu("&Analysis")
        self.run_action = QAction("&Find segments", self, shortcut=QKeySequence("Ctrl+R"),
                                  statusTip="Try every number of segments and recommend one")
        self.run_action.triggered.connect(self.run_search)
        self.cancel_action = QAction("&Cancel", self, shortcut=QKeySequence("Esc"),
                                     statusTip="Stop the work in progress")
        self.cancel_action.triggered.connect(self.cancel)
        analysis_menu.addAction(self.run_action)
        analysis_menu.addAction(self.cancel_action)

        view_menu = menu.addMenu("&View")
        for index in range(self.results.count()):
            action = QAction(self.results.tabText(index), self,
                             shortcut=QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, i=index: self._show_tab(i))
            view_menu.addAction(action)

        help_menu = menu.addMenu("&Help")
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        log_action = QAction("Where is the &log file?", self)
        log_action.triggered.connect(lambda: self.show_message(
            "Log file", f"CustSeg writes what it does, and any error, to:\n{log_file()}"))
        help_menu.addAction(log_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        toolbar.addAction(self.open_action)
        self.open_action.setToolTip("Open a CSV or Excel file of customers (Ctrl+O)")
        toolbar.widgetForAction(self.open_action).setObjectName("openButton")
        self.addToolBar(toolbar)
        self.statusBar().setObjectName("statusBar")

    # --- settings that persist ---------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for name, splitter in {"main": self.splitter, **self.results.splitters()}.items():
            state = self.settings.value(f"splitters/{name}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
        self._refresh_recent()
        self.results.export.folder_edit.setText(str(self.settings.value("export/folder", "")))

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        for name, splitter in {"main": self.splitter, **self.results.splitters()}.items():
            self.settings.setValue(f"splitters/{name}", splitter.saveState())
        self.settings.sync()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(item) for item in value or []]

    def _remember(self, path: Path) -> None:
        text = str(path)
        if path.resolve() == sample_data().resolve():
            return
        recent = [text] + [item for item in self.recent_files() if item != text]
        self.settings.setValue("recentFiles", recent[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for position, item in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{position} {Path(item).name}")
            action.setToolTip(item)
            action.triggered.connect(lambda _=False, p=item: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))
        links = "<br>".join(f"<a href='{item}'>{Path(item).name}</a>" for item in recent[:5])
        self.start_recent.setText(f"<p><b>Recent files</b><br>{links}</p>" if recent else "")

    # --- opening files ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = str(Path(self.recent_files()[0]).parent) if self.recent_files() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open customer file", start, FILE_FILTER)
        if path:
            self.open_path(path)

    def open_sample(self) -> None:
        self.open_path(sample_data())

    def open_path(self, path: str | Path, load_settings: LoadSettings | None = None) -> None:
        """Load a file in the background, exactly as the Open dialog does."""
        path = Path(path)
        load_settings = load_settings or LoadSettings()
        self.worker.cancel("analysis")
        self.worker.cancel("segment")
        if load_settings != getattr(self.pending, "load", None):
            self.pending = None  # a file opened by hand replaces a reopening in progress

        def load(progress):
            table = load_table(path, load_settings, progress=progress.part(0.0, 0.9))
            progress.report(0.92, "Recognising what each column holds...")
            columns = describe_columns(table)
            return table, columns, column_health(table, columns)

        self._set_status(f"Opening {path.name}...")
        self.worker.run("load", load,
                        lambda result: self._show_table(path, *result, load_settings),
                        lambda error, details: self._task_failed(
                            f"Could not open {path.name}", error, details))

    def _show_table(self, path: Path, table: LoadedTable, columns: tuple[ColumnInfo, ...],
                    health, load_settings: LoadSettings = LoadSettings()) -> None:
        self.table, self.columns, self.load_settings = table, columns, load_settings
        self.path = path
        self.results.health.show_health(health, table.report.notes, set())
        self.panel.import_button.setEnabled(True)
        self._clear_results()
        self.renamed = {}
        self.results.data_model.set_table(table.raw, table.frame)
        self.results.fit_data_columns()
        self.panel.set_columns(columns, set(default_features(columns)))
        notes = (f"<br><span style='color:#B35900'>{len(table.report.notes)} thing(s) to "
                 "check on the Data health tab</span>" if table.report.notes else "")
        self.panel.file_label.setText(
            f"<b>{html.escape(table.report.file_name)}</b><br>"
            f"{html.escape(table.report.describe())}{notes}")
        self.panel.file_label.setToolTip(str(path))
        self.setWindowTitle(f"{table.report.file_name} - {APP_NAME}")
        # The page is turned on the next pass of the event loop: laying out and painting it is
        # then a step of its own, and the window answers in between.
        QTimer.singleShot(0, self, self._show_data_page)
        self._remember(path)
        self._set_status(f"Opened {table.report.file_name}: {table.report.describe()}.")
        log.info("opened %s (%s)", path, table.report.describe())
        self._update_enabled()
        if self.pending is not None:
            self._continue_reopening(table)

    def _show_data_page(self) -> None:
        self.stack.setCurrentIndex(1)
        self.results.setCurrentIndex(0)

    def _clear_results(self) -> None:
        self.prepared = self.search = self.view = None
        self.names, self.selected_segment = {}, None
        self.results.descriptions.clear()
        for panel in (self.results.elbow, self.results.silhouette, self.results.segments,
                      self.results.sizes, self.results.heatmap, self.results.importance,
                      self.results.segment_distributions):
            panel.clear()
        self.results.profile_table.clear()
        self.results.profile_table.setRowCount(0)
        self.results.profile_table.setColumnCount(0)
        self.results.data_model.set_extra_columns({})
        self.results.data_model.filter_rows(None)
        self.results.filter_label.setText("")
        self.results.show_all_button.setVisible(False)
        self.panel.recommendation_label.setText("Press Find segments to get a recommendation.")
        self.panel.notes_label.setVisible(False)
        self.panel.stale_label.setVisible(False)
        self.panel.k_spin.setEnabled(False)

    # --- running ---------------------------------------------------------------------------------

    def _prep_settings(self) -> PrepSettings:
        fixes = self.results.health.chosen_fixes()
        low, high = CAP_PERCENTILES
        return PrepSettings(features=self.panel.checked_features(),
                            missing=self.panel.missing_combo.currentData(),
                            scaling=self.panel.scaling_combo.currentData(),
                            log=tuple(fix.column for fix in fixes if fix.kind == "log"),
                            cap=tuple((fix.column, low, high) for fix in fixes
                                      if fix.kind == "cap"),
                            as_category=tuple(fix.column for fix in fixes
                                              if fix.kind == "category"))

    def effective_columns(self) -> tuple[ColumnInfo, ...]:
        """Column roles with the user's "treat as categories" fixes applied."""
        categories = tuple(fix.column for fix in self.results.health.chosen_fixes()
                           if fix.kind == "category")
        return with_categories(self.columns, categories)

    def _fixes_changed(self) -> None:
        # A code column treated as categories changes its role in the column list.
        checked = set(self.panel.checked_features())
        self.panel.set_columns(self.effective_columns(), checked)
        self._settings_changed()

    def show_import_options(self) -> ImportDialog | None:
        """How the file was read, with every detected choice changeable and a live preview."""
        if self.table is None or self.path is None:
            return None
        dialog = ImportDialog(self.path, self.table.report, self.load_settings, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.open_path(self.path, dialog.settings()))
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def run_search(self) -> None:
        """Prepare, try every k in the range, and show the recommended segmentation."""
        if self.table is None:
            return
        table, columns = self.table, self.effective_columns()
        prep_settings = self._prep_settings()
        search_settings = KSearchSettings(k_min=self.panel.k_min_spin.value(),
                                          k_max=self.panel.k_max_spin.value(),
                                          seed=self.panel.seed_spin.value())
        axes = self._current_axes()
        run_settings = AnalysisSettings(
            load=self.load_settings, features=prep_settings.features,
            missing=prep_settings.missing, scaling=prep_settings.scaling,
            k_min=search_settings.k_min, k_max=search_settings.k_max, seed=search_settings.seed,
            log=prep_settings.log, cap=prep_settings.cap, as_category=prep_settings.as_category)
        wanted_k = self.pending.k if self.pending is not None else None

        def work(progress):
            progress.report(0.0, "Preparing the data...")
            prepared = prepare(table, columns, prep_settings)
            search = search_k(prepared, search_settings, progress.part(0.02, 0.92))
            view = _segment_view(table, columns, prepared, search, wanted_k or
                                 search.recommended_k, search_settings.seed, axes,
                                 progress.part(0.92, 1.0))
            return RunResult(prepared, search, view)

        self.panel.k_spin.setEnabled(False)
        self.worker.cancel("segment")
        self.worker.run("analysis", work, lambda result: self._show_run(result, run_settings),
                        lambda error, details: self._task_failed(
                            "Could not find segments", error, details))

    def change_k(self, k: int) -> None:
        """Regroup at another k without trying every k again."""
        if self.search is None or self.prepared is None or self.worker.is_busy("analysis"):
            return
        if self.view is not None and self.view.segmentation.k == k:
            return
        table, columns, prepared, search = (self.table, self.effective_columns(), self.prepared,
                                            self.search)
        axes = self._current_axes()
        seed = search.settings.seed
        self.worker.run("segment", lambda progress: _segment_view(
            table, columns, prepared, search, k, seed, axes, progress), self._show_view,
            lambda error, details: self._task_failed("Could not regroup the customers",
                                                     error, details))

    def cancel(self) -> None:
        if self.worker.is_busy():
            self.worker.cancel()
            self._set_status("Cancelled.")

    def _show_run(self, result: RunResult, run_settings: AnalysisSettings) -> None:
        self.prepared, self.search, self.run_settings = result.prepared, result.search, \
            run_settings
        # New results are new segments: earlier names no longer apply, unless a saved
        # analysis is being reopened, whose names come back.
        self.renamed = {number: name for number, name in self.pending.names.items()
                        if 1 <= number <= result.view.segmentation.k} if self.pending else {}
        self.pending = None
        self.panel.recommendation_label.setText(result.search.recommendation)
        notes = list(result.search.notes)
        if result.prepared.left_out.size:
            notes.append(f"{len(result.prepared.left_out):,} customers were left out because "
                         "of missing values (see the Data tab once segments are shown).")
        for name, count in result.prepared.filled.items():
            notes.append(f"{count:,} missing values of {name} were filled in.")
        self.panel.notes_label.setText(" ".join(notes))
        self.panel.notes_label.setVisible(bool(notes))
        self.panel.k_spin.blockSignals(True)
        self.panel.k_spin.setRange(result.search.scores[0].k, 30)
        self.panel.k_spin.setValue(result.search.recommended_k)
        self.panel.k_spin.blockSignals(False)
        self.panel.stale_label.setVisible(False)
        self._fill_axes(result.prepared, result.view)
        self._show_view(result.view, keep_names=True)
        # Turned on the next pass of the event loop, like the data page (see _show_table).
        QTimer.singleShot(0, self, lambda: self.results.setCurrentIndex(
            self.results.indexOf(self.results.k_splitter)))

    def _show_view(self, view: SegmentView, keep_names: bool = False) -> None:
        if not keep_names:
            self.renamed = {}  # other segments now: the user's names no longer apply
        self.view = view
        self.names = {**view.insights.names(), **self.renamed}
        self.selected_segment = None
        self.panel.k_spin.setEnabled(True)
        self.panel.k_spin.blockSignals(True)
        self.panel.k_spin.setValue(view.segmentation.k)
        self.panel.k_spin.blockSignals(False)
        self._show_names()
        self.select_segment(None)

    def _show_names(self) -> None:
        """Everything that shows segment names: tables, descriptions and charts."""
        # Coded columns (segment number per row, and the texts to show): nothing is built per
        # row here, which would take a noticeable moment on a million customers.
        segments = self.view.segmentation.row_segments
        numbers = sorted(self.names)
        extra = {"Segment": (segments, [""] + [str(number) for number in numbers]),
                 "Segment name": (segments, [""] + [self.names[number] for number in numbers])}
        if self.prepared is not None and self.prepared.left_out.size:
            left_out = self.prepared.left_out  # coded too: no per-row texts on this thread
            reason_codes, reasons = pd.factorize(left_out)
            codes = np.zeros(len(segments), dtype=np.int64)
            codes[left_out.index.to_numpy()] = reason_codes + 1
            extra["Left out because"] = (codes, [""] + list(reasons))
        self.results.data_model.set_extra_columns(extra)
        self.results.fit_data_columns(first=len(self.table.raw.columns))
        self._fill_profile_table()
        self._fill_descriptions()
        self._draw_results()

    def rename_segment(self, number: int, name: str) -> bool:
        """Give a segment the user's name; it shows at once in every chart, table and export."""
        name = " ".join(name.split())
        if self.view is None or number not in self.names or name == self.names[number]:
            return False
        if not name:
            self.show_message("Rename segment", "A segment needs a name. Type at least one "
                              "letter, or press Escape to keep the current name.", warning=True)
        elif name in [other for key, other in self.names.items() if key != number]:
            self.show_message("Rename segment", f"Another segment is already called '{name}'. "
                              "Choose a different name so the two can be told apart.",
                              warning=True)
        else:
            self.renamed[number] = name
            self.names[number] = name
            selected = self.selected_segment
            self._show_names()
            self.select_segment(selected)
            return True
        self._fill_profile_table()  # put the current name back
        return False

    def _ask_rename(self, number: int) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("renameDialog")
        dialog.setWindowTitle("Rename segment")
        dialog.setLabelText(f"New name for segment {number}:")
        dialog.setTextValue(self.names[number])
        dialog.textValueSelected.connect(lambda text: self.rename_segment(number, text))
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        self.rename_dialog = dialog

    # --- drawing ---------------------------------------------------------------------------------

    def _draw_results(self) -> None:
        if self.search is None or self.view is None:
            return
        k = self.view.segmentation.k
        self.results.elbow.show_chart(charts.draw_elbow, self.search, k)
        self.results.silhouette.show_chart(charts.draw_silhouette, self.search,
                                           self.view.segmentation, dict(self.names), k)
        self._draw_segment_charts()

    def _draw_segment_charts(self) -> None:
        # Every chart is built and drawn on the chart thread (see ChartPanel.show_chart): the
        # arguments are this moment's results and a copy of the names.
        if self.view is None:
            return
        view, names, highlight = self.view, dict(self.names), self.selected_segment
        self.results.segments.show_chart(_draw_pickable_segments, view.scatter, names, highlight)
        self.results.sizes.show_chart(charts.draw_sizes, view.segmentation, names, highlight)
        self.results.heatmap.show_chart(charts.draw_profile_heatmap, view.insights, names,
                                        highlight)
        self.results.importance.show_chart(charts.draw_importance, view.insights)
        shown = [name for name in view.insights.feature_importance
                 if name in view.insights.numeric_columns]
        shown += [name for name in view.insights.numeric_columns if name not in shown]
        self.results.segment_distributions.show_chart(
            charts.draw_segment_distributions, self.table.frame, view.segmentation.row_segments,
            shown, names)

    def _draw_explore(self) -> None:
        if self.table is None:
            return
        roles = {info.name: info.role for info in self.effective_columns()}
        features = [name for name in self.panel.checked_features()
                    if roles.get(name) is Role.NUMERIC]
        frame = self.table.frame
        self.results.distributions.show_chart(_draw_explored, charts.draw_distributions, frame,
                                              features)
        self.results.correlations.show_chart(_draw_explored, charts.draw_correlations, frame,
                                             features)

    def _fill_profile_table(self) -> None:
        insights = self.view.insights
        table = self.results.profile_table
        columns = ["Segment", "Size", "Share", "Stability"] + [
            f"Mean {name}" for name in insights.numeric_columns]
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(insights.profiles))
        table.setHorizontalHeaderLabels(columns)
        table.setVerticalHeaderLabels([str(profile.number) for profile in insights.profiles])
        for row, profile in enumerate(insights.profiles):
            name_item = QTableWidgetItem(self.names[profile.number])
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(charts.segment_color(profile.number)))
            name_item.setIcon(QIcon(swatch))
            name_item.setData(Qt.UserRole, profile.number)
            name_item.setToolTip(f"{profile.description}\nDouble-click to rename.")
            name_item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable)
            table.setItem(row, 0, name_item)
            stability = (f"{profile.stability_reading} ({profile.stability:.2f})"
                         if np.isfinite(profile.stability) else profile.stability_reading)
            cells = [f"{profile.size:,}", format_share(profile.share), stability] + [
                format_number(profile.means[name]) for name in insights.numeric_columns]
            for column, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if column != 3:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, min(table.columnWidth(0), 320))
        table.blockSignals(False)

    def _profile_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.rename_segment(int(item.data(Qt.UserRole)), item.text())

    def _fill_descriptions(self) -> None:
        insights = self.view.insights
        blocks = []
        if insights.stability is not None and np.isfinite(insights.stability.ari):
            blocks.append(
                f"<p style='color:#444'>Stability was checked by finding the segments again in "
                f"{insights.stability.resamples} random resamples of "
                f"{insights.stability.rows:,} customers. Overall agreement (adjusted Rand "
                f"index): {insights.stability.ari:.2f} (1 = always the same segments).</p>")
        for profile in insights.profiles:
            colour = charts.segment_color(profile.number)
            name = html.escape(segment_label(profile.number, self.names[profile.number]))
            block = (f"<h3 style='margin-bottom:2px'><span style='color:{colour}'>&#9632;</span>"
                     f" {name}</h3><p style='margin-top:0'>{html.escape(profile.description)}")
            if profile.action:
                block += f"<br><b>Suggested action:</b> {html.escape(profile.action)}"
            if np.isfinite(profile.stability):
                block += (f"<br><b>Stability:</b> {profile.stability_reading} "
                          f"({profile.stability:.2f}): "
                          f"{insights.stability.explanation(profile.number)}.")
            blocks.append(block + "</p>")
        self.results.descriptions.setHtml("".join(blocks))

    # --- axes of the scatter ---------------------------------------------------------------------

    def _current_axes(self) -> tuple[str, str] | None:
        x, y = self.results.x_combo.currentText(), self.results.y_combo.currentText()
        return (x, y) if x else None

    def _fill_axes(self, prepared: PreparedData, view: SegmentView) -> None:
        numeric = [name for name in prepared.matrix_columns if name in prepared.settings.features]
        for combo, options in ((self.results.x_combo, [charts.PCA_VIEW] + numeric),
                               (self.results.y_combo, numeric)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(options)
            combo.blockSignals(False)
        self.results.x_combo.blockSignals(True)
        self.results.y_combo.blockSignals(True)
        self.results.x_combo.setCurrentText(view.scatter.x_label if view.scatter.x_label in
                                            numeric else charts.PCA_VIEW)
        if view.scatter.y_label in numeric:
            self.results.y_combo.setCurrentText(view.scatter.y_label)
        self.results.y_combo.setEnabled(self.results.x_combo.currentText() != charts.PCA_VIEW)
        self.results.x_combo.blockSignals(False)
        self.results.y_combo.blockSignals(False)

    def _axes_changed(self) -> None:
        self.results.y_combo.setEnabled(self.results.x_combo.currentText() != charts.PCA_VIEW)
        if self.view is None or self.prepared is None:
            return
        prepared, segmentation = self.prepared, self.view.segmentation
        insights = self.view.insights
        x, y = self._current_axes()
        self.worker.run("scatter", lambda progress: SegmentView(
            segmentation, insights, charts.scatter_data(prepared, segmentation, x, y)),
            self._show_scatter)

    def _show_scatter(self, view: SegmentView) -> None:
        if self.view is not None and view.segmentation is self.view.segmentation:
            self.view = view
            self._draw_segment_charts()

    # --- selecting and hovering ----------------------------------------------------------------

    def select_segment(self, number: int | None) -> None:
        """Highlight one segment in the charts and list only its customers (None: all)."""
        if self.view is None:
            number = None
        self.selected_segment = number
        model = self.results.data_model
        if number is None:
            model.filter_rows(None)
            self.results.filter_label.setText("")
            self.results.show_all_button.setVisible(False)
            self.results.profile_table.blockSignals(True)
            self.results.profile_table.clearSelection()
            self.results.profile_table.blockSignals(False)
        else:
            model.filter_rows(self.view.segmentation.row_segments == number)
            size = self.view.segmentation.sizes[number - 1]
            self.results.filter_label.setText(
                f"Showing the {size:,} customers of "
                f"{segment_label(number, self.names[number])}.")
            self.results.show_all_button.setVisible(True)
            self.results.profile_table.blockSignals(True)
            self.results.profile_table.selectRow(number - 1)
            self.results.profile_table.blockSignals(False)
        if self.view is not None:
            self._draw_segment_charts()

    def _profile_row_selected(self) -> None:
        rows = self.results.profile_table.selectionModel().selectedRows()
        if rows:
            item = self.results.profile_table.item(rows[0].row(), 0)
            self.select_segment(int(item.data(Qt.UserRole)))

    def _legend_picked(self, event) -> None:
        if self.chart_renderer.is_busy(self.results.segments.canvas):
            return  # a click on the chart of earlier results, about to be replaced
        gid = event.artist.get_gid() or ""
        if not gid.startswith("legend-"):
            return
        number = int(gid.split("-")[1])
        if getattr(event.mouseevent, "dblclick", False):
            self._ask_rename(number)
        else:
            self.select_segment(None if self.selected_segment == number else number)

    def _hover_customer(self, event) -> None:
        if self.view is None or event.inaxes is None or self.table is None:
            return
        if self.chart_renderer.is_busy(self.results.segments.canvas):
            QToolTip.hideText()  # the chart on screen is not yet the one of these results
            return
        scatter = self.view.scatter
        ax = event.inaxes
        points = ax.transData.transform(np.column_stack([scatter.x, scatter.y]))
        distance = np.hypot(points[:, 0] - event.x, points[:, 1] - event.y)
        nearest = int(np.argmin(distance)) if len(distance) else -1
        if nearest < 0 or distance[nearest] > 6:
            self.hovered_customer = None
            QToolTip.hideText()
            return
        self.hovered_customer = int(self.prepared.rows_used[scatter.rows[nearest]])
        QToolTip.showText(self.cursor().pos(), self._customer_text(self.hovered_customer),
                          self.results.segments.canvas)

    def _customer_text(self, row: int) -> str:
        raw = self.table.raw
        identifier = next((info.name for info in self.columns if info.role is Role.IDENTIFIER),
                          None)
        title = f"{identifier} {raw.at[row, identifier]}" if identifier else f"Row {row + 1}"
        number = int(self.view.segmentation.row_segments[row])
        lines = [f"<b>{title}</b>", segment_label(number, self.names[number])]
        for name in self.prepared.settings.features:
            lines.append(f"{name}: {raw.at[row, name]}")
        return "<br>".join(lines)

    # --- state of the controls ----------------------------------------------------------------------

    def _settings_changed(self) -> None:
        if self.search is not None:
            self.panel.stale_label.setVisible(True)
        self._update_enabled()

    def _k_range_changed(self) -> None:
        sender = self.sender()
        if sender is self.panel.k_min_spin and self.panel.k_max_spin.value() < sender.value():
            self.panel.k_max_spin.setValue(sender.value())
        elif sender is self.panel.k_max_spin and self.panel.k_min_spin.value() > sender.value():
            self.panel.k_min_spin.setValue(sender.value())
        self._settings_changed()

    def _update_enabled(self) -> None:
        ready = self.table is not None and bool(self.panel.checked_features())
        busy = self.worker.is_busy("analysis") or self.worker.is_busy("load")
        self.panel.run_button.setEnabled(ready and not busy)
        self.run_action.setEnabled(ready and not busy)
        self.panel.cancel_button.setEnabled(self.worker.is_busy())
        self.cancel_action.setEnabled(self.worker.is_busy())
        if self.table is not None and not self.panel.checked_features():
            self.panel.run_button.setToolTip("Tick at least one column first")
        else:
            self.panel.run_button.setToolTip("Try every number of segments in the range and "
                                              "recommend one (Ctrl+R)")
        has_results = self.view is not None and self.run_settings is not None
        self.results.export.export_button.setEnabled(has_results and not self.worker.is_busy(
            "export"))
        self.export_action.setEnabled(has_results)
        self.save_analysis_action.setEnabled(has_results)

    def _task_started(self, channel: str) -> None:
        self.panel.progress_bar.setValue(0)
        self._update_enabled()

    def _task_progress(self, channel: str, fraction: float, message: str) -> None:
        self.panel.progress_bar.setValue(int(fraction * 1000))
        if message:
            self.panel.status_label.setText(message)

    def _task_finished(self, channel: str, outcome: str) -> None:
        if not self.worker.is_busy():
            self.panel.progress_bar.setValue(1000 if outcome == "returned" else 0)
            self.panel.status_label.setText("Cancelled." if outcome == "cancelled" else "")
        if channel == "analysis" and outcome != "returned" and self.search is not None:
            self.panel.k_spin.setEnabled(True)
        self._update_enabled()

    def _task_failed(self, title: str, error: BaseException, details: str) -> None:
        if isinstance(error, UserError):
            self.show_message(title, error.message, error.details, warning=True)
        else:
            self.show_message(title, "Something unexpected went wrong. CustSeg is still "
                              f"running; the details are in the log file {log_file()}.",
                              details, warning=True)
        self._set_status(f"{title}.")

    def _set_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _show_tab(self, index: int) -> None:
        if self.stack.currentIndex() == 1:
            self.results.setCurrentIndex(index)

    # --- messages -------------------------------------------------------------------------------

    def show_message(self, title: str, text: str, details: str | None = None,
                     warning: bool = False) -> QMessageBox:
        """A non-blocking message box; the window stays usable behind it."""
        box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, title,
                          text, QMessageBox.Ok, self)
        box.setObjectName("messageBox")
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.message_box = box
        box.destroyed.connect(lambda *_: setattr(self, "message_box", None))
        return box

    def show_about(self) -> QMessageBox:
        """Version, and where the licences of the bundled software are."""
        folder = licenses_dir()
        licences = (f"CustSeg is built on Qt (used under the GNU LGPL v3), PySide6, pandas, "
                    f"scikit-learn, matplotlib, NumPy, SciPy and openpyxl. Their licence texts "
                    f"are in:\n{folder}" if folder else
                    "CustSeg is built on Qt (used under the GNU LGPL v3), PySide6, pandas, "
                    "scikit-learn, matplotlib, NumPy, SciPy and openpyxl; their licences are "
                    "installed with each package.")
        box = self.show_message(f"About {APP_NAME}",
                                f"{APP_NAME} {__version__}\nFind and understand the segments in "
                                f"your customer data. No data leaves this computer.\n\n"
                                f"{licences}")
        box.setObjectName("aboutBox")
        if folder:
            button = box.addButton("Open licences folder", QMessageBox.ActionRole)
            button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        return box

    # --- exporting -----------------------------------------------------------------------------

    def current_analysis(self) -> Analysis | None:
        """The analysis on screen, as the exports and the report command see it."""
        if self.view is None or self.run_settings is None:
            return None
        settings = replace(self.run_settings, k=self.view.segmentation.k)
        return Analysis(settings=settings, table=self.table,
                        columns=with_categories(self.columns, settings.as_category),
                        prepared=self.prepared, search=self.search,
                        segmentation=self.view.segmentation, insights=self.view.insights)

    def choose_export_folder(self) -> None:
        start = self.results.export.folder_edit.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Folder for the report files", start)
        if folder:
            self.results.export.folder_edit.setText(folder)

    def export_from_menu(self) -> None:
        if self.current_analysis() is None:
            return
        self.results.setCurrentWidget(self.results.export)
        self.export_clicked()

    def export_clicked(self) -> None:
        panel = self.results.export
        if not panel.folder_edit.text().strip():
            self.choose_export_folder()
            if not panel.folder_edit.text().strip():
                return
        folder = Path(panel.folder_edit.text().strip()).expanduser()
        formats = panel.formats()
        if not formats:
            self.show_message("Export", "Tick at least one kind of file to export.",
                              warning=True)
            return
        existing = [name for name in output_files(formats) if (folder / name).exists()]
        if existing:
            shown = ", ".join(existing[:4]) + (", ..." if len(existing) > 4 else "")
            self.ask("Replace earlier export?",
                     f"{folder} already holds {shown}. Replace them with this export?",
                     "Replace", lambda: self.export_to(folder, formats))
        else:
            self.export_to(folder, formats)

    def export_to(self, folder: Path, formats: tuple[str, ...] | None = None) -> None:
        """Write the chosen files into `folder` in the background (replacing earlier ones)."""
        analysis = self.current_analysis()
        if analysis is None:
            return
        panel = self.results.export
        formats = formats or panel.formats()
        names, page_size = dict(self.names), panel.page_size_combo.currentData()
        panel.result_label.setText("")
        panel.open_folder_button.setVisible(False)
        self.worker.run("export", lambda progress: export_files(
            analysis, folder, formats, names, page_size, progress),
            lambda written: self._exported(folder, written),
            lambda error, details: self._task_failed("Export failed", error, details))

    def _exported(self, folder: Path, written: list[Path]) -> None:
        panel = self.results.export
        panel.folder_edit.setText(str(folder))
        listed = ", ".join(path.name for path in written[:6]) + (
            f" and {len(written) - 6} more" if len(written) > 6 else "")
        panel.result_label.setText(f"Exported {len(written)} files to {folder}: {listed}.")
        panel.open_folder_button.setVisible(True)
        self.settings.setValue("export/folder", str(folder))
        self._set_status(f"Exported {len(written)} files to {folder}.")
        log.info("exported %d files to %s", len(written), folder)

    # --- saved analyses ---------------------------------------------------------------------------

    def choose_save_analysis(self) -> None:
        if self.current_analysis() is None:
            return
        start = str(Path(self.table.report.path).with_suffix(SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self, "Save analysis", start,
                                              f"CustSeg analysis (*{SUFFIX})")
        if path:
            self.save_analysis_to(Path(path).with_suffix(SUFFIX))

    def save_analysis_to(self, path: Path) -> None:
        """Write the settings, k, seed and the user's segment names to a .custseg file."""
        analysis = self.current_analysis()
        if analysis is None:
            return
        settings, report = analysis.settings, analysis.table.report
        saved = SavedAnalysis(
            data_path=str(Path(report.path).resolve()), data_sha256=report.sha256,
            load=settings.load, features=tuple(settings.features), missing=settings.missing,
            scaling=settings.scaling, k_min=settings.k_min, k_max=settings.k_max,
            seed=settings.seed, k=analysis.segmentation.k, names=dict(self.renamed),
            log=settings.log, cap=settings.cap, as_category=settings.as_category)
        try:
            save_analysis(path, saved)
        except UserError as error:
            self._task_failed("Could not save the analysis", error, "")
            return
        self._set_status(f"Saved the analysis to {path}.")

    def choose_analysis(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open analysis", "",
                                              f"CustSeg analysis (*{SUFFIX});;All files (*)")
        if path:
            self.open_analysis(path)

    def open_analysis(self, path: str | Path) -> None:
        """Reopen a saved analysis: load its data, rerun it, and restore the names."""
        try:
            saved = load_analysis(Path(path))
        except UserError as error:
            self._task_failed("Could not open the analysis", error, "")
            return
        data = Path(saved.data_path)
        if not data.is_file():
            located = self.locate_data_file(data)
            if not located:
                return
            data = Path(located)
        self.pending = saved
        self.open_path(data, saved.load)

    def _ask_for_data_file(self, missing: Path) -> str | None:
        self.show_message("Data file not found", f"The data file of this analysis, "
                          f"{missing.name}, is no longer at {missing.parent}. Please show "
                          "CustSeg where it is now.", warning=True)
        path, _ = QFileDialog.getOpenFileName(self, f"Where is {missing.name}?", "",
                                              FILE_FILTER)
        return path or None

    def _continue_reopening(self, table: LoadedTable) -> None:
        saved = self.pending
        unknown = [name for name in saved.features
                   if name not in {info.name for info in self.columns}]
        if unknown:
            self.pending = None
            self.show_message("Could not reopen the analysis", "The data file no longer has "
                              f"the column(s) {', '.join(unknown)}. Choose the columns again "
                              "and press Find segments.", warning=True)
            return

        def proceed():
            for kind, names in (("log", saved.log), ("cap", [cap[0] for cap in saved.cap]),
                                ("category", saved.as_category)):
                for name in names:
                    self.results.health.set_fix(kind, name)
            self.panel.check_only(set(saved.features))
            self.panel.missing_combo.setCurrentIndex(
                self.panel.missing_combo.findData(saved.missing))
            self.panel.scaling_combo.setCurrentIndex(
                self.panel.scaling_combo.findData(saved.scaling))
            self.panel.k_min_spin.setValue(saved.k_min)
            self.panel.k_max_spin.setValue(saved.k_max)
            self.panel.seed_spin.setValue(saved.seed)
            self.run_search()

        if table.report.sha256 != saved.data_sha256:
            self.ask("The data has changed",
                     f"{table.report.file_name} has changed since this analysis was saved, so "
                     "the segments may differ from before. Continue with the current data?",
                     "Continue", proceed, on_cancel=lambda: setattr(self, "pending", None))
        else:
            proceed()

    def ask(self, title: str, text: str, accept_text: str, on_accept,
            on_cancel=None) -> QMessageBox:
        """A non-blocking question; `on_accept` runs if the user agrees."""
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Cancel, self)
        box.setObjectName("questionBox")
        accept = box.addButton(accept_text, QMessageBox.AcceptRole)
        box.setDefaultButton(accept)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def answered(button):
            if button is accept:
                on_accept()
            elif on_cancel is not None:
                on_cancel()

        box.buttonClicked.connect(answered)
        box.open()
        self.question_box = box
        return box

    # --- window events --------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.open_path(urls[0].toLocalFile())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._warmed_up:
            # The analysis libraries load in the background once the window is up: the window
            # appears quickly, and loading them (a few hundred ms, part of it in steps no
            # other thread can interrupt) is not in the middle of opening the first file.
            self._warmed_up = True
            QTimer.singleShot(300, self, self._warm_up)

    def _warm_up(self) -> None:
        if not self.worker.closed:  # closed again within moments (tests, self-test)
            self.worker.run("warm-up", lambda progress: import_tools(), lambda result: None,
                            quiet=True)

    def closeEvent(self, event) -> None:
        self._save_settings()
        if not self.worker.shutdown(timeout=5.0):
            log.warning("a background task did not stop within 5 s of closing")
        if not self.chart_renderer.shutdown(timeout=5.0):
            log.warning("a chart was still being drawn 5 s after closing")
        event.accept()


def _segment_view(table: LoadedTable, columns: tuple[ColumnInfo, ...], prepared: PreparedData,
                  search: KSearchResult, k: int, seed: int, axes: tuple[str, str] | None,
                  progress) -> SegmentView:
    """Final fit at k, profiles and scatter coordinates: the work behind every segment view."""
    segmentation = segment(prepared, SegmentSettings(k=k, seed=seed), search,
                           progress.part(0.0, 0.6))
    stability = assess_stability(prepared, segmentation, StabilitySettings(seed=seed),
                                 progress.part(0.6, 0.9))
    progress.report(0.9, "Describing the segments...")
    insights = profile_segments(table, columns, prepared, segmentation, stability)
    features = [name for name in prepared.matrix_columns if name in prepared.settings.features]
    valid = axes is not None and (axes[0] == charts.PCA_VIEW or (
        axes[0] in features and axes[1] in features))
    if not valid:  # start with the two columns that tell the segments apart best
        axes = charts.default_axes(prepared, insights.feature_importance)
    progress.report(0.95, "Placing customers on the chart...")
    return SegmentView(segmentation, insights,
                       charts.scatter_data(prepared, segmentation, axes[0], axes[1], seed))


def _draw_pickable_segments(figure, scatter, names: dict[int, str], highlight) -> None:
    """The scatter, with legend entries that answer clicks (select) and double-clicks (rename)."""
    charts.draw_segments(figure, scatter, names, highlight)
    if not figure.legends:
        return
    legend = figure.legends[0]
    for number, handle in zip(sorted(names), legend.legend_handles):
        handle.set_picker(8)
        handle.set_gid(f"legend-{number}")
    for number, text in zip(sorted(names), legend.get_texts()):
        text.set_picker(True)
        text.set_gid(f"legend-{number}")


def _draw_explored(figure, draw, frame, features: list[str]) -> None:
    """An Explore chart on the chosen number columns, over a sample of rows when there are many."""
    frame = frame[features]
    if len(frame) > EXPLORE_ROWS:
        rows = np.random.default_rng(0).choice(len(frame), EXPLORE_ROWS, replace=False)
        frame = frame.iloc[np.sort(rows)]
    draw(figure, frame, features)
