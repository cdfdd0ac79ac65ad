"""Table models over pandas frames that stay fast at a million rows.

The view asks only for the cells it shows; filtering and sorting work on a NumPy array of row
positions, never row by row in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

# multiData gets roles as plain numbers (QModelRoleData.role() is an int).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)

# Sorting text columns costs about a second per million rows; beyond this it is not offered.
MAX_SORTABLE_ROWS = 300_000


class CustomerTableModel(QAbstractTableModel):
    """The customers as read (raw text), plus their segment once there is one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._raw = pd.DataFrame()
        self._typed = pd.DataFrame()
        self._columns: list[str] = []
        self._extra: dict = {}  # appended columns, e.g. "Segment" (see set_extra_columns)
        self._rows = np.arange(0)
        # What data() reads, per column, prepared once: Qt asks for thousands of cells.
        self._cells: list[np.ndarray | tuple[np.ndarray, list[str]]] = []
        self._alignments: list[int | None] = []

    # --- content ----------------------------------------------------------------------------

    def set_table(self, raw: pd.DataFrame, typed: pd.DataFrame) -> None:
        self.beginResetModel()
        self._raw, self._typed = raw, typed
        self._columns = list(raw.columns)
        self._extra = {}
        self._rows = np.arange(len(raw))
        right = int(Qt.AlignRight | Qt.AlignVCenter)
        self._alignments = [right if pd.api.types.is_numeric_dtype(dtype) else None
                            for dtype in typed.dtypes]
        self._cells = [raw.iloc[:, column].to_numpy() for column in range(raw.shape[1])]
        self.endResetModel()

    def set_extra_columns(self, columns: dict[str, np.ndarray | tuple[np.ndarray, list[str]]]
                          ) -> None:
        """Show extra per-row columns (such as the segment) after the file's own.

        A column is an array of per-row values, or (codes, texts): row i shows texts[codes[i]],
        which costs nothing per row to set up on a million customers.
        """
        # Columns are replaced, removed or added, never the whole model reset: a reset makes
        # the row header lay out all million rows again, a noticeable pause.
        first = len(self._columns)
        if list(columns) == list(self._extra):
            self._set_extra(columns)
            if columns and self._rows.size:
                self.dataChanged.emit(self.index(0, first),
                                      self.index(self._rows.size - 1, first + len(columns) - 1))
            return
        if self._extra:
            self.beginRemoveColumns(QModelIndex(), first, first + len(self._extra) - 1)
            self._set_extra({})
            self.endRemoveColumns()
        if columns:
            self.beginInsertColumns(QModelIndex(), first, first + len(columns) - 1)
            self._set_extra(columns)
            self.endInsertColumns()

    def _set_extra(self, columns: dict) -> None:
        self._extra = dict(columns)
        right = int(Qt.AlignRight | Qt.AlignVCenter)
        self._alignments = self._alignments[:len(self._columns)] + [
            right if isinstance(values, tuple) and _all_numbers(values[1]) else None
            for values in columns.values()]
        self._cells = self._cells[:len(self._columns)] + list(columns.values())

    def filter_rows(self, keep: np.ndarray | None) -> None:
        """Show only rows where `keep` is True (None shows all)."""
        if keep is None and np.array_equal(self._rows, np.arange(len(self._raw))):
            return  # all rows shown already, in file order
        self.beginResetModel()
        self._rows = np.arange(len(self._raw)) if keep is None else np.flatnonzero(keep)
        self.endResetModel()

    def source_row(self, shown_row: int) -> int:
        """The row of the table behind the row shown at `shown_row` (sorted or filtered)."""
        return int(self._rows[shown_row])

    def header_names(self) -> list[str]:
        return self._columns + list(self._extra)

    # --- Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns) + len(self._extra)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return self.cell_text(index.row(), index.column())
        if role == Qt.TextAlignmentRole:
            return self._alignments[index.column()]
        return None

    def multiData(self, index: QModelIndex, roles) -> None:
        """Every role Qt wants for one cell, in a single call.

        A table repaint asks each visible cell for seven roles; answered one data() call per
        role, that is thousands of calls from Qt into Python, and each must wait its turn for
        Python's interpreter lock while a chart is drawn in the background. One call per cell
        keeps the repaint quick.
        """
        row, column = index.row(), index.column()
        for position in range(len(roles)):
            item = roles[position]
            role = item.role()
            if role == _DISPLAY:
                item.setData(self.cell_text(row, column))
            elif role == _ALIGNMENT and self._alignments[column] is not None:
                item.setData(self._alignments[column])
            else:
                # Qt quirk: the delegate reuses one set of role slots for every cell, so a
                # role this cell has no value for must be emptied, or it keeps the last cell's.
                item.clearData()

    def sample_texts(self, column: int, rows: int = 100) -> set[str]:
        """Texts a column shows, to size it: all of a coded column's, else its first rows'."""
        cells = self._cells[column]
        if isinstance(cells, tuple):
            return set(cells[1])
        shown = min(rows, self._rows.size)
        return {str(self.cell_text(row, column) or "") for row in range(shown)}

    def cell_text(self, row: int, column: int) -> str:
        """What the cell at (shown row, column) says; straight from Python, no Qt round trip."""
        cells = self._cells[column]
        row = self._rows[row]
        if column < len(self._columns):
            return cells[row]  # the text as read from the file
        if isinstance(cells, tuple):  # (codes, texts)
            return cells[1][cells[0][row]]
        return str(cells[row])

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            names = self.header_names()
            return names[section] if section < len(names) else None
        return str(int(self._rows[section]) + 1) if section < len(self._rows) else None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if len(self._raw) > MAX_SORTABLE_ROWS or not 0 <= column < self.columnCount():
            return
        if column < len(self._columns):
            values = self._typed.iloc[:, column]
            keys = values.to_numpy() if pd.api.types.is_numeric_dtype(values) else \
                values.astype(str).str.lower().to_numpy()
        else:
            keys = self._cells[column]
            if isinstance(keys, tuple):  # (codes, texts): numbers sort as numbers
                codes, texts = keys
                keys = codes if _all_numbers(texts) else np.asarray(texts, dtype=object)[codes]
        subset = np.asarray(keys)[self._rows]
        order_index = np.argsort(subset, kind="stable")  # NaN sorts last
        if order == Qt.DescendingOrder:
            order_index = order_index[::-1]
        self.layoutAboutToBeChanged.emit()
        self._rows = self._rows[order_index]
        self.layoutChanged.emit()


def _all_numbers(texts: list[str]) -> bool:
    """Texts of a coded column that are all whole numbers (or empty), such as segment numbers."""
    return all(text == "" or text.isdigit() for text in texts)
