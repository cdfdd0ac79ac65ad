"""The look of segments.xlsx's own sheets (Segments, How k was chosen, Settings): column widths,
chart sizes and places, number formats and the cells left blank, as a user opening it sees them.

One small made-up analysis (118 customers, 3 stability resamples) is exported once for the
file. The tests read the workbook back with openpyxl; a chart's size is the one XlsxWriter
lays it out with (openpyxl reads a chart's cell anchor, not its size), taken from the chart
objects the export inserts. benchmarks/mutation.sh runs these first against the workbook's
mutants: they are the quickest tests that read those sheets.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from types import SimpleNamespace

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

import custseg_gui.core.settings as settings_module
from custseg_gui.core import exports
from custseg_gui.core.exports import ExportContext
from custseg_gui.core.exports.workbook import CM
from custseg_gui.core.pipeline import run as run_analysis
from custseg_gui.core.progress import NO_PROGRESS
from custseg_gui.core.settings import AnalysisSettings, StabilitySettings

# XlsxWriter stores a column `n` characters wide as Excel does, with the padding of Excel's
# default font: n + 0.71 (to the 1/256 of a character Excel keeps).
PADDING = 0.71
SEGMENT_WIDTHS = [9, 30, 60, 50, 9, 9, 11, 16]  # Segment .. Stability reading
FIGURE_WIDTH = 14  # each Mean / Share / Index column
K_WIDTHS = [14, 14, 12, 18, 16]  # Segments (k) .. Davies-Bouldin
WIDEST = 60  # no column is wider, the notes beside the k table included


def export_workbook(analysis, folder, names=None):
    """segments.xlsx of `analysis` in `folder`, read back, and the charts the export inserted
    as (sheet name, row, column, XlsxWriter chart)."""
    inserted = []
    original = Worksheet.insert_chart

    def recording(sheet, row, column, chart, *args, **kwargs):
        inserted.append((sheet.name, row, column, chart))
        return original(sheet, row, column, chart, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Worksheet, "insert_chart", recording)
        exports.export_files(ExportContext(analysis, names or {}), folder, ["xlsx"],
                             NO_PROGRESS)
    return openpyxl.load_workbook(folder / "segments.xlsx"), inserted


def column_widths(sheet) -> dict[int, float]:
    """Column number (1 = A) -> width, for the columns given one (XlsxWriter writes one entry
    for neighbours of the same width, which openpyxl keeps under the first one's letter)."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        if dimension.customWidth:
            for number in range(dimension.min, dimension.max + 1):
                widths[number] = dimension.width
    return widths


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The four made-up groups with a yes/no flag, a birth year and a small count beside them,
    k 2..5 searched; exported with segment 1 renamed."""
    from made_data import four_groups, with_measures

    folder = tmp_path_factory.mktemp("workbook-sheets")
    frame = with_measures(four_groups().drop(columns="Group"), seed=7)
    path = folder / "customers.csv"
    frame.to_csv(path, index=False)
    features = tuple(name for name in frame.columns if name != "CustomerID")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings_module, "StabilitySettings",
                      functools.partial(StabilitySettings, resamples=3))
        analysis = run_analysis(path, AnalysisSettings(features=features, k_min=2, k_max=5))
    out = folder / "out"
    out.mkdir()
    workbook, charts = export_workbook(analysis, out, {1: "Our regulars"})
    return SimpleNamespace(analysis=analysis, workbook=workbook, charts=charts,
                           columns=list(analysis.insights.numeric_columns), folder=folder)


def test_segments_sheet_columns_are_as_wide_as_their_contents_need(book):
    # Given the Segments sheet: 8 columns of the segment, then a Mean and an Index per column
    sheet = book.workbook["Segments"]
    figures = 2 * len(book.columns)

    # Then each column has its width: the description widest, the action next, then the name
    widths = column_widths(sheet)
    assert list(widths) == list(range(1, len(SEGMENT_WIDTHS) + figures + 1))
    assert list(widths.values()) == pytest.approx(
        [width + PADDING for width in SEGMENT_WIDTHS] + [FIGURE_WIDTH + PADDING] * figures,
        abs=0.01)


def test_k_sheet_columns_fit_the_scores_and_the_notes_at_most_60_wide(book):
    # Given the How k was chosen sheet
    sheet = book.workbook["How k was chosen"]

    # Then the five score columns have their widths, and the sixth, beside them, is as wide as
    # any column may be
    widths = column_widths(sheet)
    assert list(widths) == [1, 2, 3, 4, 5, 6]
    assert list(widths.values()) == pytest.approx([width + PADDING for width in K_WIDTHS]
                                   + [WIDEST + PADDING], abs=0.01)


def test_settings_sheet_has_a_label_column_and_a_wide_value_column(book):
    # Given the Settings sheet
    sheet = book.workbook["Settings"]

    # Then the labels are 30 characters wide and the values as wide as a column may be
    widths = column_widths(sheet)
    assert list(widths) == [1, 2]
    assert list(widths.values()) == pytest.approx([30 + PADDING, WIDEST + PADDING], abs=0.01)
    # under a bold header on the header colour
    assert [cell.value for cell in sheet[1]] == ["Setting", "Value"]
    assert all(cell.font.b and cell.fill.fgColor.rgb.endswith("DCE6F1") for cell in sheet[1])
    assert sheet["A1"].alignment.wrap_text and sheet["A1"].alignment.vertical == "top"


def test_segments_chart_is_16_cm_wide_and_grows_with_the_segments(book):
    # Given the chart of the Segments sheet, of k segments
    k = book.analysis.k
    [(sheet, row, column, chart)] = [entry for entry in book.charts if entry[0] == "Segments"]

    # Then it is 16 cm wide and 7 cm high plus 0.4 cm per segment, two rows below the table
    assert (chart.width, chart.height) == pytest.approx((16 * CM, (7 + 0.4 * k) * CM))
    assert (row, column) == (k + 3, 1)
    assert math.isclose(CM, 96 / 2.54)


def test_k_chart_is_16_by_8_cm_beside_the_scores_with_a_circle_at_each_k(book):
    # Given the chart of the How k was chosen sheet
    [(sheet, row, column, chart)] = [entry for entry in book.charts
                                     if entry[0] == "How k was chosen"]

    # Then it is 16 by 8 cm, in the seventh column from the second row
    assert (chart.width, chart.height) == pytest.approx((16 * CM, 8 * CM))
    assert (row, column) == (1, 6)
    # with a circle marking each k tried, and its axes named
    [drawn] = book.workbook["How k was chosen"]._charts
    [series] = drawn.series
    assert series.marker.symbol == "circle"
    titles = {axis.title.tx.rich.p[0].r[0].t for axis in (drawn.x_axis, drawn.y_axis)}
    assert titles == {"Segments", "Silhouette"}
    assert drawn.legend is not None  # a line chart keeps Excel's legend


def test_each_mean_has_the_number_format_of_what_its_column_measures(book):
    # Given the Segments sheet's second row (segment 1)
    sheet = book.workbook["Segments"]
    header = [cell.value for cell in sheet[1]]
    formats = dict(zip(header, (cell.number_format for cell in sheet[2])))

    # Then a flag's share is a percentage, a year has no separator, a small count one decimal,
    # an amount two decimals with thousands, and every index a whole number
    assert formats["Share Complain (yes)"] == "0.0%"
    assert formats["Mean Year_Birth"] == "0"
    assert formats["Mean Kidhome"] == "0.0"
    for name in ("Age", "Income (k$)", "Spending Score"):
        assert formats[f"Mean {name}"] == "#,##0.00"
    assert {formats[f"Index {name} (100 = average)"] for name in book.columns} == {"0"}
    # and the segment's own figures: a plain number, a share, a two-decimal stability
    assert [formats[name] for name in ("Segment", "Size", "Share", "Stability (Jaccard)")] == [
        "General", "General", "0.0%", "0.00"]
    assert sheet["B2"].value == "Our regulars"


def test_a_missing_figure_is_a_blank_cell_that_keeps_its_format(book, tmp_path):
    # Given the analysis with segment 1's stability and one mean unknown, and one k's
    # silhouette unknown
    analysis, first = book.analysis, book.analysis.insights.profiles[0]
    name = book.columns[0]
    profile = replace(first, stability=float("nan"), means={**first.means, name: None},
                      index={**first.index, name: float("inf")})
    scores = list(analysis.search.scores)
    scores[0] = replace(scores[0], silhouette=float("nan"))
    changed = replace(
        analysis, insights=replace(analysis.insights,
                                   profiles=(profile, *analysis.insights.profiles[1:])),
        search=replace(analysis.search, scores=tuple(scores)))

    # When it is exported
    workbook, _charts = export_workbook(changed, tmp_path)
    sheet = workbook["Segments"]
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2]))

    # Then those cells are empty (no 0, no error), formatted as their column
    stability = cells["Stability (Jaccard)"]
    assert (stability.value, stability.number_format) == (None, "0.00")
    mean = cells[f"Mean {name}"]
    assert (mean.value, mean.number_format) == (None, "#,##0.00")
    index = cells[f"Index {name} (100 = average)"]
    assert (index.value, index.number_format) == (None, "0")
    # and the others of the row are written
    assert cells["Size"].value == first.size
    assert cells[f"Mean {book.columns[1]}"].value == pytest.approx(first.means[book.columns[1]])
    # and the unknown silhouette is an empty cell among the k's scores
    k_rows = list(workbook["How k was chosen"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert k_rows[0][0] == scores[0].k and k_rows[0][2] is None
    assert k_rows[0][1] == pytest.approx(scores[0].inertia)


def test_a_sampled_silhouette_and_the_searchs_notes_are_said_below_the_scores(book, tmp_path):
    # Given the analysis as if its silhouette had been estimated on a sample of 12,345
    # customers, with a note of the search
    search = replace(book.analysis.search, silhouette_sample_size=12_345,
                     notes=("Only 6 different customer profiles are in the data.",))
    workbook, _charts = export_workbook(replace(book.analysis, search=search), tmp_path)

    # Then the notes below the scores say so, after the recommendation and the elbow
    rows = list(workbook["How k was chosen"].iter_rows(values_only=True))
    notes = [row[0] for row in rows[len(search.scores) + 2:] if row[0]]
    assert notes[0] == search.recommendation
    assert notes[-2:] == ["Silhouette estimated on a random sample of 12,345 customers.",
                          "Only 6 different customer profiles are in the data."]
