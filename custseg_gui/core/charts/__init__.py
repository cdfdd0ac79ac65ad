"""The catalogue of charts: which chart is drawn from which result, declared once.

The window's canvases, the PNG export and the PDF report all draw a chart through its entry
here: `chart("elbow").draw(figure, inputs)`. A new chart is one new entry (and its draw
function in a module of this package). Each draw function clears the figure it is given and
never uses pyplot, so it serves an embedded canvas and a report page alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from custseg_gui.core.charts.explore import draw_correlations, draw_distributions
from custseg_gui.core.charts.ksearch import draw_elbow, draw_silhouette
from custseg_gui.core.charts.movement import draw_movement, movement_grid
from custseg_gui.core.charts.rfm import draw_rfm_grid
from custseg_gui.core.charts.profiles import (draw_importance, draw_profile_heatmap,
                                              draw_segment_distributions, draw_segment_profile)
from custseg_gui.core.charts.segments import (MAX_SCATTER_POINTS, PCA_VIEW, ScatterData,
                                              default_axes, draw_segments, draw_sizes,
                                              scatter_data)
from custseg_gui.core.charts.style import PALETTE, segment_color

if TYPE_CHECKING:
    from custseg_gui.core.pipeline import AnalysisResult

__all__ = ["CHARTS", "Chart", "ChartInputs", "chart", "exported_charts", "scatter_for",
           "PALETTE", "PCA_VIEW", "MAX_SCATTER_POINTS", "ScatterData", "segment_color",
           "default_axes", "scatter_data"]

# The explore charts read at most this many rows: enough for a faithful histogram.
EXPLORE_ROWS = 100_000


@dataclass(frozen=True)
class ChartInputs:
    """What a chart may be drawn from."""

    result: AnalysisResult | None = None
    names: Mapping[int, str] = field(default_factory=dict)  # the segment names shown
    highlight: int | None = None  # a segment the user selected
    scatter: ScatterData | None = None  # the scatter's axes as chosen (default: scatter_for)
    frame: pd.DataFrame | None = None  # explore charts: the typed values of the table
    features: tuple[str, ...] = ()  # explore charts: the chosen number columns
    scoring: object | None = None  # a scoring result (core/scoring.ScoringResult)

    def segment_names(self) -> dict[int, str]:
        return {**(self.result.names() if self.result else {}), **self.names}


@dataclass(frozen=True)
class Chart:
    """One chart: where it shows, what it needs and how it is drawn."""

    name: str
    title: str  # what it shows, in words
    canvas: str | None  # object name of the window's canvas; None: drawn for reports only
    file: str | None  # PNG file name of the export; None: shown in the window only
    # "data" (a table and chosen columns), "segments" (an analysis result), "orders" (the
    # result of an order log's customers), "scoring" (new customers given their segments) or
    # "segment" (one segment: `highlight`)
    needs: str
    draw: Callable[[Figure, ChartInputs], None]
    help: str = ""  # how to read it, in plain words

    def available(self, inputs: ChartInputs) -> bool:
        if self.needs == "segments":
            return inputs.result is not None
        if self.needs == "orders":
            return inputs.result is not None and inputs.result.orders is not None
        if self.needs == "scoring":
            return inputs.scoring is not None
        if self.needs == "segment":
            return inputs.result is not None and inputs.highlight is not None
        return inputs.frame is not None


def scatter_for(result: AnalysisResult, axes: tuple[str, str] | None = None,
                max_points: int = MAX_SCATTER_POINTS) -> ScatterData:
    """The scatter's points on `axes` (x, y column names, or the PCA map); the two columns
    that tell the segments apart best when `axes` are not among the features."""
    prepared = result.prepared
    features = [name for name in prepared.matrix_columns if name in prepared.settings.features]
    valid = axes is not None and (axes[0] == PCA_VIEW or (
        axes[0] in features and (not axes[1] or axes[1] in features)))
    if not valid:
        axes = default_axes(prepared, result.insights.feature_importance)
    return scatter_data(prepared, result.segmentation, axes[0], axes[1], result.settings.seed,
                        max_points)


def _ranked_numbers(result: AnalysisResult) -> list[str]:
    """Numeric columns, those the segments separate most first."""
    insights = result.insights
    ranked = [name for name in insights.feature_importance if name in insights.numeric_columns]
    return ranked + [name for name in insights.numeric_columns if name not in ranked]


def _explore_frame(inputs: ChartInputs) -> pd.DataFrame:
    """The chosen number columns, over a sample of rows when there are many."""
    frame = inputs.frame[list(inputs.features)]
    if len(frame) > EXPLORE_ROWS:
        rows = np.random.default_rng(0).choice(len(frame), EXPLORE_ROWS, replace=False)
        frame = frame.iloc[np.sort(rows)]
    return frame


def _elbow(fig: Figure, inputs: ChartInputs) -> None:
    draw_elbow(fig, inputs.result.search, inputs.result.k)


def _silhouette(fig: Figure, inputs: ChartInputs) -> None:
    result = inputs.result
    draw_silhouette(fig, result.search, result.segmentation, inputs.segment_names(), result.k)


def _segments(fig: Figure, inputs: ChartInputs) -> None:
    draw_segments(fig, inputs.scatter or scatter_for(inputs.result), inputs.segment_names(),
                  inputs.highlight)


def _sizes(fig: Figure, inputs: ChartInputs) -> None:
    draw_sizes(fig, inputs.result.segmentation, inputs.segment_names(), inputs.highlight)


def _profiles(fig: Figure, inputs: ChartInputs) -> None:
    draw_profile_heatmap(fig, inputs.result.insights, inputs.segment_names(), inputs.highlight)


def _importance(fig: Figure, inputs: ChartInputs) -> None:
    draw_importance(fig, inputs.result.insights)


def _spread(fig: Figure, inputs: ChartInputs) -> None:
    result = inputs.result
    draw_segment_distributions(fig, result.table.frame, result.segmentation.row_segments,
                               _ranked_numbers(result), inputs.segment_names())


def _rfm(fig: Figure, inputs: ChartInputs) -> None:
    from custseg_gui.core.formatting import segment_label
    from custseg_gui.core.sources.orders import F_SCORE, R_SCORE

    result = inputs.result
    scores = result.table.frame
    r_scores, f_scores = scores[R_SCORE].to_numpy(), scores[F_SCORE].to_numpy()
    subject = "customers"
    if inputs.highlight is not None:  # a selected segment: its customers only
        chosen = result.segmentation.row_segments == inputs.highlight
        r_scores, f_scores = r_scores[chosen], f_scores[chosen]
        subject = (f"customers of "
                   f"{segment_label(inputs.highlight, inputs.segment_names()[inputs.highlight])}")
    draw_rfm_grid(fig, r_scores, f_scores, subject)


def _movement(fig: Figure, inputs: ChartInputs) -> None:
    draw_movement(fig, movement_grid(inputs.scoring))
def _segment_profile(fig: Figure, inputs: ChartInputs) -> None:
    draw_segment_profile(fig, inputs.result.insights, inputs.highlight, inputs.segment_names())


def _distributions(fig: Figure, inputs: ChartInputs) -> None:
    draw_distributions(fig, _explore_frame(inputs), list(inputs.features))


def _correlations(fig: Figure, inputs: ChartInputs) -> None:
    draw_correlations(fig, _explore_frame(inputs), list(inputs.features))


CHARTS: tuple[Chart, ...] = (
    Chart("distributions", "how each chosen column's values are spread", "distributionsCanvas",
          None, "data", _distributions),
    Chart("correlations", "how the chosen columns move together", "correlationsCanvas", None,
          "data", _correlations),
    Chart("elbow", "elbow chart", "elbowCanvas", "elbow.png", "segments", _elbow,
          "How to read this chart: each point is how spread out customers are inside their "
          "segments for that number of segments. More segments always lowers it; look for the "
          "bend (the \"elbow\") after which adding segments gains little. That number is a good "
          "candidate."),
    Chart("silhouette", "silhouette chart", "silhouetteCanvas", "silhouette.png", "segments",
          _silhouette,
          "How to read this chart: how clearly customers sit in their own segment rather than "
          "the next one (the silhouette), from -1 (wrong segment) to 1 (perfectly clear). "
          "Left: the average for each number of segments (higher is better; the star is the "
          "recommendation). Right: one bar per customer at the number shown, grouped by "
          "segment. Long bars are customers who fit well; bars below 0 would fit another "
          "segment better."),
    Chart("segments", "segment scatter", "segmentsCanvas", "segments.png", "segments",
          _segments,
          "Each dot is a customer, coloured by segment; X marks a segment's centre. Choose "
          "which columns to plot above, or the map that squeezes all ticked columns into two "
          "axes. Hover a dot to see the customer; click a legend entry to highlight that "
          "segment."),
    Chart("sizes", "segment sizes", "sizesCanvas", "segment_sizes.png", "segments", _sizes),
    Chart("profiles", "profile heatmap", "profileCanvas", "segment_profiles.png", "segments",
          _profiles),
    Chart("importance", "what sets them apart", "importanceCanvas", "feature_importance.png",
          "segments", _importance,
          "How to read this chart: for each column used, the share of its differences between "
          "customers that the segments account for. Columns near the top are what the segments "
          "are really about; columns near 0% hardly differ from one segment to another."),
    Chart("spread", "distributions by segment", "segmentDistributionsCanvas",
          "segment_distributions.png", "segments", _spread,
          "Each box holds the middle half of a segment's customers, the line inside is the "
          "median, and the whiskers reach the usual range. Boxes that overlap mean the segments "
          "are alike on that column."),
    Chart("rfm", "RFM grid", "rfmGridCanvas", "rfm_grid.png", "orders", _rfm,
          "How to read this chart: every customer has an R score (how recently they bought) and "
          "an F score (how often), each from 1 to 5, where 5 beats at least 80% of customers. "
          "Each cell counts the customers with that pair of scores; the outlined areas are the "
          "10 usual RFM segments, from Champions (bought recently and often) to Hibernating "
          "(rarely, long ago)."),
    Chart("movement", "who moved between segments", "migrationCanvas", None, "scoring",
          _movement,
          "How to read this chart: each row is the segment customers had before, each column "
          "the segment they have now; a cell counts the customers who went from its row to its "
          "column, with the share of the row. Outlined cells are customers who stayed; the last "
          "row is customers who were not in the previous file. Colours are the segments' own."),
    Chart("segment_profile", "one segment against the average", None, None, "segment",
          _segment_profile,
          "How to read this chart: each bar is a column the segment differs on most. A bar to "
          "the right means the segment's customers have more of it than the average customer, "
          "to the left less; the length is how many standard deviations (a usual difference "
          "between two customers) the segment's average is away."),
)


def chart(name: str) -> Chart:
    """The catalogue entry of a chart."""
    for entry in CHARTS:
        if entry.name == name:
            return entry
    raise KeyError(name)


def exported_charts(inputs: ChartInputs) -> list[Chart]:
    """The charts the PNG export writes for these inputs, in catalogue order."""
    return [entry for entry in CHARTS if entry.file and entry.available(inputs)]
