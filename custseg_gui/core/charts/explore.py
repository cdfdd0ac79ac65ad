"""Exploring the data before segments: distributions and correlations of the chosen columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from custseg_gui.core.charts.style import PALETTE, _empty, _fresh
from custseg_gui.core.formatting import wrap


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
