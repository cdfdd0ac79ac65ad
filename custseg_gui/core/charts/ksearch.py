"""How many segments: the elbow and silhouette charts."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from custseg_gui.core.charts.style import ACCENT, MUTED, PALETTE, _fresh, segment_color, wrap_to
from custseg_gui.core.formatting import segment_label
from custseg_gui.core.ksearch import KSearchResult
from custseg_gui.core.segment import Segmentation


def draw_elbow(fig: Figure, search: KSearchResult, chosen_k: int | None = None) -> None:
    """Inertia against k, with the knee and the chosen k marked."""
    _fresh(fig)
    ax = fig.add_subplot()
    ks = [score.k for score in search.scores]
    inertias = [score.inertia for score in search.scores]
    ax.plot(ks, inertias, marker="o", color=PALETTE[0], label="Spread within segments")
    if search.knee is not None:
        ax.axvline(search.knee, color=MUTED, linestyle="--",
                   label=f"Bend (elbow) at {search.knee}")
    if chosen_k is not None and search.score(chosen_k) is not None:
        ax.plot([chosen_k], [search.score(chosen_k).inertia], marker="o", markersize=13,
                markerfacecolor="none", markeredgecolor=ACCENT, markeredgewidth=2,
                linestyle="none", label=f"Chosen: {chosen_k}")
    ax.set_xticks(ks)
    ax.set_xlabel("Number of segments")
    ax.set_ylabel("Spread within segments")
    ax.set_title(wrap_to(fig, "How spread out customers are within their segments", share=0.8))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")


def _draw_silhouette_scores(ax, search: KSearchResult, chosen_k: int | None) -> None:
    ks = [score.k for score in search.scores]
    values = [score.silhouette for score in search.scores]
    ax.plot(ks, values, marker="o", color=PALETTE[2], label="How clearly (silhouette)")
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
    ax.set_ylabel("Higher is clearer")
    title = "How clearly customers fall into groups"
    if search.silhouette_sample_size:
        title += f" (estimated on {search.silhouette_sample_size:,} customers)"
    ax.set_title(wrap_to(ax.figure, title, share=0.42))
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
    ax.set_xlabel("How well each customer fits its segment (-1 to 1)")
    ax.set_title(wrap_to(ax.figure, f"How well each customer fits ({segmentation.k} segments)",
                         share=0.42))


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
