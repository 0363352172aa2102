"""The notes side of find and replace ("Include notes"), and the undo step of a replace.

The find bar searches the draft's cards; with "Include notes" ticked it also
searches the notes library, through ``FindNotes``: the notes' texts as the
notes panel lists them, showing a match (the notes panel opens, the note is
selected and scrolled to), and saving changed notes. Notes change only through
``NotesLibrary.replace``, as the notes panel's own undoable edits do.

``ReplaceTexts`` is one Replace or Replace All: new texts for cards and notes
together, one step of undo, saved in one transaction.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDockWidget

from cardwriter.domain.model import Note

if TYPE_CHECKING:
    from cardwriter.gui.draft.card_model import CardListModel
    from cardwriter.gui.notes.notes_panel import NotesPanel


class FindNotes(QObject):
    """The notes panel shown now (None while no project is open), as the find bar needs it."""

    changed = Signal()  # the notes changed: find again

    def __init__(self, parent=None):
        super().__init__(parent)
        self.panel: NotesPanel | None = None

    def attach(self, panel: NotesPanel | None) -> None:
        """Find in ``panel``'s notes from now on (a project opened or closed)."""
        if panel is self.panel:
            return
        if self.panel is not None:
            with contextlib.suppress(RuntimeError):  # the old panel may already be gone with its project
                self.panel.notes_changed.disconnect(self.changed)
        self.panel = panel
        if panel is not None:
            panel.notes_changed.connect(self.changed)

    def texts(self) -> list[tuple[str, str]]:
        """(note id, text) of every note, in the order the notes panel lists them (newest first)."""
        if self.panel is None:
            return []
        return [(note.id, note.text) for note in self.panel.model.all_notes()]

    def note(self, note_id: str) -> Note | None:
        return self.panel.model.note(note_id) if self.panel is not None else None

    def notes(self) -> list[Note]:
        return self.panel.model.all_notes() if self.panel is not None else []

    def reveal(self, note_id: str) -> None:
        """Show the note: the notes panel opens if it was collapsed, and the note is selected in it."""
        panel = self.panel
        if panel is None or panel.model.note(note_id) is None:
            return
        dock = panel.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None and not dock.isVisible():
            dock.show()
        if note_id not in panel.model.shown_ids():
            panel.search.clear()  # a search in the panel hid it: show the whole library again
        index = panel.model.index(panel.model.shown_ids().index(note_id))
        panel.list.setCurrentIndex(index)
        panel.list.scrollTo(index)

    def replace(self, before: list[Note], after: list[Note]) -> None:
        """Save the notes ``before`` as ``after`` (inside the caller's transaction) and show them."""
        assert self.panel is not None, "notes change only while their project is open"
        self.panel.model.library.replace(before, after)

    def shown_changed(self) -> None:
        """After a saved change: the panel lists the notes anew, and everyone who watches them hears."""
        if self.panel is not None:
            self.panel.model.reload()
            self.panel.notes_changed.emit()


class ReplaceTexts(QUndoCommand):
    """New texts for several cards and notes at once: one step to undo, one transaction to save."""

    def __init__(
        self,
        model: CardListModel,
        changes: list[tuple[str, str, str]],
        label: str = "Replace All",
        notes: FindNotes | None = None,
        note_changes: list[tuple[Note, Note]] | None = None,
    ):
        """``changes`` holds (card id, old text, new text); ``note_changes`` (note as it was, as it becomes)."""
        super().__init__(label)
        self.model, self.changes = model, changes
        self.notes, self.note_changes = notes, note_changes or []

    def redo(self) -> None:
        self._apply(
            [(card_id, new) for card_id, _old, new in self.changes],
            [old for old, _new in self.note_changes],
            [new for _old, new in self.note_changes],
        )

    def undo(self) -> None:
        self._apply(
            [(card_id, old) for card_id, old, _new in self.changes],
            [new for _old, new in self.note_changes],
            [old for old, _new in self.note_changes],
        )

    def _apply(self, texts: list[tuple[str, str]], notes_before: list[Note], notes_after: list[Note]) -> None:
        with self.model.session.project.transaction():
            if notes_after and self.notes is not None:
                self.notes.replace(notes_before, notes_after)
            for card_id, text in texts:
                self.model.apply_text(card_id, text)
        if notes_after and self.notes is not None:
            self.notes.shown_changed()
