"""Cell text -> values: numbers written the way people write them, dates, missing values.

The number grammar, once units are read off:

    [sign] [currency] number [currency or %] [sign]

where the sign is `-` or `+` before the number, parentheses around it (accounting: `(12.00)`,
`$ (1,234.56)`) or a minus after it (SAP and other ledgers: `120.50-`), and the number groups
its thousands with the separator of the file's format (`1,234.50`, `1.234,50`, `1 234,50`,
`1'234.50`). `1.234,50 €`, `CHF 12'345.00`, `1234 EUR` and `45%` are numbers; a dash standing
for a number (Excel's Accounting zero ` $ -   `) is zero. `NA`, `N/A`, `-`, `?`, `NULL`,
`#N/A` and blanks are missing; `00017` is a code, not the number 17. Everything works on whole
columns at once (pandas string methods), so a million rows parse in seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Excel's error values: a formula's failure is a missing value, kept as written in the file.
ERROR_VALUES = frozenset(
    {"#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
# How people and programs write "no value". Compared after stripping whitespace.
MISSING_TOKENS = frozenset(
    {"", "NA", "N/A", "n/a", "na", "N.A.", "n.a.", "NaN", "nan", "NAN", "NULL", "null", "Null",
     "None", "none", "#NA", "#N/A N/A", "-", "--", "?", "<NA>", "NaT"}) | ERROR_VALUES
CURRENCY_SYMBOLS = "$€£¥₹₽₩₺₪฿₫₴₦"
CURRENCY_CODES = ("EUR", "USD", "GBP", "CHF", "JPY", "CNY", "INR", "AUD", "CAD", "SEK", "NOK",
                  "DKK", "PLN", "CZK", "HUF", "BRL", "MXN", "ZAR", "RUB", "TRY", "NZD", "SGD",
                  "HKD", "KRW")
_SPACES = "\u00a0\u202f\u2009 "  # no-break, narrow no-break and thin spaces group thousands
_APOSTROPHES = "'\u2019"  # Swiss and Liechtenstein thousands: 1'234.50, typeset 1’234.50
_CURRENCY = rf"[{re.escape(CURRENCY_SYMBOLS)}]|(?:{'|'.join(CURRENCY_CODES)})(?![A-Za-z])"
_UNIT = re.compile(
    rf"^(?P<sign>[-+(])?\s*"
    rf"(?P<before>{_CURRENCY})?"
    rf"(?P<number>.*?)"
    rf"(?P<after>\s*(?:{_CURRENCY}|%))?"
    rf"(?P<close>\)?-?)$")
# The number part: its sign (before, around or after it) and its digits.
_SIGNED = re.compile(r"^(?P<open>[-+(]?)\s*(?P<body>[^()+\-]*?(?:[eE][-+]?\d+)?)\s*"
                     r"(?P<close>\)?)(?P<trail>-?)$")
# Digits once the sign is off: groups of three split by one separator, kept the same in a cell.
_POINT_GROUPS = rf"[,{_APOSTROPHES}{_SPACES}]"
_COMMA_GROUPS = rf"[.{_APOSTROPHES}{_SPACES}]"
_POINT_DECIMAL = re.compile(
    rf"^(\d{{1,3}}(?P<group>{_POINT_GROUPS})\d{{3}}((?P=group)\d{{3}})*|\d+)?(\.\d+)?"
    rf"([eE][-+]?\d+)?$")
_COMMA_DECIMAL = re.compile(
    rf"^(\d{{1,3}}(?P<group>{_COMMA_GROUPS})\d{{3}}((?P=group)\d{{3}})*|\d+)?(,\d+)?$")
# A dash where a number belongs, as Excel's Accounting and Comma styles write zero: with a
# currency (` $ -   `) or padded for the digits it stands for (` -   `). A bare `-` is missing.
_DASH_ZERO = re.compile(
    rf"^\s*(?:(?:{_CURRENCY})\s*-\s*|-\s*(?:{_CURRENCY})\s*|-[ {_SPACES}]{{2,}})$")
_BLANKS = _SPACES + "\t\r\n"
# The thousands separators a format can name, and the characters that write each.
_GROUP_SEPARATORS = {",": ",", ".": ".", " ": _SPACES, "'": _APOSTROPHES}
_OTHER_GROUPS = re.escape(_APOSTROPHES + _SPACES)
_PLAIN_INT = re.compile(r"^[-+]?\d+$")
_LEADING_ZERO_CODE = re.compile(r"^0\d+$")


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written in a file: the decimal mark and the digit-group separator."""

    decimal: str = "."  # "." or ","
    thousands: str | None = None  # ",", ".", " ", "'" or None

    def describe(self) -> str:
        names = {".": "point", ",": "comma", " ": "space", "'": "apostrophe"}
        text = f"decimal {names[self.decimal]}"
        if self.thousands:
            text += f", thousands {names[self.thousands]}"
        return text


