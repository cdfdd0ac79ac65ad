"""Scoring in words: why a new customer got its segment, and what changed in the customers.

`customer_values` prepares one customer as core/model.py's `apply` prepares every row (the
same fill, cap, log scale and scaling, in the same order: a test checks that both give every
customer the same nearest and second nearest segment and distance). `explain` turns the
distances to every centre into a sentence: which segment is closest, how close the next one
is, and which columns pull the customer towards each. `drift_words` says in plain words how
the new customers differ from those the segments were found in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg_gui.core.formatting import format_number, format_share
from custseg_gui.core.model import DRIFT_SD, Feature, SegmentationModel
from custseg_gui.core.naming import concept, readable

# The second closest segment is "a close second" when it is at most this much farther than the
# closest, and "much farther" from the second ratio on.
CLOSE_SECOND, FAR_SECOND = 1.25, 2.0
# Columns named on each side of the sentence.
MAX_REASONS = 2
# A shift (in training spreads) below this reads "about the same".
SLIGHT_SHIFT = 0.2


# --- one customer, prepared ---------------------------------------------------------------------

def _number(value) -> float:
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and \
        str(value).strip() != ""


def customer_values(model: SegmentationModel, values: Mapping[str, object]) -> np.ndarray | None:
    """One customer's row of the model's matrix (scaled units), from its value of each feature
    (a number, or a category's text as written); None when the customer cannot be placed."""
    row: list[float] = []
    for feature in model.features:
        value = values.get(feature.name)
        if feature.kind == "category":
            text = str(value).strip() if _present(value) else None
            if text is None and feature.fill is not None:
                text = str(feature.fill)
            if text is None:
                return None
            row += [((1.0 if text == level else 0.0) - centre) / scale
                    for level, centre, scale in zip(feature.levels, feature.centre,
                                                    feature.scale)]
            continue
        number = _number(value) if _present(value) else math.nan
        if math.isinf(number):
            return None
        if math.isnan(number):
            if feature.fill is None or (_present(value)):
                return None  # a gap not filled, or text that is not a number
            number = float(feature.fill)
        if feature.cap is not None:
            number = min(max(number, feature.cap[0]), feature.cap[1])
        if feature.log:
            if number < 0:
                return None
            number = math.log(1.0 + number)
        row.append((number - feature.centre[0]) / feature.scale[0])
    return np.array(row, dtype=float)


def row_values(model: SegmentationModel, table, row: int) -> dict[str, object]:
    """A row's value of each feature as `customer_values` takes it: the number read, or a
    category's text as written (None where the cell is empty)."""
    values: dict[str, object] = {}
    for feature in model.features:
        typed = table.frame[feature.name].iloc[row]
        if feature.kind == "category":
            values[feature.name] = None if pd.isna(typed) else str(
                table.raw[feature.name].iloc[row])
        else:
            values[feature.name] = math.nan if pd.isna(typed) else _number(typed)
    return values


def centre_in_units(feature: Feature, scaled: np.ndarray) -> tuple[float, ...]:
    """A segment centre's coordinates of one feature back in the data's units (a category's:
    the share of each level)."""
    values = np.asarray(scaled, dtype=float) * np.array(feature.scale) + np.array(feature.centre)
    if feature.kind == "number" and feature.log:
        values = np.expm1(values)
    return tuple(float(value) for value in values)


# --- why this segment ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Explanation:
    closest: int  # segment numbers
    second: int
    distances: dict[int, float]  # to every segment's centre, nearest first
    like_closest: tuple[str, ...]  # the features that pull towards the closest segment
    like_second: tuple[str, ...]  # and towards the second
    unlike_any: bool  # farther from its centre than 99% of that segment's own customers
    text: str


def _slices(model: SegmentationModel) -> list[tuple[Feature, slice]]:
    slices, position = [], 0
    for feature in model.features:
        width = len(feature.columns)
        slices.append((feature, slice(position, position + width)))
        position += width
    return slices


def _shown_value(feature: Feature, value) -> str:
    if feature.kind == "category":
        return f"'{str(value).strip()}'" if _present(value) else "none"
    number = _number(value) if _present(value) else math.nan
    if not math.isfinite(number):
        return "none"
    # A whole number as the file writes it (84 days, not 84.0); others with few digits.
    return f"{int(number):,}" if number.is_integer() else format_number(number)


def _side(reasons: list[tuple[Feature, slice]], segment, shown) -> str:
    """`spend 14.5 and income 34.8 like Champions (their averages: 24.0 and 34.9)`: the customer's
    values of the features that pull it towards `segment`, beside that segment's averages."""
    values, averages = [], []
    for feature, part in reasons:
        value = shown.get(feature.name)
        in_units = centre_in_units(feature, np.array(segment.centre)[part])
        values.append(f"{readable(feature.name)} {_shown_value(feature, value)}")
        if feature.kind == "category":
            text = str(value).strip() if _present(value) else str(feature.fill or "")
            share = in_units[feature.levels.index(text)] if text in feature.levels else 0.0
            averages.append(f"{format_share(min(max(share, 0.0), 1.0))} '{text}'")
        else:
            averages.append(format_number(in_units[0]))
    label = "their averages" if len(averages) > 1 else "their average"
    return f"{' and '.join(values)} like {segment.name} ({label}: {' and '.join(averages)})"


def explain(model: SegmentationModel, prepared: np.ndarray,
            shown: Mapping[str, object] | None = None) -> Explanation:
    """Why a customer (its row of the matrix, `prepared`) has its segment, in words; `shown`:
    its values as written, quoted beside the segments' averages."""
    shown = shown or {}
    prepared = np.asarray(prepared, dtype=float)
    centres = model.centres
    squared = ((prepared[None, :] - centres) ** 2).sum(axis=1)
    order = np.argsort(squared, kind="stable")
    segments = [model.segments[position] for position in order]
    first, second = segments[0], segments[1]
    distances = {segment.number: float(math.sqrt(squared[position]))
                 for segment, position in zip(segments, order)}
    near, next_ = distances[first.number], distances[second.number]
    # Each feature's pull: how much nearer the customer is to one centre than the other on it.
    pulls = []
    for feature, part in _slices(model):
        to_first = float(((prepared[part] - np.array(first.centre)[part]) ** 2).sum())
        to_second = float(((prepared[part] - np.array(second.centre)[part]) ** 2).sum())
        pulls.append((to_second - to_first, feature, part))
    towards_first = [item for item in sorted(pulls, key=lambda p: -p[0]) if item[0] > 1e-9]
    towards_second = [item for item in sorted(pulls, key=lambda p: p[0]) if item[0] < -1e-9]
    like_first = towards_first[:MAX_REASONS]
    like_second = towards_second[:MAX_REASONS]
    unlike = near > first.reach

    opening = (f"Unlike any segment: farther from the centre of {first.name} than 99% of its "
               f"own customers (distance {format_number(near)}); {first.name} is still the "
               "closest. "
               if unlike else f"Closest to {first.name} (distance {format_number(near)}); ")
    ratio = next_ / near if near > 0 else math.inf
    if ratio <= CLOSE_SECOND:
        runner = f"{second.name} is a close second ({format_number(next_)})"
    elif ratio < FAR_SECOND:
        runner = f"{second.name} is next ({format_number(next_)})"
    else:
        runner = f"{second.name} is next but much farther away ({format_number(next_)})"
    reasons_first = [(f, p) for _pull, f, p in like_first]
    reasons_second = [(f, p) for _pull, f, p in like_second]
    if reasons_first and reasons_second:
        why = (f": {_side(reasons_first, first, shown)}, but "
               f"{_side(reasons_second, second, shown)}")
    elif reasons_first:
        why = f": nearer {first.name} on every column, most of all " + \
            _side(reasons_first, first, shown)
    else:
        why = ""
    others = [f"{segment.name} ({format_number(distances[segment.number])})"
              for segment in segments[2:]]
    farther = f" Farther: {', '.join(others)}." if others else ""
    text = f"{opening}{runner}{why}.{farther}"
    return Explanation(closest=first.number, second=second.number, distances=distances,
                       like_closest=tuple(f.name for _pull, f, _p in like_first),
                       like_second=tuple(f.name for _pull, f, _p in like_second),
                       unlike_any=unlike, text=text[0].upper() + text[1:])


# --- what changed in the customers -------------------------------------------------------------

# Per concept (core/naming.py), what the new customers do when the column is higher / lower:
# (verb, when higher, when lower).
_DRIFT_VERBS = {
    "income": ("earn", "more", "less"),
    "spending": ("spend", "more", "less"),
    "monetary": ("spend", "more", "less"),
    "age": ("are", "older", "younger"),
    "recency": ("bought", "longer ago", "more recently"),
    "frequency": ("buy", "more often", "less often"),
}


def drift_words(column: str, drift: Mapping[str, object]) -> str:
    """`Income: the new customers earn more (+0.8 spread)`: one line of scoring.json's drift
    in plain words, the shift in training spreads (standard deviations) beside it."""
    shift = drift.get("shift_sd")
    if drift.get("new_mean") is None or shift is None:
        return f"{column}: no values in the new customers to compare"
    figure = f"({round(shift, 1) or 0.0:+.1f} spread)"
    if abs(shift) < SLIGHT_SHIFT:
        return f"{column}: about the same {figure}"
    slightly = "" if drift.get("drifted") or abs(shift) > DRIFT_SD else "slightly "
    higher = shift > 0
    if " = " in column:  # a category's level, "Region = 1"
        name, level = column.split(" = ", 1)
        more = "more" if higher else "fewer"
        return (f"{column}: {slightly}{more} of the new customers have {readable(name)} "
                f"{level} {figure}")
    key = concept(column)
    if key == "age" and "birth" in column.lower():
        higher = not higher  # a later birth year is a younger customer
    if key in _DRIFT_VERBS:
        verb, up, down = _DRIFT_VERBS[key]
        return f"{column}: the new customers {verb} {slightly}{up if higher else down} {figure}"
    return (f"{column}: {slightly}{'higher' if higher else 'lower'} among the new customers "
            f"{figure}")
