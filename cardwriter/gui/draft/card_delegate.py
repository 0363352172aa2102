"""Painting cards and their peeking stacks, and placing the editor over a card.

A row of the draft view is, from the top: a small gap, the card (a rounded
sheet with its paragraph), then either the *peek* (the stack's edges showing
under the card, a count, a "new" mark, and progress while it fills), or, for
the one unfurled card, room for the unfurled stack widget the view places
there. The peek is a click target at least ``PEEK_HEIGHT`` px high.

Row heights are asked for by the view for every card whenever it lays the
column out, so the height of a paragraph's text is cached by (text, width,
font, line spacing):
laying out 5,000 cards again after one grows is then a matter of dictionary
look-ups, not of 5,000 text measurements.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from cardwriter.domain.links import link_counts
from cardwriter.gui.common.text_marks import MarkSource
from cardwriter.gui.draft.card_editor import CardEditor
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.draft.card_text import DEFAULT_SPACING, draw_text, text_height
from cardwriter.gui.draft.peek_text import progress_label, stack_count

MARGIN_X = 16  # between the view's edge and the card
MARGIN_Y = 8  # above each card
PAD = 12  # inside the card, around the text
EDGE = 6  # how far each stack edge shows under the one above it
MAX_EDGES = 3
PEEK_HEIGHT = 28  # the peek under a card with a stack: edges, count, new mark (a click target)
UNFURL_GAP = 6  # between a card and its unfurled stack
CACHE_LIMIT = 50_000
FIRST_RUN_HINT = "Write a paragraph here. Pause, and variants of it gather underneath: click them to compare."
EMPTY_HINT = "Empty card"


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way to ``b`` (for tones between the palette's colours)."""
    return QColor(
        *(
            round(x + (y - x) * t)
            for x, y in zip((a.red(), a.green(), a.blue()), (b.red(), b.green(), b.blue()), strict=True)
        )
    )


