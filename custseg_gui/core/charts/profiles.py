"""What the segments are like: the profile heatmap, what sets them apart, spread per segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from custseg_gui.core.charts.style import (PALETTE, _empty, _fresh, fitting_font, segment_color,
                                           size_inches, wrap_to)
from custseg_gui.core.formatting import segment_label, wrap
from custseg_gui.core.insight import Insights


def draw_profile_heatmap(fig: Figure, insights: Insights, names: dict[int, str],
                         highlight: int | None = None) -> None:
    """Each segment's mean of each numeric column, coloured by how far it is from the average.

    With many columns the grid turns on its side (one row per column) so that long column
    names stay readable; the numbers are written in the cells while they fit.
    """
    _fresh(fig)
    columns = list(insights.numeric_columns)
    if not columns:
        _empty(fig, "No numeric columns to profile.")
        return
    ax = fig.add_subplot()
    means = np.array([[profile.means[c] for c in columns] for profile in insights.profiles])
    overall = np.array([insights.overall_means[c] for c in columns])
    spread = np.array([insights.overall_stds.get(c, np.nan) for c in columns])
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(spread > 0, (means - overall) / spread, 0.0)
    segment_names = [segment_label(p.number, names.get(p.number, p.name))
                     for p in insights.profiles]
    width, height = size_inches(fig)
    # Columns across while each has room for its label (about an inch); else on their side,
    # one row per column, so that long column names stay readable.
    sideways = len(columns) > 6 or width * 0.55 / len(columns) < 0.9
    grid = np.clip(np.nan_to_num(distance), -2, 2)
    image = ax.imshow(grid.T if sideways else grid, cmap="PuOr_r", vmin=-2, vmax=2,
                      aspect="auto")
    texts = [[insights.value_text(column, means[row, col]) for col, column in enumerate(columns)]
             for row in range(len(insights.profiles))]
    # The numbers are written in the cells at a size that fits the cells as drawn now, or not
    # at all: the grid has the width left by its row labels (about 5 points a character) and
    # the colour bar, and the height left by the titles.
    row_labels = [wrap(c, 30) for c in columns] if sideways else \
        [wrap(name, 26) for name in segment_names]
    label_width = max(len(line) for label in row_labels for line in label.split("\n")) * 5 / 72
    across, down = (len(insights.profiles), len(columns)) if sideways else \
        (len(columns), len(insights.profiles))
    grid_width = max(width - label_width - 1.2, 0.5)
    grid_height = max(height - 1.2, 0.5)
    font = fitting_font(grid_width / across, grid_height / down,
                        max(len(text) for row in texts for text in row))
    if font:
        for row in range(len(insights.profiles)):
            for col in range(len(columns)):
                x, y = (row, col) if sideways else (col, row)
                ax.text(x, y, texts[row][col], ha="center", va="center",
                        fontsize=font, color="white" if abs(distance[row, col]) > 1.2
                        else "black")
    column_labels = [wrap(c, (40 if len(columns) > 12 else 30) if sideways else 12)
                     for c in columns]
    if sideways:
        ax.set_yticks(range(len(columns)), column_labels,
                      fontsize="small" if len(columns) <= 12 else "x-small")
        ax.set_xticks(range(len(insights.profiles)),
                      [str(p.number) for p in insights.profiles])
        ax.set_xlabel("Segment (see the table for names)")
        if highlight is not None:
            ax.axvspan(highlight - 1.5, highlight - 0.5, fill=False, edgecolor="black",
                       linewidth=2)
    else:
        ax.set_xticks(range(len(columns)), column_labels, fontsize="small")
        ax.set_yticks(range(len(insights.profiles)), [wrap(name, 26) for name in segment_names],
                      fontsize="small")
        if highlight is not None:
            ax.axhspan(highlight - 1.5, highlight - 0.5, fill=False, edgecolor="black",
                       linewidth=2)
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("below ← average → above", fontsize="small")
    fig.suptitle(wrap_to(fig, "Segment averages compared with all customers"),
                 fontsize="medium")


def draw_importance(fig: Figure, insights: Insights) -> None:
    """How much of each feature's variation the segments explain (eta squared)."""
    _fresh(fig)
    importance = insights.feature_importance
    if not importance:
        _empty(fig, "No features to rank.")
        return
    ax = fig.add_subplot()
    names = list(importance)[:15]
    values = [importance[name] * 100 for name in names]
    bars = ax.barh(range(len(names)), values, color=PALETTE[0])
    ax.set_yticks(range(len(names)), [wrap(name, 24) for name in names],
                  fontsize="small" if len(names) <= 8 else "x-small")
    ax.invert_yaxis()
    for bar, value in zip(bars, values):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:.0f}%",
                va="center", fontsize="small")
    ax.set_xlim(0, 115)
    ax.set_xlabel("% explained")
    title = wrap_to(fig, "What sets the segments apart")
    if len(importance) > len(names):
        title += f"\n(top {len(names)} of {len(importance)} columns)"
    fig.suptitle(title, fontsize="medium")


