"""The unfurled stack: one card's variants side by side, opened in place under its paragraph.

The draft view places this widget in the room its delegate leaves under the
unfurled card (only one card is unfurled at a time). It shows up to
``per_page`` variants in a row, fewer per row (stacked) when the column is
narrow, and "More" pages through the rest. Left/Right move between them,
Return accepts the one reached, Esc folds the stack. What to do with a variant
goes out as a request signal; the stack actions carry it out through the undo
stack, so the panel itself changes nothing. Under the variants, in a row of their own
(``show_links``, ``link_row``), sit the paragraph's link cards: notes and echoes, never
variants; their buttons go out on ``link_action``. Left/Right stay on the variants.

While it is unfurled its tiles stay where they are: pinning or unpinning moves
none, a discarded one leaves a gap that the ones after it close, and variants
that arrive go right after the tiles on show. The card's own order (pinned
first, newest request next) applies when the stack is unfurled again. A stack
that unfurled by itself for a fill (``follow_fill``) takes that order as the
fill's variants come, until the writer first acts on it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QActionGroup, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
)

from cardwriter.domain.links import Link
from cardwriter.domain.model import Variant, VariantKind, VariantState
from cardwriter.gui.common.fitted_label import FittedLabel
from cardwriter.gui.common.interface_font import use_interface_font
from cardwriter.gui.draft.peek_text import progress_label
from cardwriter.gui.draft.unfurled_slot import UnfurledWidget
from cardwriter.gui.stack.link_row import LinkRow
from cardwriter.gui.stack.tiles import place_in_columns
from cardwriter.gui.stack.variant_card import VariantCard

GENERATE_KINDS = (VariantKind.REWRITE, VariantKind.RESTYLE, VariantKind.CONTINUE)
MIN_CARD_WIDTH = 250  # below this a variant card's buttons no longer fit: fewer cards per row


def columns_for(width: int, shown: int, per_page: int = 4) -> int:
    """How many variant cards sit side by side in ``width`` px (at least one)."""
    return max(1, min(per_page, max(shown, 1), width // MIN_CARD_WIDTH))


# Each text's closeness to the writer's voice, for the variant cards' "voice" mark (None: no baseline).
Closeness = Callable[[list[str]], list[float | None]]


class UnfurledStack(UnfurledWidget):
    accept_requested = Signal(str, str)  # card id, variant id
    pin_requested = Signal(str, str, bool)  # card id, variant id, pinned
    discard_requested = Signal(str, str)
    refine_requested = Signal(str, str)
    generate_requested = Signal(str, str, str)  # card id, kind, angle ("" for any)
    cancel_requested = Signal(str)
    fold_requested = Signal()
    tree_requested = Signal(str)  # card id: open its tree of tries
    show_changes_toggled = Signal(bool)
    link_action = Signal(str, str, object)  # card id, what to do ("insert", "fuse", "open", "go", ...), the Link

    def __init__(
        self,
        card_id: str,
        angles: list[str],
        show_changes: bool = True,
        per_page: int = 4,
        parent=None,
        closeness: Closeness | None = None,
    ):
        super().__init__(parent)
        self.card_id, self.per_page = card_id, per_page
        self.variants: list[Variant] = []
        self._order: list[str] | None = None  # variant ids in the places their tiles have (None: not shown yet)
        self._following = False  # taking the card's order while its fill lasts (``follow_fill``)
        self._last_fresh: tuple[str, int] | None = None  # (id, page) of the last variant placed on arrival
        self.paragraph = ""
        self.page = 0
        self.current = 0
        self.cards: list[VariantCard] = []
        self.closeness = closeness  # each variant card's "voice" mark (None: no marks)
        self._shown_key: tuple = ()
        self._columns = 0
        self.setObjectName("unfurled-stack")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        # "4 variants · checked 3 of 8", shortened (to "4 variants", then "4") before the buttons are squeezed.
        self.title = FittedLabel(keep_last=False)
        self.title.setObjectName("title")
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.generate = self._button(
            "More variants",
            "Write more variants with fresh seeds (Ctrl+G); the arrow chooses the kind and the angle",
            self._generate,
        )
        self.generate.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.kind, self.angle = self._choice_menu(angles)
        self.cancel = self._button(
            "Cancel", "Stop writing variants (Ctrl+.)", lambda: self.cancel_requested.emit(self.card_id)
        )
        self.more = self._button("More", "Show the next variants of the stack", self.next_page)
        self.changes = self._button("Changes", "Mark the words that differ from the paragraph", self._toggle_changes)
        self.changes.setCheckable(True)
        self.changes.setChecked(show_changes)
        self.changes.setText("✓ Changes" if show_changes else "Changes")
        tip = "Every try of this paragraph as a tree: variants of variants, fusions, accepts (Ctrl+Shift+T)"
        self.tree_button = self._button("Tree", tip, lambda: self.tree_requested.emit(self.card_id))
        self.fold = self._button("Fold ✕", "Fold the stack back under the paragraph (Esc)", self.fold_requested.emit)

        self.buttons = (self.generate, self.cancel, self.more, self.changes, self.tree_button, self.fold)
        use_interface_font(self.title, *self.buttons)
        header = self._header = QHBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.title, 1)
        for widget in self.buttons:
            header.addWidget(widget)
        self._title_row = QHBoxLayout()  # the title, when the buttons need the header's whole line
        self._counted = ""  # "4 variants": the least of the title kept beside the buttons
        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        self.empty = QLabel()
        self.empty.setObjectName("empty")
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = self._column = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(self._title_row)
        layout.addLayout(header)
        layout.addWidget(self.empty)
        layout.addLayout(self.grid)
        self.link_row = LinkRow()  # link cards: notes and echoes, under the variants (``show_links``)
        self.link_row.action.connect(lambda name, link: self.link_action.emit(self.card_id, name, link))
        layout.addWidget(self.link_row)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def _choice_menu(self, angles: list[str]) -> tuple[QActionGroup, QActionGroup]:
        """The "More variants" button's menu: which kind of variant, and which angle."""
        menu = QMenu(self.generate)
        groups = []
        for title, choices in (
            ("Kind", [(kind.value.capitalize(), kind.value) for kind in GENERATE_KINDS]),
            ("Angle", [("Mixed angles", ""), *((angle, angle) for angle in angles)]),
        ):
            menu.addSection(title)
            group = QActionGroup(menu)
            for n, (label, value) in enumerate(choices):
                action = menu.addAction(label)
                action.setCheckable(True)
                action.setChecked(n == 0)
                action.setData(value)
                group.addAction(action)
            groups.append(group)
        self.generate.setMenu(menu)
        return groups[0], groups[1]

    def choose(self, kind: str, angle: str = "") -> None:
        """Pick the kind and angle "More variants" asks for (as the button's menu does)."""
        for group, value in ((self.kind, kind), (self.angle, angle)):
            for action in group.actions():
                action.setChecked(action.data() == value)

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setObjectName(text.split()[0].lower())
        button.clicked.connect(lambda _=False: slot())
        # Its whole label while the row has room: the title takes shorter wordings first.
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return button

    # -- what it shows -------------------------------------------------------------

    def show_stack(self, variants: list[Variant], paragraph: str, busy: bool, progress: tuple[int, int] | None) -> None:
        """Show the card's stack now; rebuilt only when the variants or the paragraph changed."""
        self.variants, self.paragraph = self._in_place(variants, busy), paragraph
        pages = self.pages()
        self.page = min(self.page, pages - 1)
        count = len(self.variants)
        counted = self._counted = f"{count} variant{'s' if count != 1 else ''}"
        state = (progress_label(*progress) if progress else "queued…") if busy else ""
        self.title.set_wordings((f"{counted}  ·  {state}", counted, str(count)) if busy else (counted, str(count)))
        if busy:
            self.empty.setText("Writing variants… they appear here once they pass the filters.")
        else:
            self.empty.setText("No variants yet. Ask for some with “More variants”, or pause on the paragraph.")
        self.empty.setVisible(not count)
        self.more.setVisible(count > self.per_page)
        self.more.setText(f"More ({self.page + 1}/{pages})")
        self.cancel.setVisible(busy)
        key = (paragraph, self.page, self.changes.isChecked(), tuple((v.id, v.state) for v in self.shown()))
        if key != self._shown_key:
            self._shown_key = key
            self._rebuild()
        self.height_changed.emit()

    def show_links(self, links: list[Link], draft_id: str, row: int) -> None:
        """The link cards of this paragraph (row ``row`` of draft ``draft_id``), in their row under the variants."""
        if self.link_row.show_links(links, draft_id, row):
            self.link_row.arrange(self.width() or 4 * MIN_CARD_WIDTH)
            self.height_changed.emit()

    def redraw(self) -> None:
        """Build the tiles on show again (their voice marks changed)."""
        self._shown_key = ()
        self._rebuild()
        self.height_changed.emit()

    def follow_fill(self) -> None:
        """Take the card's order as its fill's variants come (the stack unfurled by itself for them),
        until the fill ends or the writer acts on the stack; from then on the tiles stay put."""
        self._following = True

    def _in_place(self, variants: list[Variant], busy: bool) -> list[Variant]:
        """``variants`` (in the card's order) in the places their tiles already have; new ones go after
        the tiles on show (after the ones that arrived just before them)."""
        by_id = {v.id: v for v in variants}
        if self._order is None or (self._following and busy):
            self._order = list(by_id)
            return list(variants)
        self._following = False
        placed = set(self._order)
        fresh = [i for i in by_id if i not in placed]
        if fresh:
            anchor = self._last_fresh[0] if self._last_fresh and self._last_fresh[1] == self.page else None
            if anchor not in by_id:
                on_show = [i for i in self._order if i in by_id]
                end = min(len(on_show), (self.page + 1) * self.per_page)
                anchor = on_show[end - 1] if end else None
            at = self._order.index(anchor) + 1 if anchor else 0
            self._order[at:at] = fresh
            self._last_fresh = (fresh[-1], self.page)
        return [by_id[i] for i in self._order if i in by_id]

    def shown(self) -> list[Variant]:
        return self.variants[self.page * self.per_page : (self.page + 1) * self.per_page]

    def pages(self) -> int:
        return max(1, -(-len(self.variants) // self.per_page))

    def _rebuild(self) -> None:
        for card in self.cards:
            self.grid.removeWidget(card)
            card.hide()  # gone from sight now, not only once Qt gets round to deleting it
            card.deleteLater()
        self.cards = []
        first, shown = self.page * self.per_page, self.shown()
        close = self.closeness([v.text for v in shown]) if self.closeness else [None] * len(shown)
        for offset, variant in enumerate(shown):
            card = VariantCard(
                first + offset + 1, variant, self.paragraph, self.changes.isChecked(), self, close[offset]
            )
            card.action.connect(self._act)
            card.clicked.connect(lambda offset=offset: self.set_current(offset))
            # On a stack already on show, shown now rather than by the layout's queued show: a hidden card
            # takes no room, and the height asked for next (a page turned, a variant just in) would leave it out.
            if self.isVisible():
                card.show()
            self.cards.append(card)
        self._columns = 0
        self.arrange(self.width() or 4 * MIN_CARD_WIDTH)
        self.set_current(min(self.current, len(self.cards) - 1))

    def arrange(self, width: int) -> None:
        """Put the cards in as many columns as ``width`` holds."""
        columns = columns_for(width - 16, len(self.cards), self.per_page)
        if columns == self._columns:
            return
        self._columns = columns
        place_in_columns(self.grid, self.cards, columns, self.per_page)

    def place_title(self, width: int) -> None:
        """The title beside the buttons, or on a line above them when "4 variants" and the buttons
        do not fit side by side in ``width`` (the buttons would be squeezed into "Mo…ts")."""
        margins = self._column.contentsMargins()
        shown = [b for b in self.buttons if b.isVisibleTo(self)]
        needed = sum(b.sizeHint().width() + self._header.spacing() for b in shown)
        needed += self.title.fontMetrics().horizontalAdvance(self._counted) + margins.left() + margins.right()
        above, now_above = needed > width, self._title_row.indexOf(self.title) >= 0
        if above and not now_above:
            self._header.removeWidget(self.title)
            self._title_row.addWidget(self.title)
        elif now_above and not above:
            self._title_row.removeWidget(self.title)
            self._header.insertWidget(0, self.title, 1)

    def height_for(self, width: int) -> int:
        """The height the panel needs at ``width`` (its cards re-arranged for that width first)."""
        self.place_title(width)
        self.arrange(width)
        self.link_row.arrange(width - 16)
        layout = self._column
        layout.activate()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    # -- moving between variants ----------------------------------------------------

    def set_current(self, n: int) -> None:
        self.current = max(0, n)
        for i, card in enumerate(self.cards):
            card.set_current(i == self.current)

    def step(self, delta: int) -> None:
        """Left/Right: the previous or next variant, turning the page at either end."""
        self._following = False
        if not self.variants:
            return
        absolute = (self.page * self.per_page + self.current + delta) % len(self.variants)
        page = absolute // self.per_page
        if page != self.page:
            self.page = page
            self.current = absolute % self.per_page
            self.show_stack(self.variants, self.paragraph, self.cancel.isVisible(), None)
        self.set_current(absolute % self.per_page)

    def next_page(self) -> None:
        self._following = False
        self.page = (self.page + 1) % self.pages()
        self.current = 0
        self.show_stack(self.variants, self.paragraph, self.cancel.isVisible(), None)

    def event(self, event: QEvent) -> bool:
        """A card's layout changed after the stack was measured (shown and polished late, a font, a
        style): Qt asks this panel to lay out again, and the view is asked for the room it needs now."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self.height_changed.emit()
        return handled

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers():
            self.step(-1 if key == Qt.Key.Key_Left else 1)
        elif key == Qt.Key.Key_Escape:
            self.fold_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.cards:
            self.accept_shown(self.current)
        else:
            super().keyPressEvent(event)

    # -- requests --------------------------------------------------------------------

    def accept_shown(self, n: int) -> bool:
        """Accept the ``n``-th variant on show (from 0), as its Accept button does; False if there is none."""
        if not 0 <= n < len(self.cards):
            return False
        self.accept_requested.emit(self.card_id, self.cards[n].variant.id)
        return True

    def _act(self, name: str, variant: Variant) -> None:
        self._following = False  # the writer acts on a tile: from now on none moves
        if name == "accept":
            self.accept_requested.emit(self.card_id, variant.id)
        elif name in ("pin", "unpin"):
            self.pin_requested.emit(self.card_id, variant.id, variant.state is not VariantState.PINNED)
        elif name == "discard":
            self.discard_requested.emit(self.card_id, variant.id)
        elif name == "refine":
            self.refine_requested.emit(self.card_id, variant.id)
        elif name == "copy":
            QGuiApplication.clipboard().setText(variant.text)

    def _generate(self) -> None:
        self._following = False
        self.generate_requested.emit(self.card_id, self.kind.checkedAction().data(), self.angle.checkedAction().data())

    def _toggle_changes(self) -> None:
        self.changes.setText("✓ Changes" if self.changes.isChecked() else "Changes")
        for card in self.cards:
            card.show_changes(self.changes.isChecked())
        self._shown_key = ()
        self.show_changes_toggled.emit(self.changes.isChecked())
        self.height_changed.emit()
