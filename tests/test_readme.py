"""The README tells the truth about the report command: every option and every export format,
as the settings and the exporter registry declare them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from custseg_gui.core.charts import CHARTS
from custseg_gui.core.exports import EXPORTERS
from custseg_gui.core.settings import SETTINGS_CLASSES, options

README = Path(__file__).resolve().parents[1] / "README.md"


def table_after(heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after the line starting with `heading`."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(heading))
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not set("".join(cells)) <= {"-", " "}:
                rows.append(cells)
        elif rows:
            break
    return rows[1:]  # without the header


def test_the_formats_table_lists_every_export_format_with_its_files():
    # Given the README's table of files a report can hold
    rows = {row[0].strip("`"): re.findall(r"`([^`]+)`", row[1])
            for row in table_after("The files a report can hold")}
    # Then it has one row per format of the registry, in the same order
    assert list(rows) == [exporter.key for exporter in EXPORTERS]
    # and names the files each writes (the chart images: every chart of the catalogue)
    assert rows["png"] == [chart.file for chart in CHARTS if chart.file]
    for key in ("csv", "customers", "xlsx", "pdf", "pptx", "html", "json", "lists"):
        assert rows[key] == {"csv": ["segments.csv"], "customers": ["customers.csv"],
                             "xlsx": ["segments.xlsx"], "pdf": ["report.pdf"],
                             "pptx": ["report.pptx"], "html": ["report.html"],
                             "json": ["summary.json"], "lists": ["segments/"]}[key]


@pytest.mark.parametrize("flag", [declared.flag for settings_class in SETTINGS_CLASSES
                                  for _name, declared in options(settings_class)
                                  if declared.flag])
def test_every_setting_of_the_report_command_is_in_the_options_table(flag):
    # Given the README's options table, then it explains every setting's option
    options_text = " ".join(row[0] for row in table_after("Options (`--help`"))
    assert re.search(rf"`{re.escape(flag)}[ `]", options_text), flag


def test_the_encodings_table_lists_every_encoding_that_is_recognised():
    # Given the README's table of encodings (after "Recognised:") and the encodings CustSeg
    # recognises
    from custseg_gui.core.sources.encoding import ENCODINGS

    rows = table_after("Otherwise the encoding is detected")
    names = {name.strip() for row in rows for name in row[0].split(",")}
    scripts = {row[1] for row in rows}

    # Then every encoding is in it, by its name, with the script it writes
    for item in ENCODINGS:
        assert any(name.startswith(item.label) for name in names), item.label
        assert item.script in scripts, item.script