class CardDelegate(QStyledItemDelegate):
    editor_created = Signal(object, str)  # the new CardEditor and its card's id
    escape_pressed = Signal()  # Esc in the editor: fold the unfurled stack (the editor stays open)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text_heights: dict[tuple[str, int, str, float], int] = {}
        self.editor_height: tuple[str, int] = ("", 0)  # (card id, px its editor needs) while typing
        self.editing_id = ""  # the card whose editor is open: its words are the editor's to show, not painted
        self.unfurled: tuple[str, int] = ("", 0)  # (card id, px of its unfurled stack)
        self.mark_sources: list[MarkSource] = []  # find matches, misspellings: painted over the text
        self.dim_others = False  # focus mode: every card but the current one painted faded
        self.focus_pad = 0  # focus mode: px of room above the first card and below the last
        self.max_text_width = 0  # px a line of text may take (about 70 characters); 0: the column's width
        self.line_spacing = DEFAULT_SPACING  # 1.0 single, 2.0 double: painted cards and the editor alike

    # -- geometry ------------------------------------------------------------

    def text_height(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> int:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        width = self.card_span(option)[1] - 2 * PAD
        key = (text, width, option.font.key(), self.line_spacing)
        height = self._text_heights.get(key)
        if height is None:
            shown = text or (FIRST_RUN_HINT if index.model().rowCount() == 1 else EMPTY_HINT)
            height = text_height(shown, option.font, width, self.line_spacing)
            if len(self._text_heights) > CACHE_LIMIT:
                self._text_heights.clear()
            self._text_heights[key] = height
        card_id = index.data(CardRole.ID)
        if self.editor_height[0] == card_id:
            height = max(height, self.editor_height[1])
        return height

    def below_height(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """Room under the card: the unfurled stack, the peek, or a plain gap."""
        if self.unfurled[0] and self.unfurled[0] == index.data(CardRole.ID):
            return UNFURL_GAP + self.unfurled[1] + 4
        if self.peeks(index):
            return PEEK_HEIGHT
        return 4

    @staticmethod
    def peeks(index: QModelIndex | QPersistentModelIndex) -> bool:
        """Whether a stack peeks under the card: variants, link cards, or a fill on its way."""
        return bool(index.data(CardRole.PEEKS))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = MARGIN_Y + 2 * PAD + self.text_height(option, index) + self.below_height(index)
        if self.focus_pad and index.row() in (0, index.model().rowCount() - 1):
            height += self.focus_pad * ((index.row() == 0) + (index.row() == index.model().rowCount() - 1))
        return QSize(option.rect.width(), height)

    def card_span(self, option: QStyleOptionViewItem) -> tuple[int, int]:
        """The left edge and width of the cards: the whole column, or a centred measure on a wide screen."""
        width = max(80 + 2 * PAD, option.rect.width() - 2 * MARGIN_X)
        if self.max_text_width:
            width = min(width, self.max_text_width + 2 * PAD)
        return option.rect.left() + (option.rect.width() - width) // 2, width

    def card_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        top = option.rect.top() + MARGIN_Y + (self.focus_pad if index.row() == 0 else 0)
        left, width = self.card_span(option)
        return QRect(left, top, width, 2 * PAD + self.text_height(option, index))

    def peek_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        """Where a click unfurls the stack: under the card, as wide as it, ``PEEK_HEIGHT`` high."""
        if not self.peeks(index):
            return QRect()
        card = self.card_rect(option, index)
        return QRect(card.left(), card.bottom() + 1, card.width(), PEEK_HEIGHT - 1)

    def unfurl_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        """Where the unfurled stack widget goes, for the unfurled card."""
        card = self.card_rect(option, index)  # as wide as the column, not the measure: variants sit side by side
        width = max(card.width(), option.rect.width() - 2 * MARGIN_X)
        return QRect(
            option.rect.left() + (option.rect.width() - width) // 2 - 4,
            card.bottom() + UNFURL_GAP,
            width + 8,
            self.unfurled[1],
        )

    # -- painting ------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.dim_others and not option.state & QStyle.StateFlag.State_Selected:
            painter.setOpacity(0.3)
        palette = option.palette
        card = self.card_rect(option, index)
        unfurled = bool(self.unfurled[0]) and self.unfurled[0] == index.data(CardRole.ID)
        size = index.data(CardRole.STACK_SIZE) or 0
        links = index.data(CardRole.LINKS) or []
        if not unfurled:
            self._paint_edges(painter, palette, card, size + len(links))

        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        border = palette.color(QPalette.ColorRole.Highlight if selected or unfurled else QPalette.ColorRole.Mid)
        painter.setPen(border)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(card).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        text_rect = card.adjusted(PAD, PAD, -PAD, -PAD)
        if self.editing_id and self.editing_id == index.data(CardRole.ID):
            pass  # the editor shows them: painted under one a few px out of place too, they read "TThe"
        elif text:
            marks = self._marks(index.data(CardRole.ID), text)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            draw_text(painter, text_rect, option.font, text, self.line_spacing, marks)
        else:  # an empty card says what it is for
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            hint = FIRST_RUN_HINT if index.model().rowCount() == 1 else EMPTY_HINT
            draw_text(painter, text_rect, option.font, hint, self.line_spacing, [])

        if not unfurled and (size or links or index.data(CardRole.BUSY)):
            self._paint_label(painter, palette, card, index)
        painter.restore()

    def _marks(self, card_id: str, text: str) -> list[tuple[int, int, str]]:
        return [mark for source in self.mark_sources for mark in source.marks_for(card_id, text)]

    def _paint_edges(self, painter: QPainter, palette: QPalette, card: QRect, size: int) -> None:
        """Two or three card edges under the card, each clearly outlined, further ones narrower."""
        base, ink = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        for n in range(min(size, MAX_EDGES), 0, -1):
            inset = 9 * n
            edge = QRectF(card.adjusted(inset, EDGE * n, -inset, EDGE * n)).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setPen(mix(base, ink, 0.45 - 0.06 * n))  # an outline in the text's tone: visible light or dark
            painter.setBrush(mix(base, ink, 0.05 * n))
            painter.drawRoundedRect(edge, 6, 6)

    @staticmethod
    def peek_label(index: QModelIndex | QPersistentModelIndex) -> str:
        """What the peek's pill says: "2 variants · 1 note · 1 echo ▾", then how far a fill has got."""
        size, links, progress = index.data(CardRole.STACK_SIZE) or 0, index.data(CardRole.LINKS) or [], None
        parts = [stack_count(size, *link_counts(links)) + " ▾"] if size or links else []
        if index.data(CardRole.BUSY):
            progress = index.data(CardRole.PROGRESS)
            parts.append("◔ " + progress_label(*progress) if progress else "◔ queued…")
        return "  ·  ".join(parts)

    def _paint_label(
        self, painter: QPainter, palette: QPalette, card: QRect, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The count (or progress while it fills) and the "new" mark, in a pill at the right under the card."""
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        label = self.peek_label(index)
        new = index.data(CardRole.NEW_COUNT) or 0
        new_label = f"{new} new" if new else ""
        gap = 8 if new_label else 0
        width = metrics.horizontalAdvance(label) + (metrics.horizontalAdvance(new_label) + 14 + gap if new else 0) + 20
        height = metrics.height() + 6
        pill = QRectF(card.right() - width - PAD, card.bottom() + (PEEK_HEIGHT - height) / 2 + 2, width, height)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Window))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_rect = pill.adjusted(10, 0, -10, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        if new:
            badge = QRectF(
                text_rect.right() - metrics.horizontalAdvance(new_label) - 14,
                pill.top() + 3,
                metrics.horizontalAdvance(new_label) + 14,
                height - 6,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, new_label)

    # -- editing -------------------------------------------------------------

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = CardEditor(parent)
        editor.setFont(option.font)
        editor.set_line_spacing(self.line_spacing)
        editor.setPlaceholderText(FIRST_RUN_HINT if index.model().rowCount() == 1 else EMPTY_HINT)
        self.editor_created.emit(editor, index.data(CardRole.ID))
        return editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc folds the unfurled stack; it never throws away the card's editor."""
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return True
        return super().eventFilter(watched, event)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, CardEditor), "createEditor made it"
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if editor.toPlainText() != text:  # never reset the cursor while the writer types
            editor.setPlainText(text)

    def setModelData(self, editor: QWidget, model, index: QModelIndex | QPersistentModelIndex) -> None:
        """Saving goes through the view's undo stack as the writer types, not here."""

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        card = self.card_rect(option, index)
        editor.setGeometry(card.adjusted(PAD, PAD, -PAD, -PAD))
