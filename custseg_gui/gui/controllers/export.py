"""The Export tab: what to write, where, asking before replacing an earlier export; and the SQL
of the segments on screen, to see or copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from custseg_gui.core.exports import ExportContext, export_files, output_files, progress_parts
from custseg_gui.core.exports.scored import export_scoring
from custseg_gui.core.model import build
from custseg_gui.core.scoring import SCORED_FILE, SCORING_FILE
from custseg_gui.core.sql import to_sql
from custseg_gui.gui.document import Document
from custseg_gui.gui.tasks import Channel
from custseg_gui.logs import log


def free_folder(folder: Path) -> Path:
    """`folder (2)`, `folder (3)`, ...: the first such folder that does not exist yet."""
    number = 2
    while (candidate := folder.with_name(f"{folder.name} ({number})")).exists():
        number += 1
    return candidate


class ExportController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.panel = window.results.export
        panel = self.panel
        panel.export_button.clicked.connect(self.export_clicked)
        panel.browse_button.clicked.connect(self.choose_folder)
        panel.cancel_button.clicked.connect(self.cancel)
        self._parts: list[tuple[str, float, float]] = []
        panel.open_folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(panel.folder_edit.text())))
        window.menus.export_action.triggered.connect(self.export_from_menu)
        panel.folder_edit.setText(str(window.settings.value("export/folder", "")))
        document.result_changed.connect(self.update_enabled)
        document.scoring_changed.connect(self.update_enabled)
        window.worker.finished.connect(self._task_finished)
        window.worker.progress.connect(self._task_progress)
        panel.show_sql_button.clicked.connect(lambda: self.show_sql())
        panel.copy_sql_button.clicked.connect(self.copy_sql)
        panel.sql_dialect_combo.currentIndexChanged.connect(self._dialect_changed)
        self._sql: tuple | None = None  # (segments, names, dialect, text) of the SQL made last
        self.update_enabled()

    def update_enabled(self) -> None:
        has_results = self.document.result is not None
        has_scoring = self.document.scoring is not None
        exporting = self.window.worker.is_busy(Channel.EXPORT)
        self.panel.export_button.setEnabled((has_results or has_scoring) and not exporting)
        self.panel.cancel_button.setEnabled(exporting)
        self.window.menus.export_action.setEnabled(has_results or has_scoring)
        for check in self.panel.checks.values():  # the analysis's formats
            check.setEnabled(has_results)
        self.panel.show_sql_button.setEnabled(has_results or has_scoring)
        self.panel.copy_sql_button.setEnabled(has_results or has_scoring)
        if not (has_results or has_scoring):
            self.panel.sql_view.clear()
            self.panel.sql_label.setText("")

    def context(self) -> ExportContext | None:
        """The analysis on screen with the names the user sees and the chosen options."""
        if self.document.result is None:
            return None
        return ExportContext(self.document.result, dict(self.document.renamed),
                             self.panel.page_size_combo.currentData(),
                             self.panel.sql_dialect_combo.currentData(),
                             csv_encoding=self.panel.csv_encoding_combo.currentData())

    def _with_scoring(self) -> bool:
        """Whether the export writes the new customers' files too."""
        return self.document.scoring is not None and self.panel.scored_check.isChecked()

    def _formats(self, formats=None) -> tuple[str, ...]:
        """The analysis's formats to write (none without an analysis)."""
        if self.document.result is None:
            return ()
        return tuple(formats) if formats is not None else self.panel.formats()

    def choose_folder(self) -> None:
        start = self.panel.folder_edit.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self.window, "Folder for the report files",
                                                  start)
        if folder:
            self.panel.folder_edit.setText(folder)

    def export_from_menu(self) -> None:
        if self.document.result is None and self.document.scoring is None:
            return
        self.window.results.setCurrentWidget(self.panel)
        self.export_clicked()

    def export_clicked(self) -> None:
        panel = self.panel
        if not panel.folder_edit.text().strip():
            self.choose_folder()
            if not panel.folder_edit.text().strip():
                return
        folder = Path(panel.folder_edit.text().strip()).expanduser()
        formats = self._formats()
        if not formats and not self._with_scoring():
            self.window.show_message("Export", "Tick at least one kind of file to export.",
                                     warning=True)
            return
        context = self.context()
        if not folder.exists():
            self.window.ask("Create the folder?",
                            f"The folder {folder} does not exist yet. Create it and export "
                            "into it?", "Create and export",
                            lambda: self._create_and_export(folder, formats))
            return
        names = (output_files(context, formats) if formats else []) + (
            [SCORED_FILE, SCORING_FILE] if self._with_scoring() else [])
        existing = [name for name in names if (folder / name).exists()]
        if existing:
            shown = ", ".join(existing[:4]) + (", ..." if len(existing) > 4 else "")
            beside = free_folder(folder)
            self.window.ask("Replace earlier export?",
                            f"{folder} already holds {shown}. Replace them with this export, or "
                            f"keep them and write this export into a new folder beside it "
                            f"({beside.name})?",
                            "Replace", lambda: self.export_to(folder, formats),
                            other=("Write beside them",
                                   lambda: self._create_and_export(beside, formats)))
        else:
            self.export_to(folder, formats)

    def _create_and_export(self, folder: Path, formats) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or str(error)
            self.window.show_message(
                "Export", f"CustSeg could not create the folder {folder} ({reason}). Choose a "
                "folder of your own, such as one in Documents.", warning=True)
            return
        self.export_to(folder, formats)

    def export_to(self, folder: Path, formats: tuple[str, ...] | None = None) -> None:
        """Write the chosen files into `folder` in the background (replacing earlier ones)."""
        context, scoring = self.context(), self.document.scoring
        panel = self.panel
        formats = self._formats(formats or None)
        with_scoring = self._with_scoring()
        if not formats and not with_scoring:
            return
        panel.result_label.setText("")
        panel.open_folder_button.setVisible(False)
        self._parts = progress_parts(formats) if formats else []
        if with_scoring:  # the new customers' files come first (core/exports/scored.py)
            self._parts = [(key, 0.1 + 0.9 * start, 0.1 + 0.9 * end)
                           for key, start, end in self._parts]
        panel.show_progress(formats)

        encoding = panel.csv_encoding_combo.currentData()

        def work(progress):
            if with_scoring:
                return export_scoring(scoring, folder, context, formats, progress, encoding)
            return export_files(context, folder, formats, progress)

        self.window.worker.run(
            Channel.EXPORT, work, lambda written: self._exported(Path(folder), written),
            lambda error, details: self.window.task_failed("Export failed", error, details))
        self.update_enabled()

    def cancel(self) -> None:
        """Stop the export under way; its files are removed, earlier files stay as they were."""
        if self.window.worker.is_busy(Channel.EXPORT):
            self.window.worker.cancel(Channel.EXPORT)

    def _task_progress(self, channel: str, fraction: float, message: str) -> None:
        """The export's progress, shown on the bar of the file being written (the formats
        are written one after another, each over its share of the whole)."""
        if channel != Channel.EXPORT:
            return
        for key, start, end in self._parts:
            share = (fraction - start) / (end - start) if end > start else 1.0
            self.panel.progress_bars[key].setValue(int(1000 * min(max(share, 0.0), 1.0)))

    def _task_finished(self, channel: str, outcome: str) -> None:
        self.update_enabled()
        if channel == Channel.SQL and outcome == "cancelled":
            self.panel.sql_label.setText("")
        if channel != Channel.EXPORT:
            return
        if outcome == "returned":
            for key, _start, _end in self._parts:
                self.panel.progress_bars[key].setValue(1000)
        elif outcome == "cancelled":
            self.panel.progress_box.setVisible(False)
            self.panel.result_label.setText("Export cancelled: no file was written or changed.")
            self.window.set_status("Export cancelled.")

    def _exported(self, folder: Path, written: list[Path]) -> None:
        panel = self.panel
        panel.folder_edit.setText(str(folder))
        listed = ", ".join(path.name for path in written[:6]) + (
            f" and {len(written) - 6} more" if len(written) > 6 else "")
        panel.result_label.setText(f"Exported {len(written)} files to {folder}: {listed}.")
        panel.open_folder_button.setVisible(True)
        self.window.settings.setValue("export/folder", str(folder))
        self.window.set_status(f"Exported {len(written)} files to {folder}.")
        log.info("exported %d files to %s", len(written), folder)

    # --- SQL for your database ------------------------------------------------------------------

    def _dialect_changed(self) -> None:
        if self.panel.sql_view.toPlainText():
            self.show_sql()  # the SQL on view follows the dialect

    def show_sql(self, copy: bool = False) -> None:
        """Show the SQL of the segments on screen (new customers' segmentation, else the
        analysis's, with the names the user gave); made in the background the first time."""
        document, panel = self.document, self.panel
        dialect = panel.sql_dialect_combo.currentData()
        scoring, result = document.scoring, document.result
        if scoring is None and result is None:
            return
        source = scoring if scoring is not None else result
        names = tuple(sorted(document.renamed.items())) if scoring is None else ()
        made = self._sql
        if made is not None and made[0] is source and made[1:3] == (names, dialect):
            self._sql_ready(made[3], copy)
            return
        renamed = dict(names)

        def work(progress):
            progress.report(0.0, "Writing the segments as SQL...")
            model = scoring.model if scoring is not None else build(result, renamed)
            return to_sql(model, dialect)

        def ready(text: str) -> None:
            self._sql = (source, names, dialect, text)
            self._sql_ready(text, copy)

        panel.sql_label.setText("Writing the SQL...")
        self.window.worker.run(Channel.SQL, work, ready,
                               lambda error, details: self.window.task_failed(
                                   "Could not write the SQL", error, details))

    def copy_sql(self) -> None:
        """Put the SQL of the segments on screen on the clipboard."""
        self.show_sql(copy=True)

    def _sql_ready(self, text: str, copy: bool) -> None:
        panel = self.panel
        if panel.sql_view.toPlainText() != text:
            panel.sql_view.setPlainText(text)
        lines = text.count("\n")
        if copy:
            QGuiApplication.clipboard().setText(text)
            panel.sql_label.setText(f"Copied the SQL ({lines} lines) to the clipboard: paste it "
                                    "into your database tool, or an e-mail to your data team.")
            self.window.set_status("Copied the SQL to the clipboard.")
        else:
            panel.sql_label.setText(f"{lines} lines of SQL; Copy SQL puts them on the "
                                    "clipboard.")
