"""report.pdf: a segment report a manager can read without the app, A4 or US Letter.

Every page is a matplotlib figure, so the charts are the window's own drawing functions
(the chart catalogue, core/charts) rendered as vector graphics, and the text is real,
searchable text.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from matplotlib.figure import Figure

from custseg_gui import __version__
from custseg_gui.core.charts import chart, segment_color
from custseg_gui.core.exports.facts import settings_rows
from custseg_gui.core.exports.report_words import (GLANCE_HEADER, K_CHOICE, METHOD, RFM_INTRO,
                                                   SCORES_HEADER, glance_rows, profile_table,
                                                   key_numbers_sentence, rfm_mix_words,
                                                   score_rows, stability_words,
                                                   summary_paragraph, title_line)
from custseg_gui.core.progress import NO_PROGRESS, Progress

PAGE_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN = 0.75  # inches
TEXT = "#1A1A1A"
MUTED = "#555555"
# Average character width of DejaVu Sans, as a share of the font size: for wrapping text.
CHAR_WIDTH = 0.55
# Room (inches) the profile charts need to share a page with the table before them.
CHART_PAGE_ROOM = 6.0
# Segments per profile table page: more columns would not fit the page width.
SEGMENTS_PER_TABLE = 6


@dataclass
class _Writer:
    """Flows text and tables down pages, starting a new page when one is full."""

    pdf: object
    size: tuple[float, float]
    source: str
    figure: Figure | None = None
    cursor: float = 0.0  # inches from the top of the page
    page: int = 0
    charted: bool = False  # this page's chart region is taken

    @property
    def width(self) -> float:
        return self.size[0] - 2 * MARGIN

    def new_page(self) -> Figure:
        self.finish_page()
        self.figure = Figure(figsize=self.size)
        self.charted = False
        self.page += 1
        self.cursor = MARGIN
        self.figure.text(MARGIN / self.size[0], 0.4 / self.size[1],
                         f"CustSeg segment report · {self.source}", fontsize=7.5, color=MUTED)
        self.figure.text(1 - MARGIN / self.size[0], 0.4 / self.size[1], f"Page {self.page}",
                         fontsize=7.5, color=MUTED, ha="right")
        return self.figure

    def finish_page(self) -> None:
        if self.figure is not None:
            self.pdf.savefig(self.figure)
            self.figure = None

    def room(self) -> float:
        return self.size[1] - MARGIN - self.cursor

    def ensure(self, height: float) -> None:
        if self.figure is None or self.room() < height:
            self.new_page()

    def _y(self) -> float:
        return 1 - self.cursor / self.size[1]

    def lines(self, text: str, size: float, indent: float = 0.0) -> list[str]:
        chars = max(20, int((self.width - indent) * 72 / (size * CHAR_WIDTH)))
        wrapped = []
        for paragraph in text.split("\n"):
            wrapped += textwrap.wrap(paragraph, chars) or [""]
        return wrapped

    def height(self, text: str, size: float = 10, space_after: float = 0.08) -> float:
        """How much room a paragraph will take."""
        return len(self.lines(text, size)) * size * 1.4 / 72 + space_after

    def text(self, text: str, size: float = 10, weight: str = "normal", color: str = TEXT,
             space_after: float = 0.08, indent: float = 0.0, keep: float = 0.0) -> None:
        """A wrapped paragraph; `keep` asks for that much room below it on the same page."""
        lines = self.lines(text, size, indent)
        line_height = size * 1.4 / 72
        self.ensure(line_height * min(len(lines), 3) + keep)
        for line in lines:
            self.ensure(line_height)
            self.figure.text((MARGIN + indent) / self.size[0], self._y(), line, fontsize=size,
                             fontweight=weight, color=color, va="top")
            self.cursor += line_height
        self.cursor += space_after

    def heading(self, text: str, size: float = 15) -> None:
        self.text(text, size=size, weight="bold", space_after=0.12, keep=1.2)

    def charts(self, height: float, draws: list, ratios: list[float] | None = None) -> None:
        """Draw charts (functions of a figure) stacked in the next `height` inches.

        A page's charts are laid out together by matplotlib's constrained layout, confined to
        their region of the page, so a page takes one call; a second starts a new page.
        """
        from matplotlib.layout_engine import ConstrainedLayoutEngine

        if self.figure is None or self.charted or self.room() < height:
            self.new_page()
        bottom = self.cursor + height
        width, page_height = self.size
        self.figure.set_layout_engine(ConstrainedLayoutEngine(
            rect=(MARGIN / width, 1 - bottom / page_height, self.width / width,
                  height / page_height)))
        regions = self.figure.subfigures(len(draws), 1, height_ratios=ratios, squeeze=False)
        for region, draw in zip(regions[:, 0], draws):
            draw(region)
        self.charted = True
        self.cursor = bottom + 0.15

    def table(self, header: list[str], rows: list[list[str]], widths: list[float],
              size: float = 8.5, align: list[str] | None = None) -> None:
        """A grid of text that breaks across pages, repeating its header on each."""
        align = align or ["left"] + ["right"] * (len(header) - 1)
        scale = self.width / sum(widths)
        widths = [width * scale for width in widths]
        line_height = size * 1.35 / 72

        def cell_lines(text: str, width: float) -> list[str]:
            chars = max(4, int(width * 72 / (size * CHAR_WIDTH)) - 1)
            return textwrap.wrap(str(text), chars) or [""]

        def draw_row(cells: list[str], bold: bool, shade: bool) -> None:
            wrapped = [cell_lines(text, width) for text, width in zip(cells, widths)]
            height = line_height * max(len(lines) for lines in wrapped) + 0.06
            if shade:
                self.figure.patches.append(_rectangle(self.size, MARGIN, self.cursor,
                                                      self.width, height, "#EEF2F7"))
            x = MARGIN
            for lines, width, side in zip(wrapped, widths, align):
                anchor = x + 0.04 if side == "left" else x + width - 0.04
                for number, line in enumerate(lines):
                    self.figure.text(anchor / self.size[0],
                                     1 - (self.cursor + 0.03 + number * line_height) / self.size[1],
                                     line, fontsize=size, va="top", ha=side,
                                     fontweight="bold" if bold else "normal", color=TEXT)
                x += width
            self.cursor += height

        def header_height() -> float:
            return line_height * max(len(cell_lines(t, w)) for t, w in zip(header, widths)) + 0.06

        self.ensure(header_height() + 3 * line_height)
        draw_row(header, True, True)
        for number, row in enumerate(rows):
            needed = line_height * max(len(cell_lines(t, w)) for t, w in zip(row, widths)) + 0.06
            if self.room() < needed:
                self.new_page()
                draw_row(header, True, True)
            draw_row(row, False, number % 2 == 1)
        self.cursor += 0.15


def _rectangle(size, x: float, top: float, width: float, height: float, colour: str):
    from matplotlib.patches import Rectangle

    page_width, page_height = size
    return Rectangle((x / page_width, 1 - (top + height) / page_height), width / page_width,
                     height / page_height, transform=None, facecolor=colour, edgecolor="none",
                     zorder=-1)


def write_pdf_report(handle: IO[bytes], context, progress: Progress = NO_PROGRESS) -> None:
    """Write the report of an export context (core/exports) to an open binary file."""
    analysis, names, page_size = context.result, context.segment_names, context.page_size
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    size = PAGE_SIZES[page_size.lower()]
    report = analysis.table.report
    # TrueType fonts keep the text searchable and extractable (Type 3 would not).
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}), \
            PdfPages(handle, metadata={"Title": f"Customer segments: {report.file_name}",
                                       "Creator": f"CustSeg {__version__}"}) as pdf:
        writer = _Writer(pdf, size, report.file_name)
        _title_page(writer, analysis, names)
        progress.report(0.15, "Drawing the charts for the report...")
        _k_pages(writer, analysis, context.chart_inputs)
        progress.report(0.35)
        _segment_chart_pages(writer, context.chart_inputs)
        if analysis.orders is not None:
            _rfm_page(writer, analysis, names, context.chart_inputs)
        progress.report(0.6, "Writing the segment profiles...")
        _profile_pages(writer, analysis, names, context.chart_inputs)
        progress.report(0.8)
        _segment_sections(writer, analysis, names)
        _appendix(writer, analysis)
        writer.finish_page()
    progress.report(1.0)


def _title_page(writer: _Writer, analysis, names: dict[int, str]) -> None:
    report = analysis.table.report
    writer.new_page()
    writer.cursor += 0.4
    writer.text("Customer segments", size=26, weight="bold", space_after=0.1)
    writer.text(report.file_name, size=14, color=MUTED, space_after=0.05)
    writer.text(title_line(analysis), size=11, color=MUTED, space_after=0.4)
    writer.heading("Summary", size=14)
    writer.text(summary_paragraph(analysis, names), size=11, space_after=0.3)
    writer.heading("The segments at a glance", size=14)
    writer.table(GLANCE_HEADER, glance_rows(analysis, names),
                 [0.4, 3.6, 1.0, 0.8, 1.4], size=9.5,
                 align=["right", "left", "right", "right", "left"])


def _k_pages(writer: _Writer, analysis, inputs) -> None:
    search = analysis.search
    writer.new_page()
    writer.heading("How the number of segments was chosen")
    writer.text(search.recommendation, size=10.5, space_after=0.15)
    writer.text(K_CHOICE, size=9, color=MUTED, space_after=0.15)
    writer.charts(writer.room() - 0.1, [
        lambda fig: chart("elbow").draw(fig, inputs),
        lambda fig: chart("silhouette").draw(fig, inputs)])


def _segment_chart_pages(writer: _Writer, inputs) -> None:
    writer.new_page()
    writer.heading("The segments")
    writer.text("Each dot is a customer, coloured by segment; X marks each segment's centre.",
                size=9, color=MUTED, space_after=0.1)
    writer.charts(writer.room() - 0.1, [
        lambda fig: chart("segments").draw(fig, inputs),
        lambda fig: chart("sizes").draw(fig, inputs)], ratios=[1.4, 1])


def _rfm_page(writer: _Writer, analysis, names: dict[int, str], inputs) -> None:
    """An order log's customers on the RFM grid, and each segment's mix of RFM segments."""
    orders = analysis.orders
    writer.new_page()
    writer.heading("RFM segments")
    writer.text(f"{orders.describe()} {RFM_INTRO}", size=9, color=MUTED, space_after=0.1)
    writer.charts(4.6, [lambda fig: chart("rfm").draw(fig, inputs)])
    rows = [[f"{profile.number}: {names[profile.number]}", rfm_mix_words(profile.rfm_segments)]
            for profile in analysis.insights.profiles]
    writer.table(["Segment", "Its customers' RFM segments"], rows, [2.4, 4.4], size=8.5,
                 align=["left", "left"])


def _profile_pages(writer: _Writer, analysis, names: dict[int, str], inputs) -> None:
    insights = analysis.insights
    writer.new_page()
    writer.heading("Segment profiles")
    writer.text("The average of every numeric column in each segment, in your data's units, "
                "beside the average of all customers.", size=9, color=MUTED, space_after=0.12)
    profiles = list(insights.profiles)
    for start in range(0, len(profiles), SEGMENTS_PER_TABLE):
        group = profiles[start:start + SEGMENTS_PER_TABLE]
        header, rows = profile_table(insights, names, group)
        writer.table(header, rows, [2.2] + [1.1] * len(group) + [0.9], size=8)
    # The charts follow on the same page when it has room for them (a page is not left
    # holding a short table alone); the heading names the page, the charts their own parts.
    if writer.room() < CHART_PAGE_ROOM:
        writer.new_page()
    else:
        writer.cursor += 0.1
    writer.heading("How the segments differ")
    writer.text("Top: each segment's average against all customers (orange above, purple "
                "below). Bottom: how much of each column's variation the segments explain.",
                size=9, color=MUTED, space_after=0.1)
    writer.charts(writer.room() - 0.1, [
        lambda fig: chart("profiles").draw(fig, inputs),
        lambda fig: chart("importance").draw(fig, inputs)], ratios=[1.3, 1])


def _segment_sections(writer: _Writer, analysis, names: dict[int, str]) -> None:
    insights = analysis.insights
    writer.new_page()  # the page before ends with charts
    writer.heading("The segments one by one")
    for profile in insights.profiles:
        paragraphs = [(f"{profile.number}. {names[profile.number]}", 12.5, "bold",
                       segment_color(profile.number)),
                      (profile.description, 9.5, "normal", TEXT)]
        # The size is the description's first words: not said twice.
        paragraphs.append((stability_words(insights, profile), 9.5, "normal", TEXT))
        numbers = key_numbers_sentence(insights, profile)
        if numbers:
            paragraphs.append((numbers, 9.5, "normal", TEXT))
        if profile.rfm_segments:
            paragraphs.append((f"RFM segments: {rfm_mix_words(profile.rfm_segments)}.", 9.5,
                               "normal", TEXT))
        if profile.action:
            paragraphs.append((f"Suggested action: {profile.action}", 9.5, "bold", TEXT))
        # A segment's section stays on one page.
        writer.ensure(sum(writer.height(text, size) for text, size, _w, _c in paragraphs))
        for text, size, weight, colour in paragraphs:
            writer.text(text, size=size, weight=weight, color=colour, space_after=0.06)
        writer.cursor += 0.15


def _appendix(writer: _Writer, analysis) -> None:
    # Straight after the last segment when the page has room: no page holds one segment alone.
    if writer.room() < 3.0:
        writer.new_page()
    else:
        writer.cursor += 0.2
    writer.heading("Appendix: settings to reproduce this report")
    writer.table(["Setting", "Value"], [[label, value] for label, value in
                                        settings_rows(analysis)], [2.2, 4.6], size=8.5,
                 align=["left", "left"])
    writer.heading("Scores for every number of segments tried", size=12)
    writer.table(SCORES_HEADER, score_rows(analysis), [1.0, 1.2, 1.2, 1.5, 1.4], size=8.5)
    writer.text(METHOD, size=8.5, color=MUTED)


FILE = "report.pdf"


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    staging.write(folder / FILE, lambda handle: write_pdf_report(handle, context, progress))


def check(folder: Path, context) -> None:
    pdf = (folder / FILE).read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    if not pdf.startswith(b"%PDF") or pages < 5:
        raise AssertionError(f"{FILE} has {pages} pages")
