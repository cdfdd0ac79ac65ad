"""segmentation.custseg: the segmentation itself, to assign next month's customers (`score`)."""

from __future__ import annotations

import json
from pathlib import Path

from custseg_gui.core import model

FILE = model.FILE


def files(context) -> list[str]:
    return [FILE]


def write(staging, folder: Path, context, progress) -> None:
    text = json.dumps(context.segmentation.to_dict(), indent=2, ensure_ascii=False,
                      allow_nan=False)
    staging.write(folder / FILE, lambda handle: handle.write(text.encode("utf-8")))


def check(folder: Path, context) -> None:
    loaded = model.load(folder / FILE)
    if loaded.names() != context.segment_names:
        raise AssertionError(f"{FILE} names the segments {loaded.names()}")
