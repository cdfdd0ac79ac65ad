"""The slides, the lists per segment and the web page, read back as a user would open them:
the deck with python-pptx, the lists with the csv module, the page with an HTML parser.

Made data with known groups: four segments, one of them renamed with characters no file name
may hold and markup, a text column whose cells a spreadsheet would take for formulas, and a
customer with a gap (left out of the segments, so in no list).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from made_data import AGE, INCOME, SPENDING, four_groups, with_gaps, write_csv
from order_logs import many_customers_log, write_log
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

import custseg_gui.core.exports.segment_lists as lists_module
from custseg_gui.core import exports
from custseg_gui.core.charts import ChartInputs, chart, segment_color
from custseg_gui.core.errors import UserError
from custseg_gui.core.exports import ExportContext
from custseg_gui.core.exports.customers import neutral_text
from custseg_gui.core.exports.segment_lists import FOLDER, list_names, safe_name
from custseg_gui.core.exports.slides import FIXED_SLIDES, slide_count
from custseg_gui.core.exports.web_page import SECTIONS, read_page
from custseg_gui.core.formatting import format_share
from custseg_gui.core.pipeline import run
from custseg_gui.core.settings import AnalysisSettings, OrderSettings

BOM = b"\xef\xbb\xbf"
ODD_NAME = 'Big/spenders: "VIP" <A&B>?'
NAMES = {1: ODD_NAME, 2: "CON", 3: "Careful rich... "}
NOTES = ["=SUM(A1:A9)", "+44 call back", "-12", "@home", "Zoë, café", "plain"]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Four groups of customers, one with a gap, exported as slides, page, lists and CSV."""
    folder = tmp_path_factory.mktemp("meeting")
    frame = with_gaps(four_groups(), {5: (INCOME,)})
    frame.insert(1, "Note", [NOTES[row % len(NOTES)] for row in range(len(frame))])
    path = write_csv(frame, folder)
    analysis = run(path, AnalysisSettings(features=(AGE, INCOME, SPENDING), k=4))
    out = folder / "out"
    out.mkdir()
    context = ExportContext(analysis, NAMES)
    written = exports.export_files(context, out, ["csv", "pptx", "html", "lists"])
    return SimpleNamespace(analysis=analysis, context=context, out=out, written=written,
                           names=context.segment_names, input=path)


