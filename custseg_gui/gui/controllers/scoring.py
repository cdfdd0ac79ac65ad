"""New customers given the segments found before (File > Assign segments to new customers):
the dialog, the scoring in the worker, and what the window shows of it: the scored customers
on the Data tab, why a clicked customer has its segment, who moved and what drifted.

The computation is core's (core/scoring.score_table, core/explain); this controller says when,
and puts the result in the document.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QFileDialog, QHeaderView, QTableWidgetItem

from custseg_gui.core.charts import CHARTS, ChartInputs
from custseg_gui.core.errors import UserError
from custseg_gui.core.explain import customer_values, drift_words, explain, row_values
from custseg_gui.core.exports.customers import free_column_name
from custseg_gui.core.formatting import format_number, segment_label
from custseg_gui.core.model import UNLIKE, build, load
from custseg_gui.core.scoring import score_table
from custseg_gui.core.session import SUFFIX
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import file_filter, load_table, preview_table
from custseg_gui.gui.document import Document
from custseg_gui.gui.tasks import Channel
from custseg_gui.gui.views.score_dialog import ScoreDialog
from custseg_gui.logs import log

# The drift table's columns: the words first, the figures beside them.
DRIFT_COLUMNS = ("What changed", "Mean before", "Mean now", "Shift (spreads)")
DRIFTED_BACKGROUND = "#FDEBD3"


def _id_like(name: str) -> bool:
    """Whether a column's name says it identifies customers (CustomerID, customer_id, ID)."""
    words = name.replace("_", " ").strip()
    return words.lower() == "id" or words.lower().endswith(" id") or words.endswith(("ID", "Id"))


@dataclass(frozen=True)
class ShownScoring:
    """What the window shows of a scoring, worked out in the worker: a million customers'
    columns coded once, the counts of scoring.json."""

    scoring: object  # core/scoring.ScoringResult
    summary: dict
    columns: dict  # the Data tab's added columns: name -> (codes, texts)


def shown_scoring(scoring) -> ShownScoring:
    """The segment columns of scored.csv as the Data tab shows them (coded: nothing is built per
    row), under names the new file does not use yet."""
    scored, model, table = scoring.scored, scoring.model, scoring.table
    names = model.names()
    texts = [""] * (max(names) + 1)
    numbers = list(texts)
    for number, name in names.items():
        texts[number], numbers[number] = name, str(number)
    added = {"Segment": (scored.segments, numbers), "Segment name": (scored.segments, texts),
             "Second closest segment": (scored.second, texts)}
    fit_codes, fit_texts = pd.factorize(pd.Series(scored.fit, dtype=object))
    added["Fit"] = (fit_codes, list(fit_texts))
    if scoring.migration is not None:
        codes, previous = pd.factorize(scoring.migration.previous)
        added["Previous segment"] = (codes, list(previous))
    reasons = np.zeros(len(scored.segments), dtype=np.int64)
    reason_texts = [""]
    if len(scored.left_out):
        codes, found = pd.factorize(scored.left_out)
        reasons[scored.left_out.index.to_numpy()] = codes + 1
        reason_texts += list(found)
    added["Left out because"] = (reasons, reason_texts)
    taken, columns = list(table.raw.columns), {}
    for name, column in added.items():
        free = free_column_name(name, taken)
        taken.append(free)
        columns[free] = column
    return ShownScoring(scoring=scoring, summary=scoring.summary(), columns=columns)


