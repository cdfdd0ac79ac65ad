"""Order logs: the whole `report --orders` command against the plain way, time and memory.

    python benchmarks/bench_orders.py [--lines 1000000 5000000] [--runs 1] [--json FILE]

Generates order logs in the UCI Online Retail layout with a fixed seed (benchmarks/order_log.py:
about 120 lines per customer, heavy-tailed repeat purchases, 8% of a customer's invoices
cancelled, a quarter of the lines without a customer), then for each size, each in a process
of its own so that its peak memory is its own:

  - command: `python -m custseg_gui report LOG --orders --formats csv,json --out DIR`, the
    whole command a user runs, timed from outside (interpreter start, imports, load, order
    stage, analysis, exports); peak memory is the child's resident-set high-water mark;
  - stages: the same work in one process, each stage timed (load, order lines into customers,
    analysis, segments.csv, summary.json);
  - plain: the same aggregation the plain way, pandas read_csv (types and date format given)
    + groupby to recency, frequency and net spend, checked against CustSeg's customers.

Targets (issue 15): the command within 2x of the plain way, peak memory at most 2.5 GB at
5,000,000 lines. Figures are medians of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from order_log import SEED  # noqa: E402

PEAK_LIMIT_MB = 2_500
RATIO_LIMIT = 2.0


def _peak_mb() -> int:
    """This process's resident-set high-water mark. VmHWM, not ru_maxrss: Linux carries a
    parent's ru_maxrss over into a child it starts, so a child of a big parent would report the
    parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def stages(path: Path, out: Path) -> dict:
    """The report's work in this process, stage by stage."""
    from custseg_gui.core.exports import ExportContext, export_files
    from custseg_gui.core.pipeline import analyse
    from custseg_gui.core.settings import AnalysisSettings, OrderSettings
    from custseg_gui.core.sources import load_table
    from custseg_gui.core.sources.orders import customers_from_orders

    times, cpu = {}, {}
    started = mark = time.perf_counter()
    cpu_started = cpu_mark = time.process_time()

    def lap(name):
        nonlocal mark, cpu_mark
        times[name] = time.perf_counter() - mark
        cpu[name] = time.process_time() - cpu_mark
        mark, cpu_mark = time.perf_counter(), time.process_time()

    settings = AnalysisSettings(orders=OrderSettings(enabled=True))
    table = load_table(path, settings.load)
    lap("load")
    ordered = customers_from_orders(table, settings.orders)
    lap("order lines into customers")
    result = analyse(table, settings, ordered=ordered)
    lap("analysis")
    context = ExportContext(result)
    for fmt, name in (("csv", "segments.csv"), ("json", "summary.json")):
        export_files(context, out, [fmt])
        lap(name)
    times["total"] = time.perf_counter() - started
    cpu["total"] = time.process_time() - cpu_started
    peak = _peak_mb()
    # The order stage's own memory: what its arrays take at their peak, over the lines as read.
    import tracemalloc

    tracemalloc.start()
    customers_from_orders(table, settings.orders)
    order_stage_mb = round(tracemalloc.get_traced_memory()[1] / 2**20)
    tracemalloc.stop()
    frame = ordered.customers.frame
    return {"stages_s": {key: round(value, 3) for key, value in times.items()},
            "stages_cpu_s": {key: round(value, 3) for key, value in cpu.items()},
            "peak_memory_mb": peak, "order_stage_mb": order_stage_mb, "lines": ordered.rows,
            "customers": ordered.customers.n_rows,
            "customers_only_returns": ordered.customers_only_returns,
            "rows_without_customer": ordered.rows_without_customer, "k": result.k,
            "recency_median": float(frame["Recency (days)"].median()),
            "frequency_sum": int(frame["Frequency (orders)"].sum()),
            "net_spend_sum": round(float(frame["Monetary (net spend)"].sum()), 2),
            "as_of": ordered.as_of.isoformat()}


