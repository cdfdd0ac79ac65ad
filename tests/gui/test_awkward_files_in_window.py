"""Awkward files in the window (issue 19): the import options name the detected encoding and
offer the other scripts, list a workbook's sheets with what each holds, and a total row has no
segment and says why."""

from __future__ import annotations

import openpyxl
from PySide6.QtWidgets import QComboBox

from custseg_gui.core.settings import LoadSettings
from custseg_gui.core.sources import load_table
from custseg_gui.gui.views.import_dialog import ImportDialog
from window_helpers import (data_column, find, find_segments, open_file, profile_sizes, table_rows,
                            text_of, try_k_from)

CYRILLIC = ("Клиент;Фамилия;Сумма\n1;Иванов;1200,50\n2;Петрова;800,00\n3;Сидоров;300,25\n"
            "4;Кузнецова;950,00\n")


def open_dialog(qtbot, path) -> ImportDialog:
    table = load_table(path)
    dialog = ImportDialog(path, table.report, LoadSettings())
    qtbot.addWidget(dialog)
    return dialog


def combo_items(combo: QComboBox) -> list[str]:
    return [combo.itemText(index) for index in range(combo.count())]


def test_the_detected_encoding_is_named_and_other_scripts_can_be_chosen(qtbot, tmp_path):
    # Given a Windows-1251 (Cyrillic) export, opened in the import options
    path = tmp_path / "clients.csv"
    path.write_bytes(CYRILLIC.encode("cp1251"))
    dialog = open_dialog(qtbot, path)
    encoding = find(dialog, QComboBox, "encodingCombo")

    # Then "Detect" names what was found, and Japanese and Chinese encodings are offered too
    items = combo_items(encoding)
    assert items[0] == "Detect (found Windows-1251 (Cyrillic))"
    for offered in ("UTF-8 (every language)", "Windows-1252 (Western European)",
                    "Windows-1251 (Cyrillic)", "KOI8-R (Cyrillic)", "Shift-JIS (Japanese)",
                    "GB18030 (Simplified Chinese)", "Big5 (Traditional Chinese)"):
        assert offered in items
    assert list(table_rows(dialog, "importPreview")[0]) == ["Клиент", "Фамилия", "Сумма"]

    # When the user chooses KOI8-R instead
    encoding.setCurrentIndex(encoding.findData("koi8_r"))

    # Then the preview is read that way, and says so
    expected = CYRILLIC.encode("cp1251").decode("koi8_r").splitlines()[0].split(";")
    qtbot.waitUntil(lambda: list(table_rows(dialog, "importPreview")[0]) == expected,
                    timeout=10_000)
    assert "encoding KOI8-R (Cyrillic)" in text_of(dialog, "previewStatus")


def test_the_sheets_are_listed_with_what_they_hold_and_another_can_be_read(qtbot, tmp_path):
    # Given a workbook with a cover page before the customers, opened in the import options
    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    workbook.active["B2"] = "Customer report"
    workbook.active["B3"] = "Third quarter"
    customers = workbook.create_sheet("Kunden")
    customers.append(["CustomerID", "Income", "Spend"])
    for number in range(1, 11):
        customers.append([f"C{number}", 20 + number, 100 + number])
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    dialog = open_dialog(qtbot, path)
    sheet = find(dialog, QComboBox, "sheetCombo")

    # Then the customers' sheet is chosen and each sheet says what it holds
    assert combo_items(sheet) == ["Cover (2 cells of text)",
                                  "Kunden (11 rows, 2 columns of numbers)"]
    assert sheet.currentData() == "Kunden"
    assert "sheet 'Kunden'" in text_of(dialog, "previewStatus")

    # When the user picks the cover page
    sheet.setCurrentIndex(sheet.findData("Cover"))

    # Then the preview reads it, and so would the file
    qtbot.waitUntil(lambda: "sheet 'Cover'" in text_of(dialog, "previewStatus"), timeout=10_000)
    assert dialog.settings().sheet == "Cover"


def test_a_total_row_has_no_segment_and_the_window_says_why(qtbot, wait_for_task, window,
                                                            tmp_path):
    # Given 60 customers and, at the end, the export's Total row
    rows = [f"C{n},{20 + n % 50},{30 + (n * 7) % 60}" for n in range(1, 61)]
    income = sum(20 + n % 50 for n in range(1, 61))
    spend = sum(30 + (n * 7) % 60 for n in range(1, 61))
    path = tmp_path / "customers.csv"
    path.write_text("CustomerID,Income,Spend\n" + "\n".join(rows)
                    + f"\nGrand Total,{income},{spend}\n", encoding="utf-8")
    open_file(wait_for_task, window, path)
    try_k_from(window, 2, 4)

    # When segments are found
    find_segments(qtbot, wait_for_task, window)

    # Then the total row has no segment and says why, and the notes say how many and why
    reasons = data_column(window, "Left out because")
    assert reasons[60] == "Total row (labelled 'Grand Total')"
    assert reasons[:60] == [""] * 60
    assert data_column(window, "Segment")[60] == ""
    assert "1 total row (not customers) was left out (see the Data tab once segments are " \
           "shown)." in text_of(window, "notesLabel")
    assert sum(profile_sizes(window)) == 60
