"""The Data health tab (view only): one row per column, warnings, and one-click fixes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from custseg_gui.core.formatting import format_value
from custseg_gui.core.health import ColumnHealth, Fix

FIX_KEY = Qt.UserRole + 2
# The advice comes right after the column's name: it is what the tab is for, and it must be
# read without scrolling sideways. The figures behind it follow, each named plainly first.
HEADERS = ["Column", "Advice", "Role", "Type", "Unit", "Missing", "Different values", "Lowest",
           "Middle", "Highest", "Lopsided (skewness)", "Far-out values"]
ADVICE = HEADERS.index("Advice")
FIGURES = range(HEADERS.index("Missing"), len(HEADERS))  # right-aligned


def _number(value, measure: str) -> str:
    """A value of a column (its lowest, middle, highest) as written in the data: a year as a
    year, other values with at most two decimals, none for whole numbers (766.5, 2,000)."""
    if value is None or value != value:  # None or NaN: nothing to show
        return ""
    if measure == "year":
        return format_value(value, measure)
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class _HealthTable(QTableWidget):
    """The health table, whose advice column keeps about half its width as the window changes
    size (its rows grow to show the advice whole)."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.columnCount() > ADVICE:
            self.setColumnWidth(ADVICE, max(260, int(self.viewport().width() * 0.5)))
            self.resizeRowsToContents()


class HealthView(QSplitter):
    """Columns and their health above, the fixes a user can tick below."""

    fixes_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Vertical, parent)
        self.setObjectName("healthSplitter")
        self.table = _HealthTable()
        self.table.setObjectName("healthTable")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setToolTip("What each column holds, and what could mislead the segments")
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.addWidget(self.table)
        lower = QWidget()
        layout = QVBoxLayout(lower)
        layout.setContentsMargins(0, 4, 0, 0)
        title = QLabel("<b>Fixes</b>: tick one to apply it to the analysis (your file is never "
                       "changed); press Find segments to use it.")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.fix_list = QListWidget()
        self.fix_list.setObjectName("fixList")
        self.fix_list.setToolTip("Fixes for the warnings above; each applies only to this "
                                 "analysis")
        self.fix_list.itemChanged.connect(lambda _item: self.fixes_changed.emit())
        layout.addWidget(self.fix_list)
        self.notes = QLabel("")
        self.notes.setObjectName("loadNotesLabel")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.notes)
        self.addWidget(lower)
        self.setSizes([480, 260])

    def show_health(self, records: tuple[ColumnHealth, ...], notes: tuple[str, ...]) -> None:
        table = self.table
        table.clear()
        table.setColumnCount(len(HEADERS))
        table.setRowCount(len(records))
        table.setHorizontalHeaderLabels(HEADERS)
        for row, record in enumerate(records):
            skew = record.skewness
            cells = [record.name, " ".join(record.warnings), record.role, record.kind,
                     record.unit, f"{record.missing:,}", f"{record.distinct:,}",
                     _number(record.minimum, record.measure),
                     _number(record.median, record.measure),
                     _number(record.maximum, record.measure),
                     f"{skew:.1f}" if skew is not None and skew == skew else "",
                     f"{record.extremes:,}" if record.kind == "number" else ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in FIGURES:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if column == ADVICE and text:
                    item.setToolTip(text)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.setColumnWidth(0, min(table.columnWidth(0), 200))
        # The advice takes about half the table's width, whatever the window's size.
        table.setColumnWidth(ADVICE, max(260, int(table.viewport().width() * 0.5)))
        table.resizeRowsToContents()
        self.notes.setText("<b>While reading the file:</b> " + " ".join(notes) if notes else "")

    def show_fixes(self, offered: list[Fix], chosen: list[Fix]) -> None:
        """The fixes offered for the warnings, ticked where chosen, and any chosen fix that is
        not offered (from a saved analysis or a settings file); caps with their percentiles."""
        chosen_by_key = {fix.key: fix for fix in chosen}
        offered_keys = {fix.key for fix in offered}
        shown = [chosen_by_key.get(fix.key, fix) for fix in offered]
        shown += [fix for fix in chosen if fix.key not in offered_keys]
        self.fix_list.blockSignals(True)
        if [self.fix_list.item(row).data(FIX_KEY) for row in range(self.fix_list.count())] \
                == shown:  # the same fixes: only the ticks change, the list stays put
            for row in range(self.fix_list.count()):
                item = self.fix_list.item(row)
                item.setCheckState(Qt.Checked if item.data(FIX_KEY).key in chosen_by_key
                                   else Qt.Unchecked)
            self.fix_list.blockSignals(False)
            return
        self.fix_list.clear()
        for fix in shown:
            item = QListWidgetItem(fix.label)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if fix.key in chosen_by_key else Qt.Unchecked)
            item.setData(FIX_KEY, fix)
            self.fix_list.addItem(item)
        if not self.fix_list.count():
            item = QListWidgetItem("No fixes needed: nothing in these columns is likely to "
                                   "mislead the segments.")
            item.setFlags(Qt.ItemIsEnabled)
            self.fix_list.addItem(item)
        self.fix_list.blockSignals(False)

    def chosen_fixes(self) -> list[Fix]:
        fixes = []
        for row in range(self.fix_list.count()):
            item = self.fix_list.item(row)
            fix = item.data(FIX_KEY)
            if fix is not None and item.checkState() == Qt.Checked:
                fixes.append(fix)
        return fixes

    def set_fix(self, kind: str, column: str, on: bool = True) -> bool:
        """Tick or untick a fix, as a click would; False when there is no such fix."""
        for row in range(self.fix_list.count()):
            item = self.fix_list.item(row)
            fix = item.data(FIX_KEY)
            if fix is not None and fix.key == (kind, column):
                item.setCheckState(Qt.Checked if on else Qt.Unchecked)
                return True
        return False
