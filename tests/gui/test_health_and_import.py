"""The Data health tab and its fixes, and the import options dialog."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QDialog, QLabel, QListWidget,
                               QSpinBox, QTextBrowser)

from window_helpers import (data_column, feature_items, figure, find, find_segments,
                            legend_entries, list_texts, open_file, profile_sizes, segment_lines,
                            segment_values, table_rows, text_of, tick_list_item, try_k_from)

SPENDS = ("Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen")
# Spend in four groups ten times apart, of 30, 15, 8 and 3 customers. On its own scale the
# three biggest spenders stand apart from everyone else (2 segments fit best); on a log scale
# the four groups are equally far apart (4 segments fit best).
SPEND_GROUPS = ((20, 30), (200, 15), (2_000, 8), (20_000, 3))


def write_skewed_spend(path):
    rng = np.random.default_rng(3)
    spend = np.concatenate([np.round(level * np.exp(rng.normal(0, 0.12, count)))
                            for level, count in SPEND_GROUPS]).astype(int)
    lines = ["CustomerID,Spend"] + [f"{n},{value}" for n, value in enumerate(spend, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def health_row(window, column: str) -> dict[str, str]:
    return next(row for row in table_rows(window, "healthTable") if row["Column"] == column)


def test_a_skewed_column_is_flagged_with_a_log_scale_fix(wait_for_task, window, tmp_path):
    # Given a file whose Spend is very skewed
    open_file(wait_for_task, window, write_skewed_spend(tmp_path / "spend.csv"))
    # Then the health tab shows the skew, says why it matters and offers the fixes
    spend = health_row(window, "Spend")
    assert (spend["Role"], spend["Type"], spend["Missing"]) == ("numeric", "number", "0")
    assert float(spend["Lopsided (skewness)"]) > 2
    assert "Lopsided: a few customers have much larger values" in spend["Advice"]
    assert "A log scale evens this out." in spend["Advice"]
    assert list_texts(window, "fixList") == [
        "Use a log scale for Spend",
        "Cap extreme values of Spend at the 1st and 99th percentiles"]
    # and nothing is ticked yet
    fixes = find(window, QListWidget, "fixList")
    assert all(fixes.item(row).checkState() == Qt.Unchecked for row in range(fixes.count()))


def test_the_log_scale_fix_changes_the_segments_the_user_sees(qtbot, wait_for_task, window,
                                                              tmp_path):
    # Given segments of a very skewed Spend, found without any fix
    open_file(wait_for_task, window, write_skewed_spend(tmp_path / "spend.csv"))
    try_k_from(window, 2, 6)
    find_segments(qtbot, wait_for_task, window)
    assert text_of(window, "recommendationLabel").startswith("2 segments fit best")
    assert profile_sizes(window) == [53, 3]
    # When the user ticks the log scale for Spend
    tick_list_item(window, "fixList", "Use a log scale for Spend")
    # Then the results say they are out of date
    assert find(window, QLabel, "staleLabel").isVisible()
    # When the user finds segments again
    find_segments(qtbot, wait_for_task, window)
    # Then the four groups are recommended and shown: summary bar, profiles and charts
    assert text_of(window, "recommendationLabel").startswith("4 segments fit best")
    assert not find(window, QLabel, "staleLabel").isVisible()
    assert find(window, QSpinBox, "kSpin").value() == 4
    assert profile_sizes(window) == [count for _, count in SPEND_GROUPS]
    assert len(legend_entries(window)) == 4
    bars = figure(window, "sizesCanvas").axes[0].patches
    assert [round(bar.get_width()) for bar in bars] == [30, 15, 8, 3]
    # And the charts and means are in the file's own units, not in logs
    means = [row["Mean Spend"] for row in table_rows(window, "profileTable")]
    assert [float(mean.replace(",", "")) for mean in means] == pytest.approx(
        [level for level, _ in SPEND_GROUPS], rel=0.1)
    assert figure(window, "segmentsCanvas").axes[0].get_xlabel() == "Spend"
    spend = segment_values(window, "Spend")
    for number, line in segment_lines(window).items():
        np.testing.assert_allclose(np.sort(line.get_xdata()), spend[number],
                                   err_msg=str(number))
    # and the analysis the exports see says so
    assert window.current_analysis().settings.log == ("Spend",)


@pytest.mark.shared_data
def test_wholesale_health_lists_every_column_and_applies_a_log_scale(qtbot, wait_for_task,
                                                                     window, wholesale_csv):
    # Given the wholesale data, whose spend columns are heavily skewed
    open_file(wait_for_task, window, wholesale_csv)
    # Then the health panel lists every column with its role and numbers
    rows = table_rows(window, "healthTable")
    assert [row["Column"] for row in rows] == ["Channel", "Region", *SPENDS]
    fresh = health_row(window, "Fresh")
    assert fresh["Role"] == "numeric"
    assert float(fresh["Lopsided (skewness)"]) > 2
    assert "Lopsided" in fresh["Advice"]
    assert "Use a log scale for Fresh" in list_texts(window, "fixList")
    # When the user ticks the log scale for Fresh
    tick_list_item(window, "fixList", "Use a log scale for Fresh")
    # Then nothing is marked out of date (there are no results yet)
    assert not find(window, QLabel, "staleLabel").isVisible()
    # When the user finds segments
    find_segments(qtbot, wait_for_task, window)
    # Then the analysis used it, and the file's own values are untouched on the Data tab
    assert window.current_analysis().settings.log == ("Fresh",)
    assert max(float(value) for value in data_column(window, "Fresh")) > 100_000
    # And unticking it marks the results out of date
    tick_list_item(window, "fixList", "Use a log scale for Fresh", on=False)
    assert find(window, QLabel, "staleLabel").isVisible()


def test_treating_a_code_column_as_categories_changes_its_role(qtbot, wait_for_task, window,
                                                               tmp_path):
    # Given a file with an outlet number 1..4 among amounts
    rows = ["Outlet,Spend,Visits"] + [f"{1 + i % 4},{10 + (i * 7) % 50},{1 + i % 9}"
                                     for i in range(60)]
    path = tmp_path / "stores.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    open_file(wait_for_task, window, path)
    assert "numeric" in feature_items(window)["Outlet"].toolTip()
    assert "Treat Outlet as categories" in list_texts(window, "fixList")
    # When the user treats Outlet as categories
    tick_list_item(window, "fixList", "Treat Outlet as categories")
    # Then it becomes a categorical column, still ticked
    outlet = feature_items(window)["Outlet"]
    assert outlet.toolTip().startswith("Outlet: categorical, 4 different values")
    assert outlet.checkState() == Qt.Checked
    # When segments are found
    try_k_from(window, 2, 4)
    find_segments(qtbot, wait_for_task, window)
    # Then segments are described by their share of each outlet, not by an average outlet
    headers = list(table_rows(window, "profileTable")[0])
    assert headers == ["Segment", "Size", "Share", "Stability", "Mean Spend", "Mean Visits"]
    x_combo = find(window, QComboBox, "xCombo")
    assert [x_combo.itemText(index) for index in range(x_combo.count())] == [
        "Map (PCA)", "Spend", "Visits"]
    descriptions = find(window, QTextBrowser, "descriptionsView").toPlainText()
    assert "mostly outlet " in descriptions
    assert "vs 25% of all customers" in descriptions
    assert window.current_analysis().settings.categories == ("Outlet",)


def test_import_options_show_the_detection_and_reread_the_file(qtbot, wait_for_task, window,
                                                               tmp_path):
    # Given a German export read with its detected settings (decimal comma, thousands point)
    text = "Kunde;Umsatz;Alter\n1;1.234,50;30\n2;2.000,00;40\n3;766,50;50\n"
    path = tmp_path / "kunden.csv"
    path.write_bytes(text.encode("cp1252"))
    open_file(wait_for_task, window, path)
    umsatz = health_row(window, "Umsatz")
    assert (umsatz["Type"], umsatz["Lowest"], umsatz["Highest"]) == ("number", "766.5",
                                                                      "2,000")
    # When the user opens the import options
    qtbot.mouseClick(find(window, QAbstractButton, "importOptionsButton"), Qt.LeftButton)
    dialog = find(window, QDialog, "importDialog")
    assert dialog.isVisible()
    # Then they show what was detected, with a preview of the parsed numbers
    assert find(dialog, QComboBox, "separatorCombo").currentText() == "Detect"
    assert find(dialog, QComboBox, "decimalCombo").currentText() == "Detect"
    assert [row["Umsatz"] for row in table_rows(dialog, "importPreview")] == [
        "1234.5", "2000", "766.5"]
    assert "decimal comma, thousands point" in text_of(dialog, "previewStatus")
    # When the decimal mark is forced to a point
    decimal = find(dialog, QComboBox, "decimalCombo")
    decimal.setCurrentIndex(decimal.findData("."))
    # Then the preview follows: the amounts no longer read as numbers
    qtbot.waitUntil(lambda: table_rows(dialog, "importPreview")[0]["Umsatz"] == "1.234,50",
                    timeout=10_000)
    assert "decimal point" in text_of(dialog, "previewStatus")
    # And when the user reads the file this way, the window follows too
    assert wait_for_task(window, "load", dialog.accept) == "returned"
    assert health_row(window, "Umsatz")["Type"] == "text"
    assert "Umsatz cannot be used" in feature_items(window)["Umsatz"].toolTip()
    # and the import options remember the choice
    qtbot.mouseClick(find(window, QAbstractButton, "importOptionsButton"), Qt.LeftButton)
    again = next(dialog for dialog in window.findChildren(QDialog, "importDialog")
                 if dialog.isVisible())
    assert find(again, QComboBox, "decimalCombo").currentText() == "Point: 1234.5"
    again.reject()
