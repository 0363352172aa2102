"""Marks painted over a card's text: find matches (a highlight) and misspellings (a red wavy line).

The card delegate paints cards that are not being edited; it asks every
registered ``MarkSource`` which stretches of a card's text to mark, and
``card_text.draw_text`` paints them over the laid-out lines.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QColor, QTextCharFormat

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
