"""Saved analyses (.custseg): a round trip keeps everything, a bad file is refused politely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import custseg_gui
from custseg_gui.core.errors import UserError
from custseg_gui.core.session import SCHEMA, VERSION, SavedAnalysis, load_analysis, save_analysis
from custseg_gui.core.settings import AnalysisSettings, Cap, LoadSettings

SAVED = SavedAnalysis(
    data_path="/home/ana/Données/clients 2024.csv",
    data_sha256="416a4f62a8f33841a16e1db5297f0e05d3b65b05e73632cedae58e739e1e1f77",
    settings=AnalysisSettings(
        load=LoadSettings(sheet="Clients", encoding="cp1252", delimiter=";", decimal=",",
                          thousands=".", header_row=3, day_first=True),
        features=("Annual Income (k$)", "Spending Score (1-100)", "Âge", "Région"),
        missing="median", scaling="minmax", log=("Annual Income (k$)",),
        cap=(Cap("Spending Score (1-100)", 5.0, 95.0),), categories=("Région",),
        k_min=3, k_max=8, seed=7, k=5),
    names={1: "Fidèles", 3: "Big spenders", 5: "=not a formula"},
)


@pytest.fixture
def saved_file(tmp_path) -> Path:
    path = tmp_path / "mall.custseg"
    save_analysis(path, SAVED)
    return path


def saved_content(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, content) -> Path:
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_saved_analysis_loads_back_with_every_field(saved_file):
    # Given an analysis saved with non-ASCII names, a sheet, an encoding and renamed segments
    # When it is loaded again
    loaded = load_analysis(saved_file)

    # Then every field is as saved: how the file is read, the fixes with their percentiles,
    # the categories, the number of segments and the seed
    assert loaded == SAVED
    assert loaded.names == {1: "Fidèles", 3: "Big spenders", 5: "=not a formula"}
    assert loaded.settings.load == LoadSettings(sheet="Clients", encoding="cp1252",
                                                delimiter=";", decimal=",", thousands=".",
                                                header_row=3, day_first=True)
    assert loaded.settings.cap == (Cap("Spending Score (1-100)", 5.0, 95.0),)
    assert (loaded.settings.k, loaded.settings.seed) == (5, 7)
    assert isinstance(loaded.settings.features, tuple)


def test_saved_file_is_versioned_utf8_json(saved_file):
    # Given a saved analysis, then it is readable JSON naming its schema, version and app
    content = saved_content(saved_file)
    assert content["schema"] == SCHEMA == "custseg-analysis"
    assert content["version"] == VERSION == 2
    assert content["app_version"] == custseg_gui.__version__
    assert content["data"]["path"] == SAVED.data_path
    assert content["settings"]["features"] == list(SAVED.settings.features)
    # in the same words as summary.json's settings and the report command
    assert content["settings"]["delimiter"] == "semicolon"
    assert content["settings"]["cap"] == {"Spending Score (1-100)": [5.0, 95.0]}
    assert content["segment_names"] == {"1": "Fidèles", "3": "Big spenders",
                                        "5": "=not a formula"}
    # and it is not pickle: the text is UTF-8 with the accents as written
    assert "Fidèles" in saved_file.read_text(encoding="utf-8")


def test_saving_leaves_no_temporary_file_and_replaces_an_older_save(saved_file):
    # Given an earlier save, when the analysis is saved again with another name
    save_analysis(saved_file, SavedAnalysis(**{**SAVED.__dict__, "names": {2: "New"}}))

    # Then the file holds the new save and nothing else is left in the folder
    assert load_analysis(saved_file).names == {2: "New"}
    assert [path.name for path in saved_file.parent.iterdir()] == ["mall.custseg"]


def test_saving_into_a_missing_folder_is_explained(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        save_analysis(tmp_path / "gone" / "mall.custseg", SAVED)
    assert list(tmp_path.iterdir()) == []


def test_analysis_without_names_round_trips(tmp_path):
    plain = SavedAnalysis(data_path="customers.xlsx", data_sha256="0" * 64,
                          settings=AnalysisSettings(features=("Income",), k=4))
    save_analysis(tmp_path / "plain.custseg", plain)
    assert load_analysis(tmp_path / "plain.custseg") == plain


# --- files that are not a usable analysis --------------------------------------------------

def assert_refused_as_damaged(path: Path, reason: str) -> None:
    with pytest.raises(UserError) as raised:
        load_analysis(path)
    message = str(raised.value)
    assert message.startswith(f"{path.name} is not a CustSeg analysis, or it is damaged")
    assert reason in message
    assert "Open a .custseg file saved by CustSeg." in message


def test_truncated_file_is_refused_as_not_valid_json(saved_file):
    # Given a save cut short (a crash or a full disk in another program)
    text = saved_file.read_text(encoding="utf-8")
    saved_file.write_text(text[: len(text) // 2], encoding="utf-8")
    assert_refused_as_damaged(saved_file, "it is not valid JSON")


def test_empty_file_is_refused_as_not_valid_json(tmp_path):
    path = tmp_path / "empty.custseg"
    path.write_bytes(b"")
    assert_refused_as_damaged(path, "it is not valid JSON")


@pytest.mark.parametrize("content", [{"hello": 1}, [1, 2, 3], "custseg-analysis", None,
                                     {"schema": "custseg-summary/1", "version": 1}])
def test_foreign_json_is_refused_as_not_made_by_custseg(tmp_path, content):
    # Given JSON that some other program wrote (or CustSeg's summary.json)
    path = write_json(tmp_path / "other.custseg", content)
    assert_refused_as_damaged(path, "it was not made by CustSeg")


def test_binary_file_is_refused_as_not_text(tmp_path):
    # Given a file that is not UTF-8 text at all (an image renamed .custseg)
    path = tmp_path / "photo.custseg"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd" + bytes(range(256)))
    assert_refused_as_damaged(path, "it cannot be read as text")


def test_file_from_a_newer_version_asks_for_the_newer_app(saved_file):
    # Given a save from a future CustSeg with format version 99
    content = saved_content(saved_file)
    content["version"], content["app_version"] = 99, "9.0.0"
    write_json(saved_file, content)

    # Then the message says a newer version saved it, and which
    with pytest.raises(UserError) as raised:
        load_analysis(saved_file)
    message = str(raised.value)
    assert "saved by a newer version of CustSeg (9.0.0)" in message
    assert "Install the newer version" in message


@pytest.mark.parametrize("version", [None, "1", 1.0])
def test_file_without_a_whole_number_version_is_refused(saved_file, version):
    content = saved_content(saved_file)
    content["version"] = version
    write_json(saved_file, content)
    assert_refused_as_damaged(saved_file, "it has no version")


def test_missing_file_is_reported_as_not_found(tmp_path):
    with pytest.raises(UserError, match="mall.custseg could not be found"):
        load_analysis(tmp_path / "mall.custseg")


MISSING_KEYS = [("data",), ("settings",), ("data", "path"), ("data", "sha256"),
                ("settings", "features"), ("settings", "missing"), ("settings", "scaling"),
                ("settings", "k_min"), ("settings", "k_max"), ("settings", "seed"),
                ("settings", "k")]


@pytest.mark.parametrize("keys", MISSING_KEYS, ids=["/".join(keys) for keys in MISSING_KEYS])
def test_file_missing_a_setting_is_refused(saved_file, keys):
    # Given a save with one required entry removed
    content = saved_content(saved_file)
    parent = content
    for key in keys[:-1]:
        parent = parent[key]
    del parent[keys[-1]]
    write_json(saved_file, content)

    # Then it is refused, naming the entry that is missing
    with pytest.raises(UserError) as raised:
        load_analysis(saved_file)
    assert "a setting is missing or wrong" in str(raised.value)
    assert keys[-1] in str(raised.value)


WRONG_VALUES = {
    "k not a number": (("settings", "k"), "five", "'k' must be a whole number"),
    "settings a list": (("settings",), [1, 2], "a setting is missing or wrong"),
    "names a list": (("segment_names",), ["a", "b"], "a setting is missing or wrong"),
    "name number not a number": (("segment_names",), {"one": "A"},
                                 "a setting is missing or wrong"),
    "no features": (("settings", "features"), [], "its settings are not valid"),
    "unknown scaling": (("settings", "scaling"), "log", "'scaling' must be one of"),
    "unknown missing policy": (("settings", "missing"), "guess", "'missing' must be one of"),
    "cap of the wrong shape": (("settings", "cap"), {"Income": [1]}, "'cap' must give"),
    "k_min above k_max": (("settings", "k_min"), 9, "its settings are not valid"),
    "k of one": (("settings", "k"), 1, "its settings are not valid"),
}


@pytest.mark.parametrize("case", list(WRONG_VALUES))
def test_file_with_a_wrong_setting_is_refused(saved_file, case):
    # Given a save with one setting of the wrong kind or out of range
    keys, value, reason = WRONG_VALUES[case]
    content = saved_content(saved_file)
    parent = content
    for key in keys[:-1]:
        parent = parent[key]
    parent[keys[-1]] = value
    write_json(saved_file, content)

    # Then it is refused as damaged rather than opened with nonsense settings
    assert_refused_as_damaged(saved_file, reason)


def test_a_string_of_features_is_one_column_not_its_letters(saved_file):
    # Given a save edited by hand to name one column as a string rather than a list
    content = saved_content(saved_file)
    content["settings"]["features"] = "Income"
    write_json(saved_file, content)
    # Then it is that one column, never the columns "I", "n", "c", ...
    assert load_analysis(saved_file).settings.features == ("Income",)


# What CustSeg 0.1 wrote (format version 1): how the file is read apart from the settings,
# with the characters themselves, and caps as lists.
VERSION_1 = {
    "schema": "custseg-analysis", "version": 1, "app_version": "0.1.0",
    "saved_at": "2026-11-20T10:00:00+01:00",
    "data": {"path": "/data/clients.csv", "sha256": "ab" * 32,
             "load": {"sheet": None, "encoding": "cp1252", "delimiter": ";", "decimal": ",",
                      "thousands": ".", "header_row": 2, "day_first": True}},
    "settings": {"features": ["Income", "Spend", "Region"], "missing": "mean",
                 "scaling": "robust", "k_min": 3, "k_max": 7, "seed": 11, "k": 4,
                 "log": ["Spend"], "cap": [["Income", 2.5, 97.5]], "category": ["Region"]},
    "segment_names": {"2": "Loyal"},
}


def test_a_version_1_analysis_still_opens_with_every_setting(tmp_path):
    # Given an analysis saved by the previous version of CustSeg
    path = write_json(tmp_path / "old.custseg", VERSION_1)
    # When it is opened
    loaded = load_analysis(path)
    # Then every setting is read as it was meant, the cap percentiles included
    assert loaded.settings == AnalysisSettings(
        load=LoadSettings(encoding="cp1252", delimiter=";", decimal=",", thousands=".",
                          header_row=2, day_first=True),
        features=("Income", "Spend", "Region"), missing="mean", scaling="robust",
        log=("Spend",), cap=(Cap("Income", 2.5, 97.5),), categories=("Region",),
        k_min=3, k_max=7, k=4, seed=11)
    assert loaded.names == {2: "Loyal"}
    assert (loaded.data_path, loaded.data_sha256) == ("/data/clients.csv", "ab" * 32)
