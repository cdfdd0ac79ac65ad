"""Exploring the data before segments: distributions and correlations of the chosen columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from custseg_gui.core.charts.style import PALETTE, _empty, _fresh, fitting_font, size_inches
from custseg_gui.core.formatting import wrap


def draw_distributions(fig: Figure, frame: pd.DataFrame, features: list[str],
                       max_charts: int = 12) -> None:
    """A histogram of each chosen numeric feature."""
    _fresh(fig)
    numeric = [f for f in features if pd.api.types.is_numeric_dtype(frame[f])][:max_charts]
    if not numeric:
        _empty(fig, "Tick numeric columns on the left to see how their values are spread.")
        return
    width, _height = size_inches(fig)
    cols = min(3, len(numeric))
    rows = int(np.ceil(len(numeric) / cols))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, name in zip(axes, numeric):
        values = frame[name].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        ax.hist(values, bins=min(40, max(5, int(np.sqrt(len(values))))), color=PALETTE[0])
        # Each small chart's title wraps to its own width (about 6 points a character).
        ax.set_title(wrap(name, max(8, int(width / cols * 72 * 0.8 / 6))), fontsize="small")
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
    width, height = size_inches(fig)
    count = len(numeric)
    # The grid gets about half the chart each way: numbers in its cells and names beside it at
    # sizes that fit, or numbered columns across when the names would collide.
    font = fitting_font(width * 0.5 / count, height * 0.55 / count, 5)
    if font:
        for i in range(count):
            for j in range(count):
                ax.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=font,
                        color="white" if abs(matrix[i, j]) > 0.6 else "black")
    label_font = max(5.0, min(8.0, height * 0.55 * 72 / count * 0.8))
    numbered = width * 0.5 / count < 0.35  # too narrow for names across
    labels = [f"{position}. {wrap(name, 24)}" if numbered else wrap(name, 14)
              for position, name in enumerate(numeric, start=1)]
    across = [str(position) for position in range(1, count + 1)] if numbered else labels
    ax.set_xticks(range(count), across, rotation=0 if numbered else 45,
                  ha="center" if numbered else "right", fontsize=label_font)
    ax.set_yticks(range(count), labels, fontsize=label_font)
    fig.colorbar(image, ax=ax, shrink=0.8, label="Correlation")
    ax.set_title("How the columns move together")
