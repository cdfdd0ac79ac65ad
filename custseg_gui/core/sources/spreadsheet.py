"""Workbooks (Excel .xlsx/.xlsm/.xls, OpenDocument .ods), read with python-calamine."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from custseg_gui.core.errors import UserError
from custseg_gui.core.progress import Progress
from custseg_gui.core.settings import LoadSettings

def cell_text(value) -> str:
    """The text a user sees for a spreadsheet cell value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


def read(data: bytes, kind: str, path: Path, settings: LoadSettings, notes: list[str],
         progress: Progress) -> tuple[pd.DataFrame, dict]:
    """The first sheet with data (or the one asked for) as a grid of cell texts."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for damaged files
        raise UserError(f"{path.name} could not be opened as a spreadsheet: it may be damaged "
                        "or protected by a password. Open it in Excel or LibreOffice and save "
                        "it again.", details=repr(error)) from None
    sheets = tuple(workbook.sheet_names)
    if settings.sheet is not None and settings.sheet not in sheets:
        raise UserError(f"{path.name} has no sheet named '{settings.sheet}'. Its sheets are: "
                        f"{', '.join(sheets)}.")
    candidates = [settings.sheet] if settings.sheet else list(sheets)
    rows, sheet = [], None
    for name in candidates:
        progress.report(0.1, f"Reading sheet '{name}'...")
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        numbered = [(number, [cell_text(value) for value in row])
                    for number, row in enumerate(values, start=1)]
        numbered = [(number, row) for number, row in numbered if any(c.strip() for c in row)]
        if numbered:
            sheet = name
            row_numbers = np.array([number for number, _row in numbered])
            rows = [row for _number, row in numbered]
            break
    if not rows:
        which = f"The sheet '{settings.sheet}'" if settings.sheet else "Every sheet"
        raise UserError(f"{which} of {path.name} is empty. Pick the sheet that holds your "
                        "customers.")
    width = max(len(row) for row in rows)
    grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    return grid, {"file_format": kind, "sheet": sheet, "sheets": sheets, "_rows": row_numbers}
