"""How responsive the window stays while it works on a big order log.

    python benchmarks/bench_orders_window.py [--lines 1000000] [--json FILE] [--diagnose]

Generates the order log of bench_orders.py (benchmarks/order_log.py, fixed seed) and drives the
real window through what a user does with it: open the file (the bar above the data appears),
open the order lines dialog (its count is made in the background), change the order column and
change it back (each counted again), accept (the customers replace the lines), find segments,
look at the RFM grid tab, go back to the lines as they are, and start making the customers
again and cancel. A timer ticking every 10 ms on the GUI thread records the gaps between its
ticks (bench_gui.py's GapRecorder): a gap is how long the window could not react. One run, in
this process; the target is no gap above 100 ms once the file is open (opening it is the
loader's, measured by bench_gui.py), and a cancel that stops the work at once.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gui import GapRecorder, pump, wait_until  # noqa: E402
from order_log import write_order_log  # noqa: E402


def one_run(path: Path, diagnose: bool) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from custseg_gui.core.settings import OrderSettings
    from custseg_gui.gui import MainWindow
    from custseg_gui.gui.tasks import Channel

    settings_file = Path(tempfile.mkdtemp()) / "settings.ini"
    window = MainWindow(settings=QSettings(str(settings_file), QSettings.IniFormat))
    window.resize(1280, 800)
    window.show()
    recorder = GapRecorder(diagnose)
    recorder.start()
    pump(app, 0.3)
    finished: list[tuple[str, str]] = []
    window.worker.finished.connect(lambda channel, outcome: finished.append((channel, outcome)))
    seconds: dict[str, float] = {}

    def run_task(phase: str, channel: str, action, outcome: str = "returned") -> None:
        recorder.set_phase(phase)
        finished.clear()
        mark = time.perf_counter()
        action()
        if not wait_until(app, lambda: any(name == channel for name, _ in finished), 1800):
            raise RuntimeError(f"{phase}: no result")
        got = next(result for name, result in finished if name == channel)
        if got != outcome:
            raise RuntimeError(f"{phase}: task {got}")
        seconds[phase] = round(time.perf_counter() - mark, 2)
        wait_until(app, lambda: not window.chart_renderer.is_busy(), 300)
        pump(app, 1.5)

    run_task("open file", Channel.LOAD, lambda: window.open_path(path))
    banner_shown = window.orders_banner.isVisible()
    dialogs = []
    run_task("dialog: count", Channel.ORDERS_PREVIEW,
             lambda: dialogs.append(window.show_order_options()))
    dialog = dialogs[0]
    order = dialog.combos["order"]
    run_task("dialog: order column set to none, counted", Channel.ORDERS_PREVIEW,
             lambda: order.setCurrentIndex(0))
    run_task("dialog: order column back, counted", Channel.ORDERS_PREVIEW,
             lambda: order.setCurrentIndex(order.findData("InvoiceNo")))
    run_task("accept: customers shown", Channel.ORDERS, dialog.accept)
    customers = window.document.table.n_rows
    window.panel.k_min_spin.setValue(3)
    window.panel.k_max_spin.setValue(5)
    run_task("find segments", Channel.ANALYSIS, window.run_search)
    recorder.set_phase("RFM grid tab")
    window.results.setCurrentIndex(window.results.indexOf(window.results.rfm_page))
    wait_until(app, lambda: not window.chart_renderer.is_busy(), 300)
    pump(app, 1.0)
    recorder.set_phase("use the lines as they are")
    window.use_order_lines()
    pump(app, 2.0)
    recorder.set_phase("make the customers, cancel")
    window.make_customers(OrderSettings(enabled=True))
    pump(app, 0.3)
    mark = time.perf_counter()
    window.cancel()
    wait_until(app, lambda: not any(thread.name.startswith("custseg-orders-")
                                    for thread in __import__("threading").enumerate()), 60)
    cancel_s = time.perf_counter() - mark
    pump(app, 1.0)
    recorder.set_phase("end")
    recorder.stop_watchdog.set()
    recorder.timer.stop()
    window.close()
    return {"banner_shown": banner_shown, "customers": customers, "task_s": seconds,
            "cancel_s": round(cancel_s, 3), "phases": recorder.summary()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path,
                        default=ROOT / "benchmarks" / "results" / "orders_window.json")
    parser.add_argument("--diagnose", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "custseg-bench-orders"
    folder.mkdir(exist_ok=True)
    path = write_order_log(folder / f"orders_{args.lines}.csv", args.lines)
    result = {"lines": args.lines, **one_run(path, args.diagnose)}
    print(json.dumps(result, indent=1))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
