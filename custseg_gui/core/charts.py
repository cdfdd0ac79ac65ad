"""One function per chart, drawing into a matplotlib Figure: the window and the reports share them.

Each draw function clears the figure it is given and never uses pyplot, so it is safe for an
embedded canvas and for a PDF page alike. Every segment keeps one colour everywhere, from a
colour-blind safe palette (Okabe and Ito, then Tol's muted set).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from custseg_gui.core.formatting import format_number, segment_label, wrap
from custseg_gui.core.insight import Insights
from custseg_gui.core.ksearch import KSearchResult
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.segment import Segmentation

# Column names come from users' files: "Spend ($) and Income ($)" must print as written, not
# as math text between the dollar signs.
matplotlib.rcParams["text.parse_math"] = False

PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#B8A100", "#000000",
    "#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#117733", "#88CCEE", "#DDCC77",
)
MUTED = "#B0B0B0"
ACCENT = "#D55E00"
PCA_VIEW = "Map (PCA)"
# Above this many customers a scatter draws a random sample: more points add ink, not insight,
# and drawing them would make the window stutter.
MAX_SCATTER_POINTS = 20_000


def segment_color(number: int) -> str:
    """The colour of segment `number` (1-based) in every chart."""
    return PALETTE[(number - 1) % len(PALETTE)]


def _fresh(fig: Figure):
    """Clear a figure (or a region of a report page) for a new chart."""
    fig.clear()
    if hasattr(fig, "set_layout_engine"):  # a report page's region lays out with its page
        fig.set_layout_engine("constrained")


def _empty(fig: Figure, message: str) -> None:
    _fresh(fig)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="#555555")


# --- how many segments ----------------------------------------------------------------------

def draw_elbow(fig: Figure, search: KSearchResult, chosen_k: int | None = None) -> None:
    """Inertia against k, with the knee and the chosen k marked."""
    _fresh(fig)
    ax = fig.add_subplot()
    ks = [score.k for score in search.scores]
    inertias = [score.inertia for score in search.scores]
    ax.plot(ks, inertias, marker="o", color=PALETTE[0], label="Spread within segments")
    if search.knee is not None:
        ax.axvline(search.knee, color=MUTED, linestyle="--", label=f"Elbow at {search.knee}")
    if chosen_k is not None and search.score(chosen_k) is not None:
        ax.plot([chosen_k], [search.score(chosen_k).inertia], marker="o", markersize=13,
                markerfacecolor="none", markeredgecolor=ACCENT, markeredgewidth=2,
                linestyle="none", label=f"Chosen: {chosen_k}")
    ax.set_xticks(ks)
    ax.set_xlabel("Number of segments")
    ax.set_ylabel("Spread within segments")
    ax.set_title("Elbow chart: spread of customers within their segments (inertia)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")


def _draw_silhouette_scores(ax, search: KSearchResult, chosen_k: int | None) -> None:
    ks = [score.k for score in search.scores]
    values = [score.silhouette for score in search.scores]
    ax.plot(ks, values, marker="o", color=PALETTE[2], label="Mean silhouette")
    if search.silhouette_sample_size:
        # An estimate: show its 95% interval.
        low = [score.silhouette - score.silhouette_low for score in search.scores]
        high = [score.silhouette_high - score.silhouette for score in search.scores]
        ax.errorbar(ks, values, yerr=[low, high], fmt="none", ecolor=PALETTE[2], capsize=3,
                    label="95% interval")
    best = search.score(search.recommended_k)
    ax.plot([best.k], [best.silhouette], marker="*", markersize=16, color=ACCENT,
            linestyle="none", label=f"Recommended: {best.k}")
    if chosen_k is not None and chosen_k != best.k and search.score(chosen_k) is not None:
        ax.plot([chosen_k], [search.score(chosen_k).silhouette], marker="o", markersize=13,
                markerfacecolor="none", markeredgecolor="#333333", markeredgewidth=2,
                linestyle="none", label=f"Chosen: {chosen_k}")
    ax.set_xticks(ks)
    ax.set_xlabel("Number of segments")
    ax.set_ylabel("Mean silhouette (higher is better)")
    title = "Silhouette by number of segments"
    if search.silhouette_sample_size:
        title += f"\n(estimated on {search.silhouette_sample_size:,} customers)"
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")


def _draw_silhouette_knife(ax, segmentation: Segmentation, names: dict[int, str]) -> None:
    values, labels = segmentation.silhouette_values, segmentation.labels
    scored = np.isfinite(values)
    bottom, gap = 0, max(2, int(scored.sum() * 0.01))
    ticks, tick_labels = [], []
    for number in range(1, segmentation.k + 1):
        members = np.sort(values[scored & (labels == number)])
        if len(members) == 0:
            continue
        rows = np.arange(bottom, bottom + len(members))
        ax.fill_betweenx(rows, 0, members, color=segment_color(number), linewidth=0)
        ticks.append(bottom + len(members) / 2)
        label = segment_label(number, names.get(number, f"Segment {number}"))
        tick_labels.append(label if len(label) <= 26 else label[:25] + "…")
        bottom += len(members) + gap
    if np.isfinite(segmentation.silhouette):
        ax.axvline(segmentation.silhouette, color="#333333", linestyle="--",
                   label=f"Mean {segmentation.silhouette:.2f}")
        ax.legend(loc="lower right", fontsize="small")
    ax.set_yticks(ticks, tick_labels, fontsize="small")
    ax.set_ylim(0, max(bottom, 1))
    ax.invert_yaxis()
    ax.set_xlim(min(-0.2, float(np.nanmin(values)) if scored.any() else 0), 1)
    ax.set_xlabel("Silhouette of each customer")
    ax.set_title(f"How well each customer fits ({segmentation.k} segments)")


def draw_silhouette(fig: Figure, search: KSearchResult, segmentation: Segmentation | None,
                    names: dict[int, str], chosen_k: int | None = None) -> None:
    """Mean silhouette against k; beside it, each customer's silhouette at the chosen k."""
    _fresh(fig)
    if segmentation is None:
        _draw_silhouette_scores(fig.add_subplot(), search, chosen_k)
        return
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.15])
    _draw_silhouette_scores(left, search, chosen_k or segmentation.k)
    _draw_silhouette_knife(right, segmentation, names)


