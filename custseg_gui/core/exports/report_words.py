"""The words every report says the same way: the PDF, the slides and the web page read them here,
so a segment is described alike wherever it is shown."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from custseg_gui.core.formatting import format_number, format_share
from custseg_gui.core.prep import left_out_summary

# Columns a segment's key numbers name: those it differs on most.
KEY_NUMBERS = 4

# How to read the charts in a report, where the catalogue's reading (core/charts) is missing or
# speaks of the window (choosing axes, hovering).
READINGS = {
    "segments": "How to read this chart: each dot is a customer, coloured by segment; X marks "
                "a segment's centre. Dots of one colour close together are customers alike on "
                "the two columns shown; colours that mix are segments that overlap there.",
    "sizes": "How to read this chart: one bar per segment, as long as the number of customers "
             "in it, in the segment's own colour.",
    "profiles": "How to read this chart: one cell per segment and column, holding the "
                "segment's average. Orange means above the average of all customers, purple "
                "below; the deeper the colour, the larger the difference.",
}

METHOD = ("Segments are K-Means clusters of the scaled features (10 starts, best kept); the "
          "recommendation is the number with the highest mean silhouette. Stability is the mean "
          "Jaccard similarity of each segment to its best match when K-Means is refitted on "
          "bootstrap resamples (Hennig's reading: 0.85 and above highly stable, 0.75 to 0.85 "
          "stable, 0.6 to 0.75 doubtful, below 0.6 not to be trusted). How clearly customers "
          "fall into groups is the mean silhouette: above 0.70 strong, 0.50 to 0.70 good, 0.35 "
          "to 0.50 fair, 0.25 to 0.35 weak, 0.25 or less no clear groups.")

K_CHOICE = ("The elbow chart shows how spread out customers are within their segments: adding "
            "segments always lowers it, and the bend marks where more segments stop paying "
            "off. The silhouette shows how clearly customers sit in their own segment rather "
            "than the next one (from -1 to 1; higher is better).")

RFM_INTRO = ("Each customer is scored from 1 to 5 on recency (R), frequency (F) and net spend "
             "(M); a 5 beats at least 80% of customers. The grid counts customers by R and F "
             "score; the outlined areas are the 10 usual RFM segments.")


def reading(name: str) -> str:
    """The plain-language reading of a chart of the catalogue."""
    from custseg_gui.core.charts import chart

    return READINGS.get(name) or chart(name).help


def title_line(analysis) -> str:
    """`02 December 2026 · 200 customers · 5 segments`."""
    return (f"{datetime.now().strftime('%d %B %Y')} · {len(analysis.prepared.rows_used):,} "
            f"customers · {analysis.segmentation.k} segments")


def summary_paragraph(analysis, names: dict[int, str]) -> str:
    insights, search = analysis.insights, analysis.search
    used, left = len(analysis.prepared.rows_used), len(analysis.prepared.left_out)
    largest = insights.profiles[0]
    text = (f"CustSeg grouped {used:,} customers into {analysis.segmentation.k} segments using "
            f"{', '.join(analysis.prepared.settings.features)}. {search.recommendation} "
            f"The largest segment, \"{names[largest.number]}\", holds "
            f"{format_share(largest.share)} of the customers.")
    if insights.stability is not None and np.isfinite(insights.stability.ari):
        readings = [profile.stability_reading for profile in insights.profiles]
        trusted = sum(reading in ("highly stable", "stable") for reading in readings)
        text += (f" {trusted} of {len(readings)} segments were found again reliably when the "
                 f"customers were resampled.")
    if left:
        text += " " + left_out_summary(analysis.prepared.left_out)
    return text


GLANCE_HEADER = ["#", "Segment", "Customers", "Share", "Stability"]


def glance_rows(analysis, names: dict[int, str]) -> list[list[str]]:
    """The segments at a glance: number, name, customers, share, stability."""
    return [[str(p.number), names[p.number], f"{p.size:,}", format_share(p.share),
             p.stability_reading] for p in analysis.insights.profiles]


def profile_table(insights, names: dict[int, str], group) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the segment profiles of `group` (some of the segments) beside all
    customers: size, share, stability, each numeric column's mean, each category's share."""
    header = ["Column"] + [f"{p.number}: {names[p.number]}" for p in group] + ["All"]
    rows = [["Customers"] + [f"{p.size:,}" for p in group] + [
                f"{sum(p.size for p in insights.profiles):,}"],
            ["Share"] + [format_share(p.share) for p in group] + ["100%"],
            ["Stability"] + [p.stability_reading for p in group] + [""]]
    rows += [[f"{'Share' if insights.measures.get(column) == 'flag' else 'Mean'} {column}"]
             + [insights.value_text(column, p.means[column]) for p in group]
             + [insights.value_text(column, insights.overall_means[column])]
             for column in insights.numeric_columns]
    for column in insights.categorical_columns:
        for category, overall in list(insights.overall_categories[column].items())[:6]:
            rows.append([f"{column}: {category}"]
                        + [format_share(p.categories[column].get(category, 0.0))
                           for p in group] + [format_share(overall)])
    return header, rows


def rfm_mix_words(shares: dict[str, float], most: int = 4) -> str:
    """`52% Champions, 44% Loyal customers, 3% Can't lose them`: the largest shares first."""
    ranked = sorted(((share, name) for name, share in shares.items() if share > 0),
                    key=lambda item: -item[0])
    return ", ".join(f"{format_share(share)} {name}" for share, name in ranked[:most]) + (
        ", ..." if len(ranked) > most else "")


def key_numbers(insights, profile) -> list[tuple[str, str, str]]:
    """(column, the segment's average, everyone's average) of the columns it differs on most."""
    ranked = sorted(insights.numeric_columns,
                    key=lambda column: -abs(profile.difference.get(column, 0.0)))[:KEY_NUMBERS]
    return [(column, insights.value_text(column, profile.means[column]),
             insights.value_text(column, insights.overall_means[column])) for column in ranked]


def key_numbers_sentence(insights, profile) -> str:
    numbers = key_numbers(insights, profile)
    if not numbers:
        return ""
    return "Key numbers: " + "; ".join(f"{column} {value} (average {average})"
                                       for column, value, average in numbers) + "."


def size_words(profile) -> str:
    return f"{profile.size:,} customers, {format_share(profile.share)} of all"


def stability_words(insights, profile) -> str:
    """`How far to trust it: stable, found again in most resamples (0.81).`"""
    text = f"How far to trust it: {profile.stability_reading}"
    if np.isfinite(profile.stability):
        text += f", {insights.stability.explanation(profile.number)} ({profile.stability:.2f})"
    return text + "."


SCORES_HEADER = ["Segments", "Inertia", "Silhouette", "Calinski-Harabasz", "Davies-Bouldin"]


def score_rows(analysis) -> list[list[str]]:
    """The scores of every number of segments tried."""
    return [[str(score.k), format_number(score.inertia), f"{score.silhouette:.3f}",
             format_number(score.calinski_harabasz), f"{score.davies_bouldin:.3f}"]
            for score in analysis.search.scores]
