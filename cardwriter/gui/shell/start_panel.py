"""What the window shows when no project is open: why (if one failed), and New, Open, Recent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class StartPanel(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(str)  # path

    def __init__(self, recent: list[str], reason: str = "", parent=None):
        """``reason`` says why the last project could not open ("" when nothing went wrong)."""
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.reason = QLabel(reason)
        self.reason.setObjectName("reason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setVisible(bool(reason))
        layout.addWidget(self.reason)
        layout.addWidget(QLabel("Open or create a project to start writing."))
        buttons = QHBoxLayout()
        self.new_button = QPushButton("New Project…")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("Open Project…")
        self.open_button.clicked.connect(self.open_requested)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.recent_buttons: list[QPushButton] = []
        if recent:
            layout.addWidget(QLabel("Recent projects:"))
        for path in recent:
            button = QPushButton(Path(path).name)
            button.setToolTip(path)
            button.setFlat(True)
            button.setStyleSheet("text-align: left")
            button.clicked.connect(lambda _=False, path=path: self.recent_requested.emit(path))
            layout.addWidget(button)
            self.recent_buttons.append(button)
        layout.addStretch(2)
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is not None and item.widget() is not None:
                item.setAlignment(Qt.AlignmentFlag.AlignHCenter)
