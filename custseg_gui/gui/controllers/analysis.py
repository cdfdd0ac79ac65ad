"""Running the analysis: opening a file, finding segments, another number of segments, cancel.

Every stage runs in the worker through core/pipeline.py; this controller only says when, and
hands the results to the document. It also keeps the run controls and the progress bar in step
with what the worker is doing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt

from custseg_gui.core.charts import scatter_for
from custseg_gui.core.columns import describe_columns
from custseg_gui.core.health import column_health
from custseg_gui.core.ksearch import import_tools
from custseg_gui.core.pipeline import analyse
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import load_table
from custseg_gui.core.sources.order_columns import (detect_order_columns, guess_order_columns,
                                                   split_quoted_rows)
from custseg_gui.gui.document import Document, OrderLines, ReadTable
from custseg_gui.gui.tasks import Channel
from custseg_gui.gui.views.import_dialog import ImportDialog
from custseg_gui.logs import log


class AnalysisController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.worker = window.worker
        self.panel = window.panel
        self.import_dialog: ImportDialog | None = None
        self.panel.run_button.clicked.connect(lambda: self.run_search())
        self.panel.cancel_button.clicked.connect(lambda: self.cancel())
        self.panel.k_spin.valueChanged.connect(self.change_k)
        self.panel.import_button.clicked.connect(self.show_import_options)
        self.worker.started.connect(self._task_started)
        self.worker.progress.connect(self._task_progress)
        self.worker.finished.connect(self._task_finished)
        document.settings_changed.connect(self.update_enabled)
        document.result_changed.connect(self.update_enabled)

    # --- opening a file -------------------------------------------------------------------------

    def open_path(self, path: str | Path, load: LoadSettings | None = None,
                  then=None) -> None:
        """Read a file in the background; `then()` runs once it is shown."""
        path = Path(path)
        load = load or LoadSettings()

        def work(progress):
            table = load_table(path, load, progress=progress.part(0.0, 0.9))
            progress.report(0.92, "Recognising what each column holds...")
            detected = describe_columns(table)
            health = column_health(table, detected)
            return table, detected, health, order_lines(table, detected, health)

        def opened(loaded):
            table, detected, health, lines = loaded
            self.document.set_table(path, table, detected, health, load, lines)
            self.window.file_opened(path)
            log.info("opened %s (%s)", path, table.report.describe())
            if then is not None:
                then()

        self.window.set_status(f"Opening {path.name}...")
        self.worker.run(Channel.LOAD, work, opened, lambda error, details: self.window.task_failed(
            f"Could not open {path.name}", error, details))

    def show_import_options(self) -> ImportDialog | None:
        """How the file was read, with every detected choice changeable and a live preview."""
        document = self.document
        if document.table is None:
            return None
        dialog = ImportDialog(document.path, document.table.report, document.settings.load,
                              self.window)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.open_path(document.path, dialog.settings()))
        dialog.open()
        self.import_dialog = dialog
        return dialog

    # --- finding segments ------------------------------------------------------------------------

    def run_search(self, k: int | None = None, names: dict[int, str] | None = None) -> None:
        """Prepare, try every number of segments in the range, and show the recommended one
        (or `k`, with the user's `names`, when a saved analysis is reopened)."""
        document = self.document
        if document.table is None:
            return
        table, detected = document.table, document.detected
        settings, ordered = replace(document.settings, k=k), document.orders
        axes = self.window.segments.current_axes()

        def work(progress):
            result = analyse(table, settings, progress.part(0.0, 0.97), detected=detected,
                             ordered=ordered)
            progress.report(0.97, "Placing customers on the chart...")
            return result, scatter_for(result, axes)

        self.panel.k_spin.setEnabled(False)
        self.worker.run(Channel.ANALYSIS, work,
                        lambda shown: self._show_result(*shown, names),
                        lambda error, details: self.window.task_failed(
                            "Could not find segments", error, details))

    def change_k(self, k: int) -> None:
        """Regroup at another number of segments, reusing the search."""
        result = self.document.result
        if result is None or self.worker.is_busy(Channel.ANALYSIS) or result.k == k:
            return
        table, axes = self.document.table, self.window.segments.current_axes()
        ordered = self.document.orders

        def work(progress):
            regrouped = analyse(table, replace(result.settings, k=k), progress.part(0.0, 0.95),
                                previous=result, ordered=ordered)
            progress.report(0.95, "Placing customers on the chart...")
            return regrouped, scatter_for(regrouped, axes)

        self.worker.run(Channel.SEGMENT, work, lambda shown: self._show_result(*shown),
                        lambda error, details: self.window.task_failed(
                            "Could not regroup the customers", error, details))

    def _show_result(self, result, scatter, names: dict[int, str] | None = None) -> None:
        # New results are new segments: earlier names no longer apply, unless a saved analysis
        # is being reopened, whose names come back.
        self.document.set_result(result, scatter, names)
        self.panel.k_spin.setEnabled(True)

    def cancel(self) -> None:
        if self.worker.is_busy():
            self.worker.cancel()
            self.window.set_status("Cancelled.")

    def warm_up(self) -> None:
        """Load the analysis libraries in the background, unseen (see MainWindow.showEvent)."""
        if not self.worker.closed:  # closed again within moments (tests, self-test)
            self.worker.run(Channel.WARM_UP, lambda progress: import_tools(),
                            lambda result: None, quiet=True)

    # --- the run controls and the progress bar -----------------------------------------------

    def update_enabled(self) -> None:
        document, panel, menu = self.document, self.panel, self.window.menus
        ready = document.table is not None and bool(document.settings.features)
        busy = any(self.worker.is_busy(channel)
                   for channel in (Channel.ANALYSIS, Channel.LOAD, Channel.ORDERS))
        panel.run_button.setEnabled(ready and not busy)
        menu.run_action.setEnabled(ready and not busy)
        panel.cancel_button.setEnabled(self.worker.is_busy())
        menu.cancel_action.setEnabled(self.worker.is_busy())
        if document.table is not None and not document.settings.features:
            panel.run_button.setToolTip("Tick at least one column first")
        else:
            panel.run_button.setToolTip("Try every number of segments in the range and "
                                        "recommend one (Ctrl+R)")

    def _panel_busy(self) -> bool:
        """Whether work the left panel shows is running (the order lines dialog shows its own
        count)."""
        return any(self.worker.is_busy(channel) for channel in Channel
                   if channel not in (Channel.ORDERS_PREVIEW, Channel.WARM_UP))

    def _task_started(self, channel: str) -> None:
        if channel == Channel.ORDERS_PREVIEW:
            self.update_enabled()
            return
        self.panel.progress_bar.setValue(0)
        self.panel.progress_bar.setVisible(True)  # shown only while work runs
        self.update_enabled()

    def _task_progress(self, channel: str, fraction: float, message: str) -> None:
        if channel == Channel.ORDERS_PREVIEW:
            return
        self.panel.progress_bar.setValue(int(fraction * 1000))
        if message:
            self.panel.status_label.setText(message)

    def _task_finished(self, channel: str, outcome: str) -> None:
        if channel != Channel.ORDERS_PREVIEW and not self._panel_busy():
            self.panel.progress_bar.setValue(0)
            self.panel.progress_bar.setVisible(False)
            self.panel.status_label.setText("Cancelled." if outcome == "cancelled" else "")
        if channel == Channel.ANALYSIS and outcome != "returned" and \
                self.document.result is not None:
            self.panel.k_spin.setEnabled(True)
        self.update_enabled()


def order_lines(table, detected, health) -> OrderLines:
    """The file read as order lines: the columns detected (or the best guess) and whether it
    looks like order lines (a customer column whose values repeat, and a date or an amount).
    Runs in the worker: a file whose every line is quoted whole is split to see its columns."""
    lines = split_quoted_rows(table) or table
    columns = detect_order_columns(lines)
    looks_like = columns is not None
    if columns is None:
        columns = guess_order_columns(lines)
    return OrderLines(ReadTable(table, detected, health), tuple(map(str, lines.frame.columns)),
                      columns, looks_like)
