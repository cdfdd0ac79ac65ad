"""Screenshots of every tab of the window, for looking at what a user sees.

    python benchmarks/screenshots.py FILE [FILE ...] --sizes 1024x768 1366x768 1920x1080
        [--scale 1.5] [--out benchmarks/results/screenshots]

For each file and screen size, the window opens on a screen of that size (Qt's offscreen
platform, configured with that screen; `--scale 1.5` scales everything as a 150% display
setting does, so a 1920 x 1080 screen holds 1280 x 720 of the window's units), sized as
CustSeg sizes itself, finds segments with the usual choice, and saves a picture of every tab:
`<file>_<size>[_x<scale>]_<n>_<tab>.png`. The window's frame is not drawn (offscreen windows
have none); everything inside it is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shoot(path: Path, width: int, height: int, scale: float, out: Path) -> None:
    """One file at one screen size, in a process of its own (the screen is fixed at start)."""
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "screen.json"
        config.write_text(json.dumps({"screens": [{
            "name": "screen", "x": 0, "y": 0, "width": width, "height": height,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1.0}]}), encoding="utf-8")
        env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
               "QT_SCALE_FACTOR": f"{scale:g}", "CUSTSEG_DATA_DIR": folder,
               "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, __file__, "--one", str(path), f"{width}x{height}",
                        str(scale), str(out)], env=env, check=True, cwd=REPO)


def one(path: Path, size: str, scale: float, out: Path) -> None:
    from PySide6.QtCore import QSettings

    from custseg_gui.gui.application import create_application
    from custseg_gui.gui.main_window import MainWindow

    app = create_application([])
    settings = QSettings(str(Path(os.environ["CUSTSEG_DATA_DIR"]) / "settings.ini"),
                         QSettings.IniFormat)
    window = MainWindow(settings)
    window.show()
    done: list[str] = []
    window.worker.finished.connect(lambda channel, outcome: done.append(channel))

    def wait(condition, timeout: float = 300) -> None:
        end = time.monotonic() + timeout
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def settle() -> None:
        for _ in range(15):
            app.processEvents()
            time.sleep(0.02)
        wait(lambda: not window.chart_renderer.is_busy())
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)

    window.open_path(path)
    wait(lambda: "load" in done)
    window.run_search()
    wait(lambda: "analysis" in done)
    settle()
    stem = path.stem.replace(" ", "_")[:18]
    tag = f"{size}" + (f"_x{scale:g}" if scale != 1 else "")
    out.mkdir(parents=True, exist_ok=True)
    results = window.results
    for index in range(results.count()):
        results.setCurrentIndex(index)
        settle()
        name = results.tabText(index).replace(" ", "_").lower()
        window.grab().save(str(out / f"{stem}_{tag}_{index}_{name}.png"))
    print(f"{path.name} at {size} (x{scale:g}): window {window.width()}x{window.height()}, "
          f"{results.count()} tabs saved to {out}")
    window.close()


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        _, _, path, size, scale, out = sys.argv
        one(Path(path), size, float(scale), Path(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--sizes", nargs="+", default=["1024x768", "1366x768", "1920x1080"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" /
                        "screenshots")
    args = parser.parse_args()
    for path in args.files:
        for size in args.sizes:
            width, height = (int(part) for part in size.split("x"))
            shoot(path.resolve(), width, height, args.scale, args.out)


if __name__ == "__main__":
    main()
