"""A segmentation as one SQL statement, for the database a company already runs.

The statement reads a table named `customers` whose columns carry the file's column names and
returns every column plus `Segment` and `Segment name`: the same preparation as the analysis
(gaps filled, caps, log scales, the scaling, category indicators) and the nearest centre, by
the same arithmetic as core/model.py, and NULL where the report would leave the customer out.
Plain SQL only (CASE, COALESCE, LN, arithmetic, quoted names), so it runs unchanged in DuckDB,
PostgreSQL, Snowflake and SQLite with its math functions; the `bigquery` dialect quotes names
with backticks and casts to STRING.

A segmentation found on an order log starts from a table named `orders` holding the order
lines, with the file's column names, and makes its customers first by the rules of
sources/orders.py (README, "Order logs"): a GROUP BY per order, then per customer, the R, F and
M scores by RANK, and the RFM segment by the grid. Dates need the database's date arithmetic
(DATE - DATE, DATE + 1), which DuckDB, PostgreSQL and Snowflake share; BigQuery has its own.
"""

from __future__ import annotations

import re
from custseg_gui import __version__
from custseg_gui.core.model import SegmentationModel

DIALECTS = {"standard": "DuckDB, PostgreSQL, Snowflake, SQLite and most others",
            "bigquery": "Google BigQuery"}
TABLE = "customers"
ORDERS_TABLE = "orders"
FILE = "segments.sql"


def _name(name: str, dialect: str) -> str:
    """A column or table name, quoted as the dialect quotes names."""
    if dialect == "bigquery":
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _number(value: float) -> str:
    """A float written so that the database reads back exactly the same double."""
    text = repr(float(value))
    return f"({text})" if text.startswith("-") else text


def _feature_columns(feature, dialect: str) -> list[str]:
    """The expression of each of the feature's matrix columns: NULL when the customer has no
    usable value (so the whole customer is left out)."""
    column = _name(feature.name, dialect)
    double = "FLOAT64" if dialect == "bigquery" else "DOUBLE"
    if feature.kind == "category":
        if all(re.fullmatch(r"-?(0|[1-9]\d*)", level) for level in feature.levels):
            # Codes such as Region 1/2/3: compared as numbers, so that a table holding them as
            # integers, decimals or text alike finds them.
            value = f"CAST({column} AS {double})"
            fill = _number(float(feature.fill)) if feature.fill is not None else None
            levels = [_number(float(level)) for level in feature.levels]
        else:
            value = f"TRIM(CAST({column} AS {'STRING' if dialect == 'bigquery' else 'VARCHAR'}))"
            fill = _text(feature.fill) if feature.fill is not None else None
            levels = [_text(level) for level in feature.levels]
        if fill is not None:
            value = f"COALESCE({value}, {fill})"
        # A category never seen when the segments were found is no level: 0 for every one.
        return [f"(CASE WHEN {value} IS NULL THEN NULL WHEN {value} = {level} THEN 1.0 "
                f"ELSE 0.0 END - {_number(centre)}) / {_number(scale)}"
                for level, centre, scale in zip(levels, feature.centre, feature.scale)]
    value = f"CAST({column} AS {double})"
    if feature.fill is not None:
        value = f"COALESCE({value}, {_number(feature.fill)})"
    if feature.cap is not None:
        low, high = (_number(bound) for bound in feature.cap)
        value = (f"(CASE WHEN {value} < {low} THEN {low} WHEN {value} > {high} THEN {high} "
                 f"ELSE {value} END)")
    if feature.log:
        value = f"(CASE WHEN {value} < 0 THEN NULL ELSE LN(1.0 + {value}) END)"
    return [f"({value} - {_number(feature.centre[0])}) / {_number(feature.scale[0])}"]


