"""RFM scores and the RFM segment grid, declared once: the order stage, the profiles, the grid
chart and the exports all read them here.

A score runs from 1 to 5: 1 + floor(5 x (customers with a strictly worse value) / customers).
A 5 beats at least 80% of the customers, and customers with equal values share a score. For
recency fewer days is better; for frequency and net spend more is better.

The RFM segment comes from the R and F scores by the common 10-segment grid. Every segment is
a rectangle of the 5 x 5 grid (Loyal customers and Potential loyalists span two rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Region:
    """One RFM segment: its name, the R and F scores it covers (inclusive) and what it means."""

    name: str
    r: tuple[int, int]
    f: tuple[int, int]
    meaning: str

    def cells(self) -> list[tuple[int, int]]:
        """(R, F) of every cell of the grid in this segment."""
        return [(r, f) for r in range(self.r[0], self.r[1] + 1)
                for f in range(self.f[0], self.f[1] + 1)]


# Best first: the order of every list of RFM segments (profiles, summary.json, charts).
REGIONS = (
    Region("Champions", (5, 5), (4, 5), "bought recently and often"),
    Region("Loyal customers", (3, 4), (4, 5), "buy often, and not long ago"),
    Region("Potential loyalists", (4, 5), (2, 3), "recent customers who came back"),
    Region("New customers", (5, 5), (1, 1), "bought for the first time very recently"),
    Region("Promising", (4, 4), (1, 1), "bought once, recently"),
    Region("Need attention", (3, 3), (3, 3), "average recency and frequency"),
    Region("About to sleep", (3, 3), (1, 2), "bought rarely, and a while ago"),
    Region("At risk", (1, 2), (3, 4), "used to buy often, but not for a long time"),
    Region("Can't lose them", (1, 2), (5, 5), "were among the most frequent, long ago"),
    Region("Hibernating", (1, 2), (1, 2), "bought rarely, long ago"),
)
RFM_SEGMENTS = tuple(region.name for region in REGIONS)

# GRID[r - 1, f - 1] is the position in REGIONS of the segment of scores (r, f).
GRID = np.full((5, 5), -1, dtype=np.int8)
for _position, _region in enumerate(REGIONS):
    for _r, _f in _region.cells():
        assert GRID[_r - 1, _f - 1] == -1, "the RFM segments must not overlap"
        GRID[_r - 1, _f - 1] = _position
assert (GRID >= 0).all(), "every cell of the RFM grid must belong to a segment"


def scores(values: np.ndarray, fewer_is_better: bool = False) -> np.ndarray:
    """The 1-5 score of each value: 1 + floor(5 x (values strictly worse) / values)."""
    values = np.asarray(values, dtype=float)
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=np.int8)
    ordered = np.sort(values)
    if fewer_is_better:  # worse = more days
        worse = count - np.searchsorted(ordered, values, side="right")
    else:
        worse = np.searchsorted(ordered, values, side="left")
    return (1 + (5 * worse.astype(np.int64)) // count).astype(np.int8)


def segment_codes(r_scores: np.ndarray, f_scores: np.ndarray) -> np.ndarray:
    """The position in RFM_SEGMENTS of each customer's segment, from their R and F scores."""
    return GRID[np.asarray(r_scores, dtype=np.int64) - 1, np.asarray(f_scores, dtype=np.int64) - 1]


def segment_of(r: int, f: int) -> str:
    """The RFM segment of one pair of scores."""
    return RFM_SEGMENTS[GRID[r - 1, f - 1]]


def counts(codes: np.ndarray) -> dict[str, int]:
    """Customers per RFM segment, every segment named, best first."""
    numbers = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(REGIONS))
    return {name: int(number) for name, number in zip(RFM_SEGMENTS, numbers)}


def shares(codes: np.ndarray) -> dict[str, float]:
    """The share (0..1) of each RFM segment among these customers, best first."""
    numbers = counts(codes)
    total = sum(numbers.values())
    return {name: (number / total if total else 0.0) for name, number in numbers.items()}


def grid_counts(r_scores: np.ndarray, f_scores: np.ndarray) -> np.ndarray:
    """Customers in each cell of the 5 x 5 grid: [r - 1, f - 1]."""
    cells = (np.asarray(r_scores, dtype=np.int64) - 1) * 5 + np.asarray(f_scores,
                                                                        dtype=np.int64) - 1
    return np.bincount(cells, minlength=25).reshape(5, 5)


def mix(codes: np.ndarray, row_segments: np.ndarray, k: int) -> dict[int, dict[str, float]]:
    """Each segment's mix of RFM segments: segment number -> RFM segment -> share (0..1).

    `row_segments` is each customer's segment number (0: left out)."""
    codes = np.asarray(codes, dtype=np.int64)
    table = np.zeros((k + 1, len(REGIONS)))
    np.add.at(table, (np.asarray(row_segments, dtype=np.int64), codes), 1)
    totals = table.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = np.where(totals > 0, table / totals, 0.0)
    return {number: dict(zip(RFM_SEGMENTS, (float(share) for share in table[number])))
            for number in range(1, k + 1)}
