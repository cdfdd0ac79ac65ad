"""Start-up time and size of the packaged app (and of `python -m custseg_gui`).

    python benchmarks/bench_startup.py [--runs 5] [--json results.json]

Measures, for each way of starting, the time from launching the process to the window being
on screen (the app prints the moment its event loop has shown the window when
CUSTSEG_STARTUP_PROBE is set), the first launch after clearing the font cache and the median of
the following ones. Uses a real X server (Xvfb) when one can be started, else offscreen. Also
reports the size of dist/CustSeg and of its zip.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custseg_gui import APP_NAME, __version__  # noqa: E402


def start_display() -> tuple[dict, subprocess.Popen | None]:
    env = dict(os.environ)
    if shutil.which("Xvfb"):
        display = ":97"
        server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten",
                                   "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        return env, server
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env, None


def time_to_window(command: list[str], env: dict) -> float:
    env = dict(env, CUSTSEG_STARTUP_PROBE="exit")
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    for line in result.stdout.splitlines():
        if line.startswith("window-shown "):
            return float(line.split()[1]) - started
    raise RuntimeError(f"{command[0]} did not report its window:\n{result.stderr[-2000:]}")


def measure(name: str, command: list[str], env: dict, runs: int, data_dir: Path) -> dict:
    shutil.rmtree(data_dir, ignore_errors=True)  # first launch: no font cache yet
    first = time_to_window(command, env)
    later = [time_to_window(command, env) for _ in range(runs)]
    result = {"first_launch_s": round(first, 3), "median_s": round(statistics.median(later), 3),
              "runs_s": [round(value, 3) for value in later]}
    print(f"{name:>22}: first launch {first:.2f} s, then median {result['median_s']:.2f} s "
          f"over {runs} runs ({', '.join(f'{v:.2f}' for v in later)})")
    return result


def folder_bytes(path: Path) -> int:
    return sum(file.lstat().st_size for file in path.rglob("*")
               if file.is_symlink() or file.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    env, server = start_display()
    data_dir = Path(tempfile.mkdtemp(prefix="custseg-bench-"))
    env["CUSTSEG_DATA_DIR"] = str(data_dir)  # a fresh user folder: no cache, no settings
    print(f"CustSeg {__version__} start-up: time from launch to window on screen, "
          f"platform {env['QT_QPA_PLATFORM']}, {os.cpu_count()} cores")
    results: dict = {"version": __version__, "platform": env["QT_QPA_PLATFORM"]}
    try:
        results["python"] = measure("python -m custseg_gui", [sys.executable, "-m",
                                    "custseg_gui"], env, args.runs, data_dir)
        frozen = ROOT / "dist" / APP_NAME / APP_NAME
        if frozen.is_file():
            results["frozen"] = measure("frozen app", [str(frozen)], env, args.runs, data_dir)
            size = folder_bytes(frozen.parent)
            zips = sorted((ROOT / "dist").glob(f"{APP_NAME}-{__version__}-*.zip"))
            results["folder_mb"] = round(size / 1e6, 1)
            print(f"{'dist/' + APP_NAME:>22}: {size / 1e6:.0f} MB")
            if zips:
                results["zip_mb"] = round(zips[-1].stat().st_size / 1e6, 1)
                print(f"{zips[-1].name:>22}: {results['zip_mb']:.0f} MB")
        else:
            print("no built app in dist/: run python build_spec/build.py to measure it")
    finally:
        if server:
            server.terminate()
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
