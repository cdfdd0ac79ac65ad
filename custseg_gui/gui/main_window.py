"""The main window: the shell around the views (layout, menus, drag and drop, messages, close).

What happens in it is decided by controllers (gui/controllers/) around one document
(gui/document.py); the public methods here are the window's stable seam for automation and tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QFileDialog, QMainWindow, QMessageBox, QScrollArea, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from custseg_gui import APP_NAME, __version__
from custseg_gui.core.errors import UserError
from custseg_gui.core.settings import LoadSettings, OrderSettings
from custseg_gui.core.session import SUFFIX
from custseg_gui.core.sources import extensions, extensions_text, file_filter
from custseg_gui.gui.controllers.analysis import AnalysisController
from custseg_gui.gui.controllers.export import ExportController
from custseg_gui.gui.controllers.orders import OrdersController
from custseg_gui.gui.controllers.results import ResultsController
from custseg_gui.gui.controllers.scoring import ScoringController
from custseg_gui.gui.controllers.segments import SegmentsController
from custseg_gui.gui.controllers.sessions import SessionController
from custseg_gui.gui.controllers.settings import SettingsController
from custseg_gui.gui.document import Document
from custseg_gui.gui.tasks import ChartRenderer, Worker
from custseg_gui.gui.views.menu_bar import MenuBar
from custseg_gui.gui.views.orders_banner import OrdersBanner
from custseg_gui.gui.views.results_view import ResultsView
from custseg_gui.gui.views.settings_panel import SettingsPanel
from custseg_gui.gui.views.start_page import StartPage
from custseg_gui.logs import log, log_file
from custseg_gui.resources_path import licenses_dir, sample_data

MAX_RECENT = 8
# The size of a first start on a screen with room for it; on a smaller screen (a 1366 x 768
# laptop) the window starts maximised, so that nothing is below the bottom of the screen.
PREFERRED_SIZE = QSize(1280, 800)
SMALL_SCREEN = QSize(1400, 860)
FRAME_ROOM = QSize(16, 40)


class MainWindow(QMainWindow):
    """CustSeg's window. `MainWindow()` builds it without starting an event loop."""

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = settings or QSettings()
        self.worker = Worker(self)
        self.chart_renderer = ChartRenderer(self)
        self.chart_renderer.failed.connect(lambda error, details: self.task_failed(
            "Could not draw a chart", error, details))
        self.message_box: QMessageBox | None = None
        self.question_box: QMessageBox | None = None
        self._warmed_up = False

        self.document = Document(self)
        self._build()
        self.results_controller = ResultsController(self, self.document, self)
        self.settings_controller = SettingsController(self.document, self.panel,
                                                      self.results.health, self)
        self.analysis = AnalysisController(self, self.document, self)
        self.segments = SegmentsController(self, self.document, self)
        self.exports = ExportController(self, self.document, self)
        self.sessions = SessionController(self, self.document, self)
        self.scoring = ScoringController(self, self.document, self)
        self.orders = OrdersController(self, self.document, self)
        self.document.table_changed.connect(self._show_file_in_title)
        self.analysis.update_enabled()
        self._restore_settings()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.panel = SettingsPanel()
        self.results = ResultsView(self.chart_renderer)
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        # The panel narrows with the window (long texts wrap or are elided), never sideways.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.panel.minimumSizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 4)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.orders_banner = OrdersBanner()
        right_layout.addWidget(self.orders_banner)
        right_layout.addWidget(self.panel.summary_bar)
        right_layout.addWidget(self.results, 1)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 960])

        self.start_page = StartPage()
        self.start_page.open_clicked.connect(self.choose_file)
        self.start_page.sample_clicked.connect(self.open_sample)
        self.start_page.recent_clicked.connect(self.open_path)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self.menus = MenuBar(self, [self.results.tabText(index)
                                    for index in range(self.results.count())])
        self.recent_menu = self.menus.recent_menu
        menus = self.menus
        menus.open_action.triggered.connect(self.choose_file)
        menus.sample_action.triggered.connect(self.open_sample)
        menus.quit_action.triggered.connect(self.close)
        menus.run_action.triggered.connect(self.run_search)
        menus.cancel_action.triggered.connect(self.cancel)
        for index, action in enumerate(menus.tab_actions):
            action.triggered.connect(lambda _=False, i=index: self._show_tab(i))
        menus.about_action.triggered.connect(self.show_about)
        menus.log_action.triggered.connect(lambda: self.show_message(
            "Log file", f"CustSeg writes what it does, and any error, to:\n{log_file()}"))
        self.statusBar().setObjectName("statusBar")

    # --- the public seam: what a user can do ------------------------------------------------------

    def open_path(self, path: str | Path, load_settings: LoadSettings | None = None) -> None:
        """Load a file in the background, exactly as the Open dialog does."""
        self.analysis.open_path(path, load_settings)

    def open_analysis(self, path: str | Path) -> None:
        """Reopen a saved analysis: load its data, rerun it, and restore the names."""
        self.sessions.open(path)

    def run_search(self) -> None:
        """Prepare, try every number of segments in the range, and show the recommended one."""
        self.analysis.run_search()

    def change_k(self, k: int) -> None:
        """Regroup at another number of segments without trying every number again."""
        self.analysis.change_k(k)

    def cancel(self) -> None:
        """Stop the work in progress."""
        self.analysis.cancel()

    def export_to(self, folder: Path, formats: tuple[str, ...] | None = None) -> None:
        """Write the chosen files into `folder` in the background (replacing earlier ones)."""
        self.exports.export_to(Path(folder), formats)

    def save_analysis_to(self, path: Path) -> None:
        """Write the settings, the number of segments and the user's names to a .custseg file."""
        self.sessions.save_to(Path(path))

    def current_analysis(self):
        """The analysis on screen (a core AnalysisResult), as the exports see it; None before
        segments are found."""
        return self.document.result

    def score_customers(self, new_file: str | Path, segmentation: str | Path | None = None,
                        previous: str | Path | None = None, id_column: str | None = None
                        ) -> None:
        """Give the customers of `new_file` the segments of `segmentation` (a .custseg; None:
        the analysis on screen) in the background, as File > Assign segments does; with
        `previous` (last time's segments.csv) and `id_column`, see who moved."""
        self.scoring.score(Path(new_file), Path(segmentation) if segmentation else None,
                           Path(previous) if previous else None, id_column)

    def current_scoring(self):
        """The new customers with their segments on screen (a core ScoringResult), or None."""
        return self.document.scoring

    def copy_sql(self) -> None:
        """Put the SQL of the segments on screen on the clipboard (made in the background)."""
        self.exports.copy_sql()

    def select_segment(self, number: int | None) -> None:
        """Highlight one segment in the charts and list only its customers (None: all)."""
        self.segments.select(number)

    def rename_segment(self, number: int, name: str) -> bool:
        """Give a segment the user's name; False (with a message) when it cannot be used."""
        return self.segments.rename(number, name)

    def export_clicked(self) -> None:
        """What the Export button does: asks before replacing an earlier export."""
        self.exports.export_clicked()

    def show_import_options(self):
        """How the file was read, with every detected choice changeable and a live preview."""
        return self.analysis.show_import_options()

    def show_order_options(self):
        """For order lines: which column holds what and the as-of day, with a live count of
        lines, customers and what is left out; accepting analyses one row per customer."""
        return self.orders.show_dialog()

    def make_customers(self, settings: OrderSettings) -> None:
        """Make one row per customer from the file's order lines with these order settings
        (columns left None are detected), in the background, and show them."""
        self.orders.make_customers(settings)

    def use_order_lines(self) -> None:
        """Back to the file's order lines as they are, one row per line."""
        self.orders.use_lines()

    def choose_file(self) -> None:
        recent = self.recent_files()
        start = str(Path(recent[0]).parent) if recent else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open customer file", start, file_filter())
        if path:
            self.open_path(path)

    def open_sample(self) -> None:
        self.open_path(sample_data())

    # --- what the window shows besides the views ------------------------------------------------

    @property
    def locate_data_file(self):
        """Asked where a saved analysis's data file went (replaceable in tests)."""
        return self.sessions.locate_data_file

    @locate_data_file.setter
    def locate_data_file(self, function) -> None:
        self.sessions.locate_data_file = function

    def file_opened(self, path: Path) -> None:
        self._remember(path)
        report = self.document.table.report
        self.set_status(f"Opened {report.file_name}: {report.describe()}.")

    def _show_file_in_title(self) -> None:
        self.setWindowTitle(f"{self.document.table.report.file_name} - {APP_NAME}")

    def show_data_page(self) -> None:
        self.stack.setCurrentIndex(1)
        self.results.setCurrentIndex(0)

    def _show_tab(self, index: int) -> None:
        # A hidden tab (Movement, before new customers are scored) is not turned to.
        if self.stack.currentIndex() == 1 and self.results.isTabVisible(index):
            self.results.setCurrentIndex(index)

    def set_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def task_failed(self, title: str, error: BaseException, details: str) -> None:
        """Show a background task's failure: its plain message, the details behind a button."""
        if isinstance(error, UserError):
            self.show_message(title, error.message, error.details, warning=True)
        else:
            self.show_message(title, "Something unexpected went wrong. CustSeg is still "
                              f"running; the details are in the log file {log_file()}.",
                              details, warning=True)
        self.set_status(f"{title}.")

    # --- messages -------------------------------------------------------------------------------

    def show_message(self, title: str, text: str, details: str | None = None,
                     warning: bool = False) -> QMessageBox:
        """A non-blocking message box; the window stays usable behind it."""
        box = QMessageBox(QMessageBox.Warning if warning else QMessageBox.Information, title,
                          text, QMessageBox.Ok, self)
        box.setObjectName("messageBox")
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.message_box = box
        box.destroyed.connect(lambda *_: setattr(self, "message_box", None))
        return box

    def ask(self, title: str, text: str, accept_text: str, on_accept,
            on_cancel=None, other: tuple[str, object] | None = None) -> QMessageBox:
        """A non-blocking question; `on_accept` runs if the user agrees, `other`'s function if
        they choose its button (a third way, such as "Write beside them")."""
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Cancel, self)
        box.setObjectName("questionBox")
        accept = box.addButton(accept_text, QMessageBox.AcceptRole)
        alternative = box.addButton(other[0], QMessageBox.ActionRole) if other else None
        box.setDefaultButton(accept)
        box.setAttribute(Qt.WA_DeleteOnClose)

        def answered(button):
            if button is accept:
                on_accept()
            elif alternative is not None and button is alternative:
                other[1]()
            elif on_cancel is not None:
                on_cancel()

        box.buttonClicked.connect(answered)
        box.open()
        self.question_box = box
        return box

    def show_about(self) -> QMessageBox:
        """Version, and where the licences of the bundled software are."""
        folder = licenses_dir()
        libraries = ("Qt (used under the GNU LGPL v3), PySide6, pandas, scikit-learn, matplotlib, "
                     "NumPy, SciPy and openpyxl")
        licences = (f"CustSeg is built on {libraries}. Their licence texts are in:\n{folder}"
                    if folder else f"CustSeg is built on {libraries}; their licences are "
                                   "installed with each package.")
        box = self.show_message(f"About {APP_NAME}",
                                f"{APP_NAME} {__version__}\nFind and understand the segments in "
                                f"your customer data. No data leaves this computer.\n\n"
                                f"{licences}")
        box.setObjectName("aboutBox")
        if folder:
            button = box.addButton("Open licences folder", QMessageBox.ActionRole)
            button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        return box

    # --- settings that persist ------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        self._fit_to_screen(restored=isinstance(geometry, QByteArray) and not geometry.isEmpty())
        for name, splitter in {"main": self.splitter, **self.results.splitters()}.items():
            state = self.settings.value(f"splitters/{name}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
        self._refresh_recent()

    def _fit_to_screen(self, restored: bool) -> None:
        """A first start takes a comfortable size that fits the screen (a laptop's whole
        screen); a restored size is kept, but never larger than the screen it opens on."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        # Room for the window's title bar and frame, which the window manager adds around it.
        room = QSize(available.width() - FRAME_ROOM.width(),
                     available.height() - FRAME_ROOM.height())
        if not restored:
            if available.width() < SMALL_SCREEN.width() or \
                    available.height() < SMALL_SCREEN.height():
                self.setWindowState(self.windowState() | Qt.WindowMaximized)
            self.resize(min(PREFERRED_SIZE.width(), room.width()),
                        min(PREFERRED_SIZE.height(), room.height()))
            self.move(available.x() + (available.width() - self.width()) // 2,
                      available.y() + max(0, (available.height() - self.height()) // 2 - 10))
            return
        if self.width() > room.width() or self.height() > room.height():
            self.resize(min(self.width(), room.width()), min(self.height(), room.height()))
        if not available.contains(self.geometry().topLeft()):
            self.move(available.topLeft())

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        for name, splitter in {"main": self.splitter, **self.results.splitters()}.items():
            self.settings.setValue(f"splitters/{name}", splitter.saveState())
        self.settings.sync()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            value = [value]
        return [str(item) for item in value or []]

    def _remember(self, path: Path) -> None:
        text = str(path)
        if path.resolve() == sample_data().resolve():
            return
        recent = [text] + [item for item in self.recent_files() if item != text]
        self.settings.setValue("recentFiles", recent[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for position, item in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{position} {Path(item).name}")
            action.setToolTip(item)
            action.triggered.connect(lambda _=False, p=item: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))
        self.start_page.show_recent(recent)

    # --- window events --------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if not urls or not urls[0].isLocalFile():
            return
        event.acceptProposedAction()
        path = Path(urls[0].toLocalFile())
        suffix = path.suffix.lower()
        if suffix == SUFFIX:
            self.open_analysis(path)
        elif suffix in extensions() or not suffix:
            self.open_path(path)
        else:
            self.show_message("Cannot open this file", f"CustSeg cannot read {suffix} files. "
                              f"It reads {extensions_text()} files, and saved analyses "
                              f"({SUFFIX}). Save your customer data as CSV or Excel and drop "
                              "that file.", warning=True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._warmed_up:
            # The analysis libraries load in the background once the window is up: the window
            # appears quickly, and loading them (a few hundred ms, part of it in steps no
            # other thread can interrupt) is not in the middle of opening the first file.
            self._warmed_up = True
            QTimer.singleShot(300, self, self.analysis.warm_up)

    def closeEvent(self, event) -> None:
        self._save_settings()
        if not self.worker.shutdown(timeout=5.0):
            log.warning("a background task did not stop within 5 s of closing")
        if not self.chart_renderer.shutdown(timeout=5.0):
            log.warning("a chart was still being drawn 5 s after closing")
        event.accept()
