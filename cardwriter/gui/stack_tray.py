"""The unfurled stack: the current card's variants side by side, with what to do with each.

It sits under the draft like a drawer. It shows up to ``per_page`` variants
at a time ("More" pages through the rest); each can be accepted (swapped into
the card), pinned, discarded, refined (variants of this variant) or copied.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cardwriter.domain.model import Variant, VariantKind, VariantState

GENERATE_KINDS = (VariantKind.REWRITE, VariantKind.RESTYLE, VariantKind.CONTINUE)


def describe(variant: Variant) -> str:
    """A short caption: what kind of variant, which angle, whether pinned."""
    p = variant.provenance
    parts = [p.kind.value]
    if p.angle:
        parts.append(p.angle)
    if p.parent_id:
        parts.append("refined")
    if variant.state is VariantState.PINNED:
        parts.append("pinned")
    return " · ".join(parts)


class VariantTile(QFrame):
    def __init__(self, variant: Variant, tray: StackTray):
        super().__init__()
        self.variant = variant
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        caption = QLabel(describe(variant))
        caption.setObjectName("caption")
        caption.setEnabled(False)  # drawn in the quiet, disabled colour
        text = QPlainTextEdit(variant.text)
        text.setObjectName("variant-text")
        text.setReadOnly(True)
        text.setFrameShape(QFrame.Shape.NoFrame)
        text.viewport().setAutoFillBackground(False)
        layout.addWidget(caption)
        layout.addWidget(text, 1)
        buttons = QHBoxLayout()
        pinned = variant.state is VariantState.PINNED
        for label, tip, slot in (
            ("Accept", "Swap this into the card (the current text stays in the stack)", tray._accept),
            ("Unpin" if pinned else "Pin", "Keep this at the front of the stack", tray._pin),
            ("Discard", "Take this out of the stack", tray._discard),
            ("Refine", "Make variants of this variant", tray._refine),
            ("Copy", "Copy the text", tray._copy),
        ):
            button = QToolButton(text=label, toolTip=tip)
            button.setObjectName(label.lower())
            button.clicked.connect(lambda _=False, slot=slot: slot(self.variant))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)


class StackTray(QWidget):
    accept_requested = Signal(str, str)  # card id, variant id
    pin_requested = Signal(str, str, bool)
    discard_requested = Signal(str, str)
    refine_requested = Signal(str, str)
    generate_requested = Signal(str, str, str)  # card id, kind, angle ("" for any)
    cancel_requested = Signal(str)

    def __init__(self, angles: list[str], per_page: int = 4, parent=None):
        super().__init__(parent)
        self.per_page = per_page
        self.card_id = ""
        self.variants: list[Variant] = []
        self.page = 0
        self.tiles: list[VariantTile] = []

        self.title = QLabel()
        self.kind = QComboBox()
        for kind in GENERATE_KINDS:
            self.kind.addItem(kind.value.capitalize(), kind.value)
        self.angle = QComboBox()
        self.angle.addItem("Mixed angles", "")
        for angle in angles:
            self.angle.addItem(angle, angle)
        self.generate = QPushButton("Generate")
        self.generate.setToolTip("Make more variants with fresh seeds (Ctrl+G)")
        self.generate.clicked.connect(self._generate)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self._cancel)
        self.cancel.hide()
        self.more = QPushButton()
        self.more.clicked.connect(self._next_page)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.kind)
        header.addWidget(self.angle)
        header.addWidget(self.generate)
        header.addWidget(self.cancel)
        header.addWidget(self.more)
        self.row = QHBoxLayout()
        self.empty = QLabel()
        self.empty.setEnabled(False)
        self.row.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(self.row, 1)
        self.show_stack("", [], busy=False)

    def show_stack(self, card_id: str, variants: list[Variant], busy: bool) -> None:
        if card_id != self.card_id:
            self.page = 0
        self.card_id, self.variants = card_id, list(variants)
        pages = max(1, -(-len(self.variants) // self.per_page))
        self.page = min(self.page, pages - 1)
        for tile in self.tiles:
            tile.deleteLater()
        self.tiles = []
        shown = self.variants[self.page * self.per_page : (self.page + 1) * self.per_page]
        for variant in shown:
            tile = VariantTile(variant, self)
            self.row.addWidget(tile, 1)
            self.tiles.append(tile)
        count = len(self.variants)
        self.title.setText(f"Stack: {count} variant{'s' if count != 1 else ''}" if card_id else "No card selected")
        if not card_id:
            self.empty.setText("Select a card to see its stack.")
        elif busy:
            self.empty.setText("Writing variants…")
        else:
            self.empty.setText("No variants yet. Generate some, or pause on the card and they will come.")
        self.empty.setVisible(not shown)
        self.more.setVisible(count > self.per_page)
        self.more.setText(f"More ({self.page + 1}/{pages})")
        self.generate.setEnabled(bool(card_id))
        self.cancel.setVisible(busy)

    def _next_page(self) -> None:
        pages = max(1, -(-len(self.variants) // self.per_page))
        self.page = (self.page + 1) % pages
        self.show_stack(self.card_id, self.variants, busy=self.cancel.isVisible())

    def _cancel(self) -> None:
        self.cancel_requested.emit(self.card_id)

    def _generate(self) -> None:
        self.generate_requested.emit(self.card_id, self.kind.currentData(), self.angle.currentData())

    def accept_shown(self, n: int) -> bool:
        """Accept the ``n``-th variant on show (from 0), as its Accept button does; False if there is none."""
        if not 0 <= n < len(self.tiles):
            return False
        self._accept(self.tiles[n].variant)
        return True

    def _accept(self, variant: Variant) -> None:
        self.accept_requested.emit(self.card_id, variant.id)

    def _pin(self, variant: Variant) -> None:
        self.pin_requested.emit(self.card_id, variant.id, variant.state is not VariantState.PINNED)

    def _discard(self, variant: Variant) -> None:
        self.discard_requested.emit(self.card_id, variant.id)

    def _refine(self, variant: Variant) -> None:
        self.refine_requested.emit(self.card_id, variant.id)

    def _copy(self, variant: Variant) -> None:
        QGuiApplication.clipboard().setText(variant.text)
