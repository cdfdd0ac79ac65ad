"""segments/: one customer list per segment, `01 - Segment name.csv`, to upload to a mailing tool.

Each list holds every column of its segment's customers exactly as segments.csv writes them
(formula-safe, by the same fast writer): for a table of customers its rows of the file, for an
order log its customers' rows of customers.csv. Customers left out of the segments are in no
list. The folder is written whole under a temporary name and replaces an earlier one whole, so
a list of a segment that no longer exists never stays behind.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.exports.customers import CustomerList, write_csv

FOLDER = "segments"
# Characters no file name may hold on Windows (and ':' on macOS), control characters too.
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Windows keeps these names for devices, with any extension (CON.csv is the console). A list's
# name starts with its number (`02 - CON.csv`), so it is never one of them: the tests hold it.
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
            *(f"LPT{n}" for n in range(1, 10))}
# A segment name's part of a file name, in characters; with the number and `.csv` the name
# stays far below the 255 bytes every system allows, and a path below Windows' 260 characters
# in most folders.
NAME_CHARS = 60


def safe_name(name: str, number: int) -> str:
    """A segment's name as a file name part that Windows, macOS and Linux all accept."""
    text = unicodedata.normalize("NFC", str(name))
    text = FORBIDDEN.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text[:NAME_CHARS].rstrip(" .")
    while len(text.encode("utf-8")) > 4 * NAME_CHARS:
        text = text[:-1].rstrip(" .")
    return text or f"Segment {number}"


def list_names(context) -> dict[int, str]:
    """Segment number -> its list's file name: `01 - Big spenders.csv`."""
    k = context.result.k
    digits = max(2, len(str(k)))
    return {number: f"{number:0{digits}d} - {safe_name(context.segment_names[number], number)}"
                    f".csv" for number in range(1, k + 1)}


def customer_rows(context) -> tuple[CustomerList, np.ndarray]:
    """The list every segment's rows come from, and each of its rows' segment (0: none)."""
    result = context.result
    if result.orders is not None:
        from custseg_gui.core.exports import customer_table

        listed = customer_table.customer_rows(result, context.segment_names)
    else:
        listed = context.customers
    if len(result.prepared.left_out):
        # The last column says why a customer was left out: empty in every list, as those
        # customers are in none.
        listed = CustomerList(listed.header[:-1], listed.columns[:-1])
    return listed, np.asarray(result.segmentation.row_segments)


def segment_list(listed: CustomerList, segments: np.ndarray, number: int) -> CustomerList:
    rows = np.flatnonzero(segments == number)
    return CustomerList(listed.header, tuple(column[rows] for column in listed.columns))


def files(context) -> list[str]:
    return [FOLDER]


def _check_earlier(folder: Path) -> None:
    """An earlier segments folder is replaced whole: only when it holds nothing but lists."""
    earlier = folder / FOLDER
    if not earlier.exists():
        return
    if not earlier.is_dir():
        raise UserError(f"{earlier} is a file; the segment lists go into a folder of that "
                        "name. Rename or move the file, or choose another folder.")
    others = [path.name for path in earlier.iterdir() if path.suffix.lower() != ".csv"
              or not path.is_file()]
    if others:
        shown = ", ".join(sorted(others)[:3]) + (", ..." if len(others) > 3 else "")
        raise UserError(f"The folder {earlier} holds other files ({shown}). The segment lists "
                        "replace that folder whole: move those files, or choose another "
                        "folder to export to.")


def write(staging, folder: Path, context, progress) -> None:
    _check_earlier(folder)
    listed, segments = customer_rows(context)
    names = list_names(context)

    def fill(target: Path) -> None:
        for position, (number, name) in enumerate(names.items()):
            progress.report(position / len(names), f"Writing the list of segment {number}...")
            with open(target / name, "wb") as handle:
                write_csv(handle, segment_list(listed, segments, number),
                          encoding=context.csv_encoding)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before the folder is renamed into place
        progress.report(1.0)

    staging.write_folder(folder / FOLDER, fill)


def check(folder: Path, context) -> None:
    """One list per segment, each with as many rows as the segment has customers."""
    names = list_names(context)
    written = sorted(path.name for path in (folder / FOLDER).iterdir())
    if written != sorted(names.values()):
        raise AssertionError(f"{FOLDER}/ holds {written}, expected {sorted(names.values())}")
    _listed, segments = customer_rows(context)
    for number, name in names.items():
        rows = len(pd.read_csv(folder / FOLDER / name, dtype=str, keep_default_na=False))
        expected = int((segments == number).sum())
        if rows != expected:
            raise AssertionError(f"{name} has {rows} customers, expected {expected}")
