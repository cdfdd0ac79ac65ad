"""The segments as the user handles them: selecting one (profile table, legend), renaming it
(the table, a legend double-click), the scatter's axes, and the customer under the mouse."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog, QTableWidgetItem, QToolTip

from custseg_gui.core.charts import PCA_VIEW, scatter_data
from custseg_gui.core.columns import Role
from custseg_gui.core.formatting import segment_label
from custseg_gui.gui.document import Document
from custseg_gui.gui.tasks import Channel

# How close (in pixels) the mouse must be to a customer's dot to show it.
HOVER_PIXELS = 6


class SegmentsController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.results = window.results
        self.rename_dialog: QInputDialog | None = None
        self.hovered_customer: int | None = None  # table row under the mouse in the scatter
        results = self.results
        results.x_combo.currentIndexChanged.connect(self._axes_changed)
        results.y_combo.currentIndexChanged.connect(self._axes_changed)
        results.profile_table.itemSelectionChanged.connect(self._profile_row_selected)
        results.profile_table.itemChanged.connect(self._profile_item_changed)
        results.show_all_button.clicked.connect(lambda: self.select(None))
        canvas = results.charts["segments"].canvas
        canvas.mpl_connect("motion_notify_event", self._hover)
        canvas.mpl_connect("pick_event", self._legend_picked)
        window.results_controller.decorations["segments"] = pickable_legend

    # --- selecting ------------------------------------------------------------------------------

    def select(self, number: int | None) -> None:
        """Highlight one segment in the charts and list only its customers (None: all)."""
        self.document.select(number if self.document.result is not None else None)

    def _profile_row_selected(self) -> None:
        rows = self.results.profile_table.selectionModel().selectedRows()
        if rows:
            item = self.results.profile_table.item(rows[0].row(), 0)
            self.select(int(item.data(Qt.UserRole)))

    def _legend_picked(self, event) -> None:
        canvas = self.results.charts["segments"].canvas
        if self.window.chart_renderer.is_busy(canvas):
            return  # a click on the chart of earlier results, about to be replaced
        gid = event.artist.get_gid() or ""
        if not gid.startswith("legend-"):
            return
        number = int(gid.split("-")[1])
        if getattr(event.mouseevent, "dblclick", False):
            self.ask_rename(number)
        else:
            self.select(None if self.document.selected == number else number)

    # --- renaming -------------------------------------------------------------------------------

    def rename(self, number: int, name: str) -> bool:
        """Give a segment the user's name; it shows at once in every chart, table and export."""
        name = " ".join(name.split())
        names = self.document.names
        if self.document.result is None or number not in names or name == names[number]:
            return False
        if not name:
            self.window.show_message("Rename segment", "A segment needs a name. Type at least "
                                     "one letter, or press Escape to keep the current name.",
                                     warning=True)
        elif name in [other for key, other in names.items() if key != number]:
            self.window.show_message("Rename segment", f"Another segment is already called "
                                     f"'{name}'. Choose a different name so the two can be told "
                                     "apart.", warning=True)
        else:
            self.document.rename(number, name)
            return True
        self.window.results_controller.fill_profile_table()  # put the current name back
        return False

    def _profile_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.rename(int(item.data(Qt.UserRole)), item.text())

    def ask_rename(self, number: int) -> QInputDialog:
        dialog = QInputDialog(self.window)
        dialog.setObjectName("renameDialog")
        dialog.setWindowTitle("Rename segment")
        dialog.setLabelText(f"New name for segment {number}:")
        dialog.setTextValue(self.document.names[number])
        dialog.textValueSelected.connect(lambda text: self.rename(number, text))
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        self.rename_dialog = dialog
        return dialog

    # --- the scatter's axes ---------------------------------------------------------------------

    def current_axes(self) -> tuple[str, str] | None:
        x, y = self.results.x_combo.currentText(), self.results.y_combo.currentText()
        return (x, y) if x else None

    def fill_axes(self) -> None:
        """Offer the chosen number columns (and the map) as axes; show the scatter's own."""
        result, scatter = self.document.result, self.document.scatter
        prepared = result.prepared
        numeric = [name for name in prepared.matrix_columns if name in prepared.settings.features]
        x_combo, y_combo = self.results.x_combo, self.results.y_combo
        for combo in (x_combo, y_combo):
            combo.blockSignals(True)
        for combo, options in ((x_combo, [PCA_VIEW] + numeric), (y_combo, numeric)):
            combo.clear()
            combo.addItems(options)
        x_combo.setCurrentText(scatter.x_label if scatter.x_label in numeric else PCA_VIEW)
        if scatter.y_label in numeric:
            y_combo.setCurrentText(scatter.y_label)
        y_combo.setEnabled(x_combo.currentText() != PCA_VIEW)
        for combo in (x_combo, y_combo):
            combo.blockSignals(False)

    def _axes_changed(self) -> None:
        self.results.y_combo.setEnabled(self.results.x_combo.currentText() != PCA_VIEW)
        result = self.document.result
        if result is None:
            return
        x, y = self.current_axes()

        def shown(scatter):
            if self.document.result is result:  # still the results it was made for
                self.document.set_scatter(scatter)

        self.window.worker.run(Channel.SCATTER, lambda progress: scatter_data(
            result.prepared, result.segmentation, x, y, result.settings.seed), shown)

    # --- the customer under the mouse -----------------------------------------------------------

    def _hover(self, event) -> None:
        document = self.document
        canvas = self.results.charts["segments"].canvas
        if document.result is None or event.inaxes is None or document.scatter is None:
            return
        if self.window.chart_renderer.is_busy(canvas):
            QToolTip.hideText()  # the chart on screen is not yet the one of these results
            return
        scatter = document.scatter
        points = event.inaxes.transData.transform(np.column_stack([scatter.x, scatter.y]))
        distance = np.hypot(points[:, 0] - event.x, points[:, 1] - event.y)
        nearest = int(np.argmin(distance)) if len(distance) else -1
        if nearest < 0 or distance[nearest] > HOVER_PIXELS:
            self.hovered_customer = None
            QToolTip.hideText()
            return
        self.hovered_customer = int(document.result.prepared.rows_used[scatter.rows[nearest]])
        QToolTip.showText(self.window.cursor().pos(), self.customer_text(self.hovered_customer),
                          canvas)

    def customer_text(self, row: int) -> str:
        """What the tooltip says of the customer in table row `row`: ID, segment, values."""
        result, names = self.document.result, self.document.names
        raw = result.table.raw
        identifier = next((info.name for info in self.document.detected
                           if info.role is Role.IDENTIFIER), None)
        title = f"{identifier} {raw.at[row, identifier]}" if identifier else f"Row {row + 1}"
        number = int(result.segmentation.row_segments[row])
        lines = [f"<b>{title}</b>", segment_label(number, names[number])]
        for name in result.prepared.settings.features:
            lines.append(f"{name}: {raw.at[row, name]}")
        return "<br>".join(lines)


def pickable_legend(figure, inputs) -> None:
    """Legend entries of the scatter that answer clicks (select) and double-clicks (rename)."""
    if not figure.legends:
        return
    names = sorted(inputs.segment_names())
    legend = figure.legends[0]
    for number, handle in zip(names, legend.legend_handles):
        handle.set_picker(8)
        handle.set_gid(f"legend-{number}")
    for number, text in zip(names, legend.get_texts()):
        text.set_picker(True)
        text.set_gid(f"legend-{number}")
