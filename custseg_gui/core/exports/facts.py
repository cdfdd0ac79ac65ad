"""What every report states so that it can be checked and repeated: the input, the settings,
the counts. The workbook's Settings sheet and the PDF appendix both show these rows."""

from __future__ import annotations

from datetime import datetime

from custseg_gui import __version__


def settings_rows(result) -> list[tuple[str, str]]:
    """What someone needs to reproduce the analysis, as label/value pairs."""
    # The file as read (an order log's lines); then what was made of it.
    report, prepared = result.source.report, result.prepared
    rows = [("Input file", report.file_name), ("SHA-256 of the input file", report.sha256)]
    if report.sheet:
        rows.append(("Sheet", report.sheet))
    if report.encoding:
        rows += [("Encoding", report.encoding), ("Delimiter", {"\t": "tab"}.get(
            report.delimiter, report.delimiter or ""))]
    rows += [("Number format", report.number_format.describe()),
             ("Rows in the file", f"{report.rows:,}")]
    orders = result.orders
    if orders is not None:
        rows += [("Customers in the order lines", f"{orders.customers.n_rows:,}"),
                 ("Order lines left out", orders.left_out_words() or "none"),
                 ("Customers with only returns (left out)", f"{orders.customers_only_returns:,}"),
                 ("Recency counted to", orders.as_of.isoformat())]
    rows += [("Customers used", f"{len(prepared.rows_used):,}"),
             ("Customers left out", f"{len(prepared.left_out):,}")]
    # Every analysis setting, by the label declared with it (core/settings.py); how the file
    # was read is stated above as it was found.
    rows += result.settings.describe(include_reading=False)
    if result.insights.stability is not None:
        stability = result.insights.stability
        rows.append(("Stability check", f"{stability.resamples} bootstrap resamples of "
                                        f"{stability.rows:,} customers"))
    rows += [("CustSeg version", __version__),
             ("Date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip())]
    rows += [(f"Filled missing values in {name}", f"{count:,}")
             for name, count in prepared.filled.items()]
    rows += [("Reading note", note) for note in report.notes]
    if orders is not None:
        rows += [("Order lines note", note) for note in orders.notes]
    return rows
