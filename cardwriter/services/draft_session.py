"""One open draft: the project file and the in-memory cards kept in step.

The GUI shows ``session.draft``; every change to a draft's cards and stacks
goes through a method here (notes change through ``NotesLibrary``),
which saves it (one transaction) and then updates the in-memory draft to
match what was saved. Each method returns what a view needs to refresh.
Undo and redo are built from these same methods: ``snapshot`` and
``restore`` put a card (its text and its stack) back exactly as it was.

A save can fail (a full disk, a removed USB stick). Typing and the edits
that shape the draft (split, merge, insert, delete, move, and their undo)
must go on working meanwhile: such an edit is then made in memory only, and
the session is *behind* the file. ``take_failure`` hands the caller the
``SaveFailed`` that kept it there, to report it; ``unsaved`` says what the
file lacks (for the recovery file); ``save_pending`` writes it all in one
transaction once the file can be written again. Every edit made while
behind first tries ``save_pending``, so the file catches up at the first
chance. Changes to a stack (new variants, accept, pin, discard) are refused
while behind and the save still fails (``SaveFailed`` is raised, nothing
changes): they can be made again, and the file never needs them replayed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import TypeVar

from cardwriter.domain import attribution
from cardwriter.domain.model import Card, Draft, Variant, VariantState
from cardwriter.errors import SaveFailed, UserError
from cardwriter.services import editing
from cardwriter.services.pending_edits import UnsavedEdits, write_pending
from cardwriter.storage.project import Project

T = TypeVar("T")


class DraftSession:
    def __init__(self, project: Project, draft_id: str):
        self.project = project
        self.draft: Draft = project.load_draft(draft_id)
        stored = project.card_origins(card.id for card in self.draft.cards)
        for card in self.draft.cards:
            card.origins = attribution.valid(card.text, stored.get(card.id))
        self._accept_listeners: list[Callable[[str], None]] = []  # see ``add_accept_listener``
        # While behind: the card ids the file holds, in its order, and the cards changed in memory only.
        self._saved_ids: list[str] | None = None
        self._dirty: set[str] = set()
        self._failure: SaveFailed | None = None  # what kept the last edit in memory only, until taken

    def add_accept_listener(self, listener: Callable[[str], None]) -> None:
        """Call ``listener`` with the draft id after each acceptance (the voice meter records a point).

        Listeners add up: a second one does not replace the first.
        """
        self._accept_listeners.append(listener)

    # -- lookups -------------------------------------------------------------

    @property
    def cards(self) -> list[Card]:
        return self.draft.cards

    def index_of(self, card_id: str) -> int | None:
        for index, card in enumerate(self.draft.cards):
            if card.id == card_id:
                return index
        return None

    def position(self, card_id: str) -> int:
        """Where the card is in the draft; a UserError when it is no longer there."""
        index = self.index_of(card_id)
        if index is None:
            raise UserError("that card is no longer in the draft")
        return index

    def card(self, card_id: str) -> Card:
        return self.draft.cards[self.position(card_id)]

    def neighbours(self, card_id: str) -> tuple[str, str]:
        """The texts of the cards just before and after, for context."""
        index = self.index_of(card_id)
        if index is None:
            return "", ""
        cards = self.draft.cards
        before = cards[index - 1].text if index > 0 else ""
        after = cards[index + 1].text if index + 1 < len(cards) else ""
        return before, after

    # -- text ----------------------------------------------------------------

    def set_text(self, card_id: str, text: str) -> int:
        card = self.card(card_id)
        if card.text != text:
            origins = attribution.carry(card.text, card.origins, text, attribution.WRITER)

            def save() -> None:
                with self.project.transaction():
                    self.project.set_card_text(card_id, text)
                    self.project.set_card_origins(card_id, origins)
                card.text, card.origins = text, origins

            def keep() -> None:
                card.text, card.origins = text, origins
                self._dirty.add(card_id)

            self._edit(save, keep)
        return self.position(card_id)

    def split(self, card_id: str, offset: int, new_card_id: str | None = None) -> Card:
        """Split at ``offset``; the new card below gets ``new_card_id`` when given (for redo)."""

        def save() -> Card:
            with self.project.transaction():
                new_id = self._save_split(card_id, offset, new_card_id)
            return self._show_split(card_id, new_id)

        return self._edit(save, lambda: self._split_in_memory(card_id, offset, new_card_id))

    def merge_with_previous(self, card_id: str) -> tuple[str, list[str]]:
        """Merge into the card above; returns its id and the ids of the variants that moved up."""
        card = self.card(card_id)
        moved = [v.id for v in card.variants]
        index = self.position(card_id)
        above = self.draft.cards[index - 1] if index else None

        def save() -> str:
            with self.project.transaction():
                above_id = editing.merge_with_previous(self.project, card_id)
                if above is not None:
                    self.project.set_card_origins(
                        above_id, attribution.join(above.text, above.origins, card.text, card.origins)
                    )
            del self.draft.cards[self.position(card_id)]
            self._reload(above_id)
            return above_id

        def keep() -> str:
            if above is None:
                raise UserError("the first card has no card above it to merge with")
            above.origins = attribution.join(above.text, above.origins, card.text, card.origins)
            above.text += card.text
            above.separator = card.separator
            above.variants.extend(card.variants)
            del self.draft.cards[self.position(card_id)]
            self._dirty.add(above.id)
            self._dirty.discard(card_id)
            return above.id

        return self._edit(save, keep), moved

    def unmerge(self, above_id: str, offset: int, card_id: str, variant_ids: Iterable[str]) -> Card:
        """Undo a merge: split the card above again and give back the moved variants.

        Both steps are one transaction: a save that fails half way must not
        leave the card split with its stack still on the card above, which
        neither the merged nor the unmerged draft had.
        """
        moved = list(variant_ids)

        def save() -> Card:
            with self.project.transaction():
                self._save_split(above_id, offset, card_id)
                self.project.move_variants(above_id, card_id, moved)
            return self._show_split(above_id, card_id)

        def keep() -> Card:
            new = self._split_in_memory(above_id, offset, card_id)
            above, wanted = self.card(above_id), set(moved)
            new.variants = [v for v in above.variants if v.id in wanted]
            above.variants = [v for v in above.variants if v.id not in wanted]
            return new

        return self._edit(save, keep)

    # -- cards ---------------------------------------------------------------

    def insert(self, index: int, card: Card) -> int:
        """Insert a card (with its stack) at ``index``; returns where it went."""
        index = max(0, min(index, len(self.draft.cards)))

        def save() -> None:
            with self.project.transaction():
                self.project.insert_card(self.draft.id, index, card)
                self.project.set_card_origins(card.id, attribution.valid(card.text, card.origins))
            self.draft.cards.insert(index, self._load_card(card.id))

        def keep() -> None:
            kept = copy.deepcopy(card)
            kept.origins = attribution.valid(kept.text, kept.origins)
            self.draft.cards.insert(index, kept)
            self._dirty.add(kept.id)

        self._edit(save, keep)
        return index

    def delete(self, card_id: str) -> tuple[int, Card]:
        """Delete a card; returns where it was and a full copy, to put it back."""
        index = self.position(card_id)
        removed = copy.deepcopy(self.card(card_id))

        def save() -> None:
            self.project.delete_card(card_id)
            del self.draft.cards[index]

        def keep() -> None:
            del self.draft.cards[index]
            self._dirty.discard(card_id)

        self._edit(save, keep)
        return index, removed

    def move(self, card_id: str, to_index: int) -> int:
        """Move a card so it becomes card ``to_index``; returns the index it came from."""
        from_index = self.position(card_id)
        to_index = max(0, min(to_index, len(self.draft.cards) - 1))

        def moved() -> None:
            card = self.draft.cards.pop(from_index)
            self.draft.cards.insert(to_index, card)

        def save() -> None:
            self.project.move_card(card_id, to_index)
            moved()

        self._edit(save, moved)
        return from_index

    # -- stacks --------------------------------------------------------------

    def add_variants(self, card_id: str, variants: list[Variant]) -> None:
        self.save_pending()
        self.project.add_variants(card_id, variants)
        self._reload(card_id)

    def accept(self, card_id: str, variant_id: str) -> None:
        before = self.card(card_id)
        self.save_pending()
        with self.project.transaction():
            editing.accept_variant(self.project, card_id, variant_id)
            text = self.project.card(card_id).text
            self.project.set_card_origins(
                card_id, attribution.carry(before.text, before.origins, text, attribution.MODEL)
            )
        self._reload(card_id)
        for listener in list(self._accept_listeners):
            listener(self.draft.id)

    def set_variant_state(self, card_id: str, variant_id: str, state: VariantState) -> None:
        self.save_pending()
        self.project.set_variant_state(variant_id, state)
        self._reload(card_id)

    def snapshot(self, card_id: str) -> Card:
        """A full copy of a card and its stack, for ``restore``."""
        return copy.deepcopy(self.card(card_id))

    def restore(
        self,
        snapshot: Card,
        current: Card | None = None,
        *,
        undoing_accept: str | None = None,
        redoing_accept: str | None = None,
    ) -> None:
        """Put a card's text and stack back as in ``snapshot``.

        Variants that ``current`` (a later snapshot) has and ``snapshot`` lacks
        are removed; variants added since by anything else are left alone. When this
        undoes (or redoes) the acceptance of a variant, its record goes (or comes back).
        """
        keep_ids = {v.id for v in snapshot.variants}
        remove = [v.id for v in (current.variants if current else []) if v.id not in keep_ids]
        self.save_pending()
        with self.project.transaction():
            if undoing_accept:  # an acceptance undone is not history; one redone is, again
                self.project.forget_latest_acceptance(snapshot.id, undoing_accept)
            if redoing_accept:
                self.project.record_acceptance(snapshot.id, redoing_accept)
            self.project.set_card_text(snapshot.id, snapshot.text)
            self.project.set_card_origins(snapshot.id, attribution.valid(snapshot.text, snapshot.origins))
            self.project.restore_variants(snapshot.id, snapshot.variants, remove)
        self._reload(snapshot.id)

    # -- saving what could not be saved ----------------------------------------

    @property
    def behind(self) -> bool:
        """True while some edits are in memory only (a save failed and has not worked since)."""
        return self._saved_ids is not None

    def take_failure(self) -> SaveFailed | None:
        """The failed save that kept the last edit(s) in memory only, once (then None)."""
        failure, self._failure = self._failure, None
        return failure

    def unsaved(self) -> UnsavedEdits:
        """What the file lacks of this draft (empty when it is saved)."""
        edits = UnsavedEdits(self.draft.id)
        if self._saved_ids is None:
            return edits
        for card in self.draft.cards:
            if card.id in self._dirty:
                edits.texts[card.id] = card.text
                edits.separators[card.id] = card.separator
        ids = [card.id for card in self.draft.cards]
        if ids != self._saved_ids:
            edits.order = ids
            shown = set(ids)
            edits.removed = [card_id for card_id in self._saved_ids if card_id not in shown]
        return edits

    def save_pending(self) -> None:
        """Write every edit made in memory only, in one transaction; ``SaveFailed`` if it still fails.

        The file is brought to what the draft holds: new cards inserted, changed
        cards (text, separator, origins, stack) written, removed cards deleted,
        and the order put right. Only the cards changed meanwhile are written.
        """
        if self._saved_ids is None:
            return
        write_pending(self.project, self.draft, self._dirty)
        self._saved_ids, self._dirty = None, set()

    def _edit(self, save: Callable[[], T], keep: Callable[[], T]) -> T:
        """Make an edit: ``save`` writes it and updates memory; ``keep`` changes memory only.

        ``keep`` runs when the file cannot be written: the session is then behind
        and the failure waits in ``take_failure``.
        """
        if self._saved_ids is not None:
            try:
                self.save_pending()
            except SaveFailed as exc:
                self._failure = exc
                return keep()
        try:
            return save()
        except SaveFailed as exc:  # nothing changed: memory still matches the file
            self._saved_ids = [card.id for card in self.draft.cards]
            self._failure = exc
            return keep()

    def _split_in_memory(self, card_id: str, offset: int, new_card_id: str | None) -> Card:
        """A split as ``editing.split_card`` makes it, in memory only."""
        old = self.card(card_id)
        if not 0 <= offset <= len(old.text):
            raise UserError(f"cannot split at {offset}: the card has {len(old.text)} characters")
        head, tail = attribution.split(old.text, old.origins, offset)
        new = Card(text=old.text[offset:], separator=old.separator)
        if new_card_id is not None:
            new.id = new_card_id
        new.origins = tail
        newline = "\r\n" if "\r\n" in old.separator else "\n"
        old.text, old.separator, old.origins = old.text[:offset], newline * 2, head
        self.draft.cards.insert(self.position(card_id) + 1, new)
        self._dirty.update((card_id, new.id))
        return new

    # -- helpers -------------------------------------------------------------

    def _save_split(self, card_id: str, offset: int, new_card_id: str | None) -> str:
        """Write a split (text and origins) inside the caller's transaction; returns the new card's id."""
        old = self.card(card_id)
        head, tail = attribution.split(old.text, old.origins, offset)
        new = editing.split_card(self.project, card_id, offset, new_card_id)
        self.project.set_card_origins(card_id, head)
        self.project.set_card_origins(new.id, tail)
        return new.id

    def _show_split(self, card_id: str, new_id: str) -> Card:
        """Bring the in-memory draft in step with a saved split; returns the new card."""
        index = self.position(card_id)
        self._reload(card_id)
        self.draft.cards.insert(index + 1, self._load_card(new_id))
        return self.draft.cards[index + 1]

    def _load_card(self, card_id: str) -> Card:
        record = self.project.card(card_id)
        origins = attribution.valid(record.text, self.project.card_origins([card_id]).get(card_id))
        card = Card(id=card_id, text=record.text, separator=record.separator, variants=self.project.variants(card_id))
        card.origins = origins
        return card

    def _reload(self, card_id: str) -> None:
        fresh = self._load_card(card_id)
        card = self.card(card_id)
        card.text, card.separator, card.variants = fresh.text, fresh.separator, fresh.variants
        card.origins = fresh.origins
