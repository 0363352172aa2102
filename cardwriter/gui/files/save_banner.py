"""The banner above the draft that says a save failed, and stays until saving works again.

A status-bar message passes and is missed; a failed save must be seen. The
banner names what failed and what to do (the ``SaveFailed`` message), and
offers "Try again" while there is unsaved text, or "Dismiss" when an action
was only refused and nothing waits to be saved.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SaveBanner(QFrame):
    retry_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("saveBanner")
        self.setStyleSheet(
            "#saveBanner { background: #fdecc8; border: 1px solid #d9a441; border-radius: 3px; }"
            "#saveBanner QLabel { color: #3b2a05; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.try_again = QPushButton("Try Again")
        self.try_again.clicked.connect(self.retry_requested)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.clicked.connect(self._dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.try_again)
        row.addWidget(self.dismiss)
        self.hide()

    def show_failure(self, message: str, unsaved: bool) -> None:
        """Show ``message``; ``unsaved``: text is waiting to be saved (so offer to try again, not to dismiss)."""
        self.label.setText(message)
        self.try_again.setVisible(unsaved)
        self.dismiss.setVisible(not unsaved)
        self.show()

    def message(self) -> str:
        """What the banner says, or "" when it is hidden."""
        return "" if self.isHidden() else self.label.text()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()


def above(banner: SaveBanner, widget: QWidget) -> QWidget:
    """A widget holding ``banner`` on top of ``widget`` (the window's central area)."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    column.addWidget(banner)
    column.addWidget(widget, 1)
    return holder