@dataclass(frozen=True)
class ParsedColumn:
    values: pd.Series  # float64, datetime64 or object text (None for missing)
    kind: str  # "number", "date", "text", "empty"
    unit: str = ""  # "€", "$", "%", "EUR", ... for numbers written with one
    date_format: str = ""
    not_numbers: int = 0  # cells of a number column that were not numbers (made missing)
    example: str = ""  # one such cell, to show the user


def missing_mask(stripped: pd.Series, block: int = 200_000) -> np.ndarray:
    """True where a cell is a missing-value word; in blocks, so no step is long (see loading)."""
    return np.concatenate([stripped.iloc[start:start + block].isin(MISSING_TOKENS).to_numpy()
                           for start in range(0, len(stripped), block)] or
                          [np.zeros(0, dtype=bool)])


def _strip(text: pd.Series) -> pd.Series:
    """Each cell as text without surrounding blanks.

    A plain loop over the cells: about three times quicker than pandas' .str.strip on a
    million cells, which matters because every text column of a file goes through here (and
    quicker than finding the distinct texts first: factorize costs more than strip).
    """
    cells = text.to_numpy(dtype=object)
    stripped = np.empty(len(cells), dtype=object)
    stripped[:] = [cell.strip(_BLANKS) if type(cell) is str else str(cell).strip(_BLANKS)
                   for cell in cells]
    return pd.Series(stripped, index=text.index, dtype=object)


