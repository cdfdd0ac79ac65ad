"""Who moved: a transition grid from each previous segment to each new one, with counts.

One row per segment the customers had before (and one for the customers new this time), one
column per segment they have now; each cell counts the customers, shaded in the new segment's
colour by the share of its row, and the cells of customers who stayed are outlined. Segment
colours are those of the training report (the segmentation's own).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from custseg_gui.core.charts.style import MUTED, _empty, _fresh, fitting_font, wrap_to
from custseg_gui.core.formatting import format_share, wrap

NEW_ROW = "New customers"
LEFT_OUT = "(left out)"  # as core/model.py names a customer without a segment


@dataclass(frozen=True)
class MovementGrid:
    rows: tuple[str, ...]  # previous segment names, then NEW_ROW
    columns: tuple[str, ...]  # new segment names (and LEFT_OUT when some were)
    counts: np.ndarray  # customers per (row, column)
    colours: dict[str, str]  # segment name -> its colour
    moved: int
    stayed: int
    new: int
    gone: int

    def count(self, before: str, after: str) -> int:
        return int(self.counts[self.rows.index(before), self.columns.index(after)])


def movement_grid(scoring) -> MovementGrid | None:
    """The grid of a scoring result (core/scoring.ScoringResult) scored with previous
    segments; None without them."""
    migration = scoring.migration
    if migration is None:
        return None
    model = scoring.model
    names = [segment.name for segment in model.segments]
    colours = {segment.name: segment.colour for segment in model.segments}
    by_number = model.names()
    # The customers new this time: their segment now.
    new_rows = migration.previous.to_numpy() == ""
    arrivals = Counter(by_number.get(int(number), LEFT_OUT)
                       for number in scoring.scored.segments[new_rows])
    flows = {(source, target): count for source, target, count in migration.from_to}
    earlier = names + sorted({source for source, _target in flows if source not in names})
    later = names + sorted({target for _source, target in flows if target not in names}
                           | {target for target in arrivals if target not in names})
    rows = tuple(earlier) + (NEW_ROW,)
    counts = np.zeros((len(rows), len(later)), dtype=np.int64)
    for (source, target), count in flows.items():
        counts[rows.index(source), later.index(target)] = count
    for target, count in arrivals.items():
        counts[len(rows) - 1, later.index(target)] = count
    return MovementGrid(rows=rows, columns=tuple(later), counts=counts, colours=colours,
                        moved=migration.moved, stayed=migration.stayed, new=migration.new,
                        gone=migration.gone)


def movement_title(grid: MovementGrid) -> str:
    return (f"Who moved: {grid.stayed:,} customers stayed in their segment, {grid.moved:,} moved "
            f"to another, {grid.new:,} are new and {grid.gone:,} are gone (in the previous "
            "file only)")


def draw_movement(fig: Figure, grid: MovementGrid | None) -> None:
    """The transition grid; a message when there are no previous segments to compare with."""
    if grid is None:
        _empty(fig, "Who moved between segments shows here when you assign segments with a "
                    "previous segment file (File > Assign segments to new customers...).")
        return
    _fresh(fig)
    ax = fig.add_subplot()
    rows, columns, counts = grid.rows, grid.columns, grid.counts
    width_in = fig.bbox.width / fig.dpi
    height_in = fig.bbox.height / fig.dpi
    cell_w = width_in * 0.7 / max(len(columns), 1)
    cell_h = height_in * 0.65 / max(len(rows), 1)
    # Roomy cells show the count and its share of the row on two lines, others the count alone.
    two_lines = cell_h > 0.35
    font = fitting_font(cell_w, cell_h / (2 if two_lines else 1), 9, largest=10.0,
                        smallest=6.0) or 6.0
    totals = counts.sum(axis=1)
    for row, source in enumerate(rows):
        for column, target in enumerate(columns):
            count = int(counts[row, column])
            share = count / totals[row] if totals[row] else 0.0
            colour = grid.colours.get(target, MUTED)
            ax.add_patch(Rectangle((column, row), 1, 1, facecolor=to_rgba(colour, 0.08 + 0.8 *
                                                                             share),
                                   edgecolor="white", linewidth=1.5))
            if source == target:  # stayed: outlined
                ax.add_patch(Rectangle((column + 0.04, row + 0.04), 0.92, 0.92, fill=False,
                                       edgecolor="#222222", linewidth=1.6))
            if count:
                dark = share > 0.5
                label = f"{count:,}\n{format_share(share)}" if two_lines else f"{count:,}"
                ax.text(column + 0.5, row + 0.5, label, ha="center", va="center",
                        fontsize=font, color="white" if dark else "#222222",
                        gid=f"cell:{source}->{target}")
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)
    # The labels are texts of their own (tick labels are remade when the chart is drawn, and
    # would lose the segments' colours).
    label_chars = max(10, int(cell_w * 72 / (font * 0.6)))
    for column, name in enumerate(columns):
        ax.text(column + 0.5, -0.08, wrap(name, label_chars), ha="center", va="bottom",
                fontsize=font, color=grid.colours.get(name, "#444444"), gid=f"column:{name}",
                clip_on=False)
    for row, (name, total) in enumerate(zip(rows, totals)):
        ax.text(-0.08, row + 0.5, f"{name} ({int(total):,})", ha="right", va="center",
                fontsize=font, color=grid.colours.get(name, "#444444"), gid=f"row:{name}",
                clip_on=False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Segment now", fontsize=font + 1, pad=font * 3.2)
    ax.text(-0.08, -0.08, "Segment before (customers)", ha="right", va="bottom",
            fontsize=font + 1, clip_on=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    fig.suptitle(wrap_to(fig, movement_title(grid), 10.0), fontsize=10.0)
