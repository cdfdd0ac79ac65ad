"""Table models over pandas frames that stay fast at a million rows.

The view asks only for the cells it shows; filtering and sorting work on a NumPy array of row
positions, never row by row in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

# Sorting text columns costs about a second per million rows; beyond this it is not offered.
MAX_SORTABLE_ROWS = 300_000


class CustomerTableModel(QAbstractTableModel):
    """The customers as read (raw text), plus their segment once there is one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._raw = pd.DataFrame()
        self._typed = pd.DataFrame()
        self._columns: list[str] = []
        self._extra: dict[str, np.ndarray] = {}  # appended columns, e.g. "Segment"
        self._rows = np.arange(0)

    # --- content ----------------------------------------------------------------------------

    def set_table(self, raw: pd.DataFrame, typed: pd.DataFrame) -> None:
        self.beginResetModel()
        self._raw, self._typed = raw, typed
        self._columns = list(raw.columns)
        self._extra = {}
        self._rows = np.arange(len(raw))
        self.endResetModel()

    def set_extra_columns(self, columns: dict[str, np.ndarray]) -> None:
        """Show extra per-row columns (such as the segment) after the file's own."""
        self.beginResetModel()
        self._extra = dict(columns)
        self.endResetModel()

    def filter_rows(self, keep: np.ndarray | None) -> None:
        """Show only rows where `keep` is True (None shows all)."""
        self.beginResetModel()
        self._rows = np.arange(len(self._raw)) if keep is None else np.flatnonzero(keep)
        self.endResetModel()

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
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            if column < len(self._columns):
                return self._raw.iat[row, column]
            return str(list(self._extra.values())[column - len(self._columns)][row])
        if role == Qt.TextAlignmentRole and column < len(self._columns):
            if pd.api.types.is_numeric_dtype(self._typed.dtypes.iloc[column]):
                return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

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
            keys = list(self._extra.values())[column - len(self._columns)]
        subset = np.asarray(keys)[self._rows]
        order_index = np.argsort(subset, kind="stable")  # NaN sorts last
        if order == Qt.DescendingOrder:
            order_index = order_index[::-1]
        self.layoutAboutToBeChanged.emit()
        self._rows = self._rows[order_index]
        self.layoutChanged.emit()
