"""The report command's data fixes (--log, --cap, --category), --settings files and the options
that say how to read the file: each lands in summary.json and changes the result, and a bad one
ends with one `error:` line, status 2 and no files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from report_helpers import assert_one_error_line, run_report


TWO_SEGMENTS = ["--k", "2", "--k-min", "2", "--k-max", "2"]



def summary_of(path: Path, out: Path, *options) -> dict:
    """Run the report (summary.json only) and return summary.json; fail with stderr if it fails."""
    status, _, stderr = run_report([path, "--out", out, "--formats", "json", *options])
    assert status == 0, stderr
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def sizes(summary: dict) -> list[int]:
    return [segment["size"] for segment in summary["segments"]]


def overall_mean(summary: dict, column: str) -> float:
    """The mean of a column over every customer used, from the segment profiles."""
    total = sum(sizes(summary))
    return sum(segment["size"] * segment["means"][column]
               for segment in summary["segments"]) / total



def write_customers(path: Path, columns: dict[str, np.ndarray]) -> Path:
    names = list(columns)
    rows = len(next(iter(columns.values())))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CustomerID", "Name", *names])
        for row in range(rows):
            writer.writerow([f"{row + 1:04d}", f"Customer {row + 1}",
                             *(columns[name][row] for name in names)])
    return path


@pytest.fixture(scope="module")
def skewed(tmp_path_factory) -> Path:
    """120 customers: a skewed Income (log-normal), Spend, and a Plan code 1/2/3."""
    rng = np.random.default_rng(3)
    return write_customers(tmp_path_factory.mktemp("skewed") / "customers.csv", {
        "Income": np.round(rng.lognormal(3.5, 1.0, 120), 1),
        "Spend": np.round(rng.normal(50, 15, 120), 1),
        "Plan": rng.integers(1, 4, 120),
    })


@pytest.fixture(scope="module")
def outlier(tmp_path_factory) -> Path:
    """200 customers with ordinary incomes and spending, and one income of a million."""
    rng = np.random.default_rng(7)
    income = np.round(rng.lognormal(3.5, 0.6, 200), 1)
    income[0] = 1_000_000
    return write_customers(tmp_path_factory.mktemp("outlier") / "customers.csv", {
        "Income": income, "Spend": np.round(rng.normal(50, 15, 200), 1)})


def data_mean(path: Path, column: str) -> float:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return float(np.mean([float(row[column]) for row in csv.DictReader(handle)]))


# --- the fixes change the analysis and are recorded -----------------------------------------------

def test_log_scale_is_recorded_and_changes_the_segments(skewed, tmp_path):
    # Given customers with a skewed income
    # When the report runs with and without --log Income
    plain = summary_of(skewed, tmp_path / "plain", *TWO_SEGMENTS, "--features", "Income", "Spend")
    logged = summary_of(skewed, tmp_path / "log", *TWO_SEGMENTS, "--features", "Income", "Spend",
                        "--log", "Income")

    # Then summary.json records the fix, and the customers are grouped differently
    assert plain["settings"]["log"] == []
    assert logged["settings"]["log"] == ["Income"]
    assert sizes(logged) != sizes(plain)
    assert sum(sizes(logged)) == sum(sizes(plain)) == 120
    # and the segment profiles stay in the file's own units (not in logarithms)
    assert overall_mean(logged, "Income") == pytest.approx(data_mean(skewed, "Income"))


def test_cap_is_recorded_and_stops_one_extreme_customer_forming_a_segment(outlier, tmp_path):
    # Given 200 customers, one with an income of a million
    # When the report runs with and without --cap Income:1:99
    plain = summary_of(outlier, tmp_path / "plain", *TWO_SEGMENTS)
    capped = summary_of(outlier, tmp_path / "cap", *TWO_SEGMENTS, "--cap", "Income:1:99")

    # Then without the cap the extreme customer is a segment of its own; with it, not
    assert plain["settings"]["cap"] == {}
    assert capped["settings"]["cap"] == {"Income": [1.0, 99.0]}
    assert sorted(sizes(plain)) == [1, 199]
    assert min(sizes(capped)) > 10
    # and the cap applies to the grouping only: the profiles show the incomes as written
    assert overall_mean(capped, "Income") == pytest.approx(data_mean(outlier, "Income"))


def test_cap_without_bounds_caps_at_the_1st_and_99th_percentiles(outlier, tmp_path):
    # When the report runs with --cap Income (no bounds)
    capped = summary_of(outlier, tmp_path / "cap", *TWO_SEGMENTS, "--cap", "Income")

    # Then the default percentiles are recorded
    assert capped["settings"]["cap"] == {"Income": [1.0, 99.0]}
    assert min(sizes(capped)) > 10


def test_category_is_recorded_and_profiles_the_codes_as_shares(skewed, tmp_path):
    # Given a Plan column of codes 1, 2 and 3 that reads as a number
    features = ["--features", "Income", "Spend", "Plan"]

    # When the report runs with and without --category Plan
    plain = summary_of(skewed, tmp_path / "plain", *TWO_SEGMENTS, *features)
    coded = summary_of(skewed, tmp_path / "coded", *TWO_SEGMENTS, *features,
                       "--category", "Plan")

    # Then summary.json records the fix
    assert plain["settings"]["category"] == []
    assert coded["settings"]["category"] == ["Plan"]
    # and Plan is profiled as shares of each code instead of an average code
    assert "Plan" in plain["segments"][0]["means"]
    for segment in coded["segments"]:
        assert "Plan" not in segment["means"]
        shares = segment["categories"]["Plan"]
        assert set(shares) == {"1", "2", "3"}
        assert sum(shares.values()) == pytest.approx(1.0)
    # and the grouping itself changed
    assert sizes(coded) != sizes(plain)


# --- settings files -------------------------------------------------------------------------------

def write_json(path: Path, content) -> Path:
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_settings_file_fixes_are_applied_and_recorded(skewed, tmp_path):
    # Given a settings file with every kind of fix
    settings = write_json(tmp_path / "settings.json", {
        "features": ["Income", "Spend", "Plan"], "k": 2, "k_min": 2, "k_max": 2,
        "log": ["Income"], "cap": {"Spend": [5, 95]}, "category": ["Plan"]})

    # When the report runs with it, and with the same options on the command line
    from_file = summary_of(skewed, tmp_path / "file", "--settings", settings)
    from_options = summary_of(skewed, tmp_path / "options", *TWO_SEGMENTS,
                              "--features", "Income", "Spend", "Plan", "--log", "Income",
                              "--cap", "Spend:5:95", "--category", "Plan")

    # Then summary.json records the file's fixes, and the result is the command line's
    assert from_file["settings"]["log"] == ["Income"]
    assert from_file["settings"]["cap"] == {"Spend": [5.0, 95.0]}
    assert from_file["settings"]["category"] == ["Plan"]
    assert from_file["k"] == 2
    assert from_file["settings"] == from_options["settings"]
    assert from_file["segments"] == from_options["segments"]


def test_summary_json_reused_as_settings_gives_the_same_segments(skewed, tmp_path):
    # Given a report made with fixes
    first = summary_of(skewed, tmp_path / "first", *TWO_SEGMENTS, "--log", "Income",
                       "--cap", "Spend:2:98")

    # When its summary.json is given back as the settings file
    again = summary_of(skewed, tmp_path / "again",
                       "--settings", tmp_path / "first" / "summary.json")

    # Then the same settings give the same segments
    assert again["settings"] == first["settings"]
    assert again["segments"] == first["segments"]


def test_command_line_options_override_the_settings_file(skewed, tmp_path):
    # Given a settings file that puts Income on a log scale
    settings = write_json(tmp_path / "settings.json", {"log": ["Income"], "k": 2,
                                                       "k_min": 2, "k_max": 2})

    # When the command line names Spend instead
    summary = summary_of(skewed, tmp_path / "out", "--settings", settings, "--log", "Spend")

    # Then the command line wins
    assert summary["settings"]["log"] == ["Spend"]


def test_a_single_column_name_in_a_settings_file_is_not_split_into_letters(skewed, tmp_path):
    # Given a settings file that names one column as a string rather than a list
    settings = write_json(tmp_path / "settings.json", {"log": "Income", "k": 2,
                                                       "k_min": 2, "k_max": 2})

    # When the report runs with it, and with the list form on the command line
    as_string = summary_of(skewed, tmp_path / "string", "--settings", settings)
    as_list = summary_of(skewed, tmp_path / "list", *TWO_SEGMENTS, "--log", "Income")

    # Then it is read as that one column (never as columns 'I', 'n', 'c', ...), with the same
    # segments as the list form
    assert as_string["settings"]["log"] == ["Income"]
    assert as_string["segments"] == as_list["segments"]


# --- options that say how to read the file --------------------------------------------------------

@pytest.fixture(scope="module")
def semicolon_amounts(tmp_path_factory) -> Path:
    """30 customers in a semicolon file with amounts written `1,500` and ambiguous dates."""
    rng = np.random.default_rng(11)
    lines = ["CustomerID;Joined;Amount;Visits"]
    for number in range(1, 31):
        amount = int(rng.integers(1, 9)) * 1000 + int(rng.integers(0, 10)) * 100
        lines.append(f"{number:04d};0{number % 9 + 1}/0{number % 7 + 1}/2024;"
                     f"{amount:,};{int(rng.integers(1, 20))}")
    path = tmp_path_factory.mktemp("semicolon") / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_number_options_change_how_amounts_are_read(semicolon_amounts, tmp_path):
    # Given amounts like `1,500` in a semicolon file (read as 1.5 with a decimal comma)
    detected = summary_of(semicolon_amounts, tmp_path / "detected", *TWO_SEGMENTS)
    assert detected["input"]["decimal"] == ","
    assert overall_mean(detected, "Amount") < 10

    # When the report is told the comma groups thousands and the point is the decimal mark
    told = summary_of(semicolon_amounts, tmp_path / "told", *TWO_SEGMENTS,
                      "--decimal", "point", "--thousands", "comma", "--delimiter", "semicolon")

    # Then the amounts are thousands, and summary.json says how the file was read
    assert told["input"]["decimal"] == "."
    assert told["input"]["thousands"] == ","
    assert told["input"]["delimiter"] == ";"
    assert overall_mean(told, "Amount") == pytest.approx(1000 * overall_mean(detected, "Amount"))


def test_dates_option_decides_the_order_of_ambiguous_dates(semicolon_amounts, tmp_path):
    # Given dates like 03/04/2024 that fit either order
    # When the report is told they are day-first, and month-first
    day_first = summary_of(semicolon_amounts, tmp_path / "dmy", *TWO_SEGMENTS,
                           "--dates", "day-first")
    month_first = summary_of(semicolon_amounts, tmp_path / "mdy", *TWO_SEGMENTS,
                             "--dates", "month-first")

    # Then summary.json names the order used
    assert day_first["input"]["date_formats"] == {"Joined": "DD/MM/YYYY"}
    assert month_first["input"]["date_formats"] == {"Joined": "MM/DD/YYYY"}


def test_header_row_and_encoding_options_are_used(tmp_path):
    # Given a Windows-1252 file whose first line looks like column names but is not
    lines = ["Export;Shop", "Kunde;Ort;Umsatz;Besuche"]
    lines += [f"K{n};Köln;{n * 10},50 €;{n % 5 + 1}" for n in range(1, 31)]
    path = tmp_path / "kunden.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    # When the report is told the names are on row 2 and the encoding is Windows-1252
    summary = summary_of(path, tmp_path / "out", *TWO_SEGMENTS, "--header-row", "2",
                         "--encoding", "cp1252")

    # Then the columns are named from row 2 and the euro amounts parsed
    assert summary["input"]["header_row"] == 2
    # (input.encoding names the encoding in the user's words; settings keep the option given)
    assert summary["input"]["encoding"] == "Windows-1252"
    assert summary["settings"]["encoding"] == "cp1252"
    assert summary["input"]["units"] == {"Umsatz": "€"}
    assert summary["settings"]["features"] == ["Umsatz", "Besuche"]
    assert overall_mean(summary, "Umsatz") == pytest.approx(np.mean(
        [n * 10 + 0.5 for n in range(1, 31)]))


def test_summary_json_reused_as_settings_reads_the_file_the_same_way(semicolon_amounts,
                                                                     tmp_path):
    # Given a report whose file could only be read right with --decimal and --thousands
    first = summary_of(semicolon_amounts, tmp_path / "first", *TWO_SEGMENTS,
                       "--decimal", "point", "--thousands", "comma")

    # When its summary.json is given back as the settings file
    again = summary_of(semicolon_amounts, tmp_path / "again",
                       "--settings", tmp_path / "first" / "summary.json")

    # Then the file is read the same way and the amounts are the same
    assert again["input"]["decimal"] == first["input"]["decimal"] == "."
    assert overall_mean(again, "Amount") == pytest.approx(overall_mean(first, "Amount"))


# --- bad fixes and settings -----------------------------------------------------------------------

BAD_FIXES = {
    "log on a text column": (["--log", "Name"], ["'Name'", "not a column of numbers"]),
    "cap on a text column": (["--cap", "Name"], ["'Name'", "not a column of numbers"]),
    "log on an unknown column": (["--log", "Incme"], ["'Incme'", "does not have"]),
    "cap on an unknown column": (["--cap", "Incme:1:99"], ["'Incme'", "does not have"]),
    "category of an unknown column": (["--category", "Plann"], ["'Plann'", "does not have"]),
    "cap bounds reversed": (["--cap", "Income:99:1"], ["'Income'", "lower below the upper",
                                                       "99 and 1"]),
    "cap above 100": (["--cap", "Income:5:150"], ["'Income'", "0 to 100"]),
    "cap below 0": (["--cap", "Income:-5:95"], ["'Income'", "0 to 100"]),
}


@pytest.mark.parametrize("case", list(BAD_FIXES))
def test_bad_fix_exits_2_with_one_error_line_and_writes_nothing(skewed, tmp_path, case):
    # Given a fix the data does not allow
    options, words = BAD_FIXES[case]
    out = tmp_path / "report"

    # When the report runs
    status, stdout, stderr = run_report([skewed, "--out", out, *TWO_SEGMENTS, *options])

    # Then it exits 2 with one `error:` line naming the problem, and writes nothing
    assert status == 2
    assert_one_error_line(stderr, *words)
    assert stdout == ""
    assert not out.exists()


BAD_SETTINGS_FILES = {
    "not JSON": ("{log: [Income]", ["not valid JSON"]),
    "a list": ('["Income"]', ["must hold a JSON object"]),
    "reversed cap": ('{"cap": {"Income": [99, 1]}}', ["'Income'", "lower below the upper"]),
    "cap of the wrong shape": ('{"cap": {"Income": [1]}}', ["wrong form"]),
    "log on a text column": ('{"log": ["Name"]}', ["'Name'", "not a column of numbers"]),
}


@pytest.mark.parametrize("case", list(BAD_SETTINGS_FILES))
def test_bad_settings_file_exits_2_with_one_error_line_and_writes_nothing(skewed, tmp_path,
                                                                          case):
    # Given a settings file that cannot be used
    content, words = BAD_SETTINGS_FILES[case]
    settings = tmp_path / "settings.json"
    settings.write_text(content, encoding="utf-8")
    out = tmp_path / "report"

    # When the report runs with it
    status, stdout, stderr = run_report([skewed, "--out", out, *TWO_SEGMENTS,
                                         "--settings", settings])

    # Then it exits 2 with one `error:` line, and writes nothing
    assert status == 2
    assert_one_error_line(stderr, *words)
    assert not out.exists()


def test_missing_settings_file_exits_2(skewed, tmp_path):
    # When the settings file named does not exist
    out = tmp_path / "report"
    status, _, stderr = run_report([skewed, "--out", out, "--settings", tmp_path / "nope.json"])

    # Then the user is told, and nothing is written
    assert status == 2
    assert_one_error_line(stderr, "nope.json", "could not be found")
    assert not out.exists()