def plain(path: Path) -> dict:
    """Recency, frequency and net spend per customer with pandas, as an analyst would write it."""
    import pandas as pd

    started, cpu_started = time.perf_counter(), time.process_time()
    lines = pd.read_csv(path, encoding="latin-1", dtype={"InvoiceNo": str, "StockCode": str,
                                                         "CustomerID": str})
    lines["InvoiceDate"] = pd.to_datetime(lines["InvoiceDate"], format="%m/%d/%Y %H:%M")
    read = time.perf_counter() - started
    as_of = lines["InvoiceDate"].max().normalize() + pd.Timedelta(days=1)
    lines = lines.dropna(subset=["CustomerID"])
    lines["amount"] = lines["Quantity"] * lines["UnitPrice"]
    orders = lines.groupby(["CustomerID", "InvoiceNo"], sort=False).agg(
        total=("amount", "sum"), day=("InvoiceDate", "min"))
    purchases = orders[orders["total"] > 0].reset_index()
    customers = purchases.groupby("CustomerID").agg(frequency=("total", "size"),
                                                     last=("day", "max"))
    customers["recency"] = (as_of - customers["last"].dt.normalize()).dt.days
    customers["monetary"] = lines.groupby("CustomerID")["amount"].sum()
    total = time.perf_counter() - started
    return {"read_s": round(read, 3), "total_s": round(total, 3),
            "cpu_s": round(time.process_time() - cpu_started, 3),
            "peak_memory_mb": _peak_mb(), "customers": len(customers),
            "recency_median": float(customers["recency"].median()),
            "frequency_sum": int(customers["frequency"].sum()),
            "net_spend_sum": round(float(customers["monetary"].sum()), 2)}