def read_csv_bytes(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def title_of(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


# --- the slides ------------------------------------------------------------------------------

def test_the_deck_has_the_fixed_slides_and_one_per_segment(made):
    deck = Presentation(str(made.out / "report.pptx"))
    # Then: title, summary, number of segments, map and sizes, 4 segments, apart, settings
    assert len(deck.slides) == FIXED_SLIDES + 4 == slide_count(made.context)
    assert [title_of(slide) for slide in deck.slides][1:] == [
        "Summary", "How the number of segments was chosen", "The segments and their sizes",
        *[f"{n}. {made.names[n]}" for n in range(1, 5)], "What sets the segments apart",
        "Settings to reproduce this report"]
    # 16:9
    assert deck.slide_width * 9 == deck.slide_height * 16 or abs(
        deck.slide_width / deck.slide_height - 16 / 9) < 0.001


def test_each_segment_slide_says_its_size_numbers_action_and_trust_as_text(made):
    deck = Presentation(str(made.out / "report.pptx"))
    insights = made.analysis.insights
    for profile in insights.profiles:
        slide = deck.slides[4 + profile.number - 1]
        assert title_of(slide) == f"{profile.number}. {made.names[profile.number]}"
        text = slide_text(slide)
        assert f"{profile.size:,} customers, {format_share(profile.share)} of all" in text
        column = max(insights.numeric_columns, key=lambda c: abs(profile.difference[c]))
        assert (f"{column}: {insights.value_text(column, profile.means[column])} (average "
                f"{insights.value_text(column, insights.overall_means[column])})") in text
        assert f"Suggested action: {profile.action}" in text
        assert f"How far to trust it: {profile.stability_reading}" in text
        # and its profile as a picture, its notes saying how to read it
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert profile.description in slide.notes_slide.notes_text_frame.text
        assert "How to read this chart" in slide.notes_slide.notes_text_frame.text


def test_the_summary_slide_holds_the_segments_at_a_glance_as_a_real_table(made):
    deck = Presentation(str(made.out / "report.pptx"))
    tables = [shape.table for shape in deck.slides[1].shapes if shape.has_table]
    assert len(tables) == 1
    cells = [[cell.text for cell in row.cells] for row in tables[0].rows]
    assert cells[0] == ["#", "Segment", "Customers", "Share", "Stability"]
    assert cells[1:] == [[str(p.number), made.names[p.number], f"{p.size:,}",
                          format_share(p.share), p.stability_reading]
                         for p in made.analysis.insights.profiles]


def test_every_slide_has_notes_and_the_chart_slides_have_print_resolution_pictures(made):
    deck = Presentation(str(made.out / "report.pptx"))
    for slide in deck.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    for number in (2, 3, 8):  # how many, map and sizes, what sets them apart
        pictures = [s for s in deck.slides[number].shapes
                    if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 2
        for picture in pictures:
            pixels = Image.open(io.BytesIO(picture.image.blob)).size[0]
            assert pixels / (picture.width / 914400) >= 299  # dots per inch as placed


def test_every_segment_name_is_editable_text_in_the_deck(made):
    deck = Presentation(str(made.out / "report.pptx"))
    text = "\n".join(slide_text(slide) for slide in deck.slides)
    for name in made.names.values():
        assert text.count(name) >= 2  # its own slide and the summary table


def test_an_order_log_deck_has_the_rfm_slide(tmp_path):
    analysis = run(write_log(tmp_path, many_customers_log(120)),
                   AnalysisSettings(orders=OrderSettings(enabled=True), k_max=4))
    context = ExportContext(analysis)
    exports.export_files(context, tmp_path, ["pptx", "html", "lists"])
    deck = Presentation(str(tmp_path / "report.pptx"))
    titles = [title_of(slide) for slide in deck.slides]
    assert len(deck.slides) == FIXED_SLIDES + 1 + analysis.k == slide_count(context)
    assert titles[4] == "RFM segments"
    assert "How to read this chart: every customer has an R score" in (
        deck.slides[4].notes_slide.notes_text_frame.text)
    reader = read_page(tmp_path / "report.html")
    assert "RFM segments" in " ".join(reader.text)
    # and each list holds its customers' rows of the customer table (customers.csv)
    exports.export_files(context, tmp_path, ["customers"])
    table = read_csv_bytes(tmp_path / "customers.csv")
    segment = table[0].index("Segment")
    for number, name in list_names(context).items():
        rows = read_csv_bytes(tmp_path / FOLDER / name)
        assert rows[0] == table[0]
        assert rows[1:] == [row for row in table[1:] if row[segment] == str(number)]


# --- the lists -------------------------------------------------------------------------------

def test_one_list_per_segment_with_names_safe_everywhere(made):
    names = sorted(path.name for path in (made.out / FOLDER).iterdir())
    assert names == ["01 - Big-spenders- -VIP- -A&B--.csv", "02 - CON.csv",
                     "03 - Careful rich.csv", f"04 - {made.names[4]}.csv"]
    for name in names:
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', name)
        assert not name[:-4].endswith((".", " "))
        assert name.split(".")[0].upper() not in lists_module.RESERVED
        assert len(name.encode("utf-8")) < 255


@pytest.mark.parametrize("name, number, expected", [
    ("CON", 1, "CON"),  # after the number it is no device name; alone it would be
    ("", 3, "Segment 3"),
    ("  .. ", 2, "Segment 2"),
    ("a/b\\c:d*e?f\"g<h>i|j\tk", 1, "a-b-c-d-e-f-g-h-i-j-k"),  # a tab is a control
    ("x" * 300, 1, "x" * 60),
    ("Café ends with dots...", 1, "Café ends with dots"),
])
def test_safe_name_keeps_what_every_system_accepts(name, number, expected):
    assert safe_name(name, number) == expected


def test_each_list_holds_its_segments_rows_exactly_and_every_customer_once(made):
    # Given segments.csv, written beside the lists
    whole = read_csv_bytes(made.out / "segments.csv")
    header, rows = whole[0], whole[1:]
    segment = header.index("Segment")
    seen = []
    for number, name in list_names(made.context).items():
        listed = read_csv_bytes(made.out / FOLDER / name)
        # Then each list has the columns of segments.csv but the empty "Left out because"
        assert listed[0] == header[:-1] and header[-1] == "Left out because"
        expected = [row[:-1] for row in rows if row[segment] == str(number)]
        assert listed[1:] == expected
        seen += [row[0] for row in listed[1:]]
    # and every customer with a segment is in exactly one list; the one left out in none
    with_segment = [row[0] for row in rows if row[segment]]
    assert sorted(seen) == sorted(with_segment) and len(seen) == len(set(seen))
    assert len(with_segment) == len(rows) - 1


def test_the_lists_are_formula_safe_like_the_customer_list(made):
    note = read_csv_bytes(made.out / "segments.csv")[0].index("Note")
    cells = {row[note] for name in list_names(made.context).values()
             for row in read_csv_bytes(made.out / FOLDER / name)[1:]}
    assert cells == {neutral_text(text) for text in NOTES}
    assert "'=SUM(A1:A9)" in cells and "-12" in cells and "'@home" in cells


def test_an_earlier_lists_folder_is_replaced_whole(made, tmp_path):
    # Given an earlier export whose lists had other names
    earlier = tmp_path / FOLDER
    earlier.mkdir()
    (earlier / "07 - Gone.csv").write_text("old", encoding="utf-8")
    exports.export_files(made.context, tmp_path, ["lists"])
    # Then only this export's lists are there, and nothing temporary is left
    assert sorted(path.name for path in earlier.iterdir()) == sorted(
        list_names(made.context).values())
    assert [path.name for path in tmp_path.iterdir()] == [FOLDER]


def test_a_lists_folder_holding_other_files_is_left_alone(made, tmp_path):
    earlier = tmp_path / FOLDER
    earlier.mkdir()
    (earlier / "my notes.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="holds other files .my notes.docx."):
        exports.export_files(made.context, tmp_path, ["csv", "lists"])
    assert [path.name for path in earlier.iterdir()] == ["my notes.docx"]
    assert [path.name for path in tmp_path.iterdir()] == [FOLDER]


def test_a_failure_while_writing_the_lists_leaves_nothing(made, tmp_path, monkeypatch):
    # Given a disk that fills up at the third list
    written = []
    real = lists_module.write_csv

    def failing(handle, *args, **kwargs):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(1)
        real(handle, *args, **kwargs)

    monkeypatch.setattr(lists_module, "write_csv", failing)
    with pytest.raises(UserError, match="Writing segments failed"):
        exports.export_files(made.context, tmp_path, ["csv", "lists"])
    # Then neither the folder, a part of it, nor segments.csv is there
    assert list(tmp_path.iterdir()) == []


# --- the web page ----------------------------------------------------------------------------

def test_the_page_has_the_pdfs_sections_and_every_segment_by_name(made):
    reader = read_page(made.out / "report.html")
    text = " ".join(reader.text)
    for title in SECTIONS.values():
        if title != "RFM segments":  # an order log's only
            assert title in text
    for number, name in made.names.items():
        assert f"{number}. {name}" in text


def test_the_page_is_self_contained_without_script(made):
    reader = read_page(made.out / "report.html")
    page = (made.out / "report.html").read_text(encoding="utf-8")
    assert "script" not in reader.tags
    assert not re.search(r"https?://", page)
    assert not re.search(r"url\(|@import", page)
    images = [a for a in reader.addresses if a.startswith("data:image/png;base64,")]
    # the PDF's six charts (k, silhouette, map, sizes, profiles, apart), each segment's profile
    assert len(images) == 6 + 4
    assert all(a.startswith(("data:image/png;base64,", "#")) for a in reader.addresses)


def test_the_page_escapes_names_and_reads_on_a_phone_and_on_paper(made):
    page = (made.out / "report.html").read_text(encoding="utf-8")
    assert ODD_NAME not in page
    assert "Big/spenders: &quot;VIP&quot; &lt;A&amp;B&gt;?" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page and "@media (max-width" in page


# --- the encoding of CSV files ---------------------------------------------------------------

def test_csv_files_start_with_a_byte_order_mark_by_default(made):
    assert (made.out / "segments.csv").read_bytes().startswith(BOM + b"CustomerID,")
    for name in list_names(made.context).values():
        assert (made.out / FOLDER / name).read_bytes().startswith(BOM + b"CustomerID,")


def test_plain_utf8_csv_files_have_no_byte_order_mark(made, tmp_path):
    context = ExportContext(made.analysis, NAMES, csv_encoding="utf-8")
    exports.export_files(context, tmp_path, ["csv", "lists"])
    assert (tmp_path / "segments.csv").read_bytes().startswith(b"CustomerID,")
    for name in list_names(context).values():
        data = (tmp_path / FOLDER / name).read_bytes()
        assert data.startswith(b"CustomerID,")
        assert data.decode("utf-8")  # the rest as before
    assert (tmp_path / "segments.csv").read_bytes() == (
        made.out / "segments.csv").read_bytes()[len(BOM):]


# --- colours ---------------------------------------------------------------------------------

def test_a_segment_has_the_same_colour_on_its_slide_its_page_section_and_its_chart(made):
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    deck = Presentation(str(made.out / "report.pptx"))
    page = (made.out / "report.html").read_text(encoding="utf-8")
    for number in range(1, 5):
        colour = segment_color(number)
        slide = deck.slides[4 + number - 1]
        fills = {f"#{shape.fill.fore_color.rgb}".upper() for shape in slide.shapes
                 if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE}
        assert colour.upper() in fills
        assert f'id="segment-{number}" style="border-color:{colour}"' in page
        glance = next(shape.table for shape in deck.slides[1].shapes if shape.has_table)
        assert f"#{glance.cell(number, 0).fill.fore_color.rgb}" == colour.upper()
        figure = Figure()
        chart("segment_profile").draw(figure, ChartInputs(result=made.analysis,
                                                          names=made.names, highlight=number))
        bars = {to_hex(patch.get_facecolor()) for patch in figure.axes[0].patches}
        assert bars == {colour.lower()}
        # and the sizes chart, drawn for the PDF and the PNG alike, colours its bar the same
    sizes = Figure()
    chart("sizes").draw(sizes, ChartInputs(result=made.analysis, names=made.names))
    colours = [to_hex(bar.get_facecolor()) for bar in sizes.axes[0].patches]
    assert set(colours) == {segment_color(n).lower() for n in range(1, 5)}
    assert np.array_equal(len(colours), 4)
