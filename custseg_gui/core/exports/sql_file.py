"""segments.sql: the segmentation as one SQL statement, for the company's database."""

from __future__ import annotations

from pathlib import Path

from custseg_gui.core.sql import FILE, to_sql


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    text = to_sql(context.segmentation, context.sql_dialect)
    staging.write(folder / FILE, lambda handle: handle.write(text.encode("utf-8")))


def check(folder: Path, context) -> None:
    text = (folder / FILE).read_text(encoding="utf-8")
    if "SELECT" not in text or not all(name.replace("'", "''") in text
                                       for name in context.segment_names.values()):
        raise AssertionError(f"{FILE} does not name every segment")
