"""Painting cards and their stacks, and placing the editor over a card.

A card is a rounded sheet with its paragraph on it. Under it, its stack
peeks out: one to three thin edges (more edges for a bigger stack) and a
small count, drawn in the palette's quiet colours. While variants are being
made, the newest streamed words show in a faint line under the card.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cardwriter.gui.card_editor import CardEditor
from cardwriter.gui.card_model import CardRole

MARGIN_X = 16  # between the view's edge and the card
MARGIN_Y = 6  # above each card
PAD = 12  # inside the card, around the text
EDGE = 4  # height of each peeking stack edge
MAX_EDGES = 3


def text_width(option: QStyleOptionViewItem) -> int:
    return max(80, option.rect.width() - 2 * MARGIN_X - 2 * PAD)


def stack_height(index: QModelIndex, metrics: QFontMetrics) -> int:
    """Room under the card for the peeking edges and the streaming line."""
    size = index.data(CardRole.STACK_SIZE) or 0
    height = EDGE * min(size, MAX_EDGES) + (4 if size else 0)
    if index.data(CardRole.STREAMING) or index.data(CardRole.BUSY):
        height += metrics.height() + 4
    return height


class CardDelegate(QStyledItemDelegate):
    editor_created = Signal(object, str)  # the new CardEditor and its card's id

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        text = index.data(Qt.ItemDataRole.DisplayRole) or " "
        bounds = metrics.boundingRect(QRect(0, 0, text_width(option), 1_000_000), Qt.TextFlag.TextWordWrap, text)
        height = MARGIN_Y + 2 * PAD + max(bounds.height(), metrics.height()) + stack_height(index, metrics)
        return QSize(option.rect.width(), height)

    def card_rect(self, option: QStyleOptionViewItem, index: QModelIndex) -> QRect:
        metrics = QFontMetrics(option.font)
        rect = option.rect.adjusted(MARGIN_X, MARGIN_Y, -MARGIN_X, 0)
        rect.setBottom(rect.bottom() - stack_height(index, metrics))
        return rect

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        card = self.card_rect(option, index)
        metrics = QFontMetrics(option.font)

        size = index.data(CardRole.STACK_SIZE) or 0
        edge_colour = QColor(palette.color(QPalette.ColorRole.Mid))
        for n in range(min(size, MAX_EDGES), 0, -1):  # the stack's edges, peeking out under the card
            inset = 6 * n
            edge = QRectF(card.adjusted(inset, EDGE * n, -inset, EDGE * n))
            edge_colour.setAlpha(150 - 35 * n)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(edge_colour)
            painter.drawRoundedRect(edge, 6, 6)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        border = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid)
        painter.setPen(border)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(card).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        painter.setPen(palette.color(QPalette.ColorRole.Text))
        text_rect = card.adjusted(PAD, PAD, -PAD, -PAD)
        painter.drawText(text_rect, Qt.TextFlag.TextWordWrap, index.data(Qt.ItemDataRole.DisplayRole) or "")

        quiet = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        small = QFontMetrics(painter.font())
        if size:
            painter.setPen(quiet)
            label = f"{size} ▾"
            label_rect = QRect(card.right() - small.horizontalAdvance(label) - PAD, card.bottom() - small.height() - 2,
                               small.horizontalAdvance(label) + 4, small.height())
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignRight, label)

        streaming = index.data(CardRole.STREAMING) or {}
        if streaming or index.data(CardRole.BUSY):
            line_top = card.bottom() + EDGE * min(size, MAX_EDGES) + 6
            line = QRect(card.left() + PAD, line_top, card.width() - 2 * PAD, metrics.height())
            latest = " … ".join(" ".join(text.split())[-80:] for _, text in sorted(streaming.items())[-2:])
            status = f"writing variants: {latest}" if latest else "variants queued…"
            painter.setPen(quiet)
            font = painter.font()
            font.setItalic(True)
            painter.setFont(font)
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft, metrics.elidedText(status, Qt.TextElideMode.ElideLeft, line.width()))
        painter.restore()

    # -- editing -------------------------------------------------------------

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:
        editor = CardEditor(parent)
        editor.setFont(option.font)
        palette = editor.palette()
        palette.setColor(QPalette.ColorRole.Base, option.palette.color(QPalette.ColorRole.Base))
        editor.setPalette(palette)
        self.editor_created.emit(editor, index.data(CardRole.ID))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if editor.toPlainText() != text:  # never reset the cursor while the writer types
            editor.setPlainText(text)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        """Saving goes through the view's undo stack as the writer types, not here."""

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        card = self.card_rect(option, index)
        editor.setGeometry(card.adjusted(PAD, PAD, -PAD, -PAD))
