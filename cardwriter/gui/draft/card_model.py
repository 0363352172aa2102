"""The one Qt model of a draft: an adapter over ``DraftSession``'s cards.

The model never owns the cards; it reads them from the session and, for
every change, asks the session to save it and then tells the views what
moved. Changes a writer makes go through ``undo_commands`` (which call the
``apply_*`` methods here), so each one can be undone.

A save can fail (a full disk, a removed USB stick). Typing and the edits
that shape the draft (split, merge, insert, delete, move) are then kept in
the session's memory (``DraftSession.behind``) and still shown: the model
reports each such failure on ``save_failed`` (as ``KEPT_UNSAVED``), so the
window says so and keeps the edits in the recovery file, and
``save_pending`` writes them once the file can be written again. Changes to
a stack are refused instead: the session raises ``SaveFailed`` and has
changed nothing; the ``apply_*`` methods let it pass to the undo command,
which reports it. Rows a failed change announced to the views are taken
back by a reset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import TypeVar

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from cardwriter.domain.links import Link
from cardwriter.domain.model import Card, Variant, VariantState
from cardwriter.errors import SaveFailed
from cardwriter.gui.common.drag_data import CARD_MIME, NOTE_MIME, note_ids_from
from cardwriter.gui.draft.card_links import LinkTable, row_runs
from cardwriter.services.draft_session import DraftSession
from cardwriter.services.pending_edits import UnsavedEdits

KEPT_UNSAVED = "Not saved yet"  # what ``save_failed`` names when an edit was kept in memory, not refused
T = TypeVar("T")


class CardRole(IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1
    STACK = Qt.ItemDataRole.UserRole + 2  # list[Variant] on offer: pinned, then newest request first (stack_order)
    STACK_SIZE = Qt.ItemDataRole.UserRole + 3
    PROGRESS = Qt.ItemDataRole.UserRole + 4  # (done, total) candidates while a fill runs, else None
    BUSY = Qt.ItemDataRole.UserRole + 5  # a generation for this card is queued or running
    NEW_COUNT = Qt.ItemDataRole.UserRole + 6  # variants that arrived since the stack was last unfurled
    LINKS = Qt.ItemDataRole.UserRole + 7  # list[Link] beside the stack: notes, then echoes (never in card.variants)
    PEEKS = Qt.ItemDataRole.UserRole + 8  # a stack peeks under the card: variants, links, or a fill on its way


class CardListModel(QAbstractListModel):
    move_requested = Signal(str, int)  # a card dragged to a new row: (card id, row)
    note_dropped_on_card = Signal(str, list)  # (card id, note ids): fuse the notes into the card
    note_dropped_between = Signal(int, list)  # (row, note ids): insert the notes as new cards there
    save_failed = Signal(str, str)  # (what was not done, SaveFailed's message), from a failed change

    def __init__(self, session: DraftSession, parent=None):
        super().__init__(parent)
        self.session = session
        self._progress: dict[str, tuple[int, int]] = {}
        self._unseen: dict[str, set[str]] = {}  # variant ids added since the card's stack was last unfurled
        self._requests: dict[str, list[list[str]]] = {}  # card id -> ids of the variants each request added
        self._busy: set[str] = set()
        self._live: dict[str, str] = {}  # text being typed, not yet saved
        self._links = LinkTable()  # link cards, worked out afresh by the links feature (``set_links``)

    # -- reading -------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.session.cards)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.session.cards):
            return None
        card = self.session.cards[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._live.get(card.id, card.text)
        if role == Qt.ItemDataRole.ToolTipRole:
            size = len(card.stack())
            return f"{size} variant{'s' if size != 1 else ''} in the stack" if size else None
        if role == CardRole.ID:
            return card.id
        if role == CardRole.STACK:
            return self.stack_order(card)
        if role == CardRole.STACK_SIZE:
            return len(card.stack())
        if role == CardRole.PROGRESS:
            return self._progress.get(card.id)
        if role == CardRole.BUSY:
            return card.id in self._busy
        if role == CardRole.NEW_COUNT:
            unseen = self._unseen.get(card.id)
            return sum(v.id in unseen for v in card.stack()) if unseen else 0
        if role == CardRole.LINKS:
            return self._links.get(card.id)
        if role == CardRole.PEEKS:  # (one look-up for the delegate's row heights, asked of all 5,000 rows)
            return card.id in self._busy or bool(self._links.get(card.id)) or bool(card.stack())
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled  # a note dropped onto a card
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role in CardRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    def card_at(self, row: int) -> Card:
        return self.session.cards[row]

    def row_of(self, card_id: str) -> int | None:
        return self.session.index_of(card_id)

    def index_of_card(self, card_id: str) -> QModelIndex:
        row = self.row_of(card_id)
        return QModelIndex() if row is None else self.index(row)

    # -- drag and drop: reordering -------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME, NOTE_MIME, "text/plain"]

    def mimeData(self, indexes) -> QMimeData:
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            card = self.card_at(rows[0])
            mime.setData(CARD_MIME, QByteArray(card.id.encode()))
            mime.setText(card.text)
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(CARD_MIME) or data.hasFormat(NOTE_MIME)

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent) -> bool:
        """A card dropped between others moves there; a note onto a card fuses, between cards inserts.

        The model changes nothing itself: it asks the window, which acts through the undo stack.
        """
        notes = note_ids_from(data)
        if notes:
            if parent.isValid():
                self.note_dropped_on_card.emit(self.card_at(parent.row()).id, notes)
            else:
                self.note_dropped_between.emit(self.rowCount() if row < 0 else row, notes)
            return False
        if not data.hasFormat(CARD_MIME):
            return False
        card_id = bytes(data.data(CARD_MIME).data()).decode()
        from_row = self.row_of(card_id)
        if from_row is None:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
        to_row = row - 1 if row > from_row else row
        if to_row != from_row:
            self.move_requested.emit(card_id, to_row)
        return False  # the move is done through the undo stack; the view must not remove the row

    # -- typing: shown at once, saved by the view a moment later -------------

    def set_live_text(self, card_id: str, text: str) -> None:
        row = self.row_of(card_id)
        if row is None:
            return
        if text == self.session.cards[row].text:
            if self._live.pop(card_id, None) is None:
                return  # nothing typed: nothing to show or save
        else:
            self._live[card_id] = text
        self._changed(row)

    def take_live_text(self) -> dict[str, str]:
        """The typed texts not yet saved, emptied: the caller saves them."""
        live, self._live = self._live, {}
        return live

    def unsaved_texts(self) -> dict[str, str]:
        """Texts not (yet) in the file, by card id: typed and not yet applied, or kept in memory."""
        return {**self.session.unsaved().texts, **self._live}

    def unsaved_edits(self) -> UnsavedEdits:
        """All the file lacks of this draft (texts, new and removed cards, order): what a recovery file keeps."""
        edits = self.session.unsaved()
        for card_id, text in self._live.items():
            row = self.row_of(card_id)
            if row is not None:
                edits.texts[card_id] = text
                edits.separators[card_id] = self.card_at(row).separator
        return edits

    def has_unsaved(self) -> bool:
        """True while anything shown is not in the project file."""
        return bool(self._live) or self.session.behind

    def save_pending(self) -> bool:
        """Try to write the edits kept in memory only; False (and ``save_failed``) if it failed again."""
        try:
            self.session.save_pending()
        except SaveFailed as exc:
            self.save_failed.emit(KEPT_UNSAVED, str(exc))
            return False
        return True

    def _report_kept(self) -> None:
        """After an edit: if it was kept in memory only (its save failed), say so on ``save_failed``."""
        failure = self.session.take_failure()
        if failure is not None:
            self.save_failed.emit(KEPT_UNSAVED, str(failure))

    # -- changes, called by undo commands ------------------------------------

    def apply_text(self, card_id: str, text: str) -> None:
        row = self.session.set_text(card_id, text)
        self._live.pop(card_id, None)  # what is applied now wins over anything typed before it
        self._changed(row)
        self._report_kept()

    def apply_split(self, card_id: str, offset: int, new_card_id: str | None) -> str:
        row = self.session.position(card_id)
        new = self._rows_change(
            self.beginInsertRows, self.endInsertRows, row + 1, lambda: self.session.split(card_id, offset, new_card_id)
        )
        self._changed(row)
        self._report_kept()
        return new.id

    def apply_merge(self, card_id: str) -> tuple[str, list[str]]:
        row = self.session.position(card_id)
        above_id, moved = self._rows_change(
            self.beginRemoveRows, self.endRemoveRows, row, lambda: self.session.merge_with_previous(card_id)
        )
        self._changed(row - 1)
        self._report_kept()
        return above_id, moved

    def apply_unmerge(self, above_id: str, offset: int, card_id: str, variant_ids: list[str]) -> None:
        row = self.session.position(above_id)
        self._rows_change(
            self.beginInsertRows,
            self.endInsertRows,
            row + 1,
            lambda: self.session.unmerge(above_id, offset, card_id, variant_ids),
        )
        self._changed(row)
        self._report_kept()

    def apply_insert(self, row: int, card: Card) -> None:
        row = max(0, min(row, self.rowCount()))
        self._rows_change(self.beginInsertRows, self.endInsertRows, row, lambda: self.session.insert(row, card))
        self._report_kept()

    def apply_delete(self, card_id: str) -> tuple[int, Card]:
        row = self.session.position(card_id)
        result = self._rows_change(self.beginRemoveRows, self.endRemoveRows, row, lambda: self.session.delete(card_id))
        self._progress.pop(card_id, None)
        self._busy.discard(card_id)
        self._links.drop(card_id)
        self._report_kept()
        return result

    def apply_move(self, card_id: str, to_row: int) -> int:
        from_row = self.session.position(card_id)
        to_row = max(0, min(to_row, self.rowCount() - 1))
        if from_row == to_row:
            return from_row
        destination = to_row + 1 if to_row > from_row else to_row
        self._rows_change(
            lambda parent, first, _: self.beginMoveRows(parent, first, first, parent, destination),
            self.endMoveRows,
            from_row,
            lambda: self.session.move(card_id, to_row),
        )
        self._report_kept()
        return from_row

    def apply_restore(self, snapshot: Card, current: Card | None, **acceptance: str | None) -> None:
        """Put a card back as in ``snapshot``; ``undoing_accept``/``redoing_accept`` as ``DraftSession.restore``."""
        self.session.restore(snapshot, current, **acceptance)
        self._live.pop(snapshot.id, None)
        self._changed(self.row_of(snapshot.id))

    def apply_accept(self, card_id: str, variant_id: str) -> None:
        self.session.accept(card_id, variant_id)
        self._live.pop(card_id, None)
        self._changed(self.row_of(card_id))

    def apply_variant_state(self, card_id: str, variant_id: str, state: VariantState) -> None:
        self.session.set_variant_state(card_id, variant_id, state)
        self._changed(self.row_of(card_id))

    # -- generation progress (not undoable: it adds, never replaces) ---------

    def add_variants(self, card_id: str, variants: list[Variant]) -> bool:
        """Add finished variants to a card's stack; False if the card is gone or they could not be saved."""
        row = self.row_of(card_id)
        if row is None:
            return False
        try:
            self.session.add_variants(card_id, variants)
        except SaveFailed as exc:  # variants can be made again; the failure is reported, not raised
            self.save_failed.emit("The new variants were not kept", str(exc))
            return False
        self._unseen.setdefault(card_id, set()).update(v.id for v in variants)
        requests = self._requests.setdefault(card_id, [])
        if not requests:
            requests.append([])
        requests[-1].extend(v.id for v in variants)
        self._changed(row)
        return True

    def begin_request(self, card_id: str) -> None:
        """The writer (or a pause) asked for variants of ``card_id``: those added next belong to this request."""
        self._requests.setdefault(card_id, []).append([])

    def stack_order(self, card: Card) -> list[Variant]:
        """The card's stack in the order it unfurls: pinned first, then what was asked for in this session,
        newest request first (each request's variants in the order they came), then the rest as stored."""
        recent = [i for batch in reversed(self._requests.get(card.id, [])) for i in batch]
        rank = {variant_id: n for n, variant_id in enumerate(recent)}
        return sorted(
            card.stack(),
            key=lambda v: (v.state is not VariantState.PINNED, v.id not in rank, rank.get(v.id, 0)),
        )

    def mark_seen(self, card_id: str) -> None:
        """The writer has unfurled the stack: nothing in it is new any more."""
        if self._unseen.pop(card_id, None):
            self._changed(self.row_of(card_id))

    def set_progress(self, card_id: str, done: int, total: int) -> None:
        """How far a fill has got, in candidates (counts only: candidate text never comes here)."""
        self._progress[card_id] = (done, total)
        self._changed(self.row_of(card_id))

    def clear_progress(self, card_id: str) -> None:
        if self._progress.pop(card_id, None) is not None:
            self._changed(self.row_of(card_id))

    def set_busy(self, card_id: str, busy: bool) -> None:
        if busy:
            self._busy.add(card_id)
        else:
            self._busy.discard(card_id)
        self._changed(self.row_of(card_id))

    # -- link cards: set in the background, taken off by "Not relevant" --------

    def set_links(self, links_by_card: Mapping[str, list[Link]]) -> None:
        """Each named card's links now (``[]``: none; cards not named keep theirs). Only the rows whose links
        changed are announced, in as few ranges as ``row_runs`` makes."""
        rows = {card.id: row for row, card in enumerate(self.session.cards)}
        changed = self._links.update({c: links for c, links in links_by_card.items() if c in rows})
        for first, last in row_runs(rows[c] for c in changed):
            self.dataChanged.emit(self.index(first), self.index(last), [CardRole.LINKS, CardRole.PEEKS])

    def remove_link(self, card_id: str, target_id: str) -> None:
        self.set_links({card_id: self._links.without(card_id, target_id)})

    def add_link(self, card_id: str, link: Link) -> None:
        self.set_links({card_id: self._links.with_link(card_id, link)})

    def _rows_change(self, begin: Callable, end: Callable, row: int, change: Callable[[], T]) -> T:
        """Run ``change`` (a session call that adds, removes or moves row ``row``) between ``begin`` and ``end``.

        If its save fails, the session changed nothing, but the views were
        already told rows would change: after closing the pair, a reset makes
        every view read the (unchanged) cards again. Then the failure goes on.
        """
        begin(QModelIndex(), row, row)
        try:
            result = change()
        except SaveFailed:
            end()
            self.beginResetModel()
            self.endResetModel()
            raise
        end()
        return result

    def _changed(self, row: int | None) -> None:
        if row is not None and 0 <= row < self.rowCount():
            index = self.index(row)
            self.dataChanged.emit(index, index)
