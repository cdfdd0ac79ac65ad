"""Total and subtotal rows: rows a spreadsheet added that sum customers, not customers.

A row is a total when
- a cell says so, and nothing else: `Total`, `Grand total`, `Subtotal:`, `Gesamt`, `Summe`,
  `Totaal`, `Total général`, `Итого`, `合計` ... (TOTAL_WORDS); or
- a cell starts with such a word (`Total North`, `Summe Filiale 3`) and a number of the row is
  the sum of its column over three or more rows above; or
- nothing says so, but the row has no text where customers have some (no name, no ID) and
  two or more of its numbers, at least half of them, are the sums of their columns over three
  or more rows above (over two, a column counting 1, 2, 3 would sum).
"The rows above" are those since the previous total (a subtotal), or every customer row above
(a grand total). Only rows that could be totals are examined one by one (labelled rows, rows
without text), so a million customers cost a few vectorised passes.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Words that label a total, in the languages of the exports CustSeg meets; compared without
# case, accents kept.
TOTAL_WORDS = (
    "total", "totals", "subtotal", "sub-total", "sub total", "grand total", "overall total",
    "sum", "summe", "gesamt", "gesamtsumme", "zwischensumme", "endsumme", "insgesamt",
    "totaal", "subtotaal", "eindtotaal", "som", "total général", "total general", "sous-total",
    "somme", "totale", "subtotale", "totale generale", "somma", "suma", "summa", "yhteensä",
    "i alt", "totalt", "razem", "celkem", "összesen", "итого", "всего", "合計", "小計", "総計",
    "合计", "小计", "总计", "总和", "합계", "소계",
)
_WORDS = "|".join(re.escape(word) for word in sorted(TOTAL_WORDS, key=len, reverse=True))
_EXACT = re.compile(rf"^\s*(?:{_WORDS})\s*:?\s*$", re.IGNORECASE)
_LABEL = re.compile(rf"^\s*(?:{_WORDS})(?:\b|\s|:|$)", re.IGNORECASE)
_SEPARATOR = "\x1f"
_LABEL_CELL = re.compile(rf"\x1f[ \t]*(?:{_WORDS.lower()})(?:\b|\s|:|\x1f|$)")
LAST_ROWS = 3  # the rows at the end examined even without a label or an empty text part


def _label_kinds(raw: pd.DataFrame, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray,
                                                                   dict[int, str]]:
    """Per row: labelled exactly, labelled by a prefix; and the labels' texts by row."""
    exact = np.zeros(len(raw), dtype=bool)
    prefix = np.zeros(len(raw), dtype=bool)
    labels: dict[int, str] = {}
    for name in raw.columns:
        cells = raw[name].to_numpy(dtype=object)
        positions = np.arange(len(cells))
        if frame[name].dtype != object:  # numbers or dates: only cells that were neither
            keep = frame[name].isna().to_numpy() & (cells != "")
            cells, positions = cells[keep], positions[keep]
        if not len(cells):
            continue
        # One search through the column joined into one lower-case text (cells split by the
        # unit separator): a regular expression per cell would take seconds on a million rows.
        joined = _SEPARATOR + _SEPARATOR.join(cells).lower()
        index, counted_to = -1, 0
        for match in _LABEL_CELL.finditer(joined):
            index += joined.count(_SEPARATOR, counted_to, match.start() + 1)
            counted_to = match.start() + 1
            if index >= len(cells):
                break
            position, cell = int(positions[index]), str(cells[index]).strip()
            if exact[position] or not _LABEL.match(cell):
                continue
            exact[position] = bool(_EXACT.match(cell))
            prefix[position] = not exact[position]
            labels[position] = cell
    return exact, prefix & ~exact, labels


