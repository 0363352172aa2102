"""Undoable edits: each writer action is a QUndoCommand over the card model.

Commands refer to cards by id, never by row, so they stay right however the
draft changed in between; redo gives re-created cards their old ids back.

A save can fail (``SaveFailed``: a full disk, a removed USB stick). Typing
and the edits that shape the draft (split, merge, insert, delete, move, and
their undo and redo) do not fail then: the session keeps them in memory and
the model reports the failure itself (see ``card_model``). A change to a
stack does fail: the model and the file then still agree (nothing was
changed), and the command keeps the failure and reports it through the
model's ``save_failed`` signal instead of raising into Qt. What happens to
the step itself:

- a new step whose first run fails is refused: it marks itself obsolete,
  so ``QUndoStack.push`` drops it (typing is the exception: its text stays
  on screen as unsaved text, and is saved by the next try);
- an undo or redo that fails is stepped back over by ``undo_step`` and
  ``redo_step`` without running anything, so it can be tried again later.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from cardwriter.domain.model import Card, VariantState
from cardwriter.errors import SaveFailed
from cardwriter.gui.draft.card_model import CardListModel

TYPING_ID = 1

T = TypeVar("T")


def _recorded(value: T | None) -> T:
    """What ``do`` recorded for its undo: Qt undoes a step only after doing it, so it is there."""
    if value is None:
        raise RuntimeError("an undo step was undone before it was done")
    return value


def _row_of(model: CardListModel, card_id: str) -> int:
    """The row of a card the writer acts on (a card on screen, so one in the draft)."""
    row = model.row_of(card_id)
    if row is None:
        raise LookupError(f"card {card_id} is not in the draft")
    return row


class SavingCommand(QUndoCommand):
    """An undoable change whose save may fail; subclasses write ``do`` and ``undo_it``.

    ``failure`` holds the last run's ``SaveFailed`` (None when it saved).
    """

    def __init__(self, model: CardListModel, text: str):
        super().__init__(text)
        self.model = model
        self.failure: SaveFailed | None = None
        self._ran = False  # has ``do`` ever succeeded (so this step is on the stack)?
        self._skip_next = False

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_next:  # stepping back over a failed undo: nothing to run
            self._skip_next = False
            return
        first = not self._ran
        try:
            self.do()
        except SaveFailed as exc:
            if first:
                self.setObsolete(True)  # refused: QUndoStack.push drops it
                self.kept_unsaved()
            self._failed(exc, "was not done" if first else "could not be redone")
        else:
            self.failure, self._ran = None, True

    def undo(self) -> None:
        if self._skip_next:  # stepping back over a failed redo
            self._skip_next = False
            return
        try:
            self.undo_it()
        except SaveFailed as exc:
            self._failed(exc, "could not be undone")
        else:
            self.failure = None

    def skip_next_run(self) -> None:
        self._skip_next = True

    def kept_unsaved(self) -> None:
        """After a refused first run: keep what must not be lost (typing does)."""

    def _failed(self, exc: SaveFailed, outcome: str) -> None:
        self.failure = exc
        self.model.save_failed.emit(f"{self.text()} {outcome}", str(exc))


class EditText(SavingCommand):
    """Typing into a card. Consecutive typing in one card merges into one step."""

    def __init__(self, model: CardListModel, card_id: str, old: str, new: str):
        super().__init__(model, "Typing")
        self.card_id, self.old, self.new = card_id, old, new

    def id(self) -> int:
        return TYPING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditText) or other.card_id != self.card_id or other.failure is not None:
            return False
        self.new = other.new
        return True

    def do(self) -> None:
        self.model.apply_text(self.card_id, self.new)

    def undo_it(self) -> None:
        self.model.apply_text(self.card_id, self.old)

    def kept_unsaved(self) -> None:
        """The typed text stays in the model as unsaved live text: on screen, in the recovery file, retried."""
        self.model.set_live_text(self.card_id, self.new)


class SplitCard(SavingCommand):
    def __init__(self, model: CardListModel, card_id: str, offset: int):
        super().__init__(model, "Split card")
        self.card_id, self.offset = card_id, offset
        self.new_card_id: str | None = None

    def do(self) -> None:
        self.new_card_id = self.model.apply_split(self.card_id, self.offset, self.new_card_id)

    def undo_it(self) -> None:
        self.model.apply_merge(_recorded(self.new_card_id))


class MergeWithPrevious(SavingCommand):
    def __init__(self, model: CardListModel, card_id: str):
        super().__init__(model, "Merge cards")
        self.card_id = card_id
        row = _row_of(model, card_id)
        self.above_id = model.card_at(row - 1).id
        self.offset = len(model.card_at(row - 1).text)
        self.moved: list[str] = []

    def do(self) -> None:
        _, self.moved = self.model.apply_merge(self.card_id)

    def undo_it(self) -> None:
        self.model.apply_unmerge(self.above_id, self.offset, self.card_id, self.moved)


class InsertCard(SavingCommand):
    def __init__(self, model: CardListModel, row: int, card: Card):
        super().__init__(model, "New card")
        self.row, self.card = row, card

    def do(self) -> None:
        self.model.apply_insert(self.row, self.card)

    def undo_it(self) -> None:
        self.row, self.card = self.model.apply_delete(self.card.id)


class DeleteCard(SavingCommand):
    def __init__(self, model: CardListModel, card_id: str):
        super().__init__(model, "Delete card")
        self.card_id = card_id
        self.row = 0
        self.card: Card | None = None

    def do(self) -> None:
        self.row, self.card = self.model.apply_delete(self.card_id)

    def undo_it(self) -> None:
        self.model.apply_insert(self.row, _recorded(self.card))


class MoveCard(SavingCommand):
    def __init__(self, model: CardListModel, card_id: str, to_row: int):
        super().__init__(model, "Move card")
        self.card_id, self.to_row = card_id, to_row
        self.from_row = _row_of(model, card_id)

    def do(self) -> None:
        self.from_row = self.model.apply_move(self.card_id, self.to_row)

    def undo_it(self) -> None:
        self.model.apply_move(self.card_id, self.from_row)


class ChangeStack(SavingCommand):
    """Accept, pin, discard or return a variant: the card is put back exactly on undo."""

    def __init__(self, model: CardListModel, card_id: str, variant_id: str, state: VariantState, text: str):
        super().__init__(model, text)
        self.card_id, self.variant_id, self.state = card_id, variant_id, state
        self.before: Card | None = None
        self.after: Card | None = None

    def do(self) -> None:
        if self.after is not None:  # redo after an undo: restore exactly what we had
            self.model.apply_restore(self.after, self.before, redoing_accept=self._accepted())
            return
        self.before = self.model.session.snapshot(self.card_id)
        if self.state is VariantState.ACCEPTED:
            self.model.apply_accept(self.card_id, self.variant_id)
        else:
            self.model.apply_variant_state(self.card_id, self.variant_id, self.state)
        self.after = self.model.session.snapshot(self.card_id)

    def undo_it(self) -> None:
        self.model.apply_restore(_recorded(self.before), self.after, undoing_accept=self._accepted())

    def _accepted(self) -> str | None:
        """The variant this step accepts (its acceptance record goes on undo, comes back on redo)."""
        return self.variant_id if self.state is VariantState.ACCEPTED else None


def accept(model: CardListModel, card_id: str, variant_id: str) -> ChangeStack:
    return ChangeStack(model, card_id, variant_id, VariantState.ACCEPTED, "Accept variant")


def pin(model: CardListModel, card_id: str, variant_id: str, pinned: bool = True) -> ChangeStack:
    state = VariantState.PINNED if pinned else VariantState.IN_STACK
    return ChangeStack(model, card_id, variant_id, state, "Pin variant" if pinned else "Unpin variant")


def discard(model: CardListModel, card_id: str, variant_id: str) -> ChangeStack:
    return ChangeStack(model, card_id, variant_id, VariantState.DISCARDED, "Discard variant")


# -- undo and redo that may fail ---------------------------------------------------


def undo_step(stack: QUndoStack) -> bool:
    """Undo one step; if it could not be saved, the stack stays where it was. True if it was undone."""
    return _step(stack, stack.index() - 1, stack.undo, stack.redo)


def redo_step(stack: QUndoStack) -> bool:
    """Redo one step; if it could not be saved, the stack stays where it was. True if it was redone."""
    return _step(stack, stack.index(), stack.redo, stack.undo)


def _step(stack: QUndoStack, index: int, go, back) -> bool:
    if not 0 <= index < stack.count():
        return False
    command = stack.command(index)
    go()
    parts = [command] + [command.child(i) for i in range(command.childCount())]  # a macro's commands
    failed = [part for part in parts if isinstance(part, SavingCommand) and part.failure is not None]
    if not failed:
        return True
    if failed[0] is command:
        command.skip_next_run()
        back()  # moves the index back without running the command again
    else:
        # Part of a macro ran and part did not: it can no longer be undone or redone as one
        # step. Each card still matches the file; the history is what cannot be kept.
        stack.clear()
    return False
