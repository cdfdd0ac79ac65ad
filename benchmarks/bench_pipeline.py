"""End-to-end speed, memory and accuracy: the report command a user runs, the analysis'
stages, and two reference pipelines.

    python benchmarks/bench_pipeline.py [--rows 50000 1000000] [--runs 3] [--json FILE]
        [--mall PATH] [--skip-stages] [--commands-only ROWS]

The report command (what a user waits for, exports included): `python -m custseg_gui report
FILE --out DIR --formats ...` as a fresh process, timed from start to exit, with its peak
memory (the largest sum of proportional set sizes of the process and the one it forks to write
exports in parallel, sampled every 0.1 s, and the largest resident set of either); median of
--runs runs, the commands of a workload taking turns so that a busy moment of the machine
falls on all of them alike. Workloads: the largest --rows size with `--formats csv,json` and
with every default format, and the Mall customers (--mall) with `--formats json` and with every
default format. The ratios the targets speak of are printed from the same run.

Generates customers with a fixed seed (ID, gender, five numeric features in five overlapping
segments), writes them as CSV and runs CustSeg's pipeline on the file: load, prepare, k search
over 2..10 (inertia and silhouette for every k), recommendation, final segmentation with
stability check, profiles. Each stage is timed; figures are medians of --runs runs. It then
runs, in the same process:
  - notebook-style (the mall-customer notebook this app grew from), at 50,000 rows:
    KMeans(n_init=10) for k = 1..10, then silhouette on every row for k = 2..10;
  - Orange-style, at the largest size given (or the largest it finishes in 5 minutes):
    KMeans(n_init=10) for k = 2..10, silhouette on a 5,000-row sample (median of --runs);
and prints the ratios. Quality: CustSeg's final inertia against KMeans(n_init=10) on all
rows at the same k. Peak memory is the resident-set high-water mark of a separate process
per size (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MALL = ROOT.parent / "shared" / "data" / "Mall_Customers.csv"
# Every format the report command writes by default (the registry's defaults, whatever they are).
from custseg_gui.core.exports import DEFAULT_FORMATS  # noqa: E402

ALL_FORMATS = ",".join(DEFAULT_FORMATS)

FEATURES = ["Age", "Income", "Spending", "Visits", "Tenure"]
SEED = 2024
ORANGE_LIMIT_S = 300


def make_customers(rows: int, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    centres = np.array([[30, 40, 70, 12, 2], [45, 85, 20, 4, 8], [55, 30, 25, 3, 12],
                        [25, 25, 80, 20, 1], [40, 60, 50, 8, 5]], dtype=float)
    spread = np.array([5, 9, 9, 3, 2], dtype=float)
    segment = rng.integers(0, len(centres), rows)
    values = centres[segment] + rng.normal(size=(rows, 5)) * spread
    frame = pd.DataFrame(values.round(1), columns=FEATURES)
    frame.insert(0, "CustomerID", [f"C{number:07d}" for number in range(1, rows + 1)])
    frame.insert(1, "Gender", rng.choice(["Female", "Male"], rows))
    return frame


def custseg_once(path: Path) -> tuple[dict, object]:
    from custseg_gui.core.columns import describe_columns
    from custseg_gui.core.insight import profile_segments
    from custseg_gui.core.ksearch import search_k
    from custseg_gui.core.prep import prepare
    from custseg_gui.core.segment import segment
    from custseg_gui.core.settings import AnalysisSettings
    from custseg_gui.core.sources import load_table
    from custseg_gui.core.stability import assess_stability

    times = {}
    started = time.perf_counter()
    table = load_table(path)
    columns = describe_columns(table)
    times["load"] = time.perf_counter() - started
    mark = time.perf_counter()
    settings = AnalysisSettings(features=tuple(FEATURES))
    prepared = prepare(table, columns, settings.prep)
    times["prepare"] = time.perf_counter() - mark
    mark = time.perf_counter()
    search = search_k(prepared, settings.search)
    times["k search"] = time.perf_counter() - mark
    mark = time.perf_counter()
    segmentation = segment(prepared, settings.segment(search.recommended_k), search)
    stability = assess_stability(prepared, segmentation, settings.stability)
    times["segment + stability"] = time.perf_counter() - mark
    mark = time.perf_counter()
    profile_segments(table, columns, prepared, segmentation, stability)
    times["profiles"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    return times, (prepared, search, segmentation)


def notebook_style(matrix: np.ndarray) -> float:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    started = time.perf_counter()
    for k in range(1, 11):
        model = KMeans(n_clusters=k, n_init=10, random_state=42).fit(matrix)
        if k >= 2:
            silhouette_score(matrix, model.labels_)
    return time.perf_counter() - started


def orange_style(matrix: np.ndarray) -> float:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    started = time.perf_counter()
    for k in range(2, 11):
        model = KMeans(n_clusters=k, n_init=10, random_state=42).fit(matrix)
        silhouette_score(matrix, model.labels_, sample_size=5000, random_state=0)
    return time.perf_counter() - started


def measure_size(rows: int, runs: int, folder: Path) -> dict:
    """Everything for one size (run in its own process, so peak memory is its own)."""
    from sklearn.cluster import KMeans

    path = folder / f"customers_{rows}.csv"
    make_customers(rows).to_csv(path, index=False)
    results = [custseg_once(path) for _ in range(runs)]
    stages = {stage: statistics.median(times[stage] for times, _ in results)
              for stage in results[0][0]}
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # before references
    prepared, search, segmentation = results[-1][1]
    reference = KMeans(n_clusters=segmentation.k, n_init=10, random_state=42).fit(prepared.matrix)
    out = {"rows": rows, "stages_s": {k: round(v, 3) for k, v in stages.items()},
           "recommended_k": search.recommended_k,
           "inertia": segmentation.inertia, "sklearn_inertia": float(reference.inertia_),
           "inertia_gap_pct": round(100 * (segmentation.inertia / reference.inertia_ - 1), 3),
           "silhouette_sample": search.silhouette_sample_size,
           "search_sample": search.search_sample_size}
    if rows <= 60_000:
        out["notebook_s"] = round(notebook_style(prepared.matrix), 2)
    out["peak_memory_mb"] = peak
    return out


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    pids, found = [pid], 0
    while found < len(pids):
        current = pids[found]
        found += 1
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pids += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_command(path: Path, formats: str, folder: Path) -> dict:
    """One report command, timed from start to exit; its peak memory."""
    out = folder / f"report-{formats.replace(',', '-')}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "custseg_gui", "report", str(path), "--out", str(out),
               "--formats", formats]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak_pss, status, usage = 0, None, None
    while status is None:
        peak_pss = max(peak_pss, sum(_pss_kb(pid) for pid in _tree(process.pid)))
        pid, code, used = os.wait4(process.pid, os.WNOHANG)
        if pid:
            status, usage = code, used
        else:
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr.decode()}")
    written = sum(1 for _ in out.iterdir())
    shutil.rmtree(out, ignore_errors=True)
    # CPU time of the command and the process it forks (reaped by it): on a machine busy with
    # other work, this changes far less than the time on the clock.
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_pss_mb": peak_pss // 1024, "max_rss_mb": usage.ru_maxrss // 1024,
            "files": written}


def time_commands(path: Path, formats_list: list[str], runs: int, folder: Path) -> dict:
    """Median seconds and peak memory of each command; the commands take turns."""
    samples = {formats: [] for formats in formats_list}
    for _ in range(runs):
        for formats in formats_list:
            samples[formats].append(run_command(path, formats, folder))
    return {formats: {"seconds": round(statistics.median(r["seconds"] for r in results), 2),
                      "all_seconds": [round(r["seconds"], 2) for r in results],
                      "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in results),
                                           2),
                      "peak_pss_mb": max(r["peak_pss_mb"] for r in results),
                      "max_rss_mb": max(r["max_rss_mb"] for r in results),
                      "files": results[0]["files"]}
            for formats, results in samples.items()}


def print_commands(label: str, timed: dict) -> None:
    for formats, result in timed.items():
        print(f"  report {label} --formats {formats}: {result['seconds']:.2f} s median "
              f"(runs {', '.join(f'{s:.2f}' for s in result['all_seconds'])}), CPU "
              f"{result['cpu_seconds']:.2f} s, {result['files']} files, peak memory "
              f"{result['peak_pss_mb']} MB (largest process {result['max_rss_mb']} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" /
                        "pipeline.json")
    parser.add_argument("--mall", type=Path, default=MALL, help="the Mall customers CSV")
    parser.add_argument("--orange-limit", type=float, default=ORANGE_LIMIT_S, metavar="S",
                        help="halve the Orange-style pipeline's rows while one run takes longer "
                             f"(default {ORANGE_LIMIT_S} s)")
    parser.add_argument("--skip-stages", action="store_true",
                        help="time only the report commands and the Orange-style pipeline")
    parser.add_argument("--commands-only", type=int, metavar="ROWS",
                        help="only `report --formats csv,json` on ROWS customers (e.g. 10000000)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process mode
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_size(args.one, args.runs, args.folder)))
        return 0
    if args.commands_only:
        return commands_only(args)

    print(f"Workload: {', '.join(f'{r:,}' for r in args.rows)} customers x {len(FEATURES)} "
          f"numeric features (+ ID, gender), CSV, seed {SEED}; k = 2..10; median of "
          f"{args.runs} runs; {os.cpu_count()} cores")
    results, commands = [], {}
    largest = max(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if not args.skip_stages:
            for rows in args.rows:
                child = subprocess.run([sys.executable, __file__, "--one", str(rows), "--runs",
                                        str(args.runs), "--folder", str(folder)],
                                       capture_output=True, text=True, check=True)
                result = json.loads(child.stdout.strip().splitlines()[-1])
                stages = ", ".join(f"{k} {v:.2f} s" for k, v in result["stages_s"].items())
                print(f"\n{rows:>9,} rows: {stages}")
                print(f"           recommended k {result['recommended_k']}, peak memory "
                      f"{result['peak_memory_mb']} MB, final inertia "
                      f"{result['inertia_gap_pct']:+.3f}% against KMeans(n_init=10) on all rows")
                if "notebook_s" in result:
                    ratio = result["notebook_s"] / result["stages_s"]["total"]
                    print(f"           notebook-style pipeline {result['notebook_s']:.1f} s: "
                          f"CustSeg is {ratio:.0f}x faster")
                results.append(result)
        path = folder / f"customers_{largest}.csv"
        if not path.exists():
            make_customers(largest).to_csv(path, index=False)
        print(f"\nThe report command ({path.stat().st_size / 1e6:.0f} MB CSV, "
              f"{largest:,} customers), median of {args.runs}:")
        commands["large"] = time_commands(path, ["csv,json", ALL_FORMATS], args.runs, folder)
        print_commands(f"({largest:,})", commands["large"])
        if args.mall.exists():
            print(f"The report command on {args.mall.name} (200 customers), median of "
                  f"{args.runs}:")
            commands["mall"] = time_commands(args.mall, ["json", ALL_FORMATS], args.runs, folder)
            print_commands("(Mall)", commands["mall"])
        matrix = make_customers(largest)[FEATURES].to_numpy()
        matrix = (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)
        size = largest
        while True:
            orange = orange_style(matrix[:size])
            if orange <= args.orange_limit or size <= 50_000:
                break
            size //= 2
        # A median too, like CustSeg's own figures: one run of either can be off by several %.
        orange = statistics.median([orange] + [orange_style(matrix[:size])
                                               for _ in range(args.runs - 1)])
        note = "" if size == largest else f" (at {size:,} rows, the largest finished in 5 min)"
        print(f"\nOrange-style pipeline at {size:,} rows: {orange:.1f} s{note}")
        summary = {"workload": {"rows": args.rows, "features": FEATURES, "seed": SEED,
                                "runs": args.runs, "cores": os.cpu_count()},
                   "sizes": results, "commands": commands,
                   "orange_style": {"rows": size, "seconds": round(orange, 2)}}
        if results:
            ours = next(r for r in results if r["rows"] == largest)["stages_s"]["total"]
            print(f"  the analysis alone at {largest:,} rows (in-process stages) {ours:.2f} s: "
                  f"{orange / ours:.1f}x faster")
            summary["orange_style"]["ratio_stages"] = round(orange / ours, 2)
        large = commands["large"]
        lists, every = large["csv,json"]["seconds"], large[ALL_FORMATS]["seconds"]
        ratios = {"orange_over_csv_json": round(orange / lists, 2),
                  "all_over_csv_json": round(every / lists, 2),
                  "peak_memory_mb_all": large[ALL_FORMATS]["peak_pss_mb"],
                  "peak_memory_mb_csv_json": large["csv,json"]["peak_pss_mb"]}
        print(f"\nTargets ({largest:,} customers, same run):")
        if size == largest:
            print(f"  report --formats csv,json {lists:.2f} s: Orange-style is "
                  f"{ratios['orange_over_csv_json']:.1f}x slower (target: at least 10x)")
        else:  # the two are not of the same customers: no ratio
            del ratios["orange_over_csv_json"]
            print(f"  report --formats csv,json {lists:.2f} s; Orange-style did not finish "
                  f"{largest:,} customers within --orange-limit, so no ratio")
        print(f"  report with every default format {every:.2f} s: "
              f"{ratios['all_over_csv_json']:.2f}x the csv,json run (target: at most 3x)")
        peak = max(ratios["peak_memory_mb_all"], ratios["peak_memory_mb_csv_json"])
        print(f"  peak memory {peak} MB (target: at most 1,536 MB)")
        if "mall" in commands:
            mall = commands["mall"]
            ratios["mall_all_over_json"] = round(mall[ALL_FORMATS]["seconds"] /
                                                 mall["json"]["seconds"], 2)
            print(f"  Mall: every default format {mall[ALL_FORMATS]['seconds']:.2f} s, "
                  f"{ratios['mall_all_over_json']:.2f}x the json run "
                  f"{mall['json']['seconds']:.2f} s (target: at most 2x)")
        summary["ratios"] = ratios
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"\nresults written to {args.json}")
    return 0


def commands_only(args) -> int:
    """`report --formats csv,json` alone, on a large file (10 million customers take a while
    to make and write)."""
    rows = args.commands_only
    print(f"Workload: {rows:,} customers x {len(FEATURES)} numeric features (+ ID, gender), "
          f"CSV, seed {SEED}; report --formats csv,json; median of {args.runs} runs; "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / f"customers_{rows}.csv"
        for start in range(0, rows, 1_000_000):  # in parts: the whole frame would not fit
            part = make_customers(min(1_000_000, rows - start), seed=SEED + start)
            part["CustomerID"] = [f"C{number:08d}" for number in
                                  range(start + 1, start + len(part) + 1)]
            part.to_csv(path, index=False, header=start == 0, mode="a")
        print(f"file: {path.stat().st_size / 1e6:.0f} MB")
        timed = time_commands(path, ["csv,json"], args.runs, folder)
        print_commands(f"({rows:,})", timed)
    target = args.json.with_name(f"pipeline_{rows}.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"workload": {"rows": rows, "runs": args.runs}, "commands":
                                  timed}, indent=2))
    print(f"results written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
