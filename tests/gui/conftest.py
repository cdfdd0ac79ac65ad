"""Fixtures for window tests: a MainWindow with its own throwaway settings file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QSettings

from custseg_gui.gui import MainWindow
from window_helpers import GROUP_CENTRES, GROUP_SIZES, write_groups


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "settings.ini"


@pytest.fixture
def window(qtbot, settings_file):
    window = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    qtbot.addWidget(window)
    window.show()
    yield window
    window.worker.shutdown(timeout=10)


@pytest.fixture
def wait_for_task(qtbot):
    """wait_for_task(window, channel, action): do `action`, wait for the worker's `channel` task
    to finish and the charts it changed to be drawn (they are drawn on the chart thread), and
    return its outcome ("returned", "errored" or "cancelled")."""

    def wait(window, channel: str, action, timeout: int = 60_000) -> str:
        with qtbot.waitSignal(window.worker.finished, timeout=timeout,
                              check_params_cb=lambda name, outcome: name == channel) as blocker:
            action()
        _wait_for_charts(qtbot, window, timeout)
        return blocker.args[1]

    return wait


def _wait_for_charts(qtbot, window, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: not window.chart_renderer.is_busy(), timeout=timeout)


@pytest.fixture
def wait_for_charts(qtbot):
    """wait_for_charts(window): wait until every chart asked for is drawn and on screen."""
    return lambda window, timeout=30_000: _wait_for_charts(qtbot, window, timeout)


@pytest.fixture
def customers_csv(tmp_path):
    """60 made-up customers in three clear groups of 30, 20 and 10 (see window_helpers)."""
    return write_groups(tmp_path / "customers.csv", GROUP_CENTRES, GROUP_SIZES)


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory):
    """300,000 customers in 4 columns: enough that finding segments takes several seconds."""
    rng = np.random.default_rng(5)
    rows = 300_000
    centres = rng.normal(0, 5, size=(6, 4))
    points = centres[rng.integers(0, 6, rows)] + rng.normal(size=(rows, 4))
    frame = pd.DataFrame(points.round(3), columns=["Recency", "Frequency", "Monetary", "Tenure"])
    frame.insert(0, "CustomerID", np.arange(1, rows + 1))
    path = tmp_path_factory.mktemp("big") / "big_customers.csv"
    frame.to_csv(path, index=False)
    return path