class ScoringController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.results = window.results
        self.dialog: ScoreDialog | None = None
        self._columns_of: str | None = None
        self._shown: ShownScoring | None = None  # the scoring's columns, made in the worker
        window.menus.score_action.triggered.connect(self.show_dialog)
        self.results.close_scoring_button.clicked.connect(lambda: document.set_scoring(None))
        self.results.data_table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.explain_row(current.row()))
        document.scoring_changed.connect(self._show_scoring)
        self.results.currentChanged.connect(self._tab_shown)

    # --- the dialog -----------------------------------------------------------------------------

    def show_dialog(self, segmentation: Path | None = None) -> ScoreDialog:
        """File > Assign segments to new customers: ask for the segmentation (`segmentation`
        filled in when given) and the files."""
        result = self.document.result
        current = None
        if result is not None:
            current = (f"The segments on screen ({result.k} segments of "
                       f"{result.table.report.file_name})")
        dialog = ScoreDialog(current, self.window)
        self._columns_of = None  # the previous file whose columns the ID choice lists
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        start = str(Path(self.window.recent_files()[0]).parent) \
            if self.window.recent_files() else ""
        dialog.segmentation_button.clicked.connect(lambda: self._browse(
            dialog.segmentation_edit, "Segmentation file", start,
            f"CustSeg segmentation (*{SUFFIX});;All files (*)", dialog.file_radio))
        dialog.new_file_button.clicked.connect(lambda: self._browse(
            dialog.new_file_edit, "New customer file", start, file_filter()))
        dialog.previous_button.clicked.connect(lambda: self._browse(
            dialog.previous_edit, "Previous segment file", start, file_filter()))
        dialog.segmentation_edit.textEdited.connect(lambda: dialog.file_radio.setChecked(True))
        dialog.previous_edit.textChanged.connect(lambda: self._read_id_columns(dialog))
        dialog.buttons.accepted.connect(lambda: self._accept(dialog))
        if segmentation is not None:
            dialog.segmentation_edit.setText(str(segmentation))
            dialog.file_radio.setChecked(True)
        dialog.open()
        self.dialog = dialog
        return dialog

    def _browse(self, edit, title: str, start: str, filters: str, radio=None) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, title, edit.text() or start, filters)
        if path:
            edit.setText(path)
            if radio is not None:
                radio.setChecked(True)

    def _read_id_columns(self, dialog: ScoreDialog) -> None:
        """Fill the ID choice with the previous file's columns (read from its first rows)."""
        text = dialog.previous_edit.text().strip()
        if self._columns_of == text:
            return
        self._columns_of = text
        if not text or not Path(text).is_file():
            dialog.set_id_columns([], None)
            return
        try:
            columns = [str(name) for name in preview_table(Path(text)).raw.columns]
        except UserError as error:
            dialog.set_id_columns([], None)
            dialog.show_problem(error.message)
            return
        dialog.show_problem("")
        # A column of both files whose name says it is an ID is the likely choice.
        new_columns: list[str] = []
        new_file = dialog.new_file_edit.text().strip()
        if new_file and Path(new_file).is_file():
            try:
                new_columns = [str(name) for name in preview_table(Path(new_file)).raw.columns]
            except UserError:
                new_columns = []
        shared = [name for name in columns if name in new_columns] or columns
        chosen = next((name for name in shared if _id_like(name)), shared[0] if shared else None)
        dialog.set_id_columns(columns, chosen)

    def _accept(self, dialog: ScoreDialog) -> None:
        use_file = dialog.file_radio.isChecked()
        segmentation = dialog.segmentation_edit.text().strip()
        new_file = dialog.new_file_edit.text().strip()
        previous = dialog.previous_edit.text().strip()
        if use_file and not segmentation:
            dialog.show_problem("Choose the segmentation file (.custseg) to use.")
        elif not new_file:
            dialog.show_problem("Choose the file of new customers.")
        elif previous and not dialog.id_combo.currentText():
            dialog.show_problem("Choose the column that names each customer in both files, or "
                                "clear the previous segment file.")
        else:
            dialog.accept()
            self.score(Path(new_file), Path(segmentation) if use_file else None,
                       Path(previous) if previous else None,
                       dialog.id_combo.currentText() if previous else None)

    # --- scoring --------------------------------------------------------------------------------

    def score(self, new_file: Path, segmentation: Path | None = None,
              previous: Path | None = None, id_column: str | None = None) -> None:
        """Give the customers of `new_file` the segments of `segmentation` (None: the analysis
        on screen), in the background; with `previous` and `id_column`, who moved."""
        document = self.document
        if segmentation is None:
            if document.result is None:
                self.window.show_message("Assign segments", "Find segments first, or choose a "
                                         "segmentation file (.custseg).", warning=True)
                return
            result, names = document.result, dict(document.renamed)

            def segments(progress):
                progress.report(0.0, "Taking the segments on screen...")
                return build(result, names)
        else:
            def segments(progress):
                progress.report(0.0, f"Reading {segmentation.name}...")
                return load(segmentation)

        def work(progress):
            model = segments(progress)
            table = load_table(new_file, LoadSettings(), progress.part(0.05, 0.6))
            earlier = load_table(previous, LoadSettings(), progress.part(0.6, 0.7)) \
                if previous is not None else None
            progress.report(0.7, "Placing the new customers in their segments...")
            scoring = score_table(model, table, earlier, id_column, progress.part(0.7, 0.97))
            progress.report(0.97, "Counting...")
            return shown_scoring(scoring)

        self.window.stack.setCurrentIndex(1)  # where the progress bar and Cancel are
        self.window.set_status(f"Assigning segments to {new_file.name}...")
        self.window.worker.run(Channel.SCORE, work, self._scored,
                               lambda error, details: self.window.task_failed(
                                   "Could not assign the segments", error, details))

    def _scored(self, shown: ShownScoring) -> None:
        self._shown = shown
        scoring, summary = shown.scoring, shown.summary
        self.document.set_scoring(scoring)
        self.window.set_status(f"Assigned segments to {summary['rows_scored']:,} of "
                               f"{summary['rows']:,} customers of "
                               f"{scoring.table.report.file_name}.")
        log.info("scored %s: %d of %d customers", scoring.table.report.path,
                 summary["rows_scored"], summary["rows"])

    # --- showing it -----------------------------------------------------------------------------

    def _movement_index(self) -> int:
        return self.results.indexOf(self.results.movement_splitter)

    def _show_scoring(self) -> None:
        scoring, results = self.document.scoring, self.results
        results.setTabVisible(self._movement_index(), scoring is not None)
        results.scoring_bar.setVisible(scoring is not None)
        results.explanation_label.setVisible(scoring is not None)
        results.explanation_label.setText("")
        results.export.scoring_box.setVisible(scoring is not None)
        panel = results.charts["movement"]
        if scoring is None:
            self._shown = None  # a million customers' columns are not kept for nothing
            panel.clear()
            results.drift_table.setRowCount(0)
            self.window.results_controller.show_customers()
            return
        has_analysis = self.document.table is not None
        results.close_scoring_button.setText("Back to the analysis" if has_analysis
                                             else "Close the new customers")
        results.close_scoring_button.setToolTip(
            "List the customers of the analysis again" if has_analysis
            else "Stop showing the new customers")
        self._show_customers(scoring)
        self._fill_drift(scoring)
        for entry in CHARTS:
            if entry.needs == "scoring":
                results.charts[entry.name].show_chart(entry.draw, ChartInputs(scoring=scoring))
        results.setCurrentIndex(0)
        self.window.stack.setCurrentIndex(1)

    def _tab_shown(self, index: int) -> None:
        # The splitter has its real height only once the tab is shown.
        if index == self._movement_index() and self.document.scoring is not None:
            self.results.fit_drift_rows(self.results.drift_table.rowCount())

    def _show_customers(self, scoring) -> None:
        """The new file's rows and columns as read, plus the segment columns of scored.csv."""
        results, model, table = self.results, scoring.model, scoring.table
        results.data_model.set_table(table.raw, table.frame)
        shown = self._shown if self._shown is not None and self._shown.scoring is scoring \
            else shown_scoring(scoring)
        summary = shown.summary
        results.data_model.set_extra_columns(shown.columns)
        results.fit_data_columns()
        results.filter_label.setText("")
        results.show_all_button.setVisible(False)
        unlike = summary["unlike_any_segment"]
        left = sum(summary["rows_left_out"].values())
        parts = [f"<b>New customers: {table.report.file_name}</b>, given the "
                 f"{len(model.segments)} segments of "
                 f"{model.source.get('file', 'the segmentation')}: "
                 f"{summary['rows_scored']:,} of {summary['rows']:,} placed"]
        if unlike:
            parts.append(f"{unlike:,} unlike any segment (Fit column)")
        if left:
            parts.append(f"{left:,} left out (see Left out because)")
        if scoring.migration is not None:
            flows = scoring.migration
            parts.append(f"{flows.moved:,} moved to another segment since last time (Movement "
                         "tab)")
        text = "; ".join(parts) + ". Click a customer to see why it has its segment."
        notes = " ".join(scoring.scored.notes)
        results.scoring_label.setText(text + (f"<br>{notes}" if notes else ""))

    def _fill_drift(self, scoring) -> None:
        table = self.results.drift_table
        drift = scoring.scored.drift
        table.clear()
        table.setColumnCount(len(DRIFT_COLUMNS))
        table.setHorizontalHeaderLabels(DRIFT_COLUMNS)
        table.setRowCount(len(drift))
        bold = QFont(table.font())
        bold.setBold(True)
        drifted = 0
        for row, (column, entry) in enumerate(drift.items()):
            marked = bool(entry.get("drifted"))
            drifted += marked
            words = ("Changed: " if marked else "") + drift_words(column, entry)
            shift = entry.get("shift_sd")
            cells = [words, format_number(entry.get("training_mean")),
                     format_number(entry.get("new_mean")) if entry.get("new_mean") is not None
                     else "–", f"{shift:+.2f}" if shift is not None else "–"]
            for position, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.UserRole, marked)
                if position:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if marked:
                    item.setBackground(QBrush(QColor(DRIFTED_BACKGROUND)))
                    item.setFont(bold)
                item.setToolTip(f"{column}: the new customers' mean against the mean of the "
                                "customers the segments were found in; the shift is in their "
                                "standard deviations (spreads). Past half a spread the column "
                                "has drifted: the segments may fit the new customers less well.")
                table.setItem(row, position, item)
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)  # the words take the room
        for position in range(1, len(DRIFT_COLUMNS)):
            header.setSectionResizeMode(position, QHeaderView.ResizeToContents)
        self.results.fit_drift_rows(len(drift))
        self.results.drift_label.setText(
            f"<b>What changed in the customers:</b> {drifted} of {len(drift)} columns moved by "
            "more than half a spread (marked); the segments may fit the new customers less "
            "well there." if drifted else
            "<b>What changed in the customers:</b> no column moved by more than half a spread; "
            "the new customers look like those the segments were found in.")

    # --- why this segment -----------------------------------------------------------------------

    def explain_row(self, shown_row: int) -> str:
        """Say, under the Data tab's table, why the customer on `shown_row` has its segment."""
        scoring = self.document.scoring
        label = self.results.explanation_label
        if scoring is None or shown_row < 0:
            return ""
        row = self.results.data_model.source_row(shown_row)
        scored, model = scoring.scored, scoring.model
        names = model.names()
        if scored.segments[row] == 0:
            reason = scored.left_out.get(row, "it could not be placed")
            text = f"Customer on row {row + 1} has no segment: {reason}."
        else:
            values = row_values(model, scoring.table, row)
            prepared = customer_values(model, values)
            if prepared is None:  # cannot happen for a placed customer; said plainly if it did
                text = (f"Customer on row {row + 1} is in "
                        f"{segment_label(int(scored.segments[row]), names[int(scored.segments[row])])}.")
            else:
                explained = explain(model, prepared, values)
                text = f"Customer on row {row + 1}: {explained.text}"
                if scored.fit[row] == UNLIKE and not explained.unlike_any:
                    text += " It is marked unlike any segment."
        # The segment names in bold: names such as "Young, low income" hold commas.
        shown = html.escape(text)
        ordered = sorted((html.escape(name) for name in names.values()), key=len, reverse=True)
        pattern = "|".join(re.escape(name) for name in ordered)
        label.setText(re.sub(pattern, lambda found: f"<b>{found[0]}</b>", shown))
        return text
