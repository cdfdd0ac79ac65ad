"""THE settings of an analysis: declared once, with their defaults, words and command-line flags.

Everything that reads or writes settings goes through this module: the report command builds
its options from the field metadata, `--settings` files, summary.json's `settings`, the saved
analysis (.custseg), the workbook's Settings sheet and the PDF appendix all use `to_dict` /
`from_dict` or `describe`, and the window binds its controls to the same fields. The stage
settings (`PrepSettings`, `SearchSettings`, ...) are views of an `AnalysisSettings`, never
written out by hand.

The dictionary form is flat and in the report command's own words (summary.json's
`settings`): `{"version": 2, "features": [...], "cap": {"Income": [1, 99]}, "delimiter":
"semicolon", ...}`. Forms written by earlier versions are migrated by `migrate`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

VERSION = 2

MISSING_POLICIES = {
    "drop": "Leave out customers with a missing value in a chosen column",
    "median": "Fill a missing value with the column's median (the middle value)",
    "mean": "Fill a missing value with the column's average",
}
SCALINGS = {
    "standard": "Put every column on the same footing (average 0, spread 1): the usual choice",
    "minmax": "Squeeze every column into 0 to 1",
    "robust": "Like standard, but using median and quartiles so extreme customers weigh less",
    "none": "Use the numbers as they are: columns with big numbers dominate",
}
# The report command's words for separators and marks, and the characters they stand for.
DELIMITER_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
DECIMAL_WORDS = {"point": ".", "comma": ","}
THOUSANDS_WORDS = {"comma": ",", "point": ".", "space": " ", "apostrophe": "'", "none": ""}
DATE_WORDS = {"day-first": True, "month-first": False}
# The defaults, written once: AnalysisSettings and the stage views below use these.
DEFAULT_MISSING, DEFAULT_SCALING = "drop", "standard"
DEFAULT_K_RANGE = (2, 10)
DEFAULT_SEED = 42
# Default percentiles of a cap on extreme values.
CAP_PERCENTILES = (1.0, 99.0)


class SettingsError(ValueError):
    """A setting has a form that cannot be read (the caller words it for the user)."""


# --- how one setting is read and written --------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """How values of one kind of setting go to and from their dictionary form and the CLI."""

    to_plain: Callable[[Any], Any]  # value -> JSON-ready form
    from_plain: Callable[[Any], Any]  # lenient: any form a person or earlier version wrote
    nargs: str | None = None  # for argparse
    cli_type: Callable[[str], Any] | None = None
    describe: Callable[[Any], str] = str  # value -> words for reports
    action: Any = None  # for argparse, instead of nargs and cli_type (a switch)


def _names(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # one name, not a list of letters
        return (value,)
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"must be a list of column names, not {value!r}")
    return tuple(str(name) for name in value)


def _optional_names(value) -> tuple[str, ...] | None:
    return None if value is None else _names(value)


def _int(value, what: str = "a whole number") -> int:
    if isinstance(value, bool) or value is None:
        raise SettingsError(f"must be {what}, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"must be {what}, not {value!r}") from None
    if not number.is_integer():
        raise SettingsError(f"must be {what}, not {value!r}")
    return int(number)


def _optional_int(value) -> int | None:
    return None if value is None else _int(value)


def k_value(value) -> int | None:
    """A number of segments, or None for 'auto' (the recommended number)."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    return _int(value, "a whole number or 'auto'")


def _optional_text(value) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, order=True)
class Cap:
    """Cap a column's extreme values at two percentiles (analysis only, never the file)."""

    column: str
    low: float = CAP_PERCENTILES[0]
    high: float = CAP_PERCENTILES[1]

    def words(self) -> str:
        return f"{self.column}: capped at the {self.low:g}th and {self.high:g}th percentiles"


def parse_cap(text: str) -> Cap:
    """`COL` or `COL:LOW:HIGH` (percentiles)."""
    parts = str(text).rsplit(":", 2)
    if len(parts) == 3:
        try:
            return Cap(parts[0], float(parts[1]), float(parts[2]))
        except ValueError:
            pass
    return Cap(str(text))


