"""The loader's quick paths give the careful paths' answers, on awkward cells too.

Long order logs are read quickly by reading each distinct text once (numbers, dates), by
reading dates with the one format seen in the column before the careful parser, and by finding
the lines with bytes beyond ASCII without a pattern that retries every position. Each quick path
is checked here against the careful computation it replaces, cell by cell, with Hypothesis
making the awkward cells.
"""

from __future__ import annotations

import os
import re
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from custseg_gui.core import parsing
from custseg_gui.core.parsing import NumberFormat, parse_column, parse_dates, read_numbers
from custseg_gui.core.sources import load_table
from custseg_gui.core.sources import encoding

EXAMPLES = int(os.environ.get("CUSTSEG_FUZZ_EXAMPLES", "120"))
SAME = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("CUSTSEG_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- numbers ----------------------------------------------------------------------------------

_DIGITS = st.text("0123456789", min_size=1, max_size=12)
_NUMBER_CELLS = st.one_of(
    _DIGITS,
    st.builds(lambda sign, whole, mark, fraction, unit, after: f"{sign}{unit}{whole}{mark}"
              f"{fraction}{after}",
              st.sampled_from(["", "-", "+", "(", " -"]), _DIGITS,
              st.sampled_from(["", ".", ",", "'", " ", "\u00a0"]), st.text("0123456789",
                                                                            max_size=4),
              st.sampled_from(["", "$", "€ ", "EUR ", "CHF"]),
              st.sampled_from(["", ")", "-", " %", "%", " €", " USD", "e5", "E-3"])),
    st.sampled_from(["1,234.50", "1.234,50", "1 234,50", "1'234.50", "(12.00)", "120.50-",
                     "$ (1,234.56)", "1.234,50 €", "CHF 12'345.00", "45%", "00017", "-(5)",
                     "(5)-", "C536379", "inf", "-Infinity", "nan", "1e400", "-0", "+.5", ".",
                     "99999999999999999999", "-9223372036854775809", "1_000", "0x10", "",
                     "NA", "-", "unknown", "12 345", "1,23,456"]),
    st.text(max_size=8),
)


def _per_cell(cells: list[str], fmt: NumberFormat):
    return read_numbers(pd.Series(cells, dtype=object), fmt, by_distinct=False)


@settings(SAME, max_examples=max(EXAMPLES // 2, 10))
@given(st.lists(_NUMBER_CELLS, min_size=1, max_size=60), st.integers(1, 4),
       st.sampled_from([NumberFormat(), NumberFormat(".", ","), NumberFormat(",", "."),
                        NumberFormat(",", " "), NumberFormat(".", "'")]))
def test_numbers_read_once_per_distinct_text_equal_those_read_cell_by_cell(cells, repeats,
                                                                             fmt):
    # Given cells repeated as an order log repeats its order numbers
    column = pd.Series(cells * repeats, dtype=object)
    # When they are read once per distinct text, and cell by cell
    numbers, units = read_numbers(column, fmt)
    expected_numbers, expected_units = _per_cell(cells * repeats, fmt)
    # Then every cell has the same number and unit
    np.testing.assert_array_equal(numbers.to_numpy(), expected_numbers.to_numpy())
    assert units.tolist() == expected_units.tolist()
    assert numbers.dtype == np.float64


def _column_cell_by_cell(column: pd.Series, fmt: NumberFormat):
    """parse_column as it was before distinct texts: every cell read, no giving up early."""
    def every_cell(stripped, fmt, most_failures=None):
        return read_numbers(stripped, fmt, by_distinct=False)

    with mock.patch.object(parsing, "read_numbers", every_cell):
        return parse_column(column, fmt, None)


@settings(SAME, max_examples=max(EXAMPLES // 4, 10))
@given(st.lists(_NUMBER_CELLS, min_size=1, max_size=40), st.integers(1, 200),
       st.sampled_from([NumberFormat(), NumberFormat(",", ".")]), st.integers(1, 7))
@example(["536365", "C536379"] + [str(n) for n in range(536366, 536400)], 200, NumberFormat(),
         5)
def test_a_column_read_in_blocks_of_distinct_texts_is_typed_as_read_cell_by_cell(
        cells, repeats, fmt, block):
    # Given a column long enough for the loader's sample (5,000 cells), texts repeated
    column = pd.Series((cells * repeats)[:6_000], dtype=object)
    # When typed reading a few distinct texts at a time (giving up when too many fail)
    with mock.patch.object(parsing, "DISTINCT_BLOCK", block):
        quick = parse_column(column, fmt, None)
    careful = _column_cell_by_cell(column, fmt)
    # Then the kind, the values, the unit and the cells that failed are the same
    assert (quick.kind, quick.unit, quick.not_numbers, quick.example) == (
        careful.kind, careful.unit, careful.not_numbers, careful.example)
    pd.testing.assert_series_equal(quick.values, careful.values, check_names=False)


@SAME
@given(st.lists(st.one_of(st.none(), _NUMBER_CELLS), min_size=1, max_size=60),
       st.integers(1, 3))
@example([None, "99999999999999999999", "1.5"], 2)
@example(["18446744073709551616", "-1", None], 1)
def test_plain_numbers_read_once_per_distinct_text_equal_to_numeric_of_every_cell(cells,
                                                                                  repeats):
    column = pd.Series(cells * repeats, dtype=object)
    expected = pd.to_numeric(column, errors="coerce").astype("float64")
    np.testing.assert_array_equal(parsing.plain_numbers(column).to_numpy(), expected.to_numpy())


def test_a_long_number_column_with_blanks_and_repeats_reads_as_each_cell_alone(tmp_path):
    # Given a long order log (the quick paths start at 20,000 rows) whose customer column has
    # blanks and whose order numbers repeat, some of them cancellations (C536379)
    rows = 30_000
    rng = np.random.default_rng(7)
    customers = rng.integers(12_000, 12_400, rows).astype(str).astype(object)
    customers[rng.random(rows) < 0.25] = ""
    orders = (536_000 + np.arange(rows) // 20).astype(str).astype(object)
    orders[(np.arange(rows) // 20) % 13 == 5] = "C" + orders[(np.arange(rows) // 20) % 13 == 5]
    prices = np.round(rng.lognormal(0.9, 0.8, rows), 2).astype(str).astype(object)
    prices[::997] = " 1,234.50 "
    path = tmp_path / "orders.csv"
    pd.DataFrame({"InvoiceNo": orders, "CustomerID": customers, "UnitPrice": prices}).to_csv(
        path, index=False)
    # When the file is loaded
    table = load_table(path)
    # Then each column holds what the careful reading of each of its cells alone gives
    fmt = table.report.number_format
    for name in table.raw.columns:
        careful = [parse_column(pd.Series([cell] * 3, dtype=object), fmt, None).values.iat[0]
                   for cell in table.raw[name].iloc[:150]]
        got = table.frame[name].iloc[:150].tolist()
        if name == "InvoiceNo":  # order numbers with a C are text: the column stays text
            assert got == [cell.strip() for cell in table.raw[name].iloc[:150]]
            continue
        np.testing.assert_allclose(np.array(got, dtype=float), np.array(careful, dtype=float),
                                   rtol=0, atol=0)
    assert table.frame["CustomerID"].isna().sum() == (customers == "").sum()
    assert table.frame["UnitPrice"].iloc[0] == 1234.5
    assert table.frame["UnitPrice"].iloc[1] == float(prices[1])


@SAME
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", " a", "1", "1.0", "True", ""])),
                max_size=50), st.integers(1, 7))
def test_distinct_texts_found_block_by_block_are_those_of_one_factorize(cells, block):
    column = pd.Series(cells, dtype=object)
    codes, distinct = parsing.distinct_texts(column, block=block)
    expected_codes, expected_distinct = pd.factorize(column.to_numpy(dtype=object))
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(distinct) == list(expected_distinct)


# --- dates ------------------------------------------------------------------------------------

@st.composite
def _date_cells(draw):
    """A column of dates written one way (the loader's shape checks pass), with awkward cells:
    two-digit years, impossible days, other separators, times with seconds, fractions, AM/PM,
    time zones."""
    order = draw(st.sampled_from(["MDY", "DMY", "YMD"]))
    separator = draw(st.sampled_from(["/", "-", "."]))
    time_style = draw(st.sampled_from(["", " %H:%M", " %H:%M:%S", "T%H:%M:%S"]))
    count = draw(st.integers(1, 25))
    cells = []
    for _ in range(count):
        year = draw(st.sampled_from([2010, 2011, 1999, 2024, 1970, 2000]))
        month = draw(st.integers(1, 13))
        day = draw(st.integers(1, 31))
        pad = draw(st.booleans())
        month_text = f"{month:02d}" if pad else str(month)
        day_text = f"{day:02d}" if pad else str(day)
        year_text = str(year) if draw(st.integers(0, 9)) else f"{year % 100:02d}"
        parts = {"MDY": (month_text, day_text, year_text), "DMY": (day_text, month_text,
                                                                   year_text),
                 "YMD": (str(year), month_text, day_text)}[order]
        own_separator = separator if draw(st.integers(0, 9)) else draw(st.sampled_from("/-."))
        text = own_separator.join(parts)
        hour, minute, second = draw(st.integers(0, 23)), draw(st.integers(0, 59)), \
            draw(st.integers(0, 59))
        style = time_style if draw(st.integers(0, 9)) else draw(st.sampled_from(
            ["", " %H:%M", ".%f", " %I:%M %p", "Z", "+01:00", " %H:%M:%S.123456789"]))
        if style in (" %H:%M", " %H:%M:%S", "T%H:%M:%S", ""):
            text += (style.replace("%H", str(hour) if not pad else f"{hour:02d}")
                     .replace("%M", f"{minute:02d}").replace("%S", f"{second:02d}"))
        elif style == " %I:%M %p":
            text += f" {hour % 12 or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
        elif style == " %H:%M:%S.123456789":
            text += f" {hour:02d}:{minute:02d}:{second:02d}.123456789"
        elif style == ".%f":
            text += f" {hour:02d}:{minute:02d}:{second:02d}.5"
        else:
            text += f" {hour:02d}:{minute:02d}{style}"
        cells.append(text)
    blanks = draw(st.lists(st.integers(0, len(cells)), max_size=3))
    for position in blanks:
        cells.insert(position, "")
    return cells


def _dates(cells: list[str], day_first, quick: bool):
    stripped = pd.Series(cells, dtype=object)
    return parse_dates(stripped, stripped.to_numpy() == "", day_first, quick=quick)


@SAME
@given(_date_cells(), st.integers(1, 3), st.sampled_from([None, True, False]))
@example(["1/2/70 10:00", "12/31/2011 9:05"], 1, None)
@example(["03/04/2011", "13/04/2011"], 1, False)
@example(["2011-01-02", "2011-01-02T10:00:00Z"], 1, None)
@example(["1/2/2011 9:5", "1/2/2011 10:00:00.123456789"], 1, None)
def test_dates_read_by_one_format_equal_the_careful_reading(cells, repeats, day_first):
    # Given a column of dates, each repeated as on the lines of one order
    column = cells * repeats
    # When it is read the quick way (a few distinct dates at a time) and the careful way
    with mock.patch.object(parsing, "DATE_BLOCK", 4):
        quick = _dates(column, day_first, quick=True)
    careful = _dates(column, day_first, quick=False)
    # Then both read it, or neither; and every date (and its kind) is the same
    assert (quick is None) == (careful is None)
    if careful is not None:
        assert quick[1] == careful[1]
        assert quick[0].dtype == careful[0].dtype
        pd.testing.assert_series_equal(quick[0], careful[0])


def test_an_order_logs_dates_are_read_by_one_format_and_match_the_careful_reading():
    # Given the minutes of a year of orders, month first as the UCI Online Retail file writes
    stamps = pd.date_range("2010-12-01 08:00", periods=5_000, freq="37min")
    cells = [f"{stamp.month}/{stamp.day}/{stamp.year} {stamp.hour}:{stamp.minute:02d}"
             for stamp in stamps] * 2
    # When read
    quick = _dates(cells, None, quick=True)
    # Then every date is the one written, as the careful reading says
    assert quick[1] == "MM/DD/YYYY hh:mm"
    assert quick[0].tolist() == list(stamps) * 2
    pd.testing.assert_series_equal(quick[0], _dates(cells, None, quick=False)[0])


# --- the lines that decide the encoding -------------------------------------------------------

def _sample_by_one_pattern(data: bytes) -> bytes:
    picked, size = [], 0
    for match in re.finditer(rb"[^\n]*[\x80-\xff][^\n]*", data):
        picked.append(match.group())
        size += len(picked[-1]) + 1
        if size >= encoding.SAMPLE_BYTES:
            break
    return b"\n".join(picked)


@SAME
@given(st.lists(st.sampled_from([b"\n", b"\r\n", b"abc", b",", b"\xa3", b"\xe9t\xe9", b"\x80",
                                 b"\xff", b" ", b"1,2.5"]), max_size=80))
def test_the_lines_beyond_ascii_are_those_one_pattern_finds(pieces):
    data = b"".join(pieces)
    assert encoding._sample(data) == _sample_by_one_pattern(data)


def test_the_lines_beyond_ascii_stop_at_the_sample_size():
    line = b"536365,85123A,WHITE HANGING HEART \xa3 HOLDER,6,12/1/2010 8:26,2.55,17850\n"
    data = (b"plain,line\n" * 3 + line) * 5_000
    sample = encoding._sample(data)
    assert sample == _sample_by_one_pattern(data)
    assert encoding.SAMPLE_BYTES <= len(sample) + 1 < encoding.SAMPLE_BYTES + len(line) + 1


# --- the text handed to pandas' parser ----------------------------------------------------------

def _grid(handle) -> pd.DataFrame | str:
    try:
        return pd.read_csv(handle, sep=",", dtype=object, na_filter=False, keep_default_na=False,
                           skip_blank_lines=True, engine="c", header=None, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        return type(error).__name__


@SAME
@given(st.lists(st.sampled_from(["a", "1,5", '"x,y"', '""', '"he said ""hi"""', "\n", "\r\n",
                                 "\r", ",", " ", "£", "é", "€", "Wrocław", "合計", "\u00a0",
                                 "\t", "1.234,50", '"line\nbreak"']), min_size=1, max_size=60))
@example(["a,b\n", "1,£2\r\n", '"x\r\ny",3\n'])
def test_text_read_from_its_utf8_bytes_is_the_text_read_as_text(pieces):
    import io

    from custseg_gui.core.sources.text import text_handle

    text = "".join(pieces)
    expected = _grid(io.StringIO(text))
    got = _grid(text_handle(text))
    if isinstance(expected, str):
        assert got == expected
    else:
        pd.testing.assert_frame_equal(got, expected)
