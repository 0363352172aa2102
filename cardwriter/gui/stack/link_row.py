"""The link cards of an unfurled stack: a row of their own under the variants.

Titled by what it holds ("From your notes", "From your draft", "From your notes and
your draft"), as many cards side by side as the width holds (each needs room for its
buttons). The row changes nothing itself: a button press goes out on ``action`` with
its ``Link``, for the links feature to carry out. Hidden while there are no links.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from cardwriter.domain.links import Link, link_counts
from cardwriter.gui.common.interface_font import use_interface_font
from cardwriter.gui.stack.link_card import LinkCard
from cardwriter.gui.stack.tiles import place_in_columns

MAX_COLUMNS = 3
ROW_TIP = (
    "Notes of yours close in meaning to this paragraph, and paragraphs of your project that say "
    "the same thing. They are not variants: nothing here changes the paragraph until you ask."
)


def row_title(links: list[Link]) -> str:
    notes, echoes = link_counts(links)
    if notes and echoes:
        return "From your notes and your draft"
    return "From your notes" if notes else "From your draft"


class LinkRow(QWidget):
    action = Signal(str, object)  # action name, the Link

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("link-row")
        self.links: list[Link] = []
        self.cards: list[LinkCard] = []
        self._key: tuple = ()
        self._columns = 0
        self.title = QLabel()
        self.title.setObjectName("links-title")
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title.setToolTip(ROW_TIP)
        use_interface_font(self.title)
        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        self.hide()

    def show_links(self, links: list[Link], draft_id: str, row: int) -> bool:
        """Show ``links`` of paragraph ``row`` of draft ``draft_id``; False when nothing changed."""
        key = (tuple(links), draft_id, row)
        if key == self._key:
            return False
        self._key, self.links = key, list(links)
        for card in self.cards:
            self.grid.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = []
        for link in links:
            card = LinkCard(link, draft_id, row, self)
            card.action.connect(self.action)
            self.cards.append(card)
        self.title.setText(row_title(links) if links else "")
        self._columns = 0
        self.arrange(self.width() or 900)
        self.setVisible(bool(links))
        for card in self.cards:
            card.show()
        return True

    def arrange(self, width: int) -> None:
        """As many cards side by side as ``width`` holds, each with room for its buttons (at least one)."""
        if not self.cards:
            return
        least = [card.least_width() + self.grid.spacing() for card in self.cards]
        columns = next(
            (
                c
                for c in range(min(MAX_COLUMNS, len(least)), 1, -1)
                if all(sum(least[i : i + c]) <= width for i in range(0, len(least), c))
            ),
            1,
        )
        if columns == self._columns:
            return
        self._columns = columns
        place_in_columns(self.grid, self.cards, columns, MAX_COLUMNS)
