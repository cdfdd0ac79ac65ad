"""The look every chart shares: segment colours, fresh figures, empty-chart messages.

Every segment keeps one colour everywhere, from a colour-blind safe palette (Okabe and Ito,
then Tol's muted set).
"""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

# Column names come from users' files: "Spend ($) and Income ($)" must print as written, not
# as math text between the dollar signs.
matplotlib.rcParams["text.parse_math"] = False

PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#B8A100", "#000000",
    "#882255", "#44AA99", "#999933", "#332288", "#AA4499", "#117733", "#88CCEE", "#DDCC77",
)
MUTED = "#B0B0B0"
ACCENT = "#D55E00"


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


def size_inches(fig) -> tuple[float, float]:
    """The width and height of a figure, or of a region (subfigure) of a report page."""
    return fig.bbox.width / fig.dpi, fig.bbox.height / fig.dpi


def fitting_font(width_in: float, height_in: float, chars: int, largest: float = 9.0,
                 smallest: float = 5.5) -> float | None:
    """The largest font size (points) at which `chars` characters fit a cell of this size,
    or None when even the smallest would not: then the text is better left out."""
    by_width = width_in * 72 * 0.9 / (0.6 * max(chars, 1))
    by_height = height_in * 72 * 0.7
    size = min(largest, by_width, by_height)
    return size if size >= smallest else None


def wrap_to(fig, text: str, size_pt: float = 12.0, share: float = 0.95) -> str:
    """`text` wrapped to `share` of the figure's width, at a font of `size_pt` points (a
    character is about 0.55 of the font size wide)."""
    from custseg_gui.core.formatting import wrap

    width, _height = size_inches(fig)
    return wrap(text, max(12, int(width * share * 72 / (size_pt * 0.55))))
