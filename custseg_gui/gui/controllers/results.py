"""Showing the results: the summary bar, the data table's segment columns, the profile table,
the descriptions and every chart of the catalogue, redrawn from the document when it changes."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QTableWidgetItem

from custseg_gui.core.charts import CHARTS, ChartInputs, segment_color
from custseg_gui.core.columns import Role
from custseg_gui.core.formatting import format_share, rfm_mix_words, segment_label
from custseg_gui.core.prep import left_out_summary
from custseg_gui.gui.document import Document


class ResultsController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.results, self.panel = window.results, window.panel
        # Window-only additions to a chart (the scatter's clickable legend), by chart name.
        self.decorations: dict[str, object] = {}
        self._shown_search = None  # the k search of the results on screen
        self._explore_timer = QTimer(self, singleShot=True, interval=300)
        self._explore_timer.timeout.connect(self.draw_explore)
        document.table_changed.connect(self._show_table)
        document.settings_changed.connect(self._explore_timer.start)
        document.result_changed.connect(self._show_result)
        document.names_changed.connect(self._show_names)
        document.selection_changed.connect(self._show_selection)
        document.scatter_changed.connect(lambda: self.draw_charts(("segments",)))

    # --- the file ------------------------------------------------------------------------------

    def _show_table(self) -> None:
        self.show_customers(names=False)
        # The page is turned on the next pass of the event loop: laying out and painting it is
        # then a step of its own, and the window answers in between.
        QTimer.singleShot(0, self.window, self.window.show_data_page)

    def show_customers(self, names: bool = True) -> None:
        """List the analysis's customers on the Data tab (again, after new customers were
        shown there), with their segments when there are results."""
        table = self.document.table
        if table is None:
            self.results.data_model.set_table(pd.DataFrame(), pd.DataFrame())
            return
        self.results.data_model.set_table(table.raw, table.frame)
        self.results.fit_data_columns()
        if names and self.document.result is not None:
            self._show_names(draw=False)
            self._show_selection(draw=False)

    def draw_explore(self) -> None:
        document = self.document
        if document.table is None:
            return
        roles = {info.name: info.role for info in document.columns}
        features = tuple(name for name in document.settings.features or ()
                         if roles.get(name) is Role.NUMERIC)
        inputs = ChartInputs(frame=document.table.frame, features=features)
        for entry in CHARTS:
            if entry.needs == "data":
                self.results.charts[entry.name].show_chart(entry.draw, inputs)

    # --- the results ---------------------------------------------------------------------------

    def _show_result(self) -> None:
        result = self.document.result
        if result is None:
            self._clear()
            return
        panel = self.panel
        self._show_rfm_tab(result.orders is not None)
        panel.recommendation_label.setText(result.search.recommendation)
        notes = list(result.search.notes)
        left_out = left_out_summary(result.prepared.left_out)
        if left_out:
            notes.append(left_out[:-1] + " (see the Data tab once segments are shown).")
        for name, count in result.prepared.filled.items():
            notes.append(f"{count:,} missing values of {name} were filled in.")
        panel.notes_label.setText(" ".join(notes))
        panel.notes_label.setVisible(bool(notes))
        panel.k_spin.blockSignals(True)
        panel.k_spin.setRange(result.search.scores[0].k, 30)
        panel.k_spin.setValue(result.k)
        panel.k_spin.blockSignals(False)
        panel.k_spin.setEnabled(True)
        self.window.segments.fill_axes()
        self._show_names(draw=False)
        self._show_selection(draw=False)
        self.results.fit_profile_rows(min(result.k, 8))
        self.draw_charts()
        if self.document.lost_names:
            lost = ", ".join(f"'{name}'" for name in self.document.lost_names)
            self.window.show_message(
                "Some segment names could not be kept",
                f"The new segments do not match the earlier ones closely enough to keep your "
                f"name{'s' if len(self.document.lost_names) > 1 else ''} {lost}: the customers "
                "of those segments are now spread over other segments. The names that still "
                "fit their customers were kept; rename the others on the Profiles tab.")
        if result.search is not self._shown_search:
            # A new search: its tab is turned to on the next pass, as the data page is.
            self._shown_search = result.search
            QTimer.singleShot(0, self.window, lambda: self.results.setCurrentIndex(
                self.results.indexOf(self.results.k_splitter)))

    def _show_rfm_tab(self, shown: bool) -> None:
        self.results.show_rfm_tab(shown)
        index = self.results.indexOf(self.results.rfm_page)
        self.window.menus.tab_actions[index].setEnabled(shown)

    def _clear(self) -> None:
        self._shown_search = None
        results = self.results
        results.descriptions.clear()
        self._show_rfm_tab(False)
        for entry in CHARTS:
            if entry.needs in ("segments", "orders"):
                results.charts[entry.name].clear()
        results.profile_table.clear()
        results.profile_table.setRowCount(0)
        results.profile_table.setColumnCount(0)
        results.data_model.set_extra_columns({})
        results.data_model.filter_rows(None)
        results.filter_label.setText("")
        results.show_all_button.setVisible(False)
        self.panel.recommendation_label.setText("Press Find segments to get a recommendation.")
        self.panel.notes_label.setVisible(False)
        self.panel.k_spin.setEnabled(False)

    def _show_names(self, draw: bool = True) -> None:
        """Everything that shows segment names: tables, descriptions and charts."""
        result, names = self.document.result, self.document.names
        # Coded columns (segment number per row, and the texts to show): nothing is built per
        # row here, which would take a noticeable moment on a million customers.
        segments = result.segmentation.row_segments
        numbers = sorted(names)
        extra = {"Segment": (segments, [""] + [str(number) for number in numbers]),
                 "Segment name": (segments, [""] + [names[number] for number in numbers])}
        left_out = result.prepared.left_out
        if left_out.size:
            reason_codes, reasons = pd.factorize(left_out)
            codes = np.zeros(len(segments), dtype=np.int64)
            codes[left_out.index.to_numpy()] = reason_codes + 1
            extra["Left out because"] = (codes, [""] + list(reasons))
        if self.document.scoring is None:  # else the Data tab lists the new customers
            self.results.data_model.set_extra_columns(extra)
            self.results.fit_data_columns(first=len(result.table.raw.columns))
        self.fill_profile_table()
        self._fill_descriptions()
        if draw:
            self.draw_charts()

    def _show_selection(self, draw: bool = True) -> None:
        """Highlight the selected segment and list only its customers (all when none)."""
        document, results = self.document, self.results
        number, model = document.selected, results.data_model
        table = results.profile_table
        table.blockSignals(True)
        if document.scoring is not None:  # the Data tab lists new customers: not filtered
            if number is None:
                table.clearSelection()
            else:
                table.selectRow(number - 1)
        elif number is None or document.result is None:
            model.filter_rows(None)
            results.filter_label.setText("")
            results.show_all_button.setVisible(False)
            table.clearSelection()
        else:
            segmentation = document.result.segmentation
            model.filter_rows(segmentation.row_segments == number)
            results.filter_label.setText(
                f"Showing the {segmentation.sizes[number - 1]:,} customers of "
                f"{segment_label(number, document.names[number])}.")
            results.show_all_button.setVisible(True)
            table.selectRow(number - 1)
        table.blockSignals(False)
        if draw and document.result is not None:
            self.draw_charts()

    def draw_charts(self, names: tuple[str, ...] | None = None) -> None:
        """Draw the segment charts (or those named) on the chart thread, from this moment's
        results, names and selection."""
        if self.document.result is None:
            return
        inputs = self.document.chart_inputs()
        for entry in CHARTS:
            if entry.needs in ("segments", "orders") and entry.available(inputs) and (
                    names is None or entry.name in names):
                decorate = self.decorations.get(entry.name)
                draw = entry.draw if decorate is None else _decorated(entry.draw, decorate)
                self.results.charts[entry.name].show_chart(draw, inputs)

    # --- tables and words -------------------------------------------------------------------------

    def fill_profile_table(self) -> None:
        insights, names = self.document.result.insights, self.document.names
        table = self.results.profile_table
        # A yes/no column's average is the share of yes: it is headed and written as a share.
        # An order log's segments also say which RFM segment most of their customers are in.
        rfm = self.document.result.orders is not None
        columns = ["Segment", "Size", "Share", "Stability"] + (
            ["Most in RFM segment"] if rfm else []) + [
            f"{'Share' if insights.measures.get(name) == 'flag' else 'Mean'} {name}"
            for name in insights.numeric_columns]
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(len(columns))
        table.setRowCount(len(insights.profiles))
        table.setHorizontalHeaderLabels(columns)
        table.setVerticalHeaderLabels([str(profile.number) for profile in insights.profiles])
        for row, profile in enumerate(insights.profiles):
            name_item = QTableWidgetItem(names[profile.number])
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(segment_color(profile.number)))
            name_item.setIcon(QIcon(swatch))
            name_item.setData(Qt.UserRole, profile.number)
            name_item.setToolTip(f"{profile.description}\nDouble-click to rename.")
            name_item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable)
            table.setItem(row, 0, name_item)
            stability = (f"{profile.stability_reading} ({profile.stability:.2f})"
                         if np.isfinite(profile.stability) else profile.stability_reading)
            cells = [f"{profile.size:,}", format_share(profile.share), stability] + (
                [_main_rfm_segment(profile.rfm_segments)] if rfm else []) + [
                insights.value_text(name, profile.means[name])
                for name in insights.numeric_columns]
            for column, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                if rfm and column == 4:
                    item.setToolTip(f"RFM segments of its customers: "
                                    f"{rfm_mix_words(profile.rfm_segments, most=10)}")
                elif column != 3:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, min(table.columnWidth(0), 320))
        if self.document.selected is not None:
            table.selectRow(self.document.selected - 1)
        table.blockSignals(False)

    def _fill_descriptions(self) -> None:
        insights, names = self.document.result.insights, self.document.names
        blocks = []
        if insights.stability is not None and np.isfinite(insights.stability.ari):
            stability = insights.stability
            blocks.append(
                f"<p style='color:#444'>How far to trust the segments: CustSeg looked for them "
                f"again in {stability.resamples} random resamples of {stability.rows:,} "
                f"customers, and found the same segments {stability.ari:.2f} of the way (1 = "
                f"always the same; the adjusted Rand index).</p>")
        for profile in insights.profiles:
            colour = segment_color(profile.number)
            name = html.escape(segment_label(profile.number, names[profile.number]))
            block = (f"<h3 style='margin-bottom:2px'><span style='color:{colour}'>&#9632;</span>"
                     f" {name}</h3><p style='margin-top:0'>{html.escape(profile.description)}")
            if profile.action:
                block += f"<br><b>Suggested action:</b> {html.escape(profile.action)}"
            if profile.rfm_segments:
                block += (f"<br><b>RFM segments:</b> "
                          f"{html.escape(rfm_mix_words(profile.rfm_segments))}")
            if np.isfinite(profile.stability):
                block += (f"<br><b>Stability:</b> {profile.stability_reading} "
                          f"({profile.stability:.2f}): "
                          f"{insights.stability.explanation(profile.number)}.")
            blocks.append(block + "</p>")
        self.results.descriptions.setHtml("".join(blocks))


def _main_rfm_segment(shares: dict[str, float]) -> str:
    """`Champions (52.0%)`: the RFM segment most of a segment's customers are in."""
    if not shares:
        return ""
    name, share = max(shares.items(), key=lambda item: item[1])
    return f"{name} ({format_share(share)})"


def _decorated(draw, decorate):
    """A catalogue chart with the window's own additions drawn after it."""
    def both(figure, inputs):
        draw(figure, inputs)
        decorate(figure, inputs)
    return both