# --- the segments ----------------------------------------------------------------------------

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
    handles = []
    for number in sorted(names):
        members = data.segments == number
        faded = highlight is not None and number != highlight
        # One plot() call per segment: far faster than scatter(c=...) for many points.
        (line,) = ax.plot(data.x[members], data.y[members], linestyle="none", marker="o",
                          markersize=size, markeredgewidth=0, color=segment_color(number),
                          alpha=0.12 if faded else 0.75,
                          label=wrap(segment_label(number, names[number]), 28),
                          gid=f"segment-{number}")
        handles.append(line)
    ax.plot(data.centres_x, data.centres_y, linestyle="none", marker="X", markersize=12,
            color="white", markeredgecolor="black", markeredgewidth=1.2, label="_centres")
    ax.set_xlabel(data.x_label)
    ax.set_ylabel(data.y_label)
    title = "Customers by segment (X: centre)"
    if data.sampled:  # wrapped to the first line's width: it must not run under the legend
        title += "\n" + wrap(f"a random {len(data.x):,} of {data.total:,} customers shown", 34)
    ax.set_title(title)
    ax.grid(alpha=0.25)
    legend = fig.legend(handles=handles, loc="outside right upper", fontsize="small",
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
    for position, (number, bar, size) in enumerate(zip(numbers, bars, segmentation.sizes)):
        label = wrap(segment_label(number, names.get(number, f"Segment {number}")), 40)
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
    sideways = len(columns) > 6
    grid = np.clip(np.nan_to_num(distance), -2, 2)
    image = ax.imshow(grid.T if sideways else grid, cmap="PuOr_r", vmin=-2, vmax=2,
                      aspect="auto")
    cells = len(columns) * len(insights.profiles)
    font = "small" if cells <= 40 else ("x-small" if cells <= 120 else None)
    if font:
        for row in range(len(insights.profiles)):
            for col in range(len(columns)):
                x, y = (row, col) if sideways else (col, row)
                ax.text(x, y, format_number(means[row, col]), ha="center", va="center",
                        fontsize=font, color="white" if abs(distance[row, col]) > 1.2
                        else "black")
    column_labels = [wrap(c, 30 if sideways else 12) for c in columns]
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
    bar.set_label("← below average    above average →\n(in standard deviations)",
                  fontsize="small")
    fig.suptitle("Segment averages compared with all customers", fontsize="medium")


# --- exploring the data ----------------------------------------------------------------------

def draw_distributions(fig: Figure, frame: pd.DataFrame, features: list[str],
                       max_charts: int = 12) -> None:
    """A histogram of each chosen numeric feature."""
    _fresh(fig)
    numeric = [f for f in features if pd.api.types.is_numeric_dtype(frame[f])][:max_charts]
    if not numeric:
        _empty(fig, "Tick numeric columns on the left to see how their values are spread.")
        return
    cols = min(3, len(numeric))
    rows = int(np.ceil(len(numeric) / cols))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, name in zip(axes, numeric):
        values = frame[name].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        ax.hist(values, bins=min(40, max(5, int(np.sqrt(len(values))))), color=PALETTE[0])
        ax.set_title(wrap(name, 30), fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in axes[len(numeric):]:
        ax.axis("off")
    fig.suptitle("How each chosen column's values are spread", fontsize="medium")


def draw_correlations(fig: Figure, frame: pd.DataFrame, features: list[str]) -> None:
    """Correlation between the chosen numeric features."""
    _fresh(fig)
    numeric = [f for f in features if pd.api.types.is_numeric_dtype(frame[f])]
    if len(numeric) < 2:
        _empty(fig, "Tick two or more numeric columns to see how they move together.")
        return
    sample = frame[numeric]
    if len(sample) > 200_000:
        sample = sample.sample(200_000, random_state=0)
    matrix = sample.corr().to_numpy()
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="PuOr_r", vmin=-1, vmax=1)
    font = "small" if len(numeric) <= 8 else "x-small"
    if len(numeric) <= 12:
        for i in range(len(numeric)):
            for j in range(len(numeric)):
                ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=font,
                        color="white" if abs(matrix[i, j]) > 0.6 else "black")
    labels = [wrap(name, 14) for name in numeric]
    ax.set_xticks(range(len(numeric)), labels, rotation=45, ha="right", fontsize=font)
    ax.set_yticks(range(len(numeric)), labels, fontsize=font)
    fig.colorbar(image, ax=ax, shrink=0.8, label="Correlation")
    ax.set_title("Correlations")


# --- what sets the segments apart -------------------------------------------------------------

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
    ax.set_xlabel("Variation explained (%)")
    title = "What sets the segments apart"
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
    cols = min(3, len(columns))
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
        ax.set_title(wrap(column, 16), fontsize="small")
        ax.tick_params(axis="y", labelsize="x-small")
    for ax in axes[len(columns):]:
        ax.axis("off")
    handles = [Patch(facecolor=segment_color(n), label=segment_label(n, names[n])) for n in numbers]
    for handle in handles:
        handle.set_label(wrap(handle.get_label(), 24))
    fig.legend(handles=handles, loc="outside right upper", fontsize="small", title="Segments")
    fig.suptitle("Spread within each segment", fontsize="medium")
