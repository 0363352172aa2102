"""A one-line label that never cuts its text: it paints a shorter wording when narrow, elides as a last resort.

A plain ``QLabel`` that gets less room than its text needs simply clips it: a
variant card's "voice 0.62 ▮▮▮▯▯" loses its bar half-way through a glyph, a
status bar label pushes the voice gauge off the window's edge. This label is
given its wordings, longest first ("voice 0.62 ▮▮▮▯▯", "voice 0.62", "0.62"):
it paints the first one that fits its width (``shown_text``), and elides the
last one ("…") when even that does not fit. Whenever it shows less than the
whole text, the whole text leads its tooltip, so nothing is lost to a narrow
window.

Its ``text()`` stays the whole text (for code, tests and screen readers); only
the painting is fitted, at paint time, so no wording is ever shown for a width
the label no longer has.

It asks its layout for the room of the whole text (``sizeHint``; or of a
shorter wording, ``asks_for``, when it may stretch into whatever room is left)
but accepts as little as its last wording needs (``minimumSizeHint``; or a few
characters with ``keep_last=False``), so the layout around it decides how
narrow it gets.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

ELIDED_MINIMUM = "M…"  # the least an elidable label keeps room for: a letter and the ellipsis


class FittedLabel(QLabel):
    def __init__(
        self, wordings: Sequence[str] = ("",), tip: str = "", keep_last: bool = True, asks_for: int = 0, parent=None
    ):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._wordings: tuple[str, ...] = ("",)
        self._tip = ""
        self._keep_last = keep_last
        self._asks_for = asks_for
        self.set_wordings(wordings, tip)

    # -- what it says ---------------------------------------------------------------

    def set_wordings(self, wordings: Sequence[str], tip: str = "") -> None:
        """The text in its wordings, longest first, and what the tooltip says besides the whole text."""
        self._wordings = tuple(wordings) or ("",)
        self._tip = tip
        super().setText(self._wordings[0])  # (updates its geometry and repaints)
        self._update_tip()

    def full_text(self) -> str:
        """The whole text, whatever the label has room to show."""
        return self._wordings[0]

    def shown_text(self) -> str:
        """What the label paints at its width now: the longest wording that fits, else the last one elided."""
        metrics, room = self.fontMetrics(), self.room()
        fitting = next((w for w in self._wordings if metrics.horizontalAdvance(w) <= room), None)
        if fitting is not None:
            return fitting
        return metrics.elidedText(self._wordings[-1], Qt.TextElideMode.ElideRight, max(0, room))

    def is_shortened(self) -> bool:
        return self.shown_text() != self._wordings[0]

    # -- how much room it asks for ----------------------------------------------------

    def _frame_width(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * self.margin()

    def room(self) -> int:
        """The px of text that fit on the label's line now."""
        return self.contentsRect().width() - 2 * self.margin()

    def sizeHint(self) -> QSize:
        height = super().sizeHint().height()
        asked = self._wordings[min(self._asks_for, len(self._wordings) - 1)]
        return QSize(self.fontMetrics().horizontalAdvance(asked) + self._frame_width(), height)

    def minimumSizeHint(self) -> QSize:
        least = self._wordings[-1] if self._keep_last else ELIDED_MINIMUM
        width = min(self.fontMetrics().horizontalAdvance(least), self.sizeHint().width() - self._frame_width())
        return QSize(width + self._frame_width(), super().minimumSizeHint().height())

    # -- painting, and the tooltip that goes with what is painted -----------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect().adjusted(self.margin(), self.margin(), -self.margin(), -self.margin())
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )

    def _update_tip(self) -> None:
        whole = self._wordings[0]
        parts = [whole] if whole and self.is_shortened() else []
        super().setToolTip("\n".join([*parts, self._tip] if self._tip else parts))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
            self._update_tip()

    # QLabel's own setters keep working: a plain text is its only wording, a tooltip follows the whole text.

    def setText(self, text: str) -> None:
        self.set_wordings((text,), self._tip)

    def setToolTip(self, tip: str) -> None:
        self._tip = tip
        self._update_tip()
