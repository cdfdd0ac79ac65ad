"""The left panel (view only): columns to use, preparation, number of segments, run and progress."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QProgressBar, QPushButton,
                               QSpinBox, QStyledItemDelegate, QVBoxLayout, QWidget)

from custseg_gui.core.columns import ColumnInfo, Role
from custseg_gui.core.settings import MISSING_POLICIES, SCALINGS

ROLE_TEXT = Qt.UserRole + 1  # the grey role text drawn at the right of a feature's row


class FeatureDelegate(QStyledItemDelegate):
    """Draws a column's role and missing count in grey at the right of its name."""

    def paint(self, painter, option, index):
        text = index.data(ROLE_TEXT) or ""
        metrics = option.fontMetrics
        role_width = int(metrics.horizontalAdvance(text) * 0.9) + 12 if text else 0
        # The name gets what is left beside the role text, and is elided if it must be.
        name_option = type(option)(option)
        name_option.rect = option.rect.adjusted(0, 0, -role_width, 0)
        super().paint(painter, name_option, index)
        if not text:
            return
        painter.save()
        colour = option.palette.color(QPalette.Disabled, QPalette.Text)
        painter.setPen(colour)
        font = option.font
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        area = QRect(option.rect.adjusted(option.rect.width() - role_width, 0, -6, 0))
        painter.drawText(area, Qt.AlignRight | Qt.AlignVCenter, text)
        painter.restore()

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        hint.setWidth(min(hint.width(), 200))  # long names are elided, not scrolled
        return hint


def _explained_combo(name: str, choices: dict[str, str], tooltip: str) -> tuple[QComboBox, QLabel]:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tooltip)
    for key, explanation in choices.items():
        combo.addItem(key, key)
        combo.setItemData(combo.count() - 1, explanation, Qt.ToolTipRole)
    label = QLabel(next(iter(choices.values())))
    label.setWordWrap(True)
    label.setObjectName(f"{name}Explanation")
    label.setStyleSheet("color: #555555;")
    combo.currentIndexChanged.connect(lambda i: label.setText(choices[combo.itemData(i)]))
    return combo, label


