"""QApplication set-up, command line of the window, and the application-wide crash handler."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback

from custseg_gui import APP_NAME, __version__
from custseg_gui.logs import log, log_file, setup_logging


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="custseg-gui", description="Open the CustSeg window.")
    parser.add_argument("file", nargs="?", help="customer file to open")
    parser.add_argument("--sample", action="store_true", help="open the built-in sample data")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    args, _unknown = parser.parse_known_args(argv)  # Qt's own options (-style ...) pass through
    return args


def install_exception_handler(window_getter) -> None:
    """Show and log any exception that escapes a slot, instead of a silent crash."""

    def handle(kind, value, tb):
        details = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error:\n%s", details)
        window = window_getter()
        if window is not None:
            window.show_message("Unexpected error", "Something unexpected went wrong. CustSeg "
                                f"is still running; the details are in the log file "
                                f"{log_file()}.", details, warning=True)
        else:
            sys.__excepthook__(kind, value, tb)

    sys.excepthook = handle


def create_application(argv: list[str]):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    from PySide6.QtGui import QIcon

    from custseg_gui.resources_path import resource

    app.setWindowIcon(QIcon(str(resource("icon.png"))))
    return app


def run_gui(argv: list[str]) -> int:
    args = _parse(argv)
    setup_logging()
    app = create_application(argv)
    from PySide6.QtCore import QTimer

    from custseg_gui.gui.main_window import MainWindow

    window = MainWindow()
    install_exception_handler(lambda: window)
    window.show()
    if os.environ.get("CUSTSEG_STARTUP_PROBE"):
        # For benchmarks/bench_startup.py: say when the window is on screen, then leave.
        def shown():
            print(f"window-shown {time.time():.3f}", flush=True)
            if os.environ["CUSTSEG_STARTUP_PROBE"] == "exit":
                app.quit()

        QTimer.singleShot(0, shown)
    if args.sample:
        window.open_sample()
    elif args.file:
        window.open_path(args.file)
    return app.exec()