def _cap_one(item) -> Cap:
    if isinstance(item, Cap):
        return item
    if isinstance(item, str):
        return parse_cap(item)
    if isinstance(item, (list, tuple)) and 1 <= len(item) <= 3:
        try:
            bounds = [float(bound) for bound in item[1:]]
        except (TypeError, ValueError):
            raise SettingsError(f"must give a cap's percentiles as numbers, not {item!r}") \
                from None
        return Cap(str(item[0]), *bounds)
    raise SettingsError(f"must name a column, or give [column, low, high], not {item!r}")


def _caps(value) -> tuple[Cap, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):  # {"Income": [1, 99]}: summary.json's form
        caps = []
        for name, bounds in value.items():
            if bounds is None or bounds == []:
                caps.append(Cap(str(name)))
            elif isinstance(bounds, (list, tuple)) and len(bounds) == 2:
                caps.append(_cap_one([name, *bounds]))
            else:
                raise SettingsError(f"must give the percentiles of {name} as [low, high], not "
                                    f"{bounds!r}")
        return tuple(caps)
    if isinstance(value, (str, Cap)):
        return (_cap_one(value),)
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"must be caps such as {{\"Income\": [1, 99]}}, not {value!r}")
    if value and isinstance(value[0], str) and len(value) == 3 and not isinstance(
            value[1], str):
        return (_cap_one(value),)  # one [column, low, high] given without the outer list
    return tuple(_cap_one(item) for item in value)


def _words(mapping: dict[str, Any]) -> Kind:
    """A setting written as a word (`semicolon`) and used as what it stands for (`;`)."""
    back = {char: word for word, char in mapping.items()}

    def from_plain(value):
        if value is None:
            return None
        if isinstance(value, str) and value.strip().lower() in mapping:
            return mapping[value.strip().lower()]
        if value in back:  # what an earlier version saved: the character itself
            return value
        raise SettingsError(f"must be one of {', '.join(mapping)}, not {value!r}")

    return Kind(to_plain=lambda value: None if value is None else back.get(value, value),
                from_plain=from_plain, cli_type=None,
                describe=lambda value: "detected" if value is None else back.get(value, value))


def _choice(choices: dict[str, str]) -> Kind:
    def from_plain(value):
        text = str(value).strip().lower()
        if text not in choices:
            raise SettingsError(f"must be one of {', '.join(choices)}, not {value!r}")
        return text

    return Kind(to_plain=str, from_plain=from_plain)


NAMES = Kind(to_plain=list, from_plain=_names, nargs="+",
             describe=lambda value: ", ".join(value) or "none")
FEATURES = Kind(to_plain=lambda value: None if value is None else list(value),
                from_plain=_optional_names, nargs="+",
                describe=lambda value: "every usable numeric column" if value is None
                else ", ".join(value))
INT = Kind(to_plain=int, from_plain=_int, cli_type=int)
OPTIONAL_INT = Kind(to_plain=lambda value: value, from_plain=_optional_int, cli_type=int,
                    describe=lambda value: "detected" if value is None else str(value) or "none")
K = Kind(to_plain=lambda value: value, from_plain=k_value, cli_type=None,
         describe=lambda value: "the recommended number" if value is None else str(value))
TEXT = Kind(to_plain=lambda value: value, from_plain=_optional_text,
            describe=lambda value: "detected" if value is None else str(value) or "none")
