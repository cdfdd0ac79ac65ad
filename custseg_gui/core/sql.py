"""A segmentation as one SQL statement, for the database a company already runs.

The statement reads a table named `customers` whose columns carry the file's column names and
returns every column plus `Segment` and `Segment name`: the same preparation as the analysis
(gaps filled, caps, log scales, the scaling, category indicators) and the nearest centre, by
the same arithmetic as core/model.py, and NULL where the report would leave the customer out.
Plain SQL only (CASE, COALESCE, LN, arithmetic, quoted names), so it runs unchanged in DuckDB,
PostgreSQL, Snowflake and SQLite with its math functions; the `bigquery` dialect quotes names
with backticks and casts to STRING.
"""

from __future__ import annotations

import re
from custseg_gui import __version__
from custseg_gui.core.model import SegmentationModel

DIALECTS = {"standard": "DuckDB, PostgreSQL, Snowflake, SQLite and most others",
            "bigquery": "Google BigQuery"}
TABLE = "customers"
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


def to_sql(model: SegmentationModel, dialect: str = "standard",
           table: str = TABLE) -> str:
    """The SELECT that gives every customer of `table` their segment."""
    if dialect not in DIALECTS:
        raise ValueError(dialect)

    def q(name: str) -> str:
        return _name(name, dialect)

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
    return "\n".join([
        f"-- CustSeg {__version__}: the {len(numbers)} segments of {file_name}, for a table "
        f"named {table} with the file's columns.",
        "-- Every customer gets a segment and its name; NULL where a value the segments need is "
        "missing or unusable.",
        "WITH prepared AS (",
        "  SELECT source.*,",
        ",\n".join(f"    {expression} AS {q(helper)}"
                   for expression, helper in zip(prepared, helpers)),
        f"  FROM {q(table)} AS source",
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
