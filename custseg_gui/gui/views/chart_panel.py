"""A matplotlib figure embedded in Qt, with its navigation toolbar and a "How to read" text.

Charts are built and drawn on the chart thread (`worker.ChartRenderer`): the canvas here shows
finished images, so a chart with many axes never stalls the window.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget


class BackgroundCanvas(FigureCanvasQTAgg):
    """A Qt canvas whose charts are built and drawn on the chart thread.

    Each chart is a new figure that only the chart thread touches until it is finished; it then
    replaces the canvas's figure, and from there on only the GUI thread touches it (no figure
    is ever used by two threads). Redraws the user asks for (zoom, pan) are matplotlib's usual
    draws on the GUI thread. A new size (a resize, the first show of a tab, a screen with
    another pixel ratio) makes the chart again on the chart thread, while the previous image
    stays on screen, stretched.
    """

    def __init__(self, figure: Figure, renderer):
        super().__init__(figure)
        self.chart_renderer = renderer
        self.shown_renderer: RendererAgg | None = None  # the image on screen
        self._shown_key: tuple | None = None  # its (width, height, dpi)
        self.build: Callable[[Figure], None] | None = None  # makes the current chart
        self._resizing = False
        # matplotlib keeps a canvas's event connections in its figure; they are kept here too,
        # so they move to each new figure (with the same connection ids).
        self._connections: dict[int, tuple[str, Callable, int]] = {}
        self._connection_count = 0

    # --- event connections that survive a new figure --------------------------------------------

    def mpl_connect(self, s: str, func: Callable) -> int:
        self._connection_count += 1
        self._connections[self._connection_count] = (s, func, super().mpl_connect(s, func))
        return self._connection_count

    def mpl_disconnect(self, cid: int) -> None:
        connection = self._connections.pop(cid, None)
        if connection is not None:
            super().mpl_disconnect(connection[2])

    # --- asking for images --------------------------------------------------------------------

    def show_figure(self, build: Callable[[Figure], None]) -> None:
        """Replace the chart by a new figure that `build(figure)` fills (on the chart thread)."""
        self.build = build
        self.chart_renderer.request(self, build)

    def clear(self) -> None:
        """Empty the chart now; an image still being drawn for it is dropped."""
        self.chart_renderer.forget(self)
        self.build = None
        # A new empty figure rather than figure.clear(): clearing a chart of a dozen axes makes
        # and drops every axis's ticks on the GUI thread (over a second for the segment charts
        # of a big file, measured going back from an order log's customers to its lines).
        self._take(Figure(figsize=self.figure.get_size_inches(), dpi=self.figure.dpi))
        self.shown_renderer = self._shown_key = None
        self.update()

    def _take(self, figure: Figure) -> None:
        """Show `figure` in place of the current one."""
        # The canvas keeps its Qt side and toolbar; the figure behind them changes, and the
        # event connections (which matplotlib stores in the figure) move along.
        figure._original_dpi = self.figure._original_dpi  # for moves between screens
        figure.set_canvas(self)
        self.figure = figure
        for cid, (signal, func, _) in list(self._connections.items()):
            self._connections[cid] = (signal, func, super().mpl_connect(signal, func))
        if self.toolbar is not None:
            self.toolbar.update()  # forget the zoom history of the old axes

    def resizeEvent(self, event) -> None:
        self._resizing = True
        try:
            super().resizeEvent(event)  # sizes the figure and asks for a redraw (draw_idle)
        finally:
            self._resizing = False

    def draw_idle(self) -> None:
        if self._resizing and self.build is not None:
            # Made again at the new size on the chart thread, not redrawn here: that would
            # hold the window up for as long as the chart takes to draw.
            self.chart_renderer.request(self, self.build)
        else:
            super().draw_idle()

    def draw(self) -> None:
        """Draw now, on this (the GUI) thread: zoom, pan and other matplotlib redraws."""
        renderer = self.get_renderer()
        renderer.clear()
        self.figure.draw(renderer)
        self.renderer, self.shown_renderer = renderer, renderer
        self._shown_key = (renderer.width, renderer.height, self.figure.dpi)
        self.update()

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        if self.shown_renderer is not None and self._shown_key == (width, height,
                                                                   self.figure.dpi):
            return self.shown_renderer
        # A fresh one; the image on screen stays until a draw replaces it.
        return RendererAgg(width, height, self.figure.dpi)

    def target(self) -> tuple[int, int, float]:
        """Width and height in physical pixels and dpi that an image needs to fit exactly."""
        ratio = self.device_pixel_ratio
        return (int(self.width() * ratio), int(self.height() * ratio),
                ratio * self.figure._original_dpi)

    # --- on the chart thread ------------------------------------------------------------------

    @staticmethod
    def render(job) -> tuple[Figure, RendererAgg]:
        """Build the job's new figure and draw it into an image. Chart thread only."""
        width, height = job.size
        figure = Figure(figsize=(width / job.dpi, height / job.dpi), dpi=job.dpi)
        job.build(figure)
        agg = FigureCanvasAgg(figure)
        agg.draw()
        return figure, agg.renderer

    # --- on the GUI thread, when an image is ready ----------------------------------------------

    def show_rendered(self, job, figure: Figure, renderer: RendererAgg) -> bool:
        """Put a finished chart on screen; False when the canvas has since changed size."""
        self._take(figure)
        self.renderer, self.shown_renderer = renderer, renderer
        self._shown_key = (*job.size, job.dpi)
        self.update()
        width, height, dpi = self.target()
        return (width, height) == job.size and dpi == job.dpi

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.white)
            if self.shown_renderer is not None:
                image = QImage(memoryview(self.shown_renderer.buffer_rgba()),
                               int(self.shown_renderer.width), int(self.shown_renderer.height),
                               QImage.Format.Format_RGBA8888)
                # Stretched while a redraw at a new size is on its way.
                painter.drawImage(QRectF(self.rect()), image)
            self._draw_rect_callback(painter)  # the toolbar's zoom rectangle
        finally:
            painter.end()


