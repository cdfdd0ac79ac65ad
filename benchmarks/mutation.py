"""Mutation testing of the modules that decide what users read: how well do the tests notice
a wrong word or number?

    bash benchmarks/mutation.sh [--only NAME ...] [--workers 2] [--keep] [--json FILE]

mutmut (a developer tool, not a dependency of the app: `pip install ".[mutation]"`) changes
the code of each module below in small ways, one change ("mutant") at a time: `>=` becomes
`>`, `0.5` becomes `1.5`, a word in a sentence changes, a call's argument is dropped... and
runs the module's tests against each mutant. A mutant that makes a test fail is killed; one
that passes every test survived: either the tests miss a behaviour a user would see, or the
change makes no difference (an equivalent mutant). The script prints the workload, the time,
the kill rate per module and overall, and every survivor with its line and change.

Each group of modules that share their tests is one mutmut run, in a throwaway copy of the
project in a temporary folder (removed at the end unless --keep): the checkout itself is never
changed. mutmut runs, for each mutant, only those of the listed tests that call the mutated
function, in one forked process per mutant (at most --workers at a time), so the analysis
libraries are imported once. Tests that need ../shared/data are left out (`-m "not
shared_data"`), so the figures are the same in a plain clone. Not run by CI (CI runs pytest,
which does not collect benchmarks/).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# --- THE modules to mutate, and the tests that run against each --------------------------------
# Modules move: this table is the only place that names them. `tests` are pytest arguments
# (files, node ids, --deselect ...); modules with the same tests share one mutmut run.
# `functions`, when given, limits a module to those functions (the rest is not mutated).

# Tests that take seconds each (a whole analysis, or every export format) and check something
# else than these modules are left out with --deselect: a surviving mutant runs every test
# that reaches it, so one slow test costs seconds per mutant.
SLOW_INSIGHT = ("tests/core/test_insight.py::"
                "test_no_structure_gives_doubtful_segments_and_a_low_ari")
EXPORT_TESTS = (
    "tests/core/test_export.py", "tests/test_cli_made_data.py",
    "--deselect",
    "tests/core/test_export.py::test_progress_only_moves_forward_and_says_what_is_written",
    "--deselect", "tests/core/test_export.py::test_crash_while_drawing_a_chart_leaves_nothing",
)

# The fast writers of the customer list (CSV and the workbook's customer sheets) against the
# careful ones, cell by cell, the split over sheets at a lowered row limit, and the look of the
# workbook's own sheets (quick: one small analysis, so mutmut runs them first).
WRITER_TESTS = EXPORT_TESTS + ("tests/core/test_fast_writers.py",
                               "tests/core/test_workbook_orders.py",
                               "tests/core/test_workbook_sheets.py")


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()


# What an export module's `check` runs: the self-test's reading back of a written file (is it
# there, whole, with every row?), not a word or number a user reads. Mutated, they survive or go
# untested unless a test feeds the check a broken file, which would test the test.
READ_BACK = ("check", "check_list", "neutralize_formulas")


TARGETS = (
    Target("naming", "custseg_gui/core/naming.py",
           ("tests/core/test_naming.py", "tests/core/test_insight.py",
            "--deselect", SLOW_INSIGHT)),
    Target("column_words", "custseg_gui/core/column_words.py",
           ("tests/core/test_naming.py", "tests/core/test_insight.py",
            "--deselect", SLOW_INSIGHT)),
    Target("insight", "custseg_gui/core/insight.py",
           ("tests/core/test_insight.py", "--deselect", SLOW_INSIGHT)),
    Target("stability", "custseg_gui/core/stability.py", ("tests/core/test_stability.py",)),
    Target("segment", "custseg_gui/core/segment.py",
           ("tests/core/test_segment.py", "tests/core/test_pipeline.py")),
    Target("prep", "custseg_gui/core/prep.py",
           ("tests/core/test_prep.py", "tests/core/test_pipeline.py")),
    # The rest of ksearch (fitting and scoring K-Means) is checked against scikit-learn by
    # test_pipeline and test_large_data, too slow to run per mutant.
    Target("ksearch", "custseg_gui/core/ksearch.py", ("tests/core/test_ksearch.py",),
           functions=("recommend", "silhouette_reading", "_knee")),
    Target("exports/customers", "custseg_gui/core/exports/customers.py", WRITER_TESTS,
           left_out=READ_BACK),
    Target("exports/summary", "custseg_gui/core/exports/summary.py", EXPORT_TESTS,
           left_out=READ_BACK),
    Target("exports/workbook", "custseg_gui/core/exports/workbook.py", WRITER_TESTS,
           left_out=READ_BACK),
    Target("exports/facts", "custseg_gui/core/exports/facts.py", EXPORT_TESTS,
           left_out=READ_BACK),
)


@dataclass(frozen=True)
class Equivalent:
    """A line every mutant of which is equivalent (no file, window or sentence can differ; a
    full run found each of them surviving): not mutated at all (mutmut's `# pragma: no mutate`,
    put on the line in the throwaway copy), so that it costs no time and is not counted. `code`
    is how the line starts, stripped. Lines where some mutants are killed stay mutated, their
    equivalent survivors listed in the README."""

    path: str
    code: str
    why: str


WORKBOOK = "custseg_gui/core/exports/workbook.py"
EQUIVALENT = (
    Equivalent(WORKBOOK, 'with tempfile.TemporaryDirectory(prefix="custseg-xlsx-")',
               "the name of the temporary folder the workbook is made in"),
    Equivalent(WORKBOOK, '"tmpdir": folder,',
               "where XlsxWriter keeps its own temporary files (in that folder or the system's)"),
    *(Equivalent(WORKBOOK, f'"{option}": ', "XlsxWriter's conversions of a plain write(): "
                 "every cell is written with write_string, write_number or write_blank, and "
                 "numbers only when finite")
      for option in ("strings_to_numbers", "strings_to_formulas", "strings_to_urls",
                     "nan_inf_to_errors")),
    Equivalent(WORKBOOK, "if position % 20_000 == 0:",
               "how often the careful writer (fast=False: the tests' reference, which no "
               "user's export runs) reports its progress"),
)
# For every run: no shared data, no cache folder in the copy, and the plugin that credits what
# a shared fixture calls to every test using it (benchmarks/mutation_plugin.py says why).
PYTEST_ARGS = ("-p", "no:cacheprovider", "-m", "not shared_data", "-p", "mutation_plugin")
TIMEOUT_MULTIPLIER = 1.5
MUTMUT_VERSION = "3.8.1"  # as pinned in pyproject.toml's `mutation` extra
# -------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "mutation.json"
# mutmut's exit codes of a mutant's test run, as its own `stats.py` reads them.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout",
          152: "timeout", 255: "timeout", 37: "type check", -11: "crashed", -9: "crashed"}
NOT_KILLED = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious",
              2: "interrupted", None: "not checked"}


def project_files() -> list[Path]:
    """The files of the checkout as a developer has them: tracked and new, not ignored."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [Path(name) for name in listed if name and (ROOT / name).is_file()]


