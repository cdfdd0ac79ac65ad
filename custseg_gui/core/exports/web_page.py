"""report.html: the report as one web page to e-mail, that opens in any browser.

One self-contained file: the charts (from the chart catalogue, core/charts) are PNG pictures
written into the page itself, the styles are in the page, and there is no script and nothing
fetched from the network. The sections are the PDF's. It reads on a phone (one column, tables
that scroll sideways) and on a desktop, and prints (no navigation, sections kept whole).
"""

from __future__ import annotations

import base64
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from custseg_gui import __version__
from custseg_gui.core.charts import ChartInputs, segment_color
from custseg_gui.core.exports.facts import settings_rows
from custseg_gui.core.exports.images import chart_png
from custseg_gui.core.exports.report_words import (GLANCE_HEADER, K_CHOICE, METHOD, RFM_INTRO,
                                                   SCORES_HEADER, glance_rows,
                                                   key_numbers_sentence, profile_table,
                                                   reading, rfm_mix_words, score_rows,
                                                   stability_words, summary_paragraph,
                                                   title_line)

FILE = "report.html"
# Pixels per inch of the pictures: sharp on a phone's screen and on paper, a page of a few MB.
DPI = 150
CHART_SIZE = (9.0, 5.0)  # inches, as drawn: the page shows them at most about this wide
SEGMENT_CHART_SIZE = (6.0, 3.2)
SEGMENTS_PER_TABLE = 6