# Toolbar icons as pixmaps, made once per icon and shared by every chart's toolbar.
_icon_cache: dict[str, QIcon] = {}


def _use_fixed_icons(toolbar: NavigationToolbar2QT) -> None:
    """Give the toolbar's buttons ready-made pixmaps.

    matplotlib 3.10+ draws each toolbar icon through an icon engine that reads and renders its
    SVG file again on every repaint of every button: with nine charts, enabling or showing
    toolbars cost tens of milliseconds on the GUI thread each time. (The pixmaps follow the
    palette at start, not a later switch to dark mode.)
    """
    size = toolbar.iconSize()
    for action in toolbar.actions():
        icon = action.icon()
        if icon.isNull() or not action.text():
            continue
        if action.text() not in _icon_cache:
            fixed = QIcon()
            for scale in (1, 2):  # and sharp on high-resolution screens
                fixed.addPixmap(icon.pixmap(size * scale))
            _icon_cache[action.text()] = fixed
        action.setIcon(_icon_cache[action.text()])


# matplotlib's toolbar buttons, by their text, with what they do in plain words.
TOOL_TIPS = {
    "Home": "Show the whole chart again",
    "Back": "Back to the previous view",
    "Forward": "Forward to the next view",
    "Pan": "Move the chart: drag with the left button; drag with the right button to stretch it",
    "Zoom": "Zoom in: drag a rectangle around what you want to see",
    "Subplots": "Change the margins around the chart",
    "Customize": "Change the chart's titles, axes and colours",
    "Save": "Save this chart as a picture",
}


def _plain_tool_tips(toolbar: NavigationToolbar2QT) -> None:
    for action in toolbar.actions():
        if action.text() in TOOL_TIPS:
            action.setToolTip(TOOL_TIPS[action.text()])


class ChartPanel(QWidget):
    """Canvas + toolbar (zoom, pan, save image) + optional help line below."""

    def __init__(self, object_name: str, help_text: str = "", renderer=None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        if renderer is None:
            from custseg_gui.gui.tasks import ChartRenderer

            renderer = ChartRenderer(self)
        self.canvas = BackgroundCanvas(Figure(figsize=(6, 4), dpi=100), renderer)
        self.canvas.setObjectName(object_name)
        self.canvas.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        _use_fixed_icons(self.toolbar)
        _plain_tool_tips(self.toolbar)
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

    @property
    def figure(self) -> Figure:
        """The figure on screen (replaced by each `show_chart`)."""
        return self.canvas.figure

    def show_chart(self, draw: Callable, *args) -> None:
        """Show the chart that `draw(figure, *args)` makes; it is made on the chart thread."""
        self.canvas.show_figure(lambda figure: draw(figure, *args))

    def clear(self) -> None:
        """An empty chart, at once (nothing to draw in the background)."""
        self.canvas.clear()
