"""Data health: what each column holds, what may mislead the segments, and one-click fixes.

Fixes never touch the file: they are analysis settings (AnalysisSettings.log / cap /
categories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg_gui.core.columns import COUNT, FLAG, YEAR, ColumnInfo, Role
from custseg_gui.core.formatting import format_value, ordinal
from custseg_gui.core.settings import CAP_PERCENTILES, AnalysisSettings
from custseg_gui.core.sources import LoadedTable

# A money-like column this skewed is dominated by a few large customers.
SKEWED = 2.0
# Tukey's far-out fences: beyond 3 interquartile ranges from the quartiles.
FAR_OUT = 3.0
MAX_CODE_VALUES = 10


@dataclass(frozen=True)
class Fix:
    """A change to the analysis that answers a warning."""

    kind: str  # "log", "cap" or "category"
    column: str
    percentiles: tuple[float, float] = CAP_PERCENTILES  # of a cap

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.column

    @property
    def label(self) -> str:
        """What the user ticks."""
        if self.kind == "log":
            return f"Use a log scale for {self.column}"
        if self.kind == "cap":
            low, high = self.percentiles
            return (f"Cap extreme values of {self.column} at the {ordinal(low)} and "
                    f"{ordinal(high)} percentiles")
        return f"Treat {self.column} as categories"


def settings_fixes(settings: AnalysisSettings) -> list[Fix]:
    """The fixes chosen in these settings, caps with their own percentiles."""
    return ([Fix("log", name) for name in settings.log]
            + [Fix("cap", cap.column, (cap.low, cap.high)) for cap in settings.cap]
            + [Fix("category", name) for name in settings.categories])


@dataclass(frozen=True)
class ColumnHealth:
    name: str
    role: str
    kind: str  # "number", "date", "text"
    unit: str
    missing: int
    distinct: int
    minimum: float | None
    median: float | None
    maximum: float | None
    skewness: float | None
    extremes: int
    warnings: tuple[str, ...]
    fixes: tuple[Fix, ...]
    measure: str = ""  # columns.FLAG, COUNT, YEAR or "": how its values are written


def placeholders(values: np.ndarray) -> np.ndarray:
    """Values that look typed where the real one was unknown: one digit repeated four or more
    times (9999, 666666), or 12345..., or -1 in a column otherwise never negative. (The caller
    keeps those that stand out from the column's other values.)"""
    whole = values[np.mod(values, 1) == 0]
    texts = np.unique(np.abs(whole).astype(np.int64).astype(str))
    typed = [int(text) for text in texts if len(text) >= 4 and (len(set(text)) == 1
                                                                 or "123456789".startswith(text))]
    found = np.isin(np.abs(values), typed) & (np.mod(values, 1) == 0)
    if (values == -1).any() and (values[values != -1] >= 0).all():
        found |= values == -1
    return np.unique(values[found])


def _number_health(name: str, values: pd.Series, info: ColumnInfo):
    present = values.dropna().to_numpy(dtype=float)
    present = present[np.isfinite(present)]
    if len(present) == 0:
        return None, None, None, None, 0, [], []
    q1, median, q3 = np.percentile(present, [25, 50, 75])
    spread = q3 - q1
    far_out = ((present < q1 - FAR_OUT * spread) | (present > q3 + FAR_OUT * spread)) \
        if spread > 0 else np.zeros(len(present), dtype=bool)
    extremes = int(far_out.sum())
    skew = float(pd.Series(present).skew()) if len(present) > 2 else 0.0
    warnings, fixes = [], []
    # A yes/no column is a share, not an amount: neither lopsided nor extreme in any way that
    # would mislead the segments.
    amount = info.role is Role.NUMERIC and info.measure != FLAG
    if amount and np.isfinite(skew) and skew > SKEWED and present.min() >= 0:
        warnings.append(f"Lopsided: a few customers have much larger values than the rest "
                        f"(skewness {skew:.1f}) and would dominate the segments. A log scale "
                        "evens this out.")
        fixes.append(Fix("log", name))
    if amount and extremes:
        largest = present[np.argmax(np.abs(present - median))]
        warnings.append(f"{extremes:,} far-out value{'s' if extremes > 1 else ''} (such as "
                        f"{format_value(largest, info.measure)}): they can pull a segment of "
                        "their own.")
        fixes.append(Fix("cap", name))
    # A typed stand-in matters where it stands out: far out, or all nines (9999, 99999).
    typed = placeholders(present) if amount else np.array([])
    if len(typed) and spread > 0:
        fences = (q1 - FAR_OUT * spread, q3 + FAR_OUT * spread)
        nines = np.array([set(f"{abs(value):.0f}") == {"9"} for value in typed])
        typed = typed[nines | (typed < fences[0]) | (typed > fences[1])]
    if len(typed):
        count = int(np.isin(present, typed).sum())
        shown = ", ".join(format_value(value, info.measure) for value in typed[:3])
        warnings.append(f"{shown} look{'s' if len(typed) == 1 else ''} like a placeholder typed "
                        f"where the real value was unknown ({count:,} customer"
                        f"{'s' if count > 1 else ''}): check it in your system; capping extreme "
                        "values limits its pull.")
        if not any(fix.kind == "cap" for fix in fixes):
            fixes.append(Fix("cap", name))
    whole = bool(np.all(np.mod(present, 1) == 0))
    if info.role is Role.NUMERIC and whole and 2 < info.distinct <= MAX_CODE_VALUES and \
            info.measure not in (FLAG, COUNT, YEAR):
        codes = ", ".join(f"{value:.0f}" for value in np.unique(present)[:5])
        warnings.append(f"Only {info.distinct} different whole numbers ({codes}): if they are "
                        "codes (like regions), treat them as categories, not amounts.")
        fixes.append(Fix("category", name))
    return present.min(), median, present.max(), skew, extremes, warnings, fixes


def column_health(table: LoadedTable, columns: tuple[ColumnInfo, ...]) -> tuple[ColumnHealth, ...]:
    """One health record per column, in file order."""
    records, frame = [], table.customer_frame()  # a total row is no customer's value
    for info in columns:
        values = frame[info.name]
        if pd.api.types.is_datetime64_any_dtype(values):
            kind = "date"
        elif pd.api.types.is_numeric_dtype(values):
            kind = "number"
        else:
            kind = "text"
        warnings: list[str] = []
        fixes: list[Fix] = []
        minimum = median = maximum = skew = None
        extremes = 0
        if kind == "number":
            minimum, median, maximum, skew, extremes, warnings, fixes = _number_health(
                info.name, values, info)
        if info.missing:
            share = info.missing / max(len(values), 1)
            warnings.insert(0, f"{info.missing:,} missing value{'s' if info.missing > 1 else ''} "
                               f"({share:.0%}).")
        if info.reason:
            warnings.insert(0, f"Not usable: {info.reason}")
        elif info.left_out_by_default:
            warnings.append(f"Not ticked by the usual choice: {info.left_out_by_default}")
        records.append(ColumnHealth(
            name=info.name, role=info.role_text, kind=kind, measure=info.measure,
            unit=table.report.units.get(info.name, ""), missing=info.missing,
            distinct=info.distinct, minimum=minimum, median=median, maximum=maximum,
            skewness=skew, extremes=extremes, warnings=tuple(warnings), fixes=tuple(fixes)))
    return tuple(records)
