"""A card's paragraph laid out in lines, spaced as the card editor spaces them.

The draft view paints every card but the one being edited, and measures
every card to lay the column out; the edited card is a ``CardEditor`` (a
``QTextEdit``) whose blocks carry a proportional line height. A card must not
change height when the writer clicks into it, so painting and measuring here
follow the editor's document layout line for line: each line (but a block's
last) advances by its own height, rounded up to whole pixels, times the
spacing, cut to Qt's 1/64 px steps; the last line adds only its own height.
A line break in the text is a line separator here as in the editor (a card
is one block), so the spacing holds across it.
``tests/gui/draft/test_card_text.py`` holds the two to that.

``QTextLayout`` is used rather than a ``QTextDocument`` per card: it measures a
5,000-card draft about twice as fast, which matters each time the column is
laid out anew (a resize, a font change).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect
from PySide6.QtGui import QFont, QPainter, QTextLayout, QTextOption

from cardwriter.gui.common.text_marks import char_format

LINE_BREAK = "\u2028"  # Qt's line separator: a line break that keeps the lines in one block
DEFAULT_SPACING = 1.4  # prose reads better with some air between lines
MIN_SPACING, MAX_SPACING = 1.0, 2.5


def percent(spacing: float) -> int:
    """The spacing as Qt's proportional line height (100 is single spacing)."""
    return round(max(MIN_SPACING, min(MAX_SPACING, spacing)) * 100)


def lay_out(text: str, font: QFont, width: int, spacing: float) -> tuple[QTextLayout, float]:
    """The text laid out in lines ``width`` px wide, and the height they take."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    proportion = percent(spacing)
    layout = QTextLayout(text.replace("\n", LINE_BREAK), font)  # same length: offsets still match the text
    layout.setTextOption(option)
    layout.beginLayout()
    y, last_step, last_height = 0.0, 0.0, 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1, width))
        line.setPosition(QPointF(0, y))
        raw = math.ceil(line.ascent() + line.descent() + line.leading())
        # Qt's own sum, in its own order, cut (not rounded) to 1/64 px as its QFixed::fromReal does.
        last_step, last_height = int(raw * proportion / 100.0 * 64) / 64, line.height()
        y += last_step
    layout.endLayout()
    return layout, y - last_step + last_height


def text_height(text: str, font: QFont, width: int, spacing: float) -> int:
    """Whole pixels the text takes in a card ``width`` px wide, as the editor would show it."""
    return math.ceil(lay_out(text, font, width, spacing)[1])


def draw_text(
    painter: QPainter, rect: QRect, font: QFont, text: str, spacing: float, marks: list[tuple[int, int, str]]
) -> None:
    """Paint ``text`` in ``rect`` with its lines spaced, and ``marks`` (start, end, kind) drawn over their stretches."""
    layout, _ = lay_out(text, font, rect.width(), spacing)
    painter.setFont(font)
    ranges = []
    for start, end, kind in marks:
        selection = QTextLayout.FormatRange()
        selection.start, selection.length, selection.format = start, end - start, char_format(kind)
        ranges.append(selection)
    layout.draw(painter, QPointF(rect.topLeft()), ranges)
