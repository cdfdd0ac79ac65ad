"""Saved analyses (.custseg): saving the one on screen, and reopening one as it was left."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from custseg_gui.core.errors import UserError
from custseg_gui.core.model import build, load
from custseg_gui.core.session import SUFFIX, SavedAnalysis, load_analysis, save_analysis
from custseg_gui.core.sources import file_filter
from custseg_gui.gui.document import Document


def _is_segmentation(path: Path) -> bool:
    """Whether the file is a segmentation (segmentation.custseg), not a saved analysis."""
    try:
        load(path)
    except UserError:
        return False
    return True


class SessionController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        menus = window.menus
        menus.open_analysis_action.triggered.connect(self.choose_analysis)
        menus.save_analysis_action.triggered.connect(self.choose_save)
        document.result_changed.connect(
            lambda: menus.save_analysis_action.setEnabled(document.result is not None))
        menus.save_analysis_action.setEnabled(False)
        # Where is a saved analysis's data file that moved? Replaceable in tests.
        self.locate_data_file = self._ask_for_data_file

    # --- saving ---------------------------------------------------------------------------------

    def choose_save(self) -> None:
        if self.document.result is None:
            return
        start = str(Path(self.document.result.table.report.path).with_suffix(SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save analysis", start,
                                              f"CustSeg analysis (*{SUFFIX})")
        if path:
            self.save_to(Path(path).with_suffix(SUFFIX))

    def save_to(self, path: Path) -> None:
        """Write the settings (the number of segments included) and the user's names."""
        result = self.document.result
        if result is None:
            return
        report = result.table.report
        saved = SavedAnalysis(data_path=str(Path(report.path).resolve()),
                              data_sha256=report.sha256, settings=result.settings,
                              names=dict(self.document.renamed),
                              segmentation=build(result, dict(self.document.renamed)))
        try:
            save_analysis(path, saved)
        except UserError as error:
            self.window.task_failed("Could not save the analysis", error, "")
            return
        self.window.set_status(f"Saved the analysis to {path}.")

    # --- reopening ------------------------------------------------------------------------------

    def choose_analysis(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open analysis", "",
                                              f"CustSeg analysis (*{SUFFIX});;All files (*)")
        if path:
            self.open(path)

    def open(self, path: str | Path) -> None:
        """Reopen a saved analysis: load its data, rerun it, and restore the names."""
        try:
            saved = load_analysis(Path(path))
        except UserError as error:
            if _is_segmentation(Path(path)):
                # A segmentation.custseg an export wrote: what it is for is new customers.
                self.window.scoring.show_dialog(segmentation=Path(path))
                return
            self.window.task_failed("Could not open the analysis", error, "")
            return
        data = Path(saved.data_path)
        if not data.is_file():
            located = self.locate_data_file(data)
            if not located:
                return
            data = Path(located)
        self.window.analysis.open_path(data, saved.settings.load,
                                       then=lambda: self._continue(saved))

    def _ask_for_data_file(self, missing: Path) -> str | None:
        self.window.show_message("Data file not found", f"The data file of this analysis, "
                                 f"{missing.name}, is no longer at {missing.parent}. Please "
                                 "show CustSeg where it is now.", warning=True)
        path, _ = QFileDialog.getOpenFileName(self.window, f"Where is {missing.name}?", "",
                                              file_filter())
        return path or None

    def _continue(self, saved: SavedAnalysis) -> None:
        """The data is open: put every setting back as saved, then find the segments. An order
        log's customers are made first, with the saved order settings."""
        document = self.document
        if saved.settings.orders.enabled and document.orders is None:
            self.window.orders.make_customers(saved.settings.orders,
                                              then=lambda: self._continue(saved))
            return
        known = {info.name for info in document.detected}
        settings = saved.settings
        unknown = [name for name in settings.features if name not in known]
        if unknown:
            self.window.show_message("Could not reopen the analysis", "The data file no longer "
                                     f"has the column(s) {', '.join(unknown)}. Choose the "
                                     "columns again and press Find segments.", warning=True)
            return

        def proceed():
            document.set_settings(replace(settings, k=None))
            self.window.analysis.run_search(k=settings.k, names=saved.names)

        if document.table.report.sha256 != saved.data_sha256:
            self.window.ask("The data has changed",
                            f"{document.table.report.file_name} has changed since this analysis "
                            "was saved, so the segments may differ from before. Continue with "
                            "the current data?", "Continue", proceed)
        else:
            proceed()
