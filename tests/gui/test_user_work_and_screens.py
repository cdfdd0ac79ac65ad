"""What a marketing manager relies on: their segment names kept, yes/no columns as shares, the
usual choice explained, exports where they ask, and a window that fits their screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QSpinBox, QTableWidget
from window_helpers import (GROUP_CENTRES, GROUP_SIZES, choose_k, click_button, feature_items,
                            find, find_segments, open_file, profile_names, show_tab,
                            table_rows, try_k_from, write_groups)

PROBE = Path(__file__).with_name("screen_probe.py")
REPO = Path(__file__).resolve().parents[2]


def rename(window, row: int, name: str) -> None:
    find(window, QTableWidget, "profileTable").item(row, 0).setText(name)


def analysed(qtbot, wait_for_task, window, path, low=2, high=4):
    open_file(wait_for_task, window, path)
    try_k_from(window, low, high)
    find_segments(qtbot, wait_for_task, window)


# --- the user's names ------------------------------------------------------------------------

def test_renamed_segments_keep_their_names_through_a_new_run_and_a_change_of_k(
        qtbot, wait_for_task, window, customers_csv):
    # Given the three made-up groups (30, 20 and 10 customers), the group of 20 renamed
    analysed(qtbot, wait_for_task, window, customers_csv)
    assert find(window, QSpinBox, "kSpin").value() == 3
    rename(window, 1, "Big earners")
    # When segments are found again
    find_segments(qtbot, wait_for_task, window)
    # Then the group of 20 is still called so, and no message says a name was lost
    assert profile_names(window)[1] == "Big earners"
    assert window.message_box is None
    # When one more segment is asked for (another group splits, the 20 stay together)
    choose_k(wait_for_task, window, 4)
    rows = table_rows(window, "profileTable")
    assert [row["Segment"] for row in rows if row["Size"] == "20"] == ["Big earners"]


def test_a_name_whose_segment_is_merged_away_is_reported(qtbot, wait_for_task, window,
                                                          customers_csv):
    # Given the three groups, the smallest (10 customers) renamed
    analysed(qtbot, wait_for_task, window, customers_csv)
    rename(window, 2, "Small but keen")
    rename(window, 0, "Core")
    # When only two segments are asked for, the smallest group joins another
    choose_k(wait_for_task, window, 2)
    # Then the user is told which name could not be kept, and the name that fits is kept
    box = window.message_box
    assert box is not None and box.windowTitle() == "Some segment names could not be kept"
    assert "'Small but keen'" in box.text() and "'Core'" not in box.text()
    assert "Core" in profile_names(window)
    assert "Small but keen" not in profile_names(window)


# --- yes/no columns and the usual choice -----------------------------------------------------

@pytest.fixture
def campaign_csv(tmp_path):
    """120 customers: income and spend in two groups, a rare complaint flag, and the campaign
    outcome Response."""
    rng = np.random.default_rng(9)
    lines = ["ID,Income,Spend,Complain,Response"]
    for number in range(120):
        rich = number < 50
        lines.append(f"{number + 1},{rng.normal(90 if rich else 30, 5):.0f},"
                     f"{rng.normal(800 if rich else 150, 40):.0f},"
                     f"{int(rng.random() < (0.02 if rich else 0.2))},"
                     f"{int(rng.random() < (0.4 if rich else 0.05))}")
    path = tmp_path / "campaign.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_usual_choice_leaves_out_the_outcome_and_flags_and_says_why(wait_for_task, window,
                                                                        campaign_csv):
    # Given a file with a yes/no column and the campaign outcome
    open_file(wait_for_task, window, campaign_csv)
    items = feature_items(window)
    # Then the usual choice ticks the amounts only, and the others say why in their tooltip
    assert [name for name, item in items.items() if item.checkState() == Qt.Checked] == [
        "Income", "Spend"]
    assert "looks like an outcome" in items["Response"].toolTip()
    assert "yes/no column" in items["Complain"].toolTip()
    assert items["Response"].flags() & Qt.ItemIsUserCheckable  # still the user's to tick


def test_yes_no_columns_show_as_shares_in_the_profiles(qtbot, wait_for_task, window,
                                                       campaign_csv):
    # Given segments of the campaign file (grouped by income and spend)
    analysed(qtbot, wait_for_task, window, campaign_csv, 2, 3)
    rows = table_rows(window, "profileTable")
    # Then the yes/no columns are headed and written as shares, not averages like 0.0678
    assert "Share Response" in rows[0] and "Share Complain" in rows[0]
    assert all(row["Share Response"].endswith("%") for row in rows)
    assert all(row["Mean Income"][0].isdigit() for row in rows)


# --- exports where the user asks -----------------------------------------------------------------

def test_export_into_a_new_folder_offers_to_create_it(qtbot, wait_for_task, window,
                                                      customers_csv, tmp_path):
    # Given segments, and an export folder typed in that does not exist yet
    analysed(qtbot, wait_for_task, window, customers_csv)
    show_tab(window, "Export")
    folder = tmp_path / "reports" / "march"
    find(window, QLineEdit, "exportFolderEdit").setText(str(folder))
    # When the user presses Export, then they are asked whether to create it
    qtbot.mouseClick(find(window, QAbstractButton, "exportButton"), Qt.LeftButton)
    box = window.question_box
    assert box.windowTitle() == "Create the folder?"
    assert not folder.exists()
    # And agreeing creates it and exports into it
    assert wait_for_task(window, "export",
                         lambda: click_button(box, "Create and export")) == "returned"
    assert (folder / "segments.csv").is_file() and (folder / "summary.json").is_file()


def test_export_beside_an_earlier_report_keeps_it(qtbot, wait_for_task, window, customers_csv,
                                                  tmp_path):
    # Given a folder holding an earlier report
    analysed(qtbot, wait_for_task, window, customers_csv)
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "segments.csv").write_text("the earlier report", encoding="utf-8")
    find(window, QLineEdit, "exportFolderEdit").setText(str(folder))
    # When the user exports again and chooses to write beside it
    qtbot.mouseClick(find(window, QAbstractButton, "exportButton"), Qt.LeftButton)
    box = window.question_box
    assert "keep them and write this export into a new folder beside it (report (2))" in \
        box.text()
    assert wait_for_task(window, "export",
                         lambda: click_button(box, "Write beside them")) == "returned"
    # Then the earlier report is as it was, and the new one is in "report (2)"
    assert (folder / "segments.csv").read_text(encoding="utf-8") == "the earlier report"
    assert (tmp_path / "report (2)" / "segments.csv").read_text(
        encoding="utf-8-sig").startswith("CustomerID")


# --- the window fits the screen -------------------------------------------------------------------

def probe(tmp_path, data: Path, width: int, height: int, scale: float = 1.0) -> dict:
    """What fits on a screen of this size: measured by screen_probe.py in a process of its
    own, whose offscreen screen has that size (and `scale`, as a 150% display setting)."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "screen", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1.0}]}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": str(scale), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(PROBE), str(data), str(tmp_path / "s.ini")],
                          env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("width, height, scale", [(1024, 768, 1.0), (1366, 768, 1.0),
                                                  (1920, 1080, 1.5)],
                         ids=["1024x768", "1366x768", "1920x1080 at 150%"])