class SettingsPanel(QWidget):
    """Everything a user sets before (and after) finding segments."""

    features_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self._columns: tuple[ColumnInfo, ...] = ()  # those listed

        self.file_label = QLabel("No file open")
        self.file_label.setObjectName("fileLabel")
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.file_label)
        file_row = QHBoxLayout()
        self.import_button = QPushButton("Import options...")
        self.import_button.setObjectName("importOptionsButton")
        self.import_button.setToolTip("See how the file was read (separator, decimal mark, "
                                      "header row, dates...) and change it, with a preview")
        self.import_button.setEnabled(False)
        file_row.addWidget(self.import_button)
        file_row.addStretch(1)
        layout.addLayout(file_row)

        columns_box = QGroupBox("1. Columns that describe customers")
        columns_layout = QVBoxLayout(columns_box)
        self.feature_list = QListWidget()
        self.feature_list.setObjectName("featureList")
        self.feature_list.setItemDelegate(FeatureDelegate(self.feature_list))
        self.feature_list.setToolTip("Tick the columns CustSeg should use to group customers. "
                                     "Greyed-out columns cannot be used: hover one to see why.")
        self.feature_list.setMinimumHeight(90)
        self.feature_list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.feature_list.setTextElideMode(Qt.ElideMiddle)
        self.feature_list.itemChanged.connect(lambda _item: self.features_changed.emit())
        columns_layout.addWidget(self.feature_list)
        buttons = QHBoxLayout()
        self.defaults_button = QPushButton("Usual choice")
        self.defaults_button.setObjectName("defaultFeaturesButton")
        self.defaults_button.setToolTip("Tick every usable numeric column, untick the rest")
        self.none_button = QPushButton("Untick all")
        self.none_button.setObjectName("clearFeaturesButton")
        self.none_button.setToolTip("Untick every column")
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        columns_layout.addLayout(buttons)
        layout.addWidget(columns_box, 1)

        prep_box = QGroupBox("2. Preparation")
        prep_layout = QVBoxLayout(prep_box)
        self.missing_combo, missing_help = _explained_combo(
            "missingCombo", MISSING_POLICIES, "What to do with customers who have a gap in a "
            "ticked column")
        self.scaling_combo, scaling_help = _explained_combo(
            "scalingCombo", SCALINGS, "How columns measured in different units are made "
            "comparable before grouping")
        form = QFormLayout()
        form.addRow("Missing values:", self.missing_combo)
        prep_layout.addLayout(form)
        prep_layout.addWidget(missing_help)
        form = QFormLayout()
        form.addRow("Scaling:", self.scaling_combo)
        prep_layout.addLayout(form)
        prep_layout.addWidget(scaling_help)
        layout.addWidget(prep_box)

        k_box = QGroupBox("3. Number of segments")
        k_layout = QVBoxLayout(k_box)
        range_row = QHBoxLayout()
        self.k_min_spin = self._spin("kMinSpin", 2, 30, "Fewest segments to try")
        self.k_max_spin = self._spin("kMaxSpin", 2, 30, "Most segments to try")
        range_row.addWidget(QLabel("Try"))
        range_row.addWidget(self.k_min_spin)
        range_row.addWidget(QLabel("to"))
        range_row.addWidget(self.k_max_spin)
        range_row.addWidget(QLabel("segments"))
        range_row.addStretch(1)
        k_layout.addLayout(range_row)
        seed_row = QHBoxLayout()
        self.seed_spin = self._spin("seedSpin", 0, 2_147_483_647,
                                    "Where K-Means starts (the random seed): the same number "
                                    "always gives the same segments. Change it to check that "
                                    "the segments do not depend on luck.")
        seed_row.addWidget(QLabel("Starting point"))
        seed_row.addWidget(self.seed_spin)
        seed_row.addStretch(1)
        k_layout.addLayout(seed_row)
        run_row = QHBoxLayout()
        self.run_button = QPushButton("Find segments")
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip("Try every number of segments in the range and recommend one "
                                   "(Ctrl+R)")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop the work in progress (Esc)")
        self.cancel_button.setEnabled(False)
        run_row.addWidget(self.run_button, 1)
        run_row.addWidget(self.cancel_button)
        k_layout.addLayout(run_row)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progressBar")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)
        self.progress_bar.setToolTip("Progress of the work in progress")
        self.progress_bar.setVisible(False)  # shown while work runs
        k_layout.addWidget(self.progress_bar)
        self.status_label = QLabel("")
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        k_layout.addWidget(self.status_label)
        self.notes_label = QLabel("")
        self.notes_label.setObjectName("notesLabel")
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(False)
        k_layout.addWidget(self.notes_label)
        layout.addWidget(k_box)

        # The summary bar sits above the result tabs (the window places it), so the
        # recommendation and the chosen number stay in sight whatever tab is open.
        self.summary_bar = QFrame()
        self.summary_bar.setObjectName("summaryBar")
        self.summary_bar.setFrameShape(QFrame.StyledPanel)
        bar = QVBoxLayout(self.summary_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        top = QHBoxLayout()
        self.recommendation_label = QLabel("Press Find segments to get a recommendation.")
        self.recommendation_label.setObjectName("recommendationLabel")
        self.recommendation_label.setWordWrap(True)
        self.recommendation_label.setToolTip("How many segments CustSeg recommends, and why")
        top.addWidget(self.recommendation_label, 1)
        self.k_spin = self._spin("kSpin", 2, 30, "The number of segments shown. Changing it "
                                 "regroups the customers without trying every number again.")
        self.k_spin.setEnabled(False)
        chosen_label = QLabel("Segments shown:")
        chosen_label.setBuddy(self.k_spin)
        top.addWidget(chosen_label)
        top.addWidget(self.k_spin)
        bar.addLayout(top)
        self.stale_label = QLabel("Settings changed since the last run: press Find segments to "
                                  "update the results.")
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("color: #B35900; font-weight: bold;")
        self.stale_label.setVisible(False)
        bar.addWidget(self.stale_label)

    @staticmethod
    def _spin(name: str, low: int, high: int, tooltip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setToolTip(tooltip)
        spin.setKeyboardTracking(False)  # typing "12" must not run 1 then 12
        return spin

    # --- the feature checklist ------------------------------------------------------------------

    def set_columns(self, columns: tuple[ColumnInfo, ...], checked: set[str]) -> None:
        """List the columns with their roles, ticking `checked`. When the columns are those
        listed already, only the ticks change (the list keeps its scroll position)."""
        if tuple(columns) == self._columns:
            self.feature_list.blockSignals(True)
            for row in range(self.feature_list.count()):
                item = self.feature_list.item(row)
                if item.flags() & Qt.ItemIsUserCheckable:
                    item.setCheckState(Qt.Checked if item.text() in checked else Qt.Unchecked)
            self.feature_list.blockSignals(False)
            return
        self._columns = tuple(columns)
        self.feature_list.blockSignals(True)
        self.feature_list.clear()
        for info in columns:
            item = QListWidgetItem(info.name)
            role_text = info.role_text
            if info.missing:
                role_text += f" · {info.missing:,} missing"
            item.setData(ROLE_TEXT, role_text)
            if info.usable:
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked if info.name in checked else Qt.Unchecked)
                tip = f"{info.name}: {info.role_text}, {info.distinct:,} different values"
                if info.role is Role.CATEGORICAL:
                    tip += ". If ticked, each category becomes its own 0/1 column."
                if info.missing:
                    tip += f"; {info.missing:,} customers have no value here"
                if info.left_out_by_default:
                    tip += f".\nNot in the usual choice: {info.left_out_by_default}"
                item.setToolTip(tip)
            else:
                item.setFlags(Qt.ItemIsSelectable)  # shown, but neither enabled nor checkable
                item.setCheckState(Qt.Unchecked)
                item.setForeground(QColor("#888888"))
                item.setToolTip(f"{info.name} cannot be used: {info.reason}")
            self.feature_list.addItem(item)
        self.feature_list.blockSignals(False)

    def checked_features(self) -> tuple[str, ...]:
        return tuple(self.feature_list.item(row).text() for row in range(self.feature_list.count())
                     if self.feature_list.item(row).checkState() == Qt.Checked
                     and self.feature_list.item(row).flags() & Qt.ItemIsEnabled)

    def check_only(self, names: set[str]) -> None:
        self.feature_list.blockSignals(True)
        for row in range(self.feature_list.count()):
            item = self.feature_list.item(row)
            if item.flags() & Qt.ItemIsUserCheckable:
                item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)
        self.feature_list.blockSignals(False)
        self.features_changed.emit()
