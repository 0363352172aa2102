"""The in-place editor of one card: plain text with a writer's keys.

Enter splits the card at the cursor (Shift+Enter keeps a line break inside
it), Backspace at the very start merges it into the card above, and the
arrow keys leave the card at its first or last line for the neighbour.
Moving the card itself (Ctrl+Shift+Up/Down) is the main menu's shortcut,
which Qt delivers before the editor sees the keys. The editor tells how much
height its text needs as it changes, so its card grows while the writer types.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import QFrame, QPlainTextEdit


class CardEditor(QPlainTextEdit):
    split_requested = Signal(int)  # cursor offset
    merge_requested = Signal()
    leave_requested = Signal(int)  # -1 up, +1 down
    height_needed = Signal(int)  # px the text needs, whenever that changes: the card grows to fit

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(True)
        self.document().setDocumentMargin(0)
        self._needed = 0
        self.textChanged.connect(self._check_height)

    def needed_height(self) -> int:
        """The height of all the text as laid out now, so that no line is hidden."""
        height, block = 0.0, self.document().firstBlock()
        while block.isValid():
            height += self.blockBoundingRect(block).height()
            block = block.next()
        return math.ceil(height + 2 * self.document().documentMargin())

    def _check_height(self) -> None:
        needed = self.needed_height()
        if needed != self._needed:
            self._needed = needed
            self.height_needed.emit(needed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the text wraps anew
            self._check_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        cursor = self.textCursor()
        plain = not (mods & ~Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self.split_requested.emit(cursor.position())
            return
        if key == Qt.Key.Key_Backspace and plain and cursor.position() == 0 and not cursor.hasSelection():
            self.merge_requested.emit()
            return
        if key == Qt.Key.Key_Up and plain and self._on_first_line(cursor):
            self.leave_requested.emit(-1)
            return
        if key == Qt.Key.Key_Down and plain and self._on_last_line(cursor):
            self.leave_requested.emit(1)
            return
        super().keyPressEvent(event)

    def place_cursor(self, offset: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(max(0, min(offset, len(self.toPlainText()))))
        self.setTextCursor(cursor)

    def place_cursor_at_end(self) -> None:
        self.moveCursor(QTextCursor.MoveOperation.End)

    def _on_first_line(self, cursor: QTextCursor) -> bool:
        probe = QTextCursor(cursor)
        return not probe.movePosition(QTextCursor.MoveOperation.Up)

    def _on_last_line(self, cursor: QTextCursor) -> bool:
        probe = QTextCursor(cursor)
        return not probe.movePosition(QTextCursor.MoveOperation.Down)
