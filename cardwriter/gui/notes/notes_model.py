"""The notes library as a Qt model: an adapter over the project's notes.

Notes can be dragged out (onto a card to recombine, onto another note to
combine) and text or files can be dropped in from other apps. The model
shows either every note or the ids a search returned, in that order.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from cardwriter.domain.model import Note
from cardwriter.gui.common.drag_data import NOTE_MIME, note_ids_from
from cardwriter.services.notes_library import NotesLibrary
from cardwriter.services.projects import Project

NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 2


class NotesModel(QAbstractListModel):
    texts_dropped = Signal(list)  # plain texts dropped from another app
    files_dropped = Signal(list)  # local file paths dropped from another app
    notes_combined = Signal(str, str)  # a note dropped onto another: (dragged id, target id)

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self.library = NotesLibrary(project)  # every read and change of the notes goes through it
        self._notes: dict[str, Note] = {}
        self._order: list[str] = []
        self._filter: list[str] | None = None
        self.reload()

    # -- contents ------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        notes = self.library.notes()
        self._notes = {n.id: n for n in notes}
        self._order = [n.id for n in reversed(notes)]  # newest first
        if self._filter is not None:
            self._filter = [i for i in self._filter if i in self._notes]
        self.endResetModel()

    def show_only(self, note_ids: list[str] | None) -> None:
        """Show these notes in this order (a search result), or all of them (None)."""
        self.beginResetModel()
        self._filter = None if note_ids is None else [i for i in note_ids if i in self._notes]
        self.endResetModel()

    def shown_ids(self) -> list[str]:
        return list(self._order if self._filter is None else self._filter)

    def note(self, note_id: str) -> Note | None:
        return self._notes.get(note_id)

    def all_notes(self) -> list[Note]:
        return [self._notes[i] for i in self._order]

    def note_at(self, row: int) -> Note:
        return self._notes[self.shown_ids()[row]]

    # -- Qt model ------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.shown_ids())

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        note = self.note_at(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            shown = " ".join(note.text.split())
            shown = shown if len(shown) <= 160 else shown[:159] + "…"
            return f"{shown}\n— {note.source}" if note.source and len(note.source) < 60 else shown
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{note.text}\n\n— {note.source}" if note.source else note.text
        if role == NOTE_ID_ROLE:
            return note.id
        if role == SOURCE_ROLE:
            return note.source
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # -- drag and drop -------------------------------------------------------

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [NOTE_MIME, "text/plain", "text/uri-list"]

    def mimeData(self, indexes) -> QMimeData:
        notes = [self.note_at(i.row()) for i in indexes if i.isValid()]
        mime = QMimeData()
        mime.setData(NOTE_MIME, QByteArray("\n".join(n.id for n in notes).encode()))
        mime.setText("\n\n".join(n.text for n in notes))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        if data.hasFormat(NOTE_MIME):
            return parent.isValid()  # a note onto another note: combine them
        return data.hasUrls() or data.hasText()

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent) -> bool:
        if data.hasFormat(NOTE_MIME):
            dragged = note_ids_from(data)
            if parent.isValid() and dragged:
                target = self.note_at(parent.row()).id
                if dragged[0] != target:
                    self.notes_combined.emit(dragged[0], target)
            return False
        if data.hasUrls():
            paths = [url.toLocalFile() for url in data.urls() if url.isLocalFile()]
            if paths:
                self.files_dropped.emit(paths)
                return True
        if data.hasText() and data.text().strip():
            self.texts_dropped.emit([data.text()])
            return True
        return False
