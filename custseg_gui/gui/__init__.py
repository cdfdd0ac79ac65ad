"""The Qt window: shows core results, collects settings, owns the worker thread."""

from custseg_gui.gui.main_window import MainWindow

__all__ = ["MainWindow"]