def command(path: Path, out: Path) -> dict:
    """The report command a user runs, in a process of its own, timed from outside."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    # This process is small (a fresh interpreter), so its child's ru_maxrss is the child's own.
    done = subprocess.run([sys.executable, "-m", "custseg_gui", "report", str(path), "--orders",
                           "--formats", "csv,json", "--out", str(out)], env=environment,
                          capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = round(usage.ru_maxrss / 1024)
    return {"total_s": round(seconds, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_memory_mb": peak,
            "output": done.stdout.strip()}


def _child(mode: str, lines: int, folder: Path) -> dict:
    """Run one measurement in a fresh process; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--lines", str(lines),
                           "--folder", str(folder)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"{mode} at {lines:,} lines failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(lines: int, runs: int, folder: Path) -> dict:
    print(f"  {lines:,} lines:", flush=True)
    results = {}
    for mode in ("plain", "stages", "command"):
        measured = []
        for run in range(runs):
            answer = _child(mode, lines, folder)
            measured.append(answer)
            seconds = answer["stages_s"]["total"] if mode == "stages" else answer["total_s"]
            cpu = answer["stages_cpu_s"]["total"] if mode == "stages" else answer["cpu_s"]
            print(f"    {mode} run {run + 1}: {seconds:.2f} s ({cpu:.2f} s of processor), "
                  f"{answer['peak_memory_mb']:,} MB", flush=True)
        results[mode] = measured
    median = lambda mode, key: statistics.median(item[key] for item in results[mode])  # noqa
    stage_names = results["stages"][0]["stages_s"]
    summary = {
        "lines": lines,
        "file_mb": round((folder / f"orders_{lines}.csv").stat().st_size / 1e6, 1),
        "plain_s": median("plain", "total_s"),
        "plain_read_s": median("plain", "read_s"),
        "plain_peak_mb": median("plain", "peak_memory_mb"),
        "command_s": median("command", "total_s"),
        "plain_cpu_s": median("plain", "cpu_s"),
        "command_cpu_s": median("command", "cpu_s"),
        "command_peak_mb": median("command", "peak_memory_mb"),
        "stages_s": {name: statistics.median(item["stages_s"][name]
                                             for item in results["stages"])
                     for name in stage_names},
        "stages_cpu_s": {name: statistics.median(item["stages_cpu_s"][name]
                                                 for item in results["stages"])
                         for name in stage_names},
        "stages_peak_mb": median("stages", "peak_memory_mb"),
        "order_stage_mb": median("stages", "order_stage_mb"),
        "customers_agree": all(results["stages"][0][key] == results["plain"][0][key]
                                for key in ("customers", "recency_median", "frequency_sum"))
        and abs(results["stages"][0]["net_spend_sum"] - results["plain"][0]["net_spend_sum"])
        < 0.05,
        "custseg": {key: value for key, value in results["stages"][0].items()
                    if key not in ("stages_s", "peak_memory_mb")},
        "plain_figures": {key: value for key, value in results["plain"][0].items()
                          if key not in ("read_s", "total_s", "peak_memory_mb")},
        "runs": runs,
    }
    summary["ratio"] = round(summary["command_s"] / summary["plain_s"], 2)
    # On a busy machine a process waits for a core: its processor seconds are what it would
    # take alone (both sides run on one core, but for BLAS in the analysis).
    summary["cpu_ratio"] = round(summary["command_cpu_s"] / summary["plain_cpu_s"], 2)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) /
                        "custseg-bench-orders", help="where the generated logs are kept")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" /
                        "orders.json")
    parser.add_argument("--regenerate", action="store_true",
                        help="make the logs again even when --folder holds them already")
    parser.add_argument("--child", choices=["plain", "stages", "command"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path = args.folder / f"orders_{args.lines[0]}.csv"
        with tempfile.TemporaryDirectory() as out:
            if args.child == "plain":
                answer = plain(path)
            elif args.child == "stages":
                answer = stages(path, Path(out))
            else:
                answer = command(path, Path(out) / "report")
        print(json.dumps(answer))
        return 0

    args.folder.mkdir(parents=True, exist_ok=True)
    print(f"Workload: order logs of {', '.join(f'{n:,}' for n in args.lines)} lines (UCI Online "
          f"Retail layout, seed {SEED}); report --orders --formats csv,json; median of "
          f"{args.runs} run(s); {os.cpu_count()} cores", flush=True)
    for lines in args.lines:
        log = args.folder / f"orders_{lines}.csv"
        if log.exists() and not args.regenerate:
            # The same seed makes the same file: a log already made is used again.
            print(f"  log of {lines:,} lines: {log} (made before; --regenerate to make it "
                  "again)", flush=True)
            continue
        started = time.perf_counter()
        # In a process of its own: this one stays small, so the processes it starts are too.
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                        "from order_log import write_order_log; from pathlib import Path; "
                        "write_order_log(Path(sys.argv[2]), int(sys.argv[3]))",
                        str(ROOT / "benchmarks"), str(args.folder / f"orders_{lines}.csv"),
                        str(lines)], check=True)
        print(f"  log of {lines:,} lines ready ({time.perf_counter() - started:.1f} s)",
              flush=True)
    load_before = os.getloadavg()
    results = [measure(lines, args.runs, args.folder) for lines in args.lines]
    load_after = os.getloadavg()
    # The machine may be shared: how busy it was says how far the seconds can be trusted.
    for item in results:
        item["load_average"] = {"before": [round(value, 2) for value in load_before],
                                "after": [round(value, 2) for value in load_after]}
    print(f"Load average (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in load_before)} before, "
          f"{', '.join(f'{v:.2f}' for v in load_after)} after")
    for item in results:
        stages_text = ", ".join(f"{name} {seconds:.2f} s ({item['stages_cpu_s'][name]:.2f} s "
                                "of processor)" for name, seconds in item["stages_s"].items())
        print(f"{item['lines']:,} lines ({item['file_mb']} MB, {item['custseg']['customers']:,} "
              f"customers): command {item['command_s']:.1f} s, peak {item['command_peak_mb']:,} "
              f"MB; plain way {item['plain_s']:.1f} s, peak {item['plain_peak_mb']:,} MB; "
              f"ratio {item['ratio']:.1f}x (target {RATIO_LIMIT:g}x), in processor seconds "
              f"{item['command_cpu_s']:.1f} s vs {item['plain_cpu_s']:.1f} s, "
              f"{item['cpu_ratio']:.1f}x; customers agree: "
              f"{item['customers_agree']}\n    stages: {stages_text}; the order stage's arrays "
              f"peak at {item['order_stage_mb']:,} MB")
        if item["command_peak_mb"] > PEAK_LIMIT_MB and item["lines"] >= 5_000_000:
            print(f"    peak memory above the {PEAK_LIMIT_MB:,} MB target")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
