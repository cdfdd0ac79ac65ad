"""A segmentation that lives on: everything fitted, saved as plain JSON, applied to new customers.

`build` takes an analysis and keeps what it fitted: per feature the value a gap is filled with,
the log scale, the caps in the data's units, the scaling's centre and spread, the category
levels; the segment centres, numbers, names and colours; how far each segment's customers lie
from its centre (the 99th percentile); and each feature's mean and spread, to see drift.
`apply` prepares new customers exactly as the analysis prepared its own (the same operations in
the same order, so the training file gets back exactly its segments) and gives each the nearest
centre. core/sql.py writes the same rule as SQL.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from custseg_gui import __version__
from custseg_gui.core.columns import Role
from custseg_gui.core.errors import UserError, saved_version
from custseg_gui.core.ksearch import nearest
from custseg_gui.core.parsing import MISSING_TOKENS
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import AnalysisSettings, SettingsError

if TYPE_CHECKING:
    from custseg_gui.core.sources.table import LoadedTable

SCHEMA = "custseg-segmentation"
VERSION = 1
FILE = "segmentation.custseg"
# A customer farther from its segment's centre than this share of the segment's own customers
# is "unlike any segment".
REACH_PERCENTILE = 99
# A feature whose mean moved by more than this many of its training spreads has drifted.
DRIFT_SD = 0.5
GOOD, UNLIKE = "good", "unlike any segment"


@dataclass(frozen=True)
class Feature:
    """One chosen column and how it is made ready for K-Means."""

    name: str
    kind: str  # "number" or "category"
    fill: float | str | None  # what a gap becomes; None: a customer with a gap is left out
    log: bool = False
    cap: tuple[float, float] | None = None  # bounds in the data's units, before the log
    levels: tuple[str, ...] = ()  # a category's levels, as written
    centre: tuple[float, ...] = ()  # per matrix column (one, or one per level)
    scale: tuple[float, ...] = ()
    mean: tuple[float, ...] = ()  # training customers: per matrix column, in the data's units
    spread: tuple[float, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in the matrix: the name, or `name = level` per level."""
        if self.kind == "category":
            return tuple(f"{self.name} = {level}" for level in self.levels)
        return (self.name,)


@dataclass(frozen=True)
class Segment:
    number: int
    name: str  # as the user named it, else the automatic name
    automatic_name: str
    colour: str
    size: int
    centre: tuple[float, ...]  # in the matrix's (scaled) units
    reach: float  # 99th percentile of its customers' distance to the centre


