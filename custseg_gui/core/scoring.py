"""Scoring: a saved segmentation applied to a new file, with who moved since a previous one.

`score_table` is the computation the window and the `score` command share; `scored_files`
writes what the command writes: scored.csv (every row and column of the new file as written,
plus the segment columns) and scoring.json.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from custseg_gui import __version__
from custseg_gui.core.exports.customers import (DEFAULT_CSV_ENCODING, CustomerList,
                                                with_columns, write_csv)
from custseg_gui.core.exports.summary import json_safe
from custseg_gui.core.errors import UserError
from custseg_gui.core.model import (Migration, Scored, SegmentationModel, apply, load,
                                    migration)
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import LoadedTable, load_table

SCORED_FILE, SCORING_FILE = "scored.csv", "scoring.json"
SCHEMA = "custseg-scoring/1"


@dataclass(frozen=True)
class ScoringResult:
    model: SegmentationModel
    table: LoadedTable
    scored: Scored
    migration: Migration | None = None
    # For a segmentation found on an order log: the new order lines made into customers
    # (`table` is then their customer table, one row per customer).
    orders: object | None = None

    def customers(self) -> CustomerList:
        """Every row and column of the new file as written (never copied), plus the segment
        columns."""
        top = max(self.model.names(), default=0)
        words = np.array([""] + [self.model.names().get(number, "")
                                 for number in range(1, top + 1)], dtype=object)
        segments, second = self.scored.segments, self.scored.second
        added = {
            "Segment": np.where(segments > 0, segments.astype(str), "").astype(object),
            "Segment name": words[segments],
            "Second closest segment": words[second],
            "Fit": self.scored.fit,
        }
        if self.migration is not None:
            added["Previous segment"] = self.migration.previous.to_numpy(dtype=object)
        reasons = np.full(len(segments), "", dtype=object)
        reasons[self.scored.left_out.index.to_numpy()] = self.scored.left_out.to_numpy()
        added["Left out because"] = reasons
        return with_columns(self.table.raw, added)

    def summary(self) -> dict:
        """What scoring.json holds."""
        scored, model = self.scored, self.model
        sizes = Counter(int(number) for number in scored.segments if number > 0)
        content = {
            "schema": SCHEMA, "app_version": __version__,
            "segmentation": model.source,
            "input": {"file": self.table.report.file_name, "sha256": self.table.report.sha256},
            "rows": int(len(scored.segments)),
            "rows_scored": scored.rows_scored,
            "rows_left_out": dict(Counter(scored.left_out.to_list())),
            "segments": [{"number": segment.number, "name": segment.name,
                          "size": sizes.get(segment.number, 0)}
                         for segment in model.segments],
            "unlike_any_segment": int((scored.fit == "unlike any segment").sum()),
            "drift": scored.drift,
            "notes": list(scored.notes),
        }
        if self.orders is not None:
            content["orders"] = self.orders.summary()
        if self.migration is not None:
            flows = self.migration
            content["migration"] = {
                "from_to": [{"from": source, "to": target, "customers": count}
                            for source, target, count in flows.from_to],
                "moved": flows.moved, "stayed": flows.stayed, "new": flows.new,
                "gone": flows.gone}
        return json_safe(content)


def customer_rows(model: SegmentationModel, table: LoadedTable, as_of=None,
                  progress: Progress = NO_PROGRESS):
    """The rows the segmentation places: `table` itself, or for a segmentation found on an
    order log the new order lines made into customers by the same rules and columns (the
    as-of day `as_of`, else the day after the new file's latest date). Returns (customer
    table, the OrderedCustomers or None)."""
    if not model.settings.orders.enabled:
        return table, None
    from custseg_gui.core.sources.orders import customers_from_orders

    settings = replace(model.settings.orders, as_of=as_of)
    ordered = customers_from_orders(table, settings, progress, model.settings.load.day_first)
    return ordered.customers, ordered


def score_table(model: SegmentationModel, table: LoadedTable,
                previous: LoadedTable | None = None, id_column: str | None = None,
                progress: Progress = NO_PROGRESS, as_of=None) -> ScoringResult:
    """`table`'s customers placed in the segments (for an order-log segmentation, `table`
    holds order lines and `as_of` is the day recency is counted to), with who moved since
    `previous` when given, matched by `id_column` (an order log's customer column unless
    given)."""
    customers, ordered = customer_rows(model, table, as_of, progress.part(0.0, 0.3))
    scored = apply(model, customers, progress.part(0.3, 0.9))
    if previous is not None and id_column is None and ordered is not None:
        id_column = ordered.customer_column
    moved = migration(model, customers, scored, previous, id_column) \
        if previous is not None else None
    return ScoringResult(model=model, table=customers, scored=scored, migration=moved,
                         orders=ordered)


def scored_files(result: ScoringResult,
                 csv_encoding: str = DEFAULT_CSV_ENCODING) -> dict[str, bytes]:
    text = json.dumps(result.summary(), indent=2, ensure_ascii=False, allow_nan=False)
    written = io.BytesIO()
    write_csv(written, result.customers(), encoding=csv_encoding)
    return {SCORED_FILE: written.getvalue(),
            SCORING_FILE: text.encode("utf-8")}


@dataclass(frozen=True)
class ScoringRun:
    result: ScoringResult
    files: dict[str, bytes]
    summary: dict


def run_scoring(segmentation: Path, new_file: Path, load_settings: LoadSettings = LoadSettings(),
                previous: Path | None = None, id_column: str | None = None,
                progress: Progress = NO_PROGRESS, as_of=None,
                csv_encoding: str = DEFAULT_CSV_ENCODING) -> ScoringRun:
    """The `score` command's work: read the segmentation and the files, score, write."""
    model = load(segmentation)
    if previous is not None and id_column is None and not model.settings.orders.enabled:
        raise UserError("--previous needs --id: the name of the customer ID column of both "
                        "files, to match the customers.")
    table = load_table(new_file, load_settings, progress.part(0.0, 0.4))
    earlier = load_table(previous, LoadSettings(), progress.part(0.4, 0.5)) \
        if previous is not None else None
    result = score_table(model, table, earlier, id_column, progress.part(0.5, 1.0), as_of)
    return ScoringRun(result=result, files=scored_files(result, csv_encoding),
                      summary=result.summary())
