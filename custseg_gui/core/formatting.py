"""Numbers and labels as a user reads them, the same in the window, charts and reports."""

from __future__ import annotations

import math
import textwrap


def format_number(value: float) -> str:
    """Few significant digits, thousands separated: 12,345 / 123 / 12.3 / 1.23."""
    if value is None or not math.isfinite(value):
        return "–"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1 or size == 0:
        return f"{value:.2f}".rstrip("0").rstrip(".") if size == 0 else f"{value:.2f}"
    return f"{value:.3g}"


def format_value(value: float, measure: str = "") -> str:
    """A value of a column as people write that kind of value: a year without a thousands
    separator (1893), a yes/no column's average as a share (6.8%), else format_number."""
    if value is None or not math.isfinite(value):
        return "–"
    if measure == "year":
        return f"{value:.0f}"
    if measure == "flag":
        return format_share(value)
    return format_number(value)


def format_share(share: float) -> str:
    return f"{share * 100:.1f}%"


def rfm_mix_words(shares: dict[str, float], most: int = 4) -> str:
    """`52.0% Champions, 44.0% Loyal customers, 3.0% Can't lose them`: a segment's mix of RFM
    segments, the largest shares first (the profiles, the PDF)."""
    ranked = sorted(((share, name) for name, share in shares.items() if share > 0),
                    key=lambda item: -item[0])
    return ", ".join(f"{format_share(share)} {name}" for share, name in ranked[:most]) + (
        ", ..." if len(ranked) > most else "")


def ordinal(number: float) -> str:
    """`1st`, `2nd`, `3rd`, `11th`, `99th`, `2.5th`: a percentile as people write it."""
    if float(number).is_integer():
        whole = int(number)
        suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
            whole % 10, "th")
        return f"{whole}{suffix}"
    return f"{number:g}th"


def segment_label(number: int, name: str) -> str:
    """How a segment is called in legends and tables: its name, with its number when named."""
    return name if name == f"Segment {number}" else f"{number}: {name}"


def wrap(text: str, width: int = 16) -> str:
    """Break a long column name over lines so axis labels do not collide (at spaces and after
    underscores, as in CASH_ADVANCE_FREQUENCY)."""
    lines = textwrap.wrap(text.replace("_", "_ "), width + 1, break_long_words=True)
    return "\n".join(line.replace("_ ", "_") for line in lines) or text