def distinct_texts(cells: pd.Series, block: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's position among the distinct texts (-1 for None), and those texts in order
    of first appearance: pd.factorize, a block of cells at a time, because one call on
    millions of cells holds the interpreter for a second, and the window with it."""
    values = cells.to_numpy(dtype=object)
    if len(values) <= block:
        return pd.factorize(values)
    index: dict = {}
    number = index.setdefault
    codes = np.empty(len(values), dtype=np.int64)
    for start in range(0, len(values), block):
        local, seen = pd.factorize(values[start:start + block])
        mapping = np.fromiter((number(text, len(index)) for text in seen), dtype=np.int64,
                              count=len(seen))
        codes[start:start + block] = np.append(mapping, -1)[local]
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return codes, distinct


def plain_numbers(cells: pd.Series) -> pd.Series:
    """pd.to_numeric of texts (None where missing), NaN where one is not a plain number, read
    once per distinct text."""
    codes, distinct = distinct_texts(cells)
    numbers = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
    return pd.Series(np.append(numbers.to_numpy(dtype="float64"), np.nan)[codes],
                     index=cells.index)


def _split_units(stripped: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The number part of each cell and the unit written before or after it."""
    parts = stripped.str.extract(_UNIT)
    units = parts["before"].fillna("").str.strip() + parts["after"].fillna("").str.strip()
    # A sign or bracket written before the currency belongs to the number: -$5, ($1,234.56),
    # and so does one written after it: (1.234,50 €), 120,50 €-
    number = (parts["sign"].fillna("") + parts["number"].fillna("").str.strip(_BLANKS)
              + parts["close"].fillna(""))
    return number, units


def guess_number_format(samples: list[str], delimiter: str | None = None) -> NumberFormat:
    """Decide the decimal mark from cells that can only be read one way.

    `1,5` or `1.234,50` mean a decimal comma; `1.5` or `1,234.50` a decimal point. A file that
    never settles it (only `1,234`-like cells) follows its separator: `;` files come from
    countries that write decimal commas.
    """
    comma_votes = point_votes = 0
    thousands_seen = {",": 0, ".": 0, " ": 0, "'": 0}
    for cell in samples:
        match = _UNIT.match(cell.strip(_SPACES))
        text = (match.group("number") if match else cell).strip(_BLANKS).strip("()-+" + _BLANKS)
        if re.fullmatch(r"\d{1,3}(,\d{3}){2,}", text):
            point_votes += 1  # 1,000,000: only thousands commas read so
        elif re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
            comma_votes += 1
        if not text or not any(ch.isdigit() for ch in text):
            continue
        if re.fullmatch(rf"\d{{1,3}}([.{_OTHER_GROUPS}]\d{{3}})+,\d+|\d+,\d{{1,2}}|\d+,\d{{4,}}",
                        text):
            comma_votes += 1
        elif re.fullmatch(rf"\d{{1,3}}([,{_OTHER_GROUPS}]\d{{3}})+\.\d+|\d+\.\d{{1,2}}"
                          r"|\d+\.\d{4,}|\d*\.\d+", text):
            point_votes += 1
        for separator, written in _GROUP_SEPARATORS.items():
            if re.fullmatch(rf"\d{{1,3}}([{re.escape(written)}]\d{{3}})+([.,]\d+)?", text):
                thousands_seen[separator] += 1
    if comma_votes > point_votes or (comma_votes == point_votes == 0 and delimiter == ";"):
        decimal = ","
    else:
        decimal = "."
    candidates = {",": [".", " ", "'"], ".": [",", " ", "'"]}[decimal]
    thousands = max(candidates, key=lambda sep: thousands_seen[sep])
    return NumberFormat(decimal, thousands if thousands_seen[thousands] else None)


def _to_numbers(number_text: pd.Series, fmt: NumberFormat) -> pd.Series:
    """Numbers from text with its units read off; NaN where the text is not a number.

    The sign is `-` or `+` before the digits, parentheses around them, or `-` after them; one
    of these at most (`-(5)` and `(5)-` are not numbers)."""
    parts = number_text.str.extract(_SIGNED)
    opening, closing, trailing = parts["open"], parts["close"], parts["trail"]
    text = parts["body"].fillna("")
    bracketed = (opening == "(") & (closing == ")")
    signs_fit = ((opening == "(") == (closing == ")")) & ~((opening != "") & (trailing != ""))
    negative = (bracketed | (opening == "-") | (trailing == "-")).to_numpy()
    shape = _COMMA_DECIMAL if fmt.decimal == "," else _POINT_DECIMAL
    valid = (parts["body"].notna() & signs_fit & text.str.match(shape)
             & text.str.contains(r"\d", regex=True))
    groups = _COMMA_GROUPS if fmt.decimal == "," else _POINT_GROUPS
    text = text.str.replace(groups, "", regex=True)
    if fmt.decimal == ",":
        text = text.str.replace(",", ".")
    numbers = pd.to_numeric(text.where(valid, None), errors="coerce")
    return numbers.where(~negative, -numbers)


def read_numbers(stripped: pd.Series, fmt: NumberFormat, by_distinct: bool = True,
                 most_failures: int | None = None) -> tuple[pd.Series, pd.Series] | None:
    """Each cell's number (NaN where it is none) and the unit written with it; None as soon
    as more than `most_failures` filled cells (not "") are not numbers.

    Each distinct text is read once, a block of them at a time, and its reading given to every
    cell that holds it: a column of order numbers repeats each one on every line of its order,
    and reading a text is the same computation wherever it stands. A column of text is given
    up after a block or two. (`by_distinct=False` reads every cell: the same answer, slower.)"""
    if not by_distinct:
        number_text, units = _split_units(stripped)
        return _to_numbers(number_text, fmt).astype("float64"), units
    codes, distinct = distinct_texts(stripped)
    cells_per_text = np.bincount(codes, minlength=len(distinct))
    cells_per_text[distinct == ""] = 0  # missing, not a failure
    numbers = np.empty(len(distinct), dtype="float64")
    units = np.empty(len(distinct), dtype=object)
    failures = 0
    for start in range(0, len(distinct), DISTINCT_BLOCK):
        block = slice(start, start + DISTINCT_BLOCK)
        number_text, written = _split_units(pd.Series(distinct[block], dtype=object))
        numbers[block] = _to_numbers(number_text, fmt).to_numpy(dtype="float64")
        units[block] = written.to_numpy(dtype=object)
        failures += int(cells_per_text[block][np.isnan(numbers[block])].sum())
        if most_failures is not None and failures > most_failures:
            return None
    return (pd.Series(numbers[codes], index=stripped.index),
            pd.Series(units[codes], index=stripped.index, dtype=object))


# Distinct texts read at a time by read_numbers.
DISTINCT_BLOCK = 5_000


def parse_numbers(stripped: pd.Series, missing: np.ndarray, fmt: NumberFormat):
    """(numbers, unit, failures, example) when the column holds numbers, else None.

    A column counts as numbers when nearly every filled cell is one: a stray `unknown` among
    thousands of amounts becomes missing and is reported, never silently dropped.
    """
    present = ~missing
    count = int(present.sum())
    if count == 0:
        return None
    if count > 5_000:
        # Try a sample first: a text column is turned down without parsing every cell.
        probe = stripped[present].iloc[:2_000]
        probe_numbers = _to_numbers(_split_units(probe)[0], fmt)
        if probe_numbers.isna().sum() > max(1, len(probe) // 100):
            return None
    fast = plain_numbers(stripped.where(present, None))
    if int(fast.notna().sum()) == count and fmt.decimal == ".":
        if is_code(stripped[present]):
            return None
        return fast, "", 0, ""
    read = read_numbers(stripped.where(present, ""), fmt, most_failures=max(1, count // 100))
    if read is None:  # too many cells are not numbers: the column is not one
        return None
    numbers, units = read
    numbers[~present] = np.nan
    parsed = int(numbers.notna().sum())
    failures = count - parsed
    if parsed == 0 or failures > max(1, count // 100):
        return None
    if is_code(stripped[present & numbers.notna().to_numpy()]):
        return None
    written = units[present & (units != "").to_numpy()]
    unit = written.mode().iat[0] if len(written) else ""
    example = ""
    if failures:
        example = str(stripped[present & numbers.isna().to_numpy()].iat[0])
    return numbers, unit, failures, example


def is_code(values: pd.Series) -> bool:
    """`00017`, `02134`: digits with leading zeros are codes (IDs, postcodes), kept as text.
    Judged on the first 5,000 cells (blanks around them do not count)."""
    sample = _strip(values.iloc[:5000])
    if sample.empty:
        return False
    return bool(sample.str.match(_LEADING_ZERO_CODE).mean() >= 0.1
                and sample.str.match(_PLAIN_INT).all())


_DATE_SHAPES = (
    # (regex on the date part, order of the parts)
    (re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"), "YMD"),
    (re.compile(r"^\d{1,2}([./-])\d{1,2}\1\d{2,4}"), "?"),
)
_TIME_SUFFIX = re.compile(r"^(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?"
                          r"(?:Z|[+-]\d{2}:?\d{2})?)?$")


def guess_day_first(samples: list[str]) -> bool | None:
    """True for day-first dates (31/12/2024), False for month-first (12/31/2024), None if the
    samples never say."""
    day_first = month_first = 0
    for cell in samples:
        match = re.match(r"^\s*(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}", cell)
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            day_first += first > 12
            month_first += second > 12
    if day_first == month_first:
        return None
    return day_first > month_first


def parse_dates(stripped: pd.Series, missing: np.ndarray, day_first: bool | None,
                quick: bool = True):
    """(dates, format) when every filled cell is a date, else None. `quick=False` reads every
    distinct date the careful way (the same answer, slower; see read_dates)."""
    present = stripped[~missing]
    if present.empty:
        return None
    sample = present.iloc[:2000]
    for pattern, order in _DATE_SHAPES:
        if not sample.str.match(pattern).all():
            continue
        rests = sample.str.replace(pattern, "", regex=True)
        if not rests.str.match(_TIME_SUFFIX).all():
            return None
        if order == "?":
            separator = re.match(r"^\d{1,2}([./-])", sample.iat[0]).group(1)
            own = guess_day_first(list(sample))
            first = own if own is not None else (day_first if day_first is not None
                                                 else separator == ".")
            readable = "DD/MM/YYYY" if first else "MM/DD/YYYY"
        else:
            first, readable = False, "YYYY-MM-DD"
        date_part = None
        if quick:
            separator = re.match(r"^\d+\D", sample.iat[0]).group()[-1]
            date_part = separator.join(("%Y", "%m", "%d") if order == "YMD" else
                                       ("%d", "%m", "%Y") if first else ("%m", "%d", "%Y"))
        parsed = read_dates(stripped.where(~missing, None), first, date_part)
        if parsed is None:
            return None
        has_time = bool(rests.str.len().gt(0).any())
        return parsed, readable + (" hh:mm" if has_time else "")
    return None


# How a date's time is written, tried in turn when the dates are read by a single format;
# anything else (seconds with fractions, AM/PM, a time zone) is read the careful way.
_TIME_FORMATS = (" %H:%M", "", " %H:%M:%S", "T%H:%M:%S", "T%H:%M")
DATE_BLOCK = 50_000  # distinct dates read by one format at a time


def read_dates(cells: pd.Series, day_first: bool, date_part: str | None) -> pd.Series | None:
    """The dates of text cells (None where missing), or None when one cannot be read.

    The careful reading (pandas' "mixed" formats) takes a millisecond per distinct date: tens
    of seconds for the distinct minutes of a year of orders. With `date_part` (`%m/%d/%Y`, the
    order and separator seen in the column), the distinct texts are first read with that
    format and each of _TIME_FORMATS, strictly (four-digit years only: a two-digit year is
    given a century the careful way), which is quick; only the texts no single format reads
    go the careful way. The answer is the careful one's."""
    def careful(values):
        return pd.to_datetime(values, dayfirst=day_first, format="mixed", errors="raise")

    try:
        if date_part is None:
            return careful(cells)
        codes, distinct = distinct_texts(cells)
        parsed = pd.Series(pd.NaT, index=range(len(distinct)), dtype="datetime64[us]")
        left = pd.Series(distinct, dtype=object)
        # The formats that read some of the first texts, those reading most first.
        head = left.iloc[:50]
        fits = {time_format: int(pd.to_datetime(head, format=date_part + time_format,
                                                errors="coerce").notna().sum())
                for time_format in _TIME_FORMATS}
        for time_format in sorted((each for each in fits if fits[each]), key=fits.get,
                                  reverse=True):
            if left.empty:
                break
            # In blocks: one call holds the interpreter (and the window) until it returns.
            for start in range(0, len(left), DATE_BLOCK):
                read = pd.to_datetime(left.iloc[start:start + DATE_BLOCK],
                                      format=date_part + time_format, errors="coerce")
                read = read[read.notna()]  # none read: pandas says seconds, of nothing
                if len(read) and read.dtype != parsed.dtype:
                    return careful(cells)
                parsed[read.index] = read
            left = left[parsed[left.index].isna().to_numpy()]
        if not left.empty:
            rest = careful(left)
            if rest.dtype != parsed.dtype:  # a time zone or nanoseconds: all the careful way
                return careful(cells)
            parsed[rest.index] = rest
        values = np.append(parsed.to_numpy(), np.datetime64("NaT", "us"))[codes]
        return pd.Series(values, index=cells.index)
    except (ValueError, TypeError, OverflowError):
        return None


def _dash_zeros_of(raw: pd.Series, stripped: pd.Series, missing: np.ndarray,
                   numbers) -> np.ndarray:
    """Where the column's dashes stand for zero, looking only where one could: the bare
    dashes, the cells that did not read as numbers, or (when the column did not read as
    numbers at all) its first cells, and the rest only when those hold some."""
    examined = stripped.to_numpy(dtype=object) == "-"
    if numbers is None:
        examined[:DASH_SAMPLE] |= ~missing[:DASH_SAMPLE]
    elif numbers[2]:
        examined |= ~missing & np.isnan(numbers[0].to_numpy())
    zeros = np.zeros(len(raw), dtype=bool)
    positions = np.flatnonzero(examined)
    zeros[positions] = dash_zeros(raw.iloc[positions])
    if numbers is None and zeros[:DASH_SAMPLE].any():
        rest = ~missing
        rest[:DASH_SAMPLE] = False
        positions = np.flatnonzero(rest)
        zeros[positions] = dash_zeros(raw.iloc[positions])
    return zeros


DASH_SAMPLE = 5_000


def dash_zeros(raw: pd.Series) -> np.ndarray:
    """True where a cell is a dash written for zero (Excel's Accounting ` $ -   `)."""
    cells = raw.to_numpy(dtype=object)
    dashes = np.fromiter(("-" in cell if type(cell) is str else False for cell in cells),
                         dtype=bool, count=len(cells))
    if dashes.any():
        dashes[dashes] = [bool(_DASH_ZERO.match(cell)) for cell in cells[dashes]]
    return dashes


def parse_column(raw: pd.Series, fmt: NumberFormat, day_first: bool | None) -> ParsedColumn:
    """The typed values of one column of raw text."""
    stripped = _strip(raw)
    missing = missing_mask(stripped)
    numbers = parse_numbers(stripped, missing, fmt)
    zeros = _dash_zeros_of(raw, stripped, missing, numbers)
    if zeros.any():
        # A dash that stands for zero is a number only if the column is one, and dashes alone
        # do not make one: the column needs numbers written in digits.
        with_zeros = parse_numbers(stripped.where(~zeros, "0"), missing & ~zeros, fmt)
        if with_zeros is not None and int(
                (with_zeros[0].notna().to_numpy() & ~zeros).sum()) > with_zeros[2]:
            numbers = with_zeros
    if missing.all() and numbers is None:
        return ParsedColumn(pd.Series(np.nan, index=raw.index, dtype="float64"), "empty")
    if numbers is not None:
        values, unit, failures, example = numbers
        return ParsedColumn(values, "number", unit=unit, not_numbers=failures, example=example)
    dates = parse_dates(stripped, missing, day_first)
    if dates is not None:
        return ParsedColumn(dates[0], "date", date_format=dates[1])
    return ParsedColumn(stripped.where(~missing, None).astype(object), "text")
