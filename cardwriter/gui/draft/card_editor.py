"""The in-place editor of one card: plain text with a writer's keys.

Enter splits the card at the cursor (Shift+Enter keeps a line break inside
it), Backspace at the very start merges it into the card above, and the
arrow keys leave the card at its first or last line for the neighbour.
Moving the card itself (Ctrl+Shift+Up/Down) is the main menu's shortcut,
which Qt delivers before the editor sees the keys. The editor tells how much
height its text needs as it changes, so its card grows while the writer types.

It is a ``QTextEdit`` taking plain text only, not a ``QPlainTextEdit``: the
plain editor's layout ignores a block's line height, and the writer's line
spacing (Settings) must show here as it does in the painted cards
(``card_text``). A card is one block: a line break in its text (Shift+Enter)
is a line separator inside the block, as typing it makes one, so the spacing
holds between those lines too (Qt adds none after a block's last line).
The block carries the spacing; ``setPlainText`` resets block formats, so it
is put back whenever the text changes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette, QResizeEvent, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QTextEdit

from cardwriter.gui.draft.card_text import DEFAULT_SPACING, LINE_BREAK, draw_text, percent, text_height

PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value


class CardEditor(QTextEdit):
    split_requested = Signal(int)  # cursor offset
    merge_requested = Signal()
    leave_requested = Signal(int)  # -1 up, +1 down
    height_needed = Signal(int)  # px the text needs, whenever that changes: the card grows to fit

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.document().setDocumentMargin(0)
        self._needed = 0
        self._spacing = percent(DEFAULT_SPACING)
        self._hint = ""
        self.textChanged.connect(self._space_lines)
        self.textChanged.connect(self._check_height)

    def line_spacing(self) -> float:
        return self._spacing / 100

    def set_line_spacing(self, spacing: float) -> None:
        """Space the lines ``spacing`` apart (1.0 single, 2.0 double); the card's height follows."""
        self._spacing = percent(spacing)
        self._space_lines()
        self._check_height()

    def setPlainText(self, text: str) -> None:
        """Show ``text`` as one block (``toPlainText`` gives the line breaks back as they were)."""
        super().setPlainText(text.replace("\n", LINE_BREAK))

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted or dropped text, plain, its line breaks kept inside the card's one block."""
        if source.hasText():
            text = source.text().replace("\r\n", "\n").replace("\r", "\n")
            self.textCursor().insertText(text.replace("\n", LINE_BREAK))
            self.ensureCursorVisible()

    def setPlaceholderText(self, text: str) -> None:
        """The hint an empty card shows; the card is as tall as the hint while it is empty.

        The editor paints the hint itself (``paintEvent``), laid out as the painted cards lay
        out text: QTextEdit's own placeholder cut its second line in half.
        """
        self._hint = text
        self._check_height()
        self.viewport().update()

    def placeholderText(self) -> str:
        return self._hint

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._hint and self.document().isEmpty():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            draw_text(painter, self.viewport().rect(), self.font(), self._hint, self.line_spacing(), [])
            painter.end()

    def needed_height(self) -> int:
        """The height of all the text as laid out now, so that no line is hidden.

        An empty card needs the height of its placeholder hint, or the hint's second line is cut off.
        """
        if self.document().isEmpty() and self.placeholderText():
            return text_height(self.placeholderText(), self.font(), self.viewport().width(), self.line_spacing())
        layout, height, block = self.document().documentLayout(), 0.0, self.document().firstBlock()
        while block.isValid():
            height += layout.blockBoundingRect(block).height()
            block = block.next()
        return math.ceil(height + 2 * self.document().documentMargin())

    def _space_lines(self) -> None:
        """Give every block the line spacing, where one lacks it (new text, a paste, a reset)."""
        document, block, unspaced = self.document(), self.document().firstBlock(), False
        while block.isValid() and not unspaced:
            fmt = block.blockFormat()
            unspaced = fmt.lineHeightType() != PROPORTIONAL or round(fmt.lineHeight()) != self._spacing
            block = block.next()
        if not unspaced:
            return
        spaced = QTextBlockFormat()
        spaced.setLineHeight(self._spacing, PROPORTIONAL)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        self.blockSignals(True)  # a format is no typing: the view must not save it as an edit
        try:
            if document.isUndoAvailable():  # ride along with the edit that made the block: one undo for both
                cursor.joinPreviousEditBlock()
                cursor.mergeBlockFormat(spaced)
                cursor.endEditBlock()
            else:  # fresh text: keep the format out of the editor's undo history
                document.setUndoRedoEnabled(False)
                cursor.mergeBlockFormat(spaced)
                document.setUndoRedoEnabled(True)
        finally:
            self.blockSignals(False)

    def _check_height(self) -> None:
        needed = self.needed_height()
        if needed != self._needed:
            self._needed = needed
            self.height_needed.emit(needed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the text wraps anew
            # Told once this resize is over: the card growing lays the column out, which may place the
            # editor again, and a resize inside a resize never reaches the text (it stayed wrapped at
            # the old width, its last words cut off, after a project opened).
            QTimer.singleShot(0, self, self._check_height)

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