def snapshot_project(folder: Path) -> None:
    """The project as it is now, so that editing tests during a run changes nothing of it."""
    for name in project_files():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    # Where `-p mutation_plugin` finds it: mutmut puts its copy's top folder on sys.path.
    shutil.copy2(ROOT / "benchmarks" / "mutation_plugin.py", folder / "mutation_plugin.py")
    mark_equivalent_lines(folder)


PRAGMA = "  # pragma: no mutate"


def mark_equivalent_lines(folder: Path) -> None:
    """Put mutmut's pragma on each EQUIVALENT line of the copy; a line that is not found once
    exactly (the code changed) stops the run, so that the table cannot go stale unseen."""
    by_path: dict[str, list[Equivalent]] = {}
    for line in EQUIVALENT:
        by_path.setdefault(line.path, []).append(line)
    for path, lines in by_path.items():
        source = (folder / path).read_text(encoding="utf-8").split("\n")
        for line in lines:
            found = [number for number, text in enumerate(source)
                     if text.strip().startswith(line.code)]
            if len(found) != 1:
                raise SystemExit(
                    f"mutation: EQUIVALENT in benchmarks/mutation.py names a line of {path} "
                    f"starting {line.code!r}, found {len(found)} times; update the table.")
            source[found[0]] += PRAGMA
        text = "\n".join(source)
        # mutmut credits a pragma ending a statement of several lines to the statement's first
        # line: check that it reads exactly the lines marked.
        marked = {number + 1 for number, line in enumerate(source) if line.endswith(PRAGMA)}
        read = _lines_mutmut_ignores(path, text)
        if read != marked:
            raise SystemExit(
                f"mutation: mutmut reads the pragmas of {path} as lines {sorted(read)}, not "
                f"the lines marked {sorted(marked)}: a marked line ends a statement of several "
                "lines; give its closing bracket a line of its own.")
        (folder / path).write_text(text, encoding="utf-8")


