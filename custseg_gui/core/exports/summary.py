"""summary.json: the whole analysis as data, for other programs and for `report --settings`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from custseg_gui import __version__

SUMMARY_SCHEMA = "custseg-summary/1"
FILE = "summary.json"


def json_safe(value):
    """NaN and infinity become null; numpy scalars become Python numbers."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def summary(result, names: dict[int, str]) -> dict:
    """The analysis as plain data: what summary.json holds (keys are only ever added)."""
    # The file as read: an order log's lines, not the customers made from them.
    report, search, insights = result.source.report, result.search, result.insights
    stability = insights.stability
    return json_safe({
        "schema": SUMMARY_SCHEMA,
        "app_version": __version__,
        "input": {"file": report.file_name, "sha256": report.sha256, "rows": report.rows,
                  "columns": report.columns, "sheet": report.sheet, "encoding": report.encoding,
                  "delimiter": report.delimiter, "decimal": report.number_format.decimal,
                  "thousands": report.number_format.thousands,
                  "header_row": report.header_row, "units": report.units,
                  "date_formats": report.date_formats, "notes": list(report.notes)},
        # The settings as run (features and k filled in): `report --settings summary.json`
        # repeats the analysis exactly.
        "settings": result.settings.to_dict(),
        "rows_used": int(len(result.prepared.rows_used)),
        "rows_left_out": int(len(result.prepared.left_out)),
        "rows_left_out_because": {str(reason): int(count) for reason, count
                                  in result.prepared.left_out.value_counts().items()},
        "total_rows": list(report.total_rows),
        "k_search": [{"k": score.k, "inertia": score.inertia, "silhouette": score.silhouette,
                      "calinski_harabasz": score.calinski_harabasz,
                      "davies_bouldin": score.davies_bouldin,
                      "silhouette_interval": [score.silhouette_low, score.silhouette_high]}
                     for score in search.scores],
        "search_sample_size": search.search_sample_size,
        "elbow_k": search.knee,
        "silhouette_sample_size": search.silhouette_sample_size,
        "recommended_k": search.recommended_k,
        "recommendation": search.recommendation,
        "k": result.k,
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
                      "stability_reading": profile.stability_reading,
                      "rfm_segments": profile.rfm_segments}
                     for profile in insights.profiles],
        # An order log: its lines, its customers, what was left out and why, the RFM segments.
        "orders": result.orders.summary() if result.orders is not None else None,
    })


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    content = summary(context.result, context.segment_names)
    text = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
    staging.write(folder / FILE, lambda handle: handle.write(text.encode("utf-8")))


def check(folder: Path, context) -> None:
    content = json.loads((folder / FILE).read_text(encoding="utf-8"))
    k = context.result.k
    if content["k"] != k or len(content["segments"]) != k:
        raise AssertionError(f"{FILE} lists {len(content['segments'])} segments, expected {k}")