@dataclass(frozen=True)
class SegmentationModel:
    settings: AnalysisSettings
    features: tuple[Feature, ...]
    segments: tuple[Segment, ...]
    source: dict = field(default_factory=dict)  # file, sha256, rows, customers, made, version

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column for feature in self.features for column in feature.columns)

    @property
    def centres(self) -> np.ndarray:
        return np.array([segment.centre for segment in self.segments], dtype=float)

    def names(self) -> dict[int, str]:
        return {segment.number: segment.name for segment in self.segments}

    # --- the file -------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA, "version": VERSION, "app_version": __version__,
            "source": self.source,
            "settings": self.settings.to_dict(),
            "features": [{"name": f.name, "kind": f.kind, "fill": f.fill, "log": f.log,
                          "cap": list(f.cap) if f.cap else None, "levels": list(f.levels),
                          "centre": list(f.centre), "scale": list(f.scale),
                          "training_mean": list(f.mean), "training_spread": list(f.spread)}
                         for f in self.features],
            "segments": [{"number": s.number, "name": s.name,
                          "automatic_name": s.automatic_name, "colour": s.colour,
                          "size": s.size, "centre": list(s.centre), "reach": s.reach}
                         for s in self.segments],
        }

    @classmethod
    def from_dict(cls, content: dict, where: str = "the segmentation") -> SegmentationModel:
        """A model from its dictionary form; UserError when it is damaged or from a newer
        CustSeg."""
        if not isinstance(content, dict) or content.get("schema") != SCHEMA:
            raise _damaged(where, "it is not a CustSeg segmentation")
        saved_version(content, VERSION, where, "use it", lambda what: _damaged(where, what))
        from custseg_gui.core.charts.style import segment_color  # (charts load matplotlib)

        try:
            settings = AnalysisSettings.from_dict(content["settings"])
            features = tuple(Feature(
                name=str(item["name"]), kind=_one_of(item["kind"], ("number", "category")),
                fill=item.get("fill"), log=bool(item.get("log", False)),
                cap=tuple(float(bound) for bound in item["cap"]) if item.get("cap") else None,
                levels=tuple(str(level) for level in item.get("levels", [])),
                centre=_floats(item["centre"]), scale=_floats(item["scale"]),
                mean=_floats(item.get("training_mean", [])),
                spread=_floats(item.get("training_spread", [])))
                for item in content["features"])
            segments = tuple(Segment(
                number=int(item["number"]), name=str(item["name"]),
                automatic_name=str(item.get("automatic_name", item["name"])),
                colour=str(item.get("colour", segment_color(int(item["number"])))),
                size=int(item.get("size", 0)), centre=_floats(item["centre"]),
                reach=float(item["reach"])) for item in content["segments"])
        except SettingsError as error:
            raise _damaged(where, f"a setting cannot be read: {error}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise _damaged(where, f"a part is missing or wrong: {error}") from None
        model = cls(settings=settings, features=features, segments=segments,
                    source=dict(content.get("source") or {}))
        width = len(model.columns)
        if not features or len(segments) < 2 or any(
                len(f.centre) != len(f.columns) or len(f.scale) != len(f.columns)
                or any(scale == 0 for scale in f.scale) for f in features) or any(
                len(s.centre) != width for s in segments):
            raise _damaged(where, "its numbers do not fit together")
        return model


def _floats(values) -> tuple[float, ...]:
    return tuple(float(value) for value in values)


def _one_of(value, allowed):
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _damaged(where: str, what: str) -> UserError:
    return UserError(f"{where} is not a CustSeg segmentation, or it is damaged ({what}). Use "
                     f"the {FILE} that the report wrote, or save the analysis again.")


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


# --- from an analysis -----------------------------------------------------------------------

def build(result, names: dict[int, str] | None = None) -> SegmentationModel:
    """Everything `result` fitted, with the user's segment names over the automatic ones."""
    from custseg_gui.core.charts.style import segment_color  # (charts load matplotlib)

    prepared, segmentation = result.prepared, result.segmentation
    settings = prepared.settings
    roles = {info.name: info.role for info in result.columns}
    used = prepared.rows_used
    features, position = [], 0
    for name in settings.features:
        category = roles[name] is Role.CATEGORICAL
        width = len(prepared.levels[name]) if category else 1
        columns = slice(position, position + width)
        position += width
        if category:
            text = result.table.raw[name].iloc[used].astype(str).str.strip()
            shares = [float((text == level).mean()) for level in prepared.levels[name]]
            mean, spread = shares, [math.sqrt(share * (1 - share)) for share in shares]
        else:
            values = result.table.frame[name].iloc[used].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            mean = [float(values.mean())] if len(values) else [0.0]
            spread = [float(values.std())] if len(values) else [0.0]
        features.append(Feature(
            name=name, kind="category" if category else "number",
            fill=prepared.fill_values.get(name) if settings.missing != "drop" else None,
            log=name in settings.log, cap=prepared.cap_bounds.get(name),
            levels=prepared.levels.get(name, ()),
            centre=tuple(float(v) for v in prepared.center[columns]),
            scale=tuple(float(v) for v in prepared.scale[columns]),
            mean=tuple(mean), spread=tuple(spread)))
    centres = segmentation.centres_scaled
    distance = np.sqrt(((prepared.matrix - centres[segmentation.labels - 1]) ** 2).sum(axis=1))
    names = {**result.names(), **(names or {})}
    automatic = result.names()
    segments = tuple(Segment(
        number=number, name=names[number], automatic_name=automatic[number],
        colour=segment_color(number), size=segmentation.sizes[number - 1],
        centre=tuple(float(v) for v in centres[number - 1]),
        reach=float(np.percentile(distance[segmentation.labels == number], REACH_PERCENTILE)))
        for number in range(1, segmentation.k + 1))
    report = result.table.report
    source = {"file": report.file_name, "sha256": report.sha256, "rows": report.rows,
              "customers": int(len(used)), "columns": [str(name) for name in
                                                        result.table.raw.columns],
              "made": datetime.now().astimezone().isoformat(timespec="seconds")}
    return SegmentationModel(settings=result.settings, features=tuple(features),
                             segments=segments, source=source)


# --- saved as a file ----------------------------------------------------------------------------

def save(path: Path, model: SegmentationModel) -> None:
    from custseg_gui.core.exports.staging import atomic_write

    text = json.dumps(model.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
    atomic_write(Path(path), lambda handle: handle.write(text.encode("utf-8")))


def load(path: Path) -> SegmentationModel:
    """A segmentation from a segmentation.custseg, or from a saved analysis that holds one."""
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"The segmentation file {path.name} could not be found.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise _damaged(path.name, "it cannot be read as JSON; it may have been cut short or "
                                  "edited") from None
    if isinstance(content, dict) and content.get("schema") == "custseg-analysis":
        if not isinstance(content.get("segmentation"), dict):
            raise UserError(f"{path.name} is a saved analysis without its segmentation (saved "
                            "by an earlier CustSeg). Open it in CustSeg and save it again.")
        content = content["segmentation"]
    return SegmentationModel.from_dict(content, path.name)


# --- applied to new customers ---------------------------------------------------------------------

@dataclass(frozen=True)
class Scored:
    """New customers with their segments."""

    segments: np.ndarray  # segment number per row, 0 when left out
    second: np.ndarray  # the second closest segment per row, 0 when left out
    distance: np.ndarray  # to its segment's centre (NaN when left out)
    fit: np.ndarray  # GOOD or UNLIKE per row ("" when left out)
    left_out: pd.Series  # reason per left-out row position
    notes: tuple[str, ...]  # what was noticed (categories never seen in training)
    drift: dict[str, dict]  # per feature column: training_mean, new_mean, shift_sd, drifted

    @property
    def rows_scored(self) -> int:
        return int((self.segments > 0).sum())


def _not_a_number(raw: pd.Series, typed: pd.Series) -> np.ndarray:
    """Cells with text in them that did not read as a number."""
    text = raw.astype(str).str.strip()
    return (typed.isna() & ~text.isin(MISSING_TOKENS)).to_numpy()


def apply(model: SegmentationModel, table: LoadedTable,
          progress: Progress = NO_PROGRESS) -> Scored:
    """Prepare `table`'s customers as the model's training customers were, and give each the
    nearest segment centre; customers the report would leave out are left out, with why."""
    missing_columns = [feature.name for feature in model.features
                       if feature.name not in table.frame.columns]
    if missing_columns:
        listed = ", ".join(f"'{name}'" for name in missing_columns)
        origin = model.source.get("file", "the file the segments were found in")
        raise UserError(f"The new file has no column {listed}, which the segmentation needs. "
                        f"Check that it is the same kind of export as {origin}, with the same "
                        "column names.")
    rows = table.n_rows
    reasons = np.full(rows, "", dtype=object)
    # Rows the loader found are not customers (a total row) are left out first, with its reason.
    customers = table.customer_rows()
    reasons[table.left_out.index.to_numpy(dtype=np.int64)] = table.left_out.to_numpy(dtype=object)
    blocks, notes, drift = [], [], {}
    for feature in model.features:
        raw, typed = table.raw[feature.name], table.frame[feature.name]
        if feature.kind == "category":
            text = raw.astype(str).str.strip().where(typed.notna(), None)
            gap = text.isna().to_numpy()
            if feature.fill is not None:
                text = text.fillna(str(feature.fill))
                gap = np.zeros(rows, dtype=bool)
            unseen = (~text.isin(feature.levels) & text.notna()).to_numpy() & customers
            if unseen.any():
                examples = ", ".join(f"'{value}'" for value in
                                     pd.unique(text[unseen])[:3])
                notes.append(f"{int(unseen.sum()):,} customers have a {feature.name} never seen "
                             f"when the segments were found ({examples}); they are placed by "
                             "their other columns.")
            onehot = np.column_stack([(text == level).to_numpy(dtype=float)
                                      for level in feature.levels])
            _mark(reasons, gap, f"Missing value in {feature.name}")
            blocks.append((onehot - np.array(feature.centre)) / np.array(feature.scale))
            for column, level, mean, spread in zip(feature.columns, feature.levels,
                                                   feature.mean, feature.spread):
                _drift(drift, column, (text == level)[~gap & customers].to_numpy(dtype=float),
                       mean, spread)
            continue
        values = (pd.to_numeric(typed, errors="coerce") if typed.dtype == object
                  else typed).to_numpy(dtype=float).copy()
        unreadable = _not_a_number(raw, pd.Series(values, index=raw.index))
        _mark(reasons, unreadable, f"{feature.name} is not a number")
        infinite = np.isinf(values)
        values[infinite] = np.nan
        _mark(reasons, infinite, f"{feature.name} is not a finite number")
        gap = np.isnan(values) & ~unreadable & ~infinite
        _drift(drift, feature.name, values[np.isfinite(values) & customers], feature.mean[0],
               feature.spread[0])
        if feature.fill is not None:
            values[gap] = float(feature.fill)
        else:
            _mark(reasons, gap, f"Missing value in {feature.name}")
        if feature.cap is not None:
            values = np.clip(values, *feature.cap)
        if feature.log:
            negative = values < 0
            _mark(reasons, negative, f"{feature.name} is negative, which its log scale cannot "
                                     "take")
            with np.errstate(invalid="ignore"):
                values = np.log(1.0 + values)
        blocks.append(((values - feature.centre[0]) / feature.scale[0])[:, None])
    progress.report(0.3, "Placing the customers in their segments...")
    matrix = np.hstack(blocks)
    usable = (reasons == "") & np.isfinite(matrix).all(axis=1)
    segments = np.zeros(rows, dtype=np.int32)
    second = np.zeros(rows, dtype=np.int32)
    distance = np.full(rows, np.nan)
    numbers = np.array([segment.number for segment in model.segments])
    rows_used = np.flatnonzero(usable)
    first, runner_up, squared = nearest(matrix[rows_used], model.centres,
                                        progress.part(0.3, 1.0))
    segments[rows_used] = numbers[first]
    second[rows_used] = numbers[runner_up] if len(numbers) > 1 else 0
    distance[rows_used] = np.sqrt(squared)
    reach = {segment.number: segment.reach for segment in model.segments}
    fit = np.full(rows, "", dtype=object)
    scored = segments > 0
    fit[scored] = np.where(distance[scored] <= np.vectorize(reach.get)(segments[scored]),
                           GOOD, UNLIKE) if scored.any() else []
    left = np.flatnonzero(~scored)
    _mark(reasons, ~scored & (reasons == ""), "It could not be placed")
    progress.report(1.0, "Done")
    return Scored(segments=segments, second=second, distance=distance, fit=fit,
                  left_out=pd.Series(reasons[left], index=left, dtype=object),
                  notes=tuple(notes), drift=drift)


def _mark(reasons: np.ndarray, rows: np.ndarray, reason: str) -> None:
    """Give rows not yet left out this reason (the first reason found is the one kept)."""
    free = rows & (reasons == "")
    reasons[free] = reason


def _drift(drift: dict, column: str, values: np.ndarray, mean: float, spread: float) -> None:
    new_mean = float(values.mean()) if len(values) else float("nan")
    shift = (new_mean - mean) / spread if spread and math.isfinite(new_mean) else 0.0
    drift[column] = {"training_mean": mean, "new_mean": _finite(new_mean),
                     "shift_sd": _finite(shift), "drifted": bool(abs(shift) > DRIFT_SD)}


# --- who moved ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Migration:
    """How customers moved between a previous segment list and the new one, by their ID."""

    from_to: tuple[tuple[str, str, int], ...]  # (from, to, customers), largest flows first
    moved: int
    stayed: int
    new: int  # in the new file only
    gone: int  # in the previous file only
    previous: pd.Series  # previous segment name per row of the new file ("" when new)


LEFT_OUT = "(left out)"


def _require_column(table, column: str, what: str) -> None:
    if column not in table.raw.columns:
        known = ", ".join(f"'{name}'" for name in list(table.raw.columns)[:8])
        raise UserError(f"The {what} has no column '{column}' to match customers by. Its "
                        f"columns are {known}{', ...' if len(table.raw.columns) > 8 else ''}. "
                        "Choose the column that names each customer in both files (--id in the "
                        "score command).")


def _ids(table, column: str, what: str, agreeing: pd.Series | None = None) -> pd.Series:
    """The IDs of `table`; a UserError when one is listed twice, unless every listing of it
    has the same `agreeing` value (an order log's lines, each with its customer's segment)."""
    ids = table.raw[column].astype(str).str.strip()
    repeated = ids.duplicated(keep=False) & (ids != "")
    if agreeing is not None and repeated.any():
        disagree = pd.DataFrame({"id": ids[repeated], "value": agreeing[repeated]}).groupby(
            "id")["value"].nunique()
        repeated &= ids.isin(disagree.index[disagree > 1])
    duplicated = ids[repeated]
    if len(duplicated):
        example = duplicated.iloc[0]
        raise UserError(f"The {what} lists some customers more than once in '{column}' "
                        f"({len(duplicated.unique()):,} IDs, such as '{example}'), so who moved "
                        "cannot be told. Use a column that names each customer once.")
    return ids


def migration(model: SegmentationModel, new_table, scored: Scored, previous_table,
              id_column: str) -> Migration:
    """Who moved from which segment to which, matching the two files' customers by ID."""
    _require_column(new_table, id_column, "new file")
    _require_column(previous_table, id_column, "previous segment file")
    new_ids = _ids(new_table, id_column, "new file")
    raw = previous_table.raw
    if "Segment name" in raw.columns:
        old_names = raw["Segment name"].astype(str).str.strip()
    elif "Segment" in raw.columns:
        names = {str(segment.number): segment.name for segment in model.segments}
        old_names = raw["Segment"].astype(str).str.strip().map(names).fillna("")
    else:
        raise UserError("The previous segment file has no 'Segment' or 'Segment name' column. "
                        "Give --previous the segments.csv (or scored.csv) written for those "
                        "customers.")
    old_names = old_names.where(old_names != "", LEFT_OUT)
    # An order log's segments.csv lists a customer on each of their lines, with one segment.
    old_ids = _ids(previous_table, id_column, "previous segment file",
                   old_names if model.settings.orders.enabled else None)
    first = ~old_ids.duplicated()
    old_ids, old_names = old_ids[first], old_names[first]
    previous = dict(zip(old_ids, old_names))
    names = model.names()
    new_names = pd.Series([names.get(int(number), LEFT_OUT) for number in scored.segments],
                          index=new_table.raw.index)
    in_both = new_ids.isin(previous.keys()).to_numpy()
    before = new_ids[in_both].map(previous)
    after = new_names[in_both]
    flows = pd.DataFrame({"from": before.to_numpy(), "to": after.to_numpy()}).value_counts()
    from_to = tuple((str(source), str(target), int(count))
                    for (source, target), count in flows.items())
    moved = int((before.to_numpy() != after.to_numpy()).sum())
    return Migration(from_to=from_to, moved=moved, stayed=int(in_both.sum()) - moved,
                     new=int((~in_both).sum()),
                     gone=int((~old_ids.isin(set(new_ids))).sum()),
                     previous=new_ids.map(previous).fillna(""))