def _order_customers(model: SegmentationModel, dialect: str, table: str) -> list[str]:
    """The CTEs that make an order log's lines (table `table`) into its customer table,
    `__custseg_customers`, with the columns the segmentation was found on."""
    from custseg_gui.core import rfm
    from custseg_gui.core.sources import orders as rules

    def q(name: str) -> str:
        return _name(name, dialect)

    big = dialect == "bigquery"
    text, double = ("STRING", "FLOAT64") if big else ("VARCHAR", "DOUBLE")

    def days_between(later: str, earlier: str) -> str:
        return f"DATE_DIFF({later}, {earlier}, DAY)" if big else f"({later} - {earlier})"

    day_after = ("DATE_ADD(MAX(__custseg_day), INTERVAL 1 DAY)" if big
                 else "MAX(__custseg_day) + 1")
    columns = model.settings.orders
    customer = f"NULLIF(TRIM(CAST({q(columns.customer)} AS {text})), '')"
    stamp = f"CAST({q(columns.date)} AS TIMESTAMP)"
    amount = (f"CAST({q(columns.amount)} AS {double})" if columns.amount else
              f"CAST({q(columns.quantity)} AS {double}) * CAST({q(columns.price)} AS {double})")
    # An order: one customer's lines with one order number, else one date and time.
    order = (f"COALESCE(NULLIF(TRIM(CAST({q(columns.order)} AS {text})), ''), "
             f"'time ' || CAST({stamp} AS {text}))" if columns.order
             else f"CAST({stamp} AS {text})")
    id_column = model.source.get("columns", [columns.customer])[0]
    purchase_day = "CASE WHEN __custseg_total > 0 THEN __custseg_order_day END"

    def score(value: str, fewer_is_better: bool = False) -> str:
        ordering = "DESC" if fewer_is_better else "ASC"
        return (f"1 + CAST(FLOOR(5.0 * (RANK() OVER (ORDER BY {value} {ordering}) - 1) / "
                "COUNT(*) OVER ()) AS INTEGER)")

    grid = " ".join(f"WHEN {q(rules.R_SCORE)} = {r + 1} AND {q(rules.F_SCORE)} = {f + 1} "
                    f"THEN {_text(rfm.RFM_SEGMENTS[rfm.GRID[r, f]])}"
                    for r in range(5) for f in range(5))
    return [
        "__custseg_lines AS (",
        f"  SELECT {customer} AS __custseg_customer, {order} AS __custseg_order,",
        f"    CAST({stamp} AS DATE) AS __custseg_day, {amount} AS __custseg_amount",
        f"  FROM {q(table)}",
        "), __custseg_as_of AS (",
        "  -- Recency is counted to the day after the latest date of the lines; to count to a",
        "  -- fixed day, write it here instead (DATE '2026-12-01').",
        f"  SELECT {day_after} AS __custseg_as_of FROM __custseg_lines",
        "), __custseg_orders AS (",
        "  SELECT __custseg_customer, __custseg_order, MIN(__custseg_day) AS __custseg_order_day,",
        "    SUM(__custseg_amount) AS __custseg_total",
        "  FROM __custseg_lines, __custseg_as_of",
        "  WHERE __custseg_customer IS NOT NULL AND __custseg_day IS NOT NULL",
        "    AND __custseg_amount IS NOT NULL AND __custseg_day <= __custseg_as_of",
        "  GROUP BY __custseg_customer, __custseg_order",
        "), __custseg_buyers AS (",
        f"  SELECT __custseg_customer AS {q(id_column)},",
        f"    {days_between('MAX(__custseg_as_of)', f'MAX({purchase_day})')} "
        f"AS {q(rules.RECENCY)},",
        f"    COUNT({purchase_day}) AS {q(rules.FREQUENCY)},",
        f"    ROUND(SUM(__custseg_total), 6) AS {q(rules.MONETARY)},",
        "    SUM(__custseg_total) AS __custseg_net,",
        f"    MIN({purchase_day}) AS {q(rules.FIRST_PURCHASE)},",
        f"    MAX({purchase_day}) AS {q(rules.LAST_PURCHASE)},",
        f"    {days_between('MAX(__custseg_as_of)', f'MIN({purchase_day})')} "
        f"AS {q(rules.TENURE)},",
        f"    ROUND(SUM(__custseg_total) / COUNT({purchase_day}), 6) "
        f"AS {q(rules.AVERAGE_ORDER)},",
        f"    COUNT(CASE WHEN __custseg_total <= 0 THEN 1 END) AS {q(rules.RETURNS)}",
        "  FROM __custseg_orders, __custseg_as_of",
        "  GROUP BY __custseg_customer",
        f"  HAVING COUNT({purchase_day}) > 0",
        "), __custseg_scored AS (",
        "  SELECT __custseg_buyers.*,",
        f"    {score(q(rules.RECENCY), fewer_is_better=True)} AS {q(rules.R_SCORE)},",
        f"    {score(q(rules.FREQUENCY))} AS {q(rules.F_SCORE)},",
        f"    {score('__custseg_net')} AS {q(rules.M_SCORE)}",
        "  FROM __custseg_buyers",
        "), __custseg_customers AS (",
        f"  SELECT __custseg_scored.*, CASE {grid} END AS {q(rules.RFM_SEGMENT)}",
        "  FROM __custseg_scored",
        "),",
    ]


