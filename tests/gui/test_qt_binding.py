"""The Qt binding itself: defects in it that once crashed the app.

PySide6-Essentials 6.12.0 dropped one reference to None every time Qt called a Python
override (a table model's data() or headerData()) that returned None. A table repaint makes
thousands of such calls; on Python 3.11, where None is an ordinary counted object, the app then
died with "Fatal Python error: deallocating None". pyproject.toml keeps that release out; this
test fails if a binding with the defect is installed.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from PySide6.QtCore import QSortFilterProxyModel, Qt

from custseg_gui.gui.views.data_model import CustomerTableModel


def test_qt_calling_the_table_model_keeps_none_alive():
    # Given the customer table model behind a proxy, so that C++ calls its Python overrides
    frame = pd.DataFrame({"Income": np.arange(10).astype(str)})
    model = CustomerTableModel()
    model.set_table(frame, frame)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, 0)
    before = sys.getrefcount(None)

    # When Qt asks 2,000 times for roles the model has no value for (it answers None)
    for _ in range(1000):
        assert proxy.data(index, Qt.DecorationRole) is None
        assert proxy.headerData(0, Qt.Horizontal, Qt.ToolTipRole) is None

    # Then None has not lost references (a lost reference per call ends in a crash)
    assert sys.getrefcount(None) >= before - 10