def _switch(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0", "none", ""):
        return False
    raise SettingsError(f"must be true or false, not {value!r}")


def _optional_day(value) -> dt.date | None:
    """A day written YYYY-MM-DD (a date or a whole timestamp as given is fine too)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T"
                                     else text)
    except ValueError:
        raise SettingsError(f"must be a day written YYYY-MM-DD, such as 2011-12-10, not "
                            f"{value!r}") from None


SWITCH = Kind(to_plain=bool, from_plain=_switch, action=argparse.BooleanOptionalAction,
              describe=lambda value: "yes" if value else "no")
DAY = Kind(to_plain=lambda value: None if value is None else value.isoformat(),
           from_plain=_optional_day, cli_type=None,
           describe=lambda value: "the day after the latest date in the file" if value is None
           else value.isoformat())
CAPS = Kind(to_plain=lambda caps: {cap.column: [cap.low, cap.high] for cap in caps},
            from_plain=_caps, nargs="+", cli_type=parse_cap,
            describe=lambda caps: "; ".join(cap.words() for cap in caps) or "none")


@dataclass(frozen=True)
class Option:
    """One setting as people meet it: its key in files, its label, its command-line flag."""

    key: str
    label: str
    kind: Kind
    flag: str | None = None
    help: str = ""
    metavar: str | None = None
    choices: tuple[str, ...] | None = None  # words the command line accepts


def option(default, key: str, label: str, kind: Kind, flag: str | None = None, help: str = "",
           metavar: str | None = None, choices=None):
    return field(default=default, metadata={"option": Option(
        key, label, kind, flag, help, metavar, tuple(choices) if choices else None)})


def options(settings_class) -> list[tuple[str, Option]]:
    """(field name, Option) of every declared setting of a settings class, in order."""
    return [(item.name, item.metadata["option"]) for item in fields(settings_class)
            if "option" in item.metadata]


def default_of(settings_class, name: str):
    """The default of one declared setting."""
    return next(item.default for item in fields(settings_class) if item.name == name)


# --- the settings --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadSettings:
    """How to read a file; None means detect."""

    sheet: str | None = option(None, "sheet", "Sheet", TEXT, "--sheet",
                               "sheet to read", "NAME")
    encoding: str | None = option(None, "encoding", "Encoding", TEXT, "--encoding",
                                  "text encoding", "NAME")
    delimiter: str | None = option(None, "delimiter", "Separator", _words(DELIMITER_WORDS),
                                   "--delimiter", "column separator",
                                   choices=DELIMITER_WORDS)
    decimal: str | None = option(None, "decimal", "Decimal mark", _words(DECIMAL_WORDS),
                                 "--decimal", "decimal mark",
                                 choices=DECIMAL_WORDS)
    thousands: str | None = option(None, "thousands", "Thousands separator",
                                   _words(THOUSANDS_WORDS), "--thousands",
                                   "digit-group separator",
                                   choices=THOUSANDS_WORDS)
    header_row: int | None = option(None, "header_row", "Row of the column names", OPTIONAL_INT,
                                    "--header-row", "row holding the column names", "N")
    day_first: bool | None = option(None, "dates", "Dates", _words(DATE_WORDS), "--dates",
                                    "order of day and month in dates like 03/04/2024",
                                    choices=DATE_WORDS)


@dataclass(frozen=True)
class OrderSettings:
    """Order lines (one line per item sold) made into one row per customer (sources/orders.py).

    A column left as None is detected, one set to NO_COLUMN ('') is none (the user said there
    is none); `as_of` None is the day after the latest date."""

    enabled: bool = option(False, "orders", "Order lines", SWITCH, "--orders",
                           "the file holds order lines (one line per item sold): analyse one "
                           "row per customer, by recency, frequency and net spend")
    customer: str | None = option(None, "customer", "Customer column", TEXT, "--customer",
                                  "order lines: the column of the customer", "NAME")
    date: str | None = option(None, "date", "Date column", TEXT, "--date",
                              "order lines: the column of the date (and time) of the sale",
                              "NAME")
    order: str | None = option(None, "order", "Order column", TEXT, "--order",
                               "order lines: the column of the order (invoice) number; "
                               "without one, a customer's lines of the same date and time are "
                               "one order", "NAME")
    amount: str | None = option(None, "amount", "Amount column", TEXT, "--amount",
                                "order lines: the column of each line's amount (else quantity "
                                "x price)", "NAME")
    quantity: str | None = option(None, "quantity", "Quantity column", TEXT, "--quantity",
                                  "order lines: the column of the quantity", "NAME")
    price: str | None = option(None, "price", "Price column", TEXT, "--price",
                               "order lines: the column of the unit price", "NAME")
    as_of: dt.date | None = option(None, "as_of", "As-of day", DAY, "--as-of",
                                   "order lines: the day recency is counted to", "YYYY-MM-DD")

    def chosen_columns(self) -> dict[str, str]:
        """The columns the user named or set to none (role -> column, or NO_COLUMN), the rest
        left to detection."""
        return {role: getattr(self, role) for role in ORDER_ROLES
                if getattr(self, role) is not None}


# The columns an order log's lines are read from, in the order a user thinks of them.
ORDER_ROLES = ("customer", "date", "order", "amount", "quantity", "price")
# An order setting's column that the user set to none (the window's "(none)"): not detected.
NO_COLUMN = ""


@dataclass(frozen=True)
class PrepSettings:
    """The preparation stage's view: which columns, and how to ready them for K-Means."""

    features: tuple[str, ...]
    missing: str = DEFAULT_MISSING
    scaling: str = DEFAULT_SCALING
    log: tuple[str, ...] = ()  # columns on a log scale, log(1 + x)
    cap: tuple[Cap, ...] = ()
    categories: tuple[str, ...] = ()  # number columns that are codes, treated as categories

    def fixes(self) -> list[str]:
        """The data fixes in words, for reports."""
        return ([f"{name}: log scale" for name in self.log] + [cap.words() for cap in self.cap]
                + [f"{name}: treated as categories" for name in self.categories])


@dataclass(frozen=True)
class KSearchSettings:
    """The k search's view: which numbers of segments to try, with which seed."""

    k_min: int = DEFAULT_K_RANGE[0]
    k_max: int = DEFAULT_K_RANGE[1]
    seed: int = DEFAULT_SEED
    n_init: int = 10  # K-Means starts per k: not a user's choice


@dataclass(frozen=True)
class SegmentSettings:
    """The final fit's view: the number of segments and the seed."""

    k: int
    seed: int = DEFAULT_SEED
    n_init: int = 10


@dataclass(frozen=True)
class StabilitySettings:
    """The bootstrap check's view."""

    seed: int = DEFAULT_SEED
    resamples: int = 20
    max_rows: int = 2_000  # larger data is assessed on a fixed random sample of this size
    n_init: int = 3


@dataclass(frozen=True)
class AnalysisSettings:
    """Every choice a user makes, from reading the file to the number of segments."""

    load: LoadSettings = field(default=LoadSettings(), metadata={"group": True})
    orders: OrderSettings = field(default=OrderSettings(), metadata={"group": True})
    features: tuple[str, ...] | None = option(
        None, "features", "Features", FEATURES, "--features",
        "columns to group customers by", "NAME")
    missing: str = option(DEFAULT_MISSING, "missing", "Missing values", _choice(MISSING_POLICIES),
                          "--missing", "customers with a gap: leave out (drop) or fill the gap "
                          "", choices=MISSING_POLICIES)
    scaling: str = option(DEFAULT_SCALING, "scaling", "Scaling", _choice(SCALINGS), "--scaling",
                          "how columns are put on a common footing",
                          choices=SCALINGS)
    log: tuple[str, ...] = option((), "log", "Log scale", NAMES, "--log",
                                  "put these columns on a log scale for the analysis (skewed "
                                  "money columns)", "COL")
    cap: tuple[Cap, ...] = option((), "cap", "Capped extreme values", CAPS, "--cap",
                                  "cap extreme values of these columns at the LOW and HIGH "
                                  "percentiles (1 and 99 when not given)", "COL[:LOW:HIGH]")
    categories: tuple[str, ...] = option((), "category", "Treated as categories", NAMES,
                                         "--category", "treat these number columns as "
                                         "categories (codes like Region 1/2/3)", "COL")
    k_min: int = option(DEFAULT_K_RANGE[0], "k_min", "Fewest segments tried", INT, "--k-min",
                        "fewest segments to try", "N")
    k_max: int = option(DEFAULT_K_RANGE[1], "k_max", "Most segments tried", INT, "--k-max",
                        "most segments to try", "N")
    k: int | None = option(None, "k", "Segments shown", K, "--k",
                           "number of segments",
                           "N|auto")
    seed: int = option(DEFAULT_SEED, "seed", "Random seed", INT, "--seed",
                       "random seed: the same seed gives the same segments", "N")

    # --- views for the stages -------------------------------------------------------------------

    @property
    def prep(self) -> PrepSettings:
        return PrepSettings(features=tuple(self.features or ()), missing=self.missing,
                            scaling=self.scaling, log=tuple(self.log), cap=tuple(self.cap),
                            categories=tuple(self.categories))

    @property
    def search(self) -> KSearchSettings:
        return KSearchSettings(k_min=self.k_min, k_max=self.k_max, seed=self.seed)

    def segment(self, k: int) -> SegmentSettings:
        return SegmentSettings(k=k, seed=self.seed)

    @property
    def stability(self) -> StabilitySettings:
        return StabilitySettings(seed=self.seed)

    # --- changes --------------------------------------------------------------------------------

    def with_fix(self, kind: str, column: str, on: bool = True,
                 percentiles: tuple[float, float] = CAP_PERCENTILES) -> AnalysisSettings:
        """These settings with a data fix (`log`, `cap` or `category`) added or removed."""
        if kind == "cap":
            kept = tuple(cap for cap in self.cap if cap.column != column)
            return replace(self, cap=kept + ((Cap(column, *percentiles),) if on else ()))
        name = {"log": "log", "category": "categories"}[kind]
        kept = tuple(item for item in getattr(self, name) if item != column)
        return replace(self, **{name: kept + ((column,) if on else ())})

    def has_fix(self, kind: str, column: str) -> bool:
        if kind == "cap":
            return any(cap.column == column for cap in self.cap)
        return column in {"log": self.log, "category": self.categories}[kind]

    # --- the one dictionary form ----------------------------------------------------------------

    def _parts(self) -> tuple[tuple[Any, type], ...]:
        """Each settings object with its class, in the order of SETTINGS_CLASSES."""
        return ((self, AnalysisSettings), (self.load, LoadSettings), (self.orders, OrderSettings))

    def to_dict(self) -> dict:
        """The settings as plain data, in the report command's words (summary.json, .custseg)."""
        content: dict[str, Any] = {"version": VERSION}
        for source, settings_class in self._parts():
            for name, declared in options(settings_class):
                content[declared.key] = declared.kind.to_plain(getattr(source, name))
        return content

    @classmethod
    def from_dict(cls, content: Mapping) -> AnalysisSettings:
        """Settings from any form this or an earlier version wrote (unknown keys are ignored;
        missing ones take their defaults). SettingsError names what cannot be read."""
        content = migrate(content)
        values = {}
        for settings_class in SETTINGS_CLASSES:
            values[settings_class] = {}
            for name, declared in options(settings_class):
                if declared.key in content:
                    try:
                        values[settings_class][name] = declared.kind.from_plain(
                            content[declared.key])
                    except SettingsError as error:
                        raise SettingsError(f"'{declared.key}' {error}") from None
        return cls(load=LoadSettings(**values[LoadSettings]),
                   orders=OrderSettings(**values[OrderSettings]), **values[AnalysisSettings])

    def describe(self, include_reading: bool = True) -> list[tuple[str, str]]:
        """Label and value of every setting, for the Settings sheet and the PDF appendix."""
        rows = [(declared.label, declared.kind.describe(getattr(self, name)))
                for name, declared in options(AnalysisSettings)]
        if self.orders.enabled:  # a customer table's analysis states nothing about orders
            rows += [(declared.label, declared.kind.describe(getattr(self.orders, name)))
                     for name, declared in options(OrderSettings)]
        if include_reading:
            rows += [(declared.label, declared.kind.describe(getattr(self.load, name)))
                     for name, declared in options(LoadSettings)]
        return rows


# Every class of declared settings, each kept in the one flat dictionary form and each with its
# options on the command line.
SETTINGS_CLASSES = (AnalysisSettings, LoadSettings, OrderSettings)


def migrate(content: Mapping) -> dict:
    """Any earlier dictionary form -> the current one.

    Version 1 (summary.json of CustSeg 0.1 and the settings of a version 1 .custseg, which
    session.py flattens first) had no `version` and no chosen `k` in summary.json; caps were
    a dict in one and a list in the other, read options words in one and characters in the
    other. Kind.from_plain reads both forms, so only what changed meaning is moved here.
    """
    if not isinstance(content, Mapping):
        raise SettingsError("settings must be a JSON object such as {\"features\": [\"Age\"]}")
    content = dict(content)
    version = content.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SettingsError(f"'version' must be a whole number, not {version!r}")
    if version > VERSION:
        raise SettingsError(f"these settings were written by a newer CustSeg (settings version "
                            f"{version}); install the newer version to use them")
    if version < 2 and "as_category" in content and "category" not in content:
        content["category"] = content.pop("as_category")
    content["version"] = VERSION
    return content


def from_document(content: Mapping) -> AnalysisSettings:
    """Settings from a settings file, or from a whole summary.json (its `settings`, with the
    chosen `k` of an earlier summary.json that did not keep it there)."""
    if isinstance(content, Mapping) and isinstance(content.get("settings"), Mapping):
        settings = dict(content["settings"])
        if "k" not in settings and isinstance(content.get("k"), int):
            settings["k"] = content["k"]
        content = settings
    return AnalysisSettings.from_dict(content)
