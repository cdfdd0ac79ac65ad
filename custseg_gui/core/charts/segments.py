"""The segments: the scatter of customers (two columns or the PCA map) and the sizes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from custseg_gui.core.charts.style import MUTED, _fresh, segment_color, size_inches
from custseg_gui.core.formatting import segment_label, wrap
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.segment import Segmentation

PCA_VIEW = "Map (PCA)"
# Above this many customers a scatter draws a random sample: more points add ink, not insight,
# and drawing them would make the window stutter.
MAX_SCATTER_POINTS = 20_000


@dataclass(frozen=True)
class ScatterData:
    """What a segment scatter draws: coordinates of (a sample of) the customers and centres."""

    x: np.ndarray
    y: np.ndarray
    segments: np.ndarray  # segment number per point
    rows: np.ndarray  # used-row position per point
    centres_x: np.ndarray
    centres_y: np.ndarray
    x_label: str
    y_label: str
    total: int  # customers in the analysis

    @property
    def sampled(self) -> bool:
        return len(self.x) < self.total


def default_axes(prepared: PreparedData, importance: dict[str, float]) -> tuple[str, str]:
    """The two features that tell the segments apart best (in file order), else the PCA map."""
    features = [name for name in prepared.matrix_columns if name in prepared.settings.features]
    ranked = [name for name in importance if name in features]
    if len(ranked) >= 2:
        first, second = sorted(ranked[:2], key=features.index)
        return first, second
    if len(prepared.matrix_columns) >= 2:
        return PCA_VIEW, ""
    return features[0], ""


def scatter_data(prepared: PreparedData, segmentation: Segmentation, x_column: str,
                 y_column: str | None = None, seed: int = 0,
                 max_points: int = MAX_SCATTER_POINTS) -> ScatterData:
    """Coordinates for the scatter: two features in original units, or the PCA map of all."""
    total = len(segmentation.labels)
    rows = np.arange(total)
    if total > max_points:
        rows = np.sort(np.random.default_rng(seed).choice(total, max_points, replace=False))
    if x_column == PCA_VIEW:
        from sklearn.decomposition import PCA

        fit_rows = rows if len(rows) <= 50_000 else rows[:50_000]
        pca = PCA(n_components=2, random_state=seed).fit(prepared.matrix[fit_rows])
        points = pca.transform(prepared.matrix[rows])
        centres = pca.transform(segmentation.centres_scaled)
        share = pca.explained_variance_ratio_
        return ScatterData(points[:, 0], points[:, 1], segmentation.labels[rows], rows,
                           centres[:, 0], centres[:, 1],
                           f"Map axis 1 ({share[0]:.0%} of the differences)",
                           f"Map axis 2 ({share[1]:.0%} of the differences)", total)
    columns = list(prepared.matrix_columns)
    original = prepared.to_original(prepared.matrix[rows])
    xi = columns.index(x_column)
    if not y_column:
        # One column only: spread customers vertically at random so they do not hide each other.
        jitter = np.random.default_rng(seed).uniform(-1, 1, len(rows))
        return ScatterData(original[:, xi], jitter, segmentation.labels[rows], rows,
                           segmentation.centres[x_column].to_numpy(),
                           np.zeros(segmentation.k), x_column,
                           "(spread out at random for visibility)", total)
    yi = columns.index(y_column)
    return ScatterData(original[:, xi], original[:, yi], segmentation.labels[rows], rows,
                       segmentation.centres[x_column].to_numpy(),
                       segmentation.centres[y_column].to_numpy(), x_column, y_column, total)


def draw_segments(fig: Figure, data: ScatterData, names: dict[int, str],
                  highlight: int | None = None) -> list:
    """Customers coloured by segment, centres marked. Returns the legend's handles, in order."""
    _fresh(fig)
    ax = fig.add_subplot()
    size = 5 if len(data.x) <= 2_000 else (3 if len(data.x) <= 10_000 else 1.5)
    wide = size_inches(fig)[0] >= 6.5
    handles = []
    for number in sorted(names):
        members = data.segments == number
        faded = highlight is not None and number != highlight
        # One plot() call per segment: far faster than scatter(c=...) for many points.
        (line,) = ax.plot(data.x[members], data.y[members], linestyle="none", marker="o",
                          markersize=size, markeredgewidth=0, color=segment_color(number),
                          alpha=0.12 if faded else 0.75,
                          label=wrap(segment_label(number, names[number]), 28 if wide else
                                     max(16, int(size_inches(fig)[0] * 72 / 2 / 7) - 6)),
                          gid=f"segment-{number}")
        handles.append(line)
    ax.plot(data.centres_x, data.centres_y, linestyle="none", marker="X", markersize=12,
            color="white", markeredgecolor="black", markeredgewidth=1.2, label="_centres")
    ax.set_xlabel(data.x_label)
    ax.set_ylabel(data.y_label)
    width, _height = size_inches(fig)
    # On a wide chart the legend stands at the right; on a narrow one (a small window) below,
    # so the customers keep most of the room. The title wraps to the width it has.
    room = int((width * (0.6 if wide else 0.85)) * 72 / (12 * 0.55))
    title = "Customers by segment (X: centre)"
    if data.sampled:
        title += f". A random {len(data.x):,} of {data.total:,} customers shown"
    ax.set_title(wrap(title, max(room, 20)))
    ax.grid(alpha=0.25)
    legend = fig.legend(handles=handles, loc="outside right upper" if wide else
                        "outside lower center", ncols=1 if wide else 2, fontsize="small",
                        title="Segments", markerscale=max(1.0, 6 / size))
    for legend_line in legend.get_lines():
        legend_line.set_alpha(1.0)
    return handles


def draw_sizes(fig: Figure, segmentation: Segmentation, names: dict[int, str],
               highlight: int | None = None) -> None:
    """How many customers each segment holds, largest first.

    Each segment's name sits above its bar, across the whole width, so a narrow panel still
    has room for long names and for counts in the millions.
    """
    _fresh(fig)
    ax = fig.add_subplot()
    numbers = list(range(1, segmentation.k + 1))
    total = sum(segmentation.sizes)
    largest = max(segmentation.sizes)
    colours = [segment_color(n) if highlight in (None, n) else MUTED for n in numbers]
    bars = ax.barh(range(len(numbers)), segmentation.sizes, height=0.45, color=colours)
    # Names wrap to the chart's width (about 7 points a character at "small").
    room = max(16, int(size_inches(fig)[0] * 72 * 0.85 / 6.2))
    for position, (number, bar, size) in enumerate(zip(numbers, bars, segmentation.sizes)):
        label = wrap(segment_label(number, names.get(number, f"Segment {number}")), room)
        ax.text(0, position - 0.26, label, va="bottom", ha="left", fontsize="small")
        # Long bars carry their count inside, so it never runs past the axes.
        inside = size > 0.55 * largest
        ax.text(bar.get_width(), position, f" {size:,} ({size / total:.0%}) ", va="center",
                ha="right" if inside else "left", fontsize="small",
                color="white" if inside else "black")
    ax.set_yticks([])
    ax.set_ylim(len(numbers) - 0.5, -0.85)  # top to bottom, room for the first name
    ax.set_xlim(0, largest * 1.05)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.set_xlabel("Customers")
    ax.set_title("Segment sizes")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