def draw_segment_distributions(fig: Figure, frame: pd.DataFrame, row_segments: np.ndarray,
                               columns: list[str], names: dict[int, str],
                               max_charts: int = 9, max_rows: int = 50_000) -> None:
    """Box plots of each column per segment, so overlaps show and not only averages."""
    _fresh(fig)
    columns = columns[:max_charts]
    if not columns:
        _empty(fig, "No numeric columns to show.")
        return
    used = np.flatnonzero(row_segments > 0)
    if len(used) > max_rows:
        used = np.sort(np.random.default_rng(0).choice(used, max_rows, replace=False))
    segments = row_segments[used]
    numbers = sorted(names)
    width, _height = size_inches(fig)
    wide = width >= 6.5  # a narrow chart puts its legend below and fewer boxes in a row
    cols = min(3 if width >= 4.5 else 2, len(columns))
    rows = int(np.ceil(len(columns) / cols))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, column in zip(axes, columns):
        values = frame[column].to_numpy(dtype=float)[used]
        data = [values[(segments == number) & np.isfinite(values)] for number in numbers]
        boxes = ax.boxplot(data, patch_artist=True, showfliers=len(used) <= 5_000,
                           widths=0.6, medianprops={"color": "black"},
                           flierprops={"markersize": 2, "alpha": 0.4})
        for patch, number in zip(boxes["boxes"], numbers):
            patch.set_facecolor(segment_color(number))
            patch.set_alpha(0.8)
        ax.set_xticks(range(1, len(numbers) + 1), [str(number) for number in numbers],
                      fontsize="x-small")
        # Each small chart's title wraps to its own width (about 6 points a character).
        ax.set_title(wrap(column, max(8, int(width / cols * 72 * 0.8 / 6))), fontsize="small")
        ax.tick_params(axis="y", labelsize="x-small")
    for ax in axes[len(columns):]:
        ax.axis("off")
    handles = [Patch(facecolor=segment_color(n), label=segment_label(n, names[n])) for n in numbers]
    for handle in handles:
        handle.set_label(wrap(handle.get_label(), 24))
    fig.legend(handles=handles, loc="outside right upper" if wide else "outside lower center",
               ncols=1 if wide else 2, fontsize="small", title="Segments")
    fig.suptitle(wrap_to(fig, "Spread within each segment"), fontsize="medium")


# A segment's profile chart shows at most this many columns: those it differs on most.
PROFILE_COLUMNS = 8


def draw_segment_profile(fig: Figure, insights: Insights, number: int,
                         names: dict[int, str]) -> None:
    """One segment against the average: a bar per column (those it differs on most), how many
    standard deviations its mean is above or below all customers', in the segment's colour."""
    _fresh(fig)
    profile = next((p for p in insights.profiles if p.number == number), None)
    columns = [] if profile is None else sorted(
        (c for c in insights.numeric_columns if np.isfinite(profile.difference.get(c, np.nan))),
        key=lambda c: -abs(profile.difference[c]))[:PROFILE_COLUMNS]
    if not columns:
        _empty(fig, "No numeric columns to profile.")
        return
    ax = fig.add_subplot()
    differences = [float(np.clip(profile.difference[c], -3, 3)) for c in columns]
    colour = segment_color(number)
    rows = np.arange(len(columns))[::-1]
    ax.barh(rows, differences, color=colour, height=0.6)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_yticks(rows, [wrap(column, 24) for column in columns], fontsize="small")
    limit = max(1.0, max(abs(d) for d in differences) * 1.15)
    ax.set_xlim(-limit, limit)
    ax.set_xlabel("Below average  ←  standard deviations  →  above average", fontsize="small")
    ax.tick_params(axis="x", labelsize="small")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    # Over the whole figure: the long column names take the axes' left part.
    fig.suptitle(wrap_to(fig, segment_label(number, names.get(number, profile.name)), 11),
                 color=colour, fontsize=11, x=0.02, ha="left")
