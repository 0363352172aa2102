"""Answering a real modal dialog in a test: wait for it to come up, then press one of its buttons."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QListWidget,
    QWidget,
)


def press_when_shown(label: str, seen: list[str] | None = None, tries: int = 200) -> None:
    """When a modal dialog is up, click its button whose text is ``label`` (polls every 25 ms).

    ``seen`` collects the dialog's texts (its labels), for the test to check what it said.
    """

    def attempt(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if left:
                QTimer.singleShot(25, lambda: attempt(left - 1))
            return
        if seen is not None:
            seen.extend(_texts(dialog))
        buttons = [b for b in dialog.findChildren(QAbstractButton) if b.text() == label]
        assert buttons, f"no button {label!r} in {[b.text() for b in dialog.findChildren(QAbstractButton)]}"
        buttons[0].click()

    QTimer.singleShot(0, lambda: attempt(tries))


def _texts(dialog: QWidget) -> list[str]:
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    for listing in dialog.findChildren(QListWidget):
        texts.extend(listing.item(i).text() for i in range(listing.count()))
    return texts