def _lines_mutmut_ignores(path: str, source: str) -> set[int]:
    """The lines mutmut's own pragma reader finds in `source`."""
    import libcst

    from mutmut.mutation.pragma_handling import PragmaVisitor

    visitor = PragmaVisitor(path)
    libcst.MetadataWrapper(libcst.parse_module(source)).visit(visitor)
    return visitor.no_mutate_lines | visitor.ignore_node_lines


def write_config(folder: Path, targets: list[Target]) -> None:
    """mutmut reads [mutmut] from setup.cfg (the project's pyproject.toml has no tool.mutmut)."""
    def lines(values) -> str:
        return "".join(f"\n    {value}" for value in values)
    (folder / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = custseg_gui\n"
        f"only_mutate ={lines(target.path for target in targets)}\n"
        "also_copy =\n    resources\n    mutation_plugin.py\n"
        f"pytest_add_cli_args_test_selection ={lines(targets[0].tests)}\n"
        f"pytest_add_cli_args ={lines(PYTEST_ARGS)}\n"
        "use_git_change_detection = false\n"
        # A mutant that loops for ever is stopped after (its tests' time + 1 s) x this x 2
        # seconds of processor time; mutmut's 15 let one endless loop under test_pipeline.py
        # run for half an hour (segment.py's mutants crawled at 32 an hour).
        f"timeout_multiplier = {TIMEOUT_MULTIPLIER}\n", encoding="utf-8")


def mutant_patterns(targets: list[Target]) -> list[str]:
    """mutmut's names of the mutants to run, when some targets are limited to functions."""
    if not any(target.functions for target in targets):
        return []
    patterns = []
    for target in targets:
        module = target.path.removesuffix(".py").replace("/", ".")
        patterns += ([f"{module}.x_{function}__mutmut_*" for function in target.functions]
                     if target.functions else [f"{module}.*"])
    return patterns


def function_of(mutant: str) -> str:
    """`custseg_gui.core.naming.x_name_terms__mutmut_4` -> `name_terms`; methods as Class.name."""
    mangled = mutant.rpartition(".")[2].partition("__mutmut_")[0]
    if "ǁ" in mangled:
        _x, class_name, method = mangled.split("ǁ")
        return f"{class_name}.{method}"
    return mangled.removeprefix("x_")


def function_lines(source: str) -> dict[str, tuple[int, int]]:
    """Function name (Class.method for methods) -> its first and last line in the file."""
    spans = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    spans[f"{node.name}.{item.name}"] = (item.lineno, item.end_lineno)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            spans.setdefault(node.name, (node.lineno, node.end_lineno))
    return spans


