"""Marks painted over a card's text: find matches (a highlight) and misspellings (a red wavy line).

The card delegate paints cards that are not being edited; it asks every
registered ``MarkSource`` which stretches of a card's text to mark, and only
then lays the text out with ``QTextLayout`` (which can paint formats over
ranges). A card with no marks is painted the plain, cheaper way.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTextCharFormat, QTextLayout, QTextOption

FIND = "find"  # a match of the find bar
CURRENT = "current"  # the match the find bar is on
MISSPELT = "misspelt"


class MarkSource(Protocol):
    def marks_for(self, card_id: str, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) stretches of ``text`` to mark, kind one of FIND, CURRENT, MISSPELT."""


def char_format(kind: str) -> QTextCharFormat:
    """How each kind of mark looks, in the editor and in painted cards alike."""
    fmt = QTextCharFormat()
    if kind == MISSPELT:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        fmt.setUnderlineColor(QColor("#d0312d"))
    else:
        fmt.setBackground(QColor("#ff9632") if kind == CURRENT else QColor(255, 214, 0, 150))
        fmt.setForeground(QColor("#000000"))
    return fmt


def draw_marked_text(painter: QPainter, rect: QRect, font: QFont, text: str, marks: list[tuple[int, int, str]]) -> None:
    """Paint ``text`` word-wrapped in ``rect`` with ``marks`` drawn over their stretches."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    leading = QFontMetricsF(font).leading()
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(rect.width())
        line.setPosition(QPointF(0, y))
        y += line.height() + max(0.0, leading)
    layout.endLayout()
    ranges = []
    for start, end, kind in marks:
        selection = QTextLayout.FormatRange()
        selection.start, selection.length, selection.format = start, end - start, char_format(kind)
        ranges.append(selection)
    layout.draw(painter, QPointF(rect.topLeft()), ranges)