def test_the_window_fits_a_small_screen_and_shows_everything(tmp_path, width, height, scale):
    # Given eight groups of customers (for eight segments' rows)
    centres = {"Income": [10, 30, 50, 70, 10, 30, 50, 70], "Spend": [10, 10, 10, 10, 60, 60,
                                                                      60, 60]}
    data = write_groups(tmp_path / "eight.csv", centres, [20] * 8, spread=2.0)
    # When the window opens on a laptop's screen and finds 8 segments
    fits = probe(tmp_path, data, width, height, scale)
    # Then the window, its frame included, is within the screen, and nothing a user needs is
    # out of reach: every tab, the number of segments shown, Find segments, the status bar,
    # the health advice, and all eight rows of the profile table; the left panel does not
    # scroll sideways
    screen_width, screen_height = fits["screen"]
    assert fits["frame"][0] <= screen_width and fits["frame"][1] <= screen_height, fits
    # (also once every tab has been shown: the Export tab once made the window 1,262 wide)
    assert fits["frame_after_every_tab"][0] <= screen_width, fits
    assert fits["frame_after_every_tab"][1] <= screen_height, fits
    for seen in ("every_tab_in_view", "k_spin_in_view", "run_button_in_view",
                 "status_bar_in_view", "advice_in_view"):
        assert fits[seen], (seen, fits)
    assert not fits["panel_scrolls_sideways"]
    assert fits["profile_rows"] == fits["profile_rows_in_view"] == 8


def test_groups_fixture_is_the_three_groups():
    # A check of the test data itself: three groups of the sizes the tests above assume
    assert GROUP_SIZES == [30, 20, 10] and len(GROUP_CENTRES["Age"]) == 3