def find_totals(raw: pd.DataFrame, frame: pd.DataFrame) -> dict[int, str]:
    """Row position -> why it is a total (for 'Left out because')."""
    if len(raw) < 2:
        return {}
    numbers = [name for name in frame.columns if frame[name].dtype == np.float64]
    exact, prefix, labels = _label_kinds(raw, frame)
    values = frame[numbers].to_numpy(dtype=float) if numbers else np.zeros((len(raw), 0))
    present = np.isfinite(values)
    # A total row without a label has no text either (no name, no ID) where customers have.
    texts = [name for name in frame.columns if name not in numbers]
    unnamed = np.ones(len(raw), dtype=bool)
    if texts:
        unnamed = ~np.column_stack([(raw[name].to_numpy(dtype=object) != "")
                                    for name in texts]).any(axis=1)
        if unnamed.mean() > 0.2:  # text columns that customers leave empty say nothing
            unnamed[:] = False
    candidates = exact | prefix | (unnamed & (present.sum(axis=1) >= 2))
    filled = np.where(present, values, 0.0)
    prefix_sums = None
    if not texts and candidates.any():
        # Every row is unnamed: only rows whose numbers are the sums of every row above (a
        # grand total) are examined further.
        prefix_sums = np.vstack([np.zeros((1, filled.shape[1])), np.cumsum(filled, axis=0)])
        above = prefix_sums[:-1]
        tolerance = 0.005 * np.arange(1, len(raw) + 1, dtype=float)[:, None] + 1e-9 * np.abs(above)
        grand = (present & (np.abs(filled - above) <= tolerance) & (above != 0)).sum(axis=1) >= 2
        candidates = exact | prefix | grand
    candidates[-LAST_ROWS:] |= unnamed[-LAST_ROWS:]
    candidates[0] = exact[0]  # nothing above the first row to sum
    if not candidates.any():
        return {}
    if prefix_sums is None:
        prefix_sums = np.vstack([np.zeros((1, filled.shape[1])), np.cumsum(filled, axis=0)])
    totals: dict[int, str] = {}
    block_start, totals_above = 0, np.zeros(filled.shape[1])
    for position in np.flatnonzero(candidates):
        row, shown = values[position], present[position]
        sums = ((prefix_sums[position] - prefix_sums[block_start], position - block_start),
                (prefix_sums[position] - totals_above, position - len(totals)))
        label = labels.get(int(position), "")
        if exact[position]:
            reason = f"Total row (labelled '{label}')"
        elif prefix[position] and max(_matches(row, shown, *each, 3) for each in sums) >= 1:
            reason = f"Total row (labelled '{label}', sums the rows above)"
        elif unnamed[position] and any(
                matched >= 2 and 2 * matched >= shown.sum()
                for matched in (_matches(row, shown, *each, 3) for each in sums)):
            reason = "Total row (its numbers are the sums of the rows above)"
        else:
            continue
        totals[int(position)] = reason
        totals_above = totals_above + filled[position]
        block_start = position + 1
    return totals


def _matches(row: np.ndarray, shown: np.ndarray, sums: np.ndarray, rows_summed: int,
             fewest_rows: int) -> int:
    """How many of the row's numbers are the sums of their columns over `rows_summed` rows
    (none when fewer than `fewest_rows`: 3 is 1 + 2, and so is a column of 1, 2, 3...).

    Cells rounded for display add up to half a unit of their last digit each, so the
    tolerance grows with the rows summed."""
    if rows_summed < fewest_rows:
        return 0
    tolerance = 0.005 * (rows_summed + 1) + 1e-9 * np.abs(sums)
    equal = shown & (np.abs(row - sums) <= tolerance) & (sums != 0)
    return int(equal.sum())


def totals_note(totals: dict[int, str], file_rows: np.ndarray) -> str:
    """'2 rows are totals, not customers: rows 42 ('Subtotal North') and 43 ... of the file.'"""
    shown = []
    for position in list(totals)[:5]:
        label = re.search(r"labelled '([^']*)'", totals[position])
        shown.append(f"{int(file_rows[position]):,}" + (f" ('{label.group(1)}')" if label else ""))
    more = ", ..." if len(totals) > 5 else ""
    count = len(totals)
    return (f"{count:,} row{'s are totals' if count > 1 else ' is a total'}, not "
            f"{'customers' if count > 1 else 'a customer'}: row{'s' if count > 1 else ''} "
            f"{', '.join(shown)}{more} of the file. {'They are' if count > 1 else 'It is'} left "
            "out of the segments and written back with the reason.")
