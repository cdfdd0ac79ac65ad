"""The Data health tab and its fixes, and the import options dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QListWidget, QTableWidget

from custseg_gui.core.settings import LoadSettings

SPENDS = ("Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen")


def open_file(wait_for_task, window, path, settings=None):
    assert wait_for_task(window, "load", lambda: window.open_path(path, settings)) == "returned"


def fix_labels(window):
    fixes = window.findChild(QListWidget, "fixList")
    return [fixes.item(row).text() for row in range(fixes.count())]


@pytest.mark.shared_data
def test_health_panel_shows_each_column_and_applies_a_log_scale(wait_for_task, window,
                                                                 wholesale_csv):
    # Given the wholesale data, whose spend columns are heavily skewed
    open_file(wait_for_task, window, wholesale_csv)
    health = window.findChild(QTableWidget, "healthTable")
    # Then the health panel lists every column with its role and numbers
    names = [health.item(row, 0).text() for row in range(health.rowCount())]
    assert names == ["Channel", "Region", *SPENDS]
    fresh = names.index("Fresh")
    assert health.item(fresh, 1).text() == "numeric"
    assert float(health.item(fresh, 9).text()) > 2  # skewness
    assert "skewed" in health.item(fresh, 11).text()
    assert "Use a log scale for Fresh" in fix_labels(window)
    # When the user ticks the log scale for Fresh and finds segments
    assert window.results.health.set_fix("log", "Fresh")
    assert window.panel.stale_label.isHidden()  # no results yet, nothing to mark stale
    assert wait_for_task(window, "analysis", window.run_search) == "returned"
    # Then the analysis used it, and the file's own values are untouched
    assert window.current_analysis().prepared.settings.log == ("Fresh",)
    assert window.current_analysis().settings.log == ("Fresh",)
    assert window.document.table.frame["Fresh"].max() > 100_000
    # And unticking it marks the results out of date
    window.results.health.set_fix("log", "Fresh", on=False)
    assert not window.panel.stale_label.isHidden()


def test_treating_a_code_column_as_categories_changes_its_role(wait_for_task, window, tmp_path):
    # Given a file with an outlet number 1..4 among amounts
    rows = ["Outlet,Spend,Visits"] + [f"{1 + i % 4},{10 + (i * 7) % 50},{1 + i % 9}"
                                     for i in range(60)]
    path = tmp_path / "stores.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    open_file(wait_for_task, window, path)
    assert "Treat Outlet as categories" in fix_labels(window)
    # When the user treats Outlet as categories
    window.results.health.set_fix("category", "Outlet")
    # Then it becomes a categorical column, still chosen, grouped by its categories
    item = next(window.panel.feature_list.item(row) for row in
                range(window.panel.feature_list.count())
                if window.panel.feature_list.item(row).text() == "Outlet")
    assert "categorical" in item.toolTip()
    assert "Outlet" in window.panel.checked_features()
    assert wait_for_task(window, "analysis", window.run_search) == "returned"
    assert "Outlet = 1" in window.current_analysis().prepared.matrix_columns
    assert "Outlet" in window.current_analysis().insights.categorical_columns


def test_import_options_show_the_detection_and_reread_the_file(qtbot, wait_for_task, window,
                                                               tmp_path):
    # Given a German export read with its detected settings
    text = "Kunde;Umsatz;Alter\n1;1.234,50;30\n2;2.000,00;40\n3;766,50;50\n"
    path = tmp_path / "kunden.csv"
    path.write_bytes(text.encode("cp1252"))
    open_file(wait_for_task, window, path)
    assert window.document.table.frame["Umsatz"].mean() == 1333.6666666666667
    # When the user opens the import options
    dialog = window.show_import_options()
    # Then they show what was detected, with a preview of the parsed numbers
    assert dialog.findChild(object, "separatorCombo").currentText() == "Detect"
    assert dialog.preview.item(0, 1).text() == "1234.5"
    # And when the decimal mark is forced to a point, the preview and the file follow
    dialog.decimal.setCurrentIndex(dialog.decimal.findData("."))
    dialog.refresh()
    assert dialog.preview.item(0, 1).text() != "1234.5"
    with qtbot.waitSignal(window.worker.finished, timeout=30_000,
                          check_params_cb=lambda name, outcome: name == "load"):
        dialog.accept()
    assert window.document.settings.load == LoadSettings(decimal=".")
