"""The Export tab: what to write, where, asking before replacing an earlier export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from custseg_gui.core.exports import ExportContext, export_files, output_files, progress_parts
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
        window.worker.finished.connect(self._task_finished)
        window.worker.progress.connect(self._task_progress)
        self.update_enabled()

    def update_enabled(self) -> None:
        has_results = self.document.result is not None
        exporting = self.window.worker.is_busy(Channel.EXPORT)
        self.panel.export_button.setEnabled(has_results and not exporting)
        self.panel.cancel_button.setEnabled(exporting)
        self.window.menus.export_action.setEnabled(has_results)

    def context(self) -> ExportContext | None:
        """The analysis on screen with the names the user sees and the chosen options."""
        if self.document.result is None:
            return None
        return ExportContext(self.document.result, dict(self.document.renamed),
                             self.panel.page_size_combo.currentData(),
                             csv_encoding=self.panel.csv_encoding_combo.currentData())

    def choose_folder(self) -> None:
        start = self.panel.folder_edit.text() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self.window, "Folder for the report files",
                                                  start)
        if folder:
            self.panel.folder_edit.setText(folder)

    def export_from_menu(self) -> None:
        if self.document.result is None:
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
        formats = panel.formats()
        if not formats:
            self.window.show_message("Export", "Tick at least one kind of file to export.",
                                     warning=True)
            return
        context = self.context()
        if context is None:
            return
        if not folder.exists():
            self.window.ask("Create the folder?",
                            f"The folder {folder} does not exist yet. Create it and export "
                            "into it?", "Create and export",
                            lambda: self._create_and_export(folder, formats))
            return
        existing = [name for name in output_files(context, formats) if (folder / name).exists()]
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
        context = self.context()
        if context is None:
            return
        panel = self.panel
        formats = formats or panel.formats()
        panel.result_label.setText("")
        panel.open_folder_button.setVisible(False)
        self._parts = progress_parts(formats)
        panel.show_progress(formats)
        self.window.worker.run(
            Channel.EXPORT, lambda progress: export_files(context, folder, formats, progress),
            lambda written: self._exported(Path(folder), written),
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
