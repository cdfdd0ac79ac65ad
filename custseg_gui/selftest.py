"""`--self-test`: the sample analysis end to end, in the window (offscreen) and in the exports."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from custseg_gui.core.exports import EXPORTERS, ExportContext
from custseg_gui.core.pipeline import run
from custseg_gui.resources_path import sample_data

WINDOW_TIMEOUT_S = 120


def _wait_for(app, worker, channel: str) -> None:
    """Run the event loop until `channel`'s task ends; fail on error or time-out."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, outcome = QEventLoop(), {}

    def finished(name, result):
        if name == channel:
            outcome["result"] = result
            loop.quit()

    worker.finished.connect(finished)
    QTimer.singleShot(WINDOW_TIMEOUT_S * 1000, loop.quit)
    loop.exec()
    worker.finished.disconnect(finished)
    assert outcome.get("result") == "returned", f"the window's {channel} step did not finish " \
        f"({outcome.get('result', 'timed out')})"


def _wait_for_charts(renderer) -> None:
    """Run the event loop until the chart thread has drawn every chart asked for."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, deadline = QEventLoop(), time.monotonic() + WINDOW_TIMEOUT_S
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: (not renderer.is_busy() or time.monotonic() > deadline)
                         and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    assert not renderer.is_busy(), "the charts were not drawn in time"


def _check_window(k: int) -> None:
    """Build the window, open the sample, find segments, and check the charts.

    The window is never shown. Qt uses the platform it is given (QT_QPA_PLATFORM), so the
    self-test also proves that platform's plugin and libraries load; with no display at all it
    works offscreen."""
    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings

    from custseg_gui.gui.application import create_application
    from custseg_gui.gui.main_window import MainWindow

    app = create_application([])
    with tempfile.TemporaryDirectory(prefix="custseg-self-test-settings-") as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.IniFormat)
        window = MainWindow(settings=settings)
        try:
            window.open_path(sample_data())
            _wait_for(app, window.worker, "load")
            window.run_search()
            _wait_for(app, window.worker, "analysis")
            _wait_for_charts(window.chart_renderer)
            assert window.results.profile_table.rowCount() == k, "profile table rows wrong"
            from custseg_gui.core.charts import chart

            for name, panel in window.results.charts.items():
                if chart(name).needs in ("orders", "scoring"):
                    continue  # the sample is customers, not order lines, and nothing is scored
                assert panel.figure.axes, f"{panel.canvas.objectName()} is empty"
                assert panel.canvas.shown_renderer is not None, \
                    f"{panel.canvas.objectName()} was not drawn"
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()


def _check_encoding_detector() -> None:
    """The legacy-encoding detector (charset-normalizer, with its compiled parts) is bundled."""
    from custseg_gui.core.sources.encoding import detect_legacy

    sample = "Клиент;Город\n1;Москва\n2;Санкт-Петербург\n3;Новосибирск\n".encode("cp1251")
    found = detect_legacy(sample)
    assert found == "cp1251", f"a Windows-1251 sample was detected as {found}"


def self_test() -> int:
    from custseg_gui.cli import write_report

    try:
        analysis = run(sample_data())
        with tempfile.TemporaryDirectory(prefix="custseg-self-test-") as folder:
            context = ExportContext(analysis)
            write_report(context, Path(folder), [exporter.key for exporter in EXPORTERS])
            for exporter in EXPORTERS:  # every format of the registry, read back
                exporter.check(Path(folder), context)
        _check_window(analysis.segmentation.k)
        _check_encoding_detector()
    except Exception as error:  # the self-test reports every failure the same way
        traceback.print_exc()
        print(f"self-test FAILED: {error}")
        return 1
    sizes = ", ".join(str(size) for size in analysis.segmentation.sizes)
    from PySide6.QtGui import QGuiApplication

    print(f"self-test ok: {analysis.table.n_rows} sample customers, "
          f"{analysis.segmentation.k} segments (sizes {sizes}), window "
          f"({QGuiApplication.platformName()}) and every export checked")
    return 0
