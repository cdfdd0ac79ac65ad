"""Draw the app icon, resources/icon.png (512 x 512): run `python resources/make_icon.py`.

The one source image; the build converts it to .ico (Windows) and .icns (macOS).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

COLOURS = ("#0072B2", "#E69F00", "#009E73")


def draw(path: Path) -> None:
    figure = Figure(figsize=(5.12, 5.12), dpi=100)
    figure.patch.set_alpha(0)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.06, 0.06), 0.88, 0.88, boxstyle="round,pad=0,rounding_size=0.16",
                                facecolor="white", edgecolor="#1A3A5A", linewidth=10))
    rng = np.random.default_rng(4)
    for colour, (x, y) in zip(COLOURS, ((0.33, 0.66), (0.68, 0.62), (0.5, 0.3))):
        points = rng.normal((x, y), 0.055, size=(14, 2))
        ax.plot(points[:, 0], points[:, 1], linestyle="none", marker="o", markersize=17,
                color=colour, markeredgecolor="white", markeredgewidth=2)
    figure.savefig(path, transparent=True)


if __name__ == "__main__":
    target = Path(__file__).with_name("icon.png")
    draw(target)
    print(f"wrote {target}")
