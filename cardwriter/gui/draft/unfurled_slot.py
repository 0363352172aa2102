"""The room under one card where its stack is unfurled, and the widget that fills it.

The list view paints cards through a delegate; the one unfurled stack is a real
widget (an ``UnfurledWidget``: the stack feature's ``UnfurledStack``) placed on the view's viewport over the room the
delegate leaves under its card (``delegate.unfurled = (card_id, height)``).
This slot keeps that widget and that room in step: it asks the widget for the
height it needs at the column's width, tells the delegate, and moves the
widget whenever the rows move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QFrame

if TYPE_CHECKING:
    from cardwriter.gui.draft.draft_view import DraftView


class UnfurledWidget(QFrame):
    """What the slot can hold: a widget that says how tall it wants to be at a width, and when that changes."""

    height_changed = Signal()  # the content changed: the view gives it the room it now needs

    def height_for(self, width: int) -> int:
        return self.sizeHint().height()


class UnfurledSlot:
    def __init__(self, view: DraftView):
        self.view = view
        self.widget: UnfurledWidget | None = None
        self.card_id = ""
        self._width = 0

    def open(self, card_id: str, widget: UnfurledWidget) -> None:
        """Put ``widget`` under ``card_id``'s card, closing any other first; the view owns it now."""
        self.close()
        self.widget, self.card_id, self._width = widget, card_id, 0
        widget.setParent(self.view.viewport())
        widget.height_changed.connect(self.resized)
        self.view.delegate.unfurled = (card_id, 0)
        self.resized()
        self.view.scrollTo(self.view.card_model().index_of_card(card_id))
        widget.show()

    def close(self) -> str:
        """Fold the stack back into a peek; returns the card it was under ("" when none was open)."""
        if self.widget is None:
            return ""
        card_id, widget = self.card_id, self.widget
        self.widget, self.card_id = None, ""
        self.view.delegate.unfurled = ("", 0)
        widget.hide()
        widget.deleteLater()
        self.view.scheduleDelayedItemsLayout()
        return card_id

    def _index(self) -> QModelIndex | None:
        if self.widget is None:
            return None
        index = self.view.card_model().index_of_card(self.card_id)
        return index if index.isValid() else None

    def resized(self) -> None:
        """The stack's content or the column's width changed: give it the height it needs now."""
        index = self._index()
        if index is None or self.widget is None:
            return
        delegate = self.view.delegate
        width = delegate.unfurl_rect(self.view.option_for(index), index).width()
        self._width = width
        height = self.widget.height_for(width)
        if delegate.unfurled != (self.card_id, height):
            delegate.unfurled = (self.card_id, height)
            self.view.scheduleDelayedItemsLayout()
        self.place()

    def place(self) -> None:
        """Move the widget over its room (after every layout pass, scroll and resize)."""
        index = self._index()
        if index is None or self.widget is None:
            return
        rect = self.view.delegate.unfurl_rect(self.view.option_for(index), index)
        if rect.width() != self._width:
            QTimer.singleShot(
                0, self.view, self.resized
            )  # not from inside a layout pass (and not once the view is gone)
        self.widget.setGeometry(rect)

    def rows_leaving(self, first: int, last: int) -> bool:
        """True when the card under the open stack is among the rows about to go."""
        if self.widget is None:
            return False
        row = self.view.card_model().row_of(self.card_id)
        return row is not None and first <= row <= last
