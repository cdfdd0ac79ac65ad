"""The settings being edited, bound both ways to the controls that show them: the left panel,
the Data health tab's fixes and the file's description. The document's settings are the one
truth; a control that changes writes into them, and the controls show whatever they hold (a
reopened analysis, a new file)."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject

from custseg_gui.core.health import settings_fixes
from custseg_gui.gui.document import Document


class SettingsController(QObject):
    def __init__(self, document: Document, panel, health_view, parent: QObject | None = None):
        super().__init__(parent)
        self.document, self.panel, self.health = document, panel, health_view
        self._showing = False  # controls are being set from the settings: do not write back
        # Controls bound to a setting by its name (as Orange binds a widget's settings).
        self.spins = {"k_min": panel.k_min_spin, "k_max": panel.k_max_spin,
                      "seed": panel.seed_spin}
        self.combos = {"missing": panel.missing_combo, "scaling": panel.scaling_combo}
        for name, spin in self.spins.items():
            spin.valueChanged.connect(lambda value, name=name: self._spin_changed(name, value))
        for name, combo in self.combos.items():
            combo.currentIndexChanged.connect(
                lambda _index, name=name, combo=combo: self._write(**{name: combo.currentData()}))
        panel.features_changed.connect(self._features_changed)
        panel.defaults_button.clicked.connect(
            lambda: self._write(features=self.document.usual_features()))
        panel.none_button.clicked.connect(lambda: self._write(features=()))
        health_view.fixes_changed.connect(self._fixes_changed)
        document.table_changed.connect(self._show_table)
        document.settings_changed.connect(self.show_settings)
        document.result_changed.connect(self._show_stale)
        self.show_settings()

    # --- from the controls to the settings ------------------------------------------------------

    def _write(self, **changes) -> None:
        if not self._showing:
            self.document.update_settings(**changes)

    def _spin_changed(self, name: str, value: int) -> None:
        if self._showing:
            return
        changes = {name: value}
        # The range stays a range: moving one end past the other moves both.
        settings = self.document.settings
        if name == "k_min" and settings.k_max < value:
            changes["k_max"] = value
        elif name == "k_max" and settings.k_min > value:
            changes["k_min"] = value
        self.document.update_settings(**changes)

    def _features_changed(self) -> None:
        self._write(features=self.panel.checked_features())

    def _fixes_changed(self) -> None:
        if self._showing:
            return
        settings = self.document.settings
        chosen = {fix.key: fix for fix in self.health.chosen_fixes()}
        for fix in settings_fixes(settings):  # unticked
            if fix.key not in chosen:
                settings = settings.with_fix(fix.kind, fix.column, on=False)
        for fix in chosen.values():  # ticked
            if not settings.has_fix(fix.kind, fix.column):
                settings = settings.with_fix(fix.kind, fix.column, True, fix.percentiles)
        self.document.set_settings(settings)

    # --- from the settings to the controls ------------------------------------------------------

    def show_settings(self) -> None:
        """Every control shows what the document's settings hold."""
        settings, document = self.document.settings, self.document
        self._showing = True
        try:
            for name, spin in self.spins.items():
                spin.setValue(getattr(settings, name))
            for name, combo in self.combos.items():
                combo.setCurrentIndex(combo.findData(getattr(settings, name)))
            if document.table is not None:
                # A code treated as categories changes its role in the column list.
                self.panel.set_columns(document.columns, set(settings.features or ()))
                offered = [fix for record in document.health for fix in record.fixes]
                self.health.show_fixes(offered, settings_fixes(settings))
        finally:
            self._showing = False
        self._show_stale()

    def _show_table(self) -> None:
        document = self.document
        table = document.table
        self.health.show_health(document.health, table.report.notes)
        self.panel.import_button.setEnabled(True)
        notes = (f"<br><span style='color:#B35900'>{len(table.report.notes)} thing(s) to "
                 "check on the Data health tab</span>" if table.report.notes else "")
        name = table.report.file_name
        if len(name) > 34:  # a long name is shortened in the middle; the tooltip has it whole
            name = f"{name[:20]}…{name[-13:]}"
        # An order log's customers: the file as read, then what is shown of it.
        read = table if document.orders is None else document.lines.read.table
        shown = ""
        if document.orders is not None:
            customers = table.n_rows
            shown = (f"<br>Shown as one row per customer: {customers:,} "
                     f"customer{'s' if customers != 1 else ''}")
        self.panel.file_label.setText(f"<b>{html.escape(name)}</b><br>"
                                      f"{html.escape(read.report.describe())}{shown}{notes}")
        self.panel.file_label.setToolTip(str(document.path))
        self.panel.defaults_button.setToolTip(
            "Tick recency, frequency and net spend, untick the rest" if document.orders
            is not None else "Tick every usable numeric column, untick the rest")

    def _show_stale(self) -> None:
        self.panel.stale_label.setVisible(self.document.stale)