def to_sql(model: SegmentationModel, dialect: str = "standard",
           table: str | None = None) -> str:
    """The SELECT that gives every customer of `table` their segment (for a segmentation of
    an order log: every customer of the order lines in `table`)."""
    if dialect not in DIALECTS:
        raise ValueError(dialect)

    def q(name: str) -> str:
        return _name(name, dialect)

    orders = model.settings.orders.enabled
    table = table or (ORDERS_TABLE if orders else TABLE)
    made = _order_customers(model, dialect, table) if orders else []
    source = "__custseg_customers" if orders else q(table)

    helpers = [f"__custseg_x{position}" for position in range(len(model.columns))]
    prepared = [expression for feature in model.features
                for expression in _feature_columns(feature, dialect)]
    numbers = [segment.number for segment in model.segments]
    distance_names = [f"__custseg_d{number}" for number in numbers]
    # Squared distance to each centre: the columns' squared differences added in order, the
    # arithmetic of core/model.py, so that both give the same segment to the last digit.
    distances = [" + ".join(f"({q(helper)} - {_number(centre)}) * ({q(helper)} - "
                            f"{_number(centre)})" for helper, centre in zip(helpers,
                                                                           segment.centre))
                 for segment in model.segments]
    # The nearest centre, the first of equals (as model.py's stable sort takes it).
    choices = []
    for position, number in enumerate(numbers):
        conditions = [f"{q(distance_names[position])} {'<=' if other > position else '<'} "
                      f"{q(distance_names[other])}" for other in range(len(numbers))
                      if other != position]
        choices.append(f"      WHEN {' AND '.join(conditions)} THEN {number}")
    columns = list(model.source.get("columns") or [])
    segment_column = _free("Segment", columns)
    name_column = _free("Segment name", columns + [segment_column])
    kept = ", ".join(q(column) for column in columns) if columns else "assigned.*"
    file_name = model.source.get("file", "a customer file")
    what = ("an order log's lines, one row per item sold" if orders
            else "the file's columns")
    return "\n".join([
        f"-- CustSeg {__version__}: the {len(numbers)} segments of {file_name}, for a table "
        f"named {table} with {what}.",
        "-- Every customer gets a segment and its name; NULL where a value the segments need is "
        "missing or unusable.",
        "WITH",
        *made,
        "prepared AS (",
        "  SELECT source.*,",
        ",\n".join(f"    {expression} AS {q(helper)}"
                   for expression, helper in zip(prepared, helpers)),
        f"  FROM {source} AS source",
        "), measured AS (",
        "  SELECT prepared.*,",
        ",\n".join(f"    {distance} AS {q(name)}"
                   for distance, name in zip(distances, distance_names)),
        "  FROM prepared",
        "), assigned AS (",
        "  SELECT measured.*,",
        "    CASE WHEN " + " OR ".join(f"{q(name)} IS NULL" for name in distance_names)
        + " THEN NULL",
        *choices,
        f"    END AS {q('__custseg_segment')}",
        "  FROM measured",
        ")",
        f"SELECT {kept},",
        f"  {q('__custseg_segment')} AS {q(segment_column)},",
        f"  CASE {q('__custseg_segment')} "
        + " ".join(f"WHEN {segment.number} THEN {_text(segment.name)}"
                   for segment in model.segments) + f" END AS {q(name_column)}",
        "FROM assigned;",
    ]) + "\n"


def _free(name: str, taken: list[str]) -> str:
    """`name`, or `name (2)`... when the table already has a column of that name (as the
    customer list names its added columns)."""
    candidate, copy = name, 2
    while candidate in taken:
        candidate, copy = f"{name} ({copy})", copy + 1
    return candidate
