"""The page shown before any file is open (view only): what CustSeg does, and how to start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from custseg_gui import APP_NAME


class StartPage(QWidget):
    open_clicked = Signal()
    sample_clicked = Signal()
    recent_clicked = Signal(str)  # the path of a recent file

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("startPage")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QVBoxLayout()
        title = QLabel(f"<h1>{APP_NAME}</h1>")
        intro = QLabel(
            "<p style='font-size:11pt'>Find the groups in your customers and understand them.</p>"
            "<p>Open a CSV or Excel export with one row per customer. CustSeg suggests how many "
            "segments your customers fall into, shows them in charts, and describes each one "
            "in your data's own units.</p>"
            "<p>You can also drop a file onto this window.</p>")
        intro.setWordWrap(True)
        # Qt quirk: a word-wrapped rich-text label in a centred layout is given the height of
        # a wider text, and its last lines are cut off; its width is fixed and its height
        # measured from the text laid out at that width.
        intro.setFixedWidth(520)
        document = QTextDocument()
        document.setDefaultFont(intro.font())
        document.setHtml(intro.text())
        document.setTextWidth(520)
        intro.setMinimumHeight(int(document.size().height()) + 4)
        self.open_button = QPushButton("Open a customer file...")
        self.open_button.setObjectName("startOpenButton")
        self.open_button.setToolTip("Choose a CSV or Excel file of your customers (Ctrl+O)")
        self.open_button.clicked.connect(self.open_clicked)
        self.sample_button = QPushButton("Try the sample customers")
        self.sample_button.setObjectName("sampleButton")
        self.sample_button.setToolTip("Open 300 made-up mall customers to see how CustSeg works")
        self.sample_button.clicked.connect(self.sample_clicked)
        for widget in (title, intro, self.open_button, self.sample_button):
            box.addWidget(widget, 0, Qt.AlignHCenter)
        self.recent = QLabel("")
        self.recent.setObjectName("startRecent")
        self.recent.setOpenExternalLinks(False)
        self.recent.linkActivated.connect(self.recent_clicked)
        box.addWidget(self.recent, 0, Qt.AlignHCenter)
        outer.addLayout(box)
        outer.addStretch(2)

    def show_recent(self, recent: list[str]) -> None:
        links = "<br>".join(f"<a href='{item}'>{Path(item).name}</a>" for item in recent[:5])
        self.recent.setText(f"<p><b>Recent files</b><br>{links}</p>" if recent else "")
