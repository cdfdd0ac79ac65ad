"""A matplotlib figure embedded in Qt, with its navigation toolbar and a "How to read" text.

Charts are built and drawn on the chart thread (`worker.ChartRenderer`): the canvas here only
copies finished images to the screen, so a chart with many axes never stalls the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget


class BackgroundCanvas(FigureCanvasQTAgg):
    """A Qt canvas whose figure is drawn on the chart thread; painting only copies the image.

    matplotlib's own Qt canvas draws in `draw_idle`, on the GUI thread. Here `draw_idle` (which
    the toolbar, resizing and matplotlib itself call) asks the chart thread instead; while it
    works, the previous image stays on screen, stretched if the canvas was resized. `draw()`
    still draws at once, on the calling thread, as matplotlib's API promises.
    """

    def __init__(self, figure: Figure, renderer):
        super().__init__(figure)
        self.chart_renderer = renderer
        self.shown_renderer: RendererAgg | None = None  # the image on screen
        self._shown_key: tuple | None = None  # its (width, height, dpi)
        self._thread_state = threading.local()  # the renderer of a draw on the chart thread
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

    def draw_idle(self) -> None:
        self.chart_renderer.request(self)

    def show_figure(self, build: Callable[[Figure], None]) -> None:
        """Replace the chart by a new figure that `build(figure)` fills (on the chart thread)."""
        self.chart_renderer.request(self, build)

    def clear(self) -> None:
        """Empty the chart now; an image still being drawn for it is dropped."""
        self.chart_renderer.forget(self)
        self.figure.clear()
        self.shown_renderer = self._shown_key = None
        self.update()

    def draw(self) -> None:
        """Draw now, on this (the GUI) thread."""
        renderer = self.get_renderer()
        renderer.clear()
        self.figure.draw(renderer)
        self.renderer, self.shown_renderer = renderer, renderer
        self._shown_key = (renderer.width, renderer.height, self.figure.dpi)
        self.update()

    def get_renderer(self) -> RendererAgg:
        # During a draw on the chart thread, layout code asks the canvas for a renderer to
        # measure text: it gets that draw's own, never the one being shown.
        drawing = getattr(self._thread_state, "renderer", None)
        if drawing is not None:
            return drawing
        width, height = self.get_width_height(physical=True)
        if self._shown_key == (width, height, self.figure.dpi):
            return self.shown_renderer
        return RendererAgg(width, height, self.figure.dpi)

    # --- on the chart thread ------------------------------------------------------------------

    def render(self, job) -> tuple[Figure, RendererAgg]:
        """Build (if asked) and draw the job's figure into a new image. Chart thread only."""
        width, height = job.size
        if job.build is not None:
            figure = Figure(figsize=(width / job.dpi, height / job.dpi), dpi=job.dpi)
            job.build(figure)
            agg = FigureCanvasAgg(figure)
            agg.draw()
            return figure, agg.renderer
        figure = self.figure
        renderer = RendererAgg(width, height, job.dpi)
        self._thread_state.renderer = renderer
        try:
            figure.draw(renderer)
        finally:
            self._thread_state.renderer = None
        return figure, renderer

    # --- on the GUI thread, when an image is ready ----------------------------------------------

    def show_rendered(self, job, figure: Figure, renderer: RendererAgg) -> bool:
        """Put a finished image on screen; False when the canvas has since changed size."""
        if figure is not self.figure:
            # The canvas keeps its Qt side and toolbar; the figure behind them changes, and the
            # event connections (which matplotlib stores in the figure) move along.
            figure._original_dpi = self.figure._original_dpi  # for moves between screens
            figure.set_canvas(self)
            self.figure = figure
            for cid, (signal, func, _) in list(self._connections.items()):
                self._connections[cid] = (signal, func, super().mpl_connect(signal, func))
            if self.toolbar is not None:
                self.toolbar.update()  # forget zoom history of the old axes
        self.renderer, self.shown_renderer = renderer, renderer
        self._shown_key = (*job.size, job.dpi)
        self.update()
        width, height = self.pixel_size()
        if (width, height) != job.size:
            self.figure.set_size_inches(width / self.figure.dpi, height / self.figure.dpi,
                                        forward=False)
            return False
        return True

    def pixel_size(self) -> tuple[int, int]:
        """The widget's size in physical pixels: what an image must have to fit it exactly.

        (Not the figure's size, which a figure built for an earlier size still has.)
        """
        ratio = self.device_pixel_ratio
        return int(self.width() * ratio), int(self.height() * ratio)

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


class ChartPanel(QWidget):
    """Canvas + toolbar (zoom, pan, save image) + optional help line below."""

    def __init__(self, object_name: str, help_text: str = "", renderer=None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        if renderer is None:
            from custseg_gui.gui.worker import ChartRenderer

            renderer = ChartRenderer(self)
        self.canvas = BackgroundCanvas(Figure(figsize=(6, 4), dpi=100), renderer)
        self.canvas.setObjectName(object_name)
        self.canvas.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
        _use_fixed_icons(self.toolbar)
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