def compact_change(diff: str, source_lines: list[str], span: tuple[int, int]) -> tuple[int, str]:
    """The line number of a mutant's change and the change itself, as `- old` / `+ new` lines."""
    removed = [line[1:] for line in diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    first, last = span
    line_number = first
    if removed:
        # The hunk says roughly where in the function; the same line may occur twice in it.
        expected = first
        for line in diff.splitlines():
            if line.startswith(("---", "+++")):
                continue
            if line.startswith("@@"):
                expected = first + int(re.match(r"@@ -(\d+)", line).group(1)) - 1
            elif line.startswith(" "):
                expected += 1
            elif line.startswith("-"):
                break
        wanted = removed[0].strip()
        matches = [number for number in range(first, last + 1)
                   if source_lines[number - 1].strip() == wanted]
        line_number = min(matches, key=lambda number: abs(number - expected), default=first)
    change = "\n".join([f"- {line.strip()}" for line in removed]
                       + [f"+ {line.strip()}" for line in added])
    return line_number, change


def read_results(work: Path, targets: list[Target], untested: bool = False) -> dict[str, dict]:
    """Per target: every mutant's status, and each survivor's line and change."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = os.getcwd()
    os.chdir(work)  # mutmut's helpers read mutants/ relative to the current folder
    try:
        results = {}
        for target in targets:
            meta = json.loads((work / "mutants" / (target.path + ".meta")).read_text())
            source = (work / target.path).read_text(encoding="utf-8")
            spans, source_lines = function_lines(source), source.splitlines()
            statuses, survivors = {}, []
            for mutant, code in sorted(meta["exit_code_by_key"].items(),
                                       key=lambda item: _natural(item[0])):
                function = function_of(mutant)
                if (target.functions and function not in target.functions
                        or function in target.left_out):
                    continue
                if code is None and untested:
                    code = 33  # mutmut's code for "no test calls this function"
                status = KILLED.get(code) or NOT_KILLED.get(code, f"exit code {code}")
                statuses[mutant] = status
                if code in KILLED:
                    continue
                diff = get_diff_for_mutant(mutant, path=Path(target.path))
                line, change = compact_change(diff, source_lines, spans.get(function, (1, 1)))
                survivors.append({"mutant": mutant.rpartition(".")[2], "status": status,
                                  "function": function, "line": line, "change": change})
            results[target.name] = {
                "path": target.path, "tests": list(target.tests),
                "functions": list(target.functions), "left_out": list(target.left_out),
                "mutants": len(statuses),
                "killed": sum(status in KILLED.values() for status in statuses.values()),
                "statuses": _count(statuses.values()),
                "survivors": sorted(survivors, key=lambda survivor: survivor["line"])}
        return results
    finally:
        os.chdir(cwd)


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def run_group(targets: list[Target], snapshot: Path, workers: int) -> tuple:
    """One mutmut run over modules that share their tests: (results, seconds, CPU seconds)."""
    work = snapshot.parent / targets[0].name.replace("/", "-")
    shutil.copytree(snapshot, work)
    write_config(work, targets)
    # One thread per mutant's process: the workers are forked from mutmut's process, and
    # OpenMP/BLAS thread pools made before a fork can hang in the child (segment.py's mutants,
    # which run K-Means, crawled at 32 an hour with the default pools).
    threads = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                      "MKL_NUM_THREADS", "LOKY_MAX_CPU_COUNT")}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **threads}
    env.pop("CI", None)  # shared-data tests are deselected; CI=true would only fail them
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(workers),
               *mutant_patterns(targets)]
    started, cpu_before = time.perf_counter(), _children_cpu()
    with open(work / "mutmut.log", "w", encoding="utf-8") as log:
        finished = subprocess.run(command, cwd=work, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    log = (work / "mutmut.log").read_text(encoding="utf-8", errors="replace")
    # mutmut stops, with status 1, when no listed test calls any mutated function: then every
    # mutant is one that no test checks.
    untested = "could not find any test case for any mutant" in log
    if finished.returncode != 0 and not untested:
        raise SystemExit(f"mutation: mutmut failed on {', '.join(t.name for t in targets)} "
                         f"(exit status {finished.returncode}); the end of its log:\n"
                         f"{log[-3000:]}")
    return read_results(work, targets, untested), seconds, cpu


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (mutmut and the workers it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def groups_of(targets: list[Target]) -> list[list[Target]]:
    groups: dict[tuple[str, ...], list[Target]] = {}
    for target in targets:
        groups.setdefault(target.tests, []).append(target)
    return list(groups.values())


def print_report(results: dict[str, dict], seconds: float, group_seconds: dict[str, float],
                 workers: int, cpu: float) -> None:
    print()
    print(f"{'module':<20} {'mutants':>7} {'killed':>7} {'survived':>8} {'kill rate':>9}"
          f" {'time':>7}")
    for name, result in results.items():
        left = result["mutants"] - result["killed"]
        rate = result["killed"] / result["mutants"] if result["mutants"] else float("nan")
        print(f"{name:<20} {result['mutants']:>7} {result['killed']:>7} {left:>8} "
              f"{rate:>9.1%} {group_seconds.get(name, ''):>7}")
    mutants = sum(result["mutants"] for result in results.values())
    killed = sum(result["killed"] for result in results.values())
    print(f"{'overall':<20} {mutants:>7} {killed:>7} {mutants - killed:>8} "
          f"{killed / max(mutants, 1):>9.1%} {_minutes(seconds):>7}")
    print(f"\n{mutants} mutants in {_minutes(seconds)} with {workers} workers "
          f"({mutants / max(seconds, 1e-9):.1f} mutants/s) and {_minutes(cpu)} of CPU time; "
          f"the machine's load average over the last 15 minutes was "
          f"{os.getloadavg()[2]:.1f} (other work slows a run down).")
    print("\nSurviving mutants (not killed by any test):")
    for name, result in results.items():
        for survivor in result["survivors"]:
            status = "" if survivor["status"] == "survived" else f" [{survivor['status']}]"
            print(f"\n{result['path']}:{survivor['line']} {survivor['function']} "
                  f"({survivor['mutant']}){status}")
            print("    " + survivor["change"].replace("\n", "\n    "))


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="mutate only these modules: " + ", ".join(t.name for t in TARGETS))
    parser.add_argument("--workers", type=int, default=2,
                        help="mutants tested at once (default 2, the development machine's "
                             "cores)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary copies, to look at mutants with mutmut show")
    parser.add_argument("--json", type=Path, default=RESULTS,
                        help=f"where to write the figures (default {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    try:
        from importlib.metadata import version
        installed = version("mutmut")
    except Exception:
        print("mutation: mutmut is not installed. Install it (a developer tool, not a dependency "
              "of the app) with:\n    .venv/bin/pip install \".[mutation]\"", file=sys.stderr)
        return 2
    unknown = set(args.only or ()) - {target.name for target in TARGETS}
    if unknown:
        parser.error(f"unknown module(s) {', '.join(sorted(unknown))}")
    targets = [target for target in TARGETS if not args.only or target.name in args.only]
    if installed != MUTMUT_VERSION:
        print(f"mutation: note: mutmut {installed} is installed; the figures in the README were "
              f"measured with {MUTMUT_VERSION}.")

    print(f"Mutation testing with mutmut {installed}, {args.workers} workers, tests "
          f"{' '.join(PYTEST_ARGS)}:")
    for group in groups_of(targets):
        for target in group:
            limited = f" (only {', '.join(target.functions)})" if target.functions else ""
            if target.left_out:
                limited += f" (not counted: {', '.join(target.left_out)})"
            print(f"  {target.path}{limited}")
            equivalent = [line for line in EQUIVALENT if line.path == target.path]
            if equivalent:
                print(f"    not mutated: {len(equivalent)} lines whose every mutant is "
                      "equivalent (EQUIVALENT in benchmarks/mutation.py says why)")
        print(f"    tested by {' '.join(group[0].tests)}")
    work = Path(tempfile.mkdtemp(prefix="custseg-mutation-"))
    try:
        results, group_seconds, seconds, cpu = mutate(targets, work, args.workers)
    finally:
        if args.keep:
            print(f"\nKept {work}: in a module's folder there, `{sys.executable} -m mutmut show "
                  "NAME` shows a mutant.")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_report(results, seconds, group_seconds, args.workers, cpu)
    if len(groups_of(targets)) < len(targets):
        print("\n(* the time of the run shared by the modules marked (group) below it)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "mutmut": installed, "workers": args.workers, "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "pytest_args": list(PYTEST_ARGS),
        "not_mutated": [{"path": line.path, "line": line.code, "why": line.why}
                        for line in EQUIVALENT],
        "modules": results}, indent=2, ensure_ascii=False),
        encoding="utf-8")
    print(f"\nFigures written to {args.json}")
    return 0


def mutate(targets: list[Target], work: Path, workers: int) -> tuple[dict, dict, float, float]:
    """Every group's mutmut run in `work`: results per module, times, seconds, CPU seconds."""
    snapshot = work / "project"
    snapshot_project(snapshot)
    results, group_seconds, cpu = {}, {}, 0.0
    started = time.perf_counter()
    for group in groups_of(targets):
        print(f"\nmutating {', '.join(target.name for target in group)}...", flush=True)
        group_results, seconds, group_cpu = run_group(group, snapshot, workers)
        cpu += group_cpu
        counts = {name: result["mutants"] for name, result in group_results.items()}
        print(f"  {sum(counts.values())} mutants in {_minutes(seconds)} "
              f"({_minutes(group_cpu)} of CPU time)", flush=True)
        results.update(group_results)
        for target in group:
            group_seconds[target.name] = _minutes(seconds) if len(group) == 1 else "(group)"
        if len(group) > 1:
            group_seconds[group[0].name] = _minutes(seconds) + "*"
    seconds = time.perf_counter() - started
    return ({target.name: results[target.name] for target in targets}, group_seconds, seconds,
            cpu)


if __name__ == "__main__":
    sys.exit(main())
