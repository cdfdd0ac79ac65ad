"""`--self-test`: run the sample analysis end to end and check what it wrote."""

from __future__ import annotations

import json
import tempfile
import traceback
from pathlib import Path

import pandas as pd

from custseg_gui.core.analysis import run_analysis
from custseg_gui.resources_path import sample_data


def _check_exports(folder: Path, rows: int, k: int) -> None:
    customers = pd.read_csv(folder / "segments.csv", dtype=str, keep_default_na=False)
    assert len(customers) == rows, f"segments.csv has {len(customers)} rows, expected {rows}"
    assert customers["CustomerID"].iloc[0].startswith("0"), "IDs lost their leading zeros"
    assert set(customers["Segment"]) == {str(n) for n in range(1, k + 1)}, "segment numbers wrong"
    content = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert content["k"] == k and len(content["segments"]) == k, "summary.json segments wrong"


def self_test() -> int:
    from custseg_gui.cli import write_report

    try:
        analysis = run_analysis(sample_data())
        with tempfile.TemporaryDirectory(prefix="custseg-self-test-") as folder:
            write_report(analysis, Path(folder))
            _check_exports(Path(folder), analysis.table.n_rows, analysis.segmentation.k)
    except Exception as error:  # the self-test reports every failure the same way
        traceback.print_exc()
        print(f"self-test FAILED: {error}")
        return 1
    sizes = ", ".join(str(size) for size in analysis.segmentation.sizes)
    print(f"self-test ok: {analysis.table.n_rows} sample customers, "
          f"{analysis.segmentation.k} segments (sizes {sizes})")
    return 0
