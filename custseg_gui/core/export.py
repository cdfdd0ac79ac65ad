"""Exports: the customer list with its segment, and summary.json. Every write is atomic."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from custseg_gui import __version__
from custseg_gui.core.analysis import Analysis
from custseg_gui.core.errors import UserError

SUMMARY_SCHEMA = "custseg-summary/1"


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place.

    A failure at any point leaves neither a partial file nor the temporary one behind.
    """
    path = Path(path)
    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part", delete=False)
    except FileNotFoundError:
        raise UserError(f"The folder {path.parent} does not exist any more. Choose another "
                        "folder to export to.") from None
    except PermissionError:
        raise UserError(f"CustSeg is not allowed to write in {path.parent}. Choose a folder of "
                        "your own, such as Documents.") from None
    except OSError as error:
        raise UserError(f"Could not write in {path.parent} ({error.strerror}). Choose another "
                        "folder.") from None
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException as error:
        with suppress(OSError):
            os.unlink(handle.name)
        if isinstance(error, PermissionError):
            raise UserError(f"CustSeg is not allowed to write {path.name}. If it is open in "
                            "another program (such as Excel), close it and try again.") from None
        if isinstance(error, OSError):
            raise UserError(f"Writing {path.name} failed ({error.strerror}). Check that the disk "
                            "has space and the folder is still there, then try again.") from None
        raise


def labelled_customers(analysis: Analysis, names: dict[int, str] | None = None) -> pd.DataFrame:
    """Every input row and column as read, plus Segment, Segment name and Left out because."""
    names = names or analysis.insights.names()
    table = analysis.table.raw.copy()
    segments = analysis.segmentation.row_segments
    added = {"Segment": np.where(segments > 0, segments.astype(str), ""),
             "Segment name": [names.get(int(number), "") for number in segments]}
    left_out = analysis.prepared.left_out
    if len(left_out):
        reasons = np.full(len(table), "", dtype=object)
        reasons[left_out.index.to_numpy()] = left_out.to_numpy()
        added["Left out because"] = reasons
    for name, values in added.items():
        table[free_column_name(name, table.columns)] = values
    return table


def free_column_name(name: str, taken) -> str:
    """`name`, or `name (2)`, ... when the input already has a column of that name."""
    taken, candidate, copy = set(taken), name, 2
    while candidate in taken:
        candidate, copy = f"{name} ({copy})", copy + 1
    return candidate


def write_customers_csv(path: Path, customers: pd.DataFrame) -> None:
    def write(handle):
        handle.write(customers.to_csv(index=False, lineterminator="\n").encode("utf-8"))

    atomic_write(path, write)


def _json_safe(value):
    """NaN and infinity become null; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def summary(analysis: Analysis, names: dict[int, str] | None = None) -> dict:
    """The analysis as plain data: what summary.json holds."""
    names = names or analysis.insights.names()
    report, settings, search = analysis.table.report, analysis.settings, analysis.search
    insights = analysis.insights
    stability = insights.stability
    return _json_safe({
        "schema": SUMMARY_SCHEMA,
        "app_version": __version__,
        "input": {"file": report.file_name, "sha256": report.sha256, "rows": report.rows,
                  "columns": report.columns, "sheet": report.sheet, "encoding": report.encoding,
                  "delimiter": report.delimiter},
        "settings": {"features": list(analysis.prepared.settings.features),
                     "scaling": analysis.prepared.settings.scaling,
                     "missing": analysis.prepared.settings.missing,
                     "k_min": settings.k_min, "k_max": settings.k_max, "seed": settings.seed},
        "rows_used": int(len(analysis.prepared.rows_used)),
        "rows_left_out": int(len(analysis.prepared.left_out)),
        "k_search": [{"k": score.k, "inertia": score.inertia, "silhouette": score.silhouette,
                      "calinski_harabasz": score.calinski_harabasz,
                      "davies_bouldin": score.davies_bouldin} for score in search.scores],
        "elbow_k": search.knee,
        "silhouette_sample_size": search.silhouette_sample_size,
        "recommended_k": search.recommended_k,
        "recommendation": search.recommendation,
        "k": analysis.segmentation.k,
        "stability_ari": stability.ari if stability else None,
        "stability_resamples": stability.resamples if stability else None,
        "feature_importance": insights.feature_importance,
        "segments": [{"number": profile.number, "name": names.get(profile.number, profile.name),
                      "automatic_name": profile.name, "size": profile.size,
                      "share": profile.share, "description": profile.description,
                      "suggested_action": profile.action, "means": profile.means,
                      "medians": profile.medians, "index": profile.index,
                      "standardized_difference": profile.difference,
                      "categories": profile.categories, "silhouette": profile.silhouette,
                      "stability": profile.stability,
                      "stability_reading": profile.stability_reading}
                     for profile in insights.profiles],
    })


def write_summary_json(path: Path, content: dict) -> None:
    def write(handle):
        handle.write(json.dumps(content, indent=2, ensure_ascii=False,
                                allow_nan=False).encode("utf-8"))

    atomic_write(path, write)
