"""The one settings model: any settings survive their dictionary form, earlier forms still read,
and a summary.json repeats its report exactly."""

from __future__ import annotations

import datetime as dt
import json
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from made_data import write_csv
from report_helpers import run_report

from custseg_gui.core.settings import (DATE_WORDS, DECIMAL_WORDS, DELIMITER_WORDS,
                                       MISSING_POLICIES, SCALINGS, THOUSANDS_WORDS,
                                       AnalysisSettings, Cap, LoadSettings, OrderSettings,
                                       SettingsError, from_document, migrate)

names = st.text(alphabet=string.ascii_letters + string.digits + " _-()$%éü€", min_size=1,
                max_size=20)
column_lists = st.lists(names, max_size=4, unique=True).map(tuple)
percentiles = st.tuples(st.floats(0, 49.5, allow_nan=False), st.floats(50, 100, allow_nan=False))
load_settings = st.builds(
    LoadSettings,
    sheet=st.none() | names,
    encoding=st.none() | st.sampled_from(["utf-8", "cp1252", "latin_1", "utf-16"]),
    delimiter=st.none() | st.sampled_from(list(DELIMITER_WORDS.values())),
    decimal=st.none() | st.sampled_from(list(DECIMAL_WORDS.values())),
    thousands=st.none() | st.sampled_from(list(THOUSANDS_WORDS.values())),
    header_row=st.none() | st.integers(1, 50),
    day_first=st.none() | st.sampled_from(list(DATE_WORDS.values())))
