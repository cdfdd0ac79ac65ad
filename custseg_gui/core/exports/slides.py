"""report.pptx: slides for the meeting, 16:9, made with python-pptx.

Every word is a text box or a table cell the user can edit; the charts are pictures drawn at
print resolution from the chart catalogue (core/charts), at the size they take on the slide, so
their text stays legible. Each slide's speaker notes carry the plain reading of its charts.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from custseg_gui.core.charts import ChartInputs, segment_color
from custseg_gui.core.exports.facts import settings_rows
from custseg_gui.core.exports.images import IMAGE_DPI, chart_png
from custseg_gui.core.exports.report_words import (GLANCE_HEADER, K_CHOICE, METHOD, RFM_INTRO,
                                                   glance_rows, key_numbers, reading,
                                                   rfm_mix_words, size_words, stability_words,
                                                   summary_paragraph, title_line)
from custseg_gui.core.formatting import segment_label

FILE = "report.pptx"
WIDTH, HEIGHT = 13.333, 7.5  # inches: 16:9
MARGIN = 0.5
BODY_TOP = 1.3  # below the title
TEXT, MUTED = "1A1A1A", "555555"
# A character of the theme's font (Calibri, or its metric twin Carlito) is about half its
# size wide; a little more, so that text estimated to fit does fit.
CHAR_WIDTH = 0.52
LINE = 1.2  # line height, as a share of the font size
# Slides that are there whatever the data: title, summary, number of segments, map and sizes,
# what sets them apart, settings. An order log adds the RFM slide; every segment one slide.
FIXED_SLIDES = 6
# Paragraph alignment as python-pptx numbers it (PP_ALIGN), without importing it up front.
LEFT, RIGHT = 1, 3


def _inches(value: float):
    from pptx.util import Emu

    return Emu(int(round(value * 914400)))


def _colour(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def lines_of(text: str, width_in: float, size_pt: float) -> int:
    """How many lines `text` takes in a box this wide at this font size (an estimate)."""
    chars = max(8, int(width_in * 72 / (size_pt * CHAR_WIDTH)))
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def fitting_size(paragraphs: list[str], width_in: float, height_in: float, largest: float,
                 smallest: float = 9.0, spacing: float = 0.5) -> float:
    """The largest font size (points, in steps of a half) at which the paragraphs fit the box;
    `spacing`: the room after each paragraph, as a share of a line."""
    scale = fitting_scale([(text, largest) for text in paragraphs], width_in, height_in,
                          smallest / largest, spacing)
    return round(largest * scale * 2) / 2


def fitting_scale(paragraphs: list[tuple[str, float]], width_in: float, height_in: float,
                  least: float = 0.4, spacing: float = 0.5) -> float:
    """The share (1 or less) of their sizes at which paragraphs of (text, size) fit the box."""
    scale = 1.0
    while scale > least:
        height = sum((lines_of(text, width_in - 0.2, size * scale) + spacing)
                     * size * scale * LINE / 72 for text, size in paragraphs)
        if height <= height_in - 0.1:
            break
        scale -= 0.025
    return max(scale, least)


class _Deck:
    """A presentation being made, with the helpers every slide uses."""

    def __init__(self, source: str):
        from pptx import Presentation

        self.presentation = Presentation()
        self.presentation.slide_width = _inches(WIDTH)
        self.presentation.slide_height = _inches(HEIGHT)
        self.presentation.core_properties.title = f"Customer segments: {source}"
        self.source = source

    def slide(self, title: str, notes: str, accent: str | None = None):
        """A new slide with its title (as the slide's title placeholder) and speaker notes."""
        from pptx.util import Pt

        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[5])
        heading = slide.shapes.title
        left = MARGIN + (0.3 if accent else 0.0)
        heading.left, heading.top = _inches(left), _inches(0.3)
        heading.width, heading.height = _inches(WIDTH - MARGIN - left), _inches(0.85)
        # Bold letters are wider: a fifth more room each than body text.
        size = fitting_size([title], (WIDTH - MARGIN - left) / 1.2, 0.85, 30, 16, spacing=0)
        frame = heading.text_frame
        frame.word_wrap = True
        frame.text = title
        paragraph = frame.paragraphs[0]
        paragraph.alignment = LEFT
        paragraph.runs[0].font.size = Pt(size)
        paragraph.runs[0].font.bold = True
        paragraph.runs[0].font.color.rgb = _colour(TEXT)
        if accent:  # the segment's own colour, as in its charts
            self.rectangle(slide, MARGIN, 0.38, 0.14, 0.7, accent)
        self.rectangle(slide, MARGIN, 1.12, WIDTH - 2 * MARGIN, 0.02, accent or "#D0D7E2")
        self.footer(slide)
        slide.notes_slide.notes_text_frame.text = notes
        return slide

    def footer(self, slide) -> None:
        number = len(self.presentation.slides)
        self.text(slide, f"CustSeg segment report · {self.source}", MARGIN, HEIGHT - 0.42,
                  9.0, 0.3, size=9, colour=MUTED)
        self.text(slide, str(number), WIDTH - MARGIN - 1.0, HEIGHT - 0.42, 1.0, 0.3, size=9,
                  colour=MUTED, align=RIGHT)

    def rectangle(self, slide, left, top, width, height, colour: str) -> None:
        from pptx.enum.shapes import MSO_SHAPE

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _inches(left), _inches(top),
                                       _inches(width), _inches(height))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _colour(colour)
        shape.line.fill.background()

    def text(self, slide, text: str, left, top, width, height, size: float = 18,
             colour: str = TEXT, bold: bool = False, align: int = LEFT):
        return self.paragraphs(slide, [(text, size, bold, colour)], left, top, width, height,
                               align)

    def paragraphs(self, slide, paragraphs, left, top, width, height, align: int = LEFT):
        """A text box of paragraphs: (text, size, bold, colour) each."""
        from pptx.util import Pt

        box = slide.shapes.add_textbox(_inches(left), _inches(top), _inches(width),
                                       _inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for number, (text, size, bold, colour) in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.alignment = align
            paragraph.space_after = Pt(size * 0.5)
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = _colour(colour)
        return box

    def picture(self, slide, name: str, inputs: ChartInputs, left, top, width, height,
                zoom: float = 1.0) -> None:
        """A chart drawn `zoom` times the size it is shown at (its text that much smaller, for
        charts of several panels), at print resolution as shown."""
        png = chart_png(name, inputs, (width * zoom, height * zoom), math.ceil(IMAGE_DPI / zoom))
        slide.shapes.add_picture(io.BytesIO(png), _inches(left), _inches(top), _inches(width),
                                 _inches(height))

    def table(self, slide, header: list[str], rows: list[list[str]], widths: list[float],
              left, top, row_height: float, size: float, align: list[int] | None = None,
              heights: list[float] | None = None):
        from pptx.util import Pt

        shape = slide.shapes.add_table(len(rows) + 1, len(header), _inches(left), _inches(top),
                                       _inches(sum(widths)), _inches(row_height))
        table = shape.table
        for column, width in enumerate(widths):
            table.columns[column].width = _inches(width)
        align = align or [LEFT] * len(header)
        for row_number, cells in enumerate([header] + rows):
            table.rows[row_number].height = _inches(
                heights[row_number - 1] if heights and row_number else row_height)
            for column, text in enumerate(cells):
                cell = table.cell(row_number, column)
                cell.text = str(text)
                cell.margin_top = cell.margin_bottom = _inches(0.03)
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.alignment = align[column]
                    for run in paragraph.runs:
                        run.font.size = Pt(size)
                        run.font.bold = row_number == 0
        return table

    def save(self, handle) -> None:
        self.presentation.save(handle)


def _title_slide(deck: _Deck, analysis, names) -> None:
    slide = deck.presentation.slides.add_slide(deck.presentation.slide_layouts[6])
    deck.rectangle(slide, 0, 0, 0.35, HEIGHT, "#0072B2")
    # The segments' colours, one band each, as every chart shows them.
    k = analysis.segmentation.k
    for number in range(1, k + 1):
        deck.rectangle(slide, 1.0 + (number - 1) * 11.3 / k, 5.2, 11.3 / k, 0.12,
                       segment_color(number))
    title = deck.text(slide, "Customer segments", 1.0, 1.7, 11.3, 1.2, size=44, bold=True)
    title.name = "Title"
    deck.text(slide, analysis.table.report.file_name, 1.0, 3.0, 11.3, 0.8,
              size=fitting_size([analysis.table.report.file_name], 11.3, 0.8, 26, 14, 0),
              colour=MUTED)
    deck.text(slide, title_line(analysis), 1.0, 3.9, 11.3, 0.6, size=20, colour=MUTED)
    slide.notes_slide.notes_text_frame.text = summary_paragraph(analysis, names)


def _summary_slide(deck: _Deck, analysis, names) -> None:
    paragraph = summary_paragraph(analysis, names)
    slide = deck.slide("Summary", paragraph)
    text_height = 2.0
    deck.text(slide, paragraph, MARGIN, BODY_TOP + 0.1, WIDTH - 2 * MARGIN, text_height,
              size=fitting_size([paragraph], WIDTH - 2 * MARGIN, text_height, 20, 11, 0))
    rows = glance_rows(analysis, names)
    top = BODY_TOP + text_height + 0.2
    room = HEIGHT - 0.6 - top
    row_height = min(0.42, room / (len(rows) + 1))
    size = max(9.0, min(16.0, row_height * 72 / 1.9))
    widths = [0.6, 6.4, 1.6, 1.4, 2.3]
    table = deck.table(slide, GLANCE_HEADER, rows, widths, MARGIN, top, row_height, size,
                       align=[RIGHT, LEFT, RIGHT, RIGHT, LEFT])
    # Each segment's number on its own colour, as in every chart.
    for row, profile in enumerate(analysis.insights.profiles, start=1):
        cell = table.cell(row, 0)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _colour(segment_color(profile.number))
        for run in cell.text_frame.paragraphs[0].runs:
            run.font.color.rgb, run.font.bold = _colour("FFFFFF"), True


def _k_slide(deck: _Deck, analysis, inputs) -> None:
    recommendation = analysis.search.recommendation
    slide = deck.slide("How the number of segments was chosen",
                       f"{recommendation}\n\n{K_CHOICE}\n\n{reading('elbow')}\n\n"
                       f"{reading('silhouette')}")
    deck.text(slide, recommendation, MARGIN, BODY_TOP + 0.05, WIDTH - 2 * MARGIN, 1.0,
              size=fitting_size([recommendation], WIDTH - 2 * MARGIN, 1.0, 18, 11, 0))
    # The silhouette chart has two panels: it takes the wider part.
    elbow_width = 4.7
    deck.picture(slide, "elbow", inputs, MARGIN, 2.45, elbow_width, 4.5)
    deck.picture(slide, "silhouette", inputs, MARGIN + elbow_width + 0.2, 2.45,
                 WIDTH - 2 * MARGIN - elbow_width - 0.2, 4.5, zoom=1.25)


def _map_slide(deck: _Deck, inputs) -> None:
    slide = deck.slide("The segments and their sizes",
                       f"{reading('segments')}\n\n{reading('sizes')}")
    deck.picture(slide, "segments", inputs, MARGIN, BODY_TOP + 0.1, 7.3, 5.6)
    deck.picture(slide, "sizes", inputs, MARGIN + 7.5, BODY_TOP + 0.1, 4.8, 5.6)


def _rfm_slide(deck: _Deck, analysis, names, inputs) -> None:
    intro = f"{analysis.orders.describe()} {RFM_INTRO}"
    slide = deck.slide("RFM segments", f"{intro}\n\n{reading('rfm')}")
    deck.picture(slide, "rfm", inputs, MARGIN, BODY_TOP + 0.1, 6.6, 5.6)
    rows = [[segment_label(p.number, names[p.number]), rfm_mix_words(p.rfm_segments)]
            for p in analysis.insights.profiles]
    left, widths = MARGIN + 6.8, [2.2, 3.3]
    room = HEIGHT - 0.6 - BODY_TOP - 0.1
    size = 12.0
    while size > 8:
        heights = [max(lines_of(a, widths[0] - 0.15, size), lines_of(b, widths[1] - 0.15, size))
                   * size * LINE / 72 + 0.1 for a, b in rows]
        if sum(heights) + 0.4 <= room:
            break
        size -= 0.5
    deck.table(slide, ["Segment", "Its customers' RFM segments"], rows, widths, left,
               BODY_TOP + 0.1, 0.4, size, heights=heights)


def _segment_slide(deck: _Deck, analysis, names, profile, inputs: ChartInputs) -> None:
    insights = analysis.insights
    colour = segment_color(profile.number)
    paragraphs = [(size_words(profile), 22, True, colour.lstrip("#"))]
    numbers = key_numbers(insights, profile)
    if numbers:
        paragraphs.append(("Against the average customer:", 16, True, TEXT))
        paragraphs += [(f"{column}: {value} (average {average})", 15, False, TEXT)
                       for column, value, average in numbers]
    if profile.rfm_segments:
        paragraphs.append((f"RFM segments: {rfm_mix_words(profile.rfm_segments)}.", 14, False,
                           TEXT))
    if profile.action:
        paragraphs.append((f"Suggested action: {profile.action}", 16, True, TEXT))
    paragraphs.append((stability_words(insights, profile), 13, False, MUTED))
    width, height = 6.5, HEIGHT - 0.6 - BODY_TOP - 0.1
    scale = fitting_scale([(text, size) for text, size, *_ in paragraphs], width, height)
    # Every paragraph shrinks by the same share, the size line staying the largest.
    paragraphs = [(text, max(8.0, round(size * scale * 2) / 2), bold, shade)
                  for text, size, bold, shade in paragraphs]
    slide = deck.slide(f"{profile.number}. {names[profile.number]}",
                       f"{profile.description}\n\n{reading('segment_profile')}", accent=colour)
    deck.paragraphs(slide, paragraphs, MARGIN, BODY_TOP + 0.1, width, height)
    deck.picture(slide, "segment_profile", ChartInputs(
        result=analysis, names=names, highlight=profile.number),
        MARGIN + width + 0.2, BODY_TOP + 0.3, WIDTH - 2 * MARGIN - width - 0.2, 4.8)


def _apart_slide(deck: _Deck, inputs) -> None:
    slide = deck.slide("What sets the segments apart",
                       f"{reading('profiles')}\n\n{reading('importance')}")
    deck.picture(slide, "profiles", inputs, MARGIN, BODY_TOP + 0.1, 7.2, 5.6, zoom=1.15)
    deck.picture(slide, "importance", inputs, MARGIN + 7.4, BODY_TOP + 0.1, 4.9, 5.6)


SETTING_WIDTHS = [2.3, 3.65]


def _setting_height(label: str, value: str, size: float) -> float:
    lines = max(lines_of(label, SETTING_WIDTHS[0] - 0.15, size),
                lines_of(value, SETTING_WIDTHS[1] - 0.15, size))
    return lines * size * LINE / 72 + 0.07


def setting_pages(rows: list[tuple[str, str]], size: float = 10.0,
                  room: float = HEIGHT - 0.7 - BODY_TOP - 0.1) -> list[list[list]]:
    """The settings in columns of a slide's height, two columns a slide: [slide][column]."""
    columns, column, used = [], [], 0.3  # the header row
    for label, value in rows:
        height = _setting_height(label, value, size)
        if column and used + height > room:
            columns.append(column)
            column, used = [], 0.3
        column.append((label, value))
        used += height
    columns.append(column)
    if len(columns) == 2:  # one slide: the two columns about as long as each other
        heights = [_setting_height(label, value, size) for label, value in rows]
        half, split = sum(heights) / 2, 0
        while split < len(rows) and sum(heights[:split + 1]) <= half:
            split += 1
        columns = [rows[:split], rows[split:]] if split else columns
    return [columns[start:start + 2] for start in range(0, len(columns), 2)]


def _settings_slides(deck: _Deck, analysis) -> None:
    size = 10.0
    pages = setting_pages(settings_rows(analysis), size)
    for number, page in enumerate(pages):
        title = "Settings to reproduce this report" + (" (continued)" if number else "")
        slide = deck.slide(title, METHOD)
        for position, rows in enumerate(page):
            deck.table(slide, ["Setting", "Value"], [list(row) for row in rows],
                       SETTING_WIDTHS, MARGIN + position * (sum(SETTING_WIDTHS) + 0.35),
                       BODY_TOP + 0.1, 0.3, size,
                       heights=[_setting_height(label, value, size) for label, value in rows])


def write_deck(handle, context, progress) -> None:
    analysis, names = context.result, context.segment_names
    inputs = context.chart_inputs
    deck = _Deck(analysis.table.report.file_name)
    _title_slide(deck, analysis, names)
    _summary_slide(deck, analysis, names)
    progress.report(0.1, "Drawing the charts for the slides...")
    _k_slide(deck, analysis, inputs)
    progress.report(0.25)
    _map_slide(deck, inputs)
    if analysis.orders is not None:
        _rfm_slide(deck, analysis, names, inputs)
    progress.report(0.4)
    profiles = analysis.insights.profiles
    for position, profile in enumerate(profiles):
        progress.report(0.4 + 0.4 * position / len(profiles),
                        f"Making the slide of segment {profile.number}...")
        _segment_slide(deck, analysis, names, profile, inputs)
    _apart_slide(deck, inputs)
    progress.report(0.9)
    _settings_slides(deck, analysis)
    deck.save(handle)
    progress.report(1.0)


def slide_count(context) -> int:
    """How many slides the deck of this analysis has."""
    analysis = context.result
    return (FIXED_SLIDES - 1 + (analysis.orders is not None) + analysis.segmentation.k
            + len(setting_pages(settings_rows(analysis))))


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE, lambda handle: write_deck(handle, context, progress))


def check(folder: Path, context) -> None:
    """The deck opens, has its slides, and every segment's name is on its own slide."""
    from pptx import Presentation

    deck = Presentation(str(folder / FILE))
    expected = slide_count(context)
    if len(deck.slides) != expected:
        raise AssertionError(f"{FILE} has {len(deck.slides)} slides, expected {expected}")
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides
              if slide.shapes.title is not None]
    for number, name in context.segment_names.items():
        if f"{number}. {name}" not in titles:
            raise AssertionError(f"{FILE} has no slide for segment {number}")
