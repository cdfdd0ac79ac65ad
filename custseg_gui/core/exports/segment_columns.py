"""The columns an export adds after the file's own: each row's segment, its name, and why a row
has none; for an order log also each line's RFM segment. The writers of segments.csv and the
workbook's customer list call these for the column data and write it as they see fit.

For a table of customers a row is a customer. For an order log a row is an order line, and it
carries its customer's segment; `written_rows` says which rows those are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def written_rows(result) -> pd.DataFrame:
    """The file's rows and columns as written, one row per line of the file (for an order log
    the order lines, not the customers)."""
    return result.source.raw


def customer_segment_columns(result, names: dict[int, str]) -> dict[str, np.ndarray]:
    """Per row of the analysed table (a customer): Segment, Segment name and, when some
    customers were left out, Left out because."""
    segments = result.segmentation.row_segments
    return labelled(segments, names, _customer_reasons(result))


def segment_columns(result, names: dict[int, str]) -> dict[str, np.ndarray]:
    """Per row of `written_rows(result)`: Segment, Segment name, RFM segment (order logs) and,
    when some rows were left out, Left out because."""
    orders = result.orders
    if orders is None:
        return customer_segment_columns(result, names)
    from custseg_gui.core.rfm import RFM_SEGMENTS

    line_customers = orders.line_customers
    used = line_customers >= 0
    customer = np.where(used, line_customers, 0)
    # A customer left out of the segments (a missing value) leaves its lines out too.
    segments = np.where(used, result.segmentation.row_segments[customer], 0)
    reasons = orders.line_reason_texts()
    customer_reasons = _customer_reasons(result)
    if customer_reasons is not None:
        reasons = np.where(used, customer_reasons[customer], reasons)
    columns = labelled(segments, names, reasons if reasons.any() else None)
    rfm = np.array(("",) + RFM_SEGMENTS, dtype=object)
    rfm_codes = np.where(used, orders.rfm_codes[customer] + 1, 0)
    columns = {"Segment": columns.pop("Segment"), "Segment name": columns.pop("Segment name"),
               "RFM segment": rfm[rfm_codes], **columns}
    return columns


def _customer_reasons(result) -> np.ndarray | None:
    """Per customer, why it was left out of the segments ('' when it was not); None when no
    customer was."""
    left_out = result.prepared.left_out
    if not len(left_out):
        return None
    reasons = np.full(result.prepared.n_rows, "", dtype=object)
    reasons[left_out.index.to_numpy()] = left_out.to_numpy()
    return reasons


def labelled(segments: np.ndarray, names: dict[int, str],
              reasons: np.ndarray | None) -> dict[str, np.ndarray]:
    # One text per segment, picked per row: no string is built per row.
    top = int(segments.max(initial=0))
    numbers = np.array([""] + [str(number) for number in range(1, top + 1)], dtype=object)
    words = np.array([""] + [names.get(number, "") for number in range(1, top + 1)],
                     dtype=object)
    columns = {"Segment": numbers[segments], "Segment name": words[segments]}
    if reasons is not None:
        columns["Left out because"] = reasons
    return columns