order_settings = st.builds(
    OrderSettings,
    enabled=st.booleans(),
    customer=st.none() | names, date=st.none() | names, order=st.none() | names,
    amount=st.none() | names, quantity=st.none() | names, price=st.none() | names,
    as_of=st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
analysis_settings = st.builds(
    AnalysisSettings,
    load=load_settings,
    orders=order_settings,
    features=st.none() | column_lists,
    missing=st.sampled_from(list(MISSING_POLICIES)),
    scaling=st.sampled_from(list(SCALINGS)),
    log=column_lists,
    cap=st.lists(st.tuples(names, percentiles), max_size=3, unique_by=lambda cap: cap[0]).map(
        lambda caps: tuple(Cap(name, low, high) for name, (low, high) in caps)),
    categories=column_lists,
    k_min=st.integers(2, 10),
    k_max=st.integers(2, 30),
    k=st.none() | st.integers(2, 30),
    seed=st.integers(0, 2**31 - 1))


@given(analysis_settings)
def test_any_settings_survive_their_dictionary_form(settings):
    # Given any settings, when written to their dictionary form (as JSON, as in summary.json
    # and .custseg) and read back, then they are the same settings
    assert AnalysisSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings


@given(analysis_settings)
def test_the_dictionary_form_is_in_the_report_commands_words(settings):
    # Given any settings, then their dictionary form uses the words the report command takes
    content = settings.to_dict()
    assert content["version"] == 2
    assert content["delimiter"] in (None, *DELIMITER_WORDS)
    assert content["decimal"] in (None, *DECIMAL_WORDS)
    assert content["thousands"] in (None, *THOUSANDS_WORDS)
    assert content["dates"] in (None, *DATE_WORDS)
    assert content["cap"] == {cap.column: [cap.low, cap.high] for cap in settings.cap}
    assert content["category"] == list(settings.categories)
    assert content["k"] == settings.k
    assert content["orders"] is settings.orders.enabled
    assert content["as_of"] == (settings.orders.as_of.isoformat() if settings.orders.as_of
                                else None)
    assert [content[key] for key in ("customer", "date", "order", "amount", "quantity",
                                     "price")] == [settings.orders.customer,
                                                   settings.orders.date, settings.orders.order,
                                                   settings.orders.amount,
                                                   settings.orders.quantity,
                                                   settings.orders.price]


def test_settings_written_before_order_logs_read_as_a_customer_table():
    # Given settings of an earlier version 2 file, without any of the order keys
    settings = AnalysisSettings.from_dict({"version": 2, "features": ["Income"], "k": 3})
    # Then they are not about order lines, and their dictionary form only added keys
    assert settings.orders == OrderSettings()
    assert {"orders": False, "customer": None, "as_of": None}.items() <= \
        settings.to_dict().items()


@pytest.mark.parametrize("content, words", [
    ({"as_of": "10/12/2011"}, "'as_of' must be a day written YYYY-MM-DD, such as 2011-12-10, "
                              "not '10/12/2011'"),
    ({"orders": "maybe"}, "'orders' must be true or false, not 'maybe'"),
])
def test_an_order_setting_that_cannot_be_read_says_what_it_takes(content, words):
    with pytest.raises(SettingsError) as raised:
        AnalysisSettings.from_dict(content)
    assert words in str(raised.value)


def test_a_settings_file_may_name_one_column_as_a_string_and_caps_as_text():
    # Given settings written by hand the short way
    settings = AnalysisSettings.from_dict({"log": "Income", "cap": "Spend:5:95",
                                           "features": "Income", "k": "auto"})
    # Then each reads as meant
    assert settings.log == ("Income",) and settings.features == ("Income",)
    assert settings.cap == (Cap("Spend", 5.0, 95.0),)
    assert settings.k is None


@pytest.mark.parametrize("content, words", [
    ({"k": "many"}, "'k' must be a whole number or 'auto', not 'many'"),
    ({"scaling": "log"}, "'scaling' must be one of standard, minmax, robust, none"),
    ({"delimiter": "colon"}, "'delimiter' must be one of comma, semicolon, tab, pipe"),
    ({"cap": {"Income": [1]}}, "'cap' must give the percentiles of Income as [low, high]"),
    ({"version": 3}, "written by a newer CustSeg"),
])
def test_a_setting_that_cannot_be_read_is_named_with_what_it_takes(content, words):
    with pytest.raises(SettingsError, match=None) as raised:
        AnalysisSettings.from_dict(content)
    assert words in str(raised.value)


def test_a_summary_json_of_the_previous_version_keeps_its_chosen_number_of_segments():
    # Given a summary.json written by CustSeg 0.1: no version and no k in its settings, the
    # chosen k at the top
    summary = {"schema": "custseg-summary/1", "k": 4,
               "settings": {"features": ["Income"], "scaling": "standard", "missing": "drop",
                            "k_min": 2, "k_max": 10, "seed": 42, "log": [],
                            "cap": {"Income": [5, 95]}, "category": [], "sheet": None,
                            "encoding": None, "delimiter": "semicolon", "decimal": "comma",
                            "thousands": "point", "header_row": None, "dates": "day-first"}}
    # When it is read as settings, then the chosen 4 segments and every other setting come back
    settings = from_document(summary)
    assert settings.k == 4
    assert settings.cap == (Cap("Income", 5.0, 95.0),)
    assert settings.load == LoadSettings(delimiter=";", decimal=",", thousands=".",
                                         day_first=True)
    assert migrate(summary["settings"])["version"] == 2


# --- summary.json -> report --settings repeats the report --------------------------------------

@pytest.fixture(scope="module")
def customers_file(tmp_path_factory):
    """Customers with a skewed spend, a few extremes, a region code and an age."""
    rng = np.random.default_rng(11)
    group = np.arange(160) % 4
    frame = pd.DataFrame({
        "CustomerID": [f"C{number:04d}" for number in range(1, 161)],
        "Age": rng.normal(25 + 12 * group, 3).round().astype(int),
        "Spend": rng.lognormal(3 + group, 0.6).round(2),
        "Visits": rng.integers(1, 20, 160),
        "Region": 1 + np.arange(160) % 3})
    return write_csv(frame, tmp_path_factory.mktemp("settings"))


REPORT_OPTIONS = st.fixed_dictionaries({
    "k": st.integers(2, 4),
    "seed": st.integers(0, 10_000),
    "cap_low": st.sampled_from([0.5, 2.0, 5.0]),
    "cap_high": st.sampled_from([90.0, 97.5, 99.5]),
    "scaling": st.sampled_from(list(SCALINGS)),
    "category": st.booleans(),
})


@hypothesis_settings(max_examples=6, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=REPORT_OPTIONS)
def test_summary_json_as_settings_repeats_segments_csv_byte_for_byte(customers_file, tmp_path,
                                                                     options):
    # Given a report with a chosen k, a cap at other percentiles, a log scale, maybe a
    # category, another scaling and another seed
    first, again = tmp_path / f"first-{options['seed']}", tmp_path / f"again-{options['seed']}"
    args = ["--formats", "csv,json", "--features", "Age", "Spend", "Visits",
            *(["Region", "--category", "Region"] if options["category"] else []),
            "--k", str(options["k"]), "--k-max", "5", "--seed", str(options["seed"]),
            "--log", "Spend", "--cap", f"Visits:{options['cap_low']}:{options['cap_high']}",
            "--scaling", options["scaling"]]
    status, _, stderr = run_report([customers_file, "--out", first, *args])
    assert status == 0, stderr
    # When the report runs again with nothing but its summary.json as settings
    status, _, stderr = run_report([customers_file, "--out", again, "--formats", "csv,json",
                                    "--settings", first / "summary.json"])
    assert status == 0, stderr
    # Then the customer list is the same to the byte, and so are the settings it states
    assert (again / "segments.csv").read_bytes() == (first / "segments.csv").read_bytes()
    summary = json.loads((first / "summary.json").read_text(encoding="utf-8"))
    repeated = json.loads((again / "summary.json").read_text(encoding="utf-8"))
    assert repeated["settings"] == summary["settings"]
    assert summary["settings"]["k"] == summary["k"] == options["k"]
    assert summary["settings"]["cap"] == {"Visits": [options["cap_low"], options["cap_high"]]}
    assert summary["settings"]["seed"] == options["seed"]
