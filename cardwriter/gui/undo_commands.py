"""Undoable edits: each writer action is a QUndoCommand over the card model.

Commands refer to cards by id, never by row, so they stay right however the
draft changed in between; redo gives re-created cards their old ids back.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from cardwriter.domain.model import Card, VariantState
from cardwriter.gui.card_model import CardListModel

TYPING_ID = 1


class EditText(QUndoCommand):
    """Typing into a card. Consecutive typing in one card merges into one step."""

    def __init__(self, model: CardListModel, card_id: str, old: str, new: str):
        super().__init__("Typing")
        self.model, self.card_id, self.old, self.new = model, card_id, old, new

    def id(self) -> int:
        return TYPING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditText) or other.card_id != self.card_id:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.model.apply_text(self.card_id, self.new)

    def undo(self) -> None:
        self.model.apply_text(self.card_id, self.old)


class SplitCard(QUndoCommand):
    def __init__(self, model: CardListModel, card_id: str, offset: int):
        super().__init__("Split card")
        self.model, self.card_id, self.offset = model, card_id, offset
        self.new_card_id: str | None = None

    def redo(self) -> None:
        self.new_card_id = self.model.apply_split(self.card_id, self.offset, self.new_card_id)

    def undo(self) -> None:
        self.model.apply_merge(self.new_card_id)


class MergeWithPrevious(QUndoCommand):
    def __init__(self, model: CardListModel, card_id: str):
        super().__init__("Merge cards")
        self.model, self.card_id = model, card_id
        row = model.row_of(card_id)
        self.above_id = model.card_at(row - 1).id
        self.offset = len(model.card_at(row - 1).text)
        self.moved: list[str] = []

    def redo(self) -> None:
        _, self.moved = self.model.apply_merge(self.card_id)

    def undo(self) -> None:
        self.model.apply_unmerge(self.above_id, self.offset, self.card_id, self.moved)


class InsertCard(QUndoCommand):
    def __init__(self, model: CardListModel, row: int, card: Card):
        super().__init__("New card")
        self.model, self.row, self.card = model, row, card

    def redo(self) -> None:
        self.model.apply_insert(self.row, self.card)

    def undo(self) -> None:
        self.row, self.card = self.model.apply_delete(self.card.id)


class DeleteCard(QUndoCommand):
    def __init__(self, model: CardListModel, card_id: str):
        super().__init__("Delete card")
        self.model, self.card_id = model, card_id
        self.row = 0
        self.card: Card | None = None

    def redo(self) -> None:
        self.row, self.card = self.model.apply_delete(self.card_id)

    def undo(self) -> None:
        self.model.apply_insert(self.row, self.card)


class MoveCard(QUndoCommand):
    def __init__(self, model: CardListModel, card_id: str, to_row: int):
        super().__init__("Move card")
        self.model, self.card_id, self.to_row = model, card_id, to_row
        self.from_row = model.row_of(card_id)

    def redo(self) -> None:
        self.from_row = self.model.apply_move(self.card_id, self.to_row)

    def undo(self) -> None:
        self.model.apply_move(self.card_id, self.from_row)


class ChangeStack(QUndoCommand):
    """Accept, pin, discard or return a variant: the card is put back exactly on undo."""

    def __init__(self, model: CardListModel, card_id: str, variant_id: str, state: VariantState, text: str):
        super().__init__(text)
        self.model, self.card_id, self.variant_id, self.state = model, card_id, variant_id, state
        self.before: Card | None = None
        self.after: Card | None = None

    def redo(self) -> None:
        if self.after is not None:  # redo after an undo: restore exactly what we had
            self.model.apply_restore(self.after, self.before)
            return
        self.before = self.model.session.snapshot(self.card_id)
        if self.state is VariantState.ACCEPTED:
            self.model.apply_accept(self.card_id, self.variant_id)
        else:
            self.model.apply_variant_state(self.card_id, self.variant_id, self.state)
        self.after = self.model.session.snapshot(self.card_id)

    def undo(self) -> None:
        self.model.apply_restore(self.before, self.after)


def accept(model: CardListModel, card_id: str, variant_id: str) -> ChangeStack:
    return ChangeStack(model, card_id, variant_id, VariantState.ACCEPTED, "Accept variant")


def pin(model: CardListModel, card_id: str, variant_id: str, pinned: bool = True) -> ChangeStack:
    state = VariantState.PINNED if pinned else VariantState.IN_STACK
    return ChangeStack(model, card_id, variant_id, state, "Pin variant" if pinned else "Unpin variant")


def discard(model: CardListModel, card_id: str, variant_id: str) -> ChangeStack:
    return ChangeStack(model, card_id, variant_id, VariantState.DISCARDED, "Discard variant")
