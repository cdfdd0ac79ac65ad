"""The RFM grid: customers by R score (rows) and F score (columns), the 10 RFM segments outlined
and named (core/rfm.py declares them)."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from custseg_gui.core import rfm
from custseg_gui.core.charts.style import _empty, _fresh

# A pale fill per RFM segment, best (green) to worst (grey-blue), in the order of rfm.REGIONS.
REGION_FILLS = ("#B7E4C7", "#D8F3DC", "#E9F5DB", "#FFF3B0", "#FFE8A3", "#FDE2C8",
                "#F8D7C4", "#F4C2C2", "#E8B4BC", "#D6DEE8")
EDGE = "#333333"


def draw_rfm_grid(fig: Figure, r_scores: np.ndarray, f_scores: np.ndarray,
                  subject: str = "customers") -> None:
    """Customers in each of the 25 cells of R by F score, each RFM segment outlined with its
    name and its number of customers. `subject` says whose customers are counted."""
    _fresh(fig)
    if len(r_scores) == 0:
        _empty(fig, f"No {subject} to place on the RFM grid.")
        return
    counts = rfm.grid_counts(r_scores, f_scores)
    total = int(counts.sum())
    ax = fig.add_subplot()
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("auto")
    for position, region in enumerate(rfm.REGIONS):
        (r_low, r_high), (f_low, f_high) = region.r, region.f
        ax.add_patch(Rectangle((f_low - 0.5, r_low - 0.5), f_high - f_low + 1, r_high - r_low + 1,
                               facecolor=REGION_FILLS[position], edgecolor=EDGE, linewidth=2.2,
                               zorder=1))
        inside = int(sum(counts[r - 1, f - 1] for r, f in region.cells()))
        width = f_high - f_low + 1
        name = "\n".join(textwrap.wrap(region.name, 11 if width == 1 else 24))
        label = f"{name}\n{inside:,} ({_share(inside, total)})"
        ax.text((f_low + f_high) / 2, r_high + 0.44, label, ha="center", va="top",
                fontsize="small", fontweight="bold", color="#1A1A1A", zorder=3, linespacing=1.1)
    # The cells inside a segment: thin lines, the count of each cell near its foot.
    for r in rfm.SCORES:
        for f in rfm.SCORES:
            ax.add_patch(Rectangle((f - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="#FFFFFF",
                                   linewidth=0.8, zorder=2))
            count = counts[r - 1, f - 1]
            ax.text(f, r - 0.3, f"{count:,}", ha="center", va="center", fontsize="medium",
                    color="#333333" if count else "#999999", zorder=3)
    for region in rfm.REGIONS:  # the outlines again, above the cell lines
        (r_low, r_high), (f_low, f_high) = region.r, region.f
        ax.add_patch(Rectangle((f_low - 0.5, r_low - 0.5), f_high - f_low + 1, r_high - r_low + 1,
                               fill=False, edgecolor=EDGE, linewidth=2.2, zorder=2.5))
    ax.set_xticks(rfm.SCORES)
    ax.set_yticks(rfm.SCORES)
    ax.set_xlabel("F score: how often they bought (5 = most orders)")
    ax.set_ylabel("R score: how recently (5 = most recent)")
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("\n".join(textwrap.wrap(
        f"RFM segments of {total:,} {subject}: number in each cell of R and F score", 90)),
        fontsize="medium")


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.0f}%" if total else "0%"