STYLE = """
:root { --text: #1a1a1a; --muted: #555; --line: #d0d7e2; --shade: #eef2f7; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif;
       color: var(--text); line-height: 1.5; background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 2rem; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .5rem; padding-bottom: .25rem;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 0 0 .4rem; }
p { margin: .4rem 0 .8rem; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.reading { color: var(--muted); font-size: .92rem; }
nav ol { columns: 2; padding-left: 1.25rem; }
nav a { color: #0b5394; }
figure { margin: 1rem 0; }
figure img { display: block; width: 100%; max-width: 100%; height: auto;
             border: 1px solid var(--line); }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .3rem; }
.table { overflow-x: auto; margin: .6rem 0 1.2rem; }
table { border-collapse: collapse; font-size: .92rem; min-width: 100%; }
th, td { padding: .3rem .55rem; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; overflow-wrap: break-word; }
th { background: var(--shade); }
td.number, th.number { text-align: right; }
td.number { white-space: nowrap; }
.wrap td:last-child { overflow-wrap: anywhere; }
tbody tr:nth-child(even) { background: #f8fafc; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
          margin-right: .4em; vertical-align: baseline; }
.segment { border-left: 6px solid; padding: .6rem 0 .6rem 1rem; margin: 1.4rem 0;
           display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem;
           align-items: start; }
.segment figure { margin: 0; }
.action { font-weight: 600; }
.bands { display: flex; height: .5rem; margin: 1rem 0; }
.bands span { flex: 1; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
@media (max-width: 45rem) {
  main { padding: 1rem .8rem 2rem; }
  h1 { font-size: 1.6rem; }
  nav ol { columns: 1; }
  .segment, .pair { grid-template-columns: 1fr; }
  table { font-size: .85rem; }
}
@media print {
  nav { display: none; }
  main { max-width: none; padding: 0; }
  body { font-size: 10pt; }
  h2 { break-before: page; break-after: avoid; }
  h2.first { break-before: auto; }
  figure, .segment, tr { break-inside: avoid; }
  figure img { width: auto; max-height: 4.2in; margin: 0 auto; }
  table { font-size: 8pt; }
  th, td { padding: .15rem .3rem; }
  .table { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _picture(png: bytes, alt: str, caption: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    text = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}">'
            f"{text}</figure>")


def _chart(name: str, inputs: ChartInputs, alt: str, size=CHART_SIZE) -> str:
    return _picture(chart_png(name, inputs, size, DPI), alt, reading(name))


def _table(header: list[str], rows: list[list[str]], numbers: set[int] = frozenset(),
           swatches: dict[int, str] | None = None, wrap: bool = False) -> str:
    """A table that scrolls sideways on a narrow screen; `numbers`: right-aligned columns;
    `swatches`: row -> the colour shown before its second cell (a segment's name); `wrap`:
    its last column's long words (a checksum) break anywhere rather than widen the table."""
    def cell(tag: str, column: int, text: str, swatch: str | None = None) -> str:
        kind = ' class="number"' if column in numbers else ""
        mark = f'<span class="swatch" style="background:{swatch}"></span>' \
            if swatch and column == 1 else ""
        return f"<{tag}{kind}>{mark}{escape(str(text))}</{tag}>"

    head = "".join(cell("th", column, text) for column, text in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", column, text, (swatches or {}).get(row))
                         for column, text in enumerate(cells)) + "</tr>"
        for row, cells in enumerate(rows))
    kind = ' class="wrap"' if wrap else ""
    return (f'<div class="table"><table{kind}><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table></div>")


SECTIONS = {
    "summary": "Summary",
    "choice": "How the number of segments was chosen",
    "segments": "The segments",
    "rfm": "RFM segments",
    "profiles": "Segment profiles",
    "differ": "How the segments differ",
    "one-by-one": "The segments one by one",
    "settings": "Appendix: settings to reproduce this report",
}


def _heading(key: str, first: bool = False) -> str:
    kind = ' class="first"' if first else ""
    return f'<h2 id="{key}"{kind}>{escape(SECTIONS[key])}</h2>'


def page(context, progress) -> str:
    """The whole page as text."""
    analysis, names, inputs = context.result, context.segment_names, context.chart_inputs
    insights, report = analysis.insights, analysis.table.report
    k = analysis.segmentation.k
    colours = {p.number: segment_color(p.number) for p in insights.profiles}
    keys = [key for key in SECTIONS if key != "rfm" or analysis.orders is not None]
    parts = [f"<h1>Customer segments</h1><p class=\"muted\">{escape(report.file_name)}<br>"
             f"{escape(title_line(analysis))}</p>",
             '<div class="bands">' + "".join(
                 f'<span style="background:{segment_color(n)}"></span>'
                 for n in range(1, k + 1)) + "</div>",
             '<nav aria-label="Contents"><ol>' + "".join(
                 f'<li><a href="#{key}">{escape(SECTIONS[key])}</a></li>' for key in keys)
             + "</ol></nav>"]

    parts += [_heading("summary", first=True),
              f"<p>{escape(summary_paragraph(analysis, names))}</p>",
              "<h3>The segments at a glance</h3>",
              _table(GLANCE_HEADER, glance_rows(analysis, names), {0, 2, 3},
                     {row: colours[p.number] for row, p in enumerate(insights.profiles)})]
    progress.report(0.1, "Drawing the charts for the web page...")
    parts += [_heading("choice"), f"<p>{escape(analysis.search.recommendation)}</p>",
              f'<p class="reading">{escape(K_CHOICE)}</p>',
              _chart("elbow", inputs, "Elbow chart: spread within segments for each number "
                     "of segments"),
              _chart("silhouette", inputs, "Silhouette chart: how clearly customers sit in "
                     "their segment")]
    progress.report(0.3)
    parts += [_heading("segments"),
              _chart("segments", inputs, "Each customer as a dot, coloured by segment",
                     (9.0, 6.0)),
              _chart("sizes", inputs, "The number of customers in each segment")]
    if analysis.orders is not None:
        parts += [_heading("rfm"),
                  f'<p class="reading">{escape(analysis.orders.describe())} '
                  f"{escape(RFM_INTRO)}</p>",
                  _chart("rfm", inputs, "Customers by R and F score", (8.0, 6.0)),
                  _table(["#", "Segment", "Its customers' RFM segments"],
                         [[str(p.number), names[p.number], rfm_mix_words(p.rfm_segments)]
                          for p in insights.profiles], {0},
                         {row: colours[p.number] for row, p in enumerate(insights.profiles)})]
    progress.report(0.45)
    parts += [_heading("profiles"),
              '<p class="reading">The average of every numeric column in each segment, in '
              "your data's units, beside the average of all customers.</p>"]
    profiles = list(insights.profiles)
    for start in range(0, len(profiles), SEGMENTS_PER_TABLE):
        header, rows = profile_table(insights, names, profiles[start:start + SEGMENTS_PER_TABLE])
        parts.append(_table(header, rows, set(range(1, len(header)))))
    parts += [_heading("differ"),
              _chart("profiles", inputs, "Each segment's averages against all customers",
                     (9.0, 6.0)),
              _chart("importance", inputs, "How much of each column's variation the segments "
                     "explain")]
    progress.report(0.6)
    parts.append(_heading("one-by-one"))
    for position, profile in enumerate(profiles):
        progress.report(0.6 + 0.3 * position / len(profiles),
                        f"Describing segment {profile.number}...")
        parts.append(_segment(analysis, names, profile))
    parts += [_heading("settings"),
              _table(["Setting", "Value"], [list(row) for row in settings_rows(analysis)],
                     wrap=True),
              "<h3>Scores for every number of segments tried</h3>",
              _table(SCORES_HEADER, score_rows(analysis), {0, 1, 2, 3, 4}),
              f'<p class="reading">{escape(METHOD)}</p>']
    title = escape(f"Customer segments: {report.file_name}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="CustSeg {escape(__version__)}">'
            f"<title>{title}</title><style>{STYLE}</style></head><body><main>"
            + "\n".join(parts) + "</main></body></html>\n")


def _segment(analysis, names, profile) -> str:
    insights, colour = analysis.insights, segment_color(profile.number)
    words = [f'<h3 style="color:{colour}">{profile.number}. {escape(names[profile.number])}'
             f"</h3>", f"<p>{escape(profile.description)}</p>",
             f"<p>{escape(stability_words(insights, profile))}</p>"]
    numbers = key_numbers_sentence(insights, profile)
    if numbers:
        words.append(f"<p>{escape(numbers)}</p>")
    if profile.rfm_segments:
        words.append(f"<p>RFM segments: {escape(rfm_mix_words(profile.rfm_segments))}.</p>")
    if profile.action:
        words.append(f'<p class="action">Suggested action: {escape(profile.action)}</p>')
    inputs = ChartInputs(result=analysis, names=names, highlight=profile.number)
    picture = _picture(chart_png("segment_profile", inputs, SEGMENT_CHART_SIZE, DPI),
                       f"How segment {profile.number} differs from the average")
    return (f'<section class="segment" id="segment-{profile.number}" '
            f'style="border-color:{colour}"><div>{"".join(words)}</div>{picture}</section>')


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    text = page(context, progress)
    staging.write(folder / FILE, lambda handle: handle.write(text.encode("utf-8")))
    progress.report(1.0)


class _Reader(HTMLParser):
    """The page's text, and every address it refers to."""

    def __init__(self):
        super().__init__()
        self.text, self.addresses, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.addresses += [value or "" for name, value in attrs if name in ("src", "href")]

    def handle_data(self, data):
        self.text.append(data)


def read_page(path: Path) -> _Reader:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def check(folder: Path, context) -> None:
    """Every segment's name is on the page; nothing comes from elsewhere; no script."""
    reader = read_page(folder / FILE)
    text = " ".join(reader.text)
    for number, name in context.segment_names.items():
        if f"{number}. {name}" not in text:
            raise AssertionError(f"{FILE} does not name segment {number}")
    outside = [address for address in reader.addresses
               if not address.startswith(("data:image/png;base64,", "#"))]
    if outside or "script" in reader.tags:
        raise AssertionError(f"{FILE} refers to {outside[:3]} or holds a script")
