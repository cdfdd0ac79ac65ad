"""A matplotlib figure embedded in Qt, with its navigation toolbar and a "How to read" text."""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget


class ChartPanel(QWidget):
    """Canvas + toolbar (zoom, pan, save image) + optional help line below."""

    def __init__(self, object_name: str, help_text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.figure = Figure(figsize=(6, 4), dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName(object_name)
        self.canvas.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.canvas, 1)
        self.help = QLabel(help_text)
        self.help.setWordWrap(True)
        self.help.setObjectName(f"{object_name}Help")
        self.help.setStyleSheet("color: #505050; padding: 2px 6px;")
        self.help.setVisible(bool(help_text))
        layout.addWidget(self.help)

    def redraw(self) -> None:
        """Ask for a repaint when Qt is next idle (never blocks on a full draw now)."""
        self.canvas.draw_idle()
