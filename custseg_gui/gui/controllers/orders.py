"""Order logs in the window: the bar that says a file holds order lines, the dialog that
shows which column holds what with a live count, making the customers (in the worker, with
progress and cancel), and the way back to the lines as they are.

The count and the customers are the same computation (core/sources/orders.py): the dialog's
latest count is kept, and accepting the choices it counted uses it rather than counting again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from custseg_gui.core.columns import describe_columns
from custseg_gui.core.errors import UserError
from custseg_gui.core.health import column_health
from custseg_gui.core.settings import OrderSettings
from custseg_gui.core.sources.orders import OrderedCustomers, customers_from_orders
from custseg_gui.gui.document import Document
from custseg_gui.gui.tasks import Channel
from custseg_gui.gui.views.orders_dialog import OrdersDialog
from custseg_gui.logs import log

# Choices settle for this long before they are counted (scrolling through a combo box with the
# arrow keys counts once, at the end).
COUNT_DELAY_MS = 250


class OrdersController(QObject):
    def __init__(self, window, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.document = window, document
        self.worker = window.worker
        self.banner = window.orders_banner
        self.dialog: OrdersDialog | None = None
        self._counted: OrderedCustomers | None = None  # the dialog's latest count
        self._timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._timer.timeout.connect(self.count)
        self.banner.orders_button.clicked.connect(self.show_dialog)
        self.banner.lines_button.clicked.connect(self.use_lines)
        window.menus.orders_action.triggered.connect(self.show_dialog)
        self.worker.progress.connect(self._progress)
        document.table_changed.connect(self._show_banner)

    # --- the bar --------------------------------------------------------------------------------

    def _show_banner(self) -> None:
        document = self.document
        self.window.menus.orders_action.setEnabled(document.lines is not None)
        if document.orders is not None:
            self.banner.show_customers(document.orders)
        elif document.lines is not None and document.lines.looks_like:
            self.banner.show_lines(document.lines.detected)
        else:
            self.banner.setVisible(False)

    # --- the dialog -----------------------------------------------------------------------------

    def show_dialog(self) -> OrdersDialog | None:
        """Which column holds what, and the as-of day, with a live count."""
        document = self.document
        if document.lines is None:
            return None
        if document.orders is not None:  # the choices the customers on screen were made with
            settings = document.orders.settings
            columns = document.orders.columns
        else:
            settings, columns = OrderSettings(), document.lines.detected
        dialog = OrdersDialog(document.lines.read.table.report.file_name,
                              document.lines.column_names, columns, settings.as_of, self.window)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.changed.connect(self._timer.start)
        dialog.accepted.connect(lambda: self.make_customers(dialog.settings()))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        self.count()
        return dialog

    def _dialog_closed(self) -> None:
        self._timer.stop()
        self.dialog = None
        self.worker.cancel(Channel.ORDERS_PREVIEW)

    def count(self) -> None:
        """Count lines, customers and what is left out for the dialog's choices, in the worker
        (a count of the same choices is shown at once)."""
        dialog, lines = self.dialog, self.document.lines
        if dialog is None or lines is None:
            return
        settings = dialog.settings()
        missing = dialog.chosen_columns().missing
        if missing:
            self.worker.cancel(Channel.ORDERS_PREVIEW)
            dialog.show_problem("Choose the columns named above to see the customers.")
            return
        counted = self._reusable(settings)
        if counted is not None:
            self.worker.cancel(Channel.ORDERS_PREVIEW)
            dialog.show_counts(counted)
            return
        table, day_first = lines.read.table, self.document.settings.load.day_first
        dialog.show_counting()
        self.worker.run(Channel.ORDERS_PREVIEW,
                        lambda progress: customers_from_orders(table, settings, progress,
                                                               day_first),
                        self._counted_now, self._count_failed)

    def _reusable(self, settings: OrderSettings) -> OrderedCustomers | None:
        """The latest count (or the customers on screen) when made from these lines with these
        choices."""
        lines = self.document.lines
        for earlier in (self._counted, self.document.orders):
            if earlier is not None and lines is not None and \
                    earlier.made_from(lines.read.table) and earlier.matches(settings):
                return earlier
        return None

    def _counted_now(self, ordered: OrderedCustomers) -> None:
        self._counted = ordered
        if self.dialog is not None:
            self.dialog.show_counts(ordered)

    def _count_failed(self, error: BaseException, details: str) -> None:
        if self.dialog is None:
            return
        if isinstance(error, UserError):
            self.dialog.show_problem(error.message)
        else:
            self.dialog.show_problem("Something unexpected went wrong while counting; the "
                                     "details are in the log file.")

    def _progress(self, channel: str, fraction: float, _message: str) -> None:
        if channel == Channel.ORDERS_PREVIEW and self.dialog is not None:
            self.dialog.show_counting(fraction)

    # --- making the customers -------------------------------------------------------------------

    def make_customers(self, settings: OrderSettings,
                       then: Callable[[], None] | None = None) -> None:
        """Make one row per customer from the order lines in the background (progress and
        Cancel in the left panel), and show and analyse them in place of the lines."""
        document = self.document
        if document.lines is None:
            return
        table, day_first = document.lines.read.table, document.settings.load.day_first
        counted = self._reusable(settings)

        def work(progress):
            ordered = counted or customers_from_orders(table, settings, progress.part(0.0, 0.9),
                                                       day_first)
            progress.report(0.92, "Recognising what each column holds...")
            detected = describe_columns(ordered.customers)
            return ordered, detected, column_health(ordered.customers, detected)

        def made(made_customers):
            ordered, detected, health = made_customers
            self._counted = None
            document.set_customers(ordered, detected, health)
            self.window.set_status(f"One row per customer: {ordered.describe()}")
            log.info("order lines made into customers: %s", ordered.describe())
            if then is not None:
                then()

        self.window.set_status("Making one row per customer...")
        self.worker.run(Channel.ORDERS, work, made, lambda error, details: self.window.task_failed(
            "Could not make one row per customer", error, details))

    def use_lines(self) -> None:
        """Back to one row per order line, as the file was opened."""
        if self.document.orders is None:
            return
        for channel in (Channel.ORDERS, Channel.ANALYSIS, Channel.SEGMENT, Channel.SCATTER):
            self.worker.cancel(channel)
        self.document.use_lines()
        self.window.set_status("Showing the order lines as they are, one row per line.")
